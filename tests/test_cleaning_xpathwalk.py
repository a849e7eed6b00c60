"""The XPaths trafilatura's main extractor searches and prunes with, run as tree walks
(``xpathwalk.py``, swapped in by ``trafilatura_run._walked`` for our call only): the same
elements in the same order as lxml's XPath, on pages built to reach the edges of XPath's
meaning (attribute order, ``translate``, positions, unions, missing attributes)."""

from __future__ import annotations

import itertools

import lxml.etree
import lxml.html
import pytest
from trafilatura import main_extractor

from ainews.scraper.extraction import trafilatura_run
from ainews.scraper.extraction.xpathwalk import compile_path

RE = {"re": "http://exslt.org/regular-expressions"}

#: Attribute pairs around the edges of trafilatura's patterns: both orders of id and
#: class (the string value of ``@id|@class`` is the first one), case for ``translate``
#: and the ``i`` flag, anchors, empty values.
_ATTRS = [
    ('id="cookie-note" class="x"', 'class="x" id="cookie-note"'),
    ('id="main-body" class="reply-to"', 'class="reply-to" id="main-body"'),
    ('class="Teaser big"', 'id="TEASER"'),
    ('class="post"', 'class="entry"', 'class="posts"'),
    ('id="Main-Content"', 'class="page-Content"', 'class="main"', 'role="main"'),
    ('class="FullText"', 'class="article-body"', 'itemprop="articleBody"'),
    ('style="display:none"', 'style="border: 1px"', 'id="x-hidden"', 'aria-hidden="true"'),
    ('role="Navigation"', 'data-lp-replacement-content=""', 'class="comments-title"'),
    ('class="bottom-bar"', 'class="a link"', 'class="image-caption"', 'class=""'),
    ('class="story"', 'id="story"', 'class="content"', 'id="content"', ""),
]
_TAGS = ["div", "section", "article", "main", "p", "span", "header", "list", "item"]


def _page() -> lxml.html.HtmlElement:
    """Every attribute variant on every tag, some nested in others, siblings of each
    other, with comments between: each trafilatura expression finds several elements."""
    blocks = []
    variants = [v for group in _ATTRS for v in group]
    for i, (tag, attrs) in enumerate(itertools.product(_TAGS, variants)):
        inner_tag, inner_attrs = _TAGS[(i * 7) % len(_TAGS)], variants[(i * 5) % len(variants)]
        blocks.append(f"<{tag} {attrs}><p>text {i}</p><{inner_tag} {inner_attrs}>inner"
                      f"</{inner_tag}></{tag}><!-- c{i} -->tail")
    return lxml.html.document_fromstring(
        f"<html><body><div class='wrap'>{''.join(blocks)}</div><main>m</main></body></html>")


def _module_walks() -> list[tuple[str, int, lxml.etree.XPath, object]]:
    if not trafilatura_run.MIRRORED:
        return []
    return [(name, i, xpath, walk)
            for _, name, xpaths, walks in trafilatura_run._MODULE_WALKS
            for i, (xpath, walk) in enumerate(zip(xpaths, walks, strict=True))]


@pytest.mark.parametrize("name,i,xpath,walk", _module_walks(),
                         ids=lambda v: v if isinstance(v, str | int) else "")
def test_trafilaturas_content_xpaths_are_walks_selecting_the_same(name, i, xpath, walk):
    assert walk is not xpath, "outside the walks' subset: the fast path is lost"
    page = _page()
    for context in (page, page.find("body/div")):
        expected = xpath(context)
        assert expected, "the page does not exercise the expression"
        assert walk(context) == expected


@pytest.mark.parametrize("path", [
    ".//*[re:test(@id|@class, '^cookie')]",  # the first of the two in the tag
    ".//*[starts-with(@class|@id, 'reply')]",
    ".//*[contains(translate(@id, 'TMC', 'tmc'), 'main-c') or contains(@style, 'border')]",
    ".//*[contains(translate(@class, 'abc', 'A'), 'pge')]",  # b, c removed
    ".//*[@class='post' or @id='story' or @role][not(@class|@id='x')]",
    ".//*[@data-lp-replacement-content or @aria-hidden='true']",
    ".//*[self::div or self::p][re:test(@class, 'fulltext', 'i')][1]",  # first among siblings
    "(.//*[self::span or self::p][re:test(@class, '^(?:bottom|story)')])[1]",
    "(.//*[self::div][starts-with(@class, 'main')])[1]|(.//main)[1]",
    "(.//article)[1]|.//header[@class]",
    ".//header",
    ".//p[contains(@class, '')]",
])
def test_a_walk_keeps_xpaths_meaning(path):
    page = _page()
    walk = compile_path(path)
    assert walk is not None
    for context in (page, page.find("body/div"), page.find("body/div/div")):
        expected = lxml.etree.XPath(path, namespaces=RE)(context)
        assert walk(context) == expected, path


def test_a_union_is_in_document_order_without_repeats():
    page = lxml.html.document_fromstring(
        "<html><body><div id='a'><p class='x'>1</p></div><main><p class='x'>2</p></main>"
        "</body></html>")
    path = ".//p|.//main|.//*[@class='x']|(.//main)[1]"
    assert [el.tag for el in compile_path(path)(page)] == ["p", "main", "p"]
    assert compile_path(path)(page) == page.xpath(path)


@pytest.mark.skipif(not trafilatura_run.MIRRORED, reason="trafilatura version not mirrored")
def test_the_walks_serve_our_call_only():
    """After our call trafilatura's modules hold their XPaths again, and inside it the
    walks (a call that fails midway puts them back too)."""
    originals = {(module, name): xpaths
                 for module, name, xpaths, _ in trafilatura_run._MODULE_WALKS}
    seen = []
    original_extract = main_extractor._extract

    def spy(*args, **kwargs):
        seen.append(main_extractor.BODY_XPATH)
        raise ValueError("stop here")

    page = _page()
    main_extractor._extract = spy
    try:
        assert trafilatura_run.precision_text(page, "https://example.org/a", fast=True) == ""
    finally:
        main_extractor._extract = original_extract
    assert seen and seen[0] is not originals[(main_extractor, "BODY_XPATH")]
    for (module, name), xpaths in originals.items():
        assert getattr(module, name) is xpaths
