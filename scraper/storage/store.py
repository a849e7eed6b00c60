"""The articles database: one SQLite file, written one record per transaction.

A record (article row, raw page, cluster assignment, frontier state) commits together or
not at all, so ``kill -9`` at any moment leaves a consistent file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from scraper.article import Article
from scraper.storage.schema import migrate
from scraper.storage.versions import record_version

logger = logging.getLogger(__name__)

#: Milliseconds a writer waits for another connection's lock before failing.
BUSY_TIMEOUT_MS = 30_000
#: Runs in which a failing article URL is tried before it is given up (a 404/410 at once).
MAX_ATTEMPTS = 3


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def article_id(url: str) -> str:
    """A stable id for an article URL, the same on every machine and run."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def content_hash(text: str) -> str:
    """Hash of a body after Unicode and whitespace normalisation."""
    norm = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RawPage:
    """The HTTP response an article came from, kept for re-extraction."""

    requested_url: str
    status: int
    content_type: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


class Store:
    """The crawl's database API; the CLI, pipelines, exports and tests all go through it."""

    def __init__(self, path: str | Path, *, dedupe: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: durable per commit
        self.db.execute("PRAGMA foreign_keys = ON")
        migrate(self.db)
        self.clusters = None
        if dedupe:  # read-only users (spider, exports) need no index
            from scraper.storage.clusters import ClusterKeeper

            with self.db.atomic():  # the index may create tables and record its parameters
                self.clusters = ClusterKeeper(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_dedupe_index(self) -> None:
        """Rebuild the dedupe index from the articles table if it is missing or stale."""
        if self.clusters is not None and not self.clusters.is_consistent():
            logger.warning("%s: dedupe index is missing or stale; rebuilding it", self.path)
            self.clusters.rebuild()

    # -- articles -------------------------------------------------------------------

    def save_article(
        self,
        article: Article,
        page: RawPage | None = None,
        *,
        source_lastmod: str | None = None,
        extractor_version: int | None = None,
    ) -> str:
        """Insert or update one article; returns ``new``, ``updated`` or ``unchanged``."""
        aid = article_id(article.url)
        now = now_iso()
        row = article.to_row()
        row.update(
            id=aid, content_hash=content_hash(article.body), extractor_version=extractor_version
        )
        row["fetched_at"] = row.get("fetched_at") or now
        old = self._row(
            "SELECT content_hash, title, first_seen_at, updated_at FROM articles WHERE id=?", aid
        )
        with self.db.atomic():
            outcome = self._upsert_article(row, old, now, source_lastmod)
            if page is not None:
                self._save_page(aid, page, row["fetched_at"])
            if self.clusters is not None and (
                old is None or old["content_hash"] != row["content_hash"]
            ):
                self.clusters.add(row)
            self.db.execute(
                "UPDATE frontier SET state='done', last_error=NULL WHERE url IN (?, ?)",
                [article.url, page.requested_url if page else article.url],
            )
        return outcome

    def _upsert_article(self, row: dict, old: dict | None, now: str, lastmod: str | None) -> str:
        row["first_seen_at"] = old["first_seen_at"] if old else now
        changed = old is None or (old["content_hash"], old["title"]) != (
            row["content_hash"],
            row["title"],
        )
        row["updated_at"] = now if changed else old["updated_at"]
        row["source_lastmod"] = lastmod
        keep = ("cluster_id", "is_canonical", "partial_of")
        record_version(self.db, row)  # article history (versions.py), same transaction
        if old is None:
            row.update(cluster_id=row["id"], is_canonical=1, partial_of=None)
            self.db["articles"].insert(row)
            return "new"
        for key in keep:
            row.pop(key, None)
        self.db["articles"].update(row["id"], row)
        return "updated" if changed else "unchanged"

    def _save_page(self, aid: str, page: RawPage, fetched_at: str) -> None:
        self.db["pages"].upsert(
            {
                "article_id": aid,
                "url": page.requested_url,
                "status": page.status,
                "content_type": page.content_type,
                "etag": page.etag,
                "last_modified": page.last_modified,
                "raw_gzip": gzip.compress(page.body, compresslevel=6),
                "fetched_at": fetched_at,
            },
            pk="article_id",
        )

    def known_article(self, url: str) -> dict[str, Any] | None:
        """What the crawl needs to decide whether to fetch ``url`` again."""
        return self._row(
            "SELECT url, fetched_at, source_lastmod, modified_at FROM articles WHERE id=?",
            article_id(url),
        )

    def raw_page(self, aid: str) -> dict[str, Any] | None:
        """A stored response with its article's crawl fields, for ``ainews reprocess``."""
        row = self._row(
            """SELECT a.id, a.url, a.site, a.fetched_at, a.source_lastmod, p.content_type,
               p.raw_gzip, p.url AS requested_url FROM pages p
               JOIN articles a ON a.id = p.article_id WHERE a.id = ?""",
            aid,
        )
        if row is not None:
            row["raw"] = gzip.decompress(row.pop("raw_gzip"))
        return row

    def count(self, table: str, where: str | None = None) -> int:
        return self.db[table].count_where(where) if where else self.db[table].count

    # -- frontier and HTTP validators -------------------------------------------------

    def enqueue(
        self, site: str, links: Iterable[tuple[str, str | None]], kind: str = "article"
    ) -> None:
        """Remember discovered URLs so an interrupted run picks them up again."""
        now = now_iso()
        with self.db.atomic():
            for url, lastmod in links:
                self.db.execute(
                    """INSERT INTO frontier (url, site, kind, lastmod, discovered_at, state,
                                             attempts)
                       VALUES (?, ?, ?, ?, ?, 'pending', 0)
                       ON CONFLICT(url) DO UPDATE SET state='pending', lastmod=excluded.lastmod
                       WHERE excluded.lastmod IS NOT frontier.lastmod OR ? != 'article'""",
                    [url, site, kind, lastmod, now, kind],
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

    def pending(self, sites: Iterable[str]) -> list[dict[str, Any]]:
        """URLs an earlier run discovered but did not finish, index pages first."""
        names = list(sites)
        marks = ",".join("?" * len(names))
        return list(
            self.db.query(
                "SELECT url, site, kind, lastmod FROM frontier"
                f" WHERE state='pending' AND site IN ({marks})"
                " ORDER BY kind DESC, discovered_at, url",
                names,
            )
        )

    def mark_failed(self, url: str, reason: str, *, final: bool) -> None:
        """Count a failed fetch; after MAX_ATTEMPTS runs (or a final error) stop trying."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE frontier SET attempts = attempts + 1, last_error = ?,"
                " state = CASE WHEN ? OR attempts + 1 >= ? THEN 'failed' ELSE state END"
                " WHERE url = ?",
                [reason[:500], final, MAX_ATTEMPTS, url],
            )

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
