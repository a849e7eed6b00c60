"""The crawl path: spider → process pool → process_page() → one write; crawl state in one
component; skip reasons recorded where they are decided. Real crawls of local servers."""

from __future__ import annotations

import ast
import json
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ainews.scraper.article import Article
from ainews.scraper.demo.server import DemoServer
from ainews.scraper.demo.web import DemoWeb
from ainews.scraper.exitcodes import EXIT_PARTIAL
from ainews.scraper.items import FetchedPage
from ainews.scraper.process import process_page
from ainews.scraper.storage import Store, article_id
from tests import demo_expected as expected
from tests.cli_helpers import REPO, run_ainews
from tests.localweb import QuietHandler, local_sites, reply, serving

#: Columns that must not depend on the number of workers or the order pages arrive in.
RECORD = ("url", "title", "authors", "published_at", "body", "lede", "language", "tags",
          "cluster_id", "is_canonical", "partial_of", "content_hash")


def test_no_spider_module_imports_storage() -> None:
    for path in sorted((REPO / "scraper" / "spiders").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            assert not any(n == "ainews.scraper.storage" or n.startswith("ainews.scraper.storage.")
                           for n in names), f"{path.name} imports {names}"


def demo_page(web: DemoWeb, path: str, site: str) -> FetchedPage:
    resource = web.get(path)
    url = web.url(path)
    return FetchedPage(url, url, site, 200, resource.content_type, resource.body,
                       "2026-04-08T00:00:00+00:00")


def count_article_writes(store: Store) -> None:
    store.db.execute("CREATE TABLE writes (id TEXT, op TEXT)")
    for op in ("INSERT", "UPDATE"):
        store.db.execute(f"CREATE TRIGGER count_{op} AFTER {op} ON articles "
                         f"BEGIN INSERT INTO writes VALUES (new.id, '{op}'); END")


def test_process_page_outside_scrapy_writes_each_article_once(tmp_path: Path) -> None:
    web = DemoWeb()
    pages = expected.pages(web)
    group = next(g for g in expected.duplicate_groups() if len(g) >= 2)
    original = next(p for p in group if pages[p].kind == "original")
    copies = [p for p in group if p != original]
    with Store(tmp_path / "a.db") as store:
        count_article_writes(store)
        for path in [*copies, original]:  # the canonical arrives last
            outcome = process_page(demo_page(web, path, pages[path].site), store)
            assert outcome.status == "new", path
        writes = store.db.execute("SELECT id, op FROM writes").fetchall()
        rows = {r[0]: r for r in store.db.execute(
            "SELECT id, cluster_id, is_canonical FROM articles")}
    original_id = article_id(web.url(original))
    assert {r[1] for r in rows.values()} == {original_id}
    # the original was inserted with its final cluster; each copy once, then moved once
    assert [op for aid, op in writes if aid == original_id] == ["INSERT"]
    for path in copies:
        ops = [op for aid, op in writes if aid == article_id(web.url(path))]
        assert ops[0] == "INSERT" and ops.count("INSERT") == 1


@pytest.mark.parametrize("body", [b"", b"<html><body><p>\xe2\x80\x94</p></body></html>",
                                  b"<html><body><article><p>___</p></article></body></html>"])
def test_page_without_words_is_a_counted_skip(tmp_path: Path, body: bytes) -> None:
    page = FetchedPage("https://a.example/1", "https://a.example/1", "a", 200, "text/html",
                       body, "2026-04-08T00:00:00+00:00")
    with Store(tmp_path / "a.db") as store:
        outcome = process_page(page, store)
        assert (outcome.status, outcome.stored) == ("no_article_text", False)
        assert store.count("articles") == 0


def test_cleaned_article_can_come_from_elsewhere(tmp_path: Path) -> None:
    """A worker process (or a WARC reader) hands in clean()'s result: no second cleaning."""
    page = FetchedPage("https://a.example/1", "https://a.example/1", "a", 200, "text/html",
                       b"<html>not parsed</html>", "2026-04-08T00:00:00+00:00")
    article = Article(url=page.url, title="T", body="Words in a body.", site="a",
                      fetched_at=page.fetched_at)
    with Store(tmp_path / "a.db") as store:
        assert process_page(page, store, cleaned=article).status == "new"
        assert store.raw_page(article_id(page.url)) == page


def records(db: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(db)
    rows = conn.execute(f"SELECT {', '.join(RECORD)} FROM articles").fetchall()
    conn.close()
    return {r[0]: r for r in rows}


@pytest.fixture(scope="module")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer(port=0) as server:
        yield server


def test_same_records_whatever_the_number_of_workers(tmp_path: Path, demo_server) -> None:
    sites = demo_server.sites_file(tmp_path)
    results = {}
    for workers, batch in (("0", "200"), ("2", "3")):  # in-process vs pool, small batches
        db = tmp_path / f"w{workers}.db"
        run = run_ainews("crawl", "--db", db, "--sites", sites, "-s", f"AINEWS_WORKERS={workers}",
                         "-s", f"AINEWS_BATCH_SIZE={batch}")
        assert run.returncode == 0, run.stderr[-3000:]
        results[workers] = records(db)
    assert len(results["0"]) == len(expected.crawlable())
    assert results["0"] == results["2"]


def test_too_slow_pages_are_abandoned_counted_and_given_up(tmp_path: Path, demo_server) -> None:
    """With a budget no page can meet, every article is abandoned; the run still ends, and
    after three tries the URLs are parked (gave_up) instead of being retried first forever."""
    sites = demo_server.sites_file(tmp_path)
    db = tmp_path / "a.db"
    slow = ("-s", "AINEWS_WORKERS=2", "-s", "AINEWS_PAGE_TIMEOUT=0.0001",
            "-s", "AINEWS_REVISIT_MINUTES=0")
    reasons = []
    for _ in range(4):
        run = run_ainews("crawl", "--db", db, "--sites", sites, "--site", "demo-publisher",
                         *slow)
        assert run.returncode == 0, run.stderr[-3000:]
        assert "Traceback" not in run.stderr
        conn = sqlite3.connect(db)
        (skips,) = conn.execute(
            "SELECT skip_reasons FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        reasons.append(json.loads(skips))
        conn.close()
    publisher = sum(1 for p in expected.crawlable() if expected.pages()[p].site == "demo-publisher")
    assert reasons[0].get("too_slow") == publisher
    assert reasons[1].get("too_slow") == publisher
    assert reasons[2].get("gave_up") == publisher and "too_slow" not in reasons[2]
    assert not reasons[3].get("too_slow") and not reasons[3].get("gave_up")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    states = conn.execute("SELECT state, attempts, count(*) FROM frontier WHERE kind='article' "
                          "GROUP BY state, attempts").fetchall()
    assert states == [("failed", 3, publisher)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_site_is_a_failed_site_not_a_failed_run(tmp_path: Path, demo_server) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused
    text = demo_server.sites_toml() + f"""
[[site]]
name = "dead-site"
domains = ["127.0.0.1"]
feeds = ["{dead}/feed.xml"]
sitemaps = ["{dead}/sitemap.xml"]
"""
    sites = tmp_path / "sites.toml"
    sites.write_text(text, encoding="utf-8")
    db = tmp_path / "a.db"
    run = run_ainews("crawl", "--db", db, "--sites", sites, "-s", "RETRY_TIMES=0")
    assert run.returncode == EXIT_PARTIAL, run.stdout + run.stderr[-3000:]
    assert "failed_sites=dead-site" in run.stdout
    assert "Traceback" not in run.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(
        expected.crawlable())


# -- discovery bounds: a hostile sitemap web ------------------------------------------------


def _article(n: int) -> bytes:
    text = " ".join(f"Sentence {i} of story {n} about a new open model release." for i in range(30))
    return f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>" \
           f"<p>{text}</p></article></body></html>".encode()


@contextmanager
def sitemap_web() -> Iterator[tuple[str, dict[str, int]]]:
    """/sitemap.xml: a chain of nested indexes (deeper than allowed), 30 child sitemaps, and
    links to file: and ftp: URLs on the site's own host."""
    hits: dict[str, int] = {}

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits[self.path] = hits.get(self.path, 0) + 1
            host = f"http://{self.headers['Host']}"
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nDisallow:\n", "text/plain"
            elif self.path.startswith("/index-"):
                depth = int(self.path.split("-")[1].split(".")[0])
                locs = [f"{host}/index-{depth + 1}.xml", f"{host}/urls-{depth}.xml"]
                if depth == 1:
                    locs += [f"{host}/fan-{i}.xml" for i in range(30)]
                body = _index(locs)
                ctype = "application/xml"
            elif self.path.startswith(("/urls-", "/fan-")):
                n = abs(hash(self.path)) % 1000
                body = _urlset([f"{host}/story/{n}", f"file://{self.headers['Host']}/etc/passwd",
                                f"ftp://{self.headers['Host']}/story/x"])
                ctype = "application/xml"
            elif self.path.startswith("/story/"):
                body, ctype = _article(int(self.path.rsplit("/", 1)[1])), "text/html"
            else:
                self.send_error(404)
                return
            reply(self, body, ctype)

    with serving(Handler) as base:
        yield base, hits


def _index(locs: list[str]) -> bytes:
    items = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in locs)
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{items}</sitemapindex>').encode()


def _urlset(locs: list[str]) -> bytes:
    items = "".join(f"<url><loc>{u}</loc></url>" for u in locs)
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{items}</urlset>').encode()


def crawl_sitemaps(tmp_path: Path, base: str, name: str, *options: str) -> dict[str, int]:
    sites = local_sites(tmp_path / "sites.toml", "maps", sitemaps=[f"{base}/index-1.xml"])
    db = tmp_path / f"{name}.db"
    run = run_ainews("crawl", "--db", db, "--sites", sites, "-s", "AUTOTHROTTLE_ENABLED=0",
                     *options)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    conn = sqlite3.connect(db)
    (skips,) = conn.execute("SELECT skip_reasons FROM crawl_runs").fetchone()
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 1
    conn.close()
    return json.loads(skips)


def test_sitemap_depth_cap_and_schemes_are_bounded_and_counted(tmp_path: Path) -> None:
    with sitemap_web() as (base, hits):
        reasons = crawl_sitemaps(tmp_path, base, "deep")
        assert "/index-3.xml" in hits and "/index-4.xml" not in hits  # depth ≤ 3
        assert reasons.get("sitemap_depth") == 2  # index-3's two children
        assert reasons.get("scheme", 0) >= 2  # file: and ftp: links, never requested
        assert not any(p.startswith("/etc") for p in hits)
        assert "sitemap_cap" not in reasons

        hits.clear()
        reasons = crawl_sitemaps(tmp_path, base, "capped", "-s", "AINEWS_MAX_CHILD_SITEMAPS=5")
        children = sum(1 for p in hits if p.startswith(("/fan-", "/urls-", "/index-")))
        assert children == 1 + 5  # the start sitemap and the capped children
        assert reasons.get("sitemap_cap") == (32 - 5) + 2  # and index-2's two children


@pytest.mark.parametrize(("value", "iso"), [
    ("Mon, 30 Mar 2026 12:00:00 +0200", "2026-03-30T10:00:00+00:00"),
    ("2026-03-30T12:00:00Z", "2026-03-30T12:00:00+00:00"),
    ("March 30, 2026", "2026-03-30T00:00:00+00:00"),
    ("30.03.2026", "2026-03-30T00:00:00+00:00"),
    ("1774872000", "2026-03-30T12:00:00+00:00"),
    ("2026年3月30日", "2026-03-30T00:00:00+00:00"),
    ("soon", None),
])
def test_feed_dates_use_the_page_date_parser(value: str, iso: str | None) -> None:
    from ainews.scraper.discovery import parse_date

    assert parse_date(value) == iso


def test_failed_pages_are_not_fetched_again_until_their_lastmod_changes(tmp_path: Path) -> None:
    from tests.badweb import PATIENCE_S, serve_bad_web, sites_toml

    with serve_bad_web() as (base, hits):
        sites = tmp_path / "sites.toml"
        sites.write_text(sites_toml(base, ("/feed.xml",)), encoding="utf-8")
        for _ in range(2):
            run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", sites,
                             "-s", "AINEWS_REVISIT_MINUTES=0",
                             "-s", f"DOWNLOAD_TIMEOUT={PATIENCE_S}",
                             "-s", "RETRY_TIMES=0", "-s", "AUTOTHROTTLE_ENABLED=false",
                             timeout=120)
            assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    # no article text, gone, missing, not HTML: final failures, asked once
    for path in ("/binary-as-html", "/gone", "/missing", "/pdf"):
        assert len(hits[path]) == 1, path
    assert len(hits["/broken"]) == 2  # a 500 is tried again (up to 3 runs)
    assert len(hits["/feed.xml"]) == 2
