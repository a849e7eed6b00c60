"""robots.txt holds for every request that waited for its download, not only the first."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import run_ainews
from tests.localweb import QuietHandler, local_sites, reply, serving

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>"""


def test_start_points_requested_together_all_obey_robots_txt(tmp_path: Path) -> None:
    paths: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            paths.append(self.path)
            if self.path == "/robots.txt":
                reply(self, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            else:
                reply(self, FEED, "application/rss+xml")

    with serving(Handler) as base:
        feeds = [f"{base}/{p}feed-{i}.xml" for i in range(4) for p in ("", "private/")]
        sites = local_sites(tmp_path / "sites.toml", "one", feeds=feeds)
        run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", sites)
    assert "robots_txt=4" in run.stdout, run.stdout
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/private/")]
