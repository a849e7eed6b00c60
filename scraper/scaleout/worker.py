"""The crawl worker's Redis parts: scheduler (shared queue, ledger, heartbeat), crawl
state without SQLite, the pipeline that pushes cleaned pages to the stream, and the
per-domain politeness slot shared by all workers.

Enabled together by :func:`worker_settings` (``ainews crawl --redis URL``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, DropItem, NotConfigured
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from ainews.scraper import scaleout as keys
from ainews.scraper.items import FetchedPage
from ainews.scraper.middlewares import MAX_RETRY_AFTER_S, parse_retry_after
from ainews.scraper.pool import PAGE_TIMEOUT_S, ExtractorPool, worker_count
from ainews.scraper.scaleout.records import encode
from ainews.scraper.state import REVISIT_MINUTES, SKIP_PREFIX, CrawlState
from ainews.scraper.urls import host_of

logger = logging.getLogger(__name__)

#: Seconds a worker's heartbeat lives without a refresh (refreshed every third of it). A
#: worker whose heartbeat expired is taken for dead: its unfinished requests are put back
#: when the next worker starts, so one that stalled longer than this may fetch a page a
#: second time (the ingester writes it once).
HEARTBEAT_S = 30.0
#: A worker idle this soon after its start stays: the others may not have queued anything yet.
START_GRACE_S = 3.0
#: Seconds between an idle worker's looks at the shared queue.
QUEUE_POLL_S = 0.5


def worker_settings(redis_url: str, worker_id: str | None = None) -> dict[str, Any]:
    """Settings that turn ``ainews crawl`` into a worker: no SQLite anywhere."""
    from ainews.scraper import settings as base

    extensions = dict(base.EXTENSIONS)
    extensions.update({"ainews.scraper.state.CrawlState": None,
                       "ainews.scraper.extensions.RunRecorder": None,
                       "ainews.scraper.scaleout.worker.SharedCrawlState": 50})
    middlewares = dict(base.DOWNLOADER_MIDDLEWARES)
    middlewares["ainews.scraper.scaleout.worker.SharedPoliteness"] = 550
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "ainews.scraper.scaleout.worker.SharedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": keys.QUEUE_KEY,
        "SCHEDULER_DUPEFILTER_KEY": keys.DUPEFILTER_KEY,
        "AINEWS_WORKER_ID": worker_id or keys.default_worker_id(),
        "EXTENSIONS": extensions,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "ITEM_PIPELINES": {"ainews.scraper.scaleout.worker.StreamPipeline": 100},
    }


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler plus what a worker needs to fail safely:

    - a **ledger** (``ainews:ledger:<worker>``) of requests taken from the queue and not
      finished; a restarted worker, or any worker once the owner's heartbeat expired, puts
      them back on the queue, so a ``kill -9`` loses nothing;
    - a **heartbeat** (``ainews:worker:<worker>``, busy/idle), which ``ainews status`` and
      the ingester read;
    - the **end of a run** across workers: an idle worker stays while the queue has
      requests or another live worker is busy (one of them may still discover more).
    """

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedScheduler:
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.worker = crawler.settings.get("AINEWS_WORKER_ID") or keys.default_worker_id()
        instance.heartbeat_s = crawler.settings.getfloat("AINEWS_HEARTBEAT", HEARTBEAT_S)
        instance.start_grace_s = crawler.settings.getfloat("AINEWS_START_GRACE", START_GRACE_S)
        instance.ledger = keys.ledger_key(instance.worker)
        instance.busy = True
        instance.pages = 0
        instance.opened_at = time.monotonic()
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        # An idle engine asks its scheduler again every heartbeat (5 s by default): other
        # workers fill the shared queue meanwhile, so ask sooner.
        crawler.engine._SLOT_HEARTBEAT_INTERVAL = crawler.settings.getfloat(
            "AINEWS_QUEUE_POLL", QUEUE_POLL_S)
        return instance

    def open(self, spider: Any) -> None:
        super().open(spider)
        if not isinstance(self.queue, PriorityQueue):
            raise NotConfigured("SharedScheduler needs scrapy_redis.queue.PriorityQueue")
        self.taken: dict[str, bytes] = {}  # URL → its ledger entry (the encoded request)
        self._pop = self.server.register_script(_POP)
        self._enqueue = self.server.register_script(_ENQUEUE)
        self._beat()
        self._reclaim()
        from twisted.internet import task

        self._beater = task.LoopingCall(self._beat)
        self._beater.start(self.heartbeat_s / 3, now=False)

    def close(self, reason: str) -> None:
        if getattr(self, "_beater", None) is not None and self._beater.running:
            self._beater.stop()
        # finished: what is left are redirect hops answered under another URL; stopped
        # early (--max-pages, SIGTERM): requests taken but never answered go back.
        if reason != "finished":
            self._requeue(self.ledger)
        self.server.delete(self.ledger, keys.worker_key(self.worker))
        super().close(reason)

    def enqueue_request(self, request: Any) -> bool:
        """scrapy-redis's enqueue (fingerprint check, then push) in one round trip."""
        if request.dont_filter:
            return super().enqueue_request(request)
        added = self._enqueue(keys=[self.df.key, self.queue.key],
                              args=[self.df.request_fingerprint(request), -request.priority,
                                    self.queue._encode_request(request)])
        if not added:
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Any:
        """Pop the best request and write it in this worker's ledger, atomically: a kill at
        any moment leaves it in the queue or in the ledger."""
        encoded = self._pop(keys=[self.queue.key, self.ledger], args=[f"{time.time():.0f}"])
        if encoded is None:
            return None
        request = self.queue._decode_request(encoded)
        self.taken[request.url] = encoded
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        self.pages += 1
        if not self.busy:
            self.busy = True
            self._beat()
        return request

    def spider_idle(self, spider: Any) -> None:
        if self.busy:
            self.busy = False
            self._beat()
        if len(self.queue):
            raise DontCloseSpider
        if time.monotonic() - self.opened_at < self.start_grace_s:
            raise DontCloseSpider  # workers started together: give the others time to seed
        others = keys.live_workers(self.server)
        others.pop(self.worker, None)
        if any(w.get("state") == "busy" for w in others.values()):
            raise DontCloseSpider

    def _beat(self) -> None:
        key = keys.worker_key(self.worker)
        pipe = self.server.pipeline()
        pipe.hset(key, mapping={"state": "busy" if self.busy else "idle",
                                "pages": self.pages, "seen": f"{time.time():.0f}"})
        pipe.pexpire(key, int(self.heartbeat_s * 1000))
        pipe.execute()

    def _reclaim(self) -> None:
        """Put back the unfinished requests of this worker's earlier life and of workers
        whose heartbeat expired."""
        prefix = keys.ledger_key("")
        for raw in list(self.server.scan_iter(match=prefix + "*", count=100)):
            ledger = raw.decode()
            owner = ledger[len(prefix):]
            if ":" in owner or (owner != self.worker
                                and self.server.exists(keys.worker_key(owner))):
                continue
            taken = f"{ledger}:reclaimed-by:{self.worker}"
            try:
                self.server.rename(ledger, taken)  # atomic: one reclaimer wins
            except Exception:  # noqa: BLE001 - gone: another worker reclaimed it
                continue
            if count := self._requeue(taken):
                logger.warning("put back %d unfinished request(s) of worker %s", count, owner)
                self.stats.inc_value("ainews/reclaimed", count)
            self.server.delete(taken)

    def _requeue(self, ledger: str) -> int:
        entries = self.server.hkeys(ledger)
        for encoded in entries:
            self.queue.push(self.queue._decode_request(encoded))
        return len(entries)

    def done(self, *urls: str, pipe: Any = None) -> None:
        """The requests for ``urls`` are finished (in the stream, or a counted skip); with
        ``pipe``, in the same transaction as what it already holds."""
        if entries := [self.taken.pop(u) for u in dict.fromkeys(urls) if u in self.taken]:
            (pipe or self.server).hdel(self.ledger, *entries)


class SharedCrawlState(CrawlState):
    """The crawl state component of a worker: no SQLite.

    The frontier is scrapy-redis's queue and fingerprint set: an article URL is fetched
    once across workers and runs (until the fingerprints are cleared). Feeds, sitemaps and
    listings bypass the fingerprints; one worker per revisit window claims each one, and
    their validators live in a Redis hash for conditional requests.
    """

    shared_frontier = True

    def __init__(self, crawler: Any) -> None:  # noqa: D107 - no store, unlike the base
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = None
        self.revisit_minutes = crawler.settings.getfloat("AINEWS_REVISIT_MINUTES",
                                                         REVISIT_MINUTES)
        self.pending: list[dict[str, Any]] = []
        self.outstanding: set[str] = set()
        self.lost: set[str] = set()
        self.server = keys.connect(crawler.settings["REDIS_URL"])

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedCrawlState:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("REDIS_URL is not set")
        return cls(crawler)

    @property
    def scheduler(self) -> SharedScheduler:
        return self.crawler.engine.scheduler

    def resume_index(self, sites: Any) -> list[dict[str, Any]]:
        return []  # the shared queue persists; a dead worker's requests are reclaimed

    def recently_read(self, url: str) -> bool:
        """True unless this worker claims ``url`` for this revisit window (one reader)."""
        ttl_ms = int(max(self.revisit_minutes, 1.0) * 60_000)
        return not self.server.set(keys.claim_key(url), self.scheduler.worker, nx=True,
                                   px=ttl_ms)

    def conditional_headers(self, url: str) -> dict[str, str]:
        seen = self.server.hget(keys.VALIDATORS, url)
        if not seen:
            return {}
        etag, last_modified = json.loads(seen)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def index_read(self, url: str, validators: tuple[str | None, str | None] | None) -> None:
        if validators is not None:
            self.server.hset(keys.VALIDATORS, url, json.dumps(list(validators)))
        self.scheduler.done(url)

    def discovered_index(self, site: str, urls: list[str], kind: str) -> None:
        pass  # requested at once, through the shared queue

    def discovered_articles(self, site: str, links: list[tuple[str, str | None]]) -> None:
        self.pending.extend({"url": u, "site": site, "lastmod": m} for u, m in links)

    def next_articles(self, sites: Any, limit: int) -> list[dict[str, Any]]:
        taken, self.pending = self.pending[:limit], self.pending[limit:]
        return taken

    def refill_size(self) -> int:
        return len(self.pending)  # all of them: the queue that holds them is in Redis

    def skip(self, url: str, reason: str, detail: str = "", *, final: bool,
             tried: bool = False) -> None:
        self.stats.inc_value(SKIP_PREFIX + reason)
        logger.info("skipped %s: %s (%s)", url, reason, detail[:200])
        self.scheduler.done(url)

    def spider_closed(self, spider: Any, reason: str) -> None:
        pass

    def engine_stopped(self) -> None:
        self.server.close()


class StreamPipeline:
    """Cleans each page in a worker process, with everything per page that needs no
    database (compression, content hash, de-duplication features), and pushes it to the
    ingest stream; the ingester de-duplicates and stores it. The ledger entry is cleared
    only after XADD."""

    def __init__(self, crawler: Any, pool: ExtractorPool) -> None:
        self.crawler = crawler
        self.pool = pool
        self.server = keys.connect(crawler.settings["REDIS_URL"])

    @classmethod
    def from_crawler(cls, crawler: Any) -> StreamPipeline:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("REDIS_URL is not set")
        workers = crawler.settings.getint("AINEWS_WORKERS", -1)
        pool = ExtractorPool(worker_count(workers),
                             crawler.settings.getfloat("AINEWS_PAGE_TIMEOUT", PAGE_TIMEOUT_S),
                             max_size=crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        return cls(crawler, pool)

    def open_spider(self) -> None:
        self.pool.start()

    def close_spider(self) -> None:
        self.pool.close()
        self.server.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        scheduler: SharedScheduler = self.crawler.engine.scheduler
        cleaned = await self.pool.prepare(item)
        if isinstance(cleaned, str):
            self.crawler.stats.inc_value(SKIP_PREFIX + cleaned)
            logger.info("skipped %s: %s", item.url, cleaned)
            scheduler.done(item.requested_url, item.url)
            raise DropItem(cleaned)
        pipe = scheduler.server.pipeline(transaction=True)  # pushed and done, or neither
        pipe.xadd(keys.STREAM, encode(item, cleaned))
        scheduler.done(item.requested_url, item.url, pipe=pipe)
        pipe.execute()
        self.crawler.stats.inc_value("ainews/pages_pushed")
        return item


# The queue is scrapy-redis's PriorityQueue: a sorted set scored by -priority.
_POP = """
local best = redis.call('ZRANGE', KEYS[1], 0, 0)
if #best == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], best[1], ARGV[1])
return best[1]
"""
_ENQUEUE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Redis' own clock for every worker; returns the ms to wait (0: the slot is ours).
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if free > now then return free - now end
if tonumber(ARGV[1]) > 0 then
  redis.call('SET', KEYS[1], now + ARGV[1], 'PX', ARGV[1] + 60000)
end
return 0
"""
_PAUSE_SLOT = """
local t = redis.call('TIME')
local until_ms = t[1] * 1000 + math.floor(t[2] / 1000) + ARGV[1]
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > free then redis.call('SET', KEYS[1], until_ms, 'PX', ARGV[1] + 60000) end
return until_ms
"""


class SharedPoliteness:
    """Downloader middleware: one request slot per domain across all workers.

    Before a request goes out it takes the domain's slot in Redis (the slot then moves
    ``DOWNLOAD_DELAY`` ahead) or waits until it is free; a ``Retry-After`` answer on
    429/503 moves the slot that far ahead for every worker. Each worker's own Scrapy delay
    still applies on top.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.server = keys.connect(crawler.settings["REDIS_URL"])
        self._take = self.server.register_script(_TAKE_SLOT)
        self._pause = self.server.register_script(_PAUSE_SLOT)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedPoliteness:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("REDIS_URL is not set")
        return cls(crawler)

    async def process_request(self, request: Any) -> None:
        delay_ms = int(self.crawler.settings.getfloat("DOWNLOAD_DELAY") * 1000)
        key = keys.slot_key(_domain(request))
        while wait_ms := int(self._take(keys=[key], args=[delay_ms])):
            self.crawler.stats.inc_value("ainews/shared_slot_waits")
            await asyncio.sleep(wait_ms / 1000)
        return None

    def process_response(self, request: Any, response: Any) -> Any:
        if response.status in (429, 503):
            seconds = parse_retry_after(response.headers.get("Retry-After"))
            if seconds:
                ms = int(min(seconds, MAX_RETRY_AFTER_S) * 1000)
                self._pause(keys=[keys.slot_key(_domain(request))], args=[ms])
        return response


def _domain(request: Any) -> str:
    return request.meta.get("download_slot") or host_of(request.url)
