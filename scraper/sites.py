"""The sites file: which sites to crawl and where their articles are announced.

A site is a few lines of TOML (see ``sites.toml``); adding one needs no Python.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ainews.scraper.patterns import PatternError, UrlPattern
from ainews.scraper.urls import ascii_host, host_of

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SITE_KEYS = ("name", "site_name", "domains", "feeds", "sitemaps", "listings",
              "article_pattern")
#: Keys older sites files have that nothing reads any more (accepted with a warning): why.
_RETIRED_SITE_KEYS = {"language": "each page's language is read from the page"}
_SETTING_KEYS = ("user_agent", "download_delay", "allow_private", "warc_dir")
_TOP_KEYS = ("settings", "site")
DEFAULT_USER_AGENT = "ainews/0.1 (+https://github.com/ainews-project/ainews)"
#: The longest download_delay accepted: a minute between two requests to one domain is
#: already a crawl of 60 pages an hour; more is a typo (or inf, which would hang the run).
MAX_DELAY_S = 60.0
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: The largest sites file read: thousands of sites fit in a few hundred KB.
MAX_SITES_FILE_BYTES = 16 * 1024 * 1024
#: An HTTP header value Scrapy sends as given: printable ASCII and spaces (a newline or
#: NUL in the user agent is silently rewritten by Twisted; non-ASCII is sent as UTF-8).
_HEADER_VALUE = re.compile(r"[\x20-\x7e]+")


class ConfigError(ValueError):
    """The sites file is missing, unreadable or wrong; the message says where."""


def on_domains(url: str, domains: tuple[str, ...] | list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` (IDNA form) or a subdomain of one."""
    host = ascii_host(host_of(url))
    return any(host == d or host.endswith("." + d) for d in domains)


def url_port(url: str) -> int | None:
    """The port ``url`` connects to (80/443 when not given); None for a bad port."""
    parts = urlsplit(url)
    try:
        return parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:  # "http://host:99999/" or "http://host:x/"
        return None


@dataclass(frozen=True)
class Site:
    name: str
    domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    article_pattern: UrlPattern | None = None
    site_name: str | None = None  # display name ("TechCrunch"), for articles.site_name

    def is_article_url(self, url: str) -> bool:
        """Whether a link found on a listing or sitemap should be fetched as an article."""
        if not self.owns(url):
            return False
        return self.article_pattern is None or self.article_pattern.matches(url)

    def owns(self, url: str) -> bool:
        """On the site's domains and ports (see :meth:`on_port`)."""
        return on_domains(url, self.domains) and self.on_port(url)

    @cached_property
    def ports(self) -> frozenset[int]:
        """The web's standard ports and every port a start URL names: a link to another
        port on the site's host (``:8080``, ``:22``) is another service, not the site."""
        urls = (*self.feeds, *self.sitemaps, *self.listings)
        return frozenset({80, 443} | {p for p in map(url_port, urls) if p is not None})

    def on_port(self, url: str) -> bool:
        return url_port(url) in self.ports


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
    """Read and validate a sites file; every problem is a :class:`ConfigError` naming the
    file, the key and the fix."""
    path = Path(path)
    try:
        with open(path, "rb") as stream:  # bounded: ``--sites /dev/zero`` never ends
            raw = stream.read(MAX_SITES_FILE_BYTES + 1)
        if len(raw) > MAX_SITES_FILE_BYTES:
            raise ConfigError(f"{path}: over {MAX_SITES_FILE_BYTES:,} bytes; is it the "
                              "sites file?")
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: sites file not found") from None
    except tomllib.TOMLDecodeError as exc:
        hint = (f" (a sites file is TOML, like sites.toml, not {path.suffix[1:].upper()})"
                if path.suffix.lower() in (".json", ".yaml", ".yml") else "")
        raise ConfigError(f"{path}: cannot read sites file: {exc}{hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sites file: {exc}") from None
    except RecursionError:  # tomllib recurses once per nested array or table
        raise ConfigError(f"{path}: cannot read sites file: nested too deeply") from None
    return parse_sites(data, path)


def parse_sites(data: dict[str, Any], path: Path | None = None) -> SitesConfig:
    where = str(path or "sites file")
    _known_keys(data, _TOP_KEYS, where, "top-level key")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(f"{where}: 'settings' must be a [settings] table, not {settings!r}")
    _known_keys(settings, _SETTING_KEYS, f"{where}: [settings]", "key")
    raw_sites = data.get("site", [])
    if not isinstance(raw_sites, list) or not all(isinstance(r, dict) for r in raw_sites):
        raise ConfigError(f"{where}: 'site' must be [[site]] tables, not {raw_sites!r}")
    if not raw_sites:
        raise ConfigError(f"{where}: no [[site]] tables")
    sites = tuple(_parse_site(raw, f"{where}: site #{i + 1}") for i, raw in enumerate(raw_sites))
    names = [s.name for s in sites]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise ConfigError(f"{where}: duplicate site name(s): {', '.join(dupes)}")
    user_agent = settings.get("user_agent", DEFAULT_USER_AGENT)
    if not isinstance(user_agent, str) or not user_agent.strip() \
            or not _HEADER_VALUE.fullmatch(user_agent):
        raise ConfigError(f"{where}: settings.user_agent must be a non-empty string of "
                          f"printable ASCII (an HTTP header), not {user_agent!r}")
    allow_private = settings.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise ConfigError(
            f"{where}: settings.allow_private must be true or false (no quotes), "
            f"not {allow_private!r}"
        )
    return SitesConfig(
        sites=sites,
        user_agent=user_agent,
        download_delay=_delay(settings.get("download_delay", 1.0), where),
        allow_private=allow_private,
        warc_dir=_warc_dir(settings.get("warc_dir"), where),
        path=path,
    )


def _known_keys(table: dict[str, Any], known: tuple[str, ...], where: str, what: str) -> None:
    if extra := sorted(set(table) - set(known)):
        raise ConfigError(
            f"{where}: unknown {what}(s) {', '.join(map(repr, extra))}; "
            f"known: {', '.join(known)}"
        )


def _warc_dir(value: Any, where: str) -> str | None:
    """The folder for WARC files (relative to the sites file), or None: off."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: settings.warc_dir must be a folder path (a string), "
                          f"not {value!r}")
    return value


def _delay(value: Any, where: str) -> float:
    """A number of seconds in [0, MAX_DELAY_S]: TOML's inf and nan, a string or a bool are
    errors (``float("5")`` and ``True == 1`` would slip through otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 <= value <= MAX_DELAY_S:
        raise ConfigError(
            f"{where}: settings.download_delay must be a number of seconds from 0 to "
            f"{MAX_DELAY_S:g}, not {value!r}"
        )
    return float(value)


def _parse_site(raw: dict[str, Any], where: str) -> Site:
    _known_keys({k: v for k, v in raw.items() if k not in _RETIRED_SITE_KEYS}, _SITE_KEYS,
                where, "key")
    for key, why in _RETIRED_SITE_KEYS.items():
        if key in raw:
            logger.warning("%s: '%s' is no longer used (%s); remove it", where, key, why)
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(
            f"{where}: 'name' must be lowercase letters, digits and '-', not {name!r}"
        )
    where = f"{where} ({name})"
    domains = _str_list(raw, "domains", where)
    if not domains:
        raise ConfigError(f"{where}: 'domains' must list at least one domain")
    urls = {key: _str_list(raw, key, where) for key in ("feeds", "sitemaps", "listings")}
    if not any(urls.values()):
        raise ConfigError(f"{where}: give at least one of feeds, sitemaps, listings")
    for key, values in urls.items():
        for url in values:
            if not _is_web_url(url):
                raise ConfigError(f"{where}: {key} entry {url!r} is not an http(s) URL")
    site = Site(
        name=name,
        domains=tuple(_domain(d, where) for d in domains),
        article_pattern=_pattern(raw.get("article_pattern"), where),
        site_name=_optional_str(raw, "site_name", where),
        **{k: tuple(v) for k, v in urls.items()},
    )
    for url in (*site.feeds, *site.sitemaps, *site.listings):
        if not on_domains(url, site.domains):
            raise ConfigError(f"{where}: start URL {url} is outside domains {domains}")
    return site


def _domain(value: str, where: str) -> str:
    """A domain as the crawl compares hosts: lower case, IDNA form (``bücher.de`` is
    requested as ``xn--bcher-kva.de``); a URL, a port or a path is an error."""
    domain = ascii_host(value.strip().lower().lstrip("."))
    if not domain or any(ch in domain for ch in "/@ ") or ":" in domain and not _ipv6(domain):
        raise ConfigError(f"{where}: domains entry {value!r} must be a host name like "
                          "'example.com' (no scheme, port or path)")
    if "." not in domain.strip(".") and domain != "localhost" and not _ipv6(domain):
        # "com" would make every .com host the site's: links and redirects anywhere
        raise ConfigError(f"{where}: domains entry {value!r} is a top-level domain; "
                          "give the site's own, like 'example.com'")
    return domain


def _ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1/": urllib refuses a broken IPv6 host
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) \
        and url_port(url) is not None


def _pattern(value: Any, where: str) -> UrlPattern | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(
            f"{where}: bad article_pattern {value!r}: must be a string (a regular "
            "expression in single quotes, e.g. '^https://example\\.com/\\d{4}/')"
        )
    try:
        return UrlPattern(value)
    except PatternError as exc:
        raise ConfigError(f"{where}: bad article_pattern {value!r}: {exc}") from None


def _optional_str(raw: dict[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{where}: '{key}' must be a non-empty string, not {value!r}")
    return value


def _str_list(raw: dict[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings, not {value!r}")
    return value
