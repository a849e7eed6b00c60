"""Cleaning in worker processes, awaited from the crawl's event loop.

The reactor never runs extraction itself, so it keeps downloading, answers SIGTERM and
``--max-minutes`` at once, and every core works. A page that takes longer than its time
budget is abandoned: its worker is killed and replaced, and the page is reported as
``too_slow`` (the frontier counts the attempt, so it is not retried first forever).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ainews.scraper.article import Article
from ainews.scraper.cleaning import Prepared, clean, clean_and_compress, clean_and_prepare
from ainews.scraper.items import FetchedPage

logger = logging.getLogger(__name__)

#: Skip reason of a page whose cleaning exceeded its time budget.
TOO_SLOW = "too_slow"
#: Seconds one page may take to clean: the slowest real benchmark page takes < 1 s, so 20 s
#: only ever stops pathological pages (millions of nodes, super-linear markup).
PAGE_TIMEOUT_S = 20.0
#: A page whose worker died this many times (not by our timeout) is given up as a crash.
MAX_CRASHES = 2


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group; the crawl process decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True,
                         name="ainews-parent-watch").start()


def _exit_with(parent_sentinel: int) -> None:
    """Exit when the crawl process is gone, however it died.

    A worker blocks on its task queue, whose pipe it holds both ends of, and keeps the
    forkserver alive: after a ``kill -9`` of the crawl (cron's timeout, the OOM killer)
    workers and forkserver would idle on forever, a few dozen MB each per killed run.
    """
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(0)


class ExtractorPool:
    """``await pool.clean(page)`` → (:func:`ainews.scraper.cleaning.clean`'s result, the raw page
    gzip-compressed when it is to be stored); ``await pool.prepare(page)`` →
    :func:`ainews.scraper.cleaning.clean_and_prepare`'s result (a
    :class:`~ainews.scraper.cleaning.Prepared` article, or the skip reason).

    ``workers`` 0 cleans in the calling process (no time budget: for debugging). One
    worker already frees the reactor; more use more cores. Results do not depend on
    ``workers``: cleaning is a pure function.
    """

    def __init__(self, workers: int, timeout: float = PAGE_TIMEOUT_S) -> None:
        self.workers = max(0, workers)
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None

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
        context.set_forkserver_preload(["ainews.scraper.cleaning"])  # no database, no Scrapy
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_init)

    async def clean(self, page: FetchedPage) -> tuple[Article | str, bytes | None]:
        if self.in_process or self._executor is None:
            return clean(page), None
        result = await self._run(clean_and_compress, page)
        return (result, None) if isinstance(result, str) else result

    async def prepare(self, page: FetchedPage) -> Prepared | Article | str:
        """The page cleaned and prepared for storing (in-process: only cleaned; the
        caller prepares it, ``ainews.scraper.process.process_page`` does)."""
        if self.in_process or self._executor is None:
            return clean(page)
        return await self._run(clean_and_prepare, page)

    async def _run(self, task: Any, page: FetchedPage) -> Any:
        """``task(page)`` in a worker, or the skip reason (``too_slow``, ``worker_crashed``)."""
        if self._slots is None:  # created on the running loop
            self._slots = asyncio.Semaphore(self.workers)
        crashes = 0
        async with self._slots:  # one page per worker: the time budget starts on submit
            while True:
                executor = self._executor
                assert executor is not None
                future = executor.submit(task, page)
                try:
                    return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
                except TimeoutError:
                    logger.warning("%s: cleaning took over %.0fs; abandoned", page.url,
                                   self.timeout)
                    self._replace(executor)
                    return TOO_SLOW
                except BrokenProcessPool:
                    # Another page's timeout killed the pool under us, or a worker died.
                    if executor is self._executor:
                        crashes += 1
                        self._replace(executor)
                    if crashes >= MAX_CRASHES:
                        logger.error("%s: the cleaning worker died on this page", page.url)
                        return "worker_crashed"

    def _replace(self, executor: ProcessPoolExecutor) -> None:
        if executor is not self._executor:
            return
        self._executor = self._new_executor()
        _kill(executor)

    def close(self) -> None:
        if self._executor is not None:
            _kill(self._executor)
            self._executor = None


def _kill(executor: ProcessPoolExecutor) -> None:
    """Stop an executor now, running tasks included (``shutdown`` alone waits for them)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
