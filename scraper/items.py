"""What the spider hands to the pipelines: a fetched article page, not yet cleaned."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.article import Article


@dataclass
class PageItem:
    url: str  # the final URL, after redirects
    requested_url: str
    site: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    source_lastmod: str | None = None  # what the feed/sitemap said when it was discovered
    article: Article | None = None  # set by ExtractPipeline
