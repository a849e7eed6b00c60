"""Downloader middlewares: only http(s), stay on the sites' domains, refuse private
addresses (before the request and at the address actually connected to), follow only
redirects and meta refreshes to URLs we may follow, honour Retry-After.

Each refusal raises :class:`~ainews.scraper.skips.SkipRequest` with the reason it is counted under.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import time
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.asyncio import call_later

from ainews.scraper.contentcoding import gunzip_head
from ainews.scraper.refusals import declared_html
from ainews.scraper.sites import on_domains
from ainews.scraper.skips import SkipRequest
from ainews.scraper.urls import WEB_SCHEMES, host_of, join_on_page, join_url, refusal

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


class SchemeMiddleware:
    """Refuses every request whose scheme is not http(s): discovery drops such links
    already; this catches every other way in (a frontier row, a redirect, a new parser)."""

    def process_request(self, request: Any) -> None:
        scheme = urlsplit(request.url).scheme.lower()
        if scheme not in WEB_SCHEMES:
            raise SkipRequest("scheme", f"refused {scheme or 'no'} scheme: {request.url[:200]}")
        return None


class RedirectTargetMiddleware:
    """Refuses a redirect whose ``Location`` is no URL we follow (``file:``, ``data:``,
    ``javascript:``, credentials, a broken host, 100 KB): counted by the reason
    :func:`~ainews.scraper.urls.refusal` gives, before Scrapy's redirect middleware
    builds a request of it (or raises on a ``Location`` urllib refuses). Redirects to
    other hosts and ports come back through the downloader middlewares as requests and
    are refused there (``offsite``, ``private_address``)."""

    def process_response(self, request: Any, response: Any) -> Any:
        location = response.headers.get("Location")
        if location is None or response.status not in _REDIRECTS \
                or request.meta.get("dont_redirect"):
            return response
        href = location.decode("latin-1")
        if join_url(request.url, href) is None:
            raise SkipRequest(refusal(href), f"redirect to {href[:200]}")
        return response


_REDIRECTS = frozenset((301, 302, 303, 307, 308))  # what Scrapy's redirect middleware follows


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


#: Characters of a page read for a ``<meta http-equiv="refresh">``, as Scrapy reads.
_META_REFRESH_CHARS = 4096
#: Bytes of a page that hold them.
_META_REFRESH_BYTES = 4 * _META_REFRESH_CHARS
#: A refresh's content: seconds, then the URL (w3lib's pattern, which Scrapy reads with).
_REFRESH_CONTENT = re.compile(r"\s*(?P<int>([0-9]*\.)?[0-9]+)\s*;\s*url=\s*(?P<url>.*)",
                              re.DOTALL | re.IGNORECASE | re.ASCII)


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``<meta http-equiv="refresh">`` redirects, decoding only the head of a
    page (Scrapy's decodes the whole body, ~0.5 ms of the crawl process for a 170 KB page,
    which nothing else here decodes), and joining the refresh URL with
    :func:`~ainews.scraper.urls.join_url`: a URL we must not follow (``file:``, a broken
    IPv6 host) leaves the page as it is."""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if request.meta.get("dont_redirect") or request.method == "HEAD":
            return response
        head = _page_head(response)
        if head is None or "refresh" not in head.lower():
            return response
        refresh = _meta_refresh(head, response.url, self._ignore_tags)
        if refresh is None or refresh[0] >= self._maxdelay:
            return response
        redirected = self._redirect_request_using_get(request, response, refresh[1])
        return self._redirect(redirected, request, "meta refresh")


def _page_head(response: Any) -> str | None:
    """The first characters of an HTML page (None for other responses), inflating only
    as much of a page left gzip-encoded for the cleaning worker."""
    if response.headers.get("Content-Encoding") and declared_html(response):
        try:
            body = gunzip_head(response.body, _META_REFRESH_BYTES)
        except ValueError:  # nothing readable: the worker skips the page
            return None
        response = response.replace(cls=HtmlResponse, body=body)
    elif not isinstance(response, HtmlResponse):
        return None
    elif len(response.body) > _META_REFRESH_BYTES:
        response = response.replace(body=response.body[:_META_REFRESH_BYTES],
                                    encoding=response.encoding)
    return response.text[:_META_REFRESH_CHARS]


def _meta_refresh(head: str, url: str, ignore_tags: list[str]) -> tuple[float, str] | None:
    """The delay and URL of the first refresh ``<meta>`` outside ``ignore_tags``, joined
    against the page's ``<base href>``; None when there is none, or when either URL is
    one we must not follow."""
    try:
        doc = lxml.html.fromstring(head)
    except (lxml.etree.ParserError, ValueError):  # nothing but whitespace or comments
        return None
    ignored = "".join(f"[not(ancestor::{tag})]" for tag in ignore_tags if tag.isalnum())
    for meta in doc.xpath(f"//meta[@http-equiv][@content]{ignored}"):
        if "refresh" not in meta.get("http-equiv").lower():
            continue
        if match := _REFRESH_CONTENT.match(meta.get("content")):
            target = join_on_page(url, doc.xpath("string(//base/@href)"),
                                  match.group("url").strip(" \"'"))
            return (float(match.group("int")), target) if target else None
    return None


def parse_retry_after(value: bytes | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isascii() and text.isdigit():  # "²" (b"\xb2") is a digit to str.isdigit
        return float(text)
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None
