"""docs/schema.md and the Datasette descriptions cannot drift from the schema: every column
of every table and view of a freshly migrated database is documented in both."""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path

import pytest
import sqlite_utils

from exports.catalog import INTERNAL_PREFIXES, QUERIES, TABLES
from scraper.storage.schema import migrate

DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
REGENERATE = "regenerate it: python -m exports.schema_doc data/demo.db > docs/schema.md"


@cache
def fresh_schema() -> dict[str, list[str]]:
    """Table/view name → its columns, in a newly migrated database."""
    db = sqlite_utils.Database(memory=True)
    migrate(db)
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: [r[1] for r in db.execute(f"PRAGMA table_xinfo([{name}])") if r[6] != 1]
        for name in sorted(names)
        if not name.startswith(INTERNAL_PREFIXES)
    }


def doc_section(name: str) -> str:
    """The part of docs/schema.md about table or view ``name``."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^### `{re.escape(name)}` .*?(?=^##)", text, re.S | re.M)
    assert match, f"docs/schema.md has no section for `{name}`; {REGENERATE}"
    return match.group(0)


@pytest.mark.parametrize("name", list(fresh_schema()))
def test_every_column_is_in_the_docs(name: str) -> None:
    section = doc_section(name)
    missing = [c for c in fresh_schema()[name] if f"| `{c}` |" not in section]
    assert not missing, f"docs/schema.md: `{name}` lacks {missing}; {REGENERATE}"


@pytest.mark.parametrize("name", list(fresh_schema()))
def test_every_column_has_a_description(name: str) -> None:
    assert name in TABLES, f"add `{name}` to exports/catalog.py TABLES"
    described = TABLES[name].columns
    assert set(described) == set(fresh_schema()[name]), "exports/catalog.py TABLES is stale"
    assert all(described.values())


def test_internal_tables_are_named() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ("articles_fts_data", "dedupe_doc", "dedupe_band", "dedupe_para"):
        assert f"`{name}`" in text


@pytest.mark.parametrize("name", list(QUERIES))
def test_docs_show_the_current_query(name: str) -> None:
    assert QUERIES[name].sql in DOC.read_text(encoding="utf-8"), REGENERATE


@pytest.mark.parametrize("name", list(QUERIES))
def test_query_runs_on_a_fresh_database(name: str) -> None:
    db = sqlite_utils.Database(memory=True)
    migrate(db)
    sql = QUERIES[name].sql
    params = {k: v for k, v in {"q": "qwen", "since": "2026-01-01"}.items() if f":{k}" in sql}
    try:
        db.execute(sql, params)
    except sqlite3.Error as exc:  # pragma: no cover - the assertion message is the point
        pytest.fail(f"{name}: {exc}")
