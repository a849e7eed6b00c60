"""WARC files the WARC tests make themselves: the demo web as a polite crawl fetches it,
real pages from ../shared, and the damage archives carry."""

from __future__ import annotations

import gzip
import random
import re
from pathlib import Path
from urllib.parse import urlsplit

from warcio.warcwriter import WARCWriter

from ainews.scraper.demo.markup import http_date
from ainews.scraper.demo.web import LAYOUTS, DemoWeb
from ainews.scraper.warc.pages import ArchivePage, record_bytes, response_record, shared_pages
from tests import demo_expected as expected

#: Real pages from ../shared wrapped as responses (a handful: they cost extraction time).
SHARED_PAGES = 6
NOT_FOUND = b"<!doctype html><html><body><h1>404 Not found</h1></body></html>"


def demo_pages(web: DemoWeb) -> list[ArchivePage]:
    """Every resource of the demo web that robots.txt allows, as its server answers it."""
    disallowed = tuple(prefix for layout in LAYOUTS.values() for prefix in layout.DISALLOW)
    return [
        ArchivePage(
            web.url(path),
            resource.body,
            resource.content_type,
            headers=[("ETag", resource.etag), ("Last-Modified", http_date(resource.last_modified))],
        )
        for path, resource in sorted(web.resources().items())
        if not path.startswith(disallowed)
    ]


def article_paths(web: DemoWeb) -> list[str]:
    return sorted(expected.crawlable(web))


def real_pages(shared: Path | None) -> list[ArchivePage]:
    if shared is None or not shared.is_dir():
        return []
    pages = []
    for url, html in shared_pages(shared):
        pages.append(ArchivePage(url, html))
        if len(pages) == SHARED_PAGES:
            break
    return pages


def build_test_warc(path: Path, web: DemoWeb, shared: Path | None) -> dict[str, object]:
    """The demo web, the real pages, and the awkward records; returns what was put in."""
    pages = demo_pages(web)
    by_url = {page.url: page for page in pages}
    articles = [web.url(p) for p in article_paths(web)]
    zipped = by_url[articles[0]]  # sent compressed: the archive keeps it so
    zipped.body = gzip.compress(zipped.body)
    zipped.headers.append(("Content-Encoding", "gzip"))
    wrong_http_length = by_url[articles[1]]  # an HTTP Content-Length that does not match
    wrong_http_length.headers.append(("Content-Length", "999999"))
    real = real_pages(shared)
    extra = [
        ArchivePage(web.url("/frontier/2026/01/02/gone-story/"), NOT_FOUND, status=404),
        ArchivePage(web.url("/frontier/2026/01/03/chart/"), b"\x89PNG\r\n\x1a\n", "image/png"),
        ArchivePage("https://elsewhere.example/2026/01/01/story/", by_url[articles[2]].body),
    ]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for page in pages + real + extra:
            writer.write_record(response_record(writer, page))
        revisit = writer.create_revisit_record(
            articles[3], "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", articles[3],
            "2026-04-01T00:00:00Z",
        )
        writer.write_record(revisit)
        out.write(_too_long(writer, web.url("/frontier/2026/01/04/claims-too-much/")))
        out.write(_cut_short(writer, web.url("/frontier/2026/01/05/cut-short/")))
    return {"articles": articles, "real": real, "revisit": articles[3]}


def _too_long(writer: WARCWriter, url: str) -> bytes:
    """A record whose WARC Content-Length claims 100 bytes more than it holds."""
    record = record_bytes(response_record(writer, ArchivePage(url, _story_html(1))), compress=False)
    record = re.sub(
        rb"\r\nContent-Length: (\d+)\r\n",
        lambda m: b"\r\nContent-Length: %d\r\n" % (int(m.group(1)) + 100),
        record,
        count=1,
    )
    return gzip.compress(record)


def _cut_short(writer: WARCWriter, url: str) -> bytes:
    """The last record as a killed writer leaves it: 60% of its gzip member."""
    member = record_bytes(response_record(writer, ArchivePage(url, _story_html(2))))
    return member[: len(member) * 6 // 10]


def _story_html(seed: int) -> bytes:
    words = random.Random(seed).choices(["model", "chip", "lab", "grant", "data", "rule"], k=3000)
    paragraphs = "".join(f"<p>{' '.join(words[i:i + 60])}.</p>" for i in range(0, 3000, 60))
    html = f"<html><body><article><h1>Story {seed}</h1>{paragraphs}</article></body></html>"
    return html.encode()


def hosts(pages: list[ArchivePage]) -> list[str]:
    return sorted({urlsplit(page.url).hostname or "" for page in pages})
