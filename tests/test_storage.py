"""The Store on a real SQLite file: upserts, atomic records, a lost index rebuilt."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from ainews.scraper.article import Article
from ainews.scraper.items import FetchedPage
from ainews.scraper.process import process_page
from ainews.scraper.storage import Store
from ainews.scraper.storage.rawpages import compress_raw, decompress_raw
from ainews.scraper.storage.schema import MIGRATIONS, SCHEMA_VERSION, _pages_raw_page
from ainews.scraper.storage.store import article_id

STORY = " ".join(
    f"Sentence {i} of the launch story explains the model, its licence and its benchmark."
    for i in range(40)
)
OTHER = " ".join(
    f"Line {i} of a different report covers chip export rules and the new licence regime."
    for i in range(40)
)


def article(url: str, body: str, published: str = "2026-03-01T10:00:00+00:00") -> Article:
    return Article(url=url, title="T", body=body, site="s", published_at=published,
                   fetched_at="2026-03-02T00:00:00+00:00")


def page(url: str) -> FetchedPage:
    return FetchedPage(url, url, "s", 200, "text/html; charset=utf-8", b"<html>raw</html>",
                       "2026-03-02T00:00:00+00:00")


def save(store: Store, art: Article, raw: FetchedPage | None = None) -> str:
    """Store an already-cleaned article through the crawl's own path (dedupe, one write)."""
    return process_page(raw or page(art.url), store, cleaned=art).status


def assignments(db: Path) -> dict[str, tuple[str, int]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT url, cluster_id, is_canonical FROM articles").fetchall()
    conn.close()
    return {url: (cluster, canonical) for url, cluster, canonical in rows}


def test_recrawl_updates_the_row_and_rechecks_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Store(db) as store:
        assert save(store, article("https://a.com/1", STORY)) == "new"
        assert save(store, article("https://b.com/1", OTHER, "2026-02-01T00:00:00+00:00")) \
            == "new"
        assert save(store, article("https://a.com/1", STORY)) == "unchanged"
        before = assignments(db)
        assert before["https://a.com/1"][0] != before["https://b.com/1"][0]
        # the page now carries the other story: it must join that story's cluster
        assert save(store, article("https://a.com/1", OTHER)) == "updated"
        assert store.count("articles") == 2
    after = assignments(db)
    assert after["https://a.com/1"] == (after["https://b.com/1"][0], 0)


def test_a_failing_record_leaves_nothing_half_written(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "a.db"
    with Store(db) as store:
        def boom(*args: object) -> None:
            raise RuntimeError("index failure")

        monkeypatch.setattr(store.clusters, "assign", boom)
        with pytest.raises(RuntimeError):
            save(store, article("https://a.com/1", STORY))
        assert store.count("articles") == 0 and store.count("pages") == 0


def test_a_batch_commits_whole_records_only(tmp_path: Path, monkeypatch) -> None:
    """The crawl writes records in batches: a record failing inside one leaves no trace and
    the others commit; nothing is visible (nor marked done) before the commit."""
    db = tmp_path / "a.db"

    def stored_urls() -> set[str]:
        conn = sqlite3.connect(db)
        urls = {r[0] for r in conn.execute("SELECT url FROM articles")}
        conn.close()
        return urls

    with Store(db) as store:
        store.enqueue("s", [(u, None) for u in ("https://a.com/1", "https://b.com/2")])
        store.begin_batch()
        save(store, article("https://a.com/1", STORY))
        assign = store.clusters.assign

        def boom(*args: object) -> None:
            raise RuntimeError("index failure")

        monkeypatch.setattr(store.clusters, "assign", boom)
        with pytest.raises(RuntimeError):
            save(store, article("https://b.com/2", OTHER))
        monkeypatch.setattr(store.clusters, "assign", assign)
        save(store, article("https://c.com/3", OTHER))
        assert stored_urls() == set()  # a kill now loses the batch, and its URLs stay pending
        store.commit_batch()
        assert store.count("pages") == 2 and store.count("cluster_members") == 0
    assert stored_urls() == {"https://a.com/1", "https://c.com/3"}
    conn = sqlite3.connect(db)
    states = dict(conn.execute("SELECT url, state FROM frontier"))
    conn.close()
    assert states == {"https://a.com/1": "done", "https://b.com/2": "pending"}


def test_lost_index_is_rebuilt_with_the_same_clusters(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Store(db) as store:
        save(store, article("https://a.com/1", STORY))
        save(store, article("https://b.com/copy", STORY, "2026-03-05T00:00:00+00:00"))
        save(store, article("https://c.com/2", OTHER))
    before = assignments(db)
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'dedupe_%'")]
    for table in tables:
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE articles SET cluster_id = id, is_canonical = 1")
    conn.commit()
    conn.close()
    with Store(db) as store:
        assert not store.clusters.is_consistent()
        store.ensure_dedupe_index()
        assert store.clusters.is_consistent()
    assert assignments(db) == before
    assert before["https://b.com/copy"] == (before["https://a.com/1"][0], 0)


def test_schema_is_migrated_once(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    Store(db, dedupe=False).close()
    Store(db, dedupe=False).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_pages_stored_as_gzip_before_zstd_are_still_read(tmp_path: Path) -> None:
    """A database from before raw pages were zstd frames: the migration keeps its gzip
    rows, and ``ainews reprocess`` reads them beside the new rows."""
    db, old_url = tmp_path / "old.db", "https://a.com/old"
    old = sqlite_utils.Database(db)
    for version, step in enumerate(MIGRATIONS[:MIGRATIONS.index(_pages_raw_page)], 1):
        step(old)
        old.execute(f"PRAGMA user_version = {version}")
    old["articles"].insert({"id": article_id(old_url), "url": old_url, "body": STORY,
                            "site": "s", "fetched_at": "2026-03-02T00:00:00+00:00"})
    old["pages"].insert({"article_id": article_id(old_url), "url": old_url, "status": 200,
                         "raw_gzip": gzip.compress(b"<html>old</html>"),
                         "fetched_at": "2026-03-02T00:00:00+00:00"})
    old.close()
    with Store(db) as store:
        save(store, article("https://b.com/new", OTHER))
        assert store.raw_page(article_id(old_url)).body == b"<html>old</html>"
        assert store.raw_page(article_id("https://b.com/new")).body == b"<html>raw</html>"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT hex(substr(raw_page, 1, 4)) FROM pages WHERE url = ?",
                        ["https://b.com/new"]).fetchone()[0] == "28B52FFD"  # zstd


@pytest.mark.parametrize("stored", [b"<html>", compress_raw(b"<html>page</html>")[:-3],
                                    gzip.compress(b"<html>page</html>")[:-3]],
                         ids=["unknown", "truncated-zstd", "truncated-gzip"])
def test_a_damaged_or_unknown_raw_page_is_a_value_error(stored: bytes) -> None:
    with pytest.raises(ValueError, match="stored raw page"):
        decompress_raw(stored)


def test_full_text_index_is_rewritten_only_when_the_text_changes(tmp_path: Path) -> None:
    """De-duplication moving an article to another cluster writes the row, not its text's
    full-text index; a changed title is found by search."""
    with Store(tmp_path / "a.db") as store:
        save(store, article("https://a.com/1", STORY))
        written: list[str] = []
        store.db.conn.set_trace_callback(written.append)
        store.db.execute("UPDATE articles SET cluster_id = 'x', is_canonical = 0")
        assert written and not [sql for sql in written if "articles_fts" in sql]
        store.db.execute("UPDATE articles SET title = 'Quasar licence'")
        store.db.conn.set_trace_callback(None)
        found = store.db.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'quasar'").fetchone()
        assert found[0] == 1


def test_a_refetch_with_the_same_text_leaves_the_full_text_index_alone(tmp_path: Path) -> None:
    """An ``unchanged`` re-fetch writes the row (title and body included) but FTS5 does not
    tokenize the same text again; a changed body is re-indexed."""
    with Store(tmp_path / "a.db") as store:
        save(store, article("https://a.com/1", STORY))
        written: list[str] = []
        store.db.conn.set_trace_callback(written.append)
        assert save(store, article("https://a.com/1", STORY)) == "unchanged"
        assert any("UPDATE articles" in sql for sql in written)
        assert not [sql for sql in written if "articles_fts" in sql]
        assert save(store, article("https://a.com/1", STORY + " Quasar.")) == "updated"
        assert [sql for sql in written if "articles_fts" in sql]
        store.db.conn.set_trace_callback(None)
        found = store.db.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'quasar'").fetchone()
        assert found[0] == 1
