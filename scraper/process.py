"""One fetched page → one stored article: clean → reject empty → de-duplicate → write.

The same path serves the crawl (``ainews.scraper.pipelines``), ``ainews reprocess`` and any other
source of pages (a WARC file, a queue)::

    from ainews.scraper.process import process_page
    outcome = process_page(page, store)      # page: FetchedPage, store: Store
    outcome.status                           # "new" | "updated" | "unchanged" | a skip reason

The extraction stage (``ainews.scraper.cleaning.clean``) is pure and picklable, so a crawl runs it
in worker processes (``ainews.scraper.pool``) and hands the result to :func:`process_page` in the
one writing process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ainews.scraper.article import Article
from ainews.scraper.cleaning import NO_ARTICLE_TEXT, TOO_COMPLEX, clean
from ainews.scraper.extraction import EXTRACTOR_VERSION
from ainews.scraper.items import FetchedPage
from ainews.scraper.storage import Store, article_id, content_hash

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


def deduplicate(store: Store, article: Article) -> list[Assignment]:
    """De-duplication stage: index a new or changed body, return the cluster assignments it
    changes (its own among them). Writes only the index; call inside the record's
    transaction so the index and the article commit together."""
    if store.clusters is None or store.stored_hash(article.url) == content_hash(article.body):
        return []
    row = article.to_row()
    row["id"] = article_id(article.url)
    return store.clusters.assign(row)


def process_page(
    page: FetchedPage,
    store: Store,
    *,
    cleaned: Article | str | None = None,
    raw_gzip: bytes | None = None,
    extractor_version: int = EXTRACTOR_VERSION,
) -> Outcome:
    """Clean ``page`` (unless ``cleaned`` holds :func:`clean`'s result already), reject an
    empty one, de-duplicate it and store it with its raw page in one transaction.

    ``raw_gzip``: the raw page already compressed (by a worker process,
    ``ainews.scraper.cleaning.clean_and_compress``). Not for concurrent use: one process writes a
    database, one page at a time.
    """
    result = clean(page) if cleaned is None else cleaned
    if isinstance(result, str):
        return Outcome(result)
    with store.transaction():
        assignments = deduplicate(store, result)
        status = store.save_article(
            result, page, assignments=assignments, raw_gzip=raw_gzip,
            extractor_version=extractor_version,
        )
    return Outcome(status, result)
