"""One host-from-URL helper: every caller takes the same host, and a bad URL is no crash."""

from __future__ import annotations

import pytest

from ainews.dedupe.boilerplate import site_of
from ainews.scraper.scaleout.worker import _domain
from ainews.scraper.sites import on_domains
from ainews.scraper.urls import host_of


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
