"""Red team, WARC input: one record's odd headers cost that record at most, never the
rest of the file (every case a hand-built archive)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from ainews.scraper.warc import reader as reader_module
from ainews.scraper.warc.pages import ArchivePage, write_warc
from ainews.scraper.warc.reader import WarcReader, parse_warc_date
from tests.cli_helpers import run_ainews


def read_all(pages: list[ArchivePage]) -> tuple[list[tuple[str, str | None, bytes]], WarcReader]:
    buffer = io.BytesIO()
    write_warc(buffer, pages)
    reader = WarcReader(io.BytesIO(buffer.getvalue()), "test")
    return [(r.url, r.fetched_at, r.read_body()) for r in reader], reader


def test_a_warc_date_past_the_calendar_in_utc_is_unknown_not_the_end_of_the_file() -> None:
    # 9999-12-31 at UTC-5 is year 10000 in UTC: datetime raised OverflowError, which
    # ended the whole file as ``unreadable_rest``.
    pages = [ArchivePage(f"http://news.example/{i}", b"<p>story %d</p>" % i) for i in range(3)]
    pages[1].date = "9999-12-31T23:59:59-05:00"
    pages[2].date = "0001-01-01T00:00:00+14:00"
    found, reader = read_all(pages)
    assert found == [("http://news.example/0", "2026-04-07T09:00:00+00:00", b"<p>story 0</p>"),
                     ("http://news.example/1", None, b"<p>story 1</p>"),
                     ("http://news.example/2", None, b"<p>story 2</p>")]
    assert "unreadable_rest" not in reader.counts


def test_warc_dates_out_of_range_parse_to_none() -> None:
    assert parse_warc_date("9999-12-31T23:59:59-05:00") is None
    assert parse_warc_date("0001-01-01T00:00:00+14:00") is None
    assert parse_warc_date("9999-12-31T23:59:59Z") == "9999-12-31T23:59:59+00:00"



def test_a_header_line_past_the_bound_ends_the_file_without_holding_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # warcio read a header line whole: one of 2 GB (2 MB gzipped) took 3x that in RAM.
    monkeypatch.setattr(reader_module, "MAX_HEADER_BYTES", 4000)
    pages = [ArchivePage(f"http://news.example/{i}", b"<p>story %d</p>" % i) for i in range(3)]
    pages[1].headers = [("Set-Cookie", "x" * 10_000)]
    found, reader = read_all(pages)
    assert [url for url, _, _ in found] == ["http://news.example/0"]
    assert reader.counts["headers_too_long"] == 1 and reader.counts["unreadable_rest"] == 1


def test_headers_under_the_bound_are_read_whatever_the_file_holds_in_all(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_module, "MAX_HEADER_BYTES", 4000)
    pages = [ArchivePage(f"http://news.example/{i}", b"<p>%d</p>" % i,
                         headers=[("Set-Cookie", "x" * 2000)]) for i in range(20)]
    found, reader = read_all(pages)
    assert len(found) == 20 and "headers_too_long" not in reader.counts


def test_an_archive_claiming_a_site_is_believed_for_that_sites_urls_only(tmp_path: Path) -> None:
    # Ainews-Site was trusted whatever the URL: a page of another host, or one whose
    # WARC-Target-URI has credentials or a broken host, was stored as the site's article
    # (file: and javascript: URIs are not_http: warcio reads no HTTP headers for them).
    text = "<p>The lab released the model weights on Monday with a report on safety.</p>" * 6
    body = f"<html><head><title>Story</title></head><body><article>{text}</article></body></html>"
    claims = {"Ainews-Site": "news", "Ainews-Kind": "article"}
    pages = [ArchivePage(url, body.encode(), warc_headers=claims) for url in (
        "https://news.example.com/2026/03/30/story", "https://elsewhere.example/2026/fake",
        "https://user:pw@news.example.com/2026/x", "http://[::1/x", "file:///etc/passwd")]
    warc = tmp_path / "in.warc.gz"
    with open(warc, "wb") as out:
        write_warc(out, pages)
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "news"\ndomains = ["news.example.com"]\n'
                     'feeds = ["https://news.example.com/feed"]\n', encoding="utf-8")
    proc = run_ainews("import-warc", "--db", tmp_path / "a.db", "--sites", sites, warc,
                      timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "new=1 " in proc.stdout and "(bad_url=2, not_http=1, off_site=1)" in proc.stdout, \
        proc.stdout
    urls = [url for (url,) in sqlite3.connect(tmp_path / "a.db").execute(
        "SELECT url FROM articles")]
    assert urls == ["https://news.example.com/2026/03/30/story"]


def test_our_crawl_fields_are_read_only_as_our_crawl_writes_them() -> None:
    # Each was taken as it came and stored: a lastmod of 3000 (the page never fetched
    # again), a requested "URL" whose frontier row is marked done, a 100 KB name.
    good = {"Ainews-Site": "news", "Ainews-Kind": "article",
            "Ainews-Requested-URI": "https://news.example.com/a?x=1",
            "Ainews-Source-Lastmod": "2026-03-30T12:00:00+00:00", "Ainews-Site-Name": "News"}
    bad = {"Ainews-Site": "n" * 100_000, "Ainews-Kind": "article\x00",
           "Ainews-Requested-URI": "javascript:alert(1)",
           "Ainews-Source-Lastmod": "3000-01-01", "Ainews-Site-Name": "Te\x1bst"}
    pages = [ArchivePage("https://news.example.com/a", b"<p>a</p>", warc_headers=headers)
             for headers in (good, bad)]
    buffer = io.BytesIO()
    write_warc(buffer, pages)
    crawl = [r.crawl for r in WarcReader(io.BytesIO(buffer.getvalue()), "test")]
    assert crawl == [{"site": "news", "kind": "article",
                      "requested_url": "https://news.example.com/a?x=1",
                      "lastmod": "2026-03-30T12:00:00+00:00", "site_name": "News"}, {}]
