"""Red team, WARC input: one record's odd headers cost that record at most, never the
rest of the file (every case a hand-built archive)."""

from __future__ import annotations

import io

import pytest

from ainews.scraper.warc import reader as reader_module
from ainews.scraper.warc.pages import ArchivePage, write_warc
from ainews.scraper.warc.reader import WarcReader, parse_warc_date


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
