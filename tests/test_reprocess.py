"""`ainews reprocess` re-cleans stored raw pages and re-clusters, without the network."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ainews.scraper.article import Article
from ainews.scraper.demo.web import DemoWeb
from ainews.scraper.extraction import EXTRACTOR_VERSION
from ainews.scraper.items import FetchedPage
from ainews.scraper.storage import Store
from tests import demo_expected as expected
from tests.cli_helpers import run_ainews


def stale_database(path: Path) -> dict[str, str]:
    """Every demo article stored with its real raw page but a placeholder body, as an older
    extractor might have left them."""
    web = DemoWeb()
    urls = {}
    with Store(path) as store:
        for page_path, page in expected.pages(web).items():
            resource = web.get(page_path)
            url = web.url(page_path)
            stale = Article(url=url, title="old title", body=f"old body of {page.slug}",
                            site=page.site, fetched_at="2026-04-07T00:00:00+00:00")
            raw = FetchedPage(url, url, page.site, 200, resource.content_type, resource.body,
                              "2026-04-07T00:00:00+00:00")
            store.save_article(stale, raw, extractor_version=EXTRACTOR_VERSION - 1)
            urls[page_path] = url
    return urls


def test_reprocess_recleans_and_reclusters(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    urls = stale_database(db)
    run = run_ainews("reprocess", "--db", db)
    assert run.returncode == 0, run.stderr
    assert f"updated={len(urls)}" in run.stdout
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    pages = expected.pages()
    for path, url in urls.items():
        row = conn.execute("SELECT * FROM articles WHERE url = ?", [url]).fetchone()
        assert row["title"] == pages[path].title
        assert pages[path].paragraphs[0] in row["body"]
        assert row["extractor_version"] == EXTRACTOR_VERSION
    for group in expected.duplicate_groups():
        clusters = {conn.execute("SELECT cluster_id FROM articles WHERE url = ?",
                                 [urls[p]]).fetchone()[0] for p in group}
        assert len(clusters) == 1, group
    again = run_ainews("reprocess", "--db", db)
    assert again.stdout.startswith("nothing to reprocess")


def test_reprocess_all_keeps_unchanged_rows(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    stale_database(db)
    run_ainews("reprocess", "--db", db)
    run = run_ainews("reprocess", "--db", db, "--all")
    assert run.returncode == 0
    n = len(expected.pages())
    assert run.stdout.strip() == f"reprocessed {n}: unchanged={n}"


def test_reprocess_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    run = run_ainews("reprocess", "--db", tmp_path / "nope.db")
    assert run.returncode == 2 and "no such database" in run.stderr


def test_reprocess_waits_for_no_crawl(tmp_path: Path) -> None:
    from ainews.scraper.exitcodes import EXIT_LOCKED
    from ainews.scraper.lock import crawl_lock

    db = tmp_path / "a.db"
    stale_database(db)
    with crawl_lock(db):
        run = run_ainews("reprocess", "--db", db)
    assert run.returncode == EXIT_LOCKED and "another process" in run.stderr


def test_a_damaged_raw_page_is_named_and_the_others_are_reprocessed(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    urls = stale_database(db)
    damaged = sorted(urls.values())[0]
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE pages SET raw_page = substr(raw_page, 1, 20) WHERE url = ?",
                     [damaged])
    run = run_ainews("reprocess", "--db", db)
    assert run.returncode == 0, run.stderr
    assert f"updated={len(urls) - 1}" in run.stdout and "damaged_raw_page=1" in run.stdout
    (aid,) = conn.execute("SELECT id FROM articles WHERE url = ?", [damaged]).fetchone()
    assert aid in run.stderr and "cannot be read" in run.stderr
    (body,) = conn.execute("SELECT body FROM articles WHERE url = ?", [damaged]).fetchone()
    assert body.startswith("old body of")  # kept as stored, not lost
