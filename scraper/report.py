"""Human-readable summaries of a database, for the end of ``ainews demo`` and ``crawl``."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils


def database_summary(db_path: str | Path, *, latest: int = 5) -> str:
    db = sqlite_utils.Database(db_path)
    try:
        articles = db["articles"].count
        unique = db.execute("SELECT count(*) FROM articles WHERE is_canonical = 1").fetchone()[0]
        dup_clusters = db.execute("SELECT count(*) FROM clusters WHERE size > 1").fetchone()[0]
        lines = [
            f"Database: {Path(db_path).resolve()}",
            f"  {articles} articles, {unique} unique stories, "
            f"{dup_clusters} stories found at more than one URL",
        ]
        for site, n in db.execute(
            "SELECT site, count(*) FROM articles GROUP BY site ORDER BY site"
        ).fetchall():
            lines.append(f"  {site}: {n} articles")
        lines.append("Latest unique stories:")
        for title, published, size in db.execute(
            "SELECT a.title, a.published_at, c.size FROM articles a "
            "JOIN clusters c ON c.cluster_id = a.cluster_id WHERE a.is_canonical = 1 "
            "ORDER BY a.published_at DESC, a.id LIMIT ?",
            [latest],
        ).fetchall():
            copies = f" (+{size - 1} copies)" if size > 1 else ""
            lines.append(f"  {(published or '')[:10]}  {title}{copies}")
        lines.append(f'Try: sqlite3 {db_path} "SELECT title FROM unique_articles LIMIT 5"')
        return "\n".join(lines)
    finally:
        db.close()
