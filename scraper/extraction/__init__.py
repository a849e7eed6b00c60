"""Pure HTML → Article functions. Nothing here imports Scrapy.

``extract(html, url)`` is the single entry point, shared by the crawl and by
``ainews reprocess``.
"""

from ainews.scraper.extraction.core import EXTRACTOR_VERSION, extract
from ainews.scraper.extraction.errors import TooComplex

__all__ = ["EXTRACTOR_VERSION", "TooComplex", "extract"]
