"""Which extraction to trust: ours (trafilatura on the pruned page), trafilatura's own
output, or readability's, when ours looks short.

Ours is trafilatura's fast mode (its main extractor alone) on the pruned page, and its
full precision mode only when the fast text is short enough that trafilatura's fallback
comparison could have replaced it (``pruned_text``): most pages skip that comparison,
which ran readability on every page and cost as much as the main extractor.

Measured policy (``benchmarks/extraction.py``, ``benchmarks/metadata.py``, both halves):
- ours is kept when it holds most of the page's prose (``_SHORT_SHARE``): the other
  extractors are not even run, which keeps the median time at one trafilatura run;
- ours far shorter than trafilatura's own output (``MUCH_SHORTER``): our pruning cut the
  article, trafilatura's own text is taken;
- still short, and readability's text much longer (``_LONGER``) and holding ours
  (``_CONTAINS``): readability's; longer but different: the union of both (``_union``)
  when they share a paragraph; when they share none, ours far short of the page's prose
  (``_STRAY_SHARE``) and readability's holding most of it (``_HOLDS_PROSE``):
  readability's (trafilatura took another block, e.g. the comments).
"""

from __future__ import annotations

import copy
import logging

import lxml.etree
import lxml.html

from ainews.scraper.extraction.prune import prune_boilerplate
from ainews.scraper.extraction.repeats import dedupe_paragraphs
from ainews.scraper.extraction.text import PROSE_MIN_WORDS, WORD, norm, tokens, word_count
from ainews.scraper.extraction.trafilatura_run import precision_text

logger = logging.getLogger(__name__)


def _precision(root: lxml.html.HtmlElement, url: str, *, fast: bool) -> str:
    """trafilatura's text in precision mode, comments left out. ``root`` is left as it was:
    trafilatura works on a copy (``tests/test_extraction_choose.py`` checks it), the only
    one it makes (``trafilatura_run.py``)."""
    return precision_text(copy.deepcopy(root), url, fast=fast)


def trafilatura_text(root: lxml.html.HtmlElement, url: str, *, fast: bool = False) -> str:
    """trafilatura in precision mode, with its fallback comparison unless ``fast``; ``root``
    is left as it was."""
    return _precision(root, url, fast=fast)


#: trafilatura's fallback comparison (readability, then justext) replaces its main
#: extractor's text only when that text is under its ``MIN_EXTRACTED_SIZE`` (250
#: characters) or readability's text is over twice as long. Readability's text is part of
#: the page's text, so a fast text over half of it stands whatever the comparison says.
_FALLBACK_MIN_CHARS = 250
_FALLBACK_SHARE = 0.5


def visible_chars(root: lxml.html.HtmlElement) -> int:
    """Characters of the text in ``root``'s <body>, runs of whitespace counted as one."""
    body = root.find("body")
    return len(" ".join(body.text_content().split())) if body is not None else 0


def pruned_text(root: lxml.html.HtmlElement, url: str) -> str:
    """trafilatura's text of the pruned page ``root`` (left as it was): its fast mode, and
    its full precision mode when the fast text is short enough that the fallback
    comparison could replace it (``_FALLBACK_SHARE``). Same text as the full mode on every
    page but one where trafilatura's justext pass fires for leftover markup (an <svg>
    icon) in a long text: 1 of the 266 benchmark pages."""
    text = _precision(root, url, fast=True)
    if len(text) < _FALLBACK_MIN_CHARS or len(text) < _FALLBACK_SHARE * visible_chars(root):
        text = _precision(root, url, fast=False)
    return text


#: A <p> whose words are more than this share link text is a teaser or link list.
_PROSE_MAX_LINK_SHARE = 0.3


def prose_paragraphs(root: lxml.html.HtmlElement) -> list[tuple[str, float]]:
    """The page's prose paragraphs (text, words): what an article extraction should mostly
    hold."""
    found = []
    for p in root.iter("p"):
        text = p.text_content()
        words = word_count(text)
        if words < PROSE_MIN_WORDS:
            continue
        linked = sum(word_count(a.text_content()) for a in p.iter("a"))
        if linked <= _PROSE_MAX_LINK_SHARE * words:
            found.append((text, words))
    return found


def prose_words(root: lxml.html.HtmlElement) -> float:
    """Words in the page's prose paragraphs."""
    return sum(words for _, words in prose_paragraphs(root))


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
    """readability-lxml's article on ``root`` (modified). Imported here: only short pages
    need it, and it is the one import of readability-lxml."""
    from readability import Document

    return _fragment_text(Document(root).summary(html_partial=True))


def _shingle_set(text: str) -> set[tuple[str, ...]]:
    toks = tokens(text)  # a Chinese clause is many tokens, not one
    return {tuple(toks[i:i + 4]) for i in range(max(1, len(toks) - 3))} if toks else set()


#: trafilatura keeping less than this share of the page's prose hints that it took one
#: of several sibling blocks of a split article body; only then is readability asked.
_SHORT_SHARE = 0.6
#: readability's text replaces trafilatura's only when it is this much longer...
_LONGER = 1.5
#: ...and holds at least this share of trafilatura's 4-word shingles (the same article);
#: a longer text holding less is merged with trafilatura's (see ``_union``).
_CONTAINS = 0.9
#: trafilatura's text holding under this share of the page's prose words took another
#: block than the article (the comments under it, a menu) ...
_STRAY_SHARE = 0.2
#: ... and readability's text, holding at least this share of them, is the article.
_HOLDS_PROSE = 0.5


def _second_opinion(tree: lxml.html.HtmlElement, text: str, prose: float,
                    pruned: lxml.html.HtmlElement | None) -> str:
    """readability's text when trafilatura's looks like part of a split article.
    ``pruned`` is the pruned page if the caller has it and needs it no more."""
    if not prose or word_count(text) >= _SHORT_SHARE * prose:
        return text
    if pruned is None:
        pruned = copy.deepcopy(tree)
        prune_boilerplate(pruned)
    paragraphs = prose_paragraphs(pruned) if word_count(text) < _STRAY_SHARE * prose else []
    other = _readability_text(pruned)
    ours, theirs = _shingle_set(text), _shingle_set(other)
    if len(theirs) < _LONGER * len(ours):
        return text
    if len(ours & theirs) >= _CONTAINS * len(ours):
        return other
    merged = _union(text, other)
    if merged is not None:
        return merged
    # nothing in common: trafilatura's text is another block than readability's article
    if paragraphs and _prose_held(other, paragraphs) >= _HOLDS_PROSE * prose:
        logger.debug("trafilatura's text is a stray block; readability's holds the prose")
        return other
    return text


def _prose_held(text: str, paragraphs: list[tuple[str, float]]) -> float:
    """Words of the prose ``paragraphs`` that ``text`` holds."""
    held = norm(text)
    return sum(words for paragraph, words in paragraphs if norm(paragraph) in held)


#: Our text shorter than this share of trafilatura's own output (on the unpruned page)
#: means our pruning cut the article: trafilatura's own text is taken.
MUCH_SHORTER = 0.5
#: trafilatura's own output is asked for only when our text holds less than this share of
#: the characters in the page's <p>s: 24 of 266 benchmark pages, so the median page pays
#: for one trafilatura run.
_OWN_GATE = 0.5


def _trafilatura_own(tree: lxml.html.HtmlElement, url: str) -> str:
    """trafilatura's own output: precision mode on the whole page, nothing pruned. Its
    fast mode (the main extractor alone), unless that finds next to nothing
    (``_FALLBACK_MIN_CHARS``): this output is the yardstick of our text's length, and
    its fallback comparison, on a whole page, cost as much as the rest of the run (on the
    24 benchmark pages that ask for it, the same text on all but one, and the same
    choice on all)."""
    # our parser leaves comments out; a tree from a fallback parse may hold some
    if next(tree.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction), None) is not None:
        tree = copy.deepcopy(tree)
        lxml.etree.strip_elements(tree, lxml.etree.Comment, lxml.etree.ProcessingInstruction,
                                  with_tail=False)
    own = trafilatura_text(tree, url, fast=True)
    return own if len(own) >= _FALLBACK_MIN_CHARS else trafilatura_text(tree, url)


def choose_text(tree: lxml.html.HtmlElement, text: str, url: str, prose: float,
                page_chars: int, *, pruned: lxml.html.HtmlElement | None = None) -> str:
    """Our text, trafilatura's own or readability's, when ours looks short.

    ``prose`` counts the prose words of the pruned page, ``page_chars`` the characters in
    the <p>s of the whole page; ``pruned`` is the pruned page, which readability may then
    modify (without it, the page is pruned again when readability is asked). The other
    extractors run only when our text looks short against these (cheap counts): most
    pages pay for one trafilatura run.
    """
    if len(text) < _OWN_GATE * page_chars:
        own = _trafilatura_own(tree, url)
        # a page showing its article twice doubles trafilatura's count, not its content
        own_words = sum(word_count(line) for line in dedupe_paragraphs(own.splitlines()))
        if word_count(text) < MUCH_SHORTER * own_words:
            logger.debug("ours is much shorter than trafilatura's own output: took its text")
            text = own
    return _second_opinion(tree, text, prose, pruned)


def _union(text: str, other: str) -> str | None:
    """``text`` followed by ``other``'s new lines when the two share a prose paragraph.

    trafilatura and readability then took different blocks of one article split by an
    advertisement or a picture (both keep the standfirst); without a shared paragraph
    ``other`` may be another text on the page: None.
    """
    lines = [line.strip() for line in text.splitlines() if WORD.search(line)]
    keys = {norm(line) for line in lines}
    others = [line.strip() for line in other.splitlines() if WORD.search(line)]
    if not any(norm(line) in keys and word_count(line) >= PROSE_MIN_WORDS
               for line in others):
        return None
    return "\n".join(lines + [line for line in others if norm(line) not in keys])
