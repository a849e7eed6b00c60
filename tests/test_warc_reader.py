"""Reading archives: damaged records cost themselves, counted by reason, never the file."""

from __future__ import annotations

import io
import random
import re

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from ainews.scraper.warc.pages import ArchivePage, record_bytes, response_record, write_warc
from ainews.scraper.warc.reader import BodyError, WarcReader, expand_sources, parse_warc_date

PAGES = [ArchivePage(f"http://news.example/{i}", b"<html><p>story %d</p></html>" % i)
         for i in range(3)]


def outcomes(data: bytes) -> tuple[list, WarcReader]:
    reader = WarcReader(io.BytesIO(data), "test")
    found = []
    for archived in reader:
        try:
            found.append(archived.read_body())
        except BodyError as exc:
            found.append(exc.reason)
    return found, reader


def plain_records(pages: list[ArchivePage]) -> list[bytes]:
    """An uncompressed warcinfo record, then one record per page, as separate bytes."""
    buffer = io.BytesIO()
    write_warc(buffer, [], compress=False)
    writer = WARCWriter(None, gzip=False)
    return [buffer.getvalue()] + [
        record_bytes(response_record(writer, page), compress=False) for page in pages
    ]


def test_whole_archive_reads_every_body() -> None:
    buffer = io.BytesIO()
    write_warc(buffer, PAGES)
    found, reader = outcomes(buffer.getvalue())
    assert found == [p.body for p in PAGES]
    assert reader.counts["records"] == 4 and reader.counts["warcinfo_records"] == 1
    assert reader.bytes_read == len(buffer.getvalue())


def test_too_short_content_length_is_bad_length_and_the_next_record_reads() -> None:
    info, first, second, third = plain_records(PAGES)
    second = re.sub(rb"\r\nContent-Length: (\d+)\r\n",
                    lambda m: b"\r\nContent-Length: %d\r\n" % (int(m.group(1)) - 6), second,
                    count=1)
    found, _ = outcomes(info + first + second + third)
    assert found == [PAGES[0].body, "bad_length", PAGES[2].body]


def test_garbage_ends_the_file_as_a_counted_skip() -> None:
    info, first, second, _ = plain_records(PAGES)
    found, reader = outcomes(info + first + second + b"this is not a WARC record\r\n" * 3)
    assert found == [PAGES[0].body, PAGES[1].body]
    assert reader.counts["unreadable_rest"] == 1


def test_body_is_readable_only_until_the_next_record() -> None:
    buffer = io.BytesIO()
    write_warc(buffer, PAGES)
    archived = list(WarcReader(io.BytesIO(buffer.getvalue()), "test"))
    with pytest.raises(BodyError) as err:
        archived[0].read_body()
    assert err.value.reason == "no_body"


def test_oversized_body_is_too_large() -> None:
    buffer = io.BytesIO()
    write_warc(buffer, [ArchivePage("http://news.example/big", b"<p>" + b"x" * 5000)])
    reader = WarcReader(io.BytesIO(buffer.getvalue()), "test")
    for archived in reader:
        with pytest.raises(BodyError) as err:
            archived.read_body(limit=1000)
        assert err.value.reason == "too_large"


def test_warc_dates_become_utc_seconds() -> None:
    assert parse_warc_date("2026-03-30T12:00:00Z") == "2026-03-30T12:00:00+00:00"
    assert parse_warc_date("2026-03-30T12:00:00.123456Z") == "2026-03-30T12:00:00+00:00"
    assert parse_warc_date("yesterday") is None


def test_folders_expand_to_their_warc_files_in_name_order(tmp_path) -> None:
    for name in ("b.warc.gz", "a.warc", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert expand_sources([str(tmp_path)]) == [str(tmp_path / "a.warc"),
                                               str(tmp_path / "b.warc.gz")]
    with pytest.raises(ValueError, match="no such file"):
        expand_sources([str(tmp_path / "missing.warc.gz")])


def test_common_crawl_style_records_read_as_stored() -> None:
    """Common Crawl stores payloads decoded and renames the headers that no longer hold
    (X-Crawler-Content-Encoding, X-Crawler-Content-Length); WARC/1.0, metadata records."""
    html = b"<html><body><p>archived story</p></body></html>"
    page = ArchivePage(
        "https://news.example/2026/03/story", html, date="2026-03-01T00:16:03Z",
        headers=[("X-Crawler-Content-Encoding", "gzip"), ("X-Crawler-Content-Length", "120"),
                 ("Content-Length", str(len(html)))],
    )
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.0")
    writer.write_record(writer.create_warc_record(
        "https://news.example/2026/03/story", "metadata", payload=io.BytesIO(b"fetchTimeMs: 12"),
        length=15, warc_content_type="application/warc-fields"))
    writer.write_record(response_record(writer, page))
    reader = WarcReader(io.BytesIO(buffer.getvalue()), "cc")
    found = [(a.url, a.status, a.fetched_at, a.content_type, a.read_body()) for a in reader]
    assert found == [("https://news.example/2026/03/story", 200, "2026-03-01T00:16:03+00:00",
                      "text/html; charset=utf-8", html)]
    assert reader.counts["metadata_records"] == 1


BIG = [ArchivePage(f"http://news.example/{i}", b"<p>" + random.Random(i).randbytes(6000))
       for i in range(3)]


@pytest.mark.parametrize("pages", [PAGES, BIG], ids=["small", "big"])
@pytest.mark.parametrize("percent", range(1, 100, 3))
def test_a_file_cut_anywhere_in_its_last_record_is_read_up_to_it(pages, percent: int) -> None:
    whole = io.BytesIO()
    write_warc(whole, pages)
    data = whole.getvalue()
    it = ArchiveIterator(io.BytesIO(data))
    start = [it.get_record_offset() for _ in it][-1]  # the last record's gzip member
    cut = start + max(1, (len(data) - start) * percent // 100)
    found, reader = outcomes(data[:cut])
    assert found[:2] == [pages[0].body, pages[1].body]
    last = found[2:] + ["truncated"] * reader.counts["truncated_tail"]
    last += ["bad_header"] * reader.counts["bad_header"]
    last += ["unreadable"] * reader.counts["unreadable_rest"]
    # cut in the trailing bytes, the payload is whole; elsewhere the record is a skip
    assert len(last) == 1 and (last[0] == pages[2].body or isinstance(last[0], str)), (
        found, reader.counts)
