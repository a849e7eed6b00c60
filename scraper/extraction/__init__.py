"""Pure HTML → Article functions. Nothing here imports Scrapy.

``extract(html, url)`` is the single entry point, shared by the crawl and by
``ainews reprocess``.
"""

from scraper.extraction.core import EXTRACTOR_VERSION, extract
from scraper.extraction.errors import TooComplex

__all__ = ["EXTRACTOR_VERSION", "TooComplex", "extract"]
