"""``--max-minutes`` is a bound cron can rely on: whatever the web serves (pages that
trickle a byte at a time, pages that never answer), the run ends soon after it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.cli_helpers import run_ainews
from tests.localweb import QuietHandler, local_sites, reply, serving

ARTICLES = 60


@contextmanager
def slow_web() -> Iterator[str]:
    """A feed of articles that trickle one byte every half second, or never answer."""
    stop = threading.Event()

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
            if self.path.endswith(("0", "5")):  # never answers at all
                stop.wait(120)
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
            yield base
    finally:
        stop.set()


def test_max_minutes_ends_the_run_whatever_the_web_serves(tmp_path: Path) -> None:
    with slow_web() as base:
        sites = local_sites(tmp_path / "sites.toml", "slow", feeds=[f"{base}/feed"],
                            article_pattern=f"^{base}/a/")
        started = time.monotonic()
        proc = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", sites,
                          "--max-minutes", "0.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")
        elapsed = time.monotonic() - started
    assert elapsed < 45, f"a --max-minutes 0.5 run took {elapsed:.0f} s"
    assert "ainews crawl:" in proc.stdout, proc.stderr[-2000:]
    assert "new=0" in proc.stdout  # nothing half-written was stored
