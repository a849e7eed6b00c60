"""Unit tests of the metadata extractor on small HTML snippets."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest

from ainews.scraper.extraction.authors import split_byline
from ainews.scraper.extraction.dates import parse_date, plausible
from ainews.scraper.extraction.metadata import Metadata, extract_metadata

URL = "https://news.example.com/2024/03/05/some-story"


def page(head: str = "", body: str = "", lang: str = "") -> lxml.html.HtmlElement:
    attr = f' lang="{lang}"' if lang else ""
    return lxml.html.document_fromstring(
        f"<html{attr}><head>{head}</head><body>{body}</body></html>")


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_jsonld_graph_with_author_reference():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": "#page", "name": "Story | Site"},
        {"@type": "NewsArticle", "headline": "Robots learn to fold laundry",
         "datePublished": "2024-03-05T09:30:00+02:00", "dateModified": "2024-03-06T10:00:00Z",
         "author": [{"@id": "#jane"}], "keywords": ["AI", "robots"], "inLanguage": "en-GB"},
        {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
    ]}
    meta = extract_metadata(page(ld(graph)), URL)
    assert meta.title == "Robots learn to fold laundry"
    assert meta.authors == ["Jane Doe"]
    assert meta.published_at == "2024-03-05T07:30:00+00:00"
    assert meta.modified_at == "2024-03-06T10:00:00+00:00"
    assert meta.tags == ["AI", "robots"]
    assert meta.language == "en"


def test_jsonld_list_and_nested_author_objects():
    data = [{"@type": "BreadcrumbList"},
            {"@type": "BlogPosting", "headline": "A post",
             "author": {"@type": "Person", "givenName": "Ada", "familyName": "Lovelace"}}]
    assert extract_metadata(page(ld(data)), URL).authors == ["Ada Lovelace"]


def test_last_first_is_one_person():
    assert split_byline("Doe, Jane") == ["Doe, Jane"]


def test_bylines_split_and_cleaned():
    assert split_byline("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]
    assert split_byline("Anna Alpha, Bert Beta & Carl Gamma") == [
        "Anna Alpha", "Bert Beta", "Carl Gamma"]
    assert split_byline("By Jane Doe, Senior Reporter") == ["Jane Doe"]
    assert split_byline("Jane Doe jane@example.com @janedoe") == ["Jane Doe"]
    assert split_byline("Von Anna Sleegers, Frankfurt") == ["Anna Sleegers"]


def test_organisation_dropped_when_a_person_is_named():
    data = {"@type": "NewsArticle", "headline": "Chips",
            "author": [{"@type": "Organization", "name": "Example News"},
                       {"@type": "Person", "name": "Jane Doe"}]}
    assert extract_metadata(page(ld(data)), URL).authors == ["Jane Doe"]


def test_organisation_kept_when_no_person_is_named():
    data = {"@type": "NewsArticle", "headline": "Chips",
            "author": {"@type": "Organization", "name": "Example News"}}
    assert extract_metadata(page(ld(data)), URL).authors == ["Example News"]


def test_duplicate_authors_removed():
    head = '<meta name="author" content="Jane Doe, JANE DOE">'
    assert extract_metadata(page(head), URL).authors == ["Jane Doe"]


def test_visible_h1_beats_social_title_and_site_suffix():
    head = ('<title>Robots fold laundry | Example News</title>'
            '<meta property="og:title" content="You won\'t believe these robots">')
    body = "<h1>Robots fold laundry</h1><p>Text.</p>"
    assert extract_metadata(page(head, body), URL).title == "Robots fold laundry"


def test_title_without_h1_loses_site_suffix():
    head = '<title>Robots fold laundry - Example News</title>' \
           '<meta property="og:site_name" content="Example News">'
    assert extract_metadata(page(head), URL).title == "Robots fold laundry"


def test_future_date_rejected_and_url_date_used():
    future = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    head = f'<meta property="article:published_time" content="{future}">'
    meta = extract_metadata(page(head), URL)
    assert meta.published_at == "2024-03-05T12:00:00+00:00"  # from the URL, at noon


def test_plausible_clamps_small_zone_slips_to_now():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert plausible(now + timedelta(hours=3), now) == now
    assert plausible(now + timedelta(days=3), now) is None
    assert plausible(datetime(1970, 1, 1, tzinfo=UTC), now) is None


def test_timezone_converted_to_utc():
    head = '<meta property="article:published_time" content="2024-03-05T23:30:00-05:00">'
    assert extract_metadata(page(head), URL).published_at == "2024-03-06T04:30:00+00:00"


def test_date_formats():
    assert parse_date("Fri, 28 Apr 2023 17:40:08 GMT").isoformat() == "2023-04-28T17:40:08+00:00"
    assert parse_date("28.04.2023, 17:23 Uhr").day == 28
    assert parse_date("April 28, 2023 5:40 PM EDT").astimezone(UTC).hour == 21
    assert parse_date("2023-04-28T18:23:00+0000").hour == 18
    assert parse_date("not a date") is None


def test_modified_before_published_dropped():
    head = ('<meta property="article:published_time" content="2024-03-05T10:00:00Z">'
            '<meta property="article:modified_time" content="2020-01-01T10:00:00Z">')
    assert extract_metadata(page(head), URL).modified_at is None


def test_language_declared_and_guessed():
    assert extract_metadata(page(lang="de-AT"), URL).language == "de"
    text = "<p>" + "Der Hund und die Katze sind nicht mit dem Auto gefahren. " * 3 + "</p>"
    assert extract_metadata(page(body=text), URL).language == "de"
    assert extract_metadata(page(body="<p>" + "日本語のテキストです。" * 5 + "</p>"),
                            URL).language == "ja"


def test_source_credit_from_jsonld_and_visible_line():
    data = {"@type": "NewsArticle", "headline": "X",
            "isBasedOn": {"@type": "CreativeWork", "name": "TechCrunch"}}
    assert extract_metadata(page(ld(data)), URL).source_credit == "TechCrunch"
    body = '<p class="article-source">Originally published on The Verge.</p>'
    assert extract_metadata(page(body=body), URL).source_credit == "The Verge"


def test_canonical_description_site_name():
    head = ('<link rel="canonical" href="/2024/03/05/some-story">'
            '<meta property="og:description" content="  A  summary. ">'
            '<meta property="og:site_name" content="Example News">')
    meta = extract_metadata(page(head), URL)
    assert meta.canonical_url == "https://news.example.com/2024/03/05/some-story"
    assert meta.description == "A summary."
    assert meta.site_name == "Example News"


@pytest.mark.parametrize(("href", "expected"), [
    ("javascript:alert(1)", None),
    ("file:///etc/passwd", None),
    ("https://user:pw@evil.example/x", None),
    ("http://[::1/x", None),
    ("/caf\u00e9 story#comments", "https://news.example.com/caf%C3%A9%20story"),
    ("https://b\u00fccher.example/a", "https://xn--bcher-kva.example/a"),
])
def test_canonical_is_joined_as_the_crawl_joins_links(href, expected):
    meta = extract_metadata(page(f'<link rel="canonical" href="{href}">'), URL)
    assert meta.canonical_url == expected


def test_missing_everything_gives_nones():
    meta = extract_metadata(page(), "https://example.com/")
    assert meta == Metadata()


def test_broken_jsonld_is_ignored():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    assert extract_metadata(page(head), URL).title is None


def test_tree_not_mutated():
    head = ld({"@type": "NewsArticle", "headline": "Robots"}) + "<title>Robots | X</title>"
    tree = page(head, "<h1>Robots</h1><p class='byline'>By Jane Doe</p>")
    before = lxml.html.tostring(copy.deepcopy(tree))
    extract_metadata(tree, URL)
    assert lxml.html.tostring(tree) == before


def test_agency_kept_beside_a_person_but_not_the_publisher():
    data = {"@type": "NewsArticle", "headline": "Chips",
            "author": [{"@type": "Person", "name": "Jane Doe"},
                       {"@type": "Organization", "name": "Reuters"},
                       {"@type": "Organization", "name": "Example News"}]}
    assert extract_metadata(page(ld(data)), URL).authors == ["Jane Doe", "Reuters"]


def test_byline_sections_are_not_people():
    assert split_byline("By TPN, in News, Portugal, Business") == ["TPN"]


def test_labelled_author_and_date_fields():
    body = ("<h1>Story</h1><p>Text of the story goes here and on and on.</p>"
            "<ul><li><strong>Datum</strong> 28.04.2023</li>"
            "<li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>")
    meta = extract_metadata(page(body=body), "https://news.example.com/a/story")
    assert meta.authors == ["Roman Goncharenko"]
    assert meta.published_at == "2023-04-28T00:00:00+00:00"


def test_bold_name_line_opening_the_text_when_only_the_publisher_is_named():
    head = '<meta property="og:site_name" content="Example Times">'
    body = ('<h1>Story</h1><p>&nbsp;</p><p><strong>Jane Doe/John Roe</strong></p>'
            "<p>The first paragraph of the story is long enough to be prose here.</p>"
            '<p class="byline">by Example Times</p>')
    assert extract_metadata(page(head, body), URL).authors == ["Jane Doe", "John Roe"]


def test_bold_subheading_after_the_text_began_is_not_a_name():
    body = ("<h1>Story</h1><p>The first paragraph of the story is long enough to be prose.</p>"
            "<p><strong>The Big Picture</strong></p>")
    assert extract_metadata(page(body=body), URL).authors == []


def test_visible_byline_adds_authors_jsonld_left_out():
    data = {"@type": "NewsArticle", "headline": "Story",
            "author": {"@type": "Person", "name": "Marlene Holm"}}
    body = ('<h1>Story</h1><div class="bylines"><a href="/a">Ingrid Treborg</a>'
            '<a href="/b">Marlene Holm</a><a href="/c">Read in app</a></div>')
    assert extract_metadata(page(ld(data), body), URL).authors == ["Marlene Holm"]
    body = body.replace('<a href="/c">Read in app</a>', "")
    assert extract_metadata(page(ld(data), body), URL).authors == [
        "Ingrid Treborg", "Marlene Holm"]
