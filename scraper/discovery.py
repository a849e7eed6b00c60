"""Find article links in feeds (RSS/Atom), sitemaps (incl. Google News) and listing pages.

Pure functions over bytes; the spider decides what to fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import lxml.etree
import lxml.html
from w3lib.url import safe_url_string

from scraper.extraction import dates

#: XML parsing that never touches the network and never expands entities (XXE, billion laughs).
_XML_PARSER = lxml.etree.XMLParser(
    recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
)


class DiscoveryError(ValueError):
    """A feed or sitemap that cannot be read at all."""


@dataclass(frozen=True)
class Link:
    url: str
    lastmod: str | None = None  # ISO 8601 UTC: when the source says the page last changed
    title: str | None = None


@dataclass(frozen=True)
class Discovered:
    articles: list[Link]
    sitemaps: list[str]  # child sitemaps of a sitemap index


def _local(tag: object) -> str:
    return lxml.etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(elem: lxml.etree._Element, *names: str) -> str | None:
    for child in elem:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_xml(body: bytes) -> lxml.etree._Element:
    body = body.lstrip()
    if not body:
        raise DiscoveryError("empty document")
    try:
        root = lxml.etree.fromstring(body, parser=_XML_PARSER)
    except lxml.etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not XML: {exc}") from exc
    if root is None:
        raise DiscoveryError("not XML")
    return root


def parse_document(body: bytes, base_url: str) -> Discovered:
    """Parse any feed or sitemap, telling them apart by the root element."""
    root = parse_xml(body)
    kind = _local(root.tag)
    if kind in ("urlset", "sitemapindex"):
        return _parse_sitemap(root, base_url)
    if kind in ("rss", "feed", "rdf"):
        return Discovered(_parse_feed(root, base_url), [])
    raise DiscoveryError(f"unknown root element <{kind}>: neither a feed nor a sitemap")


def _parse_feed(root: lxml.etree._Element, base_url: str) -> list[Link]:
    links = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        href = _entry_href(item)
        if not href:
            continue
        when = _child_text(item, "updated", "modified") or _child_text(
            item, "pubdate", "published", "date", "issued"
        )
        links.append(Link(_absolute(href, base_url), parse_date(when), _child_text(item, "title")))
    return _unique(links)


def _entry_href(item: lxml.etree._Element) -> str | None:
    for child in item:
        if _local(child.tag) != "link":
            continue
        if child.get("href"):  # Atom: the alternate link is the article
            if child.get("rel", "alternate") == "alternate":
                return child.get("href")
        elif child.text and child.text.strip():  # RSS
            return child.text.strip()
    guid = _child_text(item, "guid")
    return guid if guid and guid.startswith("http") else None


def _parse_sitemap(root: lxml.etree._Element, base_url: str) -> Discovered:
    articles, children = [], []
    for entry in root:
        name = _local(entry.tag)
        loc = _child_text(entry, "loc")
        if not loc:
            continue
        url = _absolute(loc, base_url)
        if name == "sitemap":
            children.append(url)
        elif name == "url":
            articles.append(Link(url, *_sitemap_entry_meta(entry)))
    return Discovered(_unique(articles), list(dict.fromkeys(children)))


def _sitemap_entry_meta(entry: lxml.etree._Element) -> tuple[str | None, str | None]:
    lastmod = _child_text(entry, "lastmod")
    title = None
    for child in entry:
        if _local(child.tag) == "news":  # Google News sitemap: <news:news>
            lastmod = lastmod or _child_text(child, "publication_date")
            title = _child_text(child, "title")
    return parse_date(lastmod), title


def parse_date(value: str | None) -> str | None:
    """A feed or sitemap date as ISO 8601 UTC (None if unreadable): the same parser as
    page dates (RFC 822, ISO 8601, "March 30, 2026", "30.03.2026", epochs, CJK dates)."""
    when = dates.parse_date(value)
    return dates.to_iso(when) if when else None


def listing_links(body: bytes | str, base_url: str) -> list[str]:
    """Every distinct absolute http(s) link on an HTML page, in page order."""
    if not body or not body.strip():
        return []
    try:
        doc = lxml.html.fromstring(body, base_url=base_url)
    except (lxml.etree.ParserError, ValueError):
        return []
    urls = []
    for href in doc.xpath("//a/@href"):
        url = _absolute(str(href), base_url)
        if url.startswith(("http://", "https://")):
            urls.append(url)
    return list(dict.fromkeys(urls))


def _absolute(href: str, base_url: str) -> str:
    """Absolute, without fragment, percent-encoded as Scrapy will request it."""
    return safe_url_string(urldefrag(urljoin(base_url, href.strip()))[0])


def _unique(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())
