"""A hostile site, crawled for real: nothing but its own http(s) pages is ever fetched,
gzipped sitemaps are read, and pages that used to block the crawl for minutes do not."""

from __future__ import annotations

import sqlite3

import pytest

from tests.badweb import HOSTILE_FEEDS, HOSTILE_SITEMAPS, serve_bad_web, sites_toml
from tests.cli_helpers import run_ainews


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("hostile")
    with serve_bad_web() as (base, hits):
        sites = tmp / "sites.toml"
        sites.write_text(sites_toml(base, HOSTILE_FEEDS, HOSTILE_SITEMAPS), encoding="utf-8")
        db = tmp / "hostile.db"
        # before the bounds, /million alone ran > 10 minutes: the timeout fails the test
        proc = run_ainews("crawl", "--db", db, "--sites", sites, "-s", "DOWNLOAD_TIMEOUT=5",
                          "-s", "AUTOTHROTTLE_ENABLED=false", timeout=180)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return {"proc": proc, "conn": conn, "base": base, "hits": dict(hits)}


def urls(crawl: dict, table: str) -> list[str]:
    return [row[0] for row in crawl["conn"].execute(f"SELECT url FROM {table}")]  # noqa: S608


def test_no_local_file_is_read_or_stored(crawl: dict) -> None:
    for table in ("articles", "pages", "frontier"):
        assert all(url.startswith("http://127.0.0.1:") for url in urls(crawl, table)), table
    bodies = " ".join(row[0] or "" for row in crawl["conn"].execute("SELECT body FROM articles"))
    assert "root:" not in bodies and "secret" not in bodies


def test_another_port_on_the_sites_host_is_never_requested(crawl: dict) -> None:
    assert not [key for key in crawl["hits"] if key.startswith(":")], crawl["hits"].keys()
    assert not [url for url in urls(crawl, "articles") if "other-port" in url]


def test_gzipped_sitemaps_are_read(crawl: dict) -> None:
    stored = urls(crawl, "articles")
    assert crawl["base"] + "/from-gz-sitemap" in stored  # .xml.gz, application/x-gzip
    assert crawl["base"] + "/from-encoded-sitemap" in stored  # Content-Encoding: gzip


def test_pathological_pages_end_and_the_run_goes_on(crawl: dict) -> None:
    stored = urls(crawl, "articles")
    assert crawl["base"] + "/identical" in stored  # 10,000 identical paragraphs: stored
    assert crawl["base"] + "/million" not in stored  # 1M paragraphs: too complex
    assert crawl["proc"].stdout.startswith("ainews crawl:"), crawl["proc"].stderr[-2000:]
