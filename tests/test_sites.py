from __future__ import annotations

from pathlib import Path

import pytest

from scraper.sites import ConfigError, load_sites

REPO = Path(__file__).resolve().parent.parent

GOOD = """
[settings]
download_delay = 2.5
[[site]]
name = "example-ai"
domains = ["example.com"]
feeds = ["https://example.com/feed.xml"]
listings = ["https://www.example.com/ai/"]
article_pattern = '/\\d{4}/\\d{2}/'
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_site_is_a_few_lines_of_toml(tmp_path: Path) -> None:
    config = load_sites(write(tmp_path, GOOD))
    site = config.sites[0]
    assert config.download_delay == 2.5
    assert site.is_article_url("https://www.example.com/2026/03/qwen")
    assert not site.is_article_url("https://www.example.com/about")
    assert not site.is_article_url("https://evil.com/2026/03/qwen")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[site]]\nname='Bad Name'\ndomains=['x.com']\nfeeds=['https://x.com/f']", "'name'"),
        ("[[site]]\nname='a'\ndomains=['x.com']", "at least one of feeds"),
        ("[[site]]\nname='a'\ndomains=['x.com']\nfeeds=['https://y.com/f']", "outside domains"),
        ("[[site]]\nname='a'\ndomains=['x.com']\nfeeds=['ftp://x.com/f']", "not an http"),
        ("[[site]]\nname='a'\ndomains=['x.com']\nfeeds=['https://x.com']\nfeed=1", "unknown key"),
        ("[[site]]\nname='a'\ndomains=['x.com']\nlistings=['https://x.com']\n"
         "article_pattern='('", "bad article_pattern"),
        ("[[site]]\nname='a'\n", "'domains'"),
        ("not toml [", "cannot read"),
        ("", r"no \[\[site\]\]"),
    ],
)
def test_bad_sites_file_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_sites(write(tmp_path, text))
    assert "sites.toml" in str(info.value)


def test_missing_file_and_unknown_site(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_sites(tmp_path / "nope.toml")
    config = load_sites(write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="unknown site.*nope.*known: example-ai"):
        config.select(["nope"])


def test_shipped_sites_file_is_valid() -> None:
    config = load_sites(REPO / "sites.toml")
    assert len(config.sites) >= 5
    assert config.allow_private is False
    for site in config.sites:
        assert site.feeds or site.sitemaps or site.listings
