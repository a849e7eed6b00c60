"""Crawl-level components: the run record in ``crawl_runs``."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from scraper.storage import Store

logger = logging.getLogger(__name__)

SKIP_PREFIX = "ainews/skip/"


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
        # Pages that failed every retry are skips (counted above), not errors of the crawl.
        "errors": stats.get("log_count/ERROR", 0) - stats.get("retry/max_reached", 0),
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
    """Records each crawl in ``crawl_runs``: started, finished, counts, skip reasons."""

    def __init__(self, db_path: str, stats: Any) -> None:
        self.db_path = db_path
        self.stats = stats
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecorder:
        db_path = crawler.settings.get("AINEWS_DB")
        if not db_path:
            raise NotConfigured("AINEWS_DB is not set")
        ext = cls(db_path, crawler.stats)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        with Store(self.db_path, dedupe=False) as store:
            self.run_id = store.start_run([s.name for s in getattr(spider, "sites", ())])
        self.stats.set_value("ainews/run_id", self.run_id)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.run_id is None:
            return
        counts = run_counts(self.stats.get_stats())
        status = judge_run(counts, reason)
        with Store(self.db_path, dedupe=False) as store:
            store.finish_run(self.run_id, status=status, finish_reason=reason, **counts)
