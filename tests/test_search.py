"""Search that forgives: user text becomes a safe FTS5 query (the same SQL expression in
canned queries, ``_search`` and ``ainews search``), ranked, one hit per story."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from ainews.exports.search import fts_query, match_sql, search_stories
from ainews.scraper.cli import main
from tests.test_exports import make_db

#: What analysts type, and a title it must find in the demo web.
DEMO_TERMS = [
    ("Meridian-3", "Meridian-3"),
    ("open-weights", "open-weights"),
    ('"open weights', "Meridian-3"),  # an unbalanced quote is only a separator
    ("halcyon's meridian-3", "Meridian-3"),
    ("Tessellate, chip.", "Tessellate"),
]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Meridian-3", '"Meridian-3"'),
        ("GPT-4o  C++", '"GPT-4o" "" "C++"'),
        ('say "hi', '"say" """hi"'),
        ("fts: qwen OR llama", " qwen OR llama"),
        ("tab\tand\nnewline", '"tab" "and" "newline"'),
    ],
)
def test_text_becomes_fts5_strings(text: str, query: str) -> None:
    assert fts_query(text) == query


@pytest.mark.parametrize(
    "text", ["Meridian-3", "GPT-4o", "C++", "Qwen2.5-Max", "open-weights", '"', "'", "a AND"]
)
def test_words_are_never_fts5_syntax_errors(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(title, body, tokenize='porter')")
    conn.execute("INSERT INTO f VALUES ('GPT-4o and Qwen2.5-Max', 'C++ open-weights Meridian-3')")
    (count,) = conn.execute(f"SELECT count(*) FROM f WHERE f MATCH ({match_sql()})", {"q": text})
    assert count[0] in (0, 1)


@pytest.mark.parametrize(("text", "title_part"), DEMO_TERMS)
def test_demo_terms_find_their_story(demo_db: Path, text: str, title_part: str) -> None:
    hits = search_stories(demo_db, text)
    assert hits, f"{text!r} found nothing"
    assert title_part.lower() in hits[0].title.lower()


def test_one_hit_per_story_with_snippet(demo_db: Path) -> None:
    hits = search_stories(demo_db, "Meridian-3", limit=50)
    assert len({h.cluster_id for h in hits}) == len(hits)
    copies = next(h for h in hits if h.copies == 2)  # publisher + syndicated copy: one hit
    assert "[Meridian-3]" in copies.snippet and "\n" not in copies.snippet


def test_since_keeps_later_copies(demo_db: Path) -> None:
    assert search_stories(demo_db, "Meridian-3", since="2026-03-11")  # the aggregator's
    assert not search_stories(demo_db, "Meridian-3", since="2026-03-12")
    with pytest.raises(ValueError, match="--since"):
        search_stories(demo_db, "x", since="last week")


def test_raw_fts_syntax_is_opt_in(demo_db: Path) -> None:
    assert {h.title for h in search_stories(demo_db, "fts: tessellate OR meridian")} >= {
        h.title for h in search_stories(demo_db, "tessellate")
    }
    assert not search_stories(demo_db, "tessellate OR meridian")  # words: all must match
    with pytest.raises(ValueError, match="bad FTS5 query"):
        search_stories(demo_db, "fts: AND (")


def test_title_matches_rank_first(tmp_path: Path) -> None:
    db = make_db(tmp_path / "news.db")
    hits = search_stories(db, "alibaba")  # in a copy's title only: its story, once
    assert [h.title for h in hits] == ["Qwen3 released with open weights"]


def test_cli_prints_top_stories(demo_db: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "Meridian-3", "--db", str(demo_db), "--limit", "1"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith(" 1. ") and "Meridian-3" in result.output
    assert " 2. " not in result.output


def test_cli_errors_are_clear(demo_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["search", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no such database" in missing.output
    bad = runner.invoke(main, ["search", "fts: (", "--db", str(demo_db)])
    assert bad.exit_code == 1 and "bad FTS5 query" in bad.output
    none = runner.invoke(main, ["search", "zzzyzx", "--db", str(demo_db)])
    assert none.exit_code == 0 and "no stories match" in none.output
