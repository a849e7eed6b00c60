"""What a cron user relies on: lock, exit codes, bounded runs, kill -9 safety, refusals."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ainews.scraper.crawl import EXIT_CONFIG, EXIT_LOCKED, EXIT_PARTIAL, crawl_lock
from ainews.scraper.demo.server import DemoServer
from tests import demo_expected as expected
from tests.cli_helpers import REPO, run_ainews


@pytest.fixture
def server():
    with DemoServer(port=0) as srv:
        yield srv


def test_bad_sites_file_exits_with_config_code(tmp_path: Path) -> None:
    bad = tmp_path / "sites.toml"
    bad.write_text("[[site]]\nname = 'x'\n", encoding="utf-8")
    run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", bad)
    assert run.returncode == EXIT_CONFIG
    assert "sites.toml" in run.stderr and "domains" in run.stderr
    run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", tmp_path / "missing.toml")
    assert run.returncode == EXIT_CONFIG and "not found" in run.stderr


def test_unknown_site_name_exits_with_config_code(tmp_path: Path, server) -> None:
    run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", server.sites_file(tmp_path),
                     "--site", "nope")
    assert run.returncode == EXIT_CONFIG and "unknown site" in run.stderr


def test_a_site_whose_feeds_all_fail_makes_the_run_partial(tmp_path: Path, server) -> None:
    text = server.sites_toml() + f"""
[[site]]
name = "moved-feed"
domains = ["127.0.0.1"]
feeds = ["{server.base_url}/moved/feed.xml"]
"""
    sites = tmp_path / "sites.toml"
    sites.write_text(text, encoding="utf-8")
    db = tmp_path / "a.db"
    run = run_ainews("crawl", "--db", db, "--sites", sites)
    assert run.returncode == EXIT_PARTIAL, run.stderr
    assert run.stdout.startswith("ainews crawl: partial")
    assert "failed_sites=moved-feed" in run.stdout
    conn = sqlite3.connect(db)
    status, code, failed = conn.execute(
        "SELECT status, exit_code, failed_sites FROM crawl_runs").fetchone()
    assert (status, code, failed) == ("partial", EXIT_PARTIAL, '["moved-feed"]')
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(
        expected.crawlable())


def test_second_crawl_exits_at_once_while_the_lock_is_held(tmp_path: Path, server) -> None:
    """It returns while this process still holds the lock: a crawl that waited for the
    lock would wait past the ceiling (start-up alone takes 25 s at load 15: no clock)."""
    db = tmp_path / "a.db"
    with crawl_lock(db):
        run = run_ainews("crawl", "--db", db, "--sites", server.sites_file(tmp_path),
                         timeout=120)
    assert run.returncode == EXIT_LOCKED
    assert "another process" in run.stderr and str(os.getpid()) in run.stderr
    assert server.stats.requests == 0


def test_one_site_and_max_pages_bound_the_run(tmp_path: Path, server) -> None:
    db = tmp_path / "a.db"
    run = run_ainews("crawl", "--db", db, "--sites", server.sites_file(tmp_path),
                     "--site", "demo-publisher", "--max-pages", "4")
    assert run.returncode == 0, run.stderr
    conn = sqlite3.connect(db)
    sites = {r[0] for r in conn.execute("SELECT site FROM articles")}
    assert sites <= {"demo-publisher"}
    (reason,) = conn.execute("SELECT finish_reason FROM crawl_runs").fetchone()
    assert reason == "closespider_pagecount"
    assert server.stats.requests <= 4 + 16  # in-flight requests may finish after the limit


def test_private_addresses_refused_unless_allowed(tmp_path: Path, server) -> None:
    text = server.sites_toml().replace("allow_private = true", "allow_private = false")
    sites = tmp_path / "sites.toml"
    sites.write_text(text, encoding="utf-8")
    run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", sites)
    assert server.stats.requests == 0
    assert run.returncode == 1  # nothing reachable: the run failed, and says so
    assert "failed" in run.stdout and "private_address" in run.stdout


def stored_articles(db: Path) -> int:
    """Articles in ``db`` so far (0 while it does not exist or cannot be read yet)."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=0)
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or locked by the frozen writer
        return 0
    finally:
        conn.close()


def test_kill_9_then_resume_loses_and_doubles_nothing(tmp_path: Path, server) -> None:
    db = tmp_path / "a.db"
    sites = server.sites_file(tmp_path)
    slow = sites.read_text(encoding="utf-8").replace("download_delay = 0", "download_delay = 0.3")
    sites.write_text(slow, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ainews.scraper.cli", "crawl", "--db", str(db),
         "--sites", str(sites), "-s", "AUTOTHROTTLE_ENABLED=false"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300  # a ceiling: start-up alone takes 25 s at load 15
    stored = 0
    while stored < 4:
        assert proc.poll() is None, "the crawl ended before the kill"
        assert time.monotonic() < deadline, "no page was stored"
        time.sleep(0.2)
        proc.send_signal(signal.SIGSTOP)  # frozen: the count read is the count killed at
        stored = stored_articles(db)
        if stored < 4:
            proc.send_signal(signal.SIGCONT)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < stored < len(expected.crawlable()), "kill did not land mid-crawl"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    before = {r[0] for r in conn.execute("SELECT url FROM articles")}
    conn.close()

    run = run_ainews("crawl", "--db", db, "--sites", server.sites_file(tmp_path))
    assert run.returncode == 0, run.stderr
    conn = sqlite3.connect(db)
    after = [r[0] for r in conn.execute("SELECT url FROM articles")]
    assert before <= set(after)
    assert len(after) == len(set(after)) == len(expected.crawlable())
    statuses = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses == ["interrupted", "ok"]
    assert conn.execute("SELECT count(*) FROM frontier WHERE state='pending'").fetchone()[0] == 0
    orphans = conn.execute("SELECT count(*) FROM articles a LEFT JOIN pages p "
                           "ON p.article_id = a.id WHERE p.article_id IS NULL").fetchone()[0]
    assert orphans == 0
