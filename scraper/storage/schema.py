"""The database schema and its migrations: the one place that creates or changes tables.

Each migration moves ``PRAGMA user_version`` up by one and runs in its own transaction,
so a database killed mid-migration is left at the previous version and migrates again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlite_utils

from ainews.scraper.storage.errors import DatabaseTooNew

logger = logging.getLogger(__name__)

ARTICLE_COLUMNS = {
    "id": str,  # stable: the first 16 hex digits of sha1(url)
    "url": str,
    "canonical_url": str,
    "site": str,  # the site name from the sites file
    "site_name": str,  # the publisher name the page gives (og:site_name)
    "title": str,
    "authors": str,  # JSON array of names
    "published_at": str,  # ISO 8601 UTC
    "modified_at": str,
    "lede": str,
    "body": str,
    "word_count": int,
    "language": str,
    "tags": str,  # JSON array
    "source_credit": str,
    "fetched_at": str,  # last fetch whose content was stored
    "first_seen_at": str,
    "updated_at": str,  # last change of title or body
    "content_hash": str,  # sha1 of the normalised body: a changed body is re-deduplicated
    "cluster_id": str,  # the id of the cluster's canonical article
    "is_canonical": int,
    "partial_of": str,  # id of the full story this excerpt was taken from
    "source_lastmod": str,  # lastmod the feed/sitemap gave when this version was fetched
    "extractor_version": int,
}


def _v1_core(db: sqlite_utils.Database) -> None:
    db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"url", "body"})
    db["articles"].create_index(["url"], unique=True)
    for cols in (["published_at"], ["site", "published_at"], ["language"], ["cluster_id"]):
        db["articles"].create_index(cols)
    db["pages"].create(
        {
            "article_id": str,
            "url": str,  # the URL requested (before redirects)
            "status": int,
            "content_type": str,
            "etag": str,
            "last_modified": str,
            "raw_gzip": bytes,  # the response body, gzip-compressed, for `ainews reprocess`
            "fetched_at": str,
        },
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["clusters"].create(
        {
            "cluster_id": str,
            "canonical_id": str,
            "size": int,
            "sites": int,
            "first_published_at": str,
            "last_published_at": str,
            "updated_at": str,
        },
        pk="cluster_id",
    )
    db["crawl_runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | ok | failed | interrupted
            "exit_code": int,
            "sites": str,  # JSON array
            "requests": int,
            "responses": int,
            "bytes": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "skipped": int,
            "skip_reasons": str,  # JSON object: reason → count
            "errors": int,
            "finish_reason": str,
        },
        pk="id",
    )
    db["frontier"].create(
        {
            "url": str,
            "site": str,
            "lastmod": str,
            "discovered_at": str,
            "state": str,  # pending | done | failed
            "attempts": int,
            "last_error": str,
        },
        pk="url",
    )
    db["frontier"].create_index(["state", "site"])
    db["validators"].create(
        {"url": str, "etag": str, "last_modified": str, "checked_at": str}, pk="url"
    )
    db["articles"].enable_fts(["title", "body"], create_triggers=True, tokenize="porter")


def _v2_views(db: sqlite_utils.Database) -> None:
    db.create_view(
        "unique_articles",
        "SELECT * FROM articles WHERE is_canonical = 1",
        replace=True,
    )
    db.create_view(
        "story_spread",
        """
        SELECT c.cluster_id, c.canonical_id, a.title, c.size,
               count(DISTINCT m.site) AS site_count,
               json_group_array(DISTINCT m.site) AS sites,
               json_group_array(m.url) AS urls,
               min(m.published_at) AS first_published_at,
               max(m.published_at) AS last_published_at,
               min(m.fetched_at) AS first_seen_at,
               max(m.fetched_at) AS last_seen_at,
               round((julianday(max(m.published_at)) - julianday(min(m.published_at))) * 24, 2)
                   AS spread_hours
        FROM clusters c
        JOIN articles a ON a.id = c.canonical_id
        JOIN articles m ON m.cluster_id = c.cluster_id
        GROUP BY c.cluster_id
        """,
        replace=True,
    )


def _v3_story_spread(db: sqlite_utils.Database) -> None:
    """story_spread: first_seen_at from articles.first_seen_at (fetched_at moves on every
    re-fetch), sites and urls in order of publication, the site that carried it first.

    No GROUP BY (per-story values are correlated subqueries on the cluster_id index), so
    SQLite flattens the view and ``WHERE cluster_id IN (...)`` reads only those stories.
    """
    order = "coalesce(published_at, first_seen_at)"
    members = "FROM articles WHERE cluster_id = c.cluster_id"
    db.create_view(
        "story_spread",
        f"""
        SELECT c.cluster_id, c.canonical_id, a.title, c.size, c.sites AS site_count,
               (SELECT json_group_array(site) FROM (
                    SELECT site {members} GROUP BY site ORDER BY min({order}), site)) AS sites,
               (SELECT site {members} ORDER BY {order}, id LIMIT 1) AS first_site,
               (SELECT json_group_array(url) FROM (
                    SELECT url {members} ORDER BY {order}, id)) AS urls,
               c.first_published_at, c.last_published_at,
               (SELECT min(first_seen_at) {members}) AS first_seen_at,
               (SELECT max(fetched_at) {members}) AS last_seen_at,
               round((julianday(c.last_published_at) - julianday(c.first_published_at)) * 24, 2)
                   AS spread_hours
        FROM clusters c
        JOIN articles a ON a.id = c.canonical_id
        """,
        replace=True,
    )


def _v4_frontier_kind(db: sqlite_utils.Database) -> None:
    """The frontier also keeps child sitemaps and listing pages, so a killed run re-reads
    them instead of trusting a 304 for a page whose links it never queued."""
    db["frontier"].add_column("kind", str, not_null_default="article")


def _v5_failed_sites(db: sqlite_utils.Database) -> None:
    """Sites none of whose start points could be read in a run (a moved feed, a block)."""
    db["crawl_runs"].add_column("failed_sites", str)  # JSON array of site names


def _frontier_last_tried(db: sqlite_utils.Database) -> None:
    """When an article URL was last handed to a crawl (the run's start time): a run fetches
    each URL once, attempts count tries even when a run is killed, and a failed URL is
    tried again only after a back-off."""
    db["frontier"].add_column("last_tried_at", str)
    db["frontier"].create_index(["state", "kind", "site", "attempts"])


def _cluster_members(db: sqlite_utils.Database) -> None:
    """Why each non-canonical article is in its story: its relation to the article it was
    measured against (the canonical; for a copy of an excerpt, that excerpt), the score and
    the covered share of each side. Filled by the cluster keeper (scraper/storage/clusters.py)
    in the article's transaction; an existing database gets it when its dedupe index is
    rebuilt under the new rules (automatic: the index's parameters changed)."""
    db["cluster_members"].create(
        {
            "article_id": str,
            "cluster_id": str,
            "relation": str,  # near_copy | exact | excerpt
            "compared_with": str,
            "score": float,
            "share_article": float,
            "share_compared": float,
        },
        pk="article_id",
        if_not_exists=True,
    )
    db["cluster_members"].create_index(["cluster_id"], if_not_exists=True)


def _article_versions(db: sqlite_utils.Database) -> None:
    """Every stored version of each article (scraper/storage/versions.py appends them),
    the view of articles that changed, and version 1 of every article already stored."""
    db["article_versions"].create(
        {
            "article_id": str,
            "version": int,  # 1, 2, ... in the order they were stored
            "fetched_at": str,
            "title": str,
            "body": str,
            "content_hash": str,
            "word_count": int,
            "words_added": int,  # against the previous version; NULL for version 1
            "words_removed": int,
            "title_changed": int,
            "summary": str,  # e.g. "title changed; +12 −3 words"
            "extractor_version": int,
        },
        pk=("article_id", "version"),
    )
    db["article_versions"].create_index(["version"])  # finds the few changed articles
    db.execute(
        """INSERT INTO article_versions (article_id, version, fetched_at, title, body,
               content_hash, word_count, title_changed, summary, extractor_version)
           SELECT id, 1, fetched_at, title, body, content_hash, word_count, 0,
                  'first stored version', extractor_version
           FROM articles"""
    )
    db.create_view(
        "article_changes",
        """
        SELECT v.article_id, a.site, a.title,
               (SELECT title FROM article_versions
                WHERE article_id = v.article_id AND version = 1) AS first_title,
               count(*) AS versions,
               min(v.fetched_at) AS first_fetched_at,
               max(v.fetched_at) AS last_changed_at,
               sum(v.words_added) AS words_added,
               sum(v.words_removed) AS words_removed,
               sum(v.title_changed) AS title_changes,
               a.url
        FROM article_versions v
        JOIN articles a ON a.id = v.article_id
        WHERE v.article_id IN (SELECT article_id FROM article_versions WHERE version = 2)
        GROUP BY v.article_id
        """,
        replace=True,
    )


def _unique_articles_searchable(db: sqlite_utils.Database) -> None:
    """unique_articles carries the article's rowid as ``fts_rowid``, the key Datasette's
    search box needs to join a view to ``articles_fts``."""
    db.create_view(
        "unique_articles",
        "SELECT *, rowid AS fts_rowid FROM articles WHERE is_canonical = 1",
        replace=True,
    )


def _warc_imported_records(db: sqlite_utils.Database) -> None:
    """WARC records ``ainews import-warc`` has run through extraction, by WARC-Record-ID,
    so an interrupted or repeated import skips them instead of extracting them again."""
    db["warc_records"].create(
        {"record_id": str, "run_id": int, "outcome": str, "imported_at": str}, pk="record_id"
    )


def _pages_raw_page(db: sqlite_utils.Database) -> None:
    """``pages.raw_gzip`` becomes ``raw_page``: new rows hold a zstd frame, the rows already
    stored keep their gzip member; ``storage/rawpages.py`` reads either by its magic bytes."""
    db.execute("ALTER TABLE pages RENAME COLUMN raw_gzip TO raw_page")


def _fts_update_trigger_on_text_only(db: sqlite_utils.Database) -> None:
    """The full-text index is rewritten when an article's title or body change, not when
    any column does: sqlite-utils' update trigger re-indexed the whole text on every
    cluster assignment (de-duplication rewrites ``cluster_id`` of the articles it moves),
    ~1 ms of the writing process per page."""
    if "articles_au" not in db.triggers_dict:
        return
    db.execute("DROP TRIGGER articles_au")
    db.execute(
        'CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "body" ON "articles" BEGIN\n'
        '  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body")'
        " VALUES('delete', old.rowid, old.\"title\", old.\"body\");\n"
        '  INSERT INTO "articles_fts" (rowid, "title", "body")'
        ' VALUES (new.rowid, new."title", new."body");\nEND'
    )


def _fts_update_trigger_when_text_changed(db: sqlite_utils.Database) -> None:
    """The full-text entry of an updated article is rewritten only when its title or body
    differ: a re-fetch that stores the same text (``unchanged``, ``ainews reprocess``) sets
    both columns, which fired the trigger, and FTS5 tokenized the old and the new text
    (~1 ms of the writing process per article) to store the same entry again."""
    if "articles_au" not in db.triggers_dict:
        return
    db.execute("DROP TRIGGER articles_au")
    db.execute(
        'CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "body" ON "articles"\n'
        '  WHEN old."title" IS NOT new."title" OR old."body" IS NOT new."body" BEGIN\n'
        '  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body")'
        " VALUES('delete', old.rowid, old.\"title\", old.\"body\");\n"
        '  INSERT INTO "articles_fts" (rowid, "title", "body")'
        ' VALUES (new.rowid, new."title", new."body");\nEND'
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_core,
    _v2_views,
    _v3_story_spread,
    _v4_frontier_kind,
    _v5_failed_sites,
    _frontier_last_tried,
    _cluster_members,
    _article_versions,
    _unique_articles_searchable,
    _warc_imported_records,
    _pages_raw_page,
    _fts_update_trigger_on_text_only,
    _fts_update_trigger_when_text_changed,
]
SCHEMA_VERSION = len(MIGRATIONS)


def _database_file(db: sqlite_utils.Database) -> str:
    """The main database's file name (``PRAGMA database_list``), for error messages."""
    rows = db.execute("PRAGMA database_list").fetchall()
    return next((row[2] for row in rows if row[1] == "main" and row[2]), "database")


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the database to :data:`SCHEMA_VERSION`; returns the number of steps run."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise DatabaseTooNew(
            _database_file(db),
            f"schema version {current} is newer than this ainews ({SCHEMA_VERSION})",
            "upgrade ainews (pip install -U ainews), or pass another --db",
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            db.execute(f"PRAGMA user_version = {version}")
        logger.info("migrated database to schema version %d", version)
    return SCHEMA_VERSION - current
