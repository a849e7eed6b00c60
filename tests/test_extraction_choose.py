"""Disagreement policy: when our text is much shorter than trafilatura's own output, ours
lost the article and trafilatura's text is taken. Cost policy: trafilatura's fast mode on
the pruned page, its fallback comparison only when the fast text is short."""

from __future__ import annotations

import lxml.html
import pytest

from ainews.scraper.extraction.choose import (
    choose_text,
    prose_words,
    pruned_text,
    trafilatura_text,
)
from ainews.scraper.extraction.prune import paragraph_chars

URL = "https://news.example.net/2026/04/03/harbour-ferry"
SENTENCES = [
    "The harbour ferry will run every ten minutes from May, the transport authority said.",
    "Passengers had complained for years about crowded boats at the morning rush hour.",
    "Two new boats are being built at the yard across the bay and will be ready by summer.",
    "The fare stays the same, but a monthly pass will cost a fifth less than it does today.",
    "Cyclists may take their bikes on board outside the busiest hours of the working day.",
    "The authority expects the number of passengers to grow by a third within two years.",
]


def article_tree(paragraphs: list[str], heading: str) -> lxml.html.HtmlElement:
    """A page whose <article> holds ``heading`` and one <p> per paragraph."""
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    return lxml.html.document_fromstring(
        f"<html><body><article><h1>{heading}</h1>{paras}</article></body></html>")


def _tree() -> lxml.html.HtmlElement:
    return article_tree([f"{s} {s}" for s in SENTENCES], "Ferry every ten minutes")


def test_ours_much_shorter_than_trafilaturas_own_takes_trafilaturas():
    tree = _tree()
    # what a pruning that cut the article leaves: a line that readability's text (longer,
    # but not holding it) cannot vouch for either
    ours = "Sign up for the morning briefing and get the news of the day in your inbox."
    text = choose_text(tree, ours, URL, prose_words(tree), paragraph_chars(tree))
    for sentence in SENTENCES:
        assert sentence in text
    assert "morning briefing" not in text


def test_ours_holding_the_prose_is_kept_without_asking_anyone():
    tree = _tree()
    ours = "\n".join(f"{s} {s}" for s in SENTENCES)
    assert choose_text(tree, ours, URL, prose_words(tree), paragraph_chars(tree)) == ours


def _spans_page() -> lxml.html.HtmlElement:
    """The article as <span>s in a <div>: trafilatura's main extractor finds no text in it,
    its fallback comparison (readability) finds it all."""
    spans = "".join(f"<span>{s}</span>" for s in SENTENCES)
    return lxml.html.document_fromstring(f"<html><body><div>{spans}</div></body></html>")


def test_a_short_fast_text_gets_trafilaturas_fallback_comparison():
    text = pruned_text(_spans_page(), URL)
    for sentence in SENTENCES:
        assert sentence in text


def test_a_long_fast_text_is_the_full_modes_text():
    tree = _tree()
    assert pruned_text(tree, URL) == trafilatura_text(tree, URL)


@pytest.mark.parametrize("page", [_tree, _spans_page])
def test_trafilatura_leaves_the_tree_as_it_was(page):
    """The pruned page is handed to trafilatura up to twice, then to readability: every
    trafilatura version we support (the floor too) must work on a copy."""
    tree = page()
    before = lxml.html.tostring(tree)
    pruned_text(tree, URL)
    trafilatura_text(tree, URL)
    assert lxml.html.tostring(tree) == before


def test_trafilaturas_own_output_has_its_fallback_when_its_main_extractor_finds_nothing():
    """trafilatura's own output is its fast mode, but not when that is (next to) empty:
    then its fallback comparison finds the article that our short text lost."""
    tree = _spans_page()
    ours = "Sign up for the morning briefing and get the news of the day in your inbox."
    text = choose_text(tree, ours, URL, prose_words(tree), len(tree.text_content()))
    for sentence in SENTENCES:
        assert sentence in text


def _page_with_comments() -> lxml.html.HtmlElement:
    paras = "".join(f"<p>{s} {s}</p>" for s in SENTENCES)
    return lxml.html.document_fromstring(
        f"<html><body><div class='post_header'><h1>Ferry every ten minutes</h1>"
        f"<div class='post_text'>{paras}</div></div>"
        f"<div class='tie-area'><p>Comments are the views of their authors only.</p>"
        f"<p>No comments yet</p></div></body></html>")


def test_a_stray_block_taken_for_the_text_gives_way_to_readabilitys_article():
    # trafilatura took the comment box (as on a real page whose article sits in a block
    # named "post_header"); readability's text holds the page's prose and nothing of it
    from ainews.scraper.extraction.choose import _second_opinion

    tree = _page_with_comments()
    stray = "Comments are the views of their authors only.\nNo comments yet"
    text = _second_opinion(tree, stray, prose_words(tree), None)
    assert all(s in text for s in SENTENCES)
    assert "No comments yet" not in text


def test_a_short_text_is_kept_when_readability_does_not_hold_the_prose_either():
    from ainews.scraper.extraction.choose import _prose_held, prose_paragraphs

    tree = _page_with_comments()
    paragraphs = prose_paragraphs(tree)
    assert _prose_held("\n".join(p for p, _ in paragraphs), paragraphs) == prose_words(tree)
    assert _prose_held(SENTENCES[0], paragraphs) == 0  # a sentence is not its paragraph
