"""Crawl settings a site owner and a cron user rely on."""

from __future__ import annotations

import time
from email.utils import formatdate
from pathlib import Path

from scrapy.crawler import Crawler

from ainews.scraper.crawl import crawl_settings
from ainews.scraper.middlewares import parse_retry_after
from ainews.scraper.spiders.news import NewsSpider
from tests.badweb import serve_bad_web, sites_toml
from tests.cli_helpers import run_ainews

SITES = """
[settings]
user_agent = "testbot/1.0 (+https://example.org/contact)"
download_delay = 3.5
[[site]]
name = "one"
domains = ["example.org"]
feeds = ["https://example.org/feed.xml"]
"""


def settings_for(tmp_path: Path, **options) -> dict:
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES, encoding="utf-8")
    return crawl_settings(tmp_path / "a.db", sites, [], **options)


def test_polite_defaults(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert 1 <= settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False  # Scrapy 2.19 turns it on
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getint("DOWNLOAD_MAXSIZE") <= 16 * 1024 * 1024
    assert 429 in settings.getlist("RETRY_HTTP_CODES")


def test_sites_file_sets_delay_floor_and_user_agent(tmp_path: Path) -> None:
    crawler = Crawler(NewsSpider, settings_for(tmp_path))
    spider = NewsSpider.from_crawler(crawler)
    # AutoThrottle never goes below DOWNLOAD_DELAY: it is the per-domain floor.
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 3.5
    assert crawler.settings.get("USER_AGENT") == "testbot/1.0 (+https://example.org/contact)"
    assert spider.allowed_domains == ["example.org"]
    assert not (tmp_path / "a.db").exists()  # the spider never opens the database


def test_bounded_runs_map_to_closespider(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, max_pages=50, max_minutes=2.5)
    assert settings.getint("CLOSESPIDER_PAGECOUNT") == 50
    assert settings.getint("CLOSESPIDER_TIMEOUT") == 150


def test_retry_after_forms() -> None:
    assert parse_retry_after(b"120") == 120
    in_a_minute = parse_retry_after(formatdate(time.time() + 60, usegmt=True).encode())
    assert in_a_minute is not None and 55 <= in_a_minute <= 61
    assert parse_retry_after(b"soon") is None
    assert parse_retry_after(None) is None


def test_retry_after_pauses_the_domain_before_the_retry(tmp_path: Path) -> None:
    with serve_bad_web() as (base, hits):
        sites = tmp_path / "sites.toml"
        sites.write_text(sites_toml(base, ("/busy-feed.xml",)), encoding="utf-8")
        run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", sites,
                         "-s", "AUTOTHROTTLE_ENABLED=false")
    assert run.returncode == 0, run.stderr
    assert "new=1" in run.stdout  # the retry got the page
    first, second = hits["/busy-once"]
    assert second - first >= 1.9  # Retry-After: 2 (Scrapy alone retries at once)
