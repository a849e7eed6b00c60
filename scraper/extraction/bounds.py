"""Per-page bounds: a page beyond them raises :class:`TooComplex` instead of taking minutes.

Every stage after parsing is linear or n log n in these sizes, but trafilatura, readability
and the metadata rules walk the tree several times: the bounds keep one page's cost to a
few seconds whatever a hostile or broken site serves.
"""

from __future__ import annotations

from itertools import islice

import lxml.html

from ainews.scraper.extraction.errors import TooComplex

#: Elements in the parsed page. The 266 pages of our two benchmarks have at most 4,274;
#: a long live blog may have a few times that. trafilatura's cost grows faster than
#: linearly in elements: 20,000 paragraphs extract in ~3 s on this machine, 49,000 in 13 s,
#: and a page of 1M tiny paragraphs took over 10 minutes before this bound.
MAX_NODES = 20_000
#: Tags in the decoded text, checked before parsing so a huge page is refused without
#: building its tree (an element is at most two tags; comments and doctypes count too).
MAX_TAGS = 4 * MAX_NODES
#: Paragraphs (lines) in the extracted text: one <pre> of a million lines is one element.
#: A long article has a few hundred.
MAX_PARAGRAPHS = 20_000


def check_text(text: str, url: str) -> None:
    """Refuse a decoded page with far too many tags before parsing it."""
    tags = text.count("<")
    if tags > MAX_TAGS:
        raise TooComplex(f"{url}: {tags:,} tags (limit {MAX_TAGS:,})")


def check_tree(tree: lxml.html.HtmlElement, url: str) -> None:
    """Refuse a parsed page with more than :data:`MAX_NODES` elements."""
    if next(islice(tree.iter(), MAX_NODES, None), None) is not None:
        raise TooComplex(f"{url}: more than {MAX_NODES:,} elements")


def check_paragraphs(paragraphs: list[str], url: str) -> None:
    """Refuse an extraction with more than :data:`MAX_PARAGRAPHS` paragraphs."""
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise TooComplex(
            f"{url}: {len(paragraphs):,} paragraphs (limit {MAX_PARAGRAPHS:,})"
        )
