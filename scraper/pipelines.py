"""Thin pipelines: clean a fetched page into an Article, then store it."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from scraper.extraction import EXTRACTOR_VERSION, extract
from scraper.items import PageItem
from scraper.site_names import fill_site_name
from scraper.storage import RawPage, Store

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """PageItem → PageItem with ``.article``; pages with no article text are dropped."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler.stats)

    def process_item(self, item: PageItem) -> PageItem:
        article = extract(item.body, item.url, content_type=item.content_type)
        if not article.body.strip():
            self.stats.inc_value("ainews/skip/no_article_text")
            raise DropItem(f"no article text in {item.url}")
        article.site = item.site
        fill_site_name(article)  # the page may not name its publisher
        article.fetched_at = item.fetched_at
        item.article = article
        return item


class StorePipeline:
    """Writes each article, its raw page and its cluster in one transaction."""

    def __init__(self, db_path: str, stats: Any) -> None:
        self.db_path = db_path
        self.stats = stats
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler.settings.get("AINEWS_DB"), crawler.stats)

    def open_spider(self) -> None:
        self.store = Store(self.db_path)
        self.store.ensure_dedupe_index()

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: PageItem) -> PageItem:
        assert self.store is not None
        page = RawPage(
            requested_url=item.requested_url,
            status=item.status,
            content_type=item.content_type,
            body=item.body,
            etag=item.etag,
            last_modified=item.last_modified,
        )
        outcome = self.store.save_article(
            item.article,
            page,
            source_lastmod=item.source_lastmod,
            extractor_version=EXTRACTOR_VERSION,
        )
        self.stats.inc_value(f"ainews/articles_{outcome}")
        return item
