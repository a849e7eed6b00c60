"""The processing pipeline: fetched page → clean (worker processes) → dedupe → store."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured

from ainews.scraper.items import FetchedPage
from ainews.scraper.pool import PAGE_TIMEOUT_S, TOO_SLOW, ExtractorPool, default_workers
from ainews.scraper.process import process_page
from ainews.scraper.state import CrawlState

logger = logging.getLogger(__name__)

#: Skip reasons worth another try in a later run (the frontier counts the attempts).
_TRANSIENT = {TOO_SLOW, "worker_crashed"}


class ProcessPipeline:
    """Cleans each page in a worker process (the reactor keeps crawling), then stores it
    through :func:`ainews.scraper.process.process_page` in this process: one writer, one write
    per article. Pages that give no article are dropped with their skip reason."""

    def __init__(self, crawler: Any, pool: ExtractorPool) -> None:
        self.crawler = crawler
        self.pool = pool
        self.state: CrawlState | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProcessPipeline:
        settings = crawler.settings
        if not settings.get("AINEWS_DB"):
            raise NotConfigured("AINEWS_DB is not set")
        workers = settings.getint("AINEWS_WORKERS", -1)
        pool = ExtractorPool(
            default_workers() if workers < 0 else workers,
            settings.getfloat("AINEWS_PAGE_TIMEOUT", PAGE_TIMEOUT_S),
        )
        return cls(crawler, pool)

    def open_spider(self) -> None:
        self.state = self.crawler.get_extension(CrawlState)
        if self.state is None:
            raise NotConfigured(
                "ProcessPipeline needs the ainews.scraper.state.CrawlState extension")
        self.pool.start()
        logger.info("cleaning pages in %s", f"{self.pool.workers} worker processes"
                    if not self.pool.in_process else "the crawl process")

    def close_spider(self) -> None:
        self.pool.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        assert self.state is not None
        cleaned, raw_gzip = await self.pool.clean(item)
        outcome = process_page(item, self.state.store, cleaned=cleaned, raw_gzip=raw_gzip)
        if not outcome.stored:
            self.state.skip(item.requested_url, outcome.status, item.url,
                            final=outcome.status not in _TRANSIENT)
            raise DropItem(outcome.status)
        self.crawler.stats.inc_value(f"ainews/articles_{outcome.status}")
        logger.info("%s %s", outcome.status, item.url)
        return item
