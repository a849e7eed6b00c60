"""Browse the database in Datasette, read-only, with descriptions, facets, search and
canned queries (``ainews serve``).

The file is opened with SQLite's ``mode=ro`` (Datasette's default for a database not
marked immutable): nothing can write through Datasette, and a crawl running at the same
time stays visible. Datasette's ``--immutable`` is not used: it skips the WAL file, so it
would miss whatever a crawl has committed but not yet checkpointed.
"""

from __future__ import annotations

import logging
import webbrowser
from pathlib import Path
from typing import Any

from ainews.exports import datasette_plugin
from ainews.exports.catalog import QUERIES, TABLES, Query
from ainews.exports.export import connect_readonly

logger = logging.getLogger(__name__)

TITLE = "ainews"
DESCRIPTION = (
    "AI news articles crawled from the configured sites, cleaned and de-duplicated: "
    "`articles` holds every URL, `unique_articles` one row per story, `story_spread` "
    "which sites carried each story and when, `article_changes` the articles edited "
    "after publication. Search with the ranked `search_stories` query (or the box on "
    "`articles`): words as typed, hyphens and dots included; `fts:` for FTS5 syntax. "
    "A cluster id opens its story."
)
#: Facets shown on the article tables: the filters analysts use most.
#: Four fit in one row above the table, so the rows stay on the first screen; the
#: others (authors, is_canonical, ...) are one click away under "Suggested facets".
ARTICLE_FACETS: list[Any] = ["site", "source_credit", {"array": "tags"}, "language"]
#: Datasette settings. Canned queries group whole tables, so they get more than the
#: 1 s default; long bodies are cut to 300 characters in HTML tables (JSON has them all).
SETTINGS = {
    "sql_time_limit_ms": 5_000,
    "facet_time_limit_ms": 1_000,
    "truncate_cells_html": 300,
    "default_page_size": 50,
    "default_facet_size": 5,  # short facet lists: the rows start on the first screen
}


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives the database: its file name without the extension."""
    return Path(db_path).stem


def build_metadata(db_name: str, queries: dict[str, Query] | None = None) -> dict[str, Any]:
    """Datasette metadata: descriptions of every table and column, facets, search, queries
    (``queries``: default :data:`ainews.exports.catalog.QUERIES`)."""
    tables: dict[str, dict[str, Any]] = {
        name: {"description": doc.description, "columns": dict(doc.columns)}
        for name, doc in TABLES.items()
    }
    for name in ("articles", "unique_articles"):
        tables[name].update(facets=ARTICLE_FACETS, sort_desc="published_at", label_column="title")
    tables["articles"].update(fts_table="articles_fts", fts_pk="rowid")
    tables["unique_articles"].update(fts_table="articles_fts", fts_pk="fts_rowid")
    tables["story_spread"]["sort_desc"] = "first_published_at"
    tables["article_changes"]["sort_desc"] = "last_changed_at"
    tables["article_versions"]["sort_desc"] = "fetched_at"
    tables["clusters"]["sort_desc"] = "last_published_at"
    tables["crawl_runs"].update(sort_desc="id", facets=["status"])
    tables["frontier"]["facets"] = ["state", "site"]
    # Datasette hides every table whose name starts with a hidden table's name.
    tables["dedupe_"] = {"hidden": True}
    queries = {
        name: {"title": q.title, "description": q.description, "sql": q.sql, "hide_sql": True}
        for name, q in (queries or QUERIES).items()
    }
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {db_name: {"tables": tables, "queries": queries}},
    }


def make_datasette(db_path: str | Path) -> Any:
    """A configured ``datasette.app.Datasette`` on ``db_path`` (read-only)."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    path = Path(db_path)
    connect_readonly(path).close()  # FileNotFoundError for a missing file
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="ainews")
    return Datasette(
        [str(path)],
        metadata=build_metadata(database_name(path)),
        settings=SETTINGS,
    )


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8001,
    open_browser: bool = False,
) -> None:
    """Run Datasette on ``db_path`` until interrupted (Ctrl-C)."""
    import uvicorn

    ds = make_datasette(db_path)
    url = f"http://{host}:{port}/{database_name(db_path)}"
    logger.info("serving %s at %s", db_path, url)
    if open_browser:
        webbrowser.open(url)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
