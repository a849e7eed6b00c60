"""A database that cannot be used is exit 2 and one line naming the path and the fix."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ainews.scraper.storage import SCHEMA_VERSION, Store
from ainews.scraper.storage.errors import DatabaseError, DatabaseTooNew
from tests.cli_helpers import REPO, run_ainews

SITES = """
[settings]
allow_private = true
[[site]]
name = "nowhere"
domains = ["127.0.0.1"]
feeds = ["http://127.0.0.1:9/feed.xml"]
"""


def commands(tmp_path: Path, db: Path) -> list[list[object]]:
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES, encoding="utf-8")
    return [["crawl", "--db", db, "--sites", sites], ["export", "--db", db, "--out",
            tmp_path / "out.csv"], ["reprocess", "--db", db]]


def assert_one_line(proc: subprocess.CompletedProcess[str], db: Path, words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line, line
    assert str(db) in line and words in line, line


def test_file_that_is_not_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("my shopping list\n" * 200)
    for args in commands(tmp_path, db):
        assert_one_line(run_ainews(*args, cwd=tmp_path), db, "not an SQLite database")
    assert db.read_text().startswith("my shopping list")  # left as it was


def test_corrupt_database(tmp_path: Path) -> None:
    db = tmp_path / "corrupt.db"
    Store(db).close()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page, after the 100-byte header
    db.write_bytes(bytes(data))
    with pytest.raises(DatabaseError, match="corrupt"):
        Store(db)
    for args in commands(tmp_path, db):
        assert_one_line(run_ainews(*args, cwd=tmp_path), db, "corrupt")


def test_newer_schema_names_the_path(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DatabaseTooNew) as info:
        Store(db)
    assert str(info.value).startswith(f"{db}: schema version {SCHEMA_VERSION + 1}")
    assert "Connection object" not in str(info.value)
    proc = run_ainews(*commands(tmp_path, db)[0], cwd=tmp_path)
    assert_one_line(proc, db, "upgrade ainews")


def test_database_under_a_file_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file, not a directory")
    db = tmp_path / "data" / "ainews.db"
    proc = run_ainews(*commands(tmp_path, db)[0], cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "Not a directory" in proc.stderr


def _limit_file_size() -> None:  # runs in the child before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


def test_full_disk_at_open_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "ainews.scraper.cli", "crawl", "--db", str(db),
         "--sites", str(sites), "--log-file", "/dev/null"],
        capture_output=True, text=True, timeout=120, cwd=REPO, preexec_fn=_limit_file_size,
        stdin=subprocess.DEVNULL,
    )
    assert_one_line(proc, db, "full disk")


@pytest.fixture
def mount_point(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs (root only); the test is skipped where mounting is not allowed."""
    point = tmp_path / "mnt"
    point.mkdir()
    yield point
    subprocess.run(["umount", str(point)], capture_output=True)


def _mount(point: Path, options: str) -> None:
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def test_read_only_directory_is_one_line(tmp_path: Path, mount_point: Path) -> None:
    _mount(mount_point, "size=2m")
    db = mount_point / "ainews.db"
    Store(db).close()
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)  # even root
    crawl, export, reprocess = commands(tmp_path, db)
    assert_one_line(run_ainews(*crawl, "--log-file", tmp_path / "log"), db, "")
    assert_one_line(run_ainews(*reprocess), db, "")
    assert run_ainews(*export).returncode == 0  # reading needs no write access


def test_full_tmpfs_is_one_line(tmp_path: Path, mount_point: Path) -> None:
    _mount(mount_point, "size=24k")
    db = mount_point / "ainews.db"
    proc = run_ainews(*commands(tmp_path, db)[0], "--log-file", tmp_path / "log")
    assert_one_line(proc, db, "full disk")


def test_disk_filling_up_during_a_crawl_stops_it_at_once(tmp_path: Path,
                                                         mount_point: Path) -> None:
    from tests.badweb import ARTICLE_PATHS, PATIENCE_S, serve_bad_web, sites_toml

    _mount(mount_point, "size=4m")
    db = mount_point / "ainews.db"
    Store(db).close()
    free = os.statvfs(mount_point)
    filler = free.f_bavail * free.f_frsize - 96 * 1024  # room for a page or two, no more
    (mount_point / "filler").write_bytes(b"\0" * filler)
    with serve_bad_web() as (base, hits):
        sites = tmp_path / "sites.toml"
        sites.write_text(sites_toml(base), encoding="utf-8")
        proc = run_ainews("crawl", "--db", db, "--sites", sites, "--log-file",
                          tmp_path / "ainews.log", "-s", f"DOWNLOAD_TIMEOUT={PATIENCE_S}",
                          "-s", "AUTOTHROTTLE_ENABLED=false", "-s", "CONCURRENT_REQUESTS=1",
                          timeout=180)
    log = (tmp_path / "ainews.log").read_text(encoding="utf-8")
    assert "disk_full" in log and "stopping the crawl" in log, log[-3000:]
    assert log.count("stopping the crawl") == 1
    fetched = sum(len(times) for path, times in hits.items() if path in ARTICLE_PATHS)
    assert fetched < len(ARTICLE_PATHS) // 2  # it did not go on fetching what it cannot store
    assert log.count("disk is full") <= 3  # the first failure and what was in flight
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith(f"Error: {db}: the disk is full")


def test_a_locked_database_says_to_wait_and_run_again(tmp_path: Path) -> None:
    """A real lock: one connection holds the write lock, another gives up at once."""
    from ainews.scraper.storage.errors import classify

    db = tmp_path / "locked.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(db, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            other.execute("INSERT INTO t VALUES (1)")
    finally:
        other.close()
        holder.close()
    error = classify(db, raised.value)
    assert "locked by another process" in str(error) and "run again" in str(error)
    assert str(db) in str(error)
