"""`ainews reprocess` cleans in worker processes and stores in article id order: the same
records and clusters whatever the number of workers; a dead worker or a stuck page costs
that page only; an interrupted run leaves whole records and the next one goes on."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ainews.scraper.batchclean import TOO_SLOW, OrderedCleaner, WorkerCrashed
from ainews.scraper.cleaning import Prepared
from ainews.scraper.extraction import EXTRACTOR_VERSION
from ainews.scraper.items import FetchedPage
from ainews.scraper.pool import ExtractorPool, clean_fetched
from ainews.scraper.reprocess import reprocess_database
from benchmarks.reprocess import table_rows
from tests.cli_helpers import REPO
from tests.test_reprocess import stale_database

TABLES = ("articles", "pages", "clusters", "cluster_members", "article_versions")


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of the tables reprocessing writes, clock columns left out."""
    conn = sqlite3.connect(db)
    try:
        return {table: sorted(table_rows(conn, table), key=repr) for table in TABLES}
    finally:
        conn.close()


def crash_on(url: str, page: FetchedPage, max_size: int = 0) -> Prepared | str:
    """A worker task that dies (SIGKILL, as a segfault or the OOM killer would) on ``url``."""
    if page.url == url:
        os.kill(os.getpid(), signal.SIGKILL)
    return clean_fetched(page, max_size)


def stuck_on(url: str, page: FetchedPage, max_size: int = 0) -> Prepared | str:
    if page.url == url:
        time.sleep(60)
    return clean_fetched(page, max_size)


def small_page(n: int) -> FetchedPage:
    text = " ".join(f"Sentence {n}.{i} says what the model number {n} learned today."
                    for i in range(12))
    html = (f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
            f"<p>{text}</p><p>{text}</p></article></body></html>").encode()
    url = f"http://news.test/story-{n}"
    return FetchedPage(url, url, "news", 200, "text/html", html, "2026-04-07T00:00:00+00:00")


def test_same_rows_and_clusters_whatever_the_number_of_workers(tmp_path: Path) -> None:
    stale_database(tmp_path / "w0.db")
    shutil.copy(tmp_path / "w0.db", tmp_path / "w2.db")
    counts = {n: reprocess_database(tmp_path / f"w{n}.db", workers=n) for n in (0, 2)}
    assert counts[0] == counts[2] == {"updated": 21}
    assert dump(tmp_path / "w0.db") == dump(tmp_path / "w2.db")


def test_a_dead_worker_costs_its_page_only(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    urls = stale_database(db)
    victim = sorted(urls.values())[3]
    counts = reprocess_database(db, workers=2, task=functools.partial(crash_on, victim))
    assert counts == {"failed": 1, "updated": len(urls) - 1}
    conn = sqlite3.connect(db)
    rows = dict(conn.execute("SELECT url, extractor_version FROM articles"))
    assert rows.pop(victim) == EXTRACTOR_VERSION - 1  # kept as stored: the next run retries it
    assert set(rows.values()) == {EXTRACTOR_VERSION}
    assert reprocess_database(db, workers=0) == {"updated": 1}


def test_results_come_in_input_order_and_a_stuck_page_is_too_slow() -> None:
    pages = [small_page(n) for n in range(7)]
    pulled: list[int] = []  # pages read from the input when each result came out

    def items():
        for n, page in enumerate(pages):
            pulled.append(n)
            yield n, page

    results = []
    with OrderedCleaner(2, timeout=1.5, ahead=2,
                        task=functools.partial(stuck_on, pages[2].url)) as cleaner:
        for result in cleaner.clean(items()):
            results.append(result)
            assert len(pulled) - len(results) < 2 * 2  # in flight: at most workers * ahead
    assert [key for key, _, _ in results] == list(range(7))
    assert results[2][2] == TOO_SLOW
    for n, page, result in results:
        if n != 2:
            assert isinstance(result, Prepared) and result.article.title == f"Story {n}", n
            assert page is pages[n]


def test_a_page_that_kills_its_worker_again_is_the_one_that_fails() -> None:
    pages = [small_page(n) for n in range(6)]
    with OrderedCleaner(2, task=functools.partial(crash_on, pages[4].url)) as cleaner:
        results = [result for _, _, result in cleaner.clean(enumerate(pages))]
    assert isinstance(results[4], WorkerCrashed)
    assert all(isinstance(r, Prepared) for n, r in enumerate(results) if n != 4)


def test_batch_cleaning_runs_in_the_crawl_pool_with_no_helper_thread() -> None:
    """The batch commands use the crawl's pool, driven by a loop of their own: no executor
    manager or queue feeder thread in the writing process (ProcessPoolExecutor ran two)."""
    pages = [small_page(n) for n in range(5)]
    before = set(threading.enumerate())
    during = []
    with OrderedCleaner(2) as cleaner:
        for n, _, result in cleaner.clean(enumerate(pages)):
            during.append(set(threading.enumerate()) - before)
            assert isinstance(result, Prepared) and result.article.title == f"Story {n}"
        assert during == [set()] * len(pages)
        assert isinstance(cleaner.pool, ExtractorPool) and len(cleaner.pool._workers) == 2


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
                    reason="needs /proc/PID/task/PID/children")
@pytest.mark.parametrize(("signum", "group", "code"), [
    (signal.SIGTERM, False, 128 + signal.SIGTERM),  # kill, cron's timeout: the command alone
    (signal.SIGINT, True, 130),  # Ctrl-C: the whole process group, workers too
], ids=["sigterm", "ctrl-c"])
def test_a_signal_stops_the_run_and_its_workers_leaving_whole_records(
        tmp_path: Path, signum: int, group: bool, code: int) -> None:
    db = tmp_path / "a.db"
    stale_database(db)
    run = subprocess.Popen([sys.executable, "-m", "ainews.scraper.cli", "reprocess", "--db",
                            str(db), "--workers", "2"], cwd=REPO, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True,
                           preexec_fn=_ctrl_c_as_a_terminal_has_it)
    workers: list[int] = []
    while not workers and run.poll() is None:  # the workers are up: the run has begun
        workers = children(run.pid)
        time.sleep(0.005)
    if group:
        os.killpg(run.pid, signum)
    else:
        run.send_signal(signum)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == code, stderr[-2000:]
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr[-2000:]
    for pid in workers:  # stopped with the run, not left cleaning
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid), pid
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT extractor_version, body LIKE 'old body of %' FROM articles "
                        "ORDER BY id").fetchall()
    conn.close()
    done = sum(version == EXTRACTOR_VERSION for version, _ in rows)
    assert rows == [(EXTRACTOR_VERSION, 0)] * done + [(EXTRACTOR_VERSION - 1, 1)] * (21 - done)
    assert reprocess_database(db, workers=2) == {"updated": 21 - done}  # goes on from there


def _ctrl_c_as_a_terminal_has_it() -> None:
    """SIGINT's default action in the command, as a shell gives a foreground job. A
    background job of a non-interactive shell (``.ci/run &``) inherits SIGINT ignored;
    Python then never raises KeyboardInterrupt, and the run went on and exited 0."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
