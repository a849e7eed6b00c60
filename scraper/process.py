"""One fetched page → one stored article: clean → reject empty → de-duplicate → write.

The same path serves the crawl (``ainews.scraper.pipelines``), ``ainews reprocess`` and any other
source of pages (a WARC file, a queue)::

    from ainews.scraper.process import process_page
    outcome = process_page(page, store)      # page: FetchedPage, store: Store
    outcome.status                           # "new" | "updated" | "unchanged" | a skip reason

The extraction stage (``ainews.scraper.cleaning.clean``) is pure and picklable, so a crawl runs it
in worker processes (``ainews.scraper.pool``), together with everything else per page that needs
no database (``ainews.scraper.cleaning.prepare``: compression, content hash, dedupe features), and
hands the result to :func:`process_page` in the one writing process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ainews.scraper.article import Article
from ainews.scraper.cleaning import NO_ARTICLE_TEXT, TOO_COMPLEX, Prepared, clean, prepare
from ainews.scraper.extraction import EXTRACTOR_VERSION
from ainews.scraper.items import FetchedPage
from ainews.scraper.storage import Store, article_id

if TYPE_CHECKING:
    from ainews.dedupe import Assignment

__all__ = ["NO_ARTICLE_TEXT", "STORED", "TOO_COMPLEX", "Outcome", "clean", "deduplicate",
           "process_page"]

logger = logging.getLogger(__name__)

#: What :func:`process_page` returns for a stored article.
STORED = ("new", "updated", "unchanged")


@dataclass(frozen=True)
class Outcome:
    """What happened to one page: stored (``new``/``updated``/``unchanged``) or skipped."""

    status: str
    article: Article | None = None

    @property
    def stored(self) -> bool:
        return self.status in STORED


def deduplicate(store: Store, prepared: Prepared, stored: dict[str, Any] | None,
                ) -> list[Assignment]:
    """De-duplication stage: index a new or changed body, return the cluster assignments it
    changes (its own among them). Writes only the index; call inside the record's
    transaction so the index and the article commit together. ``stored``: what
    ``store.stored(url)`` gave in that transaction (None: a new article)."""
    article = prepared.article
    if store.clusters is None or (stored and stored["content_hash"] == prepared.content_hash):
        return []
    row = {"id": article_id(article.url), "body": article.body, "title": article.title,
           "url": article.url, "published_at": article.published_at,
           "fetched_at": article.fetched_at}
    return store.clusters.assign(row, prepared.features)


def process_page(
    page: FetchedPage,
    store: Store,
    *,
    cleaned: Prepared | Article | str | None = None,
    raw_page: bytes | None = None,
    extractor_version: int = EXTRACTOR_VERSION,
) -> Outcome:
    """Clean ``page`` (unless ``cleaned`` holds :func:`clean`'s result already, or
    ``ainews.scraper.cleaning.clean_and_prepare``'s), reject an empty one, de-duplicate it and
    store it with its raw page in one transaction.

    ``raw_page``: the raw page already compressed, for a ``cleaned`` Article. Not for
    concurrent use: one process writes a database, one page at a time.
    """
    result = clean(page) if cleaned is None else cleaned
    if isinstance(result, str):
        return Outcome(result)
    if isinstance(result, Article):
        result = prepare(result, page if raw_page is None else None)
        raw_page = raw_page or result.raw_page
    else:
        raw_page = result.raw_page
    with store.transaction():  # one read of the stored row, one write of each
        stored = store.stored(result.article.url)
        assignments = deduplicate(store, result, stored)
        status = store.write_article(
            result.article, page, stored, assignments=assignments, raw_page=raw_page,
            extractor_version=extractor_version, body_hash=result.content_hash,
        )
    return Outcome(status, result.article)
