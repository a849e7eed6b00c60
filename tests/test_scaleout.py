"""Scale-out on a real redis-server: workers + one ingester give the one-process database."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ainews.dedupe.text import features
from ainews.scraper import scaleout as keys
from ainews.scraper.article import Article
from ainews.scraper.cleaning import Prepared, prepare
from ainews.scraper.items import FetchedPage
from ainews.scraper.scaleout import records
from ainews.scraper.scaleout.ingest import DEAD_LETTERS, run_ingest
from ainews.scraper.storage.rawpages import decompress_raw
from ainews.scraper.storage.store import content_hash
from tests.cli_helpers import REPO, crawled_demo, run_ainews

redis = pytest.importorskip("redis")

#: One cleaning process each (the machine has 2 cores). The heartbeat keeps its default
#: TTL: a killed worker is restarted under its name, which takes its ledger back at once.
WORKER = ("-s", "AINEWS_WORKERS=1")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("scaleout")
    base = tmp / "one-process.db"
    with crawled_demo(tmp, base) as (server, sites, run):
        assert run.returncode == 0, run.stderr[-3000:]
        yield {"server": server, "sites": sites, "base": base}


@pytest.fixture
def server(redis_url: str):
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield client
    client.close()


def worker(redis_url: str, sites: Path, tmp: Path, name: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ainews.scraper.cli", "crawl", "--db", tmp / "unused.db", "--sites",
         sites, "--redis", redis_url, "--worker-id", name, "--log-file", tmp / f"{name}.log",
         *WORKER, *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )


def ingester(redis_url: str, db: Path) -> subprocess.Popen:
    """``ainews ingest`` into ``db``. Started beside workers just started, call
    :func:`await_a_worker` first: an ingester that finds Redis empty waits 30 s for a worker
    (``START_GRACE_S``), and starting a worker took 25 s at load 15. The ingester started
    first is ``test_an_ingester_started_before_the_workers_waits_for_them``."""
    return subprocess.Popen(
        [sys.executable, "-m", "ainews.scraper.cli", "ingest", "--db", db, "--redis", redis_url],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )


def await_a_worker(server, procs: list[subprocess.Popen]) -> None:
    """Return once one of ``procs`` (workers) has registered its heartbeat."""
    deadline = time.monotonic() + 300
    while not keys.live_workers(server):
        assert all(p.poll() is None for p in procs), "a worker exited before registering"
        assert time.monotonic() < deadline, "no worker registered"
        time.sleep(0.05)


def finish(proc: subprocess.Popen, timeout: float = 300) -> str:
    """``proc``'s output once it exited 0 (the timeout is a ceiling: a worker's run took
    50 s at load 15, most of it starting Python)."""
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out


def snapshot(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {
            "articles": sorted(conn.execute(
                "SELECT id, url, cluster_id, is_canonical, partial_of, content_hash, title"
                " FROM articles")),
            "pages": sorted(conn.execute("SELECT article_id, url, status FROM pages")),
            "cluster_members": sorted(conn.execute(
                "SELECT article_id, cluster_id, relation, compared_with FROM cluster_members")),
        }
    finally:
        conn.close()


def no_doubles(db: Path) -> None:
    conn = sqlite3.connect(db)
    for table, key in (("articles", "url"), ("pages", "article_id")):
        total, distinct = conn.execute(
            f"SELECT count(*), count(DISTINCT {key}) FROM {table}").fetchone()
        assert total == distinct > 0, table
    conn.close()


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_and_one_ingester_give_the_one_process_database(
        demo: dict, redis_url: str, server, tmp_path: Path, workers: int) -> None:
    procs = [worker(redis_url, demo["sites"], tmp_path, f"w{i}") for i in range(workers)]
    await_a_worker(server, procs)
    ingest = ingester(redis_url, tmp_path / "scaled.db")
    outputs = [finish(p) for p in procs]
    assert "ainews ingest: ok" in finish(ingest)
    pushed = [int(o.split("pushed=")[1].split()[0]) for o in outputs]
    base = snapshot(demo["base"])
    assert sum(pushed) == len(base["articles"])  # each article fetched by one worker only
    assert snapshot(tmp_path / "scaled.db") == base
    no_doubles(tmp_path / "scaled.db")
    assert not (tmp_path / "unused.db").exists()  # workers never open SQLite
    assert server.xlen(keys.STREAM) == 0 and server.zcard(keys.queue_key()) == 0


def test_killed_worker_and_ingester_restart_to_the_same_database(
        demo: dict, redis_url: str, server, tmp_path: Path) -> None:
    slow = ("-s", "DOWNLOAD_DELAY=0.25", "-s", "AINEWS_WORKERS=0")  # a run long enough to kill
    db = tmp_path / "scaled.db"
    procs = {name: worker(redis_url, demo["sites"], tmp_path, name, *slow)
             for name in ("w1", "w2")}
    await_a_worker(server, list(procs.values()))
    ingest = ingester(redis_url, db)
    deadline = time.monotonic() + 300  # a ceiling: the workers take 25 s to start at load 15

    def holder() -> str | None:  # a worker holding requests once pages are in the stream
        # (one worker may take every queued request while the other gets none)
        if not server.exists(keys.STREAM) or server.xinfo_stream(keys.STREAM)[
                "entries-added"] < 4:
            return None
        return next((n for n in procs if server.hlen(keys.ledger_key(n)) > 0), None)

    while True:
        assert time.monotonic() < deadline, "no page reached the stream"
        assert any(p.poll() is None for p in procs.values()), "the workers ended before the kill"
        time.sleep(0.05)
        if (victim := holder()) is None:
            continue
        os.kill(procs[victim].pid, signal.SIGSTOP)  # frozen: what it holds now, the kill leaves
        if server.hlen(keys.ledger_key(victim)) > 0:
            break
        os.kill(procs[victim].pid, signal.SIGCONT)
    os.kill(procs[victim].pid, signal.SIGKILL)
    os.kill(ingest.pid, signal.SIGKILL)
    procs[victim].wait()
    ingest.wait()
    assert procs[victim].returncode == ingest.returncode == -signal.SIGKILL
    taken = server.hlen(keys.ledger_key(victim))
    assert taken > 0  # requests it took and never finished: lost without the ledger
    # Restarted under the same names: the worker takes back what it had taken, the
    # ingester re-reads what it had not acknowledged.
    restarted = worker(redis_url, demo["sites"], tmp_path, victim, *slow)
    ingest = ingester(redis_url, db)
    assert "ainews crawl: ok" in finish(restarted)
    assert f"put back {taken} unfinished request(s) of worker {victim}" in (
        tmp_path / f"{victim}.log").read_text()
    for name, proc in procs.items():
        if name != victim:
            finish(proc)
    finish(ingest)
    assert snapshot(db) == snapshot(demo["base"])
    no_doubles(db)
    assert server.xlen(keys.STREAM) == 0
    assert not list(server.scan_iter(match=keys.ledger_key("") + "*"))


def test_redelivered_entry_is_written_once_and_a_bad_one_is_set_aside(
        redis_url: str, server, tmp_path: Path) -> None:
    """A kill between the commit and the XACK delivers an entry again: it changes nothing."""
    page = FetchedPage(url="https://example.org/a", requested_url="https://example.org/a",
                       site="ex", status=200, content_type="text/html",
                       body=b"<html>...</html>", fetched_at="2026-01-01T00:00:00+00:00")
    article = Article(url=page.url, title="A story", body="One paragraph of words. " * 30,
                      site="ex", fetched_at=page.fetched_at)
    entry = records.encode(page, prepare(article, page))
    server.xadd(keys.STREAM, entry)
    server.xadd(keys.STREAM, entry)  # the same record again
    server.xadd(keys.STREAM, {**entry, b"raw": b"not compressed"})
    server.xadd(keys.STREAM, {**entry, b"para_ends": entry[b"para_ends"][:-4]})  # truncated
    # pushed by a worker of the previous release: no prepared features, still read
    old = story(7)
    server.xadd(keys.STREAM, {b"v": b"1", **{k: old[k] for k in (b"page", b"article", b"raw")}})
    result = run_ingest(redis_url, tmp_path / "a.db")
    assert result.counts == {"new": 2, "unchanged": 1, "bad_record": 2}
    assert server.xlen(DEAD_LETTERS) == 2 and server.xlen(keys.STREAM) == 0
    conn = sqlite3.connect(tmp_path / "a.db")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    raw = conn.execute("SELECT raw_page FROM pages WHERE url = ?", [page.url]).fetchone()[0]
    assert decompress_raw(raw) == page.body


def test_an_entry_carries_what_the_worker_prepared() -> None:
    """The ingester reads the content hash and de-duplication features the worker computed
    beside the cleaning, instead of computing them again."""
    entry = story(3)
    page, prepared, raw = records.decode(entry)
    assert isinstance(prepared, Prepared) and prepared.raw_page == raw
    body = prepared.article.body
    assert prepared.content_hash == content_hash(body)
    want = features(body)
    got = prepared.features
    assert got.body_hash == want.body_hash and got.token_hashes.tolist() == \
        want.token_hashes.tolist()
    assert (got.para_ends.tolist(), got.para_hashes.tolist()) == \
        (want.para_ends.tolist(), want.para_hashes.tolist())


def test_an_entry_that_cannot_be_stored_never_blocks_the_stream(
        redis_url: str, server, tmp_path: Path) -> None:
    """A page whose record the store refuses (here a title that is not text) is set aside
    with the reason; the entries after it are stored, and a restart has nothing left."""
    def entry(n: int, title: object) -> dict[bytes, bytes]:
        url = f"https://example.org/{n}"
        page = FetchedPage(url=url, requested_url=url, site="ex", status=200,
                           content_type="text/html", body=b"<html></html>",
                           fetched_at="2026-01-01T00:00:00+00:00")
        article = Article(url=url, title=title, body=f"Story {n} has its own words. " * 30,
                          site="ex", fetched_at=page.fetched_at)
        return records.encode(page, prepare(article, page))

    server.xadd(keys.STREAM, entry(1, ["not", "text"]))
    server.xadd(keys.STREAM, entry(2, "A fine story"))
    result = run_ingest(redis_url, tmp_path / "a.db")
    assert result.counts == {"failed": 1, "new": 1}
    dead = server.xrange(DEAD_LETTERS)
    assert len(dead) == 1 and b"error" in dead[0][1]
    assert server.xlen(keys.STREAM) == 0
    assert run_ingest(redis_url, tmp_path / "a.db").counts == {}


def test_domain_slot_is_shared_and_retry_after_pauses_every_worker(server) -> None:
    from ainews.scraper.scaleout.worker import _PAUSE_SLOT, _TAKE_SLOT

    take, pause = server.register_script(_TAKE_SLOT), server.register_script(_PAUSE_SLOT)
    key = keys.slot_key("example.org")
    assert take(keys=[key], args=[2000]) == 0  # one worker takes the slot
    assert 0 < take(keys=[key], args=[2000]) <= 2000  # the next, any worker, waits
    pause(keys=[key], args=[60_000])  # Retry-After: 60 from one worker's response
    assert 2000 < take(keys=[key], args=[2000]) <= 60_000
    assert take(keys=[keys.slot_key("other.org")], args=[2000]) == 0  # per domain


def test_status_reports_queue_stream_and_workers(
        demo: dict, redis_url: str, server, tmp_path: Path) -> None:
    finish(worker(redis_url, demo["sites"], tmp_path, "w1"))
    run = run_ainews("status", "--redis", redis_url, "--json")
    assert run.returncode == 0, run.stderr
    import json

    report = json.loads(run.stdout)
    articles = len(snapshot(demo["base"])["articles"])
    assert report["stream"] == {"pending": 0, "undelivered": articles}
    assert report["queue"] == 0 and report["in_flight"] == 0
    assert report["workers"] == {}  # it exited and removed its heartbeat
    assert report["seen_urls"] >= articles
    text = run_ainews("status", "--redis", redis_url)
    assert f"{articles} not yet delivered" in text.stdout


def test_unreachable_redis_is_one_line_and_exit_1(tmp_path: Path) -> None:
    closed = "redis://127.0.0.1:1/0"
    for args in (("crawl", "--db", tmp_path / "a.db", "--sites", REPO / "sites.toml"),
                 ("ingest", "--db", tmp_path / "a.db"), ("status",)):
        run = run_ainews(*args, "--redis", closed)
        assert run.returncode == 1, (args, run.stderr)
        assert run.stderr.startswith("Error: cannot use Redis at redis://127.0.0.1:1/0")
        assert "Traceback" not in run.stderr
    assert not (tmp_path / "a.db").exists()


def story(n: int, title: object = None) -> dict[bytes, bytes]:
    """A stream entry for article ``n`` (its own words, so its own cluster)."""
    url = f"https://example.org/{n}"
    page = FetchedPage(url=url, requested_url=url, site="ex", status=200,
                       content_type="text/html", body=f"<html>{n}</html>".encode(),
                       fetched_at="2026-01-01T00:00:00+00:00")
    article = Article(url=url, title=f"Story {n}" if title is None else title,
                      body=own_words(n), site="ex", fetched_at=page.fetched_at)
    return records.encode(page, prepare(article, page))


_VOCABULARY = ("model", "chip", "lab", "agent", "data", "rule", "court", "paper", "robot",
               "voice", "code", "cloud", "grant", "board", "price", "study", "team", "law",
               "test", "user", "safety", "market", "policy", "launch")


def own_words(n: int) -> str:
    """A body no other ``n`` shares a 4-word run with: each story its own cluster, and no
    story a de-duplication candidate of another (these tests are about the stream)."""
    words = random.Random(n).choices(_VOCABULARY, k=240)
    return " ".join(f"Story {n}: {' '.join(words[i:i + 12])}." for i in range(0, 240, 12))


def test_an_ingester_started_before_the_workers_waits_for_them(
        redis_url: str, server, tmp_path: Path) -> None:
    """Started at the same moment as the workers, the ingester sees an empty Redis: it
    must wait for the first worker or entry, not return with nothing written."""
    import threading

    done: dict = {}
    thread = threading.Thread(target=lambda: done.update(
        result=run_ingest(redis_url, tmp_path / "a.db", start_grace_s=120)))
    server.config_resetstat()
    thread.start()
    deadline = time.monotonic() + 120
    # Its read of its own backlog, one blocking read that saw nothing, and the next one
    # (Redis counts a call when it starts): the ingester has looked and kept waiting.
    while server.info("commandstats").get("cmdstat_xreadgroup", {}).get("calls", 0) < 3:
        assert thread.is_alive(), "the ingester returned before any worker or entry came"
        assert time.monotonic() < deadline, "the ingester did not read the stream"
        time.sleep(0.05)
    server.xadd(keys.STREAM, story(1))
    thread.join(timeout=120)
    assert done["result"].counts == {"new": 1}


def test_ingester_killed_mid_batch_commits_whole_batches_and_loses_nothing(
        redis_url: str, server, tmp_path: Path) -> None:
    """The entries of one read commit in one transaction, acknowledged after it: a kill -9
    leaves only whole batches in the database, and a restart writes the rest once."""
    from ainews.scraper.scaleout.ingest import BATCH

    total = 8 * BATCH  # a loaded machine may wake this test late: room for several
    for n in range(total):
        server.xadd(keys.STREAM, story(n))
    db = tmp_path / "a.db"
    ingest = ingester(redis_url, db)
    deadline = time.monotonic() + 300  # a ceiling: the ingester takes 25 s to start at load 15
    while True:  # until the first batch is acknowledged
        assert ingest.poll() is None and time.monotonic() < deadline, "no batch acknowledged"
        time.sleep(0.01)
        os.kill(ingest.pid, signal.SIGSTOP)  # frozen: what is acknowledged now, the kill leaves
        if server.xlen(keys.STREAM) <= total - BATCH:
            break
        os.kill(ingest.pid, signal.SIGCONT)
    os.kill(ingest.pid, signal.SIGKILL)
    ingest.wait()
    acknowledged = total - server.xlen(keys.STREAM)
    assert acknowledged < total  # killed before the end: a later batch was under way
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    assert stored % BATCH == 0  # whole batches only (one commit per entry stops anywhere)
    assert acknowledged <= stored  # nothing acknowledged before its commit
    result = run_ingest(redis_url, db)
    assert result.counts["new"] == total - stored
    assert result.counts["new"] + result.counts["unchanged"] == total - acknowledged
    assert snapshot(db)["articles"] and len(snapshot(db)["articles"]) == total
    no_doubles(db)
    assert server.xlen(keys.STREAM) == 0 and not server.xpending(keys.STREAM, keys.GROUP)[
        "pending"]
