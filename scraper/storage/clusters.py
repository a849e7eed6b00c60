"""Keep the articles' cluster columns, the ``clusters`` table and ``cluster_members`` (why
each non-canonical article is a copy or an excerpt) in step with the dedupe index.

The index lives in the same SQLite file (tables ``dedupe_*``) and is written in the
caller's transaction, so an article and its cluster assignment commit together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from ainews.dedupe import Assignment, Deduplicator, Doc, SQLiteIndex
from ainews.dedupe.text import Features

logger = logging.getLogger(__name__)


def _doc(row: dict[str, Any]) -> Doc:
    return Doc(
        id=row["id"],
        text=row.get("body") or "",
        title=row.get("title"),
        url=row.get("url"),
        published_at=row.get("published_at"),
        fetched_at=row.get("fetched_at"),
    )


class ClusterKeeper:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.index = SQLiteIndex(db.conn)
        self.dedup = Deduplicator(self.index)

    def assign(self, row: dict[str, Any], feats: Features | None = None) -> list[Assignment]:
        """Index a new or changed body (index tables only); returns every changed
        assignment as analysts see it, for the caller to write with the article row.
        ``feats``: the body's ``ainews.dedupe.text.features`` when already computed."""
        return [c.in_story() for c in self.dedup.add(_doc(row), feats)]

    def add(self, row: dict[str, Any]) -> None:
        """Index a new or changed body and write every assignment that changed."""
        self.apply(self.assign(row))

    def apply(self, changes: Iterable[Assignment], touched: Iterable[str] = ()) -> None:
        """Write changed assignments to the articles table and refresh the ``clusters``
        rows of every cluster they (and ``touched``) leave or join."""
        touched = set(touched)
        for change in (c.in_story() for c in changes):
            old = self.db.execute(
                "SELECT cluster_id FROM articles WHERE id=?", [change.id]
            ).fetchone()
            if old and old[0]:
                touched.add(old[0])
            touched.add(change.cluster_id)
            self.db.execute(
                "UPDATE articles SET cluster_id=?, is_canonical=?, partial_of=? WHERE id=?",
                [change.cluster_id, int(change.is_canonical), change.partial_of, change.id],
            )
            self.explain(change)
        self.refresh(touched)

    def explain(self, change: Assignment) -> None:
        """The ``cluster_members`` row of an article: none for a canonical."""
        if change.is_canonical or change.relation is None:
            self.db.execute("DELETE FROM cluster_members WHERE article_id=?", [change.id])
            return
        self.db.execute(  # (one statement: a DELETE then an INSERT was two)
            "INSERT OR REPLACE INTO cluster_members (article_id, cluster_id, relation,"
            " compared_with, score, share_article, share_compared) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [change.id, change.cluster_id, change.relation, change.compared_with, change.score,
             change.share_self, change.share_other],
        )

    def refresh(self, cluster_ids: Iterable[str]) -> None:
        """Recompute the ``clusters`` rows of these clusters from the articles table."""
        ids = sorted(set(cluster_ids))
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"DELETE FROM clusters WHERE cluster_id IN ({marks})", chunk)
            self.db.execute(
                f"""INSERT INTO clusters (cluster_id, canonical_id, size, sites,
                        first_published_at, last_published_at, updated_at)
                    SELECT cluster_id, max(CASE WHEN is_canonical = 1 THEN id END), count(*),
                           count(DISTINCT site), min(published_at), max(published_at), ?
                    FROM articles WHERE cluster_id IN ({marks}) GROUP BY cluster_id""",
                [now, *chunk],
            )

    def is_consistent(self) -> bool:
        """The index holds every article, built with the current parameters."""
        return not self.dedup.needs_rebuild(self.db["articles"].count)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> None:
        """Re-index every article from SQLite and rewrite all cluster columns."""

        def docs() -> Iterator[Doc]:
            for n, row in enumerate(
                self.db.query(
                    "SELECT id, body, title, url, published_at, fetched_at"
                    " FROM articles ORDER BY id"
                )
            ):
                if progress:
                    progress(n)
                yield _doc(row)

        with self.db.atomic():
            self.dedup.rebuild(docs())
            self.db.execute("DELETE FROM cluster_members")
            rows = self.db.execute("SELECT id FROM articles ORDER BY id").fetchall()
            changes = [self.dedup.assignment(r[0]) for r in rows]
            self.apply(c for c in changes if c is not None)
            logger.info("re-clustered %d articles under the current de-duplication rules",
                        len(rows))
            self.db.execute(
                "DELETE FROM clusters WHERE cluster_id NOT IN "
                "(SELECT DISTINCT cluster_id FROM articles)"
            )
