"""Article history: every stored version of an article's title and body.

:func:`record_version` runs inside the transaction that writes the article, so a version
and the article row it describes commit together. It compares with the article's latest
stored version (not with the articles row), so it needs nothing from the caller but the
new row, and a re-fetch that changed nothing adds nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import sqlite_utils

from ainews.scraper.extraction.text import word_count

logger = logging.getLogger(__name__)

FIRST_SUMMARY = "first stored version"


def word_changes(old: str, new: str) -> tuple[int, int]:
    """(words added, words removed) from ``old`` to ``new``, as multisets of words.

    Linear in the text's length, unlike a sequence diff; a word that only moved counts
    as unchanged, which is what "how much did it change" means for a reader.
    """
    before, after = Counter(old.split()), Counter(new.split())
    return sum((after - before).values()), sum((before - after).values())


def summarize(title_changed: bool, added: int, removed: int) -> str:
    """A short human summary: ``title changed; +12 −3 words``."""
    parts = ["title changed"] if title_changed else []
    if added or removed:
        parts.append(f"+{added} −{removed} words")
    return "; ".join(parts) or "whitespace or case only"


def record_version(db: sqlite_utils.Database, row: dict[str, Any]) -> int | None:
    """Append ``row`` (an articles row about to be written) to ``article_versions`` when
    its title or body differ from the latest stored version; returns the new version
    number, or None when nothing changed. Call inside the article's transaction."""
    latest = db.execute(  # the body is read only when it changed
        "SELECT version, title, content_hash FROM article_versions "
        "WHERE article_id = ? ORDER BY version DESC LIMIT 1",
        [row["id"]],
    ).fetchone()
    body = row.get("body") or ""
    if latest is None:
        version, added, removed, title_changed, summary = 1, None, None, 0, FIRST_SUMMARY
    else:
        prev_version, prev_title, prev_hash = latest
        if (prev_hash, prev_title) == (row.get("content_hash"), row.get("title")):
            return None
        version = prev_version + 1
        (prev_body,) = db.execute(
            "SELECT body FROM article_versions WHERE article_id = ? AND version = ?",
            [row["id"], prev_version],
        ).fetchone()
        added, removed = word_changes(prev_body or "", body)
        title_changed = int(prev_title != row.get("title"))
        summary = summarize(bool(title_changed), added, removed)
    words = row.get("word_count")  # an articles row has it counted already
    if words is None:
        words = round(word_count(body))
    db.execute(
        "INSERT INTO article_versions (article_id, version, fetched_at, title, body, "
        "content_hash, word_count, words_added, words_removed, title_changed, summary, "
        "extractor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [row["id"], version, row.get("fetched_at"), row.get("title"), body,
         row.get("content_hash"), words, added, removed, title_changed, summary,
         row.get("extractor_version")],
    )  # fmt: skip
    if version > 1:
        logger.info("article %s changed: version %d (%s)", row["id"], version, summary)
    return version
