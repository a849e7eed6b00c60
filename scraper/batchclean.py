"""Cleaning for the batch commands (``ainews reprocess``, ``ainews import-warc``): pages are
cleaned in worker processes, and their results come back in the order the pages went in,
so the one writing process stores them in the same order whatever the number of workers,
and records and clusters do not depend on it::

    with OrderedCleaner(workers) as cleaner:
        for key, page, result in cleaner.clean((key, page) for ...):
            ...  # result: Prepared, a skip reason, or the Exception that cleaning raised

The workers are the crawl's pool (:class:`~ainews.scraper.pool.ExtractorPool`, forked: no
threads to keep from them here), driven by an event loop of this object's own that runs
while the writer waits for the next result in order: worker start, the time budget
(``too_slow``) and dead workers are handled there, in one place for the crawl and the batch
commands. A bounded number of pages is in flight (``workers * AHEAD_PER_WORKER``), so the
workers go on with the pages behind a slow one while the writer waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TypeVar

from ainews.scraper.cleaning import Prepared
from ainews.scraper.items import FetchedPage
from ainews.scraper.pool import (
    PAGE_TIMEOUT_S,
    TOO_SLOW,
    WORKER_CRASHED,
    ExtractorPool,
    clean_fetched,
    worker_count,
)

logger = logging.getLogger(__name__)

__all__ = ["AHEAD_PER_WORKER", "TOO_SLOW", "Cleaned", "OrderedCleaner", "Task", "WorkerCrashed",
           "worker_count"]

K = TypeVar("K")
#: What cleaning one page gave: the prepared article, a skip reason, or what it raised.
Cleaned = Prepared | str | Exception
#: The task a worker runs: ``clean_fetched(page, max_size)`` or one with its signature.
Task = Callable[[FetchedPage, int], Prepared | str]
#: Pages handed out per worker ahead of the one the writer waits for. Results come back in
#: order, so a slow page holds up the writer while the other workers go on with the pages
#: behind it: a few pages each keep them busy through a page several times slower than the
#: average, at the memory of a few raw pages and articles each.
AHEAD_PER_WORKER = 4


class WorkerCrashed(RuntimeError):
    """The worker process cleaning this page died (a crash in a C library, the OOM killer),
    each time it was tried: an error, so the page is tried again by the next run."""


class OrderedCleaner:
    """Cleans pages with ``task`` (:func:`~ainews.scraper.pool.clean_fetched`) in ``workers``
    processes (0: in this process, no time budget), yielding the results in input order.

    ``timeout``: seconds a page may take, counted from when a worker takes it up (as in
    the crawl). The pool's loop runs only while the writer waits for a result, so time the
    writer spends storing is never counted against a page whose result is already in.
    """

    def __init__(self, workers: int, *, timeout: float = PAGE_TIMEOUT_S, max_size: int = 0,
                 task: Task = clean_fetched, ahead: int = AHEAD_PER_WORKER) -> None:
        self.workers = max(0, workers)
        self.max_size = max_size
        self.task = task
        self.limit = max(1, self.workers * ahead)
        self.pool = ExtractorPool(self.workers, timeout, max_size=max_size, start_method="fork")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Cleaned]] = set()  # pages in flight, not yet yielded

    def __enter__(self) -> OrderedCleaner:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def clean(self, items: Iterable[tuple[K, FetchedPage]]) -> Iterator[tuple[K, FetchedPage,
                                                                            Cleaned]]:
        """``(key, page, result)`` for each ``(key, page)`` of ``items``, in their order.
        ``items`` is read ahead by up to ``workers * ahead`` pages, never more."""
        if self.workers == 0:
            for key, page in items:
                yield key, page, self._in_process(page)
            return
        loop = self._started()
        window: deque[tuple[K, FetchedPage, asyncio.Task[Cleaned]]] = deque()
        source = iter(items)
        more = True
        while True:
            while more and len(window) < self.limit:
                item = next(source, None)
                if item is None:
                    more = False
                    break
                key, page = item
                task = loop.create_task(self._clean(page))
                self._tasks.add(task)
                window.append((key, page, task))
            if not window:
                return
            key, page, task = window[0]
            result = loop.run_until_complete(task)
            window.popleft()
            self._tasks.discard(task)
            yield key, page, result

    def _started(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self.pool.start()
        return self._loop

    def _in_process(self, page: FetchedPage) -> Cleaned:
        try:
            return self.task(page, self.max_size)
        except Exception as exc:  # one bad page must not stop the others
            return _failed(page, exc)

    async def _clean(self, page: FetchedPage) -> Cleaned:
        if self._loop is None:  # closed before it began (a signal unwound its creation)
            raise asyncio.CancelledError
        try:
            result = await self.pool.run(self.task, page, self.max_size)
        except Exception as exc:  # the task's own error, raised in the worker
            return _failed(page, exc)
        if isinstance(result, str) and result == WORKER_CRASHED:  # logged by the pool
            return WorkerCrashed(f"the cleaning worker died on {page.url}")
        return result

    def close(self) -> None:
        """Stop the workers at once (pages still in flight are dropped: the writer stopped
        asking for them)."""
        loop, self._loop = self._loop, None
        tasks, self._tasks = self._tasks, set()
        if loop is None:
            return
        tasks |= asyncio.all_tasks(loop)
        try:
            self.pool.close()
            for task in tasks:
                task.cancel()
            if tasks:  # gathered: what a signal left on a task is retrieved, not logged
                _finish(loop, asyncio.gather(*tasks, return_exceptions=True))
        finally:
            loop.close()


def _finish(loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
    """Run ``loop`` until ``future`` is done. A run that a signal interrupted (Ctrl-C,
    SIGTERM) may have left its stop scheduled, which ends the next run early."""
    for _ in range(3):
        with contextlib.suppress(RuntimeError):  # "Event loop stopped before Future completed"
            loop.run_until_complete(future)
        if future.done():
            return


def _failed(page: FetchedPage, exc: BaseException) -> Exception:
    logger.error("%s: cleaning failed", page.url, exc_info=exc)
    return exc if isinstance(exc, Exception) else RuntimeError(repr(exc))
