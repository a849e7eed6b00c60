"""Re-run cleaning and de-duplication over stored raw pages (no network).

Each stored page goes through the crawl's own path, :func:`ainews.scraper.process.process_page`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ainews.scraper.extraction import EXTRACTOR_VERSION
from ainews.scraper.process import process_page
from ainews.scraper.storage import Store

logger = logging.getLogger(__name__)


def reprocess_database(
    db_path: str | Path,
    *,
    only_stale: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Re-clean stored pages; a changed body is re-deduplicated. Returns outcome counts
    (``new``/``updated``/``unchanged``, or why a page was kept as it was stored).
    ``progress(done, total)`` is called after each page."""
    counts: Counter[str] = Counter()
    with Store(db_path) as store:
        store.ensure_dedupe_index()
        where = f" WHERE extractor_version IS NOT {EXTRACTOR_VERSION}" if only_stale else ""
        ids = [r[0] for r in store.db.execute(f"SELECT id FROM articles{where} ORDER BY id")]
        for done, aid in enumerate(ids, 1):
            counts[_reprocess_one(store, aid)] += 1
            if progress:
                progress(done, len(ids))
    return dict(sorted(counts.items()))


def _reprocess_one(store: Store, aid: str) -> str:
    try:
        page = store.raw_page(aid)
    except ValueError as exc:  # a damaged stored page: name it, go on with the others
        logger.error("reprocess: the stored raw page of article %s cannot be read (%s); "
                     "the article keeps its stored text: crawl its URL again to replace it",
                     aid, exc)
        return "damaged_raw_page"
    if page is None:
        return "no_raw_page"
    try:
        outcome = process_page(page, store)
    except Exception:  # one bad stored page must not stop the others
        logger.exception("reprocess: failed for %s (article %s)", page.url, aid)
        return "failed"
    if not outcome.stored:
        logger.warning("reprocess: %s now gives %s; kept the stored version", page.url,
                       outcome.status)
        return f"kept_{outcome.status}"
    return outcome.status
