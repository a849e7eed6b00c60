"""Incremental crawling: what a cron run costs when little or nothing has changed.

Run from the checkout: ``python -m benchmarks.incremental``. Serves the demo web on
127.0.0.1, runs the real ``ainews crawl`` against it several times and prints the requests
and bytes each run cost, beside a naive crawler that re-crawls into an empty database.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ainews.scraper.demo.server import DemoServer
from tests import demo_expected as expected

ALWAYS_ASK = ("-s", "AINEWS_REVISIT_MINUTES=0")


def crawl(server: DemoServer, db: Path, sites: Path, *extra: str) -> dict:
    server.reset_stats()
    started = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ainews.scraper.cli",
            "crawl",
            "--db",
            str(db),
            "--sites",
            str(sites),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    stats = server.stats
    with sqlite3.connect(db) as conn:
        new, updated = conn.execute(
            "SELECT articles_new, articles_updated FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return {
        "requests": stats.requests,
        "bytes": stats.bytes_sent,
        "new": new,
        "updated": updated,
        "statuses": dict(sorted(stats.statuses.items())),
        "seconds": time.monotonic() - started,
    }


def row(name: str, run: dict, first: dict) -> str:
    share = 100 * run["requests"] / first["requests"]
    return (
        f"{name:<46} {run['requests']:>8} {share:>6.1f}% {run['bytes']:>10,} "
        f"{run['new']:>4} {run['updated']:>4}  {run['statuses']}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, DemoServer(port=0) as server:
        tmp_path = Path(tmp)
        sites = server.sites_file(tmp_path)
        db = tmp_path / "ainews.db"
        runs = {"first run (empty database)": crawl(server, db, sites)}
        first = runs["first run (empty database)"]
        runs["second run, unchanged, default settings"] = crawl(server, db, sites)
        runs["second run, unchanged, always ask (304s)"] = crawl(server, db, sites, *ALWAYS_ASK)
        story = server.web.first_original("demo-publisher")
        server.edit_story(story.slug, paragraphs=[*story.paragraphs, "Update: a correction."])
        runs["after one article changed, always ask"] = crawl(server, db, sites, *ALWAYS_ASK)
        runs["peer: naive re-crawl into a new database"] = crawl(
            server, tmp_path / "naive.db", sites
        )
        print(
            f"demo web: {len(expected.crawlable())} articles on 4 sites, "
            f"served at {server.base_url}"
        )
        print(
            f"{'run':<46} {'requests':>8} {'share':>7} {'bytes':>10} {'new':>4} {'upd':>4}"
            "  statuses"
        )
        for name, run in runs.items():
            print(row(name, run, first))
        changed = runs["after one article changed, always ask"]
        ask = runs["second run, unchanged, always ask (304s)"]
        default = runs["second run, unchanged, default settings"]
        print(
            f"\nunchanged site, default settings: "
            f"{100 * default['requests'] / first['requests']:.1f}%"
            f" of the first run's requests (target <= 10%)"
        )
        print(
            f"unchanged site, conditional requests only: {ask['requests']} requests "
            f"({100 * ask['requests'] / first['requests']:.1f}%), "
            f"{ask['bytes']:,} bytes ({100 * ask['bytes'] / first['bytes']:.2f}% of the first run)"
        )
        print(f"changed article re-fetched and updated: {changed['updated'] == 1}")


if __name__ == "__main__":
    main()
