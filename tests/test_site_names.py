"""``site_name`` is filled from the sites file when the page names no publisher."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from scraper.article import Article
from scraper.site_names import fill_site_name, readable_name, site_label
from scraper.sites import parse_sites


def test_readable_name() -> None:
    assert readable_name("demo-publisher") == "Demo Publisher"
    assert readable_name("techcrunch-ai") == "Techcrunch AI"
    assert readable_name("the-decoder") == "The Decoder"


def test_the_page_wins() -> None:
    article = Article(url="https://a.example/x", site="demo-digest", site_name="Tensor Digest")
    assert fill_site_name(article).site_name == "Tensor Digest"
    assert fill_site_name(Article(url="u", site="demo-digest")).site_name == "Demo Digest"


def test_sites_file_site_and_its_site_name() -> None:
    config = parse_sites(
        {"site": [{"name": "mit-news", "domains": ["mit.edu"], "feeds": ["https://mit.edu/f"]}]}
    )
    assert site_label(config.sites[0]) == "MIT News"

    @dataclass(frozen=True)
    class Named:  # a sites-file site that sets the optional site_name key
        name: str
        site_name: str

    assert site_label(Named("mit-news", "MIT News Office")) == "MIT News Office"


def test_no_demo_article_lacks_a_site_name(demo_db: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        rows = dict(conn.execute("SELECT site, group_concat(DISTINCT site_name) FROM articles "
                                 "GROUP BY site").fetchall())  # fmt: skip
        missing = conn.execute("SELECT count(*) FROM articles WHERE site_name IS NULL")
        assert missing.fetchone()[0] == 0
    assert rows["demo-publisher"] == "The Frontier Ledger"  # what its pages say
    assert rows["demo-digest"] == "Demo Digest"  # its pages say nothing
