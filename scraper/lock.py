"""One writer per database: ``ainews crawl`` and ``ainews reprocess`` take this lock."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockHeld(RuntimeError):
    """Another process is writing this database."""


@contextmanager
def crawl_lock(db_path: Path | str) -> Iterator[None]:
    """An exclusive, non-blocking lock on ``<db>.lock``; the OS drops it when the process
    dies (kill -9 included), so a stale lock never blocks cron."""
    lock_path = Path(f"{db_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="ignore").strip() or "?"
            raise LockHeld(
                f"{db_path} is being crawled by another process (pid {holder}); "
                "try again when it ends (its lock goes away even if it is killed)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
