"""`ainews crawl --warc`: every response and request archived as the crawl goes, and
`reprocess --from-warc` rebuilds the same database from the archive alone."""

from __future__ import annotations

import base64
import gzip
import hashlib
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from ainews.scraper.demo.server import DemoServer
from ainews.scraper.storage.rawpages import decompress_raw
from ainews.scraper.warc.reader import BodyError, WarcReader
from ainews.scraper.warc.writer import RotatingWarcWriter, WarcRecorder
from tests.cli_helpers import crawled_demo, run_ainews

HTML = b"<!doctype html><html><body><article><h1>T</h1><p>" + b"word " * 400 + b"</p></article>"


def records(directory: Path) -> list:
    """(file, WARC headers, HTTP headers, raw payload) of every record, files in name order."""
    found = []
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as f:
            for record in ArchiveIterator(f):
                found.append((path, record.rec_headers, record.http_headers,
                              record.raw_stream.read()))
    return found


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("roundtrip")
    with crawled_demo(tmp, tmp / "crawled.db", "--warc", tmp / "warc") as (server, _, crawl):
        answered = server.stats.requests
    rebuilt = run_ainews("reprocess", "--from-warc", tmp / "warc", "--db", tmp / "rebuilt.db")
    yield {"tmp": tmp, "crawl": crawl, "rebuilt": rebuilt, "answered": answered}


def table(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_response_and_its_request_are_archived(round_trip: dict) -> None:
    assert round_trip["crawl"].returncode == 0, round_trip["crawl"].stderr[-2000:]
    found = records(round_trip["tmp"] / "warc")
    kinds = [r[1].get_header("WARC-Type") for r in found]
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == kinds.count("request") == round_trip["answered"] == 30
    run_id = table(round_trip["tmp"] / "crawled.db", "SELECT max(id) FROM crawl_runs")[0][0]
    assert f"ainews crawl run {run_id}".encode() in found[0][3]
    urls = {r[1].get_header("WARC-Target-URI") for r in found if r[2] is not None}
    assert any(u.endswith("/robots.txt") for u in urls)
    assert any(u.endswith("/frontier/feed/") for u in urls)
    for _, warc, _, payload in found:
        if warc.get_header("WARC-Type") == "response":
            assert warc.get_header("WARC-IP-Address") == "127.0.0.1"
            assert warc.get_header("WARC-Date").endswith("Z")
            digest = base64.b32encode(hashlib.sha1(payload).digest()).decode()
            assert warc.get_header("WARC-Payload-Digest") == f"sha1:{digest}"


def test_reprocess_from_warc_rebuilds_the_same_database(round_trip: dict) -> None:
    assert round_trip["rebuilt"].returncode == 0, round_trip["rebuilt"].stderr[-2000:]
    assert " new=20 " in round_trip["rebuilt"].stdout
    crawled, rebuilt = round_trip["tmp"] / "crawled.db", round_trip["tmp"] / "rebuilt.db"
    # fetched_at is when the response arrived, in the database and in the archive alike
    columns = [c for (c,) in table(crawled, "SELECT name FROM pragma_table_info('articles')")
               if c not in ("first_seen_at", "updated_at")]
    articles = f"SELECT {', '.join(columns)} FROM articles ORDER BY id"
    assert table(rebuilt, articles) == table(crawled, articles)
    clusters = "SELECT cluster_id, canonical_id, size, sites, first_published_at FROM clusters"
    assert sorted(table(rebuilt, clusters)) == sorted(table(crawled, clusters))
    pages = "SELECT article_id, url, status, content_type, etag, last_modified, " \
            "raw_page FROM pages ORDER BY article_id"

    def unzipped(db: Path) -> list[tuple]:
        return [(*row[:-1], decompress_raw(row[-1])) for row in table(db, pages)]

    assert unzipped(rebuilt) == unzipped(crawled)
    assert len(table(rebuilt, "SELECT * FROM clusters WHERE size > 1")) > 0


def test_warc_dir_in_the_sites_file(tmp_path: Path) -> None:
    with DemoServer(port=0) as server:
        text = server.sites_toml().replace("[settings]", '[settings]\nwarc_dir = "archive"', 1)
        sites = tmp_path / "conf" / "sites.toml"
        sites.parent.mkdir()
        sites.write_text(text, encoding="utf-8")
        run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", sites,
                         "--max-pages", "3")
    assert run.returncode == 0, run.stderr[-2000:]
    assert any(r[1].get_header("WARC-Type") == "response"
               for r in records(tmp_path / "conf" / "archive"))


def test_off_without_a_folder() -> None:
    with pytest.raises(NotConfigured):
        WarcRecorder.from_crawler(get_crawler(settings_dict={"AINEWS_SITES_FILE": ""}))


def test_compressed_chunked_response_is_kept_as_received(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"AINEWS_WARC_DIR": str(tmp_path)})
    recorder = WarcRecorder.from_crawler(crawler)
    sent = gzip.compress(HTML)
    request = Request("http://news.example/a/1", meta={"site": "news", "kind": "article",
                                                      "redirect_urls": ["http://news.example/1"]})
    response = HtmlResponse(
        request.url, body=sent, request=request, ip_address=None,
        headers={"Content-Encoding": "gzip", "Transfer-Encoding": "chunked",
                 "Content-Type": "text/html"},
    )
    recorder.response_downloaded(response, request, None)
    recorder.spider_closed(None)
    (_, warc, http, payload), = [r for r in records(tmp_path)
                                 if r[1].get_header("WARC-Type") == "response"]
    assert payload == sent  # the bytes as received
    assert http.get_header("Content-Encoding") == "gzip"
    assert http.get_header("Transfer-Encoding") is None
    assert http.get_header("X-Crawler-Transfer-Encoding") == "chunked"
    assert warc.get_header("Ainews-Requested-URI") == "http://news.example/1"
    with next(tmp_path.glob("*.warc.gz")).open("rb") as f:
        (archived,) = [(a, a.read_body()) for a in WarcReader(f, "test")]
        assert archived[1] == HTML  # readers undo the Content-Encoding
        assert archived[0].crawl == {"site": "news", "kind": "article",
                                  "requested_url": "http://news.example/1"}


def test_files_rotate_before_they_pass_the_size(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, max_bytes=20_000, info=lambda: {"isPartOf": "t"})
    for i in range(40):
        request = Request(f"http://news.example/{i}")
        body = HTML + random.Random(i).randbytes(6_000)  # incompressible
        response = HtmlResponse(request.url, body=body, request=request)
        writer.write(writer.response_pair(request, response), size_hint=len(body) + 1_000)
    writer.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) >= 10 and files == writer.files
    for path in files:
        assert path.stat().st_size <= 20_000
        first = records(tmp_path)[[r[0] for r in records(tmp_path)].index(path)]
        assert first[1].get_header("WARC-Type") == "warcinfo"
    responses = [r for r in records(tmp_path) if r[1].get_header("WARC-Type") == "response"]
    assert [r[1].get_header("WARC-Target-URI") for r in responses] == [
        f"http://news.example/{i}" for i in range(40)
    ]


def test_a_killed_writer_leaves_a_readable_file(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path)
    body = HTML + random.Random(1).randbytes(20_000)  # the cut falls inside the payload
    for i in range(5):
        request = Request(f"http://news.example/{i}")
        writer.write(writer.response_pair(request, HtmlResponse(request.url, body=body,
                                                                request=request)), 0)
    path = writer.path
    writer.close()
    with path.open("rb") as f:
        it = ArchiveIterator(f)
        spans = [(r.rec_headers.get_header("WARC-Type"), it.get_record_offset(),
                  it.get_record_length()) for r in it]
    _, offset, length = [s for s in spans if s[0] == "response"][-1]
    with path.open("r+b") as f:  # the process died inside the last response record
        f.truncate(offset + length // 2)
    with path.open("rb") as f:
        outcomes = []
        for archived in WarcReader(f, str(path)):
            try:
                outcomes.append(archived.read_body())
            except BodyError as exc:
                outcomes.append(exc.reason)
    assert outcomes == [body] * 4 + ["truncated"]
