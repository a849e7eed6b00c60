"""The run record in ``crawl_runs``: started, finished, counts, skip reasons; the crawl
process's garbage collection and stats collector."""

from __future__ import annotations

import gc
import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import MemoryStatsCollector

from ainews.scraper.state import SKIP_PREFIX, CrawlState

logger = logging.getLogger(__name__)


def run_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl_runs columns, read from Scrapy's stats."""
    reasons = {k[len(SKIP_PREFIX) :]: v for k, v in stats.items() if k.startswith(SKIP_PREFIX)}
    return {
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "bytes": stats.get("downloader/response_bytes", 0),
        "articles_new": stats.get("ainews/articles_new", 0),
        "articles_updated": stats.get("ainews/articles_updated", 0),
        "articles_unchanged": stats.get("ainews/articles_unchanged", 0),
        "skipped": sum(reasons.values()),
        "skip_reasons": reasons,
        "failed_sites": list(stats.get("ainews/failed_sites", [])),
        # Pages that failed every retry are skips (counted above), and a robots.txt that
        # cannot be fetched is a site that cannot be reached: neither is an error of the run.
        "errors": stats.get("log_count/ERROR", 0)
        - stats.get("retry/max_reached", 0)
        - sum(v for k, v in stats.items() if k.startswith("robotstxt/exception_count/")),
    }


def judge_run(counts: dict[str, Any], finish_reason: str) -> str:
    """``ok``, ``partial`` (some sites unreadable) or ``failed``, from a run's counts."""
    # Nothing answered although something was tried: the network, DNS or every site is down.
    unreachable = counts["responses"] == 0 and (counts["requests"] or counts["skipped"])
    finished = finish_reason == "finished" or finish_reason.startswith("closespider")
    if counts["errors"] > 0 or unreachable or not finished:
        return "failed"
    return "partial" if counts["failed_sites"] else "ok"


class RunRecorder:
    """Records each crawl in ``crawl_runs`` through the crawl state's connection."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecorder:
        if not crawler.settings.get("AINEWS_DB"):
            raise NotConfigured("AINEWS_DB is not set")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _store(self) -> Any:
        state = self.crawler.get_extension(CrawlState)
        if state is None:
            raise NotConfigured("RunRecorder needs the ainews.scraper.state.CrawlState extension")
        return state.store

    def spider_opened(self, spider: Any) -> None:
        self.run_id = self._store().start_run([s.name for s in getattr(spider, "sites", ())])
        self.crawler.stats.set_value("ainews/run_id", self.run_id)
        logger.info("run %d started", self.run_id)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.run_id is None:
            return
        counts = run_counts(self.crawler.stats.get_stats())
        status = judge_run(counts, reason)
        self._store().finish_run(self.run_id, status=status, finish_reason=reason, **counts)


class GarbageCollection:
    """Fewer garbage collections in the crawl process: once the crawl has started, what
    it has built (Scrapy, Twisted, the sites, the spider) is frozen, never walked again,
    and young collections run every ``AINEWS_GC_THRESHOLD`` allocations (0: Python's own
    collection, untouched).

    A page makes a few reference cycles in this process (Deferreds, failures), which are
    still collected, later; with Python's 700, a crawl ran ~500 young and 4 full
    collections of ~100,000 objects per 1,000 pages, ~0.5 ms of CPU a page.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self._saved: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> GarbageCollection:
        threshold = crawler.settings.getint("AINEWS_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured("AINEWS_GC_THRESHOLD is 0: Python's own garbage collection")
        ext = cls(threshold)
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_started(self) -> None:
        self._saved = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(self.threshold, *self._saved[1:])

    def engine_stopped(self) -> None:
        """Python's collection back (a process may go on after its crawl: tests, scripts)."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            gc.unfreeze()
            self._saved = None


class PlainStats(MemoryStatsCollector):
    """Scrapy's in-memory stats collector, with plain attribute access.

    Scrapy's collector looks up every attribute through a ``__getattribute__`` that wraps
    its methods to warn about a deprecated ``spider`` argument (and raises and catches an
    ``AttributeError`` for every other attribute): ~4 us a call against ~0.2, and Scrapy's
    components and ours make ~15 calls a response. Same stats, same methods; only the warning
    about ``spider=`` (which nothing here passes) is gone.
    """

    __getattribute__ = object.__getattribute__
