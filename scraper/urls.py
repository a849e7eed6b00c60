"""The one way the project takes a host from a URL (crawl middlewares, sites, dedupe)."""

from __future__ import annotations

from urllib.parse import urlsplit


def host_of(url: str | None) -> str:
    """The lower-cased host name of ``url``, without port or credentials; "" when there is
    none (no URL, a relative URL, or one that does not parse, e.g. ``http://[::1``).

    The same key Scrapy's downloader uses for its per-domain slots.
    """
    if not url:
        return ""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # an unbalanced IPv6 bracket
        return ""
