"""The crawl facts our WARC records carry beyond the standard fields.

A response record written by ``ainews crawl --warc`` says which site's start point led to
the page, what it was fetched as (article, feed, sitemap, listing), the URL first asked
for when a redirect intervened, and the lastmod its feed or sitemap announced. With them,
``ainews reprocess --from-warc`` rebuilds the database from the archive alone. Other
tools ignore unknown fields (WARC 1.1 §5 allows them); the names avoid the ``WARC-``
prefix, which is the standard's own.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

SITE = "Ainews-Site"
KIND = "Ainews-Kind"
REQUESTED_URI = "Ainews-Requested-URI"
SOURCE_LASTMOD = "Ainews-Source-Lastmod"
SITE_NAME = "Ainews-Site-Name"  # the sites file's publisher name, for pages naming none

#: Header name → key in :attr:`ArchivedResponse.crawl`.
FIELDS = {SITE: "site", KIND: "kind", REQUESTED_URI: "requested_url", SOURCE_LASTMOD: "lastmod",
          SITE_NAME: "site_name"}


#: The longest site or display name read: the sites file's are a few words.
MAX_NAME_CHARS = 200


def read(warc_headers: Any) -> dict[str, str]:
    """Our fields present in a record's WARC headers (warcio StatusAndHeaders), each
    as our crawl writes it or left out: an archive from elsewhere may carry any bytes
    under these names, and they are stored (``source_lastmod`` is compared with later
    lastmods, the requested URL's frontier row is marked done)."""
    found = {}
    for name, key in FIELDS.items():
        value = warc_headers.get_header(name)
        if value and (value := _valid(key, value.strip())):
            found[key] = value
    return found


def _valid(key: str, value: str) -> str | None:
    from ainews.scraper.discovery import parse_date
    from ainews.scraper.urls import is_web_url

    if key == "requested_url":  # http(s), a host, no credentials, not 100 KB
        return value if is_web_url(value) else None
    if key == "lastmod":  # ISO 8601 UTC, not in the future (3000-01-01 froze the page)
        return parse_date(value)
    if len(value) > MAX_NAME_CHARS or not value.isprintable():
        return None
    return value


def software() -> str:
    """``ainews/0.1.0 (warcio/1.8.1)``: the tool that wrote or reads the archive."""
    return f"ainews/{_version('ainews')} (warcio/{_version('warcio')})"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
