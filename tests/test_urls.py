"""One host-from-URL and one link-joining helper: every caller takes the same host and
follows the same links, and a bad URL is no crash."""

from __future__ import annotations

import random
from urllib.parse import urldefrag, urljoin

import pytest
from w3lib.url import safe_url_string

from ainews.dedupe.boilerplate import site_of
from ainews.scraper.scaleout.worker import _domain
from ainews.scraper.sites import on_domains
from ainews.scraper.urls import host_of, join_url, refusal


@pytest.mark.parametrize(("url", "host"), [
    ("https://News.Example.COM:8443/a?b#c", "news.example.com"),
    ("http://user:secret@example.com/", "example.com"),
    ("http://[::1]:8080/x", "::1"),
    ("//cdn.example.com/x.js", "cdn.example.com"),
    ("/relative/path", ""),
    ("example.com/no-scheme", ""),
    ("http://[::1", ""),  # unbalanced bracket: urlsplit raises ValueError
    ("", ""),
    (None, ""),
])
def test_host_of(url: str | None, host: str) -> None:
    assert host_of(url) == host


def test_callers_agree_and_survive_bad_urls() -> None:
    class Request:
        url = "https://WWW.Example.com:8080/story"
        meta: dict = {}

    assert on_domains(Request.url, ["example.com"])
    assert site_of(Request.url) == "example.com"
    assert _domain(Request()) == "www.example.com"
    # Before: urlsplit's ValueError escaped from site_of and on_domains.
    assert site_of("http://[::1") == ""
    assert not on_domains("http://[::1", ["example.com"])


@pytest.mark.parametrize(("href", "joined"), [
    ("/a/b?c=1#frag", "https://x.com/a/b?c=1"),
    ("story", "https://x.com/b/story"),
    ("//cdn.x.com/p", "https://cdn.x.com/p"),
    ("https://b\u00fccher.de/\u00e4", "https://xn--bcher-kva.de/%C3%A4"),  # IDN: as requested
    ("http://[2001:db8::1]:8080/a", "http://[2001:db8::1]:8080/a"),  # IPv6 literal
])
def test_join_url_gives_the_url_scrapy_requests(href: str, joined: str) -> None:
    assert join_url("https://x.com/b/", href) == joined


@pytest.mark.parametrize(("href", "reason"), [
    ("file:///etc/passwd", "scheme"),
    ("ftp://x.com/pub", "scheme"),
    ("data:text/html,<p>hi</p>", "scheme"),
    ("JavaScript:alert(1)", "scheme"),
    ("mailto:a@x.com", "scheme"),
    ("http://user:pw@x.com/a", "bad_url"),  # credentials
    ("http://x.com@evil.com/a", "bad_url"),  # a host smuggled behind "credentials"
    ("http://[::1/", "bad_url"),  # urllib's ValueError, not a crash
    ("http://x.com:99999/", "bad_url"),
    ("http:///no-host", "bad_url"),
    ("https://x.com/" + "a" * 100_000, "url_too_long"),
])
def test_join_url_refuses_what_we_must_not_follow(href: str, reason: str) -> None:
    assert join_url("https://x.com/b/", href) is None
    assert refusal(href) == reason


def test_join_url_fast_path_equals_what_urllib_and_w3lib_give() -> None:
    """Absolute plain URLs skip urljoin and w3lib (3x faster sitemaps): same output."""
    rng = random.Random(13)
    chars = "aZ09-._~:/?#[]@!$&'()*+,;=% \"<>|^`{}\\\u00e4\u00e9."
    hosts = ["x.com", "X.com", "b\u00fccher.de", "x.com:8080", "x.com:0443", "y.org"]
    for _ in range(20_000):
        tail = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        href = rng.choice([f"https://{rng.choice(hosts)}/{tail}", f"/{tail}", tail,
                           f"http://{rng.choice(hosts)}?{tail}"])
        try:
            expected = safe_url_string(urldefrag(urljoin("https://x.com/b/", href.strip()))[0])
        except ValueError:  # "http://x.com?[": not a URL at all
            assert join_url("https://x.com/b/", href) is None
            continue
        assert join_url("https://x.com/b/", href) in (expected, None), href


def test_join_on_page_joins_against_the_base_href_and_refuses_a_bad_one() -> None:
    from ainews.scraper.urls import join_on_page

    page = "https://news.example.com/ai/list"
    assert join_on_page(page, None, "page/2") == "https://news.example.com/ai/page/2"
    assert join_on_page(page, "/archive/", "page/2") == "https://news.example.com/archive/page/2"
    assert join_on_page(page, "http://[::1/", "page/2") is None  # a base urllib refuses
    assert join_on_page(page, "", "javascript:next()") is None
