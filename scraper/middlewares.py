"""Downloader middlewares: only http(s), stay on the sites' domains, refuse private
addresses (before the request and at the address actually connected to), honour Retry-After.

Each refusal raises :class:`~ainews.scraper.skips.SkipRequest` with the reason it is counted under.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.asyncio import call_later

from ainews.scraper.contentcoding import gunzip_head
from ainews.scraper.refusals import declared_html
from ainews.scraper.sites import on_domains
from ainews.scraper.skips import SkipRequest
from ainews.scraper.urls import host_of

logger = logging.getLogger(__name__)

#: Longest Retry-After we wait for; a server asking for more is retried next run.
MAX_RETRY_AFTER_S = 300


def is_private_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local, reserved or multicast: anything not the public web.

    An IPv6 address that embeds an IPv4 one (IPv4-mapped ``::ffff:127.0.0.1``,
    IPv4-compatible ``::127.0.0.1``, NAT64 ``64:ff9b::7f00:1``, 6to4, Teredo) is judged by
    the IPv4 address it reaches: ``ipaddress`` calls several of these global.
    """
    embedded = _embedded_ipv4(address) if address.version == 6 else None
    if embedded is not None:
        return is_private_address(embedded)
    return not address.is_global or address.is_multicast


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # RFC 4291 (deprecated), ::a.b.c.d


def _embedded_ipv4(address: Any) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


@lru_cache(maxsize=4096)
def _is_private_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return False  # let the download fail with Scrapy's own DNS error
    return any(is_private_address(ipaddress.ip_address(info[4][0].split("%")[0]))
               for info in infos)


#: The only schemes ever requested. Scrapy also has handlers for file:, data:, ftp: and s3:
#: URLs; a feed item or sitemap <loc> of ``file://<site domain>/etc/passwd`` would read a
#: local file and store it as an article.
WEB_SCHEMES = frozenset(("http", "https"))


class SchemeMiddleware:
    """Refuses every request whose scheme is not http(s): discovery drops such links
    already; this catches every other way in (a frontier row, a redirect, a new parser)."""

    def process_request(self, request: Any) -> None:
        scheme = urlsplit(request.url).scheme.lower()
        if scheme not in WEB_SCHEMES:
            raise SkipRequest("scheme", f"refused {scheme or 'no'} scheme: {request.url[:200]}")
        return None


class PrivateAddressMiddleware:
    """Refuses requests to loopback, private and link-local addresses (SSRF via feeds or
    redirects) unless the sites file sets ``allow_private = true``. Redirects pass through
    here again, so a public URL redirecting to 127.0.0.1 is refused too; a response that
    came from a private address anyway (DNS rebinding) is refused before anyone reads it."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateAddressMiddleware:
        if crawler.settings.getbool("AINEWS_ALLOW_PRIVATE"):
            raise NotConfigured  # the sites file allows private addresses (demo, tests)
        return cls(crawler.stats)

    def process_request(self, request: Any) -> None:
        host = host_of(request.url)
        if _is_private_host(host):
            raise SkipRequest("private_address", f"{host} for {request.url}")
        return None

    def process_response(self, request: Any, response: Any) -> Any:
        """DNS rebinding: the name may resolve elsewhere at connection time than when
        ``process_request`` looked it up; judge the address the download really used."""
        address = getattr(response, "ip_address", None)
        if address is not None and is_private_address(address):
            raise SkipRequest("private_address", f"connected to {address} for {request.url}")
        return response


class AllowedDomainsMiddleware:
    """Every request, redirects and ``dont_filter`` ones included, stays on the sites'
    domains and ports (Scrapy's own offsite check lets ``dont_filter`` requests through
    and ignores ports): ``http://site:8080/`` is offsite unless a start URL uses 8080."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> AllowedDomainsMiddleware:
        return cls(crawler)

    def process_request(self, request: Any) -> None:
        spider = self.crawler.spider
        domains = getattr(spider, "allowed_domains", None)
        if domains and not on_domains(request.url, domains):
            host = host_of(request.url)
            raise SkipRequest("offsite", f"{host} is not among the sites' domains")
        sites = getattr(spider, "sites", None)
        if sites and not any(site.on_port(request.url) for site in sites):
            raise SkipRequest("offsite", f"{request.url[:200]}: not a port of the sites")
        return None


class RetryAfterMiddleware:
    """On 429/503 with ``Retry-After``, slow the whole domain down before Scrapy retries."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        return cls(crawler)

    def process_response(self, request: Any, response: Any) -> Any:
        if response.status in (429, 503):
            seconds = parse_retry_after(response.headers.get("Retry-After"))
            if seconds is not None:
                self._delay_slot(request, min(seconds, MAX_RETRY_AFTER_S))
        return response

    def _delay_slot(self, request: Any, seconds: float) -> None:
        """Hold the domain's queue for ``seconds`` (the retry waits too), then go back to
        the normal delay: Retry-After is one pause, not a new crawl rate."""
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or host_of(request.url)
        slot = downloader.slots.get(key)
        self.crawler.stats.inc_value("ainews/retry_after")
        if slot is None or seconds <= slot.delay:
            return
        logger.info("%s asked to wait %.0fs (Retry-After); pausing that domain", key, seconds)
        # The slot randomises its delay by ±jitter: scale up so even the shortest draw waits.
        pause = seconds / max(1.0 - getattr(slot, "jitter", 0.0), 0.1)
        normal, slot.delay = slot.delay, pause
        slot.lastseen = time.monotonic()  # the pause counts from this response

        def restore() -> None:
            if slot.delay == pause:  # nobody (AutoThrottle) changed it since
                slot.delay = normal

        call_later(seconds, restore)


#: Bytes of a page that hold the first 4,096 characters Scrapy's meta refresh check reads.
_META_REFRESH_BYTES = 4 * 4096


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``<meta http-equiv="refresh">`` redirects, decoding only the head of a
    page: Scrapy's decodes the whole body (~0.5 ms of the crawl process for a 170 KB
    page, which nothing else here decodes) to look at its first 4,096 characters."""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        try:
            return self._refreshed(request, response)
        except ValueError:  # a <base href> or refresh URL w3lib refuses ("http://[::1/")
            return response

    def _refreshed(self, request: Any, response: Any) -> Any:
        if response.headers.get("Content-Encoding") and declared_html(response):
            try:  # an article page left encoded for the cleaning worker
                body = gunzip_head(response.body, _META_REFRESH_BYTES)
            except ValueError:  # nothing readable: the worker skips the page
                return response
            head = response.replace(cls=HtmlResponse, body=body)
        elif not isinstance(response, HtmlResponse):
            return super().process_response(request, response)
        elif len(response.body) > _META_REFRESH_BYTES:
            head = response.replace(body=response.body[:_META_REFRESH_BYTES],
                                    encoding=response.encoding)
        else:
            return super().process_response(request, response)
        result = super().process_response(request, head)
        return response if result is head else result


def parse_retry_after(value: bytes | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
