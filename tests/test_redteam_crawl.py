"""Red team, responses a crawl meets: each ends as a counted, final skip or a record, and
the run ends ``ok`` (one real crawl of a hand-written local web)."""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections import Counter

import pytest

from tests.cli_helpers import run_ainews
from tests.localweb import QuietHandler, local_sites, reply, serving

ARTICLE = ("<html><head><title>{0}</title></head><body><article><h1>{0}</h1>"
           + "<p>The lab released the model weights on Monday with a report on safety.</p>" * 6
           + "</article></body></html>")
FEED_ITEMS = ("/ok", "/retry", "/br-garbage", "/gzip-declared-twice", "/refresh-self")


class Handler(QuietHandler):
    hits: Counter[str] = Counter()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path
        Handler.hits[path] += 1
        html = "text/html; charset=utf-8"
        if path == "/feed.xml":
            items = "".join(f"<item><link>{self.base()}{p}</link></item>" for p in FEED_ITEMS)
            reply(self, f"<rss><channel>{items}</channel></rss>".encode(), "application/rss+xml")
        elif path == "/gzip-feed.xml":  # says gzip, is plain XML
            self.encoded(b"<rss><channel><item><link>/ok</link></item></channel></rss>",
                         "application/rss+xml", "gzip")
        elif path == "/binary-listing":  # a listing that is a PNG (with <a> inside)
            reply(self, b'\x89PNG\r\n\x1a\n\x00\x00<a href="/ok">a</a><a href="/2">next</a>',
                  "image/png")
        elif path == "/ok":
            reply(self, ARTICLE.format("Model weights released").encode(), html)
        elif path == "/retry" and Handler.hits[path] == 1:  # Retry-After: "²" (latin-1)
            self.send_response(503)
            self.send_header("Retry-After", "\xb2")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/retry":
            reply(self, ARTICLE.format("Answered on the retry").encode(), html)
        elif path == "/br-garbage":
            self.encoded(b"this is not brotli data at all", html, "br")
        elif path == "/gzip-declared-twice":
            self.encoded(gzip.compress(ARTICLE.format("Twice").encode()), html, "gzip, gzip")
        elif path == "/refresh-self":
            reply(self, b'<html><head><meta http-equiv="refresh" content="0; url=/refresh-self">'
                        b"</head><body>wait</body></html>", html)
        else:
            reply(self, b"not found", "text/plain", 404)

    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def encoded(self, body: bytes, content_type: str, encoding: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("redteam-crawl")
    with serving(Handler) as base:
        sites = local_sites(tmp / "sites.toml", "red",
                            feeds=[f"{base}/feed.xml", f"{base}/gzip-feed.xml"],
                            listings=[f"{base}/binary-listing"])
        proc = run_ainews("crawl", "--db", tmp / "a.db", "--sites", sites,
                          "-s", "RETRY_TIMES=1", "-s", "AUTOTHROTTLE_ENABLED=false",
                          timeout=120)
    conn = sqlite3.connect(tmp / "a.db")
    (reasons,) = conn.execute("SELECT skip_reasons FROM crawl_runs").fetchone()
    stored = {url.removeprefix(base) for (url,) in conn.execute("SELECT url FROM articles")}
    failed = {url.removeprefix(base): error for url, error in conn.execute(
        "SELECT url, last_error FROM frontier WHERE state != 'done'")}
    return {"proc": proc, "reasons": json.loads(reasons or "{}"), "stored": stored,
            "failed": failed}


def test_the_run_ends_ok(crawl: dict) -> None:
    assert crawl["proc"].returncode == 0, crawl["proc"].stderr[-3000:]
    assert crawl["proc"].stdout.startswith("ainews crawl: ok"), crawl["proc"].stdout
    assert "Traceback" not in crawl["proc"].stderr


def test_a_retry_after_of_a_non_ascii_digit_is_ignored_and_the_page_retried(crawl: dict) -> None:
    # "²".isdigit() is True and float("²") raised ValueError inside the middleware: the
    # page failed as ``ValueError`` instead of being retried.
    assert "/retry" in crawl["stored"] and "/ok" in crawl["stored"]


def test_bodies_that_are_not_their_content_encoding_are_final_skips(crawl: dict) -> None:
    # Scrapy's decoders raised (BadGzipFile, brotli.error): an error retried every run.
    assert crawl["reasons"].get("bad_content_encoding") == 3, crawl["reasons"]
    for path in ("/br-garbage", "/gzip-declared-twice"):  # and /gzip-feed.xml, not queued
        assert crawl["failed"][path].startswith("bad_content_encoding"), crawl["failed"]


def test_a_meta_refresh_to_itself_ends_as_a_redirect_loop(crawl: dict) -> None:
    assert crawl["failed"]["/refresh-self"].startswith("redirect_loop"), crawl["failed"]


def test_a_listing_that_is_not_text_is_a_not_html_skip(crawl: dict) -> None:
    # Its "next" link was read from ``response.text``: AttributeError in the callback,
    # the run ``failed`` with errors=1.
    assert crawl["reasons"].get("not_html") == 1, crawl["reasons"]
