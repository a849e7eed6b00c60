"""CPU the crawl process spends on an attacker's documents: a listing of 700,000 links, a
feed of 100,000 items, a sitemap index of 100,000 sitemaps and a 10 MB robots.txt, read
as the crawl reads them (with its caps) beside Scrapy's own readers (no caps).

Run from the checkout: ``python -m benchmarks.hostile_documents [--scale 1.0]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

BASE = "https://news.example.com"


def documents(scale: float) -> dict[str, bytes]:
    def n(count: int) -> int:
        return int(count * scale)
    return {
        "listing": b"<html><body>" + b"".join(b"<a href=/%d>" % i for i in range(n(700_000))),
        "feed": ("<rss><channel>" + "".join(  # "%zz" keeps every URL off the fast path
            f"<item><link>{BASE}/a/{i}?b=%zz</link></item>" for i in range(n(100_000)))
            + "</channel></rss>").encode(),
        "index": ("<sitemapindex>" + "".join(
            f"<sitemap><loc>{BASE}/sitemap-{i}.xml</loc></sitemap>" for i in range(n(100_000)))
            + "</sitemapindex>").encode(),
        "robots": b"User-agent: *\n" + b"".join(
            b"Disallow: /p%d/*x*y*z$\n" % i for i in range(n(450_000))),
    }


def cpu(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    result = run()
    return time.process_time() - start, result


def ours(name: str, body: bytes) -> tuple[float, str]:
    from protego import Protego

    from ainews.scraper.discovery import parse_document, read_listing
    from ainews.scraper.refusals import MAX_ROBOTS_TXT_BYTES

    if name == "listing":
        seconds, found = cpu(lambda: read_listing(body, BASE + "/"))
        return seconds, f"{len(found.articles):,} links, {dict(found.refused)}"
    if name == "robots":
        seconds, parser = cpu(lambda: Protego.parse(
            body[:MAX_ROBOTS_TXT_BYTES].decode("utf-8", "ignore")))
        check, _ = cpu(lambda: parser.can_fetch(BASE + "/a/b", "ainews"))
        return seconds, f"first {MAX_ROBOTS_TXT_BYTES:,} bytes; {check * 1000:.1f} ms a URL"
    seconds, found = cpu(lambda: parse_document(body, BASE + "/doc.xml"))
    return seconds, (f"{len(found.articles) + len(found.sitemaps):,} entries, "
                     f"{dict(found.refused)}")


def peer(name: str, body: bytes) -> tuple[float, str]:
    from protego import Protego
    from scrapy.http import HtmlResponse, XmlResponse
    from scrapy.linkextractors import LinkExtractor
    from scrapy.utils.sitemap import Sitemap

    if name == "listing":
        response = HtmlResponse(BASE + "/", body=body, encoding="utf-8")
        seconds, links = cpu(lambda: LinkExtractor().extract_links(response))
        return seconds, f"LinkExtractor: {len(links):,} links"
    if name == "robots":
        seconds, parser = cpu(lambda: Protego.parse(body.decode("utf-8", "ignore")))
        check, _ = cpu(lambda: parser.can_fetch(BASE + "/a/b", "ainews"))
        return seconds, f"Scrapy's whole file; {check * 1000:.1f} ms a URL"
    if name == "feed":
        response = XmlResponse(BASE + "/feed.xml", body=body)
        seconds, links = cpu(lambda: response.xpath("//item/link/text()").getall())
        return seconds, f"Selector xpath: {len(links):,} links"
    seconds, entries = cpu(lambda: [entry["loc"] for entry in Sitemap(body)])
    return seconds, f"scrapy Sitemap: {len(entries):,} entries"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="document sizes x this")
    args = parser.parse_args()
    print(f"{'document':10} {'MB':>6} {'ours s':>8}  {'peer s':>8}  ours / peer")
    for name, body in documents(args.scale).items():
        mine, what = ours(name, body)
        theirs, peer_what = peer(name, body)
        print(f"{name:10} {len(body) / 1e6:6.1f} {mine:8.2f}  {theirs:8.2f}  {what} / {peer_what}")


if __name__ == "__main__":
    main()
