"""Re-run extraction and de-duplication over stored raw pages (no network)."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import click

from scraper.extraction import EXTRACTOR_VERSION, extract
from scraper.site_names import fill_site_name
from scraper.storage import Store

logger = logging.getLogger(__name__)


def reprocess_database(
    db_path: str | Path, *, only_stale: bool = True, progress: bool = False
) -> dict[str, int]:
    """Re-extract stored pages; a changed body is re-deduplicated. Returns outcome counts."""
    counts: Counter[str] = Counter()
    with Store(db_path) as store:
        store.ensure_dedupe_index()
        where = f"extractor_version IS NOT {EXTRACTOR_VERSION}" if only_stale else None
        ids = [
            r[0]
            for r in store.db.execute(
                f"SELECT id FROM articles{' WHERE ' + where if where else ''} ORDER BY id"
            )
        ]
        with click.progressbar(ids, label="reprocess", file=None if progress else _Null()) as bar:
            for aid in bar:
                page = store.raw_page(aid)
                counts[_reprocess_one(store, page) if page else "no_raw_page"] += 1
    return dict(sorted(counts.items()))


def _reprocess_one(store: Store, page: dict) -> str:
    try:
        article = extract(page["raw"], page["url"], content_type=page["content_type"])
    except Exception:  # one bad stored page must not stop the others
        logger.exception(
            "reprocess: extraction failed for %s (article %s)", page["url"], page["id"]
        )
        return "failed"
    if not article.body.strip():
        logger.warning(
            "reprocess: %s now gives no article text; kept the stored version", page["url"]
        )
        return "kept_empty"
    article.site = page["site"]
    fill_site_name(article)  # as the crawl does
    article.fetched_at = page["fetched_at"]
    return store.save_article(
        article, source_lastmod=page["source_lastmod"], extractor_version=EXTRACTOR_VERSION
    )


class _Null:
    def write(self, _: str) -> None:
        pass

    def flush(self) -> None:
        pass
