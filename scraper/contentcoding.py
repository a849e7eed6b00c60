"""Article pages travel to the cleaning workers as the server sent them (gzip), and the
worker decodes them, so the crawl process does not spend its one core inflating every page
(~1.2–1.8 ms a page, the largest single cost of Scrapy in the crawl process) and pickles a
body a fifth the size. Feeds, sitemaps and listings are read in the crawl process and are
decoded there, by Scrapy, as before.

The same bounds hold as in Scrapy's ``HttpCompressionMiddleware``: a body that inflates
past ``DOWNLOAD_MAXSIZE`` (a gzip bomb) is refused as ``too_large`` after reading at most
that much, and a damaged stream keeps what could be read of it (nothing readable: the page
is skipped as ``bad_content_encoding``). This module loads no Scrapy (workers do not).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace
from gzip import GzipFile
from io import BytesIO

from ainews.scraper.items import FetchedPage

#: Content-Encodings a worker decodes; others (deflate, br, zstd, chains of several) are
#: rare on news sites and are decoded by Scrapy in the crawl process.
WORKER_DECODED = frozenset({"gzip", "x-gzip"})
#: Skip reasons decided while decoding.
TOO_LARGE = "too_large"
BAD_CONTENT_ENCODING = "bad_content_encoding"
#: Bytes inflated per step: the size bound is checked after each.
_CHUNK = 64 * 1024


class TooLarge(ValueError):
    """The body inflates past the size bound."""


def decoded_page(page: FetchedPage, max_size: int) -> FetchedPage:
    """``page`` with its body decoded (unchanged when it has no Content-Encoding).

    ``max_size``: bytes the decoded body may have at most (0: no bound). Raises
    :class:`TooLarge` past it, ``ValueError`` when nothing can be decoded."""
    if not page.content_encoding:
        return page
    if page.content_encoding.strip().lower() not in WORKER_DECODED:
        raise ValueError(f"unsupported Content-Encoding {page.content_encoding!r}")
    return replace(page, body=gunzip(page.body, max_size), content_encoding=None)


def gunzip_head(data: bytes, size: int) -> bytes:
    """The first ``size`` bytes of a gzip stream, inflating no more than that (the meta
    refresh check reads the head of a page); ``ValueError`` when it is no gzip stream."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, size)
    except zlib.error as exc:
        raise ValueError(f"not a readable gzip stream: {exc}") from None


def gunzip(data: bytes, max_size: int = 0) -> bytes:
    """Decompress a gzip stream (several members too), as Scrapy's ``gunzip`` does: a
    damaged or truncated stream gives what could be read before the damage, an error only
    when that is nothing."""
    reader = GzipFile(fileobj=BytesIO(data))
    out = BytesIO()
    size = 0
    while True:
        try:
            chunk = reader.read1(_CHUNK)
        except (OSError, EOFError, struct.error, zlib.error) as exc:
            if size:
                break
            raise ValueError(f"not a readable gzip stream: {exc}") from None
        if not chunk:
            break
        size += len(chunk)
        if max_size and size > max_size:
            raise TooLarge(f"over {max_size} bytes once decompressed")
        out.write(chunk)
    return out.getvalue()
