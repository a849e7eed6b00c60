"""Cleaning in worker processes, awaited from an event loop: the one pool of ainews.

The crawl awaits it from the reactor's loop, which never runs extraction itself, so it
keeps downloading, answers SIGTERM and ``--max-minutes`` at once, and every core works.
The batch commands (``reprocess``, ``import-warc``) drive it from a loop of their own
through :class:`ainews.scraper.batchclean.OrderedCleaner`. The workers' pipes are read and
written by the event loop itself (:mod:`ainews.scraper.poolworker`): no helper thread. A
page that takes longer than its time budget (counted from when a worker takes it up: each
worker has a page queued behind the one it cleans) is abandoned: its worker is killed and
replaced, and the page is reported as ``too_slow`` (the frontier counts the attempt, so it
is not retried first forever); a worker that dies costs only the page it was on.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
import time
from typing import Any

from ainews.scraper.cleaning import Prepared, clean_and_prepare
from ainews.scraper.contentcoding import BAD_CONTENT_ENCODING, TOO_LARGE, TooLarge, decoded_page
from ainews.scraper.items import FetchedPage
from ainews.scraper.poolworker import DONE, LOST, RAISED, Worker, resolve
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
#: A page whose worker died this many times while on it (not by our timeout) is given up
#: as a crash; pages queued behind it go to another worker, uncounted.
MAX_CRASHES = 2
#: Skip reason of a page given up after ``MAX_CRASHES``.
WORKER_CRASHED = "worker_crashed"
#: Seconds :meth:`ExtractorPool.close` waits for each killed worker to be gone.
_REAP_S = 2.0
#: The outcome a page's future gets when its worker was killed for running out of time.
_SLOW = "slow"
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


def worker_count(workers: int) -> int:
    """``AINEWS_WORKERS`` semantics: a negative count is one worker per core, 0 cleans in
    the calling process."""
    return default_workers() if workers < 0 else workers


#: Signals held while a worker is forked (:meth:`ExtractorPool._spawn`).
_HELD = {signal.SIGINT, signal.SIGTERM}


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group; the parent decides when workers stop. A
    # forked worker inherits a batch command's SIGTERM handler (which unwinds the command):
    # a worker stops as the signal says, and leaves unwinding to its parent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # held while it was forked
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
    """Exit when the parent process is gone, however it died (``kill -9`` by cron's
    timeout, the OOM killer).

    A worker also sees its parent's end of its pipe close, but only once it reads again:
    one stuck on a pathological page would go on for as long, and a forked worker
    (``ainews reprocess``) may never see it: the workers forked after it hold copies of
    the parent's end of its pipe.
    """
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(0)


class Occupancy:
    """How well the workers are fed: the time-weighted number of pages in their hands
    (sent and not finished), counted from the first page sent to :meth:`close`.

    ``short``: seconds with fewer pages in hand than workers (some worker idle or about to
    be); ``empty``: seconds with none (the crawl had no page to clean: fetching is the
    bottleneck then, not the workers). A page is finished when the event loop reads its
    result (it reads the workers' pipes itself, as soon as a result arrives).
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pages = 0
        self.most = 0  # pages in hand at once, at most
        self.short = self.empty = 0.0
        self._in_hand = 0
        self._first: float | None = None
        self._last = 0.0

    def submitted(self) -> None:
        self._step(+1)

    def finished(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
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
        """From the first page sent until now."""
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
    :class:`~ainews.scraper.cleaning.Prepared` article, or the skip reason);
    ``await pool.run(task, *args)`` for another task.

    ``workers`` 0 cleans in the calling process (no time budget: for debugging). One
    worker already frees the reactor; more use more cores. Results do not depend on
    ``workers``: cleaning is a pure function.

    ``start_method``: ``forkserver`` for the crawl (workers do not inherit the reactor's
    threads and sockets; a replacement starts in milliseconds from the preloaded server),
    ``fork`` for a batch command (no threads to keep from its workers, and a forked
    worker has the extraction code loaded already: forkserver imports it again, ~1.8 s
    before the first page on a loaded 2-core machine, ~0.1 s with fork).

    Each worker has up to :data:`QUEUED_PER_WORKER` pages in hand, taken in the order they
    were sent, so the parent knows which page a worker is on: that page's time
    budget runs from when the worker's previous result arrived (or from when it was sent
    to an idle worker). A worker that runs out of it is killed and replaced (the page is
    ``too_slow``); one that dies costs the page it was on a crash (:data:`MAX_CRASHES`);
    the pages queued behind either are sent again to a live worker.
    """

    def __init__(self, workers: int, timeout: float = PAGE_TIMEOUT_S, *,
                 max_size: int = DEFAULT_MAX_SIZE, start_method: str = "forkserver") -> None:
        self.workers = max(0, workers)
        self.timeout = timeout
        self.max_size = max_size
        self.start_method = start_method
        self._context: Any = None
        self._workers: list[Worker] = []
        self._timers: dict[Worker, asyncio.TimerHandle] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self.occupancy = Occupancy(self.workers)

    @property
    def in_process(self) -> bool:
        return self.workers == 0

    def start(self) -> None:
        if self.in_process:
            return
        self._context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            self._context.set_forkserver_preload(["ainews.scraper.pool"])  # no database, no Scrapy
        self._workers = [self._spawn() for _ in range(self.workers)]

    def _spawn(self) -> Worker:
        if self.start_method != "fork":
            return Worker(self._context, _worker_init)
        # A SIGTERM or Ctrl-C handled in the middle of a fork, in the interpreter's at-fork
        # hooks, would be printed and lost ("Exception ignored"): both wait for its end.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        try:
            return Worker(self._context, _worker_init)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    async def prepare(self, page: FetchedPage) -> Prepared | str:
        """The page decoded, cleaned and prepared for storing (:func:`clean_fetched`)."""
        if self.in_process or not self._workers:
            return clean_fetched(page, self.max_size)
        return await self.run(clean_fetched, page, self.max_size)

    async def run(self, task: Any, *args: Any) -> Any:
        """``task(*args)`` in a worker (its exception raised here), or the skip reason
        (``too_slow``, ``worker_crashed``). ``task`` and ``args`` must pickle."""
        loop = asyncio.get_running_loop()
        self._bind(loop)
        assert self._slots is not None
        payload = pickle.dumps((task, args), pickle.HIGHEST_PROTOCOL)  # once, for any retry
        crashes = 0
        async with self._slots:
            while True:
                if not self._workers:
                    raise RuntimeError("the cleaning pool is closed")
                worker = min(self._workers, key=_in_flight)
                future = loop.create_future()
                first = not worker.waiting
                worker.send(payload, future)
                self.occupancy.submitted()
                if first and worker.alive:
                    self._start_clock(worker)
                try:
                    outcome, value = await future
                finally:
                    self.occupancy.finished()
                if outcome == DONE:
                    return value
                if outcome == RAISED:
                    raise value
                if outcome == _SLOW:
                    logger.warning("%s: cleaning took over %.0fs; abandoned",
                                   _label(task, args), self.timeout)
                    return TOO_SLOW
                crashes += value  # LOST: value says whether the worker was on this page
                if crashes >= MAX_CRASHES:
                    logger.error("%s: the cleaning worker died on this page", _label(task, args))
                    return WORKER_CRASHED

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch the workers from ``loop`` (the reactor's; each ``asyncio.run`` in tests)."""
        if self._loop is loop:
            return
        self._loop = loop
        self._slots = asyncio.Semaphore(self.workers * QUEUED_PER_WORKER)
        self._timers.clear()
        for worker in self._workers:
            worker.attach(loop, self._lost, self._start_clock)

    def _start_clock(self, worker: Worker) -> None:
        """The page ``worker`` is on now has its whole budget from when it got there."""
        timer = self._timers.pop(worker, None)
        if timer is not None:
            timer.cancel()
        if worker.waiting and self._loop is not None:
            self._timers[worker] = self._loop.call_at(worker.head_started + self.timeout,
                                                      self._too_slow, worker)

    def _too_slow(self, worker: Worker) -> None:
        self._timers.pop(worker, None)
        if worker not in self._workers:
            return
        waiting = self._replace(worker)
        if waiting:
            resolve(waiting[0], (_SLOW, None))
        for future in waiting[1:]:
            resolve(future, (LOST, False))

    def _lost(self, worker: Worker) -> None:
        """``worker`` died by itself (a crash, the OOM killer, a signal)."""
        if worker not in self._workers:
            return
        logger.warning("cleaning worker %s exited; starting another", worker.process.pid)
        waiting = self._replace(worker)
        for n, future in enumerate(waiting):
            resolve(future, (LOST, n == 0))

    def _replace(self, worker: Worker) -> list[asyncio.Future]:
        """Kill ``worker``, start another in its place; its tasks in flight."""
        timer = self._timers.pop(worker, None)
        if timer is not None:
            timer.cancel()
        worker.kill()
        fresh = self._spawn()
        if self._loop is not None:
            fresh.attach(self._loop, self._lost, self._start_clock)
        self._workers[self._workers.index(worker)] = fresh
        return worker.take_waiting()

    def close(self) -> None:
        if not self._workers:
            return
        if self.occupancy.pages:
            logger.info("%s", self.occupancy.summary())
        workers, self._workers = self._workers, []
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.reap(_REAP_S)
            for future in worker.take_waiting():
                if not future.done() and not future.get_loop().is_closed():
                    future.cancel()


def _in_flight(worker: Worker) -> int:
    return len(worker.waiting)


def _label(task: Any, args: tuple) -> str:
    """The page's URL in log lines (the task's name for other tasks)."""
    url = getattr(args[0], "url", None) if args else None
    return url or getattr(task, "__qualname__", repr(task))
