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


def read(warc_headers: Any) -> dict[str, str]:
    """Our fields present in a record's WARC headers (warcio StatusAndHeaders)."""
    found = {}
    for name, key in FIELDS.items():
        value = warc_headers.get_header(name)
        if value:
            found[key] = value
    return found


def software() -> str:
    """``ainews/0.1.0 (warcio/1.8.1)``: the tool that wrote or reads the archive."""
    return f"ainews/{_version('ainews')} (warcio/{_version('warcio')})"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
