"""The one way the project takes a host from a URL (crawl middlewares, sites, dedupe) and
the one way it joins a crawled link (feed, sitemap, listing, next page, redirect, meta
refresh) into a URL it may follow."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from w3lib.url import safe_url_string

#: The only schemes ever followed. Scrapy also has handlers for file:, data:, ftp: and s3:
#: URLs; a feed item or redirect to ``file:///etc/passwd`` would read a local file.
WEB_SCHEMES = frozenset(("http", "https"))
#: The longest URL followed: Scrapy's URLLENGTH_LIMIT and the old IE limit, which sites
#: keep their links under; a 100 KB link is a trap that would fill the frontier.
MAX_URL_LENGTH = 2083

#: A URL made of these characters only is already what ``safe_url_string`` returns (no
#: IDNA host, nothing to percent-encode, no ";" params, no credentials): skipping urljoin
#: and w3lib for it makes reading a 100k-URL sitemap 3x faster (fuzzed against them: same
#: output).
_ALREADY_SAFE = re.compile(
    r"https?://[a-z0-9.-]+(?::(?P<port>[1-9][0-9]{0,4}))?/[A-Za-z0-9._~/?@!$&()*+,=:-]*")


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


def ascii_host(host: str) -> str:
    """``host`` as Scrapy requests it: an IDN host in its IDNA form (``bücher.de`` ->
    ``xn--bcher-kva.de``); "" when it has none."""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


def join_url(base: str, href: str) -> str | None:
    """``href`` (a link, sitemap ``<loc>``, ``Location`` or refresh URL found on ``base``)
    as the absolute URL Scrapy will request: without fragment, percent-encoded, IDNA host.

    None for a URL we must not follow: not http(s) (``file:``, ``ftp:``, ``data:``,
    ``javascript:``), no host, credentials (``http://user:pw@host/``: nothing a news site
    links to, and a way to smuggle a host past a reader), a port out of range, a host
    urllib refuses (``http://[::1/``), or longer than :data:`MAX_URL_LENGTH`."""
    href = href.strip()
    if len(href) > MAX_URL_LENGTH:
        return None
    if _is_safe(href):  # absolute already (sitemaps): urljoin and w3lib would return it
        return href
    try:
        url = urldefrag(urljoin(base, href))[0]
        url = url if _is_safe(url) else safe_url_string(url)
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError out of range)
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname \
            or parts.username is not None or len(url) > MAX_URL_LENGTH:
        return None
    return url


def is_web_url(url: str) -> bool:
    """Whether ``url`` on its own is a URL we would follow (:func:`join_url`'s rules):
    what a record from elsewhere (a WARC's target or requested URI) must be."""
    return join_url(url, url) is not None


def join_on_page(page_url: str, base_href: str | None, href: str) -> str | None:
    """``href`` found on the page at ``page_url`` whose ``<base href>`` is ``base_href``
    (None or "" when it has none), joined as :func:`join_url` joins; None when the base
    or the link is no URL we follow."""
    base = join_url(page_url, base_href) if base_href else page_url
    return join_url(base, href) if base else None


def _is_safe(url: str) -> bool:
    match = _ALREADY_SAFE.fullmatch(url)
    return match is not None and not url.endswith("?") \
        and int(match["port"] or 0) <= 65535  # w3lib drops a final "?"; urllib big ports


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def refusal(href: str) -> str:
    """The skip reason of an ``href`` that :func:`join_url` refused: ``scheme``
    (``file:``, ``javascript:`` ...), ``url_too_long`` or ``bad_url`` (no host,
    credentials, a port or IPv6 host urllib refuses)."""
    href = href.strip()
    scheme = _SCHEME.match(href)
    if scheme and scheme.group()[:-1].lower() not in WEB_SCHEMES:
        return "scheme"
    return "url_too_long" if len(href) > MAX_URL_LENGTH else "bad_url"
