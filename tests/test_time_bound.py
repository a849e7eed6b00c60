"""``--max-minutes`` is a bound cron can rely on: whatever the web serves (pages that
trickle a byte at a time, pages that never answer), the run ends soon after it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.cli_helpers import run_ainews
from tests.localweb import QuietHandler, local_sites, reply, serving

ARTICLES = 60
#: Requests in flight at once (CONCURRENT_REQUESTS_PER_DOMAIN): the first wave of articles.
WAVE = 16
#: The crawl's DOWNLOAD_TIMEOUT: longer than the bound (--max-minutes 0.1 = 6 s after the
#: spider opens), so every request of the first wave is still in flight when the bound
#: ends the run; any request after them would have started after the bound.
PATIENCE_S = 10


@contextmanager
def slow_web() -> Iterator[tuple[str, list[str]]]:
    """A feed of articles that trickle one byte every half second, or never answer; yields
    the base URL and the article paths in the order they were requested."""
    stop = threading.Event()
    asked: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            base = f"http://127.0.0.1:{self.server.server_port}"
            if self.path == "/robots.txt":
                return reply(self, b"User-agent: *\nDisallow:\n", "text/plain")
            if self.path == "/feed":
                items = "".join(f"<item><link>{base}/a/{i}</link></item>"
                                for i in range(ARTICLES))
                return reply(self, f"<rss><channel>{items}</channel></rss>".encode(),
                             "application/rss+xml")
            asked.append(self.path)
            if self.path.endswith(("0", "5")):  # never answers at all
                stop.wait()
                return None
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                self.wfile.write(b"<html><body><article><p>")
                while not stop.wait(0.5):
                    self.wfile.write(b"x")
                    self.wfile.flush()
            except OSError:  # the crawler hung up
                pass
            return None

    try:
        with serving(Handler) as base:
            yield base, asked
    finally:
        stop.set()


def test_max_minutes_ends_the_run_whatever_the_web_serves(tmp_path: Path) -> None:
    """Without the bound the run goes on through all the articles (and their retries) for
    minutes: the count of requests catches it (the 300 s ceiling: a bound for a hang)."""
    with slow_web() as (base, asked):
        sites = local_sites(tmp_path / "sites.toml", "slow", feeds=[f"{base}/feed"],
                            article_pattern=f"^{base}/a/")
        proc = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", sites,
                          "--max-minutes", "0.1", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={WAVE}",
                          "-s", f"DOWNLOAD_TIMEOUT={PATIENCE_S}",
                          "-s", "AUTOTHROTTLE_ENABLED=false", timeout=300)
    assert "ainews crawl:" in proc.stdout, proc.stderr[-2000:]
    assert "new=0" in proc.stdout  # nothing half-written was stored
    (reason,) = sqlite3.connect(tmp_path / "a.db").execute(
        "SELECT finish_reason FROM crawl_runs").fetchone()
    assert reason == "closespider_timeout"
    # Nothing starts once the bound has passed: no retry, no article after the first wave.
    assert 0 < len(asked) <= WAVE, asked
    assert len(set(asked)) == len(asked)
