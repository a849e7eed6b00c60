"""Garbage collection policy of the crawl: the cleaning workers and the crawl process freeze
what they built at start and collect young objects rarely (pages make almost no cycles)."""

from __future__ import annotations

import asyncio
import gc

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from ainews.scraper import settings as crawl_settings
from ainews.scraper.extensions import GarbageCollection
from ainews.scraper.pool import WORKER_GC_THRESHOLD, ExtractorPool


def test_cleaning_workers_freeze_their_imports_and_collect_rarely() -> None:
    pool = ExtractorPool(1)
    pool.start()

    async def ask() -> list[int | tuple[int, ...]]:
        return await asyncio.gather(pool.run(gc.get_threshold), pool.run(gc.get_freeze_count))

    try:
        threshold, frozen = asyncio.run(ask())
    finally:
        pool.close()
    assert threshold[0] == WORKER_GC_THRESHOLD
    assert frozen > 1000  # the extraction modules, imported before the first page


def test_crawl_process_collects_rarely_while_the_engine_runs_and_is_restored_after() -> None:
    before = gc.get_threshold()
    crawler = get_crawler(settings_dict={"AINEWS_GC_THRESHOLD": 12_345})
    ext = GarbageCollection.from_crawler(crawler)
    try:
        crawler.signals.send_catch_log(signals.engine_started)
        assert gc.get_threshold()[0] == 12_345
        assert gc.get_freeze_count() > 0
    finally:
        crawler.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert ext.threshold == 12_345


def test_the_crawl_enables_it_and_zero_keeps_pythons_collection() -> None:
    assert "ainews.scraper.extensions.GarbageCollection" in crawl_settings.EXTENSIONS
    assert gc.get_threshold()[0] < crawl_settings.AINEWS_GC_THRESHOLD
    with pytest.raises(NotConfigured):
        GarbageCollection.from_crawler(get_crawler(settings_dict={"AINEWS_GC_THRESHOLD": 0}))
