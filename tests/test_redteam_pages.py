"""Red team, article pages: metadata values a hostile page declares."""

from __future__ import annotations

import pytest

from ainews.scraper.extraction.core import extract

BODY = "<p>The committee published its findings on the new model on Monday morning.</p>" * 8


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00",
                                   "Fri, 31 Dec 9999 23:59:59 -1200"])
def test_a_date_past_the_calendar_in_utc_is_no_date_not_a_lost_page(value: str) -> None:
    # Valid in its own zone, past datetime's range in UTC: extract() raised OverflowError.
    html = (f'<html><head><meta property="article:published_time" content="{value}">'
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            f'"datePublished": "{value}", "dateModified": "{value}"}}</script></head>'
            f"<body><article><h1>Findings</h1>{BODY}</article></body></html>")
    article = extract(html, "https://news.example/2026/03/30/findings")
    assert "committee published its findings" in article.body
    assert article.published_at == "2026-03-30T12:00:00+00:00"  # the URL's day
