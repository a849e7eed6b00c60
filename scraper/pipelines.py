"""The processing pipeline: fetched page → clean (worker processes) → dedupe → store."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from ainews.scraper.contentcoding import BAD_CONTENT_ENCODING
from ainews.scraper.items import FetchedPage
from ainews.scraper.pool import PAGE_TIMEOUT_S, TOO_SLOW, ExtractorPool, worker_count
from ainews.scraper.process import process_page
from ainews.scraper.state import CrawlState

logger = logging.getLogger(__name__)

#: Skip reasons worth another try in a later run (the frontier counts the attempts).
_TRANSIENT = {TOO_SLOW, "worker_crashed", BAD_CONTENT_ENCODING}
#: Records written per transaction at most, and seconds a transaction stays open at most
#: (also committed whenever the crawl goes idle): one commit per article cost ~1 ms of the
#: writing process per page, one per 10 ~0.1-0.3 ms more than one per 32 (at 20 pages/s, 0.5 s
#: made batches of 10). A kill loses at most this batch; its URLs stay pending in the
#: frontier (done-marking commits with the article), so the next run fetches them again.
COMMIT_RECORDS = 32
COMMIT_SECONDS = 2.0


class ProcessPipeline:
    """Cleans each page in a worker process (the reactor keeps crawling), then stores it
    through :func:`ainews.scraper.process.process_page` in this process: one writer, one write
    per article. Pages that give no article are dropped with their skip reason."""

    def __init__(self, crawler: Any, pool: ExtractorPool, *,
                 commit_records: int = COMMIT_RECORDS,
                 commit_seconds: float = COMMIT_SECONDS) -> None:
        self.crawler = crawler
        self.pool = pool
        self.state: CrawlState | None = None
        self.commit_records = max(1, commit_records)
        self.commit_seconds = commit_seconds
        self._batched = 0  # records in the open transaction
        self._opened = 0.0  # when it was opened (monotonic)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProcessPipeline:
        settings = crawler.settings
        if not settings.get("AINEWS_DB"):
            raise NotConfigured("AINEWS_DB is not set")
        workers = settings.getint("AINEWS_WORKERS", -1)
        pool = ExtractorPool(
            worker_count(workers),
            settings.getfloat("AINEWS_PAGE_TIMEOUT", PAGE_TIMEOUT_S),
            max_size=settings.getint("DOWNLOAD_MAXSIZE"),  # bounds a worker's decoding too
        )
        pipeline = cls(crawler, pool,
                       commit_records=settings.getint("AINEWS_COMMIT_RECORDS", COMMIT_RECORDS),
                       commit_seconds=settings.getfloat("AINEWS_COMMIT_SECONDS", COMMIT_SECONDS))
        crawler.signals.connect(pipeline.commit, signal=signals.spider_idle)
        return pipeline

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
        self.commit()

    def commit(self) -> None:
        """Commit the records written so far."""
        if self._batched and self.state is not None:
            self._batched = 0
            self.state.store.commit_batch()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        assert self.state is not None
        cleaned = await self.pool.prepare(item)
        store = self.state.store
        if not self._batched:
            store.begin_batch()
            self._opened = time.monotonic()
        self._batched += 1
        try:
            outcome = process_page(item, store, cleaned=cleaned)
        finally:
            if self._batched >= self.commit_records or \
                    time.monotonic() - self._opened >= self.commit_seconds:
                self.commit()
        if not outcome.stored:
            self.state.skip(item.requested_url, outcome.status, item.url,
                            final=outcome.status not in _TRANSIENT)
            raise DropItem(outcome.status)
        self.crawler.stats.inc_value(f"ainews/articles_{outcome.status}")
        logger.info("%s %s", outcome.status, item.url)
        return item
