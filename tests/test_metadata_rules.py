"""Unit tests of the byline and headline reconciliation rules, one rule per test."""

from __future__ import annotations

import json

import lxml.html

from ainews.scraper.extraction.authors import author_fields, split_byline
from ainews.scraper.extraction.metadata import extract_metadata
from ainews.scraper.extraction.titles import choose_title

URL = "https://news.example.com/2024/03/05/some-story"


def page(head: str = "", body: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def test_labelled_field_after_the_byline_is_not_an_author():
    assert split_byline("By Jane Doe | March 5, 2024 | Topic: Hardware") == ["Jane Doe"]
    assert split_byline("Von Jane Doe Foto: John Roe") == ["Jane Doe"]


def test_author_label_keeps_its_value():
    assert split_byline("Text: Jane Doe") == ["Jane Doe"]
    assert split_byline("Текст: Венера Ерофеева") == ["Венера Ерофеева"]
    assert author_fields("no labels here, 10:30") == "no labels here, 10:30"


def test_byline_of_other_fields_names_no_author():
    assert split_byline("Redaktion: Jane Doe und John Roe Sendung: Radio One, 25.04.2024") == []


def test_desk_from_jsonld_when_the_visible_credit_is_an_editor_field():
    data = {"@type": "NewsArticle", "headline": "Story",
            "author": {"@type": "Organization", "name": "Redaktion example.de"}}
    body = ('<h1>Story</h1><p class="text__byline">Redaktion: Jane Doe und John Roe '
            'Sendung: Radio One</p>')
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    assert extract_metadata(page(head, body), URL).authors == ["Redaktion example.de"]


def test_link_labels_are_not_names():
    assert split_byline("View More Articles") == []
    assert split_byline("Comment!") == []


def test_agency_after_a_name_is_split_off():
    assert split_byline("By Jane Doe and John Roe Associated Press") == [
        "Jane Doe", "John Roe", "Associated Press"]
    assert split_byline("India Post News Weekly") == ["India Post News Weekly"]


def test_one_word_links_beside_a_full_name_are_categories():
    body = ('<h1>Story</h1><div class="entry-byline"><a href="/a">Jane Doe</a>'
            '<a href="/c/music">Music</a><a href="/c/toys">Toys</a></div>')
    assert extract_metadata(page(body=body), URL).authors == ["Jane Doe"]


def test_one_word_names_alone_are_kept():
    body = '<h1>Story</h1><div class="byline"><a href="/a">김철수</a><a href="/b">이영희</a></div>'
    assert extract_metadata(page(body=body), URL).authors == ["김철수", "이영희"]


def test_headline_element_wins_when_sources_disagree_on_the_kicker():
    h1 = [["Escalation - «Restraint has a lot to do with the US»", "Escalation", "-",
           "«Restraint has a lot to do with the US»"]]
    social = ["Attack on Israel: «Restraint has a lot to do with the US»"] * 2
    page_title = "Attack on Israel: «Restraint has a lot to do with the US» - News - SRF"
    assert choose_title(h1, [], social, page_title, ["SRF"]) == (
        "«Restraint has a lot to do with the US»")


def test_reworded_first_clause_is_not_a_kicker():
    h1 = [["Joburg has failed its traders: here is a solution"]]
    other = "Johannesburg has failed its traders: here is a solution"
    assert choose_title(h1, [other], [other], other, ["Site"]) == other


def test_kicker_shown_in_the_h1_stays_when_sources_agree():
    h1 = [["Premier League Liverpool lose at Everton", "Premier League",
           "Liverpool lose at Everton"]]
    other = "Liverpool lose at Everton"
    assert choose_title(h1, [other], [other], other + " | Site", ["Site"]) == other


def test_lower_case_link_label_beside_a_full_name_is_dropped():
    body = ('<h1>Story</h1><div class="byline"><a href="/a">Jane Doe</a>'
            '<a href="/login">log in</a></div>')
    assert extract_metadata(page(body=body), URL).authors == ["Jane Doe"]


def test_the_associated_press_after_a_name_is_split_off():
    assert split_byline("Jane Doe The Associated Press") == ["Jane Doe", "The Associated Press"]


def test_job_title_run_on_after_a_name_is_cut():
    assert split_byline("Thabo Mokone Parliamentary editor") == ["Thabo Mokone"]
    assert split_byline("André Klein Redakteur") == ["André Klein"]
    assert split_byline("Mary Ann Smith editor") == ["Mary Ann Smith"]
    assert split_byline("Guardian staff reporter") == ["Guardian staff reporter"]


def test_date_label_weekday_and_outlet_run_on_are_cut():
    assert split_byline("Malcolm Owen Monday") == ["Malcolm Owen"]
    assert split_byline("Jane Doe Updated [hour]:[minute]") == ["Jane Doe"]
    assert split_byline("By Dolores Chang For Dailymail.Com") == ["Dolores Chang"]
    assert split_byline("von Montag, den 1. Mai") == []


def test_name_doubled_by_link_and_alt_text_is_one_name():
    assert split_byline("Martin Gramnæs Martin Gramnæs") == ["Martin Gramnæs"]


def test_site_wide_meta_author_gives_way_to_the_article_author():
    head = ('<meta name="author" content="Big Media Corp">'
            '<meta property="article:author" content="Jane Doe">')
    assert extract_metadata(page(head, "<h1>Story</h1>"), URL).authors == ["Jane Doe"]
    user = ('<meta name="author" content="Jane Doe">'
            '<meta property="article:author" content="jdoe">')
    assert extract_metadata(page(user, "<h1>Story</h1>"), URL).authors == ["Jane Doe"]


def test_catalogue_creator_is_reordered_to_first_last():
    head = ('<meta name="dc.creator" content="Doe, Jane">'
            '<meta name="dc.creator" content="Roe, John">')
    assert extract_metadata(page(head, "<h1>Story</h1>"), URL).authors == ["Jane Doe", "John Roe"]
    assert split_byline("Doe, Jane") == ["Doe, Jane"]  # a free byline keeps its order


def test_section_badge_beside_the_author_is_not_credited():
    body = ('<h1>Story</h1><div class="byline"><a href="/news">News</a>'
            '<a href="/p/jd">Jane Doe</a></div>')
    assert extract_metadata(page(body=body), URL).authors == ["Jane Doe"]


def test_author_page_link_is_a_byline():
    body = '<h1>Story</h1><div><a href="/author/jane-doe">Jane Doe</a></div><p>Text.</p>'
    assert extract_metadata(page(body=body), URL).authors == ["Jane Doe"]


def test_site_suffix_spelled_with_accents_matches_the_domain():
    title = "Vláda podá demisi - Seznam Zprávy"
    url_sites = ["seznamzpravy.cz", "seznamzpravy"]
    assert choose_title([["Vláda podá demisi"]], [], [title], title, url_sites) == (
        "Vláda podá demisi")


def test_cjk_and_turkish_dates_parse():
    from ainews.scraper.extraction.dates import parse_date

    assert parse_date("2025年1月14日 01時28分").isoformat() == "2025-01-14T01:28:00+00:00"
    assert parse_date("2025년 6월 4일").date().isoformat() == "2025-06-04"
    assert parse_date("20 Nisan 2026").date().isoformat() == "2026-04-20"


def test_dateline_in_a_tail_further_below_the_headline():
    spacer = "<span>share</span>" * 60
    body = f"<h1>Story</h1>{spacer}<p><b>Published:</b> 03.07.2024 - 18:24</p>"
    url = "https://news.example.com/story"
    assert extract_metadata(page(body=body), url).published_at == "2024-07-03T18:24:00+00:00"
