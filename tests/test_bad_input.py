"""Every kind of bad response ends as a counted, logged skip or a record; never a crash."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.badweb import PATIENCE_S, serve_bad_web, sites_toml
from tests.cli_helpers import run_ainews


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("badweb")
    with serve_bad_web() as (base, hits):
        sites = tmp / "sites.toml"
        sites.write_text(sites_toml(base), encoding="utf-8")
        db = tmp / "bad.db"
        proc = run_ainews(
            "crawl", "--db", db, "--sites", sites,
            "-s", f"DOWNLOAD_TIMEOUT={PATIENCE_S}", "-s", "RETRY_TIMES=1",
            "-s", "DOWNLOAD_MAXSIZE=2000000", "-s", "AUTOTHROTTLE_ENABLED=false", timeout=300,
        )
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return {"proc": proc, "conn": conn, "base": base, "hits": dict(hits), "db": db}


def article(crawl: dict, path: str) -> sqlite3.Row | None:
    return crawl["conn"].execute(
        "SELECT * FROM articles WHERE url = ?", [crawl["base"] + path]
    ).fetchone()


def test_crawl_survives_and_reports(crawl: dict) -> None:
    proc = crawl["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("ainews crawl: ok"), proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("path", "title_part", "body_part"),
    [
        ("/ok", "A good page", "Plain good text"),
        ("/malformed", "Truncated story", "Cut off mid-page"),
        ("/cp1252", "Caf\u00e9 \u201cquotes\u201d", "Le caf\u00e9 na\u00efve"),
        ("/latin1-but-utf8", "Gr\u00fc\u00dfe aus K\u00f6ln", "\u00dcber K\u00f6ln"),
        ("/sjis", "\u65e5\u672c\u8a9e\u306e\u8a18\u4e8b", "\u4eba\u5de5\u77e5\u80fd"),
        ("/gb18030", "\u4eba\u5de5\u667a\u80fd\u65b0\u95fb", "\u5927\u578b\u8bed\u8a00"),
        ("/conflict", "Conflicting na\u00efve charset", "Sm\u00f6rg\u00e5sbord"),
        ("/gzip-page", "Served gzip-encoded", "Inflated by a worker"),
    ],
)
def test_pages_become_records_with_the_right_text(
    crawl: dict, path: str, title_part: str, body_part: str
) -> None:
    row = article(crawl, path)
    assert row is not None, f"{path} was not stored"
    assert title_part in (row["title"] or "")
    assert body_part in row["body"]


def test_page_without_title_or_date_keeps_what_could_be_extracted(crawl: dict) -> None:
    row = article(crawl, "/no-title-no-date")
    assert row is not None
    assert row["published_at"] is None
    assert "open-weight language model" in row["body"]


def test_bad_responses_are_counted_skips(crawl: dict) -> None:
    (reasons_json,) = crawl["conn"].execute(
        "SELECT skip_reasons FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    reasons = json.loads(reasons_json)
    assert reasons.get("not_html") == 2  # the PDF and the PNG
    assert reasons.get("http_404", 0) >= 1 and reasons.get("http_410") == 1
    assert reasons.get("http_500") == 1 and reasons.get("http_429") == 1
    assert reasons.get("empty_response") == 1
    assert reasons.get("no_article_text", 0) >= 1  # binary bytes served as text/html
    assert reasons.get("bad_feed_or_sitemap", 0) >= 1
    for path in ("/huge", "/gzip-bomb", "/pdf", "/image", "/loop-a", "/hang", "/empty"):
        assert article(crawl, path) is None, f"{path} should have been skipped"
    failed = {r[0] for r in crawl["conn"].execute(
        "SELECT url FROM frontier WHERE state = 'failed'")}
    assert crawl["base"] + "/gone" in failed and crawl["base"] + "/missing" in failed


def last_error(crawl: dict, path: str) -> str:
    (error,) = crawl["conn"].execute("SELECT last_error FROM frontier WHERE url = ?",
                                     [crawl["base"] + path]).fetchone()
    return error


def test_gzip_bomb_article_is_refused_as_too_large(crawl: dict) -> None:
    """The article page is decoded in a cleaning worker, under DOWNLOAD_MAXSIZE."""
    assert last_error(crawl, "/gzip-bomb").startswith("too_large")


def test_a_page_that_never_answers_ends_at_the_download_timeout(crawl: dict) -> None:
    assert last_error(crawl, "/hang").startswith("DownloadTimeoutError")
    assert len(crawl["hits"]["/hang"]) == 2  # first try + RETRY_TIMES=1


def test_redirects_do_not_leave_the_allowed_domains(crawl: dict) -> None:
    assert len(crawl["hits"]["/offsite-redirect"]) == 1
    assert not any(key.startswith("localhost") for key in crawl["hits"])
    assert article(crawl, "/offsite-redirect") is None


def test_retry_after_was_honoured_and_retried(crawl: dict) -> None:
    assert len(crawl["hits"]["/busy"]) == 2  # first try + RETRY_TIMES=1


def test_nothing_half_written(crawl: dict) -> None:
    conn = crawl["conn"]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = conn.execute(
        "SELECT count(*) FROM articles a LEFT JOIN pages p ON p.article_id = a.id "
        "WHERE p.article_id IS NULL OR a.body = '' OR a.cluster_id IS NULL").fetchone()[0]
    assert orphans == 0
    assert Path(str(crawl["db"]) + ".lock").exists()
