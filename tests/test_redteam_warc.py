"""Red team, WARC input: one record's odd headers cost that record at most, never the
rest of the file (every case a hand-built archive)."""

from __future__ import annotations

import io

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

