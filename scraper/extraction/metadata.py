"""Article metadata from JSON-LD, OpenGraph/meta tags, <time> elements, bylines and the URL.

Contract: ``extract_metadata(tree, url)`` reads the parsed page and must not modify it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import lxml.html


@dataclass
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None  # ISO 8601, UTC
    modified_at: str | None = None  # ISO 8601, UTC
    description: str | None = None  # the page's summary (meta/og description, standfirst)
    tags: list[str] = field(default_factory=list)
    language: str | None = None  # ISO 639-1 code, e.g. "en"
    canonical_url: str | None = None
    site_name: str | None = None
    source_credit: str | None = None  # "Source: TechCrunch" → "TechCrunch"


def extract_metadata(tree: lxml.html.HtmlElement, url: str) -> Metadata:
    """Placeholder until the full implementation lands: <title> and og/meta tags only."""
    def meta(*names: str) -> str | None:
        for name in names:
            for value in tree.xpath(
                f'//meta[@property="{name}" or @name="{name}"]/@content'
            ):
                if value.strip():
                    return value.strip()
        return None

    title = meta("og:title") or (tree.findtext(".//title") or "").strip() or None
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    return Metadata(
        title=title,
        description=meta("description", "og:description"),
        published_at=meta("article:published_time"),
        canonical_url=canonical[0] if canonical else None,
        site_name=meta("og:site_name"),
        language=(tree.get("lang") or "")[:2] or None,
    )
