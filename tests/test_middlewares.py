"""Downloader middlewares against hostile requests: schemes, private addresses, other ports."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from ainews.scraper.crawl import crawl_settings
from ainews.scraper.middlewares import (
    AllowedDomainsMiddleware,
    HeadMetaRefreshMiddleware,
    PrivateAddressMiddleware,
    SchemeMiddleware,
    is_private_address,
)
from ainews.scraper.skips import SkipRequest
from ainews.scraper.spiders.news import NewsSpider

SITES = """
[[site]]
name = "one"
domains = ["example.org"]
feeds = ["https://example.org/feed.xml", "http://example.org:8080/other.xml"]
"""


@pytest.mark.parametrize("url", [
    "file://example.org/etc/passwd", "file:///etc/passwd", "ftp://example.org/pub/a",
    "data:text/html,<p>hi</p>", "s3://bucket/key", "gopher://example.org/",
])
def test_every_scheme_but_http_is_refused_as_scheme(url: str) -> None:
    with pytest.raises(SkipRequest) as info:
        SchemeMiddleware().process_request(Request(url))
    assert info.value.reason == "scheme"


@pytest.mark.parametrize("url", ["http://example.org/a", "HTTPS://example.org/a"])
def test_http_and_https_pass(url: str) -> None:
    assert SchemeMiddleware().process_request(Request(url)) is None


def test_scheme_middleware_runs_before_every_other_downloader_middleware(tmp_path: Path) -> None:
    (tmp_path / "sites.toml").write_text(SITES, encoding="utf-8")
    settings = crawl_settings(tmp_path / "a.db", tmp_path / "sites.toml", [])
    order = settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    enabled = {path: prio for path, prio in order.items() if prio is not None}
    ours = enabled["ainews.scraper.middlewares.SchemeMiddleware"]
    assert load_object("ainews.scraper.middlewares.SchemeMiddleware") is SchemeMiddleware
    assert ours == min(enabled.values())


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fe80::1", "fc00::1",
    "::ffff:127.0.0.1", "::127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "0.0.0.0", "224.0.0.1",
])
def test_private_addresses_including_ipv6_forms_of_ipv4(address: str) -> None:
    assert is_private_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:84e5",
                                     "::ffff:93.184.216.34", "64:ff9b::5db8:d822"])
def test_public_addresses(address: str) -> None:
    assert not is_private_address(ipaddress.ip_address(address))


@pytest.fixture
def crawler(tmp_path: Path) -> Iterator[Crawler]:
    (tmp_path / "sites.toml").write_text(SITES, encoding="utf-8")
    crawler = Crawler(NewsSpider, crawl_settings(tmp_path / "a.db", tmp_path / "sites.toml", []))
    crawler.spider = NewsSpider.from_crawler(crawler)
    yield crawler


def test_literal_private_ipv6_host_is_refused() -> None:
    middleware = PrivateAddressMiddleware(stats=None)
    for url in ("http://[::127.0.0.1]/", "http://[::ffff:127.0.0.1]/", "http://[64:ff9b::a00:1]/"):
        with pytest.raises(SkipRequest) as info:
            middleware.process_request(Request(url))
        assert info.value.reason == "private_address"


def test_response_from_a_private_address_is_refused_dns_rebinding() -> None:
    """The name resolved to a public address when checked, to 127.0.0.1 when connected."""
    middleware = PrivateAddressMiddleware(stats=None)
    request = Request("https://example.org/story")
    private = HtmlResponse(request.url, body=b"<p>secret</p>", request=request,
                           ip_address=ipaddress.ip_address("127.0.0.1"))
    with pytest.raises(SkipRequest) as info:
        middleware.process_response(request, private)
    assert info.value.reason == "private_address"
    public = HtmlResponse(request.url, body=b"<p>news</p>", request=request,
                          ip_address=ipaddress.ip_address("93.184.216.34"))
    assert middleware.process_response(request, public) is public


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://example.org/a", True),
    ("http://example.org/a", True),
    ("http://www.example.org/a", True),
    ("http://example.org:8080/a", True),  # a start URL uses this port
    ("http://example.org:22/", False),
    ("http://example.org:6379/", False),
    ("https://evil.com/a", False),
])
def test_scope_is_domain_and_port(crawler: Crawler, url: str, allowed: bool) -> None:
    middleware = AllowedDomainsMiddleware(crawler)
    if allowed:
        assert middleware.process_request(Request(url)) is None
    else:
        with pytest.raises(SkipRequest) as info:
            middleware.process_request(Request(url))
        assert info.value.reason == "offsite"


def test_meta_refresh_is_followed_from_the_head_of_a_long_page(tmp_path: Path) -> None:
    (tmp_path / "sites.toml").write_text(SITES, encoding="utf-8")
    crawler = Crawler(NewsSpider, crawl_settings(tmp_path / "a.db", tmp_path / "sites.toml", []))
    middleware = HeadMetaRefreshMiddleware.from_crawler(crawler)
    filler = b"<p>" + "Caf\u00e9 text. ".encode() * 5000 + b"</p>"
    head = b'<html><head><meta http-equiv="refresh" content="0; url=/moved"></head><body>'
    request = Request("https://example.org/a")
    moved = HtmlResponse("https://example.org/a", body=head + filler,
                         headers={"Content-Type": "text/html; charset=utf-8"}, request=request)
    result = middleware.process_response(request, moved)
    assert isinstance(result, Request) and result.url == "https://example.org/moved"
    assert moved._cached_ubody is None  # the 60 KB page was not decoded for it
    plain = HtmlResponse("https://example.org/b", body=b"<html><body>" + filler,
                         headers={"Content-Type": "text/html; charset=utf-8"}, request=request)
    assert middleware.process_response(request, plain) is plain


def _refresh_page(head: str) -> HtmlResponse:
    request = Request("https://example.org/a/page")
    return HtmlResponse(request.url, body=f"<html><head>{head}</head><body><p>x</p>".encode(),
                        headers={"Content-Type": "text/html; charset=utf-8"}, request=request)


@pytest.mark.parametrize(("head", "target"), [
    ('<meta http-equiv="refresh" content="0; url=/moved">', "https://example.org/moved"),
    ("<meta http-equiv='Refresh' content=\"3;URL='next'\">", "https://example.org/a/next"),
    ('<base href="https://example.org/b/"><meta http-equiv="refresh" content="0;url=c">',
     "https://example.org/b/c"),
    ('<base href="http://[::1/"><meta http-equiv="refresh" content="0;url=/c">', None),
    ('<meta http-equiv="refresh" content="0;url=file:///etc/passwd">', None),
    ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', None),
    ('<meta http-equiv="refresh" content="0;url=data:text/html,hi">', None),
    ('<meta http-equiv="refresh" content="0;url=http://u:p@example.org/">', None),
    ('<meta http-equiv="refresh" content="500;url=/later">', None),  # METAREFRESH_MAXDELAY
    ('<noscript><meta http-equiv="refresh" content="0;url=/ns"></noscript>', None),
    ('<meta http-equiv="refresh" content="5">', None),  # a reload, not a redirect
])
def test_meta_refresh_is_joined_by_the_one_url_helper(head: str, target: str | None) -> None:
    """Only refreshes to a URL the crawl may follow redirect; the others leave the page to
    be cleaned, and none raises (a broad ValueError catch used to hide which)."""
    middleware = HeadMetaRefreshMiddleware.from_crawler(get_crawler(Spider))
    response = _refresh_page(head)
    result = middleware.process_response(response.request, response)
    if target is None:
        assert result is response
    else:
        assert isinstance(result, Request) and result.url == target
