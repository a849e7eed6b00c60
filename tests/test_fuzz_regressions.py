"""One focused test per class of bug ``benchmarks/fuzz.py`` found, each on a small
hand-written input, plus the fuzzer itself on a small fixed seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ainews.scraper.discovery import parse_document
from ainews.scraper.sites import ConfigError, load_sites

SITE = "[[site]]\nname = 'a'\ndomains = ['x.com']\n"


def _sites_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("key", ["feeds", "sitemaps", "listings"])
def test_start_url_with_a_broken_ipv6_host_is_a_config_error(tmp_path: Path, key: str) -> None:
    """urllib raises a plain ValueError for "http://[::1/"; the CLI only turns a
    ConfigError into exit code 2 with a message."""
    with pytest.raises(ConfigError, match="not an http"):
        load_sites(_sites_file(tmp_path, SITE + f"{key} = ['http://[::1/feed']\n"))


def test_deeply_nested_arrays_in_a_sites_file_are_a_config_error(tmp_path: Path) -> None:
    """tomllib recurses once per nested array: 10,000 levels raised RecursionError."""
    text = SITE + "feeds = " + "[" * 10_000 + "]" * 10_000 + "\n"
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_sites(_sites_file(tmp_path, text))


def test_sitemap_entry_cut_loose_by_recovery_is_skipped_not_a_crash() -> None:
    """libxml2's recovery can end a broken ``<url>`` with no parent (byte flips in a
    sitemap): reading its parent's tag raised AttributeError."""
    body = b"<urlset><url><loc>https://x.com/a</loc></url><url><a></<b><c></<d</</<url>"
    found = parse_document(body, "https://x.com/sitemap.xml")
    assert [link.url for link in found.articles] == ["https://x.com/a"]
