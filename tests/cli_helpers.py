"""Run the real ``ainews`` command in a subprocess (one Twisted reactor per crawl)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ainews.scraper.demo.server import DemoServer

REPO = Path(__file__).resolve().parent.parent


def run_ainews(*args: object, timeout: float = 300, cwd: Path | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ainews.scraper.cli", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=cwd or REPO,
        env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
    )


@contextmanager
def crawled_demo(
    tmp: Path, db: Path, *args: object
) -> Iterator[tuple[DemoServer, Path, subprocess.CompletedProcess[str]]]:
    """The demo web served, its sites file written to ``tmp`` and crawled once into ``db``
    (``args``: more crawl options): ``(server, sites file, the crawl's run)``."""
    with DemoServer(port=0) as server:
        sites = server.sites_file(tmp)
        yield server, sites, run_ainews("crawl", "--db", db, "--sites", sites, *args)
