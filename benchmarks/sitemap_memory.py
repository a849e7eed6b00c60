"""Peak memory of reading one large sitemap: our streamed parser against Scrapy's own
``scrapy.utils.sitemap.Sitemap`` (a whole lxml tree), each in a fresh process.

Run from the checkout: ``python -m benchmarks.sitemap_memory [--urls 100000] [--gzip]``.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE = "https://news.example.com"


def sitemap(urls: int) -> bytes:
    entries = "".join(
        f"<url><loc>{BASE}/2026/03/{i:06d}/a-story-about-language-models-{i}</loc>"
        f"<lastmod>2026-03-{1 + i % 28:02d}T10:00:00+00:00</lastmod></url>"
        for i in range(urls)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    ).encode()


def _child(which: str, path: Path) -> None:
    from scrapy.utils.gz import gunzip
    from scrapy.utils.sitemap import Sitemap

    from ainews.scraper.discovery import parse_document

    body = path.read_bytes()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # imports and input counted
    start = time.perf_counter()
    if which == "ours":  # every link with its lastmod, as the spider gets them
        count = len(parse_document(body, f"{BASE}/sitemap.xml", max_size=100 << 20,
                                   max_links=1 << 30).articles)  # all, not the crawl's cap
    else:  # the URLs only
        data = gunzip(body) if path.suffix == ".gz" else body
        count = len([entry["loc"] for entry in Sitemap(data)])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{count} {seconds:.2f} {base / 1024:.0f} {peak / 1024:.0f} {len(body)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--gzip", action="store_true", help="serve the sitemap as .xml.gz")
    parser.add_argument("--child", choices=("ours", "scrapy"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.file)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("sitemap.xml.gz" if args.gzip else "sitemap.xml")
        body = sitemap(args.urls)
        path.write_bytes(gzip.compress(body) if args.gzip else body)
        del body
        print(f"{'parser':28} {'urls':>8} {'s':>6} {'RSS before MB':>14} {'peak MB':>8}  input")
        for which, label in (("ours", "ours (iterparse, streamed)"),
                             ("scrapy", "peer: scrapy Sitemap (tree)")):
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.sitemap_memory", "--child", which,
                 "--file", str(path)], capture_output=True, text=True, check=True,
            ).stdout.split()
            count, seconds, before, peak, size = out
            print(f"{label:28} {int(count):8,} {float(seconds):6.2f} {before:>14} {peak:>8}  "
                  f"{int(size) / 1e6:.1f} MB{' gzipped' if args.gzip else ''}")


if __name__ == "__main__":
    main()
