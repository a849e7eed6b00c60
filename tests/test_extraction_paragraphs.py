"""Paragraph cleanup rules, section headings and teaser cards, on small written pages."""

from __future__ import annotations

import lxml.html
import pytest

from ainews.scraper.extraction.headings import restore_headings
from ainews.scraper.extraction.paragraphs import drop_headline, drop_labels, drop_teasers
from ainews.scraper.extraction.prune import prune_boilerplate

TITLE = "So sind Straßenbahnen und Autobahnen auf künftige Hitzewellen vorbereitet"
PROSE = [
    "In Teilen Deutschlands hat die Hitzewelle im Juni für ernsthafte Probleme auf den "
    "Straßen und im Nahverkehr gesorgt, und die Betriebe mussten ihre Pläne ändern.",
    "Von solchen Problemen blieben die Magdeburger Verkehrsbetriebe verschont, weil beim "
    "Gleisbau eine andere Fugenmasse verwendet wurde, sagte ein Sprecher am Montag.",
]


def test_headline_with_kicker_is_dropped():
    kept = drop_headline([f"Hitzefolgen: {TITLE}", *PROSE], TITLE)
    assert kept == PROSE


def test_plain_title_is_dropped_anywhere():
    assert drop_headline([*PROSE, TITLE], TITLE) == PROSE


def test_lede_sentence_starting_with_the_title_is_kept():
    lede = f"{TITLE}, sagen die Betriebe."
    assert drop_headline([lede, *PROSE], TITLE)[0] == lede


@pytest.mark.parametrize("line", ["Photo: AFP", "Image: eThekwini Municipality / Facebook",
                                  "Foto: dpa", "Stand: 08.07.2026 05:00 Uhr", "18.05.2026",
                                  "von Engin Haupt, MDR SACHSEN-ANHALT", "Engin Haupt"])
def test_labels_are_dropped(line):
    assert drop_labels([PROSE[0], line, PROSE[1]], ["Engin Haupt"]) == PROSE


@pytest.mark.parametrize("line", ["2018.04.05 ~ OPEN RUN", "von Berlin nach Hamburg",
                                  "Photographs of the flood were shared widely online by "
                                  "residents who had stayed behind: the pictures show water."])
def test_text_about_dates_places_photos_is_kept(line):
    assert drop_labels([line], ["Engin Haupt"]) == [line]


@pytest.mark.parametrize("line", ["Czytaj więcej", "Mehr zum Thema Hitzeschäden", "Read more",
                                  "Lire aussi", "おすすめ情報"])
def test_teaser_labels_are_dropped(line):
    assert drop_teasers([PROSE[0], line, PROSE[1]]) == PROSE


def test_cut_off_excerpt_under_a_read_more_label_is_dropped():
    excerpt = "W poniedziałek wieczorem do stolicy Pakistanu dotrze delegacja Donalda Tr..."
    assert drop_teasers([PROSE[0], "Czytaj więcej", excerpt, PROSE[1]]) == PROSE


def test_leading_call_to_action_is_dropped():
    cta = "Sign up for the free daily newsletter and start your day with the news."
    assert drop_teasers([cta, *PROSE]) == PROSE


def _page(between: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        f"<html><body><div class='text'><p>{PROSE[0]}</p>{between}<p>{PROSE[1]}</p>"
        "</div></body></html>")


def test_lost_section_heading_is_put_back():
    tree = _page("<h2>Magdeburg: Ältere Straßenbahnen nicht bereit</h2>")
    assert restore_headings(tree, PROSE) == [
        PROSE[0], "Magdeburg: Ältere Straßenbahnen nicht bereit", PROSE[1]]


def test_linked_heading_is_a_teaser_not_a_section():
    tree = _page("<h2><a href='/other'>Diese Kräuter haben einen giftigen Doppelgänger</a></h2>")
    assert restore_headings(tree, PROSE) == PROSE


def test_heading_outside_the_text_block_is_not_put_back():
    tree = _page("<div class='box'><h3>Mehr ähnliche Nachrichten</h3></div>")
    assert restore_headings(tree, PROSE) == PROSE


def test_teaser_card_inside_a_link_is_pruned_with_its_empty_wrapper():
    tree = lxml.html.fromstring(
        f"<html><body><div class='text'><p>{PROSE[0]}</p>"
        "<p><article class='pull'><a href='/other'><p>How the invasion affects expat "
        "researchers</p></a></article>The text goes on here.</p>"
        f"<a href='#part-2'><h2>Part two</h2></a><p>{PROSE[1]}</p></div></body></html>")
    prune_boilerplate(tree)
    assert "expat" not in tree.text_content()
    assert not list(tree.iter("article"))  # an empty <article> would pass for the article
    assert "The text goes on here." in tree.text_content()
    assert "Part two" in tree.text_content()  # an in-page anchor, not a teaser


@pytest.mark.parametrize("line", [
    "Filed under: Politics |",
    "Tags: budget, transport",
    "DON'T MISS",
    "[button link=\"https://example.com/submit/\" type=\"big\"] Send us your review[/button]",
])
def test_category_footers_labels_and_raw_shortcodes_are_dropped(line):
    assert drop_teasers([PROSE[0], line, PROSE[1]]) == PROSE


def test_teaser_headlines_under_a_label_are_dropped():
    teasers = ["DON'T MISS", "Minister resigns over leaked memo [INSIGHT]",
               "Storm closes the coast road for a second day [VIDEO]"]
    assert drop_teasers([PROSE[0], *teasers, PROSE[1]]) == PROSE
