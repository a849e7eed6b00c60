"""Run the extraction stages in order: decode → parse once → metadata → body."""

from __future__ import annotations

import logging

import lxml.etree

from ainews.scraper.article import Article
from ainews.scraper.extraction.body import extract_body
from ainews.scraper.extraction.bounds import check_text, check_tree
from ainews.scraper.extraction.charset import decode_html
from ainews.scraper.extraction.errors import TooComplex
from ainews.scraper.extraction.metadata import extract_metadata
from ainews.scraper.extraction.parsing import parse_html, plain_tree

logger = logging.getLogger(__name__)

#: Bumped whenever cleaning changes output; ``ainews reprocess`` uses it to find stale rows.
EXTRACTOR_VERSION = 13


def extract(html: str | bytes, url: str, *, content_type: str | None = None) -> Article:
    """Turn one HTML page into an :class:`Article`. Pure: no network, no database.

    Raises :class:`~ainews.scraper.extraction.TooComplex` for a page beyond the per-page bounds
    (``bounds.py``), so no page can take unbounded time or memory; nothing else. A page
    whose tree an lxml operation still refuses is extracted again from its plain text.
    """
    text = decode_html(html, content_type)
    check_text(text, url)
    tree = parse_html(text)
    check_tree(tree, url)
    try:
        meta = extract_metadata(tree, url)
        body = extract_body(tree, url, meta)
    except TooComplex:
        raise
    except (ValueError, lxml.etree.LxmlError) as error:
        logger.warning("extraction failed on %s (%s); using the page's plain text", url, error)
        tree = plain_tree(text, tree.find("head"))
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
