"""The cleaning pool: its worker processes never outlive the crawl process, each page gets
its whole time budget however long it waited in a worker's queue, and a worker that dies
costs only the page it was on."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ainews.scraper.pool import TOO_SLOW, WORKER_CRASHED, ExtractorPool

REPO = Path(__file__).resolve().parent.parent

#: A crawl-like parent: starts a pool, makes its workers run, prints their pids, waits.
_PARENT = """
import asyncio, json, os, sys, time
from ainews.scraper.pool import ExtractorPool

async def pids(pool):
    return await asyncio.gather(*(pool.run(os.getpid) for _ in range(8)))

if __name__ == "__main__":
    pool = ExtractorPool(2, start_method=sys.argv[1])
    pool.start()
    seen = set(asyncio.run(pids(pool)))
    print(json.dumps(sorted(seen | {w.process.pid for w in pool._workers})), flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie has exited; its parent just has not reaped it
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@pytest.mark.parametrize("start_method", ["forkserver", "fork"])  # the crawl's, a batch's
def test_workers_exit_when_the_crawl_process_is_killed(tmp_path: Path, start_method: str) -> None:
    parent = tmp_path / "parent.py"
    parent.write_text(_PARENT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(parent), start_method], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        workers = json.loads(proc.stdout.readline())
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
        proc.send_signal(signal.SIGKILL)  # what cron's timeout or the OOM killer does
        proc.wait()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived the crawl"
    finally:
        proc.kill()
        proc.wait()


def test_a_queued_page_gets_its_whole_time_budget() -> None:
    """Each worker has a page queued behind the one it cleans (so it never waits for the
    crawl process between pages); a page's time budget starts when the worker takes it."""
    pool = ExtractorPool(1, timeout=2.0)
    pool.start()

    async def two_pages() -> list[object]:
        await pool.run(int)  # the worker is up: its start is not timed
        return await asyncio.gather(pool.run(time.sleep, 1.2), pool.run(time.sleep, 1.2))

    try:  # the second page waits 1.2 s in the queue, then takes 1.2 s of its 2 s
        assert asyncio.run(two_pages()) == [None, None]
        assert (pool.occupancy.pages, pool.occupancy.most) == (3, 2)
    finally:
        pool.close()


def _crash() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _fail() -> None:
    raise ValueError("a task's own error")


def test_a_dying_or_stuck_worker_costs_only_its_page_and_is_replaced() -> None:
    """The page a worker died on is tried once more, then skipped as ``worker_crashed``;
    a page over its budget is ``too_slow``; the pages queued behind either are cleaned by
    a live worker, and the pool keeps its number of workers."""
    pool = ExtractorPool(1, timeout=5.0)  # honest tasks take well under 1 s, even at load 15
    pool.start()
    first = pool._workers[0].process.pid

    async def run() -> tuple[list[object], list[object], object]:
        crashed = await asyncio.gather(pool.run(_crash), pool.run(os.getpid))
        slow = await asyncio.gather(pool.run(time.sleep, 30), pool.run(os.getpid))
        try:
            await pool.run(_fail)
        except ValueError as exc:
            failed: object = str(exc)
        return crashed, slow, failed

    try:
        crashed, slow, failed = asyncio.run(run())
        assert crashed[0] == WORKER_CRASHED and slow[0] == TOO_SLOW
        live = [crashed[1], slow[1]]
        assert first not in live and all(isinstance(pid, int) for pid in live)
        assert failed == "a task's own error"  # raised in the caller, the worker lives on
        assert len(pool._workers) == 1 and pool._workers[0].process.pid == slow[1]
    finally:
        pool.close()


def test_pages_larger_than_the_pipe_go_both_ways_without_blocking_the_loop() -> None:
    """A page and a result of several MB are written and read in pieces as the pipe
    drains (the event loop never waits on a worker), in order, whole."""
    pool = ExtractorPool(1)
    pool.start()
    pages = [bytes([n]) * (3_000_000 + n) for n in range(3)]

    async def echo() -> list[bytes]:
        return await asyncio.gather(*(pool.run(bytes, page) for page in pages))

    try:
        assert asyncio.run(echo()) == pages
    finally:
        pool.close()
