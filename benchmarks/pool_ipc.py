"""What handing pages to a cleaning worker costs the crawl process: ``ProcessPoolExecutor``
(the pool until this release: a manager thread and a queue feeder thread in the crawl
process), a thread-less prototype (one pipe per worker, read by the event loop with
``add_reader``) and the crawl's :class:`~ainews.scraper.pool.ExtractorPool` (the prototype
built for real: non-blocking writes, the time budget, crash handling).

Run from the checkout: ``python -m benchmarks.pool_ipc [--tasks 300] [--rounds 3]``.

Each task carries a page-sized payload (51 KB, a gzip page of the crawl benchmark's web),
burns 20 ms of the worker's CPU (a page's cleaning, so the submitting threads sleep between
results as they do in a crawl) and returns a result-sized one (59 KB); two tasks are in hand
per worker, as ``ainews.scraper.pool.QUEUED_PER_WORKER``. Prints the submitting process's
CPU per task, the three ways alternating in each round. The prototype has none of the
pool's time budget, crash handling or partial writes: the difference between it and
``ExtractorPool`` is what those cost.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import multiprocessing.connection
import os
import pickle
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from ainews.scraper.pool import ExtractorPool

PAGE = os.urandom(51_000)
RESULT = os.urandom(59_000)
IN_HAND = 2
TASK_CPU_S = 0.02


def _task(_page: bytes) -> bytes:
    end = time.process_time() + TASK_CPU_S
    while time.process_time() < end:
        pass
    return RESULT


def _pipe_worker(conn: multiprocessing.connection.Connection) -> None:
    while True:
        try:
            task, arg = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        conn.send_bytes(pickle.dumps(task(arg), protocol=pickle.HIGHEST_PROTOCOL))


async def _in_hand(tasks: int, submit: Callable[[], asyncio.Future]) -> float:
    """CPU seconds of this process to run ``tasks`` tasks, ``IN_HAND`` at a time."""
    slots = asyncio.Semaphore(IN_HAND)

    async def one() -> None:
        async with slots:
            await submit()

    start = time.process_time()
    await asyncio.gather(*(one() for _ in range(tasks)))
    return time.process_time() - start


async def executor_cpu(tasks: int) -> float:
    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))
    try:
        executor.submit(int).result()  # started outside the measurement
        return await _in_hand(tasks, lambda: asyncio.wrap_future(executor.submit(_task, PAGE)))
    finally:
        executor.shutdown()


async def pipe_cpu(tasks: int) -> float:
    context = multiprocessing.get_context("forkserver")
    mine, theirs = context.Pipe()
    worker = context.Process(target=_pipe_worker, args=(theirs,), daemon=True)
    worker.start()
    loop = asyncio.get_running_loop()
    waiting: deque[asyncio.Future] = deque()
    loop.add_reader(mine.fileno(),
                    lambda: waiting.popleft().set_result(pickle.loads(mine.recv_bytes())))

    def submit() -> asyncio.Future:
        waiting.append(future := loop.create_future())
        mine.send_bytes(pickle.dumps((_task, PAGE), protocol=pickle.HIGHEST_PROTOCOL))
        return future

    try:
        await submit()  # started outside the measurement
        return await _in_hand(tasks, submit)
    finally:
        loop.remove_reader(mine.fileno())
        mine.close()
        worker.join(5)


async def extractor_pool_cpu(tasks: int) -> float:
    pool = ExtractorPool(1)
    pool.start()
    try:
        await pool.run(int)  # started outside the measurement
        return await _in_hand(tasks, lambda: pool.run(_task, PAGE))
    finally:
        pool.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"submitting process, CPU ms per task ({args.tasks} tasks, {IN_HAND} in hand)")
    for n in range(1, args.rounds + 1):
        executor = asyncio.run(executor_cpu(args.tasks))
        pipe = asyncio.run(pipe_cpu(args.tasks))
        pool = asyncio.run(extractor_pool_cpu(args.tasks))
        print(f"round {n}: ProcessPoolExecutor {1000 * executor / args.tasks:.3f}, "
              f"thread-less pipe {1000 * pipe / args.tasks:.3f}, ExtractorPool "
              f"{1000 * pool / args.tasks:.3f}; load average {os.getloadavg()[0]:.2f}",
              flush=True)


if __name__ == "__main__":
    main()
