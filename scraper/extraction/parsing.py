"""Decoded text → lxml tree, without ever losing a page that has text.

lxml refuses, truncates or chokes on inputs that browsers render fine: a ``str`` that
starts with an XML declaration naming an encoding (``ValueError``), NUL bytes, control
characters and lone surrogates (kept in the tree, then every later edit of a text node
raises "All strings must be XML compatible"). ``parse_html`` removes those first, then
falls back in order: lxml's parser → trafilatura's loader (``trafilatura.utils.load_html``,
which re-parses bytes) → a plain re-parse of the text without its markup.
"""

from __future__ import annotations

import copy
import html
import logging
import re
import threading

import lxml.etree
import lxml.html
from lxml.html.builder import E
from trafilatura.utils import load_html

from ainews.scraper.extraction.errors import TooComplex

logger = logging.getLogger(__name__)

#: Characters XML (and so every lxml text node) refuses: C0 controls except tab, line
#: feed and carriage return, lone surrogates, U+FFFE/U+FFFF; also their numeric character
#: references, which libxml2 turns into the same characters. Form feed is HTML
#: whitespace, so it becomes a space; the others carry nothing and are removed.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_REF = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]));")
_NOT_XML_REF_BYTES = re.compile(_NOT_XML_REF.pattern.encode("ascii"))
#: The C0 controls of ``_NOT_XML_CHAR`` as bytes, for the fast check in ``_has_not_xml``.
_C0_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_FORM_FEED = frozenset({"\x0c", "&#12;", "&#x0c;", "&#x0C;", "&#xc;", "&#xC;"})
#: An XML declaration before the markup (XHTML pages): lxml refuses a ``str`` with one.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
#: Markup dropped with its content (opening, then closing), then any tag, for the plain
#: re-parse.
_INVISIBLE = re.compile(r"<(head|script|style|noscript|template)\b|<!--", re.IGNORECASE)
_INVISIBLE_END = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE)
                  for tag in ("head", "script", "style", "noscript", "template")} | {
                      None: re.compile("-->")}
_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n\s*\n")
#: libxml2's error when it stops at a limit (256 nested elements, a 10 MB text node).
_RESOURCE_LIMIT = lxml.etree.ErrorTypes.ERR_RESOURCE_LIMIT
#: How deep a page's elements may nest once parsed without libxml2's limit: readability
#: and jusText (inside trafilatura) spend time quadratic in depth (a page of 8,000 nested
#: <div>s took 12 s, 2,000 took 0.2 s).
MAX_DEPTH = 2_000


def _html_parser(huge_tree: bool = False) -> lxml.html.HTMLParser:
    """lxml.html's parser with the element class chosen in C: every element is an
    ``HtmlElement`` (no ``FormElement``/``InputElement`` extras, which we never use).
    lxml.html's default lookup calls Python for each element proxy; walking a 4,000-element
    page cost twice as much with it, in metadata, pruning and trafilatura alike. Comments
    and processing instructions are left out as trafilatura's own loader does (they
    derail its scoring; the body stage removed them from its copy before).

    The page is handed over as UTF-8 bytes (``_lxml_parse``): libxml2 reads a ``str`` in
    Python's internal form through a charset conversion, which made parsing a third slower
    than encoding the text and parsing the bytes (the same trees on every benchmark page).
    The declared encoding overrides any ``<meta charset>`` in the page, which was decoded
    before; a ``str`` is read the same way."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8",
                                  huge_tree=huge_tree)
    parser.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
    return parser


_LOCAL = threading.local()  # an lxml parser must not be used by two threads at once


def _parser() -> lxml.html.HTMLParser:
    if (parser := getattr(_LOCAL, "parser", None)) is None:
        parser = _LOCAL.parser = _html_parser()
    return parser


def clean_text(text: str) -> str:
    """``text`` without what lxml cannot hold: an XML declaration, control characters."""
    return _clean(text)[0]


def _clean(text: str) -> tuple[str, bytes]:
    """``clean_text(text)`` and its UTF-8 encoding, which the check for characters XML
    refuses made already (the parser reads the bytes)."""
    text = _XML_DECLARATION.sub("", text, count=1)
    raw = _utf8_if_xml(text)
    if raw is None:
        text = _NOT_XML_CHAR.sub(lambda m: " " if m.group() in _FORM_FEED else "", text)
    # the references are ASCII: searched in the UTF-8 bytes when there are some (40% less
    # time than in the text, which is often UCS-2 or UCS-4 inside)
    if _NOT_XML_REF.search(text) if raw is None else _NOT_XML_REF_BYTES.search(raw):
        text = _NOT_XML_REF.sub(lambda m: " " if m.group() in _FORM_FEED else "", text)
        raw = None
    return text, raw if raw is not None else text.encode("utf-8")


def _utf8_if_xml(text: str) -> bytes | None:
    """``text`` as UTF-8 when ``_NOT_XML_CHAR`` finds nothing in it, else None. 4x faster
    than the search on a 170 KB page (0.5 ms): ``re`` scans a character class slowly,
    while encoding and ``bytes.translate`` run in C."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return None
    if len(raw.translate(None, _C0_BYTES)) != len(raw) or "\ufffe" in text \
            or "\uffff" in text:
        return None
    return raw


def _empty() -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring("<html><body></body></html>")


def _has_body_text(tree: lxml.html.HtmlElement | None) -> bool:
    """The tree has a <body> holding anything: an element or text."""
    if tree is None:
        return False
    body = tree.find("body")
    return body is not None and (len(body) > 0 or bool((body.text or "").strip()))


def plain_text(text: str) -> str:
    """The page's text without markup, <head>, scripts and styles: lines, a blank line
    between paragraphs."""
    text = _without_invisible(text)
    end = text.rfind(">") + 1  # no tag can end after the last ">"
    return html.unescape(_TAG.sub("\n", text[:end]) + text[end:]).strip()


def _without_invisible(text: str) -> str:
    """``text`` without <head>, <script>, <style>, <noscript>, <template> elements and
    comments, each up to its first end tag; an element never closed is kept. A regex with
    ``.*?`` did the same in time quadratic in unclosed openings (5,000 stray ``<head>``s
    in a 280 KB page: 8 s); here a failed search for an end is not repeated."""
    kept, start, at, unclosed = [], 0, 0, set()
    while match := _INVISIBLE.search(text, at):
        name = match.group(1).lower() if match.group(1) else None
        end = None if name in unclosed else _INVISIBLE_END[name].search(text, match.end())
        if end is None:
            unclosed.add(name)
            at = match.start() + 1
            continue
        kept.append(text[start:match.start()])
        start = at = end.end()
    kept.append(text[start:])
    return "".join(kept)


def plain_tree(text: str, head: lxml.html.HtmlElement | None = None) -> lxml.html.HtmlElement:
    """A tree made from the page's visible text alone, one <p> per block of lines, with a
    copy of ``head`` (the title and meta tags of a tree whose body was lost)."""
    blocks = [" ".join(block.split()) for block in _BLANK_LINES.split(plain_text(text))]
    paragraphs = [E.p(block) for block in blocks if block]
    head = copy.deepcopy(head) if head is not None else E.head()
    return E.html(head, E.body(E.article(*paragraphs)))


def _lxml_parse(raw: bytes) -> lxml.html.HtmlElement | None:
    """lxml's tree of a cleaned page's UTF-8 bytes, or None."""
    try:
        tree = lxml.html.document_fromstring(raw, parser=_parser())
    except (lxml.etree.ParserError, ValueError) as error:
        logger.debug("lxml could not parse the page: %s", error)
        return None
    last = _parser().error_log.last_error
    return _deep_parse(raw) if last is not None and last.type == _RESOURCE_LIMIT else tree


def _deep_parse(raw: bytes) -> lxml.html.HtmlElement:
    """The tree of a page libxml2 stopped reading at its depth limit (256 open elements:
    unclosed ``<div>``s or ``<font>``s), which lost all the text after that point: parsed
    again without the limit. Deeper than :data:`MAX_DEPTH` is :class:`TooComplex`."""
    tree = lxml.html.document_fromstring(raw, parser=_html_parser(huge_tree=True))
    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise TooComplex(f"elements nested {deepest:,} deep (limit {MAX_DEPTH:,})")
    return tree


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a decoded page once; a page with text always gives a tree with a body.

    An empty page gives an empty ``<html><body>``. When lxml's tree has no body content,
    trafilatura's loader is tried, then a tree made of the page's plain text.
    """
    text, raw = _clean(text)
    if not text.strip():
        return _empty()
    tree = _lxml_parse(raw)
    if _has_body_text(tree):
        return tree
    if not plain_text(text):
        return tree if tree is not None else _empty()
    logger.info("lxml gave no body for a page with text; trying trafilatura's loader")
    loaded = load_html(text)
    if _has_body_text(loaded):
        return loaded
    logger.info("trafilatura's loader gave no body either; parsing the page's plain text")
    return plain_tree(text, tree.find("head") if tree is not None else None)
