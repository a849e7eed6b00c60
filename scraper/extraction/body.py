"""Article body: the article text and nothing else, each repeated block once.

Contract: ``extract_body(tree, url, meta)`` may not modify ``tree`` (copy it first).

Stages, in order:
1. prune a copy of the tree: boilerplate by class/id words (share bars, newsletter forms,
   related posts, comments, tool cards, hover cards, captions), hidden elements, forms,
   teaser cards (a link wrapping a headline or a summary);
2. trafilatura (precision mode) on the pruned copy picks and linearises the article;
3. clean the paragraphs: put back lost section headings (``headings.py``), drop the
   headline, repeated paragraphs (desktop + mobile copies), a "Source: X" credit block,
   teasers, calls to action, picture credits, bylines and date stamps (``paragraphs.py``);
4. the lede: the standfirst under the headline (see ``lede.py``).
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
import trafilatura

from ainews.scraper.extraction.bounds import check_paragraphs
from ainews.scraper.extraction.credit import parse_credit
from ainews.scraper.extraction.headings import restore_headings
from ainews.scraper.extraction.lede import split_lede, standfirst
from ainews.scraper.extraction.metadata import Metadata
from ainews.scraper.extraction.paragraphs import drop_headline, drop_labels, drop_teasers
from ainews.scraper.extraction.repeats import dedupe_paragraphs

logger = logging.getLogger(__name__)


@dataclass
class Body:
    body: str  # paragraphs separated by one blank line; never starts with the lede
    lede: str | None = None  # the standfirst/summary shown with the article
    source_credit: str | None = None  # a credit line found in the body ("Source: X")


#: Words that, as a whole class/id token, mark a block that is never article text.
_BOILERPLATE_WORDS = (
    "share|sharing|sharebar|social|socials|newsletter|subscribe|subscription|signup|"
    "related|recommended|recirc|similar|comments?|disqus|promo|promoted|sponsored|"
    "advert|advertisement|ads?|adslot|popup|modal|cookie|consent|tooltip|rollover|"
    "hovercard|breadcrumbs?|sidebar|footer|navbar|nav|menu|toolbar|outbrain|taboola|"
    "captions?|figcaption"  # picture captions: the article goes on without them
)
_BOILERPLATE = re.compile(rf"(?:^|[\s_-])(?:{_BOILERPLATE_WORDS})(?:$|[\s_-])", re.I)
#: Elements never part of an article body.
_DROP_TAGS = ("form", "nav", "footer", "aside", "button", "select", "textarea", "iframe",
              "figcaption")
#: A link wrapping a paragraph or a heading is a teaser card for another article
#: (headline + summary); article paragraphs hold links, they are not inside one.
_CARD_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
_WORD = re.compile(r"\w+")
#: A class made of more words than this is a slug of the text it labels
#: ("zendaya-promoted-dune-part-two-in-london"), not a style name: BEM names such as
#: "site-footer__product-cards__343G1" have up to five parts.
_MAX_CLASS_PARTS = 6
_SLUG_PARTS = re.compile(r"[-_]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: Utility classes that hide a block from the eye (browser warnings, screen-reader hints).
#: Not "d-none" or "is-hidden": a layout shows them again on wide screens or on a click.
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:u-hide|sr-only|visually-hidden|visuallyhidden|"
                           r"screen-reader-text)(?:$|\s)")
#: A block holding more than this share of the page's paragraph text is the article (or
#: its wrapper) whatever its class says, e.g. <div class="post has-comments">.
_MAX_PRUNED_SHARE = 0.3


def _paragraph_chars(root: lxml.html.HtmlElement) -> int:
    return sum(len(p.text_content()) for p in root.iter("p"))


def _is_boilerplate(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _DROP_TAGS or el.get("hidden") is not None:
        return True
    # a teaser card; an in-page anchor (href="#part-2") may wrap a section heading
    if el.tag == "a" and (el.get("href") or "#")[:1] != "#" and any(
            True for _ in el.iter(*_CARD_BLOCKS)):
        return True
    if _HIDDEN_STYLE.search(el.get("style") or "") or _HIDDEN_CLASS.search(
            el.get("class") or ""):
        return True
    marker = " ".join(word for word in f"{el.get('class') or ''} {el.get('id') or ''}".split()
                      if len(_SLUG_PARTS.split(word)) <= _MAX_CLASS_PARTS)
    return bool(marker) and bool(_BOILERPLATE.search(marker))


def prune_boilerplate(root: lxml.html.HtmlElement) -> None:
    """Remove boilerplate blocks from ``root`` in place (the caller passes a copy)."""
    # trafilatura expects a tree parsed without comments: comment nodes derail its scoring
    lxml.etree.strip_elements(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction,
                              with_tail=False)
    body = root.find("body")
    if body is None:
        return
    total = _paragraph_chars(body) or 1
    doomed = []
    for el in body.iterdescendants():
        if not isinstance(el.tag, str) or el.tag in ("article", "main"):
            continue
        if _is_boilerplate(el) and _paragraph_chars(el) <= _MAX_PRUNED_SHARE * total:
            doomed.append(el)
    for el in doomed:
        el = _outermost_wrapper(el, body)
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


def _outermost_wrapper(el: lxml.html.HtmlElement,
                       body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """``el``, or its outermost ancestor that holds nothing else: removing a teaser card
    must not leave an empty <article> behind, which extractors take for the article."""
    parent = el.getparent()
    while (parent is not None and parent is not body and len(parent) == 1
           and not (parent.text or "").strip() and not (el.tail or "").strip()):
        el, parent = parent, parent.getparent()
    return el


def _trafilatura_text(root: lxml.html.HtmlElement, url: str) -> str:
    """trafilatura in precision mode; it modifies ``root``."""
    return trafilatura.extract(root, url=url, favor_precision=True,
                               include_comments=False) or ""


#: Paragraphs shorter than this are captions, bylines and teasers, not article prose.
_PROSE_MIN_WORDS = 10
#: A <p> whose words are more than this share link text is a teaser or link list.
_PROSE_MAX_LINK_SHARE = 0.3


def prose_words(root: lxml.html.HtmlElement) -> int:
    """Words in the page's prose paragraphs: what an article extraction should mostly hold."""
    total = 0
    for p in root.iter("p"):
        words = len(_WORD.findall(p.text_content()))
        if words < _PROSE_MIN_WORDS:
            continue
        linked = sum(len(_WORD.findall(a.text_content())) for a in p.iter("a"))
        if linked <= _PROSE_MAX_LINK_SHARE * words:
            total += words
    return total


_BLOCK_TAGS = frozenset(("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                         "blockquote", "pre", "section", "article", "figcaption", "dd", "dt"))


def _fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block element."""
    root = lxml.html.fromstring(fragment)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    return root.text_content()


def _readability_text(root: lxml.html.HtmlElement) -> str:
    """readability-lxml's article on ``root`` (modified); "" when it is not installed."""
    try:
        from readability import Document
    except ImportError:
        logger.warning("readability-lxml is not installed: no second opinion on short bodies")
        return ""
    return _fragment_text(Document(root).summary(html_partial=True))


def _shingle_set(text: str) -> set[tuple[str, ...]]:
    toks = _WORD.findall(text)
    return {tuple(toks[i:i + 4]) for i in range(max(1, len(toks) - 3))} if toks else set()


#: trafilatura keeping less than this share of the page's prose hints that it took one
#: of several sibling blocks of a split article body; only then is readability asked.
_SHORT_SHARE = 0.6
#: readability's text replaces trafilatura's only when it is this much longer...
_LONGER = 1.5
#: ...and holds at least this share of trafilatura's 4-word shingles (the same article);
#: a longer text holding less is merged with trafilatura's (see ``_union``).
_CONTAINS = 0.9


def _second_opinion(tree: lxml.html.HtmlElement, text: str, prose: int) -> str:
    """readability's text when trafilatura's looks like part of a split article."""
    if not prose or len(_WORD.findall(text)) >= _SHORT_SHARE * prose:
        return text
    work = copy.deepcopy(tree)
    prune_boilerplate(work)
    other = _readability_text(work)
    ours, theirs = _shingle_set(text), _shingle_set(other)
    if len(theirs) < _LONGER * len(ours):
        return text
    if len(ours & theirs) >= _CONTAINS * len(ours):
        return other
    return _union(text, other)


def _union(text: str, other: str) -> str:
    """``text`` followed by ``other``'s new lines when the two share a prose paragraph.

    trafilatura and readability then took different blocks of one article split by an
    advertisement or a picture (both keep the standfirst); without a shared paragraph
    ``other`` may be another text on the page, and ``text`` is kept alone.
    """
    lines = [line.strip() for line in text.splitlines() if _WORD.search(line)]
    keys = {_norm(line) for line in lines}
    others = [line.strip() for line in other.splitlines() if _WORD.search(line)]
    if not any(_norm(line) in keys and len(_WORD.findall(line)) >= _PROSE_MIN_WORDS
               for line in others):
        return text
    return "\n".join(lines + [line for line in others if _norm(line) not in keys])


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


_DATE_LINE = re.compile(r"^\s*(?:date|published|posted)\s*:", re.I)
#: A credit is a trailer: it sits in the last few paragraphs, not mid-article.
_CREDIT_TAIL = 3


def split_credit(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """Find a "Source: X" credit near the end; drop it and a following "Date:" line."""
    start = max(0, len(paragraphs) - _CREDIT_TAIL)
    for i in range(len(paragraphs) - 1, start - 1, -1):
        name = parse_credit(paragraphs[i])
        if not name:
            continue
        rest = paragraphs[i + 1:]
        if rest and _DATE_LINE.match(rest[0]):
            rest = rest[1:]
        return paragraphs[:i] + rest, name
    return paragraphs, None


#: Decoded binary data (images, archives served as HTML) is full of control characters and
#: U+FFFD; real text, whatever its script, has almost none. 10% leaves a wide margin.
_MAX_JUNK_SHARE = 0.1
#: Characters looked at: enough to judge, cheap on a 1 MB page.
_BINARY_SAMPLE = 4000


def looks_binary(text: str) -> bool:
    """True when ``text`` is decoded binary data rather than language."""
    if not text:
        return False
    junk = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r")
               or 127 <= ord(ch) < 160)
    return junk > _MAX_JUNK_SHARE * len(text)


def extract_body(tree: lxml.html.HtmlElement, url: str, meta: Metadata) -> Body:
    """The article text of ``tree`` (not modified), with its lede and source credit."""
    if looks_binary(tree.text_content()[:_BINARY_SAMPLE]):
        logger.info("binary data, not a page: %s", url)
        return Body(body="")
    work = copy.deepcopy(tree)
    prune_boilerplate(work)
    prose = prose_words(work)
    text = _second_opinion(tree, _trafilatura_text(work, url), prose)
    paragraphs = [line.strip() for line in text.splitlines() if _WORD.search(line)]
    check_paragraphs(paragraphs, url)
    paragraphs = drop_headline(restore_headings(tree, paragraphs), meta.title)
    paragraphs, credit = split_credit(dedupe_paragraphs(paragraphs))
    paragraphs = drop_teasers(paragraphs)
    paragraphs = drop_labels(paragraphs, meta.authors)
    lede = standfirst(tree, meta.title, paragraphs[0] if paragraphs else None)
    lede, paragraphs = split_lede(paragraphs, lede, meta.description)
    return Body(body="\n\n".join(paragraphs), lede=lede, source_credit=credit)
