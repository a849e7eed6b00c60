"""``site_name`` is filled from the sites file when the page names no publisher."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ainews.scraper.article import Article
from ainews.scraper.demo.server import render_sites_toml
from ainews.scraper.site_names import fill_site_name, readable_name, site_label
from ainews.scraper.sites import load_sites


def test_readable_name() -> None:
    assert readable_name("demo-publisher") == "Demo Publisher"
    assert readable_name("techcrunch-ai") == "Techcrunch AI"
    assert readable_name("the-decoder") == "The Decoder"


def test_the_page_wins_then_the_sites_file_then_the_name() -> None:
    def filled(page_says: str | None, configured: str | None) -> str | None:
        article = Article(url="https://a.example/x", site="mit-news", site_name=page_says)
        return fill_site_name(article, configured).site_name

    assert filled("MIT News", "MIT News Office") == "MIT News"
    assert filled(None, "MIT News Office") == "MIT News Office"
    assert filled(None, None) == "MIT News"


def test_site_label() -> None:
    @dataclass(frozen=True)
    class Site:  # the two fields of a sites-file site that matter here
        name: str
        site_name: str | None = None

    assert site_label(Site("mit-news")) == "MIT News"
    assert site_label(Site("mit-news", "MIT News Office")) == "MIT News Office"


def test_no_demo_article_lacks_a_site_name(demo_db: Path, tmp_path: Path) -> None:
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text(render_sites_toml("http://127.0.0.1:1"), encoding="utf-8")
    labels = {s.name: site_label(s) for s in load_sites(sites_file).sites}
    with sqlite3.connect(demo_db) as conn:
        names = dict(conn.execute("SELECT site, group_concat(DISTINCT site_name) FROM articles "
                                  "GROUP BY site").fetchall())  # fmt: skip
        missing = conn.execute("SELECT count(*) FROM articles WHERE site_name IS NULL")
        assert missing.fetchone()[0] == 0
    assert names["demo-publisher"] == "The Frontier Ledger"  # what its pages say
    assert names["demo-digest"] == labels["demo-digest"]  # its pages say nothing
