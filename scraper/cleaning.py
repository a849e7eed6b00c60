"""The extraction stage of the crawl path: pure functions of a fetched page, run in worker
processes. Besides cleaning, a worker does every per-page step that needs no database (raw
page compression, the content hash, de-duplication's text features), so the one writing
process only looks up and writes. It loads no database code (only the hash functions)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ainews.dedupe.text import Features, features
from ainews.scraper.article import Article
from ainews.scraper.extraction import TooComplex, extract
from ainews.scraper.items import FetchedPage
from ainews.scraper.site_names import fill_site_name
from ainews.scraper.storage.rawpages import compress_raw
from ainews.scraper.storage.store import content_hash

logger = logging.getLogger(__name__)

#: Skip reasons decided here (the run summary counts them under ``skipped``).
NO_ARTICLE_TEXT = "no_article_text"
TOO_COMPLEX = "too_complex"


def clean(page: FetchedPage) -> Article | str:
    """The page's Article, stamped with its site and fetch time, or the skip reason
    (``no_article_text``, ``too_complex``)."""
    try:
        article = extract(page.body, page.url, content_type=page.content_type)
    except TooComplex as exc:
        logger.debug("%s is too complex to clean: %s", page.url, exc)
        return TOO_COMPLEX
    if not any(ch.isalnum() for ch in article.body):  # empty, or no word at all ("—", "___")
        return NO_ARTICLE_TEXT
    article.site = page.site
    fill_site_name(article, page.site_name)
    article.fetched_at = page.fetched_at
    return article


@dataclass(frozen=True)
class Prepared:
    """A cleaned article with what storing it needs that no database does: its raw page
    compressed, its body's content hash and its de-duplication features."""

    article: Article
    raw_page: bytes | None  # the raw page as stored (``storage.rawpages``), zstd
    content_hash: str
    features: Features


def prepare(article: Article, page: FetchedPage | None = None) -> Prepared:
    """The per-page work of storing ``article`` that needs no database (pure)."""
    return Prepared(
        article,
        compress_raw(page.body) if page is not None else None,
        content_hash(article.body),
        features(article.body),
    )


def clean_and_prepare(page: FetchedPage) -> Prepared | str:
    """What a worker process does for one page: clean it and, when it gives an article,
    :func:`prepare` it; else the skip reason."""
    result = clean(page)
    return prepare(result, page) if isinstance(result, Article) else result

