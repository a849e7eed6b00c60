"""The bundled demo web: its server, its discovery documents and its ground truth."""

from __future__ import annotations

import re
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import escape
from urllib.parse import urlsplit

import lxml.html
import pytest
from protego import Protego

from ainews.scraper.demo.server import DemoServer
from ainews.scraper.demo.stories import load_stories
from ainews.scraper.demo.web import DemoWeb
from tests import demo_expected as expected

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module")
def srv() -> Iterator[DemoServer]:
    with DemoServer(port=0) as server:
        yield server


@pytest.fixture(scope="module")
def sites(srv: DemoServer) -> dict[str, dict]:
    config = tomllib.loads(srv.sites_toml())
    return {site["name"]: site for site in config["site"]}


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def xml_links(body: bytes) -> tuple[list[str], list[str]]:
    """(page links, child sitemap links) of an RSS, Atom, sitemap or sitemap index document."""
    root = ET.fromstring(body)
    if root.tag == f"{SITEMAP_NS}sitemapindex":
        return [], [loc.text or "" for loc in root.iter(f"{SITEMAP_NS}loc")]
    if root.tag == f"{SITEMAP_NS}urlset":
        return [loc.text or "" for loc in root.iter(f"{SITEMAP_NS}loc")], []
    if root.tag == f"{ATOM_NS}feed":
        links = root.iter(f"{ATOM_NS}link")
        entries = [link.get("href", "") for link in links if link.get("rel") == "alternate"]
        return entries, []
    return [item.findtext("link") or "" for item in root.iter("item")], []


def html_links(body: bytes, base: str) -> list[str]:
    tree = lxml.html.document_fromstring(body)
    tree.make_links_absolute(base)
    return [href for href in tree.xpath("//a/@href") if href.startswith(base)]


def discovered(srv: DemoServer, site: dict) -> dict[str, str]:
    """Every link found from a site's start URLs (following sitemap indexes and rel=next),
    mapped to the document it was found in."""
    found: dict[str, str] = {}
    queue = [*site["feeds"], *site["sitemaps"]]
    while queue:
        doc = queue.pop()
        status, _, body = fetch(doc)
        assert status == 200, doc
        pages, children = xml_links(body)
        found.update(dict.fromkeys(pages, doc))
        queue += children
    listings = list(site["listings"])
    while listings:
        doc = listings.pop()
        status, _, body = fetch(doc)
        assert status == 200, doc
        found.update(dict.fromkeys(html_links(body, srv.base_url), doc))
        listings += lxml.html.document_fromstring(body).xpath("//a[@rel='next']/@href")
    return found


def test_sites_file_names_four_demo_sites(sites: dict[str, dict]) -> None:
    assert set(sites) == set(expected.SITE_NAMES.values())


def test_sites_file_settings_allow_localhost(srv: DemoServer, tmp_path) -> None:
    config = tomllib.loads(srv.sites_file(tmp_path).read_text(encoding="utf-8"))
    assert config["settings"]["allow_private"] is True
    assert config["settings"]["download_delay"] == 0


@pytest.mark.parametrize("doc", ["feeds", "sitemaps"])
@pytest.mark.parametrize("name", sorted(expected.SITE_NAMES.values()))
def test_feeds_and_sitemaps_parse_as_xml(sites, name: str, doc: str) -> None:
    for url in sites[name][doc]:
        status, headers, body = fetch(url)
        assert status == 200
        assert "charset=utf-8" in headers["Content-Type"]
        ET.fromstring(body)


@pytest.mark.parametrize("name", sorted(expected.SITE_NAMES.values()))
def test_every_discovered_link_resolves(srv: DemoServer, sites, name: str) -> None:
    for link, doc in discovered(srv, sites[name]).items():
        assert fetch(link)[0] == 200, f"{link} (linked from {doc})"


@pytest.mark.parametrize("name", sorted(expected.SITE_NAMES.values()))
def test_discovery_finds_exactly_the_expected_articles(srv: DemoServer, sites, name: str) -> None:
    pattern = re.compile(sites[name]["article_pattern"])
    articles = {urlsplit(link).path for link in discovered(srv, sites[name]) if pattern.match(link)}
    want = {path for path, page in expected.pages().items() if page.site == name}
    assert articles == want


def test_google_news_sitemap_has_publication_dates(sites) -> None:
    (url,) = sites["demo-syndicator"]["sitemaps"]
    root = ET.fromstring(fetch(url)[2])
    dates = [node.text for node in root.iter(f"{NEWS_NS}publication_date")]
    assert dates and all(text and text.startswith("2026-") for text in dates)


def test_robots_txt_disallows_the_listed_private_article(srv: DemoServer, sites) -> None:
    status, headers, body = fetch(srv.url("/robots.txt"))
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    robots = Protego.parse(body.decode())
    private = [path for path, page in expected.pages().items() if page.disallowed]
    assert private
    links = discovered(srv, sites["demo-aggregator"])
    for path in private:
        assert srv.url(path) in links
        assert not robots.can_fetch(srv.url(path), "ainews")
    assert robots.can_fetch(srv.url("/aiwire/blog/sable-ai-raises-seed-round"), "ainews")


@pytest.mark.parametrize("prefix", ["/aiwire/", "/frontier/", "/syndicate/", "/digest/"])
def test_each_site_has_robots_txt(srv: DemoServer, prefix: str) -> None:
    status, _, body = fetch(srv.url(f"{prefix}robots.txt"))
    assert status == 200
    assert f"Disallow: {prefix}private/" in body.decode()


@pytest.mark.parametrize("path", sorted(expected.pages()))
def test_article_page_declares_lang_charset_canonical(srv: DemoServer, path: str) -> None:
    page = expected.pages()[path]
    status, headers, body = fetch(srv.url(path))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    tree = lxml.html.document_fromstring(body)
    assert tree.get("lang") == page.language
    assert tree.xpath("//meta[@charset='utf-8']")
    assert tree.xpath("//link[@rel='canonical']/@href") == [srv.url(page.canonical)]


def test_aggregator_page_carries_the_body_twice(srv: DemoServer) -> None:
    page = expected.pages()["/aiwire/blog/sable-ai-raises-seed-round"]
    html = fetch(srv.url(page.path))[2].decode()
    assert html.count(escape(page.paragraphs[0])) == 2
    assert "Join 80,000+ AI enthusiasts" in html


def test_conditional_get_by_etag_gets_304(srv: DemoServer) -> None:
    url = srv.url("/frontier/feed/")
    _, headers, _ = fetch(url)
    status, _, body = fetch(url, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_conditional_get_by_date_gets_304(srv: DemoServer) -> None:
    url = srv.url("/syndicate/news-sitemap.xml")
    _, headers, _ = fetch(url)
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"})[0] == 200


def test_stale_etag_gets_200(srv: DemoServer) -> None:
    assert fetch(srv.url("/digest/"), {"If-None-Match": '"stale"'})[0] == 200


def test_unknown_path_gets_404(srv: DemoServer) -> None:
    assert fetch(srv.url("/frontier/2026/01/01/no-such-story/"))[0] == 404
    assert fetch(srv.url("/nowhere"))[0] == 404


def test_stats_count_requests_and_bytes(srv: DemoServer) -> None:
    srv.reset_stats()
    _, _, body = fetch(srv.url("/aiwire/blog/"))
    fetch(srv.url("/nowhere"))
    stats = srv.stats
    assert stats.requests == 2
    assert stats.bytes_sent > len(body)
    assert stats.statuses == {200: 1, 404: 1}
    assert stats.paths["/aiwire/blog/"] == 1


def test_edit_story_changes_page_feed_and_sitemap() -> None:
    slug = "benchmark-contamination-widespread-study"
    when = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)
    with DemoServer() as srv:
        path = srv.web.path(srv.web.stories[slug])
        sitemap = srv.url("/frontier/sitemap-posts.xml")
        _, before, _ = fetch(srv.url(path))
        _, sitemap_before, _ = fetch(sitemap)
        srv.edit_story(slug, paragraphs=["A correction was appended."], modified=when)
        status, after, body = fetch(srv.url(path), {"If-None-Match": before["ETag"]})
        assert status == 200
        assert after["ETag"] != before["ETag"]
        assert parsedate_to_datetime(after["Last-Modified"]) == when
        assert b"A correction was appended." in body
        assert b'"dateModified": "2026-04-20T12:00:00+00:00"' in body
        _, sitemap_after, xml = fetch(sitemap)
        assert sitemap_after["ETag"] != sitemap_before["ETag"]
        lastmods = {
            url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod")
            for url in ET.fromstring(xml).iter(f"{SITEMAP_NS}url")
        }
        assert lastmods[srv.url(path)] == "2026-04-20T12:00:00+00:00"


def test_original_stories_are_250_to_600_words() -> None:
    originals = [s for s in load_stories().values() if s.kind == "original"]
    assert 14 <= len(originals) <= 20
    for story in originals:
        assert 250 <= story.word_count <= 600, story.slug


def test_boilerplate_never_occurs_in_ground_truth_text() -> None:
    for page in expected.pages().values():
        text = "\n".join((page.title, page.lede, page.body))
        for strings in expected.BOILERPLATE.values():
            clashes = [s for s in strings if s in text]
            assert not clashes, page.path


def test_ground_truth_has_copies_excerpts_and_same_event_reports() -> None:
    pages = expected.pages()
    assert len(expected.duplicate_groups()) == 3
    assert expected.same_event_groups()
    excerpts = [page for page in pages.values() if page.kind == "excerpt"]
    assert excerpts and all(page.original in pages for page in excerpts)
    copies = [page for page in pages.values() if page.kind == "syndicated"]
    assert {page.canonical == page.original for page in copies} == {True, False}


def test_first_original_is_the_sites_first_original_page() -> None:
    """The story the docs' demo database and the incremental benchmark edit."""
    web = DemoWeb()
    story = web.first_original("demo-publisher")
    first = next(p for p in expected.pages(web).values()
                 if p.site == "demo-publisher" and p.kind == "original")
    assert (story.slug, story.kind) == (first.slug, "original")
    assert web.path(story).startswith("/frontier/")
