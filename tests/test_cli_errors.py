"""The reading commands (search, report, serve, dedupe --explain, export) and import-warc
on a file that is not what they need: exit 2 (or 1 for an import that read nothing) and
one line naming the file and what to do, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from ainews.scraper.cli import main
from ainews.scraper.warc.importer import build_filter, import_warcs

READERS = [
    ["search", "anything"],
    ["report", "--out", "{tmp}/r.html"],
    ["serve", "--port", "9"],
    ["export", "--out", "{tmp}/out.csv"],
    ["reprocess"],
    ["dedupe", "--explain", "a", "b"],
]


def invoke(args: list[str], tmp_path: Path, db: Path) -> object:
    args = [a.format(tmp=tmp_path) for a in args]
    return CliRunner().invoke(main, [*args, "--db", str(db)], catch_exceptions=False)


@pytest.mark.parametrize("args", READERS, ids=lambda a: a[0])
def test_a_file_that_is_not_sqlite_is_exit_2_naming_it(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(b"this is not a database\n" * 200)
    result = invoke(args, tmp_path, db)
    assert result.exit_code == 2, result.output
    assert "junk.db: not an SQLite database; pass the right --db" in result.output


@pytest.mark.parametrize("args", READERS, ids=lambda a: a[0])
def test_an_sqlite_file_ainews_did_not_write_is_exit_2(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    result = invoke(args, tmp_path, db)
    assert result.exit_code == 2, result.output
    assert "other.db: not an ainews database" in result.output
    with sqlite3.connect(db) as conn:  # and it was only read
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    conn.close()


@pytest.mark.parametrize("args", READERS[:-1], ids=lambda a: a[0])  # dedupe: click's check
def test_a_missing_database_is_exit_2_and_says_what_to_do(tmp_path: Path,
                                                          args: list[str]) -> None:
    result = invoke(args, tmp_path, tmp_path / "none.db")
    assert result.exit_code == 2, result.output
    assert "none.db: no such database (run `ainews crawl` first" in result.output


@pytest.mark.parametrize("content", [b"", b"<html>a web page, not an archive</html>\n" * 50],
                         ids=["empty", "html"])
def test_a_file_that_is_not_a_warc_fails_the_import_by_name(tmp_path: Path,
                                                             content: bytes) -> None:
    source = tmp_path / "page.warc.gz"
    source.write_bytes(content)
    result = import_warcs(tmp_path / "w.db", [str(source)], build_filter(None, domains=["x.org"]))
    assert result.status == "failed" and result.failed_sources == [str(source)]
    assert f"failed_sources={source}" in result.summary(tmp_path / "w.db")


def test_reprocess_progress_is_redrawn_per_percent_not_per_article(capsys) -> None:
    from ainews.scraper.cli import _counter_progress

    progress = _counter_progress("reprocess")
    for done in range(1, 2501):
        progress(done, 2500)
    err = capsys.readouterr().err
    assert err.count("\r") == 101 and err.endswith("\rreprocess 2,500/2,500")
