"""Cleaning in worker processes, awaited from the crawl's event loop.

The reactor never runs extraction itself, so it keeps downloading, answers SIGTERM and
``--max-minutes`` at once, and every core works. A page that takes longer than its time
budget (counted from when a worker takes it up: each worker has a page queued behind the
one it cleans) is abandoned: its worker is killed and replaced, and the page is reported as
``too_slow`` (the frontier counts the attempt, so it is not retried first forever).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ainews.scraper.cleaning import Prepared, clean_and_prepare
from ainews.scraper.contentcoding import BAD_CONTENT_ENCODING, TOO_LARGE, TooLarge, decoded_page
from ainews.scraper.items import FetchedPage
from ainews.scraper.settings import DOWNLOAD_MAXSIZE

logger = logging.getLogger(__name__)

#: Skip reason of a page whose cleaning exceeded its time budget.
TOO_SLOW = "too_slow"
#: Seconds one page may take to clean: the slowest real benchmark page takes < 1 s, so 20 s
#: only ever stops pathological pages (millions of nodes, super-linear markup).
PAGE_TIMEOUT_S = 20.0
#: Pages in hand per worker (one cleaning, the rest queued): a worker that finishes a page
#: starts the next at once instead of waiting for the crawl process to collect the result,
#: store it and submit another (with one page per worker, workers idled ~30% of a crawl).
QUEUED_PER_WORKER = 2
#: A page whose worker died this many times (not by our timeout) is given up as a crash.
MAX_CRASHES = 2
#: Skip reason of a page with no bytes once decoded.
EMPTY_RESPONSE = "empty_response"
#: Bytes a page may have once decoded when the crawl sets no bound: the crawl's own.
DEFAULT_MAX_SIZE = DOWNLOAD_MAXSIZE
#: Allocations (net of frees) between a worker's young-generation garbage collections
#: (Python's default: 700). Cleaning a page makes next to no reference cycles (lxml trees
#: are C structures; 9 cyclic objects in 100 benchmark pages), so most collections find
#: nothing. Measured on the benchmark pages (``benchmarks/clean_profile.py``'s garbage
#: collection line, ``--python-gc`` for the default): 0.17 ms of CPU a page by default,
#: 0.07 with the imports frozen and this threshold. Higher thresholds saved little more
#: and cost memory: 50,000 grew a worker's peak by 30-50 MB in a 2,000-page crawl.
WORKER_GC_THRESHOLD = 2_000


def clean_fetched(page: FetchedPage, max_size: int = 0) -> Prepared | str:
    """What a worker does for one fetched page: decode its body when it came encoded
    (bounded by ``max_size`` bytes, as ``DOWNLOAD_MAXSIZE`` bounds Scrapy's decoding), then
    :func:`~ainews.scraper.cleaning.clean_and_prepare`; the prepared article or the skip
    reason."""
    try:
        page = decoded_page(page, max_size)
    except TooLarge:
        return TOO_LARGE
    except ValueError as exc:
        logger.info("%s: %s", page.url, exc)
        return BAD_CONTENT_ENCODING
    if not page.body.strip():
        return EMPTY_RESPONSE
    result = clean_and_prepare(page)
    if isinstance(result, Prepared):
        result.article.word_count  # noqa: B018  counted here, kept with the article
    return result


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group; the crawl process decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_gc()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True,
                         name="ainews-parent-watch").start()


def worker_gc() -> None:
    """A cleaning worker's garbage collection: what the imports made is frozen (never
    walked again, nor written to: the pages stay shared with the forkserver), and young
    collections run every :data:`WORKER_GC_THRESHOLD` allocations."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(WORKER_GC_THRESHOLD, older, oldest)


def _exit_with(parent_sentinel: int) -> None:
    """Exit when the crawl process is gone, however it died.

    A worker blocks on its task queue, whose pipe it holds both ends of, and keeps the
    forkserver alive: after a ``kill -9`` of the crawl (cron's timeout, the OOM killer)
    workers and forkserver would idle on forever, a few dozen MB each per killed run.
    """
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(0)


class Occupancy:
    """How well the workers are fed: the time-weighted number of pages in their hands
    (submitted and not finished), counted from the first submit to :meth:`close`.

    ``short``: seconds with fewer pages in hand than workers (some worker idle or about to
    be); ``empty``: seconds with none (the crawl had no page to clean: fetching is the
    bottleneck then, not the workers). Finishes are counted from the executor's thread
    when a worker's result arrives, not when the event loop gets round to it.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pages = 0
        self.most = 0  # pages in hand at once, at most
        self.short = self.empty = 0.0
        self._in_hand = 0
        self._first: float | None = None
        self._last = 0.0
        self._lock = threading.Lock()

    def submitted(self, future: Future) -> None:
        self._step(+1)
        future.add_done_callback(self._finished)

    def _finished(self, _future: Future) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        with self._lock:
            now = time.monotonic()
            if self._first is None:
                self._first = now
            else:
                self._account(now)
            self._in_hand += delta
            self.pages += delta > 0
            self.most = max(self.most, self._in_hand)
            self._last = now

    def _account(self, now: float) -> None:
        elapsed = now - self._last
        if self._in_hand < self.workers:
            self.short += elapsed
        if self._in_hand == 0:
            self.empty += elapsed

    def seconds(self) -> float:
        """From the first submit until now."""
        with self._lock:
            if self._first is None:
                return 0.0
            now = time.monotonic()
            self._account(now)
            self._last = now
            return now - self._first

    def summary(self) -> str:
        total = self.seconds() or 1.0
        return (f"cleaning pool: {self.pages} pages in {total:.1f}s; fewer pages in hand than "
                f"{self.workers} workers {self.short / total:.0%} of the time, "
                f"none {self.empty / total:.0%}")


class ExtractorPool:
    """``await pool.prepare(page)`` → :func:`clean_fetched`'s result (a
    :class:`~ainews.scraper.cleaning.Prepared` article, or the skip reason).

    ``workers`` 0 cleans in the calling process (no time budget: for debugging). One
    worker already frees the reactor; more use more cores. Results do not depend on
    ``workers``: cleaning is a pure function.
    """

    def __init__(self, workers: int, timeout: float = PAGE_TIMEOUT_S, *,
                 max_size: int = DEFAULT_MAX_SIZE) -> None:
        self.workers = max(0, workers)
        self.timeout = timeout
        self.max_size = max_size
        self._executor: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._tickets = 0
        self._clocks: dict[int, float | None] = {}  # unfinished pages → when their budget began
        self.occupancy = Occupancy(self.workers)

    @property
    def in_process(self) -> bool:
        return self.workers == 0

    def start(self) -> None:
        if not self.in_process:
            self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        # forkserver: workers do not inherit the reactor's threads and sockets, and a
        # replacement worker starts in milliseconds from the preloaded server.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["ainews.scraper.pool"])  # no database, no Scrapy
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_init)

    async def prepare(self, page: FetchedPage) -> Prepared | str:
        """The page decoded, cleaned and prepared for storing (:func:`clean_fetched`)."""
        if self.in_process or self._executor is None:
            return clean_fetched(page, self.max_size)
        return await self._run(clean_fetched, page, self.max_size)

    async def _run(self, task: Any, page: FetchedPage, *args: Any) -> Any:
        """``task(page, *args)`` in a worker, or the skip reason (``too_slow``,
        ``worker_crashed``)."""
        if self._slots is None:  # created on the running loop
            self._slots = asyncio.Semaphore(self.workers * QUEUED_PER_WORKER)
        crashes = 0
        async with self._slots:
            while True:
                executor = self._executor
                assert executor is not None
                ticket = self._enter()
                try:
                    future = executor.submit(task, page, *args)
                    self.occupancy.submitted(future)
                    if await self._finished(future, ticket):
                        return future.result()
                except BrokenProcessPool:
                    # Another page's timeout killed the pool under us, or a worker died.
                    if executor is self._executor:
                        crashes += 1
                        self._replace(executor)
                    if crashes >= MAX_CRASHES:
                        logger.error("%s: the cleaning worker died on this page", page.url)
                        return "worker_crashed"
                    continue
                finally:
                    self._leave(ticket)
                if future.cancelled():  # queued when another page's timeout killed the pool
                    continue
                logger.warning("%s: cleaning took over %.0fs; abandoned", page.url, self.timeout)
                self._replace(executor)
                return TOO_SLOW

    async def _finished(self, future: Future, ticket: int) -> bool:
        """Wait for ``future``: True when it finished, False when it was cancelled or ran
        out of its time budget, which starts when its page reaches a worker."""
        waiting = asyncio.wrap_future(future)
        loop = asyncio.get_running_loop()
        while True:
            started = self._clocks.get(ticket)
            left = self.timeout if started is None else started + self.timeout - loop.time()
            if left <= 0:
                waiting.cancel()
                return False
            await asyncio.wait({waiting}, timeout=left)
            if waiting.done():
                return not future.cancelled()

    def _enter(self) -> int:
        """A ticket in submission order (the executor hands pages out in that order)."""
        self._tickets += 1
        self._clocks[self._tickets] = None
        self._start_clocks()
        return self._tickets

    def _leave(self, ticket: int) -> None:
        self._clocks.pop(ticket, None)
        self._start_clocks()

    def _start_clocks(self) -> None:
        """The ``workers`` earliest unfinished pages are in a worker: their budget runs."""
        now = None
        for n, ticket in enumerate(self._clocks):
            if n >= self.workers:
                break
            if self._clocks[ticket] is None:
                now = now or asyncio.get_running_loop().time()
                self._clocks[ticket] = now

    def _replace(self, executor: ProcessPoolExecutor) -> None:
        if executor is not self._executor:
            return
        self._executor = self._new_executor()
        _kill(executor)

    def close(self) -> None:
        if self._executor is not None:
            if self.occupancy.pages:
                logger.info("%s", self.occupancy.summary())
            _kill(self._executor)
            self._executor = None


def _kill(executor: ProcessPoolExecutor) -> None:
    """Stop an executor now, running tasks included (``shutdown`` alone waits for them)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
