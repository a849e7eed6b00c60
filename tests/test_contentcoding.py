"""gzip article pages are decoded in the cleaning worker, under the same bounds as Scrapy's
decoding, and give the same records as pages that came decoded."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.statscollectors import MemoryStatsCollector

from ainews.scraper.cleaning import Prepared, clean_and_prepare
from ainews.scraper.contentcoding import TooLarge, gunzip, gunzip_head
from ainews.scraper.crawl import crawl_settings
from ainews.scraper.items import FetchedPage
from ainews.scraper.middlewares import HeadMetaRefreshMiddleware
from ainews.scraper.pool import clean_fetched
from ainews.scraper.refusals import DecompressionSkips
from ainews.scraper.spiders.news import NewsSpider

URL = "https://news.example/a/1"
HTML = (
    "<html><head><title>Robots learn to fold laundry</title></head><body><article>"
    "<h1>Robots learn to fold laundry</h1>"
    + "<p>A research team taught a robot arm to fold shirts from a few hundred examples, "
      "and the method carries over to towels and trousers without retraining.</p>" * 6
    + "</article></body></html>"
).encode()
SITES = """
[[site]]
name = "example"
domains = ["example.org"]
feeds = ["https://example.org/feed.xml"]
"""


def fetched(body: bytes, encoding: str | None = None) -> FetchedPage:
    return FetchedPage(URL, URL, "example", 200, "text/html; charset=utf-8", body,
                       "2026-03-30T12:00:00+00:00", content_encoding=encoding)


def test_gunzip_reads_members_and_keeps_what_a_damaged_stream_holds() -> None:
    assert gunzip(gzip.compress(b"one ") + gzip.compress(b"two")) == b"one two"
    truncated = gzip.compress(HTML)[:-40]
    assert HTML.startswith(gunzip(truncated)) and gunzip(truncated)
    with pytest.raises(ValueError):
        gunzip(b"<html>not gzip</html>")


def test_gunzip_refuses_a_bomb_past_the_bound() -> None:
    bomb = gzip.compress(b" " * (20 * 1024 * 1024), compresslevel=9)
    with pytest.raises(TooLarge):
        gunzip(bomb, 1024 * 1024)
    assert gunzip_head(bomb, 4096) == b" " * 4096


def test_worker_gives_the_same_record_for_a_gzip_page() -> None:
    plain = clean_and_prepare(fetched(HTML))
    encoded = clean_fetched(fetched(gzip.compress(HTML), "gzip"), 10 * 1024 * 1024)
    assert isinstance(plain, Prepared) and isinstance(encoded, Prepared)
    assert encoded.article == plain.article
    assert (encoded.raw_page, encoded.content_hash) == (plain.raw_page, plain.content_hash)


@pytest.mark.parametrize(("body", "encoding", "reason"), [
    (gzip.compress(b" " * (3 * 1024 * 1024)), "gzip", "too_large"),
    (gzip.compress(b"  \n"), "gzip", "empty_response"),
    (b"\x1f\x8b\x08garbage", "gzip", "bad_content_encoding"),
    (HTML, "compress", "bad_content_encoding"),
])
def test_worker_skips_what_it_cannot_decode(body: bytes, encoding: str, reason: str) -> None:
    assert clean_fetched(fetched(body, encoding), 2 * 1024 * 1024) == reason


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    (tmp_path / "sites.toml").write_text(SITES, encoding="utf-8")
    crawler = Crawler(NewsSpider, crawl_settings(tmp_path / "a.db", tmp_path / "sites.toml", []))
    crawler.stats = MemoryStatsCollector(crawler)  # Scrapy's decompression counts into it
    return crawler


def response(url: str, body: bytes, request: Request) -> Response:
    """A gzip-encoded HTML response as Scrapy's download handler makes it."""
    headers = Headers({"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})
    body = gzip.compress(body)
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url, body=body, request=request, headers=headers)


def test_only_article_pages_are_left_encoded(crawler: Crawler) -> None:
    middleware = DecompressionSkips.from_crawler(crawler)
    article = Request(URL, meta={"kind": "article"})
    left = middleware.process_response(article, response(URL, HTML, article))
    assert left.headers.get("Content-Encoding") == b"gzip"
    assert gzip.decompress(left.body) == HTML
    listing = Request("https://news.example/", meta={"kind": "listing"})
    read = middleware.process_response(listing, response(URL, HTML, listing))
    assert read.body == HTML and not read.headers.get("Content-Encoding")


def test_all_pages_decoded_in_the_crawl_process_when_asked(crawler: Crawler) -> None:
    crawler.settings.set("AINEWS_DECODE_IN_WORKERS", False)
    middleware = DecompressionSkips.from_crawler(crawler)
    article = Request(URL, meta={"kind": "article"})
    read = middleware.process_response(article, response(URL, HTML, article))
    assert read.body == HTML and not read.headers.get("Content-Encoding")


def test_meta_refresh_is_read_from_a_gzip_page(crawler: Crawler) -> None:
    middleware = HeadMetaRefreshMiddleware.from_crawler(crawler)
    page = b'<html><head><meta http-equiv="refresh" content="0; url=/moved"></head>' + HTML
    request = Request(URL, meta={"kind": "article"})
    result = middleware.process_response(request, response(URL, page, request))
    assert isinstance(result, Request) and result.url == "https://news.example/moved"
    plain = response(URL, HTML, request)
    assert middleware.process_response(request, plain) is plain
    broken = plain.replace(body=b"\x1f\x8b\x08garbage")
    assert middleware.process_response(request, broken) is broken  # the worker skips it

