"""The README's examples after its first command run as pasted, in a checkout where
``ainews demo`` has written ``data/demo.db`` (here: the session's demo database).

Run: every ``.venv/bin/ainews`` line of a ``bash`` block except ``crawl`` and
``import-warc`` (real sites and Common Crawl files: the internet) and ``demo`` (the first
command itself; tests/test_warc_*.py run import-warc on local archives), and every
``sql`` block in ``sqlite3`` (or Python's sqlite3 where the shell is missing). ``serve``
runs until it answers, on a free port instead of 8001, which another program may hold.
"""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
SKIPPED = ("crawl", "demo", "import-warc")


def blocks(language: str) -> list[str]:
    """The README's ``language`` code blocks after its first block."""
    found = re.findall(r"```(\w*)\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return [body for lang, body in found[1:] if lang == language]


def commands() -> list[str]:
    lines = [line.split("  #")[0].strip() for b in blocks("bash") for line in b.splitlines()]
    return [
        line
        for line in lines
        if line.startswith(".venv/bin/ainews ") and line.split()[1] not in SKIPPED
    ]


@pytest.fixture
def checkout(demo_db: Path, tmp_path: Path) -> Path:
    """A directory laid out like a fresh clone after ``ainews demo``."""
    (tmp_path / "data").mkdir()
    shutil.copy(demo_db, tmp_path / "data" / "demo.db")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    ainews = Path(sys.executable).parent / "ainews"
    if not ainews.exists():
        pytest.skip(f"no ainews script beside {sys.executable} (pip install -e .)")
    (tmp_path / ".venv" / "bin" / "ainews").symlink_to(ainews)
    return tmp_path


def test_readme_has_examples() -> None:
    names = {c.split()[1] for c in commands()}
    assert {"search", "export", "report", "serve"} <= names
    assert blocks("sql")


@pytest.mark.parametrize("command", [c for c in commands() if c.split()[1] != "serve"])
def test_command_runs_as_pasted(checkout: Path, command: str) -> None:
    result = subprocess.run(
        ["bash", "-c", command], cwd=checkout, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, f"{command}\n{result.stderr[-2000:]}"
    assert result.stdout.strip(), f"{command} printed nothing"
    if (out := re.search(r"--out (\S+)", command)) is not None:
        assert (checkout / out.group(1)).stat().st_size > 0
    if command.split()[1] == "search":
        assert result.stdout.startswith(" 1. "), result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", [c for c in commands() if c.split()[1] == "serve"])
def test_serve_runs_as_pasted(checkout: Path, command: str) -> None:
    port = free_port()
    args = [*shlex.split(command), "--port", str(port)]
    proc = subprocess.Popen(
        args, cwd=checkout, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, env={"BROWSER": "true", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120  # a ceiling: Python alone takes 25 s to start at load 15
        while True:
            try:
                url = f"http://127.0.0.1:{port}/demo/latest_stories.json"
                with urllib.request.urlopen(url, timeout=2) as resp:
                    assert b"Meridian-3" in resp.read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{command} did not serve: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


@pytest.mark.parametrize("sql", blocks("sql"))
def test_sql_runs_as_pasted(checkout: Path, sql: str) -> None:
    db = checkout / "data" / "demo.db"
    if shell := shutil.which("sqlite3"):
        result = subprocess.run(
            [shell, "-readonly", str(db)], input=sql, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0 and not result.stderr, result.stderr
        assert result.stdout.strip()
    else:
        with sqlite3.connect(db) as conn:
            assert conn.execute(sql).fetchall()
