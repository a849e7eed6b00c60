from __future__ import annotations

import gzip

import pytest

from ainews.scraper.discovery import DiscoveryError, listing_links, parse_date, parse_document

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


HOSTILE_FEED = b"""<rss><channel>
<item><link>file://x.com/etc/passwd</link></item>
<item><link>ftp://x.com/pub/story</link></item>
<item><link>data:text/html,&lt;p&gt;hi</link></item>
<item><link>javascript:alert(1)</link></item>
<item><link>https://x.com/2026/03/real</link></item>
</channel></rss>"""


def test_feed_links_that_are_not_http_are_dropped() -> None:
    found = parse_document(HOSTILE_FEED, "https://x.com/feed")
    assert [link.url for link in found.articles] == ["https://x.com/2026/03/real"]


def test_sitemap_and_index_locations_that_are_not_http_are_dropped() -> None:
    urlset = (b"<urlset><url><loc>file://x.com/etc/passwd</loc></url><url><loc>ftp://x.com/a"
              b"</loc></url><url><loc>/ok</loc></url></urlset>")
    assert [a.url for a in parse_document(urlset, "https://x.com/s.xml").articles] == [
        "https://x.com/ok"]
    index = (b"<sitemapindex><sitemap><loc>file://x.com/etc/passwd</loc></sitemap>"
             b"<sitemap><loc>https://x.com/s2.xml</loc></sitemap></sitemapindex>")
    assert parse_document(index, "https://x.com/s.xml").sitemaps == ["https://x.com/s2.xml"]


def test_malformed_link_is_dropped_not_an_error() -> None:
    feed = b"<rss><channel><item><link>http://[oops/a</link></item></channel></rss>"
    assert parse_document(feed, "https://x.com/feed").articles == []


def test_listing_drops_file_and_ftp_links() -> None:
    html = b'<a href="file:///etc/passwd">f</a><a href="ftp://x.com/a">f</a><a href="/a">a</a>'
    assert listing_links(html, "https://x.com/") == ["https://x.com/a"]


def test_gzipped_sitemap_is_read() -> None:
    found = parse_document(gzip.compress(NEWS_SITEMAP), "https://x.com/news.xml.gz")
    assert [a.url for a in found.articles] == ["https://x.com/c"]
    assert found.kind == "sitemap"
    assert parse_document(gzip.compress(RSS), "https://x.com/feed.gz").kind == "feed"


def test_gzip_bomb_sitemap_is_a_clear_error() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (3 * 1024 * 1024) + b"</urlset>")
    with pytest.raises(DiscoveryError, match="over"):
        parse_document(bomb, "https://x.com/s.xml.gz", max_size=1024 * 1024)


def test_large_sitemap_is_streamed_in_document_order() -> None:
    entries = "".join(f"<url><loc>/a/{i}</loc><lastmod>2026-03-01</lastmod></url>"
                      for i in range(20_000))
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    found = parse_document(body.encode(), "https://x.com/s.xml")
    assert [a.url for a in found.articles] == [f"https://x.com/a/{i}" for i in range(20_000)]
    assert {a.lastmod for a in found.articles} == {"2026-03-01T00:00:00+00:00"}


def test_truncated_sitemap_keeps_the_entries_before_the_break() -> None:
    body = b"<urlset><url><loc>https://x.com/a</loc></url><url><loc>https://x.com/b</loc></url><url><lo"
    assert [a.url for a in parse_document(body, "https://x.com/s.xml").articles] == [
        "https://x.com/a", "https://x.com/b"]
