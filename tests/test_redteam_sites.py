"""Red team, the sites file: a broken or hostile config is one ConfigError naming the
file and key (``ainews sites`` exit 2), never a crawl that does something else."""

from __future__ import annotations

from pathlib import Path

import pytest

from ainews.scraper import sites as sites_module
from ainews.scraper.sites import ConfigError, load_sites

SITE = '[[site]]\nname = "a"\ndomains = [{domains}]\nfeeds = ["https://news.example.com/f"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("agent", ['"ainews\\r\\nX-Injected: 1"', '"ainews\\u0000"',
                                   '"ainews \u2603"', '"\\t"'])
def test_a_user_agent_that_is_no_plain_header_value_is_refused(tmp_path: Path,
                                                                agent: str) -> None:
    # Was accepted: Twisted turns the newline into a space and sends NUL and UTF-8 bytes.
    path = write(tmp_path, f"[settings]\nuser_agent = {agent}\n"
                 + SITE.format(domains='"example.com"'))
    with pytest.raises(ConfigError, match=r"sites.toml: settings.user_agent must be .*ASCII"):
        load_sites(path)


@pytest.mark.parametrize("domain", ['"com"', '".com"', '"COM."', '"xn--p1ai"'])
def test_a_top_level_domain_is_not_a_site(tmp_path: Path, domain: str) -> None:
    # domains = ["com"] made every .com host on the web the site's, redirects included.
    path = write(tmp_path, SITE.format(domains=f'"example.com", {domain}'))
    with pytest.raises(ConfigError, match=r"site #1 \(a\): domains entry .* top-level domain"):
        load_sites(path)


def test_localhost_ip_literals_and_real_domains_are_still_domains(tmp_path: Path) -> None:
    path = write(tmp_path, SITE.format(
        domains='"example.com", "localhost", "127.0.0.1", "::1", "news.example.co.uk"'))
    assert load_sites(path).sites[0].domains == (
        "example.com", "localhost", "127.0.0.1", "::1", "news.example.co.uk")


def test_a_sites_file_that_never_ends_is_refused_after_a_bound(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # --sites /dev/zero read forever (read_text of the whole file).
    monkeypatch.setattr(sites_module, "MAX_SITES_FILE_BYTES", 1000)
    with pytest.raises(ConfigError, match=r"/dev/zero: over 1,000 bytes"):
        load_sites("/dev/zero")


@pytest.mark.parametrize(("name", "text"), [("sites.json", '{"site": [{"name": "a"}]}\n'),
                                            ("sites.yml", "site:\n  - name: a\n")])
def test_a_json_or_yaml_sites_file_is_told_to_be_toml(tmp_path: Path, name: str,
                                                      text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{name}: cannot read sites file: .*\(at line 1, "
                                          r"column \d+\) \(a sites file is TOML"):
        load_sites(path)
