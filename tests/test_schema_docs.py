"""docs/schema.md and the Datasette descriptions cannot drift from the schema: every column
of every table and view of a freshly migrated database is documented in both."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from functools import cache
from pathlib import Path

import pytest
import sqlite_utils

from ainews.exports.catalog import INTERNAL_PREFIXES, QUERIES, TABLES
from ainews.exports.export import connect_readonly
from ainews.exports.schema_doc import EXAMPLE_PARAMS, example_params
from ainews.scraper.storage.schema import migrate

DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
REGENERATE = "regenerate it: python -m ainews.exports.schema_doc --demo > docs/schema.md"


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
    values = {"q": "qwen", "since": "2026-01-01", "cluster_id": "x"}
    params = {k: v for k, v in values.items() if f":{k}" in sql}
    try:
        db.execute(sql, params)
    except sqlite3.Error as exc:  # pragma: no cover - the assertion message is the point
        pytest.fail(f"{name}: {exc}")


def sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)


def doc_params(conn: sqlite3.Connection, sql: str) -> dict[str, str]:
    """Values for the parameters an SQL block of the docs uses, as the docs show them."""
    values = {**EXAMPLE_PARAMS["reported_about"], **example_params(conn, "story")}
    return {k: v for k, v in values.items() if f":{k}" in sql}


@pytest.mark.parametrize("index", range(len(sql_blocks())))
def test_every_sql_block_runs_on_the_demo_database(demo_db: Path, index: int) -> None:
    sql = sql_blocks()[index]
    conn = connect_readonly(demo_db)
    try:
        rows = conn.execute(sql, doc_params(conn, sql)).fetchall()
    finally:
        conn.close()
    assert rows, f"docs/schema.md SQL block {index + 1} returns nothing on the demo:\n{sql}"


def test_docs_cover_history_and_views() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ("article_versions", "article_changes", "story_spread", "unique_articles"):
        section = doc_section(name)
        output = re.search(r"```sql\n.*?```\n\nOutput:\n\n\|.*\|\n\|(---\|)+\n\| \S", section, re.S)
        assert output, f"docs/schema.md: `{name}` has no example with output; {REGENERATE}"
    assert ".parameter set :since \"'2026-03-09'\"" in text


SQLITE3 = shutil.which("sqlite3")


@pytest.mark.skipif(SQLITE3 is None, reason="sqlite3 shell not installed (.ci/run installs it)")
@pytest.mark.parametrize(
    ("since", "expect_out", "expect_err"),
    [
        ("\"'2026-03-09'\"", "Meridian-3", ""),  # the quoting the docs show
        ("2026-03-09", "", ":since must be a date in quotes"),  # 2014: an error, not all rows
    ],
)
def test_sqlite3_shell_parameters(
    demo_db: Path, since: str, expect_out: str, expect_err: str
) -> None:
    script = (
        ".parameter set :q \"'Meridian-3'\"\n"
        f".parameter set :since {since}\n"
        f"{QUERIES['reported_about'].sql};\n"
    )
    result = subprocess.run(
        [SQLITE3, "-readonly", str(demo_db)], input=script, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert expect_out in result.stdout and (expect_out or not result.stdout.strip())
    assert expect_err in result.stderr and (expect_err or not result.stderr.strip())
