"""Pruning never removes the article: small hand-written pages, one failure class each."""

from __future__ import annotations

import pytest

from ainews.scraper.extraction import extract
from ainews.scraper.extraction.prune import boilerplate_name

URL = "https://news.example.org/2026/04/02/council-budget"
TITLE = "City council approves a budget that doubles night buses"
PARAGRAPHS = [
    "The city council voted on Tuesday to approve a new budget for the coming year, raising "
    "spending on public transport by twelve percent and on schools by eight percent.",
    "Council members debated the plan for more than four hours before the vote, with several "
    "residents speaking in favour of longer bus hours on weekends and holidays.",
    "The mayor said the budget balanced the needs of a growing city with the limits of its "
    "tax base, and promised a review of the transport plan next spring.",
    "Opposition members called the increase too small and asked for a separate fund for "
    "cycle lanes, a motion that failed by three votes late in the evening.",
]


def _page(article: str) -> bytes:
    return (f"<html><head><title>{TITLE}</title></head><body>"
            '<nav class="site-nav"><a href="/">Home</a> <a href="/city">City</a></nav>'
            f"{article}"
            '<div class="related-posts"><p>Another story about the weather that is not this '
            "article and should not be in its body at all.</p></div>"
            "</body></html>").encode()


def _divs(paragraphs: list[str]) -> str:
    return "".join(f"<div>{p}</div>" for p in paragraphs)


def _assert_every_paragraph_kept(article: str) -> str:
    """The body of a page holding ``article``; every one of PARAGRAPHS must be in it."""
    body = extract(_page(article), URL).body
    missing = [p[:40] for p in PARAGRAPHS if p not in body]
    assert not missing, f"lost: {missing}"
    return body


@pytest.mark.parametrize("tag", ["aside", "form"])
def test_block_wrapping_the_article_text_in_divs_is_kept(tag):
    _assert_every_paragraph_kept(f"<article><h1>{TITLE}</h1><{tag} class='story'>"
                                 f"{_divs(PARAGRAPHS)}</{tag}></article>")


def test_class_names_deep_in_a_longer_name_or_a_modifier_are_not_boilerplate():
    blocks = [f'<div class="block block--ads"><p>{PARAGRAPHS[1]}</p></div>',
              f'<div class="live-blog-comment"><p>{PARAGRAPHS[2]}</p></div>']
    body = _assert_every_paragraph_kept(
        f"<article><h1>{TITLE}</h1><p>{PARAGRAPHS[0]}</p>{''.join(blocks)}"
        f"<p>{PARAGRAPHS[3]}</p></article>")
    assert "Another story about the weather" not in body


@pytest.mark.parametrize(("name", "boilerplate"), [
    ("comments", True), ("related-posts", True), ("site-footer", True), ("ad__slot", True),
    ("c-article__related", True), ("post-comments", True),
    ("block--ads", False), ("live-blog-comment", False), ("item-caption", False),
    ("tab-menu", False), ("has-sidebar-layout", False), ("article-body", False),
])
def test_boilerplate_class_names(name, boilerplate):
    assert boilerplate_name(name) is boilerplate


def test_sub_heading_anchor_with_a_nav_class_is_kept():
    html = _page(f"<article><h1>{TITLE}</h1><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>"
                 '<h2><a class="nav_anchor" id="nav_2">What the vote means for riders</a></h2>'
                 f"<p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p></article>")
    assert "What the vote means for riders" in extract(html, URL).body


def test_hidden_slideshow_inside_the_article_is_kept():
    slides = "".join(f'<div class="gallery-item" style="display: none"><p>{p}</p></div>'
                     for p in PARAGRAPHS[2:])
    _assert_every_paragraph_kept(
        f"<article><h1>{TITLE}</h1><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>"
        f'<div class="gallery">{slides}</div></article>')


def test_hidden_block_outside_the_article_is_pruned():
    hidden = ('<div style="display:none"><p>A cookie notice that explains in many words how '
              "this site uses cookies and why you should accept them all today.</p></div>")
    html = _page(f"<article><h1>{TITLE}</h1>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}"
                 f"</article>{hidden}")
    assert "cookie notice" not in extract(html, URL).body
