"""Red team, feeds and sitemaps: dates a hostile or broken source announces."""

from __future__ import annotations

from ainews.scraper.discovery import Link, parse_document

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.example/a</loc>
    <news:news><news:publication_date>9999-12-31T23:59:59-05:00</news:publication_date>
    <news:title>A</news:title></news:news></url>
  <url><loc>https://news.example/b</loc><lastmod>0001-01-01T00:00:00+14:00</lastmod></url>
  <url><loc>https://news.example/c</loc><lastmod>3000-01-01</lastmod></url>
  <url><loc>https://news.example/d</loc><lastmod>2026-03-30T12:00:00+02:00</lastmod></url>
</urlset>"""


def test_sitemap_dates_past_the_calendar_or_in_the_future_are_unknown() -> None:
    # The first two raised OverflowError (the whole sitemap lost, the callback failed);
    # the third was stored as source_lastmod 3000-01-01, newer than any later change.
    found = parse_document(NEWS_SITEMAP, "https://news.example/sitemap.xml")
    assert found.articles == [
        Link("https://news.example/a", None, "A"),
        Link("https://news.example/b", None, None),
        Link("https://news.example/c", None, None),
        Link("https://news.example/d", "2026-03-30T10:00:00+00:00", None),
    ]


def test_feed_item_dates_out_of_range_keep_the_items() -> None:
    feed = b"""<rss version="2.0"><channel>
      <item><link>https://news.example/x</link>
        <pubDate>Fri, 31 Dec 9999 23:59:59 -1200</pubDate></item>
      <item><link>https://news.example/y</link><updated>9999-12-31T23:00:00-05:00</updated></item>
    </channel></rss>"""
    found = parse_document(feed, "https://news.example/feed")
    assert [(link.url, link.lastmod) for link in found.articles] == [
        ("https://news.example/x", None), ("https://news.example/y", None)]


def test_atom_relative_links_follow_xml_base_which_cannot_change_the_scheme() -> None:
    # xml:base was ignored: "post-1" under xml:base="https://news.example/blog/2026/" was
    # fetched as https://news.example/post-1 (a 404 on a real blog).
    feed = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/blog/">
      <entry xml:base="2026/"><link href="post-1"/></entry>
      <entry><link href="post-2"/></entry>
      <entry xml:base="file:///etc/"><link href="passwd"/></entry>
      <entry xml:base="http://[::1/"><link href="x"/></entry>
      <entry xml:base="file:///etc/"><link href="https://news.example/absolute"/></entry>
      <!-- an entry under a base we refuse is refused, even an absolute link -->
    </feed>"""
    found = parse_document(feed, "https://news.example/feed.atom")
    assert [link.url for link in found.articles] == [
        "https://news.example/blog/2026/post-1", "https://news.example/blog/post-2"]
    assert found.refused == {"scheme": 2, "bad_url": 1}
