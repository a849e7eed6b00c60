"""One fetched page → one stored article: clean → reject empty → de-duplicate → write.

The same path serves the crawl (``scraper.pipelines``), ``ainews reprocess`` and any other
source of pages (a WARC file, a queue)::

    from scraper.process import process_page
    outcome = process_page(page, store)      # page: FetchedPage, store: Store
    outcome.status                           # "new" | "updated" | "unchanged" | a skip reason

:func:`clean` is pure and picklable, so a crawl runs it in worker processes
(``scraper.pool``) and hands the result to :func:`process_page` in the one writing process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from dedupe import Assignment
from scraper.article import Article
from scraper.extraction import EXTRACTOR_VERSION, TooComplex, extract
from scraper.items import FetchedPage
from scraper.storage import Store, article_id, content_hash

logger = logging.getLogger(__name__)

#: What :func:`process_page` returns for a stored article.
STORED = ("new", "updated", "unchanged")
#: Skip reasons decided here (the run summary counts them under ``skipped``).
NO_ARTICLE_TEXT = "no_article_text"
TOO_COMPLEX = "too_complex"


@dataclass(frozen=True)
class Outcome:
    """What happened to one page: stored (``new``/``updated``/``unchanged``) or skipped."""

    status: str
    article: Article | None = None

    @property
    def stored(self) -> bool:
        return self.status in STORED


def clean(page: FetchedPage) -> Article | str:
    """Extraction stage (pure): the page's Article, stamped with its site and fetch time,
    or the skip reason (``no_article_text``, ``too_complex``)."""
    try:
        article = extract(page.body, page.url, content_type=page.content_type)
    except TooComplex as exc:
        logger.debug("%s is too complex to clean: %s", page.url, exc)
        return TOO_COMPLEX
    if not any(ch.isalnum() for ch in article.body):  # empty, or no word at all ("—", "___")
        return NO_ARTICLE_TEXT
    article.site = page.site
    article.fetched_at = page.fetched_at
    return article


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
    extractor_version: int = EXTRACTOR_VERSION,
) -> Outcome:
    """Clean ``page`` (unless ``cleaned`` holds :func:`clean`'s result already), reject an
    empty one, de-duplicate it and store it with its raw page in one transaction.

    Not for concurrent use: one process writes a database, one page at a time.
    """
    result = clean(page) if cleaned is None else cleaned
    if isinstance(result, str):
        return Outcome(result)
    with store.transaction():
        assignments = deduplicate(store, result)
        status = store.save_article(
            result, page, assignments=assignments, extractor_version=extractor_version
        )
    return Outcome(status, result)
