"""trafilatura's precision run on a tree we give away (``trafilatura_run.py``) and the XPath
subset read as tree walks (``xpathwalk.py``): the same text as ``trafilatura.extract`` and
the same elements as the XPath, with less work."""

from __future__ import annotations

import copy

import lxml.etree
import lxml.html
import pytest
import trafilatura
from trafilatura import xpaths

from ainews.scraper.extraction import trafilatura_run
from ainews.scraper.extraction.trafilatura_run import MIRRORED_VERSIONS, precision_text
from ainews.scraper.extraction.xpathwalk import compile_path

URL = "https://news.example.net/2026/04/03/harbour-ferry"
SENTENCE = ("The harbour ferry will run every ten minutes from May, the transport authority "
            "said on Tuesday, after years of complaints about crowded morning boats.")

#: ids and classes around the edges of trafilatura's comment and raw-tree patterns: case,
#: anchors, "commentary", lists, nesting, an <h1> inside, empty and missing attributes.
_NAMES = ["comments", "Comment-list", "commentary", "xcomments", "comol", "post-comments",
          "article-comments-x", "disqus_thread", "dsq-comments", "infinite-scroll",
          "infinitescroll", "elementor-share-buttons-x", "share-buttons", "", None]


def _tricky_page() -> lxml.html.HtmlElement:
    blocks = []
    for i, name in enumerate(_NAMES):
        for tag in ("div", "section", "aside", "details", "ol", "ul", "span"):
            for attr in ("id", "class"):
                value = "" if name is None else f' {attr}="{name}"'
                inner = "<h1>Headline</h1>" if i % 3 == 0 else ""
                nested = f'<div class="{_NAMES[(i + 1) % len(_NAMES)] or "x"}"><p>n</p></div>'
                blocks.append(f"<{tag}{value}>{inner}<p>{SENTENCE} {i}</p>{nested}</{tag}>"
                              f"tail {i}<!-- a comment -->")
    return lxml.html.document_fromstring(
        f"<html><body><article>{''.join(blocks)}</article></body></html>")


_SEQUENCE_XPATHS = [xpath for name in ("RAW_TREE_PRUNE_XPATH", "REMOVE_COMMENTS_AND_LISTS_XPATH",
                                       "REMOVE_COMMENTS_XPATH")
                    for xpath in getattr(xpaths, name, [])]


@pytest.mark.parametrize("xpath", _SEQUENCE_XPATHS, ids=lambda x: x.path.split("[")[0].strip()
                         + str(hash(x.path) % 1000))
def test_a_walk_selects_what_its_xpath_selects(xpath):
    tree = _tricky_page()
    walk = compile_path(xpath.path)
    if trafilatura.__version__ in MIRRORED_VERSIONS:
        assert walk is not None  # else the mirrored versions lose the fast path unnoticed
    if walk is None:
        pytest.skip("outside the subset: the XPath itself is used")
    selected = xpath(tree)
    assert selected  # the page exercises the expression
    assert walk(tree) == selected


@pytest.mark.parametrize("path", [
    ".//*[self::div][ends-with(@class, 'a')]",  # a function outside the subset
    "//div[@class]",  # absolute
    ".//*[self::div][2]",  # a position other than the first
    ".//*[self::div][1][@id]",  # a predicate after the position
    ".//*[self::div][contains(text(), 'a')]",  # text, not an attribute
])
def test_expressions_outside_the_subset_are_left_to_xpath(path):
    assert compile_path(path) is None


def test_walks_keep_xpaths_meaning_of_missing_attributes_and_boolean_operators():
    tree = lxml.html.document_fromstring(
        '<html><body><div id="a1" class="x"></div><div class="x"></div><div id="b"><h2/></div>'
        '<section id="a2"></section><!-- c --><div></div></body></html>')
    for path in (".//*[self::div or self::section][re:test(@id, '^a') and not(.//h2)]",
                 ".//*[re:test(@class, '^$')]", ".//*[(contains(@id, 'a') or .//h2)]",
                 ".//*[not(self::div)][contains(@id, '')]"):
        xpath = lxml.etree.XPath(path, namespaces={"re": "http://exslt.org/regular-expressions"})
        assert compile_path(path)(tree) == xpath(tree), path


def _pages() -> list[lxml.html.HtmlElement]:
    article = "".join(f"<p>{SENTENCE} Paragraph {i}.</p>" for i in range(8))
    spans = "".join(f"<span>{SENTENCE} Span {i}.</span>" for i in range(8))
    return [
        _tricky_page(),
        lxml.html.document_fromstring(f"<html><body><main>{article}</main>"
                                      f"<div id='comments'><p>{SENTENCE}</p></div></body></html>"),
        lxml.html.document_fromstring(f"<html><body><div>{spans}</div></body></html>"),
        lxml.html.document_fromstring("<html><body><p>Too short.</p></body></html>"),
        lxml.html.document_fromstring(
            '<html><head><script type="application/ld+json">{"@type": '
            '"DiscussionForumPosting"}</script></head><body><div class="comment-body">'
            f"{article}</div></body></html>"),
    ]


@pytest.mark.parametrize("fast", [True, False])
def test_same_text_as_trafilaturas_extract(fast):
    for tree in _pages():
        expected = trafilatura.extract(tree, url=URL, favor_precision=True,
                                       include_comments=False, fast=fast) or ""
        assert precision_text(copy.deepcopy(tree), URL, fast=fast) == expected


def test_same_text_as_trafilaturas_extract_on_benchmark_pages(shared):
    """Every 12th page of the extraction benchmark, whole and pruned as ``body.py`` does,
    in both modes (all 266 pages are compared by ``benchmarks.clean_profile
    --check-against``)."""
    from ainews.scraper.extraction.body import page_copy
    from ainews.scraper.extraction.charset import decode_html
    from ainews.scraper.extraction.parsing import parse_html
    from ainews.scraper.extraction.prune import prune_boilerplate
    from benchmarks.extraction import bench_dir, load_pages

    if not (bench_dir(shared) / "ground-truth.json").is_file():
        pytest.skip("extraction benchmark not found")
    for page in load_pages()[::12]:
        tree = parse_html(decode_html(page.html, "text/html"))
        pruned = page_copy(tree)
        prune_boilerplate(pruned)
        for root, fast in ((tree, True), (pruned, True), (pruned, False)):
            expected = trafilatura.extract(root, url=page.url, favor_precision=True,
                                           include_comments=False, fast=fast) or ""
            assert precision_text(copy.deepcopy(root), page.url, fast=fast) == expected, page.id


def test_an_unmirrored_version_gets_trafilaturas_extract(monkeypatch):
    """Any other trafilatura version is called through its public ``extract``."""
    monkeypatch.setattr(trafilatura_run, "MIRRORED", False)
    for tree in _pages():
        expected = trafilatura.extract(tree, url=URL, favor_precision=True,
                                       include_comments=False, fast=True) or ""
        assert precision_text(tree, URL, fast=True) == expected
