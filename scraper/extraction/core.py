"""Run the extraction stages in order: decode → parse once → metadata → body."""

from __future__ import annotations

import lxml.html

from ainews.scraper.article import Article
from ainews.scraper.extraction.body import extract_body
from ainews.scraper.extraction.bounds import check_text, check_tree
from ainews.scraper.extraction.charset import decode_html
from ainews.scraper.extraction.metadata import extract_metadata

#: Bumped whenever cleaning changes output; ``ainews reprocess`` uses it to find stale rows.
EXTRACTOR_VERSION = 5


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a page once with lxml; an empty or unparsable page gives an empty <html>."""
    text = text.replace("\x00", "")
    if not text.strip():
        return lxml.html.document_fromstring("<html><body></body></html>")
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def extract(html: str | bytes, url: str, *, content_type: str | None = None) -> Article:
    """Turn one HTML page into an :class:`Article`. Pure: no network, no database.

    Raises :class:`~ainews.scraper.extraction.TooComplex` for a page beyond the per-page bounds
    (``bounds.py``), so no page can take unbounded time or memory.
    """
    text = decode_html(html, content_type)
    check_text(text, url)
    tree = parse_html(text)
    check_tree(tree, url)
    meta = extract_metadata(tree, url)
    body = extract_body(tree, url, meta)
    return Article(
        url=url,
        title=meta.title,
        authors=meta.authors,
        published_at=meta.published_at,
        modified_at=meta.modified_at,
        lede=body.lede,
        body=body.body,
        tags=meta.tags,
        language=meta.language,
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
        source_credit=meta.source_credit or body.source_credit,
    )
