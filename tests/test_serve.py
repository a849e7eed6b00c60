"""``ainews.exports.serve``: Datasette answers the canned queries and full-text search on a real
database; headless Chromium loads the pages analysts use (search, a story, the views) and
the tests look at what it rendered."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from ainews.exports.catalog import QUERIES
from ainews.exports.export import connect_readonly
from ainews.exports.schema_doc import example_params
from ainews.exports.serve import build_metadata, make_datasette
from ainews.scraper.article import Article
from ainews.scraper.storage.store import Store
from tests.browser import dump_dom, needs_chromium
from tests.test_exports import KNOWN_TITLE, make_db, url_of

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("serve") / "news.db")


def demo_params(demo_db: Path, name: str) -> dict[str, str]:
    conn = connect_readonly(demo_db)
    try:
        return example_params(conn, name)
    finally:
        conn.close()


def get(db: Path, path: str) -> Any:
    """GET ``path`` from Datasette's in-process ASGI client; the response."""

    async def fetch() -> Any:
        ds = make_datasette(db)
        return await ds.client.get(path)

    return asyncio.run(fetch())


@pytest.mark.parametrize("name", list(QUERIES))
def test_canned_query_answers(demo_db: Path, name: str) -> None:
    params = urlencode(demo_params(demo_db, name))
    response = get(demo_db, f"/demo/{name}.json?_shape=objects&{params}")
    assert response.status_code == 200, response.text
    assert response.json()["rows"], f"{name} returned no rows"


def test_search_stories_finds_the_known_story_once(db: Path) -> None:
    rows = get(db, "/news/search_stories.json?_shape=objects&q=alibaba").json()["rows"]
    assert [r["title"] for r in rows] == ["Qwen3 released with open weights"]
    assert rows[0]["copies"] == 2


def test_story_spread_orders_sites_by_first_publication(db: Path) -> None:
    rows = get(db, "/news/multi_site_stories.json?_shape=objects").json()["rows"]
    assert [(r["first_site"], r["sites"], r["spread_hours"]) for r in rows] == [
        ("alpha", '["alpha","beta"]', 6.5)
    ]


def test_search_follows_inserts_and_updates(tmp_path: Path) -> None:
    path = make_db(tmp_path / "news.db")
    with Store(path, dedupe=False) as store:
        article = Article(url=url_of(3), title="Corvid renames its chip Mosaic", body="Mosaic.")
        assert store.save_article(article) == "updated"
        store.save_article(Article(url="https://beta.example/new", title="Zephyr", body="Zephyr."))
    assert search_titles(path, "mosaic") == ["Corvid renames its chip Mosaic"]
    assert search_titles(path, "tessellate") == []
    assert search_titles(path, "zephyr") == ["Zephyr"]


def search_titles(db: Path, q: str) -> list[str]:
    rows = get(db, f"/news/search_stories.json?_shape=objects&q={q}").json()["rows"]
    return [row["title"] for row in rows]


def test_table_search_and_facets(db: Path) -> None:
    data = get(db, "/news/articles.json?_search=tessellate&_shape=objects").json()
    assert [r["title"] for r in data["rows"]] == [KNOWN_TITLE]
    assert {"site", "language", "tags", "source_credit"} <= set(data["facet_results"])


def test_view_search_filters(demo_db: Path) -> None:
    path = "/demo/unique_articles.json?_shape=objects&_search=open-weights"
    rows = get(demo_db, path).json()["rows"]
    assert rows and all("open-weights" in (r["title"] + r["body"]).lower() for r in rows)
    everything = get(demo_db, "/demo/unique_articles.json?_shape=objects").json()["rows"]
    assert len(rows) < len(everything)


def test_table_search_uses_the_same_rule(demo_db: Path) -> None:
    def titles(search: str) -> set[str]:
        path = (
            f"/demo/unique_articles.json?_shape=objects&_size=100&{urlencode({'_search': search})}"
        )
        return {r["title"] for r in get(demo_db, path).json()["rows"]}

    either = titles("fts: tessellate OR meridian")  # FTS5 syntax only with the prefix
    assert titles("tessellate") | titles("meridian") == either
    assert titles("tessellate OR meridian") == set()  # as words, all must match


def test_plain_table_search_opens_the_ranked_query(demo_db: Path) -> None:
    response = get(demo_db, "/demo/articles?_search=Meridian-3")
    assert response.status_code == 302
    assert response.headers["location"] == "/demo/search_stories?q=Meridian-3"
    filtered = get(demo_db, "/demo/articles?_search=Meridian-3&site=demo-publisher")
    assert filtered.status_code == 200  # with filters it stays a table


def test_story_query_shows_each_copys_verified_relation(demo_db: Path) -> None:
    import sqlite3

    cluster_id = demo_params(demo_db, "story")["cluster_id"]
    with sqlite3.connect(demo_db) as conn:
        members = dict(conn.execute(
            "SELECT m.article_id, m.relation FROM cluster_members m "
            "WHERE m.cluster_id = ?", [cluster_id]).fetchall())
    assert members, "the demo's story page should have a copy"
    rows = get(demo_db, f"/demo/story.json?_shape=objects&cluster_id={cluster_id}").json()["rows"]
    assert rows[0]["relation"] == "canonical" and rows[0]["score"] is None
    for row in rows[1:]:
        assert row["relation"] == members[row["article_id"]]
        assert 0 < row["score"] <= 1


def test_metadata_describes_tables_and_columns(db: Path) -> None:
    data = get(db, "/-/metadata.json").json()
    tables = data["databases"]["news"]["tables"]
    assert tables["articles"]["fts_table"] == "articles_fts"
    assert tables["articles"]["columns"]["cluster_id"]
    assert build_metadata("news") == data


def test_database_cannot_be_written(db: Path) -> None:
    before = db.read_bytes()
    response = get(db, "/news.json?sql=DELETE+FROM+articles")
    assert response.status_code == 400
    assert db.read_bytes() == before


def test_missing_database_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such database"):
        make_datasette(tmp_path / "nope.db")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(db: Path) -> Iterator[str]:
    """``ainews.exports.serve.serve`` in a subprocess on a free port; its base URL."""
    port = free_port()
    code = (
        "import sys; from ainews.exports.serve import serve; "
        "serve(sys.argv[1], '127.0.0.1', int(sys.argv[2]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(port)],
        cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a ceiling: Python alone takes 25 s to start at load 15
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.poll() is not None else ""
                    pytest.fail(f"datasette did not start: {out}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    with running_server(db) as base:
        yield base


@pytest.fixture(scope="module")
def demo_server(demo_db: Path) -> Iterator[str]:
    with running_server(demo_db) as base:
        yield base


def test_server_answers_over_http(server: str) -> None:
    with urllib.request.urlopen(f"{server}/news/latest_stories.json?_shape=objects") as resp:
        assert KNOWN_TITLE.encode() in resp.read()


@needs_chromium
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/news/search_stories?q=tessellate", "Search stories"),  # ranked, once per story
        ("/news/articles?_search=tessellate", "Search stories"),  # the table's search box
    ],
)
def test_browser_finds_story_on_search_page(
    server: str, tmp_path: Path, path: str, heading: str
) -> None:
    dom = dump_dom(server + path, tmp_path / "chromium")
    assert f">{heading}</h1>" in dom  # the page itself rendered, not an error page
    assert KNOWN_TITLE in dom, dom[-2000:]


def rendered_rows(dom: str) -> list[str]:
    """The text of each row of the page's results table."""
    body = re.search(r"<tbody>(.*?)</tbody>", dom, re.S)
    assert body, "no results table"
    return [
        re.sub(r"<[^>]+>", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


@needs_chromium
@pytest.mark.parametrize("term", ["Meridian-3", "open-weights", "Halcyon's Meridian-3"])
def test_browser_hyphenated_search(demo_server: str, tmp_path: Path, term: str) -> None:
    dom = dump_dom(f"{demo_server}/demo/articles?{urlencode({'_search': term})}", tmp_path / "c")
    assert ">Search stories</h1>" in dom and "no such column" not in dom
    rows = rendered_rows(dom)
    assert rows and all("Meridian" in row for row in rows[:2]), rows


@needs_chromium
def test_browser_story_page(demo_server: str, demo_db: Path, tmp_path: Path) -> None:
    cluster_id = demo_params(demo_db, "story")["cluster_id"]
    dom = dump_dom(f"{demo_server}/demo/story?cluster_id={cluster_id}", tmp_path / "c")
    assert ">Story</h1>" in dom
    rows = rendered_rows(dom)
    assert len(rows) == 2
    assert "canonical" in rows[0] and "demo-publisher" in rows[0]  # who published first
    assert re.search(r"(copy|excerpt).*demo-digest.*23\.25", rows[1], re.S), rows[1]
    assert f'href="/demo/articles/{cluster_id}"' in dom  # the canonical article's row


@needs_chromium
def test_browser_story_spread_view(demo_server: str, tmp_path: Path) -> None:
    dom = dump_dom(f"{demo_server}/demo/story_spread", tmp_path / "c")
    assert ">story_spread (view)</h1>" in dom  # the view, not a canned query of its name
    for column in ("urls", "canonical_id", "first_seen_at", "last_seen_at"):
        assert f'data-column="{column}"' in dom, column
    assert re.search(r'href="/demo/story\?cluster_id=[0-9a-f]{16}"', dom)  # ids are links


@needs_chromium
def test_browser_articles_first_screen(demo_server: str, demo_db: Path, tmp_path: Path) -> None:
    dom = dump_dom(f"{demo_server}/demo/articles", tmp_path / "c")
    head = re.search(r"<thead>(.*?)</thead>", dom, re.S).group(1)
    columns = re.findall(r'data-column="(\w+)"', head)
    assert columns == ["id", "title", "site", "published_at", "word_count", "cluster_id"]
    assert '<p class="ainews-allcols"><a href="?_allcols=1">Show every column</a>' in dom
    every = get(demo_db, "/demo/articles?_allcols=1")
    assert every.status_code == 200 and 'data-column="body"' in every.text
    assert re.search(r'<details class="ainews-glossary"><summary>Column glossary', dom)
    assert "copies</td>" in dom or " copies" in dom


@needs_chromium
def test_browser_row_page_reads_like_an_article(
    demo_server: str, demo_db: Path, tmp_path: Path
) -> None:
    cluster_id = demo_params(demo_db, "story")["cluster_id"]
    dom = dump_dom(f"{demo_server}/demo/articles/{cluster_id}", tmp_path / "c")
    record = re.search(r'<dl class="ainews-record">(.*?)</dl>', dom, re.S)
    assert record, dom[-1500:]
    body = re.search(r"<dt>body</dt><dd>(.*?)</dd>", record.group(1), re.S)
    assert body and body.group(1).count("<p>") >= 3  # one paragraph each
