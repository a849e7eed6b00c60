"""Article body: the article text and nothing else, each repeated block once.

Contract: ``extract_body(tree, url, meta)`` may not modify ``tree`` (copy it first).
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from scraper.extraction.metadata import Metadata


@dataclass
class Body:
    body: str  # paragraphs separated by one blank line; never starts with the lede
    lede: str | None = None  # the standfirst/summary shown with the article
    source_credit: str | None = None  # a credit line found in the body ("Source: X")


def extract_body(tree: lxml.html.HtmlElement, url: str, meta: Metadata) -> Body:
    """Placeholder until the full implementation lands: trafilatura on the parsed tree."""
    import copy

    import trafilatura

    text = trafilatura.extract(copy.deepcopy(tree), url=url, favor_precision=True,
                               include_comments=False, include_tables=False) or ""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    seen: set[str] = set()
    unique = [p for p in paragraphs if not (p in seen or seen.add(p))]
    return Body(body="\n\n".join(unique), lede=meta.description)
