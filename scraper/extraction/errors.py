"""Errors raised by the pure extraction functions (no Scrapy here)."""

from __future__ import annotations


class TooComplex(ValueError):
    """The page is beyond the per-page bounds (nodes, paragraphs): skipped as ``too_complex``
    instead of spending unbounded time on it."""
