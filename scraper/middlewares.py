"""Downloader middlewares: stay on the sites' domains, refuse private addresses,
honour Retry-After."""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import call_later

from scraper.sites import on_domains
from scraper.skips import SkipRequest

logger = logging.getLogger(__name__)

#: Longest Retry-After we wait for; a server asking for more is retried next run.
MAX_RETRY_AFTER_S = 300


@lru_cache(maxsize=4096)
def _is_private_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return False  # let the download fail with Scrapy's own DNS error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            return True
    return False


class PrivateAddressMiddleware:
    """Refuses requests to loopback, private and link-local addresses (SSRF via feeds or
    redirects) unless the sites file sets ``allow_private = true``. Redirects pass through
    here again, so a public URL redirecting to 127.0.0.1 is refused too."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateAddressMiddleware:
        if crawler.settings.getbool("AINEWS_ALLOW_PRIVATE"):
            raise NotConfigured  # the sites file allows private addresses (demo, tests)
        return cls(crawler.stats)

    def process_request(self, request: Any) -> None:
        host = urlsplit(request.url).hostname or ""
        if _is_private_host(host):
            raise SkipRequest("private_address", f"{host} for {request.url}")
        return None


class AllowedDomainsMiddleware:
    """Every request, redirects and ``dont_filter`` ones included, stays on the sites'
    domains (Scrapy's own offsite check lets ``dont_filter`` requests through)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> AllowedDomainsMiddleware:
        return cls(crawler)

    def process_request(self, request: Any) -> None:
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        if domains and not on_domains(request.url, domains):
            host = urlsplit(request.url).hostname
            raise SkipRequest("offsite", f"{host} is not among the sites' domains")
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
        key = request.meta.get("download_slot") or urlsplit(request.url).hostname
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
