"""The run record in ``crawl_runs``: started, finished, counts, skip reasons."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

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
