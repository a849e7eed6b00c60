"""Scrapy's own refusals, raised as :class:`~ainews.scraper.skips.SkipRequest` with their reason.

Scrapy's robots.txt and decompression middlewares raise a plain ``IgnoreRequest``; these
subclasses name the reason at the moment it is decided, so the spider never parses
exception messages to count skips.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import zlib
from typing import Any

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from ainews.scraper.contentcoding import BAD_CONTENT_ENCODING, WORKER_DECODED
from ainews.scraper.skips import SkipRequest

logger = logging.getLogger(__name__)

#: The part of a robots.txt that is read: Google's documented limit (500 KiB; it ignores
#: the rest). Protego took 14 s to parse a 10 MB one of 450,000 rules and 0.4 s to check
#: each URL against it, in the crawl process, for every request to that site.
MAX_ROBOTS_TXT_BYTES = 500 * 1024


class RobotsTxtSkips(RobotsTxtMiddleware):
    """Scrapy's robots.txt check; a forbidden URL is skip reason ``robots_txt``."""

    async def robot_parser(self, request: Any) -> Any:
        """Scrapy's parser lookup, fixed for concurrent waiters: requests that arrive while
        robots.txt is downloading all await one Deferred, and under the asyncio reactor
        only the first gets the parser (Twisted's ``asFuture`` callback passes None on), so
        the others went out unchecked. Once the download is done the parser is in
        ``_parsers``: read it from there."""
        parser = await super().robot_parser(request)
        if parser is None:
            parser = self._parsers.get(urlparse_cached(request).netloc)
        return None if isinstance(parser, Deferred) else parser

    async def _parse_robots(self, response: Any, netloc: str, request: Any) -> None:
        """Scrapy's parsing, of the first :data:`MAX_ROBOTS_TXT_BYTES` only."""
        if len(response.body) > MAX_ROBOTS_TXT_BYTES:
            self._stats.inc_value("ainews/robots_txt_truncated")
            logger.warning("%s: robots.txt of %d bytes; reading its first %d", netloc,
                           len(response.body), MAX_ROBOTS_TXT_BYTES)
            response = response.replace(body=response.body[:MAX_ROBOTS_TXT_BYTES])
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp: Any, request: Any) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise SkipRequest("robots_txt", str(exc)) from None


class DecompressionSkips(HttpCompressionMiddleware):
    """Scrapy's decompression; a body over DOWNLOAD_MAXSIZE once decompressed (a gzip or
    brotli bomb) is skip reason ``too_large``, one that cannot be decoded (``gzip`` on a
    plain body, garbage, ``gzip, gzip`` on a body gzipped once) ``bad_content_encoding``
    (final, as browsers refuse it too; it was an exception retried every run).

    A gzip-encoded HTML article page is left encoded (``AINEWS_DECODE_IN_WORKERS``, on by
    default): the cleaning worker decodes it under the same bound
    (``ainews.scraper.contentcoding``), so the crawl process does not inflate every page.
    Feeds, sitemaps and listings are decoded here: the crawl process reads them."""

    def __init__(self, stats: Any = None, *, crawler: Any = None) -> None:
        super().__init__(stats, crawler=crawler)
        self.pass_articles = bool(
            crawler and crawler.settings.getbool("AINEWS_DECODE_IN_WORKERS", True))

    def process_response(self, request: Any, response: Any) -> Any:
        if self.pass_articles and _worker_decodes(request, response):
            return response
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise SkipRequest("too_large", str(exc)) from None
        except _DECODE_ERRORS as exc:  # "gzip" on a body that is not, a cut-off brotli
            raise SkipRequest(BAD_CONTENT_ENCODING, f"{_encodings(response)}: {exc!r}"[:300]) \
                from None


def _decode_errors() -> tuple[type[BaseException], ...]:
    """What Scrapy's decoders raise on bytes that are not what the Content-Encoding says
    (gzip: ``BadGzipFile``, an OSError; ``EOFError``; zlib, brotli and zstd errors)."""
    errors: list[type[BaseException]] = [OSError, EOFError, zlib.error]
    for module, name in (("brotli", "error"), ("brotlicffi", "error"),
                         ("zstandard", "ZstdError"), ("backports.zstd", "ZstdError"),
                         ("compression.zstd", "ZstdError")):  # whichever Scrapy uses
        with contextlib.suppress(ImportError, AttributeError):  # not installed
            errors.append(getattr(importlib.import_module(module), name))
    return tuple(errors)


_DECODE_ERRORS = _decode_errors()


def _encodings(response: Any) -> str:
    return b", ".join(response.headers.getlist("Content-Encoding")).decode("latin-1")[:100]


def _worker_decodes(request: Any, response: Any) -> bool:
    """An HTML article page in one Content-Encoding a cleaning worker decodes."""
    if request.meta.get("kind") != "article" or request.method == "HEAD" \
            or not declared_html(response):
        return False
    encodings = b",".join(response.headers.getlist("Content-Encoding")).split(b",")
    return len(encodings) == 1 and \
        encodings[0].strip().lower().decode("latin-1") in WORKER_DECODED


def declared_html(response: Any) -> bool:
    """The response's Content-Type is HTML (Scrapy makes an encoded response a plain
    ``Response`` whatever its type, and decides again once it is decoded)."""
    content_type = response.headers.get("Content-Type")
    return bool(content_type) and issubclass(
        responsetypes.from_content_type(content_type), HtmlResponse)
