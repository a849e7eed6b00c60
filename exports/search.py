"""Search that forgives: user text → a safe FTS5 query, ranked by bm25, one hit per story.

The conversion is one SQL expression (:func:`match_sql`), so the very same rule runs in
Datasette's canned queries, in the ``sqlite3`` shell, behind Datasette's ``_search`` box
(``ainews.exports.plugin`` registers :func:`fts_query` as ``escape_fts``) and in ``ainews search``.

By default every whitespace-separated piece of the text is one FTS5 string, so hyphens,
dots, ``+`` and quotes are just word separators (``Meridian-3`` is the phrase
"meridian 3", ``GPT-4o`` "gpt 4o") and all pieces must match. Text starting with
``fts:`` is passed to FTS5 as written, for its syntax: ``fts: qwen OR llama``, ``fts: chip*``.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from ainews.exports.export import connect_readonly, parse_bound

logger = logging.getLogger(__name__)

#: Text starting with this is FTS5 syntax, used as written.
RAW_PREFIX = "fts:"
#: bm25 weights of the indexed columns (title, body): a word in the headline says more
#: about what a story is than the same word deep in the body.
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
#: Words of context on each side of a hit in the snippet.
SNIPPET_TOKENS = 12


def match_sql(param: str = ":q") -> str:
    """The SQL expression turning the user text in ``param`` into an FTS5 query.

    Whitespace splits the text into pieces; each becomes an FTS5 string (``"..."``, its
    own quotes doubled), which FTS5 tokenizes like the indexed text. Pieces that are only
    punctuation become empty strings, which FTS5 ignores.
    """
    text = f"replace(replace(replace({param}, char(9), ' '), char(10), ' '), char(13), ' ')"
    words = f"""'"' || replace(replace(trim({text}), '"', '""'), ' ', '" "') || '"'"""
    prefix_len = len(RAW_PREFIX)
    return (
        f"CASE WHEN {param} LIKE '{RAW_PREFIX}%' THEN substr({param}, {prefix_len + 1}) "
        f"ELSE {words} END"
    )


def fts_query(text: str) -> str:
    """The FTS5 query for user ``text`` (the same SQL expression Datasette's queries use)."""
    with sqlite3.connect(":memory:") as conn:
        return conn.execute(f"SELECT {match_sql()}", {"q": text}).fetchone()[0]


def stories_sql(*, since: str | None = None, limit: str = "50") -> str:
    """Ranked search, one row per story (its canonical article) at the rank of its
    best-matching copy, with a snippet of that copy.

    ``since`` is an SQL expression (a parameter) bounding the copies' ``published_at``;
    ``limit`` an SQL expression for the number of stories.
    """
    since_clause = f"\n      AND m.published_at >= {since}" if since else ""
    return f"""WITH query AS (SELECT {match_sql()} AS fts),
hits AS MATERIALIZED (
    SELECT m.cluster_id, articles_fts.rowid AS hit,
           bm25(articles_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score
    FROM articles_fts JOIN articles m ON m.rowid = articles_fts.rowid
    WHERE articles_fts MATCH (SELECT fts FROM query){since_clause}),
best AS (  -- hit: the best copy's rowid (SQLite takes bare columns from the min() row)
    SELECT cluster_id, hit, min(score) AS score FROM hits
    GROUP BY cluster_id ORDER BY score LIMIT {limit})
SELECT a.title, a.site, a.published_at, c.size AS copies, c.sites AS site_count,
       (SELECT snippet(articles_fts, -1, '[', ']', '…', {SNIPPET_TOKENS}) FROM articles_fts
        WHERE articles_fts MATCH (SELECT fts FROM query) AND rowid = best.hit) AS snippet,
       a.cluster_id, a.url
FROM best
JOIN articles a ON a.cluster_id = best.cluster_id AND a.is_canonical = 1
LEFT JOIN clusters c ON c.cluster_id = a.cluster_id
ORDER BY best.score"""


#: The canned query's SQL (ainews.exports.catalog): the same search, top 50 stories.
SEARCH_STORIES_SQL = stories_sql()


@dataclass(frozen=True)
class Hit:
    """One story found by :func:`search_stories`."""

    title: str | None
    site: str | None
    published_at: str | None
    copies: int | None
    site_count: int | None
    snippet: str | None
    cluster_id: str
    url: str


def search_stories(
    db_path: str | Path, text: str, *, limit: int = 10, since: str | None = None
) -> list[Hit]:
    """The top ``limit`` stories matching ``text`` (see the module docstring), best first.

    ``since`` (``YYYY-MM-DD`` or ISO 8601) keeps copies published on or after it. Raises
    ``ValueError`` for a bad ``since``/``limit`` and ``FileNotFoundError`` for a missing
    database.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    bound = parse_bound(since, name="--since")
    sql = stories_sql(since=":since" if bound else None, limit=":limit")
    params = {"q": text, "limit": limit, "since": bound}
    conn = connect_readonly(db_path)
    try:
        rows = conn.execute(sql, {k: v for k, v in params.items() if f":{k}" in sql}).fetchall()
    except sqlite3.OperationalError as exc:  # only raw ``fts:`` queries can be malformed
        raise ValueError(f"bad FTS5 query {text!r}: {exc}") from None
    finally:
        conn.close()
    hits = [Hit(*row) for row in rows]
    return [replace(h, snippet=" ".join(h.snippet.split())) if h.snippet else h for h in hits]
