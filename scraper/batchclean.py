"""Cleaning for the batch commands (``ainews reprocess``, ``ainews import-warc``): pages are
cleaned in worker processes, and their results come back in the order the pages went in,
so the one writing process stores them in the same order whatever the number of workers,
and records and clusters do not depend on it.

The crawl's pool (``ainews.scraper.pool``) serves an event loop; this one a plain loop::

    with OrderedCleaner(workers) as cleaner:
        for key, page, result in cleaner.clean((key, page) for ...):
            ...  # result: Prepared, a skip reason, or the Exception that cleaning raised

A bounded number of pages is in flight (``workers * AHEAD_PER_WORKER``). A worker that dies
costs the page it cleaned (:class:`WorkerCrashed`), a page that takes over its time budget is
``too_slow``; either way the worker is replaced and the others go on.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

from ainews.scraper.cleaning import Prepared
from ainews.scraper.items import FetchedPage
from ainews.scraper.pool import (
    PAGE_TIMEOUT_S,
    TOO_SLOW,
    _worker_init,
    clean_fetched,
    default_workers,
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
    """The worker process cleaning this page died (a crash in a C library, the OOM killer)."""


def worker_count(workers: int) -> int:
    """``AINEWS_WORKERS`` semantics: a negative count is one worker per core, 0 cleans in
    the calling process."""
    return default_workers() if workers < 0 else workers


#: Signals held while the workers are forked (:meth:`OrderedCleaner._submit`).
_HELD = {signal.SIGINT, signal.SIGTERM}


def _init_batch_worker() -> None:
    # A forked worker inherits the command's SIGTERM handler (which unwinds the command):
    # a worker stops as the process group's signal says, and leaves unwinding to the writer.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_init()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # held while it was forked


_PENDING: Any = object()


@dataclass
class _Entry(Generic[K]):
    key: K
    page: FetchedPage
    future: Future | None = None
    result: Any = _PENDING


class OrderedCleaner:
    """Cleans pages with ``task`` (:func:`~ainews.scraper.pool.clean_fetched`) in ``workers``
    processes (0: in this process, no time budget), yielding the results in input order.

    ``timeout``: seconds a page may take, counted from when the writer waits for it (by
    then every page before it is done, so it is in a worker's hands).
    """

    def __init__(self, workers: int, *, timeout: float = PAGE_TIMEOUT_S, max_size: int = 0,
                 task: Task = clean_fetched, ahead: int = AHEAD_PER_WORKER) -> None:
        self.workers = max(0, workers)
        self.timeout = timeout
        self.max_size = max_size
        self.task = task
        self.limit = max(1, self.workers * ahead)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> OrderedCleaner:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close(kill=exc_type is not None)

    def clean(self, items: Iterable[tuple[K, FetchedPage]]) -> Iterator[tuple[K, FetchedPage,
                                                                            Cleaned]]:
        """``(key, page, result)`` for each ``(key, page)`` of ``items``, in their order.
        ``items`` is read ahead by up to ``workers * ahead`` pages, never more."""
        if self.workers == 0:
            for key, page in items:
                yield key, page, self._in_process(page)
            return
        window: deque[_Entry[K]] = deque()
        source = iter(items)
        more = True
        while True:
            while more and len(window) < self.limit:
                item = next(source, None)
                if item is None:
                    more = False
                    break
                entry = _Entry(*item)
                self._submit(entry)
                window.append(entry)
            if not window:
                return
            head = window[0]
            result = self._result(head, window)
            window.popleft()
            yield head.key, head.page, result

    def _in_process(self, page: FetchedPage) -> Cleaned:
        try:
            return self.task(page, self.max_size)
        except Exception as exc:  # one bad page must not stop the others
            return _failed(page, exc)

    def _submit(self, entry: _Entry[K]) -> None:
        if self._executor is None:
            self._executor = self._new_executor()
        # An executor forks its workers on its first submit. A SIGTERM or Ctrl-C handled
        # in the middle of a fork, in the interpreter's at-fork hooks, would be printed and
        # lost ("Exception ignored"): both are held until the fork is done.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        try:
            entry.future = self._executor.submit(self.task, entry.page, self.max_size)
        except BrokenProcessPool as exc:  # a worker died since the last page: found on waiting
            entry.future = Future()
            entry.future.set_exception(exc)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _new_executor(self) -> ProcessPoolExecutor:
        # fork: a batch command has no reactor threads or sockets to keep from its workers,
        # and a forked worker has the extraction code loaded already (forkserver imports it
        # again: ~1.8 s before the first page on a loaded 2-core machine, ~0.1 s with fork).
        # The executor forks all its workers when it starts, before its own threads run.
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_init_batch_worker)

    def _result(self, head: _Entry[K], window: deque[_Entry[K]]) -> Cleaned:
        """The head page's result; on a dead worker or a page past its budget, the pool is
        replaced and the pages it held are given to the new one."""
        if head.result is not _PENDING:
            return head.result
        assert head.future is not None
        try:
            return head.future.result(timeout=self.timeout)
        except BrokenProcessPool:
            # Every page in the window lost its worker; which page killed it is not known:
            # each is cleaned again alone, so only the page that kills a worker again fails.
            self._restart()
            self._alone(window)
            return head.result
        except TimeoutError as exc:
            if head.future.done():  # the task's own TimeoutError
                return _failed(head.page, exc)
            logger.warning("%s: cleaning took over %.0fs; abandoned", head.page.url, self.timeout)
            self._restart()
            for entry in list(window)[1:]:
                settled = _settled(entry)
                if settled is _PENDING:
                    self._submit(entry)
                else:
                    entry.result = settled
            return TOO_SLOW
        except Exception as exc:
            return _failed(head.page, exc)

    def _alone(self, window: deque[_Entry[K]]) -> None:
        """Clean each unfinished page of ``window`` with no other page in the pool."""
        for entry in window:
            settled = _settled(entry)
            if settled is not _PENDING:
                entry.result = settled
                continue
            self._submit(entry)
            assert entry.future is not None
            try:
                entry.result = entry.future.result(timeout=self.timeout)
            except BrokenProcessPool:
                logger.error("%s: the cleaning worker died on this page", entry.page.url)
                entry.result = WorkerCrashed(f"the cleaning worker died on {entry.page.url}")
                self._restart()
            except TimeoutError as exc:
                if entry.future.done():
                    entry.result = _failed(entry.page, exc)
                else:
                    logger.warning("%s: cleaning took over %.0fs; abandoned", entry.page.url,
                                   self.timeout)
                    entry.result = TOO_SLOW
                    self._restart()
            except Exception as exc:
                entry.result = _failed(entry.page, exc)

    def _restart(self) -> None:
        if self._executor is not None:
            _kill(self._executor)
        self._executor = self._new_executor()

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers: at once with ``kill`` (pages in flight are dropped), else when
        they are done."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:
            _kill(executor)
        else:
            executor.shutdown(wait=True, cancel_futures=True)


def _settled(entry: _Entry[Any]) -> Any:
    """The entry's result when its future finished with one (not a lost worker), else
    ``_PENDING``."""
    future = entry.future
    if entry.result is not _PENDING:
        return entry.result
    if future is None or not future.done() or future.cancelled():
        return _PENDING
    exc = future.exception()
    if isinstance(exc, BrokenProcessPool):
        return _PENDING
    return _failed(entry.page, exc) if exc is not None else future.result()


def _failed(page: FetchedPage, exc: BaseException) -> Exception:
    logger.error("%s: cleaning failed", page.url, exc_info=exc)
    return exc if isinstance(exc, Exception) else RuntimeError(repr(exc))


def _kill(executor: ProcessPoolExecutor) -> None:
    """Stop an executor now, pages in hand included (``shutdown`` alone waits for them)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(5)
