"""``ainews export --out``: only regular files are written, atomically; ``-`` is stdout."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ainews.scraper.fileio import atomic_output
from tests.cli_helpers import run_ainews
from tests.test_exports import make_db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("export") / "news.db")


def export(db: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return run_ainews("export", "--db", db, *args, timeout=120)


def assert_refused(proc: subprocess.CompletedProcess[str], words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert words in proc.stderr


def test_fifo_is_not_replaced(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    assert_refused(export(db, "--out", fifo), "is a FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_symlink_is_not_replaced(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    assert_refused(export(db, "--out", link), "symbolic link")
    assert link.is_symlink() and target.read_text() == "keep me"


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_character_device_is_not_replaced(db: Path, tmp_path: Path) -> None:
    device = tmp_path / "null.csv"  # a private copy of /dev/null: safe even if replaced
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    assert_refused(export(db, "--out", device), "is a device")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_directory_is_not_replaced(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    proc = export(db, "--out", folder)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert folder.is_dir()


def test_dash_streams_to_stdout(db: Path, tmp_path: Path) -> None:
    proc = run_ainews("export", "--db", db, "--format", "csv", "--out", "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 6 and all(row["title"] for row in rows)  # every article
    assert not (tmp_path / "-").exists()


def test_dash_without_format_asks_for_one(db: Path, tmp_path: Path) -> None:
    proc = run_ainews("export", "--db", db, "--out", "-", cwd=tmp_path)
    assert_refused(proc, "--format")
    assert not (tmp_path / "-").exists()


def test_format_contradicting_the_extension_is_refused(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    assert_refused(export(db, "--format", "csv", "--out", out), "contradicts")
    assert not out.exists()


def test_unknown_extension_takes_the_given_format(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.txt"
    assert export(db, "--format", "jsonl", "--out", out).returncode == 0
    assert out.read_text(encoding="utf-8").startswith("{")


def test_stale_part_of_a_killed_export_is_cleaned(db: Path, tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".out.csv.{gone.stdout.strip()}.0badc0de.part"
    stale.write_text("half an export")
    live = tmp_path / f".out.csv.{os.getpid()}.0000beef.part"  # a writer still running
    live.write_text("being written")
    assert export(db, "--out", tmp_path / "out.csv").returncode == 0
    assert not stale.exists() and live.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, "out.csv"])


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with pytest.raises(SystemExit), atomic_output(out) as tmp:
        tmp.write_text("half")
        raise SystemExit(143)  # what the CLI's SIGTERM handler raises
    assert list(tmp_path.iterdir()) == []
