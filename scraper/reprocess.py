"""Re-run cleaning and de-duplication over stored raw pages (no network).

Pages are cleaned in worker processes (:class:`~ainews.scraper.batchclean.OrderedCleaner`) and
stored by this process through the crawl's own path,
:func:`ainews.scraper.process.process_page`, in article id order whatever the number of
workers, so the records and clusters do not depend on it. Each article is written in one
transaction: an interrupted run loses no record, and the next run goes on with the articles
still stale.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from ainews.scraper.batchclean import Cleaned, OrderedCleaner, Task, worker_count
from ainews.scraper.extraction import EXTRACTOR_VERSION
from ainews.scraper.items import FetchedPage
from ainews.scraper.pool import clean_fetched
from ainews.scraper.process import process_page
from ainews.scraper.storage import Store

logger = logging.getLogger(__name__)


def reprocess_database(
    db_path: str | Path,
    *,
    only_stale: bool = True,
    workers: int = -1,
    progress: Callable[[int, int], None] | None = None,
    task: Task = clean_fetched,
) -> dict[str, int]:
    """Re-clean stored pages; a changed body is re-deduplicated. Returns outcome counts
    (``new``/``updated``/``unchanged``, or why a page was kept as it was stored).

    ``workers``: cleaning processes (negative: one per core; 0: in this process).
    ``progress(done, total)`` is called after each page. ``task``: what a worker runs
    for a page (:func:`~ainews.scraper.pool.clean_fetched`)."""
    counts: Counter[str] = Counter()
    with Store(db_path) as store, OrderedCleaner(worker_count(workers), task=task) as cleaner:
        store.ensure_dedupe_index()
        where = f" WHERE extractor_version IS NOT {EXTRACTOR_VERSION}" if only_stale else ""
        ids = [r[0] for r in store.db.execute(f"SELECT id FROM articles{where} ORDER BY id")]
        for aid, page, result in cleaner.clean(_stored_pages(store, ids, counts)):
            counts[_store(store, aid, page, result)] += 1
            if progress:
                progress(sum(counts.values()), len(ids))
        if progress and ids:
            progress(len(ids), len(ids))
    return dict(sorted(counts.items()))


def _stored_pages(store: Store, ids: list[str],
                  counts: Counter[str]) -> Iterator[tuple[str, FetchedPage]]:
    """``(article id, stored page)`` of each id; a page that cannot be read is counted."""
    for aid in ids:
        try:
            page = store.raw_page(aid)
        except ValueError as exc:  # a damaged stored page: name it, go on with the others
            logger.error("reprocess: the stored raw page of article %s cannot be read (%s); "
                         "the article keeps its stored text: crawl its URL again to replace it",
                         aid, exc)
            counts["damaged_raw_page"] += 1
            continue
        if page is None:
            counts["no_raw_page"] += 1
            continue
        yield aid, page


def _store(store: Store, aid: str, page: FetchedPage, cleaned: Cleaned) -> str:
    if isinstance(cleaned, Exception):  # logged by the cleaner with the page's URL
        logger.error("reprocess: failed for %s (article %s)", page.url, aid)
        return "failed"
    try:
        outcome = process_page(page, store, cleaned=cleaned)
    except Exception:  # one bad stored page must not stop the others
        logger.exception("reprocess: failed for %s (article %s)", page.url, aid)
        return "failed"
    if not outcome.stored:
        logger.warning("reprocess: %s now gives %s; kept the stored version", page.url,
                       outcome.status)
        return f"kept_{outcome.status}"
    return outcome.status
