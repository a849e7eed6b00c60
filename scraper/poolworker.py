"""One cleaning worker process and its pipe, read and written by the crawl's event loop.

The crawl process has no helper thread for its workers: each worker has one socket pair,
whose end in the crawl process is non-blocking and watched by the event loop
(``loop.add_reader``/``add_writer``), and the worker's exit is seen on its process sentinel.
``ProcessPoolExecutor`` ran a manager thread and a queue feeder thread per pool that woke
~6 times a page and cost ~1 ms of the crawl process's CPU a page
(``python -m benchmarks.pool_ipc``).

Messages are framed as :class:`multiprocessing.connection.Connection` frames them (a 4-byte
big-endian signed length; -1 then an 8-byte length for 2 GiB and more), so the worker side
is the plain blocking ``recv_bytes``/``send_bytes``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing.connection
import os
import pickle
import struct
from collections import deque
from collections.abc import Callable
from multiprocessing.context import BaseContext
from typing import Any

logger = logging.getLogger(__name__)

#: Outcomes a worker's task ends with (the first item of what its future gets).
DONE, RAISED, LOST = "done", "raised", "lost"

_SIZE = struct.Struct("!i")
_LONG_SIZE = struct.Struct("!Q")
_LONG = 0x7FFFFFFF
#: Bytes read from a worker's pipe at once (a result is ~60 KB).
_READ_CHUNK = 256 * 1024


def serve(conn: multiprocessing.connection.Connection,
          initializer: Callable[[], None] | None) -> None:
    """A worker process's loop: ``(task, args)`` in, ``(DONE, result)`` or ``(RAISED,
    exception)`` out, in order, until the crawl process closes its end."""
    if initializer is not None:
        initializer()
    while True:
        try:
            task, args = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        try:
            reply = pickle.dumps((DONE, task(*args)), pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001  handed back to the caller, as an executor does
            reply = _raised(exc)
        conn.send_bytes(reply)


def _raised(exc: BaseException) -> bytes:
    try:
        return pickle.dumps((RAISED, exc), pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001  an exception that does not pickle: its text does
        return pickle.dumps((RAISED, RuntimeError(f"{type(exc).__name__}: {exc}")),
                            pickle.HIGHEST_PROTOCOL)


def frame(payload: bytes) -> bytes:
    """The header :meth:`Connection.recv_bytes` expects before ``payload``."""
    if len(payload) > _LONG:
        return _SIZE.pack(-1) + _LONG_SIZE.pack(len(payload))
    return _SIZE.pack(len(payload))


class Worker:
    """The crawl process's side of one worker: its tasks in flight (a worker takes them in
    the order they were sent), the bytes not yet written to it and not yet framed from it.

    ``on_lost(worker)`` is called once when the worker's pipe or process ends; the pool
    then decides what becomes of the tasks still in flight (:meth:`take_waiting`).
    """

    def __init__(self, context: BaseContext, initializer: Callable[[], None] | None) -> None:
        mine, theirs = context.Pipe(duplex=True)
        self.process = context.Process(target=serve, args=(theirs, initializer), daemon=True,
                                       name="ainews-cleaner")
        self.process.start()
        theirs.close()  # the worker holds its end; ours alone would never see EOF
        self._conn = mine
        self.fd = mine.fileno()
        os.set_blocking(self.fd, False)
        self.waiting: deque[asyncio.Future] = deque()
        self.head_started = 0.0  # loop time the oldest task in flight reached the worker
        self._out: deque[memoryview] = deque()
        self._in = bytearray()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_lost: Callable[[Worker], None] | None = None
        self._on_head: Callable[[Worker], None] | None = None
        self.alive = True

    def attach(self, loop: asyncio.AbstractEventLoop, on_lost: Callable[[Worker], None],
               on_head: Callable[[Worker], None]) -> None:
        """Watch the pipe and the process on ``loop`` (again when the loop changed).
        ``on_head(worker)`` is called when a result arrived and the next task in flight, if
        any, is the one the worker is on."""
        if self._loop is loop:
            return
        self._detach()
        self._loop, self._on_lost, self._on_head = loop, on_lost, on_head
        loop.add_reader(self.fd, self._read)
        loop.add_reader(self.process.sentinel, self._exited)
        if self._out:
            loop.add_writer(self.fd, self._writable)

    def _detach(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.remove_reader(self.fd)
            loop.remove_writer(self.fd)
            loop.remove_reader(self.process.sentinel)
        self._loop = None

    def send(self, payload: bytes, future: asyncio.Future) -> None:
        """Queue ``payload`` (a pickled ``(task, args)``) for the worker; ``future`` gets
        its outcome."""
        assert self._loop is not None
        if not self.waiting:
            self.head_started = self._loop.time()
        self.waiting.append(future)
        if self._out:
            self._out.append(memoryview(frame(payload)))
            self._out.append(memoryview(payload))
            return
        header = frame(payload)
        try:
            written = os.writev(self.fd, (header, payload))
        except BlockingIOError:
            written = 0
        except OSError:
            self._lose()
            return
        if written < len(header) + len(payload):
            if written < len(header):
                self._out.append(memoryview(header)[written:])
                self._out.append(memoryview(payload))
            else:
                self._out.append(memoryview(payload)[written - len(header):])
            self._loop.add_writer(self.fd, self._writable)

    def _writable(self) -> None:
        while self._out:
            chunk = self._out[0]
            try:
                written = os.write(self.fd, chunk)
            except BlockingIOError:
                return
            except OSError:
                self._lose()
                return
            if written < len(chunk):
                self._out[0] = chunk[written:]
                return
            self._out.popleft()
        assert self._loop is not None
        self._loop.remove_writer(self.fd)

    def _read(self) -> bool:
        """One read (the loop calls again while bytes are left: no BlockingIOError raised
        and caught on every result); whole results go to their tasks. False when nothing
        more can be read now."""
        try:
            data = os.read(self.fd, _READ_CHUNK)
        except BlockingIOError:
            return False
        except OSError:
            data = b""
        if not data:  # the worker closed its end: it is gone
            self._deliver()
            self._lose()
            return False
        self._in += data
        self._deliver()
        return True

    def _deliver(self) -> None:
        """Hand each whole result in the buffer to the oldest task in flight."""
        buffer = self._in
        start = 0
        while len(buffer) - start >= _SIZE.size:
            (size,) = _SIZE.unpack_from(buffer, start)
            header = _SIZE.size
            if size == -1:
                if len(buffer) - start < _SIZE.size + _LONG_SIZE.size:
                    break
                (size,) = _LONG_SIZE.unpack_from(buffer, start + _SIZE.size)
                header += _LONG_SIZE.size
            end = start + header + size
            if len(buffer) < end:
                break
            with memoryview(buffer) as view:
                outcome = pickle.loads(view[start + header:end])
            start = end
            future = self.waiting.popleft()
            if self.waiting:
                assert self._loop is not None
                self.head_started = self._loop.time()
            if not future.done():
                future.set_result(outcome)
            if self._on_head is not None and self.alive:
                self._on_head(self)
        if start:
            del buffer[:start]

    def _exited(self) -> None:
        while self.alive and self._read():  # results it wrote before it died still count
            pass
        self._lose()

    def _lose(self) -> None:
        if not self.alive:
            return
        self.alive = False
        self._detach()
        if self._on_lost is not None:
            self._on_lost(self)

    def take_waiting(self) -> list[asyncio.Future]:
        """The tasks in flight, oldest (the one the worker was on) first; none remain."""
        waiting = list(self.waiting)
        self.waiting.clear()
        return waiting

    def kill(self) -> None:
        """Stop the worker now, whatever it is doing; its tasks stay for :meth:`take_waiting`."""
        self.alive = False
        self._detach()
        self._out.clear()
        self._conn.close()
        if self.process.is_alive():
            self.process.kill()

    def reap(self, timeout: float) -> None:
        """Wait up to ``timeout`` s for the killed process to be gone."""
        self.process.join(timeout)

    def __repr__(self) -> str:
        return f"<Worker pid={self.process.pid} in flight={len(self.waiting)}>"


def resolve(future: asyncio.Future, outcome: tuple[str, Any]) -> None:
    """``future`` gets ``outcome`` unless it is done already or its loop is gone."""
    if not future.done() and not future.get_loop().is_closed():
        future.set_result(outcome)
