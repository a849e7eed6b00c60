"""The one record type for an article, used from the spider to the database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Article:
    """A cleaned article page.

    Dates are ISO 8601 strings in UTC (``2026-03-30T12:00:00+00:00``) or ``None``.
    ``body`` is the whole article text, plain, paragraphs separated by one blank line.
    ``lede`` is the standfirst or summary: it may repeat the body's first paragraph, or be
    a standfirst the page shows apart from the text (then it is not in ``body``).
    """

    url: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None
    modified_at: str | None = None
    lede: str | None = None
    body: str = ""
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    source_credit: str | None = None
    # Set by the crawl, not by extraction.
    site: str | None = None
    fetched_at: str | None = None

    @property
    def word_count(self) -> int:
        """The body's size in words; in scripts written without spaces (Chinese, Japanese,
        Thai...) in English-word equivalents, so counts compare across languages.

        Counted once per body (~0.5 ms a page) and kept with the article, also through
        pickling: a cleaning worker counts it, the crawl process that stores it does not.
        """
        counted = self.__dict__.get("_word_count")
        if counted is not None and counted[0] is self.body:  # a new body is counted anew
            return counted[1]
        # imported here: the extraction package imports this module
        from ainews.scraper.extraction.text import word_count

        count = round(word_count(self.body))
        self.__dict__["_word_count"] = (self.body, count)
        return count

    @property
    def full_text(self) -> str:
        """Lede and body as one text, as a reader sees the article (the lede once)."""
        if not self.lede or self.body.startswith(self.lede):
            return self.body
        return "\n\n".join(part for part in (self.lede, self.body) if part)

    def to_row(self) -> dict[str, Any]:
        """The article as a flat row (lists as JSON) for SQLite and exports."""
        row = {f.name: getattr(self, f.name) for f in _FIELDS}  # (asdict deep-copies)
        row["authors"] = json.dumps(self.authors, ensure_ascii=False)
        row["tags"] = json.dumps(self.tags, ensure_ascii=False)
        row["word_count"] = self.word_count
        return row


_FIELDS = fields(Article)
