"""Article history: every stored version of a title and body, the view of changed
articles, and version 1 backfilled for articles stored before the migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from ainews.exports.catalog import QUERIES
from ainews.scraper.article import Article
from ainews.scraper.storage.schema import MIGRATIONS, migrate
from ainews.scraper.storage.store import Store, article_id
from ainews.scraper.storage.versions import summarize, word_changes

URL = "https://alpha.example/news/1"
BODY = "Halcyon released Meridian-3 on Tuesday.\n\nIt rivals closed models."


def versions(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT version, title, words_added, words_removed, title_changed, summary "
            "FROM article_versions ORDER BY version"
        ).fetchall()


def test_word_changes_counts_multisets() -> None:
    assert word_changes("a b c", "a b c") == (0, 0)
    assert word_changes("prices rose", "prices fell sharply") == (2, 1)
    assert word_changes("a b", "b a") == (0, 0)  # moved, not changed
    assert summarize(True, 2, 1) == "title changed; +2 −1 words"


def test_each_change_is_a_version(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with Store(db, dedupe=False) as store:
        assert store.save_article(Article(url=URL, title="Meridian-3", body=BODY)) == "new"
        assert store.save_article(Article(url=URL, title="Meridian-3", body=BODY)) == "unchanged"
        fixed = BODY.replace("Tuesday", "Wednesday") + "\n\nCorrection: the day was wrong."
        assert store.save_article(Article(url=URL, title="Meridian-3", body=fixed)) == "updated"
        store.save_article(Article(url=URL, title="Meridian-3 is out", body=fixed))
    assert versions(db) == [
        (1, "Meridian-3", None, None, 0, "first stored version"),
        (2, "Meridian-3", 6, 1, 0, "+6 −1 words"),
        (3, "Meridian-3 is out", 0, 0, 1, "title changed"),
    ]
    with sqlite3.connect(db) as conn:
        body_v1 = conn.execute("SELECT body FROM article_versions WHERE version = 1").fetchone()
        change = conn.execute(
            "SELECT first_title, title, versions, words_added, title_changes FROM article_changes"
        ).fetchall()
    assert body_v1 == (BODY,)  # the old text is kept
    assert change == [("Meridian-3", "Meridian-3 is out", 3, 6, 1)]


def test_a_failed_write_leaves_no_version(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with Store(db, dedupe=False) as store:
        store.save_article(Article(url=URL, title="Meridian-3", body=BODY))
        store.db.execute(  # the articles write fails after the version was inserted
            "CREATE TRIGGER no_updates BEFORE UPDATE ON articles BEGIN "
            "SELECT RAISE(ABORT, 'read-only'); END"
        )
        with pytest.raises(sqlite3.IntegrityError, match="read-only"):
            store.save_article(Article(url=URL, title="Changed", body=BODY))
    assert [v[0] for v in versions(db)] == [1]


def test_migration_backfills_version_one(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "old.db")
    old = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_article_versions"))
    for version, step in enumerate(MIGRATIONS[:old], 1):  # a database from before history
        step(db)
        db.execute(f"PRAGMA user_version = {version}")
    db["articles"].insert(
        {"id": article_id(URL), "url": URL, "title": "Old", "body": "Old text here.",
         "content_hash": "h", "word_count": 3, "fetched_at": "2026-03-01T00:00:00+00:00"}
    )  # fmt: skip
    migrate(db)
    rows = db.execute(
        "SELECT article_id, version, title, body, word_count, fetched_at FROM article_versions"
    ).fetchall()
    assert rows == [(article_id(URL), 1, "Old", "Old text here.", 3, "2026-03-01T00:00:00+00:00")]


def test_demo_edit_shows_in_history(demo_db: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        conn.row_factory = sqlite3.Row
        changes = [dict(r) for r in conn.execute(QUERIES["recent_changes"].sql)]
        backfilled = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_versions "
            "v WHERE v.article_id = a.id AND v.version = 1)"
        ).fetchone()[0]
    assert backfilled == 0
    assert len(changes) == 1
    change = changes[0]
    assert change["new_title"] == change["old_title"] + " (updated)"
    assert change["words_added"] == 11 and change["words_removed"] == 0
    assert change["summary"] == "title changed; +11 −0 words"
