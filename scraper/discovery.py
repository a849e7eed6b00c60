"""Find article links in feeds (RSS/Atom), sitemaps (incl. Google News) and listing pages.

Pure functions over bytes; the spider decides what to fetch. Only http(s) links are ever
returned: a ``file://``, ``ftp://`` or ``data:`` link in a hostile feed is dropped here
(and refused again by ``middlewares.SchemeMiddleware``).

Feeds and sitemaps are parsed as a stream (lxml ``iterparse``): each entry is read and
freed, so a 100,000-URL sitemap costs its links, not a tree of every element. Gzipped
sitemaps (``.xml.gz``) are gunzipped with the same size limit as pages.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import lxml.etree
import lxml.html
from w3lib.url import safe_url_string

from ainews.scraper.contentcoding import TooLarge, gunzip
from ainews.scraper.extraction import dates
from ainews.scraper.settings import DOWNLOAD_MAXSIZE

#: XML parsing that never touches the network and never expands entities (XXE, billion laughs).
_XML_OPTIONS = {
    "recover": True, "resolve_entities": False, "no_network": True, "huge_tree": False,
    "remove_comments": True, "remove_pis": True, "load_dtd": False,
}
_XML_PARSER = lxml.etree.XMLParser(**_XML_OPTIONS)
#: The largest feed or sitemap read after gunzipping: the crawl's DOWNLOAD_MAXSIZE, so a
#: gzip bomb served as ``.xml.gz`` stops where a page would.
MAX_DOCUMENT_BYTES = DOWNLOAD_MAXSIZE
_GZIP_MAGIC = b"\x1f\x8b"
WEB_SCHEMES = ("http", "https")


class DiscoveryError(ValueError):
    """A feed or sitemap that cannot be read at all."""


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    lastmod: str | None = None  # ISO 8601 UTC: when the source says the page last changed
    title: str | None = None


@dataclass(frozen=True)
class Discovered:
    articles: list[Link]
    sitemaps: list[str]  # child sitemaps of a sitemap index
    kind: str = ""  # "feed" or "sitemap": what the root element said (gzip or not)
    refused: int = 0  # links dropped because they are not http(s) (file:, ftp:, data: ...)


def _local(tag: object) -> str:
    """The lowercased local name of an element tag (``{namespace}name``)."""
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _child_text(elem: lxml.etree._Element, *names: str) -> str | None:
    for child in elem:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_xml(body: bytes) -> lxml.etree._Element:
    """A whole XML document as a tree (small documents; feeds and sitemaps are streamed)."""
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


def gunzip_document(body: bytes, max_size: int = MAX_DOCUMENT_BYTES) -> bytes:
    """``body`` gunzipped when it is gzip data (a ``.xml.gz`` sitemap), at most
    ``max_size`` bytes; other bodies as they are."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    try:
        return gunzip(body, max_size)
    except TooLarge:
        raise DiscoveryError(f"gzipped document over {max_size:,} bytes") from None
    except ValueError as exc:  # nothing readable
        raise DiscoveryError(f"bad gzip data: {exc}") from None


def parse_document(
    body: bytes, base_url: str, *, max_size: int = MAX_DOCUMENT_BYTES
) -> Discovered:
    """Parse any feed or sitemap (gzipped or not), telling them apart by the root element."""
    body = gunzip_document(body, max_size).lstrip()
    if not body:
        raise DiscoveryError("empty document")
    articles: list[Link] = []
    children: list[str] = []
    events = lxml.etree.iterparse(io.BytesIO(body), events=("start", "end"), **_XML_OPTIONS)
    root = None
    kind = ""
    refused = 0
    try:
        for event, elem in events:
            if root is None:
                root, kind = elem, _local(elem.tag)
                if kind not in ("urlset", "sitemapindex", "rss", "feed", "rdf"):
                    raise DiscoveryError(
                        f"unknown root element <{kind}>: neither a feed nor a sitemap")
                continue
            if event == "end":
                refused += _read_entry(elem, kind, base_url, articles, children)
    except lxml.etree.XMLSyntaxError as exc:
        if root is None:
            raise DiscoveryError(f"not XML: {exc}") from exc
        # recover: keep the entries read before the document broke off
    if root is None:
        raise DiscoveryError("not XML")
    kind = "sitemap" if kind in ("urlset", "sitemapindex") else "feed"
    return Discovered(_unique(articles), list(dict.fromkeys(children)), kind, refused)


def _read_entry(elem: lxml.etree._Element, kind: str, base_url: str,
                articles: list[Link], children: list[str]) -> bool:
    """Read one finished element of a feed or sitemap; free it once it is an entry.
    True when the entry's link was refused (not http(s))."""
    name = _local(elem.tag)
    if kind in ("urlset", "sitemapindex"):
        parent = elem.getparent()  # None for an entry cut loose by libxml2's recovery
        if name not in ("url", "sitemap") or parent is None or _local(parent.tag) != kind:
            return False
        href = _child_text(elem, "loc")
        url = _web_url(href, base_url) if href else None
        if url and name == "sitemap":
            children.append(url)
        elif url:
            articles.append(Link(url, *_sitemap_entry_meta(elem)))
    elif name in ("item", "entry"):
        href = _entry_href(elem)
        url = _web_url(href, base_url) if href else None
        if url:
            when = _child_text(elem, "updated", "modified") or _child_text(
                elem, "pubdate", "published", "date", "issued")
            articles.append(Link(url, parse_date(when), _child_text(elem, "title")))
    else:
        return False
    _free(elem)
    return bool(href) and url is None


def _free(elem: lxml.etree._Element) -> None:
    """Drop a read entry and the ones before it: memory stays flat however long the file."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


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
    hrefs = dict.fromkeys(str(href) for href in doc.xpath("//a/@href"))  # each once
    urls = (_web_url(href, base_url) for href in hrefs)
    return list(dict.fromkeys(url for url in urls if url))


#: A URL made of these characters only is already what ``safe_url_string`` returns (no
#: IDNA host, nothing to percent-encode, no ";" params): skipping urljoin and w3lib for it
#: makes reading a 100k-URL sitemap 3x faster (fuzzed against them: same output).
_ALREADY_SAFE = re.compile(r"https?://[a-z0-9.-]+(?::[1-9][0-9]*)?/[A-Za-z0-9._~/?@!$&()*+,=:-]*")


def _absolute(href: str, base_url: str) -> str:
    """Absolute, without fragment, percent-encoded as Scrapy will request it."""
    href = href.strip()
    if _is_safe(href):  # absolute already (sitemaps): urljoin and w3lib would return it
        return href
    url = urldefrag(urljoin(base_url, href))[0]
    return url if _is_safe(url) else safe_url_string(url)


def _is_safe(url: str) -> bool:
    return bool(_ALREADY_SAFE.fullmatch(url)) and not url.endswith("?")  # w3lib drops "?"


def _web_url(href: str, base_url: str) -> str | None:
    """The absolute URL of ``href`` when it is http(s) with a host; None otherwise."""
    try:
        url = _absolute(href, base_url)
    except ValueError:  # "http://[oops/": urllib refuses it, so would Scrapy
        return None
    scheme, sep, rest = url.partition("://")
    return url if sep and scheme.lower() in WEB_SCHEMES and rest[:1] not in ("", "/") else None


def _unique(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())
