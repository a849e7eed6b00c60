"""The cleaning pool: its worker processes never outlive the crawl process, and each
page gets its whole time budget however long it waited in a worker's queue."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ainews.scraper.pool import ExtractorPool

REPO = Path(__file__).resolve().parent.parent

#: A crawl-like parent: starts a pool, makes its workers run, prints their pids, waits.
_PARENT = """
import json, os, sys, time
from ainews.scraper.pool import ExtractorPool
pool = ExtractorPool(2)
pool.start()
executor = pool._executor
assert executor is not None
pids = sorted({executor.submit(os.getpid).result() for _ in range(8)} | set(executor._processes))
print(json.dumps(pids), flush=True)
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


def test_workers_exit_when_the_crawl_process_is_killed() -> None:
    proc = subprocess.Popen([sys.executable, "-c", _PARENT], cwd=REPO, stdout=subprocess.PIPE,
                            text=True)
    try:
        workers = json.loads(proc.stdout.readline())
        assert workers and all(_alive(pid) for pid in workers)
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
    assert pool._executor is not None
    pool._executor.submit(int).result()  # the worker is up: its start is not timed

    async def two_pages() -> list[object]:
        return await asyncio.gather(pool._run(time.sleep, 1.2), pool._run(time.sleep, 1.2))

    try:  # the second page waits 1.2 s in the queue, then takes 1.2 s of its 2 s
        assert asyncio.run(two_pages()) == [None, None]
        assert (pool.occupancy.pages, pool.occupancy.most) == (2, 2)
    finally:
        pool.close()
