"""Scrapy's per-item log lines without the item: a page body never reaches the log."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


class ShortLogFormatter(LogFormatter):
    """The processing pipeline and the crawl state log one INFO line per stored or
    skipped page; Scrapy's own lines about items go to DEBUG, without the item."""

    def scraped(self, item: Any, response: Any, spider: Any) -> dict[str, Any]:
        return {"level": logging.DEBUG, "msg": "scraped %(item)r", "args": {"item": item}}

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> dict[str, Any]:
        return {"level": logging.DEBUG, "msg": "dropped %(item)r: %(exception)s",
                "args": {"item": item, "exception": exception}}

    def item_error(self, item: Any, exception: BaseException, response: Any,
                   spider: Any) -> dict[str, Any]:
        return {"level": logging.ERROR, "msg": "error processing %(item)r",
                "args": {"item": item}}
