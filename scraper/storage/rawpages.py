"""The stored form of a raw page (``pages.raw_page``), kept for ``ainews reprocess``: the one
place that compresses a page (in a cleaning worker, the store or a scale-out worker) and
reads it back.

Pages are stored as zstd frames at level 3. Measured on the 266 shared benchmark pages
(264 KB of HTML each on average; ``python -m benchmarks.clean_profile --codecs``): zstd 3
takes 1.4 ms of CPU a page and stores 47.5 KB, where gzip 6 took 8.6 ms for 50.2 KB and
gzip 1 3.5 ms for 60.1 KB; zstd also decompresses 3x faster. Rows written before hold
gzip members: a value is read by its magic bytes, so both kinds decompress.
"""

from __future__ import annotations

import gzip
import threading
import zlib

import zstandard

#: zstd level of stored raw pages: 3 (zstd's default) is smaller than gzip 6 at a sixth of
#: its CPU; level 6 saves another 8% of bytes for three times the time.
RAW_ZSTD_LEVEL = 3
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"


_LOCAL = threading.local()  # a compressor must not be used by two threads at once


def compress_raw(body: bytes) -> bytes:
    """The raw page as stored: a zstd frame that records its content size.

    Each thread keeps its compressor: making one per page (its context's tables) cost
    ~0.17 ms of the ~1 ms a page takes; the frames are the same bytes."""
    if (compressor := getattr(_LOCAL, "compressor", None)) is None:
        compressor = _LOCAL.compressor = zstandard.ZstdCompressor(level=RAW_ZSTD_LEVEL)
    return compressor.compress(body)


def is_stored_raw(value: bytes) -> bool:
    """``value`` starts as a stored raw page does (zstd, or gzip from before)."""
    return value.startswith((ZSTD_MAGIC, GZIP_MAGIC))


def decompress_raw(stored: bytes) -> bytes:
    """The raw page of a stored value, zstd or (rows written before) gzip.

    Raises ``ValueError`` for a value that is neither, or damaged."""
    try:
        if stored.startswith(ZSTD_MAGIC):
            return zstandard.ZstdDecompressor().decompress(stored)
        if stored.startswith(GZIP_MAGIC):
            return gzip.decompress(stored)
    except (zstandard.ZstdError, OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"stored raw page is damaged: {exc}") from exc
    raise ValueError(f"stored raw page in an unknown format (starts {stored[:4].hex()})")
