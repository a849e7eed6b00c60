"""Files that appear whole or not at all, and only as regular files.

An output path is written through a temporary ``.NAME.PID.RANDOM.part`` file beside it,
renamed over it when complete. The path is refused when something other than a regular
file is there (a symlink, a directory, a FIFO, a device such as ``/dev/stdout``): renaming
over it would replace that node. A ``.part`` file left by a killed writer (``kill -9``)
is removed by the next write to the same path once its process is gone.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

#: A ``.part`` file without a writer's pid in its name (older versions) is left alone
#: for this long, in case a writer of that version is still running.
STALE_PART_S = 3600


class OutputError(ValueError):
    """The output path cannot be written as a regular file; the message names the fix."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def check_output(path: Path) -> None:
    """Raise :class:`OutputError` unless ``path`` is absent or a regular file (not a link)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise OutputError(
            f"{path} exists and is {_kind(mode)}; refusing to replace it: give the path "
            "of a regular file (or --out - to write to standard output)"
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_parts(path: Path) -> list[Path]:
    """Remove the ``.part`` files of ``path`` whose writer is gone; returns them."""
    removed = []
    for part in path.parent.glob(f".{path.name}.*.part"):
        middle = part.name[len(path.name) + 2:-len(".part")].split(".")
        pid = int(middle[0]) if len(middle) == 2 and middle[0].isdigit() else None
        try:
            stale = not _alive(pid) if pid is not None else (
                time.time() - part.stat().st_mtime > STALE_PART_S)
            if stale and stat.S_ISREG(part.lstat().st_mode):
                part.unlink()
                removed.append(part)
        except OSError:
            continue  # gone meanwhile, or not ours to remove
    if removed:
        logger.info("removed %d stale partial file(s) of %s", len(removed), path)
    return removed


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over it on success, removed on failure,
    so a killed export never leaves a half-written file where a whole one is expected."""
    check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_parts(path)
    # Not mkstemp: its 0600 mode would survive the rename; this file gets the umask's.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o666))
    try:
        yield tmp
        check_output(path)  # again: something may have been put there meanwhile
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
