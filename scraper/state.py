"""The crawl's state, in one component with the run's one database connection.

Frontier (what to fetch, tries, failures), HTTP validators of feeds/sitemaps/listings and
the known articles live in SQLite so that a killed run resumes. The spider asks this
component what to fetch and tells it what happened; the processing pipeline writes
articles through its :attr:`CrawlState.store`. Nothing else opens the database during a
crawl.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from ainews.scraper.storage import Store

logger = logging.getLogger(__name__)

#: A feed, sitemap or listing read less than this many minutes ago is not asked again:
#: news feeds change every few minutes at most, and cron runs are usually 15-60 min apart,
#: so this only stops back-to-back runs (a developer re-running, a retried cron job) from
#: re-polling every start point. Set AINEWS_REVISIT_MINUTES=0 to always ask (with a 304).
REVISIT_MINUTES = 10.0
#: Article requests handed to Scrapy at once: enough to keep every connection busy, few
#: enough that a 20,000-URL frontier is not held in memory as Request objects.
BATCH_SIZE = 200
#: A failed article URL (404, no article text, gave up) is tried again when discovered
#: after this many days without a new lastmod: pages do come back.
RETRY_FAILED_DAYS = 7.0

SKIP_PREFIX = "ainews/skip/"


class CrawlState:
    """Scrapy extension: built by ``from_crawler``, found with
    ``crawler.get_extension(CrawlState)``."""

    #: False: this component is the frontier (article requests bypass Scrapy's dupefilter).
    #: True (a scale-out worker, ``ainews.scraper.scaleout``): scrapy-redis's shared queue and
    #: fingerprints are, so article requests go through them and start points do not.
    shared_frontier = False

    def __init__(
        self,
        store: Store,
        stats: Any,
        *,
        revisit_minutes: float = REVISIT_MINUTES,
        batch_size: int = BATCH_SIZE,
        retry_failed_days: float = RETRY_FAILED_DAYS,
    ) -> None:
        self.store = store
        self.stats = stats
        self.revisit_minutes = revisit_minutes
        self.batch_size = batch_size
        now = datetime.now(UTC)
        self.run_started = now.isoformat()  # with microseconds: back-to-back runs differ
        self.retry_failed_before = (now - timedelta(days=retry_failed_days)).isoformat()
        self.outstanding: set[str] = set()  # article URLs taken from the frontier, unanswered
        self.lost: set[str] = set()  # ... that the crawl went idle without answering

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlState:
        settings = crawler.settings
        db_path = settings.get("AINEWS_DB")
        if not db_path:
            raise NotConfigured("AINEWS_DB is not set")
        store = Store(db_path)
        if stale := store.close_stale_runs():
            logger.warning("%d earlier run(s) were interrupted; resuming their frontier", stale)
        store.ensure_dedupe_index()
        state = cls(
            store,
            crawler.stats,
            revisit_minutes=settings.getfloat("AINEWS_REVISIT_MINUTES", REVISIT_MINUTES),
            batch_size=settings.getint("AINEWS_BATCH_SIZE", BATCH_SIZE),
            retry_failed_days=settings.getfloat("AINEWS_RETRY_FAILED_DAYS", RETRY_FAILED_DAYS),
        )
        crawler.signals.connect(state.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(state.engine_stopped, signal=signals.engine_stopped)
        return state

    # -- start points --------------------------------------------------------------------

    def resume_index(self, sites: Iterable[str]) -> list[dict[str, Any]]:
        """Feeds, sitemaps and listings a killed run did not finish reading."""
        return self.store.pending_index(sites)

    def recently_read(self, url: str) -> bool:
        seen = self.store.validators(url)
        if not seen or not seen["checked_at"] or self.revisit_minutes <= 0:
            return False
        age = datetime.now(UTC) - datetime.fromisoformat(seen["checked_at"])
        return age.total_seconds() < self.revisit_minutes * 60

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last full read of ``url``."""
        seen = self.store.validators(url)
        headers = {}
        if seen is not None:
            if seen["etag"]:
                headers["If-None-Match"] = seen["etag"]
            if seen["last_modified"]:
                headers["If-Modified-Since"] = seen["last_modified"]
        return headers

    def index_read(self, url: str, validators: tuple[str | None, str | None] | None) -> None:
        """Every link of the page is in the frontier (None: it answered 304)."""
        self.store.index_done(url, validators)

    # -- discovery -----------------------------------------------------------------------

    def discovered_index(self, site: str, urls: list[str], kind: str) -> None:
        self.store.enqueue(site, [(url, None) for url in urls], kind=kind)

    def discovered_articles(self, site: str, links: list[tuple[str, str | None]]) -> None:
        """Queue what is new, or what the feed/sitemap says changed since we stored it."""
        wanted = []
        for url, lastmod in links:
            known = self.store.known_article(url)
            if known is not None and not _changed(lastmod, known):
                self.stats.inc_value("ainews/article_unchanged_not_fetched")
                continue
            wanted.append((url, lastmod))
        self.store.enqueue(site, wanted, retry_failed_before=self.retry_failed_before)

    def next_articles(self, sites: Iterable[str], limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` article URLs to request now (each at most once per run)."""
        if limit <= 0:
            return []
        rows, given_up = self.store.next_articles(sites, limit, self.run_started)
        for url in given_up:
            self._count_skip("gave_up", url, "failed or unanswered in earlier runs")
        self.outstanding.update(r["url"] for r in rows)
        return rows

    def idle(self) -> None:
        """The crawl has nothing in flight: URLs still unanswered were dropped on the way
        (e.g. a duplicate redirect target) and must not hold up the next batch."""
        self.lost |= self.outstanding
        self.outstanding.clear()

    def refill_size(self) -> int:
        """How many more article requests to hand out now: top up below half a batch."""
        in_flight = len(self.outstanding)
        return self.batch_size - in_flight if in_flight <= self.batch_size // 2 else 0

    # -- outcomes ------------------------------------------------------------------------

    def answered(self, url: str) -> None:
        self.outstanding.discard(url)
        self.lost.discard(url)

    def skip(self, url: str, reason: str, detail: str = "", *, final: bool,
             tried: bool = False) -> None:
        """Count and log a URL that was not stored; its frontier entry records why. A URL
        failing for the last allowed time is counted as ``gave_up``."""
        self.answered(url)
        parked = self.store.mark_failed(url, f"{reason}: {detail}", final=final, tried=tried)
        self._count_skip("gave_up" if parked else reason, url, f"{reason} {detail}".strip())

    def _count_skip(self, reason: str, url: str, detail: str) -> None:
        self.stats.inc_value(SKIP_PREFIX + reason)
        logger.info("skipped %s: %s (%s)", url, reason, detail[:200])

    # -- end of the run ------------------------------------------------------------------

    def spider_closed(self, spider: Any, reason: str) -> None:
        if reason == "finished":  # requested, then filtered on the way without an answer
            self.idle()
        else:  # a bounded or stopped run: still queued, never requested
            self.store.untried(sorted(self.outstanding))
        for url in sorted(self.lost):
            self.skip(url, "filtered", "no response", final=False)
        self.outstanding.clear()

    def engine_stopped(self) -> None:
        self.store.close()


def _changed(lastmod: str | None, known: dict[str, Any]) -> bool:
    """A stored article is re-fetched only when its source announces a newer version."""
    if not lastmod:
        return False
    seen = known.get("source_lastmod") or known.get("modified_at")
    return seen is None or lastmod > seen
