"""Database problems as one clear error that names the file and the fix.

SQLite reports a file that is not a database, a corrupt one, a read-only directory or a
full disk as ``sqlite3`` exceptions deep inside whatever statement touched the file
first; the CLI turns a :class:`DatabaseError` into exit 2 and one line, no traceback.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class DatabaseError(RuntimeError):
    """The database at ``path`` cannot be used; ``str()`` says why and what to do."""

    def __init__(self, path: str | Path, problem: str, fix: str) -> None:
        super().__init__(f"{path}: {problem}; {fix}")
        self.path = Path(path)
        self.problem = problem
        self.fix = fix


class DatabaseTooNew(DatabaseError):
    """Written by a newer ainews: this one does not know its schema."""


class DatabaseFull(DatabaseError):
    """The disk (or the file size limit) holding the database is full."""


#: SQLite's primary result code names (``sqlite3.Error.sqlite_errorname``), by problem.
_PROBLEMS: dict[str, tuple[str, str]] = {
    "SQLITE_NOTADB": (
        "not an SQLite database",
        "pass the right --db, or move this file away to start a new database",
    ),
    "SQLITE_CORRUPT": (
        "the database file is corrupt",
        "restore a backup, or salvage it with `sqlite3 OLD.db .recover | sqlite3 NEW.db`",
    ),
    "SQLITE_READONLY": (
        "the database is read-only",
        "make the file and its directory writable (SQLite writes -wal/-shm files beside it)",
    ),
    "SQLITE_CANTOPEN": (
        "cannot open or create the database file",
        "check that its directory exists and is writable, or pass another --db",
    ),
    "SQLITE_PERM": (
        "permission denied",
        "make the file and its directory writable, or pass another --db",
    ),
    "SQLITE_FULL": (
        "the disk is full",
        "free space on the disk that holds the database, then run again",
    ),
    "SQLITE_BUSY": (  # another connection held the write lock past the busy timeout
        "the database is locked by another process (a crawl, ingest or reprocess writing it, "
        "or a tool holding a transaction open)",
        "wait for that process to finish, then run again",
    ),
    "SQLITE_LOCKED": (
        "the database is locked by another process",
        "wait for that process to finish, then run again",
    ),
    "SQLITE_IOERR": (  # also what a full disk gives in WAL mode (the -shm file)
        "disk I/O error (a full disk, a file size limit or a removed mount)",
        "free space on the disk that holds the database or fix the mount, then run again",
    ),
}


def classify(path: str | Path, exc: BaseException) -> DatabaseError:
    """The :class:`DatabaseError` for an ``sqlite3`` or OS error on the database at ``path``."""
    if isinstance(exc, DatabaseError):
        return exc
    if isinstance(exc, sqlite3.Error):
        name = (getattr(exc, "sqlite_errorname", None) or "").split("_")[:2]
        key = "_".join(name)  # SQLITE_IOERR_WRITE → SQLITE_IOERR
        if key in _PROBLEMS:
            problem, fix = _PROBLEMS[key]
            return (DatabaseFull if key == "SQLITE_FULL" else DatabaseError)(path, problem, fix)
        return DatabaseError(path, f"database error: {exc}", "check the file, or pass another --db")
    if isinstance(exc, OSError):
        where = exc.filename or path
        return DatabaseError(
            path, f"{exc.strerror or exc} ({where})",
            "make the database's directory writable, or pass another --db",
        )
    return DatabaseError(path, str(exc), "check the file, or pass another --db")


@contextmanager
def database_errors(path: str | Path) -> Iterator[None]:
    """Turn ``sqlite3`` and OS errors raised inside the block into :class:`DatabaseError`."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        raise classify(path, exc) from exc


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database or disk is full", or the I/O error a full disk
    gives in WAL mode: every later write fails too, so a crawl should stop at the first
    one instead of logging one traceback per page."""
    if isinstance(exc, DatabaseError):
        exc = exc.__cause__ or exc
    if isinstance(exc, DatabaseFull):
        return True
    name = (getattr(exc, "sqlite_errorname", "") or "") if isinstance(exc, sqlite3.Error) else ""
    return name.startswith(("SQLITE_FULL", "SQLITE_IOERR"))
