"""Peak memory of a whole crawl that discovers a large sitemap, against one that discovers
a small one (issue: "a run that reads a 100k-URL sitemap peaks under 200 MB").

Run from the checkout: ``python -m benchmarks.crawl_memory [--urls 1000,100000]``.

Serves one sitemap of N article URLs on 127.0.0.1 (the articles answer 404, so the run
measures discovery and the frontier, not cleaning), runs ``ainews crawl --max-minutes``
with cleaning in the crawl process (``AINEWS_WORKERS=0``) under ``/usr/bin/time -v``, and
prints the process's peak resident memory.

``--articles``: every URL serves a distinct short article and the crawl runs to the end
(no politeness delay, no time limit), for "a 20,000-page crawl peaks at most 50 MB above
a 1,000-page one": ``python -m benchmarks.crawl_memory --articles --urls 1000,20000``.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.localweb import QuietHandler, reply, serving


def article(n: int) -> bytes:
    """A distinct short news page: 240 words drawn from a 50,000-word vocabulary by a
    generator seeded with ``n``, so pages share few shingles (like different stories)."""
    draw = random.Random(n)
    words = [f"w{draw.randrange(50_000)}" for _ in range(240)]
    paras = "".join(f"<p>Story {n}: {' '.join(words[i:i + 40])}.</p>" for i in range(0, 240, 40))
    return (f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
            f"{paras}</article></body></html>").encode()


def handler(urls: int, articles: bool = False) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            base = f"http://{self.headers['Host']}"
            if self.path == "/sitemap.xml":
                body = (
                    '<?xml version="1.0"?>'
                    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    + "".join(f"<url><loc>{base}/a/{i}</loc><lastmod>2026-03-01</lastmod></url>"
                              for i in range(urls))
                    + "</urlset>"
                ).encode()
                ctype = "application/xml"
            elif self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nDisallow:\n", "text/plain"
            elif articles and self.path.startswith("/a/"):
                body, ctype = article(int(self.path[3:])), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            reply(self, body, ctype)

    return Handler


def peak_mb(urls: int, minutes: float, workdir: Path,
            articles: bool = False) -> tuple[float, float, str]:
    """(peak RSS in MB, seconds, the run's summary line)."""
    bounds = (["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
              if articles else ["--max-minutes", str(minutes)])
    with serving(handler(urls, articles)) as base:
        sites = workdir / f"sites-{urls}.toml"
        sites.write_text(
            "[settings]\ndownload_delay = 0\nallow_private = true\n\n"
            f'[[site]]\nname = "big"\ndomains = ["127.0.0.1"]\nsitemaps = ["{base}/sitemap.xml"]\n'
            f"article_pattern = '^{base}/a/'\n",
            encoding="utf-8",
        )
        started = time.monotonic()
        proc = subprocess.run(
            ["/usr/bin/time", "-v", sys.executable, "-m", "ainews.scraper.cli", "crawl",
             "--db", str(workdir / f"{urls}.db"), "--sites", str(sites),
             *bounds, "-s", "AINEWS_WORKERS=0",
             "-s", f"AINEWS_MAX_DOCUMENT_LINKS={max(urls, 50_000)}"],  # all of the sitemap
            capture_output=True, text=True, stdin=subprocess.DEVNULL,
        )
        seconds = time.monotonic() - started
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if found is None:
        raise SystemExit(f"no memory figure from /usr/bin/time:\n{proc.stderr[-2000:]}")
    return int(found.group(1)) / 1024, seconds, proc.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", default="1000,100000", help="sitemap sizes, comma-separated")
    parser.add_argument("--minutes", type=float, default=0.5, help="--max-minutes of each run")
    parser.add_argument("--articles", action="store_true",
                        help="serve real short articles and crawl them all")
    args = parser.parse_args()
    print(f"{'sitemap URLs':>12}  {'peak MB':>8}  {'seconds':>7}  summary")
    with tempfile.TemporaryDirectory() as tmp:
        for urls in (int(n) for n in args.urls.split(",")):
            mb, seconds, summary = peak_mb(urls, args.minutes, Path(tmp), args.articles)
            print(f"{urls:>12,}  {mb:>8.1f}  {seconds:>7.1f}  {summary}")


if __name__ == "__main__":
    main()
