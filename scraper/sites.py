"""The sites file: which sites to crawl and where their articles are announced.

A site is a few lines of TOML (see ``sites.toml``); adding one needs no Python.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SITE_KEYS = {"name", "domains", "feeds", "sitemaps", "listings", "article_pattern", "language"}
_SETTING_KEYS = {"user_agent", "download_delay", "allow_private", "warc_dir"}
DEFAULT_USER_AGENT = "ainews/0.1 (+https://github.com/ainews-project/ainews)"


class ConfigError(ValueError):
    """The sites file is missing, unreadable or wrong; the message says where."""


def on_domains(url: str, domains: tuple[str, ...] | list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or a subdomain of one."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass(frozen=True)
class Site:
    name: str
    domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    article_pattern: re.Pattern[str] | None = None
    language: str | None = None

    def is_article_url(self, url: str) -> bool:
        """Whether a link found on a listing or sitemap should be fetched as an article."""
        if not self.owns(url):
            return False
        return self.article_pattern is None or bool(self.article_pattern.search(url))

    def owns(self, url: str) -> bool:
        return on_domains(url, self.domains)


@dataclass(frozen=True)
class SitesConfig:
    sites: tuple[Site, ...]
    user_agent: str = DEFAULT_USER_AGENT
    download_delay: float = 1.0
    allow_private: bool = False
    warc_dir: str | None = None  # keep every response in WARC files here (scraper/warc)
    path: Path | None = field(default=None, compare=False)

    def select(self, names: list[str] | tuple[str, ...] | None) -> tuple[Site, ...]:
        """The sites named (all when ``names`` is empty); unknown names are a ConfigError."""
        if not names:
            return self.sites
        known = {s.name: s for s in self.sites}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"{self.path or 'sites file'}: unknown site(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        return tuple(known[n] for n in names)


def load_sites(path: str | Path) -> SitesConfig:
    """Read and validate a sites file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: sites file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sites file: {exc}") from exc
    return parse_sites(data, path)


def parse_sites(data: dict[str, Any], path: Path | None = None) -> SitesConfig:
    where = str(path or "sites file")
    settings = data.get("settings", {})
    if extra := set(settings) - _SETTING_KEYS:
        raise ConfigError(f"{where}: unknown [settings] key(s): {', '.join(sorted(extra))}")
    raw_sites = data.get("site", [])
    if not isinstance(raw_sites, list) or not raw_sites:
        raise ConfigError(f"{where}: no [[site]] tables")
    sites = tuple(_parse_site(raw, f"{where}: site #{i + 1}") for i, raw in enumerate(raw_sites))
    names = [s.name for s in sites]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise ConfigError(f"{where}: duplicate site name(s): {', '.join(dupes)}")
    try:
        delay = float(settings.get("download_delay", 1.0))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: settings.download_delay must be a number") from None
    return SitesConfig(
        sites=sites,
        user_agent=str(settings.get("user_agent", DEFAULT_USER_AGENT)),
        download_delay=delay,
        allow_private=bool(settings.get("allow_private", False)),
        warc_dir=str(settings["warc_dir"]) if settings.get("warc_dir") else None,
        path=path,
    )


def _parse_site(raw: dict[str, Any], where: str) -> Site:
    if extra := set(raw) - _SITE_KEYS:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(sorted(extra))}")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{where}: 'name' must be lowercase letters, digits and '-'")
    where = f"{where} ({name})"
    domains = _str_list(raw, "domains", where)
    if not domains:
        raise ConfigError(f"{where}: 'domains' must list at least one domain")
    urls = {key: _str_list(raw, key, where) for key in ("feeds", "sitemaps", "listings")}
    if not any(urls.values()):
        raise ConfigError(f"{where}: give at least one of feeds, sitemaps, listings")
    for key, values in urls.items():
        for url in values:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ConfigError(f"{where}: {key} entry {url!r} is not an http(s) URL")
    pattern = raw.get("article_pattern")
    try:
        compiled = re.compile(pattern) if pattern else None
    except re.error as exc:
        raise ConfigError(f"{where}: bad article_pattern {pattern!r}: {exc}") from exc
    site = Site(
        name=name,
        domains=tuple(d.lower().lstrip(".") for d in domains),
        article_pattern=compiled,
        language=raw.get("language"),
        **{k: tuple(v) for k, v in urls.items()},
    )
    for url in (*site.feeds, *site.sitemaps, *site.listings):
        if not site.owns(url):
            raise ConfigError(f"{where}: start URL {url} is outside domains {domains}")
    return site


def _str_list(raw: dict[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return value
