"""SQLite storage: schema and migrations (``schema``), the Store API (``store``)."""

from ainews.scraper.storage.schema import SCHEMA_VERSION
from ainews.scraper.storage.store import Store, article_id, content_hash, now_iso

__all__ = ["SCHEMA_VERSION", "Store", "article_id", "content_hash", "now_iso"]
