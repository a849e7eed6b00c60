from __future__ import annotations

import pytest

from scraper.discovery import DiscoveryError, listing_links, parse_date, parse_document

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://x.com/2026/03/one</link>
<pubDate>Mon, 30 Mar 2026 10:00:00 +0200</pubDate></item>
<item><title>Two</title><guid>https://x.com/2026/03/two</guid></item>
<item><title>no link</title></item>
</channel></rss>"""

ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>B</title>
<link rel="self" href="https://x.com/self"/><link rel="alternate" href="/b"/>
<updated>2026-03-30T10:00:00Z</updated></entry></feed>"""

NEWS_SITEMAP = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.com/c</loc>
<news:news><news:publication_date>2026-03-30T10:00:00+01:00</news:publication_date>
<news:title>C</news:title></news:news></url></urlset>"""


def test_rss_items_with_dates_in_utc() -> None:
    found = parse_document(RSS, "https://x.com/feed")
    assert [link.url for link in found.articles] == [
        "https://x.com/2026/03/one", "https://x.com/2026/03/two"]
    assert found.articles[0].lastmod == "2026-03-30T08:00:00+00:00"
    assert found.articles[1].lastmod is None


def test_atom_alternate_link_resolved_against_feed_url() -> None:
    found = parse_document(ATOM, "https://x.com/feeds/atom.xml")
    assert [(a.url, a.lastmod) for a in found.articles] == [
        ("https://x.com/b", "2026-03-30T10:00:00+00:00")]


def test_google_news_sitemap_publication_date() -> None:
    (link,) = parse_document(NEWS_SITEMAP, "https://x.com/news.xml").articles
    assert link.url == "https://x.com/c"
    assert (link.lastmod, link.title) == ("2026-03-30T09:00:00+00:00", "C")


def test_sitemap_index_lists_children() -> None:
    body = b"<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>/s1.xml</loc>"
    body += b"</sitemap></sitemapindex>"
    assert parse_document(body, "https://x.com/sitemap.xml").sitemaps == ["https://x.com/s1.xml"]


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><body>hi</body></html>", b"\x89PNG\r\n"])
def test_broken_feed_is_a_clear_error(body: bytes) -> None:
    with pytest.raises(DiscoveryError):
        parse_document(body, "https://x.com/feed")


def test_entities_are_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item>
    <link>https://x.com/&b;</link></item></channel></rss>"""
    found = parse_document(bomb, "https://x.com/feed")
    assert all("aaaaaaaaaa" not in a.url for a in found.articles)


def test_listing_links_absolute_unique_without_fragments() -> None:
    html = b'<a href="/a#top">A</a><a href="/a">A</a><a href="mailto:x@y">m</a><a href="b">B</a>'
    assert listing_links(html, "https://x.com/list/") == ["https://x.com/a", "https://x.com/list/b"]
    assert listing_links(b"", "https://x.com/") == []


def test_parse_date_formats() -> None:
    assert parse_date("2026-03-30") == "2026-03-30T00:00:00+00:00"
    assert parse_date("Mon, 30 Mar 2026 10:00:00 GMT") == "2026-03-30T10:00:00+00:00"
    assert parse_date("yesterday") is None
