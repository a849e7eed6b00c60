"""``exports.serve``: Datasette answers the canned queries and full-text search on a real
database; a headless Chromium loads the search page and finds a known story."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from exports.catalog import QUERIES
from exports.serve import build_metadata, make_datasette
from scraper.article import Article
from scraper.storage.store import Store
from tests.test_exports import KNOWN_TITLE, make_db, url_of

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Parameters for the canned queries that take them, chosen to find the known story.
PARAMS = {"search_stories": "q=tessellate", "reported_about": "q=tessellate&since=2026-03-01"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("serve") / "news.db")


def get(db: Path, path: str) -> Any:
    """GET ``path`` from Datasette's in-process ASGI client; the response."""

    async def fetch() -> Any:
        ds = make_datasette(db)
        return await ds.client.get(path)

    return asyncio.run(fetch())


@pytest.mark.parametrize("name", list(QUERIES))
def test_canned_query_answers(db: Path, name: str) -> None:
    response = get(db, f"/news/{name}.json?_shape=objects&{PARAMS.get(name, '')}")
    assert response.status_code == 200, response.text
    assert response.json()["rows"], f"{name} returned no rows"


def test_search_stories_finds_the_known_story_once(db: Path) -> None:
    rows = get(db, "/news/search_stories.json?_shape=objects&q=alibaba").json()["rows"]
    assert [r["title"] for r in rows] == ["Qwen3 released with open weights"]
    assert rows[0]["copies"] == 2


def test_story_spread_orders_sites_by_first_publication(db: Path) -> None:
    rows = get(db, "/news/story_spread.json?_shape=objects").json()["rows"]
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
    assert {"site", "language", "authors", "tags"} <= set(data["facet_results"])


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


@pytest.fixture(scope="module")
def server(db: Path) -> Any:
    """``exports.serve.serve`` in a subprocess on a free port; its base URL."""
    port = free_port()
    code = (
        "import sys; from exports.serve import serve; "
        "serve(sys.argv[1], '127.0.0.1', int(sys.argv[2]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(port)],
        cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
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


def test_server_answers_over_http(server: str) -> None:
    with urllib.request.urlopen(f"{server}/news/latest_stories.json?_shape=objects") as resp:
        assert KNOWN_TITLE.encode() in resp.read()


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium not installed (apt-get install chromium; .ci/run installs it)",
)
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/news/search_stories?q=tessellate", "Search stories"),  # ranked, once per story
        ("/news/articles?_search=tessellate", "articles"),  # the table's search box
    ],
)
def test_browser_finds_story_on_search_page(
    server: str, tmp_path: Path, path: str, heading: str
) -> None:
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom",
         server + path],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert f">{heading}</h1>" in dom  # the page itself rendered, not an error page
    assert KNOWN_TITLE in dom, dom[-2000:]
