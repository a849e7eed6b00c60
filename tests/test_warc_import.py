"""`ainews import-warc`: a WARC made here from the demo web (with real pages from ../shared
and damaged records) gives the same articles and clusters as crawling the demo."""

from __future__ import annotations

import functools
import http.server
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ainews.scraper.demo.server import DemoServer
from ainews.scraper.paths import shared_dir
from ainews.scraper.storage.rawpages import decompress_raw
from tests.cli_helpers import run_ainews
from tests.warc_files import build_test_warc, hosts

#: What the crawl decides about an article: compared between a crawl and an import.
ARTICLE_COLUMNS = (
    "url", "canonical_url", "site", "site_name", "title", "authors", "published_at",
    "modified_at", "lede", "body", "word_count", "language", "tags", "source_credit",
    "content_hash", "cluster_id", "is_canonical", "partial_of",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("warc")
    with DemoServer(port=0) as server:
        sites = server.sites_file(tmp)
        warc = tmp / "demo.warc.gz"
        shared = shared_dir()
        info = build_test_warc(warc, server.web, shared if shared.is_dir() else None)
        domains = [a for h in hosts(info["real"]) for a in ("--domain", h)]
        crawled = tmp / "crawled.db"
        crawl = run_ainews("crawl", "--db", crawled, "--sites", sites)
        imported = tmp / "imported.db"
        first = run_ainews("import-warc", warc, "--db", imported, "--sites", sites, *domains,
                           "--workers", "2")
        again = run_ainews("import-warc", warc, "--db", imported, "--sites", sites, *domains)
        yield {"tmp": tmp, "sites": sites, "warc": warc, "info": info, "domains": domains,
               "crawled": crawled, "crawl": crawl, "imported": imported, "first": first,
               "again": again, "base": server.base_url}


def rows(db: Path, where: str = "1", params: tuple = ()) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        query = f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE {where}"
        return {r["url"]: dict(r) for r in conn.execute(query, params)}
    finally:
        conn.close()


def last_run(db: Path) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone())
    finally:
        conn.close()


def test_import_exits_ok_with_a_summary(demo: dict) -> None:
    assert demo["crawl"].returncode == 0, demo["crawl"].stderr[-2000:]
    run = demo["first"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("ainews import-warc: ok run=1 ")
    assert "errors=0" in run.stdout


def test_import_gives_the_same_articles_and_clusters_as_the_crawl(demo: dict) -> None:
    base = demo["base"] + "/%"
    crawled = rows(demo["crawled"])
    imported = rows(demo["imported"], "url LIKE ?", (base,))
    assert len(crawled) == len(demo["info"]["articles"]) == 20
    assert imported == crawled


def test_damaged_and_unwanted_records_are_counted_skips(demo: dict) -> None:
    reasons = json.loads(_first_run(demo["imported"]))
    assert reasons["http_404"] == 1  # the 404 page
    assert reasons["revisit"] == 1  # a revisit record has no payload of its own
    assert reasons["truncated"] == 2  # the record claiming too much, the cut last record
    assert reasons["off_site"] == 1  # a page on no wanted domain
    assert reasons["not_html"] >= 2  # the image, feeds, sitemaps, robots.txt
    assert reasons["not_article_url"] > 0  # listings and tag pages
    imported = rows(demo["imported"])
    for path in ("gone-story", "chart", "claims-too-much", "cut-short"):
        assert not any(path in url for url in imported), path
    assert not any("elsewhere.example" in url for url in imported)


def _first_run(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT skip_reasons FROM crawl_runs WHERE id = 1").fetchone()[0]
    finally:
        conn.close()


def test_compressed_and_wrong_length_responses_are_read_right(demo: dict) -> None:
    crawled = rows(demo["crawled"])
    imported = rows(demo["imported"])
    for url in demo["info"]["articles"][:2]:  # gzip Content-Encoding; HTTP Content-Length off
        assert imported[url]["body"] == crawled[url]["body"]
    conn = sqlite3.connect(demo["imported"])
    raw = conn.execute(
        "SELECT p.raw_page FROM pages p JOIN articles a ON a.id = p.article_id WHERE a.url = ?",
        [demo["info"]["articles"][0]],
    ).fetchone()[0]
    conn.close()
    assert decompress_raw(raw).lstrip().lower().startswith(b"<!doctype html")


def test_real_pages_are_imported_under_their_domain(demo: dict) -> None:
    real = demo["info"]["real"]
    if not real:
        pytest.skip(f"shared data not found at {shared_dir()}")
    imported = rows(demo["imported"])
    for page in real:
        row = imported[page.url]
        assert row["site"] in page.url and row["word_count"] > 50, page.url


def test_second_import_adds_nothing(demo: dict) -> None:
    run = demo["again"]
    assert run.returncode == 0, run.stderr[-2000:]
    assert " new=0 updated=0 unchanged=0 " in run.stdout
    stored = 20 + len(demo["info"]["real"])
    assert f"already_imported={stored}" in run.stdout
    assert last_run(demo["imported"])["articles_new"] == 0


def test_run_is_in_the_ledger(demo: dict) -> None:
    run = last_run(demo["imported"])
    assert run["status"] == "ok" and run["exit_code"] == 0
    assert run["responses"] > 20 and run["bytes"] == demo["warc"].stat().st_size


def test_interrupted_import_goes_on_where_it_stopped(demo: dict, tmp_path: Path) -> None:
    """A download killed halfway is imported, then the whole file: nothing twice."""
    half = tmp_path / "half.warc.gz"
    half.write_bytes(demo["warc"].read_bytes()[: demo["warc"].stat().st_size // 3])
    db = tmp_path / "a.db"
    args = ("--db", db, "--sites", demo["sites"], *demo["domains"])
    first = run_ainews("import-warc", half, *args)
    assert first.returncode == 0, first.stderr[-2000:]
    done = last_run(db)["articles_new"]
    assert 0 < done < 20 + len(demo["info"]["real"])
    second = run_ainews("import-warc", demo["warc"], *args)
    assert second.returncode == 0
    assert f"already_imported={done}" in second.stdout
    assert rows(db) == rows(demo["imported"])


def test_import_from_an_http_url_streams_the_same(demo: dict, tmp_path: Path) -> None:
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(demo["warc"].parent)
    )
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        db = tmp_path / "u.db"
        args = ("--db", db, "--sites", demo["sites"], *demo["domains"])
        run = run_ainews("import-warc", f"{base}/{demo['warc'].name}", *args)
        missing = run_ainews("import-warc", f"{base}/nope.warc.gz", "--db", tmp_path / "m.db",
                             "--sites", demo["sites"])
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert run.returncode == 0, run.stderr[-2000:]
    assert rows(db) == rows(demo["imported"])
    assert missing.returncode == 1 and "failed_sources=" in missing.stdout


def test_dates_filter_on_when_the_archive_fetched_the_page(demo: dict, tmp_path: Path) -> None:
    args = ("--sites", demo["sites"], demo["warc"])
    before = run_ainews("import-warc", "--db", tmp_path / "a.db", "--until", "2026-04-06", *args)
    # the 20 demo articles and the two damaged pages, skipped before their body is read
    assert " new=0 " in before.stdout and "out_of_dates=22" in before.stdout
    day = run_ainews("import-warc", "--db", tmp_path / "b.db", "--since", "2026-04-07",
                     "--until", "2026-04-07", *args)
    assert " new=20 " in day.stdout, day.stdout


def test_one_site_only(demo: dict, tmp_path: Path) -> None:
    run = run_ainews("import-warc", demo["warc"], "--db", tmp_path / "a.db",
                     "--sites", demo["sites"], "--site", "demo-digest")
    assert run.returncode == 0
    assert {r["site"] for r in rows(tmp_path / "a.db").values()} == {"demo-digest"}


def test_bad_options_are_config_errors(demo: dict, tmp_path: Path) -> None:
    db = ("--db", tmp_path / "a.db", "--sites", demo["sites"])
    missing = run_ainews("import-warc", tmp_path / "nope.warc.gz", *db)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad_date = run_ainews("import-warc", demo["warc"], "--since", "yesterday", *db)
    assert bad_date.returncode == 2 and "--since" in bad_date.stderr
    unknown = run_ainews("import-warc", demo["warc"], "--site", "nope", *db)
    assert unknown.returncode == 2 and "unknown site" in unknown.stderr


def test_same_articles_clusters_and_outcomes_cleaning_in_process(demo: dict,
                                                                 tmp_path: Path) -> None:
    """The first import cleaned in 2 workers; in this process (0), record by record in the
    same order, the database is the same."""
    from ainews.scraper.warc.importer import build_filter, import_warcs

    db = tmp_path / "w0.db"
    page_filter = build_filter(demo["sites"], domains=hosts(demo["info"]["real"]))
    result = import_warcs(db, [str(demo["warc"])], page_filter, workers=0)
    assert result.status == "ok" and result.counts["errors"] == 0
    assert rows(db) == rows(demo["imported"])
    assert record_outcomes(db) == record_outcomes(demo["imported"])


def record_outcomes(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT record_id, outcome FROM warc_records WHERE run_id = 1 ORDER BY record_id"
        ).fetchall()
    finally:
        conn.close()
