"""Text that trafilatura would drop, kept: after an empty element, before a block's first
paragraph.

trafilatura's precision mode deletes an element of its ``CUT_EMPTY_ELEMS`` that has no text
and no child *with the text after it* (its ``prune_html`` keeps tails in the other modes
only). Pages put such elements before article text: an empty anchor span opening every
paragraph (``<p><span id="x"></span>Some traders found...</p>``), an icon (``<i
class="icon"></i>``), a clearing ``<div></div>`` between two runs of text. Without this
the paragraph's opening words, or the whole paragraph, are lost.

trafilatura also drops the text a block holds before its first child block (``<div>Text
of the opening... <p>Next paragraph</p> ...</div>``: older hand-written pages and
templates that write the first paragraph bare): that text and the phrasing elements in it
are wrapped in a ``<p>``, as a reader sees them.

A section heading with a permalink (``<h2 id="x">Title<a href="#x" class="anchor"><i
class="icon"></i></a></h2>``: static site generators, wikis and documentation themes put
one on every heading) holds a link with no text, which trafilatura's precision mode takes
for a heading made of links and deletes: the permalink is dropped first. Its precision mode
also deletes every ``<header>``, which content systems put around each section heading of
the text (``<header><h2>Technical analysis</h2></header><p>...``): a ``<header>`` that only
holds a section heading (``<h2>``-``<h6>``, no link) is unwrapped.
"""

from __future__ import annotations

import re

import lxml.html

from ainews.scraper.extraction.text import PROSE_MIN_WORDS, word_count

#: Phrasing elements of trafilatura's ``CUT_EMPTY_ELEMS``: unwrapped when they open a block
#: or sit inside a sentence (their tail joins the text before them), a line break when the
#: text before them ends a sentence (a spacer between two paragraphs written as one run
#: of text: ``years.<span class="br"></span>A series``).
_INLINE = frozenset(("b", "em", "i", "q", "span", "strong"))
#: Its block elements: made a line break, so the text after them stays a line of its own.
_BLOCKS = ("article", "blockquote", "dd", "div", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
           "li", "main", "p", "pre", "section")
#: The end of a sentence: a full stop, question or exclamation mark, perhaps a closing
#: quote or bracket, in any script (CJK and Arabic stops included).
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u061f\u06d4][\"'\u201d\u2019\u00bb)\]]*\s*$")


_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: A word of any script (letters, digits, combining marks): a permalink shows none, only an
#: icon, "#", "¶", "§" or nothing.
_WORD = re.compile(r"[^\W_]")


def is_permalink(a: lxml.html.HtmlElement) -> bool:
    """An ``<a>`` pointing into its own page (``href="#..."``) that shows no word."""
    href = (a.get("href") or "").strip()
    return href.startswith("#") and not _WORD.search(a.text_content())


def drop_heading_permalinks(root: lxml.html.HtmlElement) -> None:
    """Remove the permalink anchors of ``root``'s headings (keeping the text after them)."""
    for a in [a for h in root.iter(*_HEADING_TAGS) for a in h.iter("a") if is_permalink(a)]:
        a.drop_tree()


_SECTION_HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))


def unwrap_section_headers(root: lxml.html.HtmlElement) -> None:
    """Unwrap each ``<header>`` of ``root`` that only holds one section heading without a
    link and comes after a paragraph of prose of its article (``<article>`` or ``<main>``,
    else the page). A masthead, an article's headline block (an ``<h2>`` headline with its
    kicker is one, at the top of its article), a teaser's linked title stay as they are."""
    for header in [h for h in root.iter("header") if _is_section_header(h)]:
        if _prose_before(header):
            header.drop_tag()


def _is_section_header(header: lxml.html.HtmlElement) -> bool:
    children = [el for el in header if isinstance(el.tag, str)]
    return (len(children) == 1 and children[0].tag in _SECTION_HEADINGS
            and not (header.text or "").strip() and not (children[0].tail or "").strip()
            and next(children[0].iter("a"), None) is None)


def _prose_before(el: lxml.html.HtmlElement) -> bool:
    scope = next(el.iterancestors("article", "main"), None)
    if scope is None:
        scope = el.getroottree().getroot()
    for other in scope.iter("p", el.tag):
        if other is el:
            return False
        if other.tag == "p" and word_count(other.text_content()) >= PROSE_MIN_WORDS:
            return True
    return False


def keep_tails(root: lxml.html.HtmlElement) -> None:
    """Unwrap or turn into ``<br>`` the empty elements of ``root`` followed by text."""
    by_parent: dict[lxml.html.HtmlElement, set[lxml.html.HtmlElement]] = {}
    for el in root.iter(*_INLINE, *_BLOCKS):
        if el.text is None and not len(el) and el.tail and not el.tail.isspace():
            by_parent.setdefault(el.getparent(), set()).add(el)
    for parent, empty in by_parent.items():
        _keep_tails_in(parent, empty)


def _keep_tails_in(parent: lxml.html.HtmlElement, empty: set[lxml.html.HtmlElement]) -> None:
    """One pass over ``parent``'s children: an element of ``empty`` is unwrapped (its tail
    joins the text before it) or made a ``<br>``. Linear in the children, whatever their
    number (lxml's ``drop_tag`` looks its element up by index: quadratic on a hostile page
    of thousands of empty siblings)."""
    anchor, parts = None, [parent.text or ""]  # the text before the next child, in parts
    for child in list(parent):
        if child in empty:
            if child.tag in _INLINE and not _ends_sentence(parts):
                parts.append(child.tail)
                parent.remove(child)
                continue
            child.attrib.clear()
            child.tag = "br"
        _set_text(parent, anchor, parts)
        anchor, parts = child, [child.tail or ""]
    _set_text(parent, anchor, parts)


def _ends_sentence(parts: list[str]) -> bool:
    last = next((part for part in reversed(parts) if part and not part.isspace()), "")
    return _SENTENCE_END.search(last) is not None


def _set_text(parent: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement | None,
              parts: list[str]) -> None:
    """Write the joined ``parts`` where they belong: the parent's text or the anchor's tail."""
    if len(parts) < 2:
        return  # nothing was unwrapped after this node
    if anchor is None:
        parent.text = "".join(parts)
    else:
        anchor.tail = "".join(parts)

#: Blocks whose own leading text trafilatura drops when they hold a block too.
_CONTAINERS = ("div", "section", "article", "main", "td", "blockquote")
#: Elements that are part of a run of text (HTML's phrasing content); any other child is a
#: block.
_PHRASING = frozenset((
    "a", "abbr", "audio", "b", "bdi", "bdo", "br", "button", "canvas", "cite", "code", "data",
    "del", "dfn", "em", "embed", "font", "i", "iframe", "img", "input", "ins", "kbd", "label",
    "map", "mark", "math", "meter", "noscript", "object", "output", "picture", "progress", "q",
    "ruby", "s", "samp", "select", "small", "span", "strong", "sub", "sup", "svg", "textarea",
    "time", "u", "var", "video", "wbr",
))


def keep_leading_text(root: lxml.html.HtmlElement) -> None:
    """Wrap in a ``<p>`` the text that opens a block holding other blocks (with the phrasing
    elements in that text), so that trafilatura reads it as the paragraph it is."""
    for el in [el for el in root.iter(*_CONTAINERS) if el.text and not el.text.isspace()]:
        run = []
        for child in el:
            if not isinstance(child.tag, str) or child.tag not in _PHRASING:
                break
            run.append(child)
        else:
            continue  # text and phrasing only: trafilatura reads it as one paragraph
        paragraph = el.makeelement("p", {})
        paragraph.text, el.text = el.text, None
        paragraph.extend(run)  # moved, with their tails
        el.insert(0, paragraph)
