"""Stop the crawl at the first write that fails because the disk is full.

Every later write would fail the same way: without this, each remaining page ends in its
own traceback (299 in one probe) and the run goes on fetching what it cannot store.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from ainews.scraper.storage.errors import classify, is_disk_full

logger = logging.getLogger(__name__)

#: The crawl's finish reason (``crawl_runs.finish_reason``) when the disk filled up.
REASON = "disk_full"


class DiskFullGuard:
    """Closes the spider, once, when a callback or an item pipeline hits a full disk."""

    def __init__(self, crawler: Any, db_path: str) -> None:
        self.crawler = crawler
        self.db_path = Path(db_path)
        self.tripped = False
        self.closing: Any = None  # the close in progress (kept: a Deferred must be held)

    @classmethod
    def from_crawler(cls, crawler: Any) -> DiskFullGuard:
        guard = cls(crawler, crawler.settings.get("AINEWS_DB"))
        crawler.signals.connect(guard.spider_error, signal=signals.spider_error)
        crawler.signals.connect(guard.item_error, signal=signals.item_error)
        return guard

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        self.check(failure.value)

    def item_error(self, item: Any, response: Any, spider: Any, failure: Any) -> None:
        self.check(failure.value)

    def check(self, exc: BaseException) -> None:
        if self.tripped or not is_disk_full(exc):
            return
        self.tripped = True
        logger.error("%s; stopping the crawl", classify(self.db_path, exc))
        self.crawler.stats.set_value("ainews/disk_full", 1)
        self.closing = deferred_from_coro(self.crawler.engine.close_spider_async(reason=REASON))
