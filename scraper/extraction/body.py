"""Article body: the article text and nothing else, each repeated block once.

Contract: ``extract_body(tree, url, meta)`` may not modify ``tree`` (copy it first).

Stages, in order:
1. prune a copy of the tree (``prune.py``): boilerplate by tag, by class/id name, hidden
   blocks and teaser cards, never the block holding the article;
2. trafilatura (precision mode; its fast mode unless the text is short) on the pruned copy
   picks and linearises the article; when that text looks short, trafilatura's own output
   or readability's (``choose.py``);
3. clean the paragraphs: put back lost section headings (``headings.py``), drop the
   headline, repeated paragraphs (desktop + mobile copies), a "Source: X" credit block,
   teasers, calls to action (not credit lines), picture credits, bylines and date stamps
   (``paragraphs.py``);
4. the lede: the standfirst under the headline or the body's opening (``lede.py``); the
   body keeps all its paragraphs, the first included.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from ainews.scraper.extraction.bounds import check_paragraphs
from ainews.scraper.extraction.choose import choose_text, prose_words, pruned_text
from ainews.scraper.extraction.credit import CREDIT_TAIL, own_names, parse_credit
from ainews.scraper.extraction.headings import (
    page_headlines,
    picture_captions,
    pull_quotes,
    restore_headings,
)
from ainews.scraper.extraction.lede import find_lede
from ainews.scraper.extraction.metadata import Metadata
from ainews.scraper.extraction.paragraphs import drop_headline, drop_labels, drop_teasers
from ainews.scraper.extraction.prune import prune_boilerplate
from ainews.scraper.extraction.repeats import dedupe_paragraphs
from ainews.scraper.extraction.text import WORD

logger = logging.getLogger(__name__)


@dataclass
class Body:
    body: str  # the whole article text, paragraphs separated by one blank line
    lede: str | None = None  # the standfirst/summary: the body's opening or shown apart
    source_credit: str | None = None  # a credit line found in the body ("Source: X")


_DATE_LINE = re.compile(r"^\s*(?:date|published|posted)\s*:", re.I)


def split_credit(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """Find a "Source: X" credit near the end; drop it and a following "Date:" line."""
    start = max(0, len(paragraphs) - CREDIT_TAIL)
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
#: What is junk in text: U+FFFD, C0 controls but tab and line breaks, DEL and C1 controls.
_JUNK = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def looks_binary(text: str) -> bool:
    """True when ``text`` is decoded binary data rather than language."""
    if not text:
        return False
    return len(_JUNK.findall(text)) > _MAX_JUNK_SHARE * len(text)


def text_start(tree: lxml.html.HtmlElement, chars: int) -> str:
    """``tree.text_content()[:chars]`` without joining the whole page's text."""
    parts, size = [], 0
    for text in tree.itertext():
        parts.append(text)
        size += len(text)
        if size >= chars:
            break
    return "".join(parts)[:chars]


def page_copy(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page without its <head> (the metadata stage has read it): pruning,
    trafilatura and readability read only the body, and the head's meta and link tags
    are a sixth of a pruned page's elements, which each of their tree walks and copies
    would visit again."""
    work = tree.makeelement(tree.tag, tree.attrib)
    work.text = tree.text
    for child in tree:
        if child.tag != "head":
            work.append(copy.deepcopy(child))
    return work


def extract_body(tree: lxml.html.HtmlElement, url: str, meta: Metadata) -> Body:
    """The article text of ``tree`` (not modified), with its lede and source credit."""
    if looks_binary(text_start(tree, _BINARY_SAMPLE)):
        logger.info("binary data, not a page: %s", url)
        return Body(body="")
    work = page_copy(tree)
    page_chars = prune_boilerplate(work)
    prose = prose_words(work)
    text = choose_text(tree, pruned_text(work, url), url, prose, page_chars, pruned=work)
    paragraphs = [line.strip() for line in text.splitlines() if WORD.search(line)]
    check_paragraphs(paragraphs, url)
    paragraphs = drop_headline(restore_headings(tree, paragraphs), meta.title,
                               page_headlines(tree))
    paragraphs, credit = split_credit(dedupe_paragraphs(paragraphs))
    paragraphs = drop_teasers(paragraphs, own_names(url, meta.site_name))
    paragraphs = drop_labels(paragraphs, meta.authors, picture_captions(tree) | pull_quotes(tree))
    lede = find_lede(tree, meta.title, paragraphs, meta.description)
    return Body(body="\n\n".join(paragraphs), lede=lede, source_credit=credit)
