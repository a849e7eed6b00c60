from __future__ import annotations

from pathlib import Path

import pytest

from ainews.scraper.sites import ConfigError, load_sites
from tests.cli_helpers import run_ainews

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
    assert config.download_delay >= 1.0  # polite to real sites
    for site in config.sites:  # not enforced by load_sites: a pattern that tells articles
        assert site.article_pattern is not None, site.name  # from the pages listing them
        assert not any(site.is_article_url(url) for url in site.listings), site.name


def test_a_retired_key_is_accepted_with_a_warning(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    config = load_sites(write(tmp_path, SITE + "language = 'en'\n"))
    assert [site.name for site in config.sites] == ["a"]
    assert "'language' is no longer used" in caplog.text
    with pytest.raises(ConfigError, match="unknown key.*'lang'"):
        load_sites(write(tmp_path, SITE + "lang = 'en'\n"))


SITE = "[[site]]\nname='a'\ndomains=['x.com']\nlistings=['https://x.com/news/']\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[settings]\nallow_private = 'false'\n" + SITE, "allow_private must be true or false"),
        ("[settings]\nallow_private = 1\n" + SITE, "allow_private must be true or false"),
        ("[settings]\ndownload_delay = inf\n" + SITE, "download_delay must be a number"),
        ("[settings]\ndownload_delay = nan\n" + SITE, "download_delay must be a number"),
        ("[settings]\ndownload_delay = 1e9\n" + SITE, "download_delay must be a number"),
        ("[settings]\ndownload_delay = -5\n" + SITE, "download_delay must be a number"),
        ("[settings]\ndownload_delay = '2'\n" + SITE, "download_delay must be a number"),
        ("[settings]\ndownload_delay = true\n" + SITE, "download_delay must be a number"),
        ("[settings]\nuser_agent = 5\n" + SITE, "user_agent must be a non-empty string"),
        ("settings = 5\n" + SITE, "'settings' must be a \\[settings\\] table"),
        ("site = [1, 2]\n", "'site' must be \\[\\[site\\]\\] tables"),
        ("site = 'x'\n", "'site' must be \\[\\[site\\]\\] tables"),
        ("sites = 1\n" + SITE, "unknown top-level key.*'sites'"),
        ("[settings]\ndelay = 1\n" + SITE, "unknown key.*'delay'.*known: user_agent"),
        (SITE + "article_pattern = 42\n", "article_pattern 42: must be a string"),
        (SITE + "article_pattern = '(?!tag/)(a+)+$'\n", "repetition inside a repetition"),
        (SITE + "site_name = 3\n", "'site_name' must be a non-empty string"),
        (SITE + "feeds = [1]\n", "'feeds' must be a list of strings"),
        ("[[site]]\nname='a'\ndomains=['x.com']\nfeeds=['file://x.com/etc/passwd']",
         "not an http"),
        ("[[site]]\nname='a'\ndomains=['x.com']\nfeeds=['https://x.com:99999/f']",
         "not an http"),
        ("[[site]]\nname=5\ndomains=['x.com']\nfeeds=['https://x.com/f']", "'name' must be"),
        ("[[site]]\nname='a'\ndomains=['x.com']\nfeeds=['x.com/feed.xml']", "not an http"),
        ("[[site]]\nname='a'\ndomains=['x.com']\nfeeds=['//x.com/feed.xml']", "not an http"),
        ("[[site]]\nname='a'\ndomains=['https://x.com']\nfeeds=['https://x.com/f']",
         "must be a host name"),
        ("[[site]]\nname='a'\ndomains=['x.com:8080']\nfeeds=['https://x.com/f']",
         "must be a host name"),
        ("[[site]]\nname='a'\ndomains=[1]\nfeeds=['https://x.com/f']", "list of strings"),
        ("[[site]]\nname='a'\ndomains='x.com'\nfeeds='https://x.com/f'\n"
         "[[site]]\nname='a'\ndomains=['y.com']\nfeeds=['https://y.com/f']",
         "duplicate site name.*: a"),
    ],
)
def test_sites_file_is_validated_by_type(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_sites(write(tmp_path, text))
    assert str(info.value).startswith(str(tmp_path / "sites.toml"))


def test_site_name_and_whole_number_delay(tmp_path: Path) -> None:
    config = load_sites(write(
        tmp_path, "[settings]\ndownload_delay = 3\nallow_private = true\n" + SITE
        + "site_name = 'X News'\n"))
    assert config.download_delay == 3.0 and config.allow_private is True
    assert config.sites[0].site_name == "X News"


def test_catastrophic_pattern_is_matched_in_linear_time(tmp_path: Path) -> None:
    # with Python's re this search backtracks 2^n times: the test would never finish
    config = load_sites(write(tmp_path, SITE + "article_pattern = '(a+)+$'\n"))
    site = config.sites[0]
    assert not site.is_article_url("https://x.com/" + "a" * 60 + "!")
    assert site.is_article_url("https://x.com/aaa")


def test_overlong_urls_never_match(tmp_path: Path) -> None:
    config = load_sites(write(tmp_path, SITE + "article_pattern = '^https://x\\.com/'\n"))
    assert not config.sites[0].is_article_url("https://x.com/" + "a" * 5000)


def test_lookaround_patterns_still_work(tmp_path: Path) -> None:
    config = load_sites(write(tmp_path, SITE + "article_pattern = '^https://x\\.com/(?!tag/)'\n"))
    site = config.sites[0]
    assert site.is_article_url("https://x.com/2026/story")
    assert not site.is_article_url("https://x.com/tag/ai")


def test_another_port_on_the_sites_host_is_not_the_site(tmp_path: Path) -> None:
    config = load_sites(write(
        tmp_path, "[[site]]\nname='a'\ndomains=['x.com']\n"
        "feeds=['http://x.com:8080/feed']\nlistings=['https://x.com/news/']\n"))
    site = config.sites[0]
    assert site.owns("https://x.com/a") and site.owns("http://x.com/a")
    assert site.owns("http://x.com:8080/a")  # a start URL uses it
    assert not site.owns("http://x.com:22/a")
    assert not site.owns("http://x.com:6379/a")
    assert not site.is_article_url("http://x.com:9000/2026/story")


@pytest.mark.parametrize("text", ["settings = 5\n" + SITE, "site = [1, 2]\n",
                                  "[settings]\nallow_private = 'false'\n" + SITE,
                                  SITE + "article_pattern = 42\n"])
def test_cli_reports_a_bad_sites_file_in_one_line(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    for args in (["sites", "--sites", path],
                 ["crawl", "--sites", path, "--db", tmp_path / "x.db"]):
        proc = run_ainews(*args, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().count("\n") == 0, proc.stderr
        assert str(path) in proc.stderr


def test_idn_domain_owns_the_urls_scrapy_requests(tmp_path: Path) -> None:
    """Scrapy requests an IDN host in its IDNA form: a domain written in Unicode used to
    make every request to its own site offsite."""
    text = "[[site]]\nname='a'\ndomains=['B\u00fccher.de', '::1']\nfeeds=['https://b\u00fccher.de/f']\n"
    site = load_sites(write(tmp_path, text)).sites[0]
    assert site.domains == ("xn--bcher-kva.de", "::1")
    assert site.owns("https://xn--bcher-kva.de/story") and site.owns("https://b\u00fccher.de/s")
    assert site.owns("http://[::1]/story") and not site.owns("https://xn--bcher.de/story")
