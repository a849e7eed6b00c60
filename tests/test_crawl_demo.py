"""Crawl the demo web with the real command and assert on the SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests import demo_expected as expected
from tests.cli_helpers import crawled_demo, run_ainews

PAGES = expected.pages()
#: Ask every start point again (conditional requests) instead of trusting a recent read.
ALWAYS_ASK = ("-s", "AINEWS_REVISIT_MINUTES=0")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("demo")
    db = tmp / "demo.db"
    with crawled_demo(tmp, db) as (server, sites, first):
        first_requests = server.stats.requests
        server.reset_stats()
        second = run_ainews("crawl", "--db", db, "--sites", sites, *ALWAYS_ASK)
        yield {"server": server, "sites": sites, "db": db, "first": first, "second": second,
               "first_requests": first_requests, "second_requests": server.stats.requests}


@pytest.fixture
def conn(demo: dict):
    connection = sqlite3.connect(demo["db"])
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def rows_by_path(demo: dict, conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    base = demo["server"].base_url
    return {r["url"][len(base):]: r for r in conn.execute("SELECT * FROM articles")}


def test_crawl_exits_ok_with_a_summary(demo: dict) -> None:
    for run in (demo["first"], demo["second"]):
        assert run.returncode == 0, run.stderr[-3000:]
        assert run.stdout.startswith("ainews crawl: ok"), run.stdout


def test_every_crawlable_page_stored_and_disallowed_page_not(demo: dict, conn) -> None:
    stored = set(rows_by_path(demo, conn))
    wanted = set(expected.crawlable())
    assert stored == wanted
    disallowed = [p for p in PAGES.values() if p.disallowed]
    assert disallowed and not any(p.path in stored for p in disallowed)
    assert not any("/private/" in path for path in demo["server"].stats.paths)


def test_doubled_body_appears_once(demo: dict, conn) -> None:
    rows = rows_by_path(demo, conn)
    doubled = [p for p in PAGES.values() if p.site == "demo-aggregator" and p.path in rows]
    assert doubled
    for page in doubled:
        body = rows[page.path]["body"]
        for paragraph in page.paragraphs:
            assert body.count(paragraph) == 1, (page.path, paragraph[:60])


@pytest.mark.parametrize("site", sorted(expected.BOILERPLATE))
def test_no_boilerplate_in_any_body(demo: dict, conn, site: str) -> None:
    rows = conn.execute("SELECT url, body, lede FROM articles WHERE site = ?", [site]).fetchall()
    assert rows
    for row in conn.execute("SELECT url, body, lede FROM articles"):
        text = row["body"] + "\n" + (row["lede"] or "")
        for needle in expected.BOILERPLATE[site]:
            assert needle not in text, (row["url"], needle)


def test_records_match_the_pages(demo: dict, conn) -> None:
    rows = rows_by_path(demo, conn)
    for path, row in rows.items():
        page = PAGES[path]
        assert row["title"] == page.title, path
        assert json.loads(row["authors"]) == list(page.authors), path
        assert row["published_at"][:10] == page.published[:10], path
        assert row["site"] == page.site
        assert row["language"] == page.language.split("-")[0].lower()
        assert row["word_count"] >= sum(len(p.split()) for p in page.paragraphs), path
        assert row["source_credit"] == page.source_credit, path
        for paragraph in page.paragraphs:
            assert paragraph in row["body"], (path, paragraph[:60])
        assert not row["body"].startswith(page.lede), path


def test_syndicated_copies_cluster_with_the_original_as_canonical(demo: dict, conn) -> None:
    rows = rows_by_path(demo, conn)
    groups = expected.duplicate_groups()
    assert groups
    for group in groups:
        members = [rows[p] for p in group]
        assert len({m["cluster_id"] for m in members}) == 1, group
        canonical = [m for m in members if m["is_canonical"]]
        (original,) = [p for p in group if PAGES[p].kind == "original"]
        assert [c["url"] for c in canonical] == [rows[original]["url"]]


def test_different_stories_are_different_clusters(demo: dict, conn) -> None:
    rows = rows_by_path(demo, conn)
    story_of_cluster: dict[str, set[str]] = {}
    for path, row in rows.items():
        if PAGES[path].kind != "excerpt":
            story_of_cluster.setdefault(row["cluster_id"], set()).add(PAGES[path].story)
    assert all(len(stories) == 1 for stories in story_of_cluster.values()), story_of_cluster
    for group in expected.same_event_groups():  # same event, different reports
        assert len({rows[p]["cluster_id"] for p in group}) == len(group)


def test_excerpts_point_to_the_full_story(demo: dict, conn) -> None:
    rows = rows_by_path(demo, conn)
    excerpts = [p for p in PAGES.values() if p.kind == "excerpt"]
    assert excerpts
    for page in excerpts:
        excerpt, full = rows[page.path], rows[page.original]
        assert excerpt["partial_of"] == full["id"], page.path
        # a member of the story it teases, never its canonical: one row per story
        assert excerpt["cluster_id"] == full["cluster_id"] and excerpt["is_canonical"] == 0


def test_clusters_table_and_unique_view_agree(conn) -> None:
    assert conn.execute("SELECT count(*) FROM unique_articles").fetchone()[0] == conn.execute(
        "SELECT count(*) FROM clusters").fetchone()[0]
    bad = conn.execute(
        "SELECT count(*) FROM clusters c JOIN articles a ON a.id = c.canonical_id "
        "WHERE a.is_canonical = 0 OR c.size != (SELECT count(*) FROM articles m "
        "WHERE m.cluster_id = c.cluster_id)").fetchone()[0]
    assert bad == 0


def test_full_text_search_finds_a_story(conn) -> None:
    title = PAGES[next(iter(expected.duplicate_groups()[0]))].title
    word = max((w for w in title.split() if w.isalpha()), key=len)
    hits = conn.execute(
        "SELECT a.title FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
        "WHERE articles_fts MATCH ? ORDER BY rank", [f'"{word}"']).fetchall()
    assert title in [h[0] for h in hits]


def test_second_crawl_adds_nothing_and_costs_little(demo: dict, conn) -> None:
    runs = conn.execute("SELECT * FROM crawl_runs ORDER BY id").fetchall()
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert runs[0]["articles_new"] == len(expected.crawlable())
    assert runs[1]["articles_new"] == 0 and runs[1]["articles_updated"] == 0
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(
        expected.crawlable())
    # Only robots.txt and conditional requests (304) for feeds, sitemaps and listings.
    assert demo["second_requests"] < demo["first_requests"] / 3
    assert set(demo["server"].stats.statuses) <= {200, 304}


def test_log_is_small_and_keeps_the_run_summaries(demo: dict) -> None:
    logs = demo["db"].parent / "logs"
    log = (logs / "ainews.log").read_text(encoding="utf-8")
    runs = (logs / "runs.log").read_text(encoding="utf-8")
    pages = demo["first_requests"] + demo["second_requests"]
    assert len(log.encode()) / pages < 2048
    for text in (log, runs):  # both runs' summaries, in the big log and in the run log
        assert text.count("ainews crawl: ok run=") == 2
    assert "<html" not in log.lower() and "Scraped from" not in log
    assert len(runs.splitlines()) < 10  # starts, summaries and warnings only


def test_start_points_read_minutes_ago_are_not_asked_again(demo: dict) -> None:
    demo["server"].reset_stats()
    run = run_ainews("crawl", "--db", demo["db"], "--sites", demo["sites"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert demo["server"].stats.requests == 0


def test_changed_article_is_refetched_and_updated(demo: dict, tmp_path: Path) -> None:
    page = next(p for p in PAGES.values() if p.site == "demo-publisher" and p.kind == "original")
    new_paragraph = "Update: the company has since released the weights under a new licence."
    demo["server"].edit_story(page.slug, paragraphs=[*page.paragraphs, new_paragraph])
    run = run_ainews("crawl", "--db", demo["db"], "--sites", demo["sites"], *ALWAYS_ASK)
    assert run.returncode == 0, run.stderr[-3000:]
    conn = sqlite3.connect(demo["db"])
    body, updated = conn.execute(
        "SELECT body, updated_at FROM articles WHERE url = ?",
        [page.url(demo["server"].base_url)]).fetchone()
    (last,) = conn.execute(
        "SELECT articles_updated FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    assert new_paragraph in body
    assert last == 1
