"""The articles database: one SQLite file, written one record per transaction.

A record (article row, raw page, cluster assignment, frontier state) commits together or
not at all, so ``kill -9`` at any moment leaves a consistent file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ainews.scraper.article import Article
from ainews.scraper.items import FetchedPage
from ainews.scraper.storage.errors import database_errors
from ainews.scraper.storage.rawpages import compress_raw, decompress_raw
from ainews.scraper.storage.schema import migrate
from ainews.scraper.storage.versions import record_version

if TYPE_CHECKING:
    from ainews.dedupe import Assignment

logger = logging.getLogger(__name__)

#: Milliseconds a writer waits for another connection's lock before failing.
BUSY_TIMEOUT_MS = 30_000
#: SQLite's page cache of a Store's connection, in KiB (SQLite's default is 2 MB). Each
#: article writes its ~50 KB raw page through the cache, so at 2 MB the de-duplication
#: tables' and indexes' pages (~4 MB at 5,000 articles) were evicted batch after batch and
#: read again from the file: ~0.4 ms a page of system time in the crawl process
#: (``benchmarks.store_path``). The cache is filled only as pages are read or written.
CACHE_KIB = 32 * 1024
#: Tries (one per run) of a failing or unanswered URL before it is given up (skip reason
#: ``gave_up``); a 404/410 is given up at once.
MAX_ATTEMPTS = 3


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def article_id(url: str) -> str:
    """A stable id for an article URL, the same on every machine and run."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def content_hash(text: str) -> str:
    """Hash of a body after Unicode and whitespace normalisation."""
    norm = " ".join(unicodedata.normalize("NFKC", text).split()).lower()  # split: \s+ runs
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


class Store:
    """One connection to the articles database and the SQL that writes it.

    A crawl has one Store, owned by its state component (``ainews.scraper.state.CrawlState``);
    ``ainews reprocess`` and tests open their own. Exports and Datasette read the file
    directly. Cleaning and de-duplication happen before a write (``ainews.scraper.process``).
    """

    def __init__(self, path: str | Path, *, dedupe: bool = True) -> None:
        self.path = Path(path)
        with database_errors(self.path):  # not SQLite, corrupt, read-only: one clear error
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.enable_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: durable per commit
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            migrate(self.db)
        self.clusters = None
        if dedupe:  # a store that only reads or records runs needs no index
            from ainews.scraper.storage.clusters import ClusterKeeper

            with self.db.atomic():  # the index may create tables and record its parameters
                self.clusters = ClusterKeeper(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (a savepoint when nested): a record commits whole or not at all.

        ``sqlite_utils.Database.atomic``'s semantics, with one fixed savepoint name (SQLite
        releases the innermost of a name) instead of a random one drawn per record."""
        conn = self.db.conn
        if not conn.in_transaction:
            with self.db.atomic():
                yield
            return
        conn.execute("SAVEPOINT ainews_record")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # (an error may have ended the whole transaction)
                conn.execute("ROLLBACK TO ainews_record")
                conn.execute("RELEASE ainews_record")
            raise
        conn.execute("RELEASE ainews_record")

    def begin_batch(self) -> None:
        """Open a transaction that the next records join (each as a savepoint: whole or not
        at all) until :meth:`commit_batch`. A kill loses the batch, never part of a record;
        each record's frontier entry is marked done in it, so its URL is fetched again."""
        if not self.db.conn.in_transaction:
            self.db.execute("BEGIN")

    def commit_batch(self) -> None:
        """Commit the open batch (nothing when none is open); rolled back if that fails."""
        if not self.db.conn.in_transaction:
            return
        try:
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def ensure_dedupe_index(self) -> None:
        """Rebuild the dedupe index from the articles table if it is missing or stale."""
        if self.clusters is not None and not self.clusters.is_consistent():
            logger.warning("%s: dedupe index is missing or stale; rebuilding it", self.path)
            self.clusters.rebuild()

    # -- articles -------------------------------------------------------------------

    def stored(self, url: str) -> dict[str, Any] | None:
        """What a write of ``url`` compares with: the stored article's ``content_hash``,
        ``title``, ``first_seen_at``, ``updated_at`` and ``cluster_id`` (None: not stored)."""
        return self._row(
            "SELECT content_hash, title, first_seen_at, updated_at, cluster_id"
            " FROM articles WHERE id=?",
            article_id(url),
        )

    def save_article(
        self,
        article: Article,
        page: FetchedPage | None = None,
        *,
        assignments: Sequence[Assignment] = (),
        raw_page: bytes | None = None,
        extractor_version: int | None = None,
        body_hash: str | None = None,
    ) -> str:
        """Insert or update one article, its raw page and its frontier entry, in one
        transaction and one row write; returns ``new``, ``updated`` or ``unchanged``.

        ``assignments`` come from the de-duplication stage: this article's cluster (written
        with the row) and the other articles it moved. Without one, a new article is its
        own cluster and a stored one keeps its cluster. ``body_hash``: the body's
        :func:`content_hash` when the caller computed it already (a worker process did).
        """
        with self.transaction():
            return self.write_article(
                article, page, self.stored(article.url), assignments=assignments,
                raw_page=raw_page, extractor_version=extractor_version, body_hash=body_hash)

    def write_article(
        self,
        article: Article,
        page: FetchedPage | None,
        old: dict[str, Any] | None,
        *,
        assignments: Sequence[Assignment] = (),
        raw_page: bytes | None = None,
        extractor_version: int | None = None,
        body_hash: str | None = None,
    ) -> str:
        """:meth:`save_article` inside a transaction the caller holds, where it read
        ``old = store.stored(article.url)`` (``ainews.scraper.process`` reads it once for
        de-duplication and the write)."""
        aid = article_id(article.url)
        now = now_iso()
        row = article.to_row()
        row.update(
            id=aid, content_hash=body_hash or content_hash(article.body),
            extractor_version=extractor_version,
        )
        row["fetched_at"] = row.get("fetched_at") or now
        if page is not None and raw_page is None:
            raw_page = compress_raw(page.body)
        own = next((a for a in assignments if a.id == aid), None)
        others = [a for a in assignments if a.id != aid]
        lastmod = page.source_lastmod if page else None
        outcome = self._upsert_article(row, old, own, now, lastmod)
        if page is not None:
            self._save_page(aid, page, raw_page, row["fetched_at"])
        if self.clusters is not None and (own or others):
            if own is not None:
                self.clusters.explain(own)
            touched = {c for c in (old and old["cluster_id"], own and own.cluster_id) if c}
            self.clusters.apply(others, touched)
        self.db.execute(
            "UPDATE frontier SET state='done', last_error=NULL WHERE url IN (?, ?)",
            [article.url, page.requested_url if page else article.url],
        )
        return outcome

    def _upsert_article(
        self,
        row: dict,
        old: dict | None,
        own: Assignment | None,
        now: str,
        lastmod: str | None,
    ) -> str:
        row["first_seen_at"] = old["first_seen_at"] if old else now
        changed = old is None or (old["content_hash"], old["title"]) != (
            row["content_hash"],
            row["title"],
        )
        row["updated_at"] = now if changed else old["updated_at"]
        row["source_lastmod"] = lastmod
        record_version(self.db, row)  # article history (versions.py), same transaction
        if own is not None:
            row.update(
                cluster_id=own.cluster_id,
                is_canonical=int(own.is_canonical),
                partial_of=own.partial_of,
            )
        elif old is None:
            row.update(cluster_id=row["id"], is_canonical=1, partial_of=None)
        else:
            for key in ("cluster_id", "is_canonical", "partial_of"):
                row.pop(key, None)
        cols = list(row)
        if old is None:
            self.db.execute(
                f"INSERT INTO articles ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols],
            )
            return "new"
        cols.remove("id")
        self.db.execute(
            f"UPDATE articles SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
            [*(row[c] for c in cols), row["id"]],
        )
        return "updated" if changed else "unchanged"

    def _save_page(self, aid: str, page: FetchedPage, raw_page: bytes, fetched_at: str) -> None:
        self.db.execute(
            """INSERT OR REPLACE INTO pages (article_id, url, status, content_type, etag,
                                             last_modified, raw_page, fetched_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [aid, page.requested_url, page.status, page.content_type, page.etag,
             page.last_modified, raw_page, fetched_at],
        )

    def known_article(self, url: str) -> dict[str, Any] | None:
        """What the crawl needs to decide whether to fetch ``url`` again."""
        return self._row(
            "SELECT url, fetched_at, source_lastmod, modified_at FROM articles WHERE id=?",
            article_id(url),
        )

    def raw_page(self, aid: str) -> FetchedPage | None:
        """The stored response of an article, as it was fetched, for ``ainews reprocess``."""
        row = self._row(
            """SELECT a.url, p.url AS requested_url, a.site, p.status, p.content_type,
               p.raw_page, a.fetched_at, p.etag, p.last_modified, a.source_lastmod,
               a.site_name
               FROM pages p JOIN articles a ON a.id = p.article_id WHERE a.id = ?""",
            aid,
        )
        if row is None:
            return None
        row["body"] = decompress_raw(row.pop("raw_page"))
        return FetchedPage(**row)

    def count(self, table: str, where: str | None = None) -> int:
        return self.db[table].count_where(where) if where else self.db[table].count

    # -- frontier and HTTP validators -------------------------------------------------

    def enqueue(
        self,
        site: str,
        links: Iterable[tuple[str, str | None]],
        kind: str = "article",
        *,
        retry_failed_before: str | None = None,
    ) -> None:
        """Remember discovered URLs so this run and an interrupted one fetch them.

        A known article URL is pending again only when its announced lastmod changed, or,
        once failed, when it last failed before ``retry_failed_before`` (a back-off).
        Index pages (sitemaps, listings) are always pending again: their links may change.
        """
        now = now_iso()
        with self.db.atomic():
            for url, lastmod in links:
                self.db.execute(
                    """INSERT INTO frontier (url, site, kind, lastmod, discovered_at, state,
                                             attempts)
                       VALUES (?, ?, ?, ?, ?, 'pending', 0)
                       ON CONFLICT(url) DO UPDATE SET state='pending', lastmod=excluded.lastmod,
                           attempts = CASE WHEN frontier.state = 'pending'
                                           THEN frontier.attempts ELSE 0 END
                       WHERE ? != 'article'
                          OR excluded.lastmod IS NOT frontier.lastmod
                          OR (frontier.state = 'failed' AND frontier.last_tried_at < ?)""",
                    [url, site, kind, lastmod, now, kind, retry_failed_before or ""],
                )

    def index_done(self, url: str, validators: tuple[str | None, str | None] | None) -> None:
        """A feed, sitemap or listing was fully read: store its (ETag, Last-Modified) for
        the next run's conditional request (None: unchanged, a 304) and clear it."""
        with self.db.atomic():
            if validators is None:
                self.db.execute(
                    "UPDATE validators SET checked_at=? WHERE url=?", [now_iso(), url]
                )
            else:
                etag, last_modified = validators
                self.db["validators"].upsert(
                    {
                        "url": url,
                        "etag": etag,
                        "last_modified": last_modified,
                        "checked_at": now_iso(),
                    },
                    pk="url",
                )
            self.db.execute("UPDATE frontier SET state='done' WHERE url=?", [url])

    def pending_index(self, sites: Iterable[str]) -> list[dict[str, Any]]:
        """Feeds, sitemaps and listings an earlier run discovered but did not finish."""
        names = list(sites)
        marks = ",".join("?" * len(names))
        return list(
            self.db.query(
                "SELECT url, site, kind, lastmod FROM frontier"
                f" WHERE state='pending' AND kind != 'article' AND site IN ({marks})"
                " ORDER BY discovered_at, url",
                names,
            )
        )

    def next_articles(
        self, sites: Iterable[str], limit: int, run_started: str
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Take up to ``limit`` pending article URLs not yet tried in this run (the fewest
        attempts first) and count the try. Returns them and the URLs given up instead:
        those tried :data:`MAX_ATTEMPTS` times already (parked as failed)."""
        names = list(sites)
        marks = ",".join("?" * len(names))
        with self.db.atomic():
            rows = list(
                self.db.query(
                    "SELECT url, site, lastmod, attempts FROM frontier"
                    f" WHERE state='pending' AND kind='article' AND site IN ({marks})"
                    " AND (last_tried_at IS NULL OR last_tried_at < ?)"
                    " ORDER BY attempts, discovered_at, url LIMIT ?",
                    [*names, run_started, limit],
                )
            )
            given_up = [r["url"] for r in rows if r["attempts"] >= MAX_ATTEMPTS]
            for url in given_up:
                self.db.execute(
                    "UPDATE frontier SET state='failed', last_tried_at=?,"
                    " last_error='gave_up: ' || coalesce(last_error, 'no answer') WHERE url=?",
                    [run_started, url],
                )
            wanted = [r for r in rows if r["attempts"] < MAX_ATTEMPTS]
            for row in wanted:
                self.db.execute(
                    "UPDATE frontier SET attempts = attempts + 1, last_tried_at=? WHERE url=?",
                    [run_started, row["url"]],
                )
        return wanted, given_up

    def untried(self, urls: Iterable[str]) -> None:
        """URLs taken for a run that stopped before requesting them: the try did not count."""
        with self.db.atomic():
            for url in urls:
                self.db.execute(
                    "UPDATE frontier SET attempts = max(attempts - 1, 0), last_tried_at = NULL"
                    " WHERE url = ? AND state = 'pending'",
                    [url],
                )

    def mark_failed(self, url: str, reason: str, *, final: bool, tried: bool = False) -> bool:
        """Record a failed fetch (``tried``: count it as an attempt; article URLs are
        counted when taken). A final error, or :data:`MAX_ATTEMPTS` attempts, parks the URL
        as failed; returns True when it was parked for its attempts."""
        with self.db.atomic():
            if tried:
                self.db.execute("UPDATE frontier SET attempts = attempts + 1 WHERE url = ?", [url])
            row = self._row("SELECT attempts, state FROM frontier WHERE url = ?", url)
            parked = bool(row and not final and row["attempts"] >= MAX_ATTEMPTS)
            self.db.execute(
                "UPDATE frontier SET last_error = ?, last_tried_at = coalesce(last_tried_at, ?),"
                " state = CASE WHEN ? OR ? THEN 'failed' ELSE state END WHERE url = ?",
                [reason[:500], now_iso(), final, parked, url],
            )
        return parked

    def validators(self, url: str) -> dict[str, Any] | None:
        return self._row(
            "SELECT etag, last_modified, checked_at FROM validators WHERE url=?", url
        )

    # -- crawl runs -------------------------------------------------------------------

    def start_run(self, sites: list[str]) -> int:
        with self.db.atomic():
            table = self.db["crawl_runs"].insert(
                {"started_at": now_iso(), "status": "running", "sites": json.dumps(sites)}
            )
        return int(table.last_pk)

    def finish_run(self, run_id: int, **fields: Any) -> None:
        fields.setdefault("finished_at", now_iso())
        for key in ("skip_reasons", "failed_sites"):  # JSON columns
            if isinstance(fields.get(key), dict | list):
                fields[key] = json.dumps(fields[key], sort_keys=True)
        with self.db.atomic():
            self.db["crawl_runs"].update(run_id, fields)

    def close_stale_runs(self) -> int:
        """Runs left 'running' by a killed process are marked 'interrupted'."""
        with self.db.atomic():
            cur = self.db.execute(
                "UPDATE crawl_runs SET status='interrupted' WHERE status='running'"
            )
        return cur.rowcount

    def _row(self, sql: str, *params: Any) -> dict[str, Any] | None:
        cur = self.db.execute(sql, params)
        values = cur.fetchone()
        if values is None:
            return None
        return dict(zip([c[0] for c in cur.description], values, strict=True))
