"""The one record of a fetched page, from the spider (or a WARC file) to the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: Request meta key of :func:`fetch_time`: (URL of the response, ISO 8601 UTC time).
FETCH_TIME_KEY = "ainews_fetched"
#: Content-Types an article page may be served as (the crawl and the WARC import alike).
HTML_TYPES = ("text/html", "application/xhtml+xml")


def fetch_time(meta: dict[str, Any], url: str) -> str:
    """When the response for ``url`` arrived (ISO 8601 UTC, seconds), stamped once by the
    first component that asks (the spider's ``response_downloaded`` handler, the WARC
    writer), so the stored ``fetched_at`` and the archive's WARC-Date agree. A redirect's
    final response gets its own stamp (another URL)."""
    stamp = meta.get(FETCH_TIME_KEY)
    if not stamp or stamp[0] != url:
        stamp = meta[FETCH_TIME_KEY] = (url, datetime.now(UTC).isoformat(timespec="seconds"))
    return stamp[1]


@dataclass(frozen=True)
class FetchedPage:
    """An HTTP response for an article URL, before cleaning.

    The spider builds it from a Scrapy response; WARC import or another ingest path builds
    it from its own source. ``ainews.scraper.process.process_page`` turns it into a stored
    :class:`~ainews.scraper.article.Article`; the store keeps ``body`` for ``ainews reprocess``.
    """

    url: str  # the final URL, after redirects
    requested_url: str  # the URL as the frontier knows it (before redirects)
    site: str  # the site name from the sites file
    status: int
    content_type: str | None
    body: bytes
    fetched_at: str  # ISO 8601 UTC
    etag: str | None = None
    last_modified: str | None = None
    source_lastmod: str | None = None  # what the feed/sitemap said when it was discovered
    ip_address: str | None = None  # the address the response came from, when known
    site_name: str | None = None  # the publisher's name when the page names none
    #: The body's Content-Encoding when it is still encoded (gzip: the cleaning worker
    #: decodes it, ``ainews.scraper.contentcoding``); None: ``body`` is the page itself.
    content_encoding: str | None = None

    def __repr__(self) -> str:  # never a page body in a log line
        return f"FetchedPage({self.url!r}, status={self.status}, {len(self.body)} bytes)"
