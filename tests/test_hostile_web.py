"""A hostile site, crawled for real: nothing but its own http(s) pages is ever fetched,
gzipped sitemaps are read, and pages that used to block the crawl for minutes do not. An
attacker's site (redirects to other schemes and services, bombs, slow drips, lying
headers, huge documents) ends in named, counted skips and a crawl that finishes."""

from __future__ import annotations

import json

import pytest

from ainews.scraper.refusals import MAX_ROBOTS_TXT_BYTES
from tests.badweb import (
    BIG_ROBOTS,
    BOMB_BYTES,
    HOSTILE_FEEDS,
    HOSTILE_SITEMAPS,
    MANY,
    SLOW_ROBOTS_HOST,
    attack_sites_toml,
    crawl_web,
    serve_attack_web,
    serve_bad_web,
    sites_toml,
)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict:
    with serve_bad_web() as (base, hits):
        # before the bounds, /million alone ran > 10 minutes: the timeout fails the test
        proc, conn = crawl_web(tmp_path_factory.mktemp("hostile"),
                               sites_toml(base, HOSTILE_FEEDS, HOSTILE_SITEMAPS),
                               "-s", "AUTOTHROTTLE_ENABLED=false", timeout=300)
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


# -- an attacker against the crawl itself ------------------------------------------------------

#: Seconds the attack crawl waits for a response: far longer than any honest response
#: here takes on a loaded machine (with 3 s, robots.txt and redirects timed out at load
#: 15); the drips outlast any value. The drips hold a connection each for that long: room
#: for the other requests beside them.
PATIENCE_S = 10
ATTACK_SETTINGS = (
    "-s", f"DOWNLOAD_TIMEOUT={PATIENCE_S}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "-s", "RETRY_TIMES=0", "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", f"DOWNLOAD_MAXSIZE={BOMB_BYTES // 4}",  # the bombs inflate to 4x this
    "-s", "AINEWS_MAX_CHILD_SITEMAPS=2", "-s", "AINEWS_MAX_DOCUMENT_LINKS=100",
    "-s", "AINEWS_MAX_LISTING_LINKS=3",
)


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("attack")
    with serve_attack_web() as (base, hits):
        proc, conn = crawl_web(tmp, attack_sites_toml(base), *ATTACK_SETTINGS)
    (reasons,) = conn.execute("SELECT skip_reasons FROM crawl_runs").fetchone()
    log = (tmp / "logs" / "ainews.log").read_text(encoding="utf-8")
    return {"proc": proc, "conn": conn, "base": base, "hits": dict(hits), "log": log,
            "port": base.rsplit(":", 1)[1],
            "reasons": json.loads(reasons),
            "errors": dict(conn.execute("SELECT url, last_error FROM frontier").fetchall())}


def reason(attack: dict, path: str) -> str:
    """The skip reason the frontier keeps for a page (its last_error starts with it)."""
    return (attack["errors"][attack["base"] + path] or "").split(":")[0]


def logged_skip(attack: dict, path: str, why: str) -> bool:
    """A feed's or sitemap's skip (they have no frontier row) is in the run's log."""
    return f"skipped {attack['base']}{path}: {why} " in attack["log"]


def test_the_attacked_crawl_finishes_ok(attack: dict) -> None:
    proc = attack["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("ainews crawl: ok"), proc.stdout
    assert "Traceback" not in proc.stderr
    assert attack["conn"].execute("SELECT status FROM crawl_runs").fetchone()[0] == "ok"


@pytest.mark.parametrize(("target", "why"), [
    ("data", "scheme"), ("javascript", "scheme"), ("ftp", "scheme"), ("file", "scheme"),
    ("credentials", "bad_url"), ("broken-host", "bad_url"),
    ("other-port", "offsite"), ("other-host", "offsite"), ("ipv6", "offsite"),
])
def test_redirects_we_must_not_follow_are_named_skips(attack: dict, target: str,
                                                      why: str) -> None:
    assert reason(attack, f"/redirect-to-{target}") == why
    assert attack["hits"].get(":other", 0) == 0  # the internal service was never reached


def test_a_redirect_chain_stops_at_the_redirect_limit(attack: dict) -> None:
    assert reason(attack, "/chain-0") == "redirect_loop"
    assert "/chain-6" not in attack["hits"]  # REDIRECT_MAX_TIMES = 5


@pytest.mark.parametrize(("path", "why"), [
    ("/deflate-bomb", "too_large"), ("/br-bomb", "too_large"),  # decoded by Scrapy
    ("/html-as-png", "not_html"), ("/length-huge", "too_large"),  # Content-Length lies
    ("/length-too-long", "ResponseDataLossError"), ("/drip-page", "DownloadTimeoutError"),
])
def test_hostile_pages_are_named_skips(attack: dict, path: str, why: str) -> None:
    assert reason(attack, path) == why
    assert attack["reasons"][why] >= 1


@pytest.mark.parametrize(("path", "why"), [
    ("/bomb-feed.xml", "too_large"), ("/bomb-sitemap.xml.gz", "bad_feed_or_sitemap"),
    ("/drip-feed.xml", "DownloadTimeoutError"),
])
def test_hostile_feeds_and_sitemaps_are_logged_skips(attack: dict, path: str, why: str) -> None:
    assert logged_skip(attack, path, why)
    assert attack["reasons"][why] >= 1


def test_huge_documents_are_read_to_their_caps_and_counted(attack: dict) -> None:
    reasons, hits = attack["reasons"], attack["hits"]
    # MANY feed items, index entries and listing links: 100, 100 and 3 read
    assert reasons["links_cap"] == 3 * MANY - 100 - 100 - 3
    assert reasons["sitemap_cap"] == 100 - 2 and "/child-2.xml" not in hits
    assert sorted(p for p in hits if p.startswith("/link-")) == [f"/link-{i}" for i in range(3)]
    assert reasons["offsite"] >= 100  # the feed's items on another port: counted, not fetched


def test_hostile_feed_links_are_counted_not_fetched(attack: dict) -> None:
    reasons = attack["reasons"]
    assert reasons["url_too_long"] == 1 and reasons["bad_url"] >= 1 + 2  # + 2 redirects
    assert not [p for p in attack["hits"] if len(p) > 2083]


def test_a_slow_drip_robots_txt_does_not_stall_the_crawl(attack: dict) -> None:
    """localhost's robots.txt drips: its download times out, and its page is crawled."""
    hits = attack["hits"]
    assert hits.get("/robots.txt") == hits.get("localhost/robots.txt") == 1, hits
    assert f"{SLOW_ROBOTS_HOST}:{attack['port']}/ok" in urls(attack, "articles")


def test_robots_txt_is_read_to_its_first_500_kib(attack: dict) -> None:
    """Google's limit: 10 MB of rules took Protego 14 s to parse and 0.4 s per URL. The
    site's host serves a robots.txt with a rule before the cut and one after."""
    assert len(BIG_ROBOTS) > MAX_ROBOTS_TXT_BYTES
    robots_log = [line for line in attack["log"].splitlines() if "robots" in line.lower()]
    assert "/blocked-early" not in attack["hits"], robots_log
    assert attack["hits"].get("/after-the-cut") == 1, (attack["hits"], robots_log)
    assert attack["reasons"].get("robots_txt") == 1, attack["reasons"]
    assert f"robots.txt of {len(BIG_ROBOTS)} bytes; reading its first" in attack["log"]
