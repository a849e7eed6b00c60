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
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import lxml.etree
import lxml.html

from ainews.scraper.contentcoding import TooLarge, gunzip
from ainews.scraper.extraction import dates
from ainews.scraper.settings import DOWNLOAD_MAXSIZE
from ainews.scraper.urls import join_url, refusal

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
#: Entries (articles, child sitemaps) read from one feed or sitemap: the sitemap protocol's
#: limit per file. A feed of 100,000 items is a trap that would fill the frontier for
#: days; the rest are counted as ``links_cap``.
MAX_DOCUMENT_LINKS = 50_000
#: Distinct links read from one listing page: a busy front page has a few hundred. Joining
#: 700,000 hrefs (a 10 MB page of ``<a>`` tags) took the crawl process 22 s.
MAX_LISTING_LINKS = 5_000
LINKS_CAP = "links_cap"


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
    kind: str = ""  # "feed", "sitemap" (what the root element said) or "listing"
    #: links not followed, by skip reason (``urls.refusal``: file:, ftp:, data:, 100 KB ...)
    refused: dict[str, int] = field(default_factory=dict)


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
    body: bytes, base_url: str, *, max_size: int = MAX_DOCUMENT_BYTES,
    max_links: int = MAX_DOCUMENT_LINKS,
) -> Discovered:
    """Parse any feed or sitemap (gzipped or not), telling them apart by the root element.
    Entries past the first ``max_links`` are not read, only counted as ``links_cap``."""
    body = gunzip_document(body, max_size).lstrip()
    if not body:
        raise DiscoveryError("empty document")
    events = lxml.etree.iterparse(io.BytesIO(body), events=("start", "end"), **_XML_OPTIONS)
    entries = None
    try:
        for event, elem in events:
            if entries is None:
                kind = _local(elem.tag)
                if kind not in ("urlset", "sitemapindex", "rss", "feed", "rdf"):
                    raise DiscoveryError(
                        f"unknown root element <{kind}>: neither a feed nor a sitemap")
                entries = _Entries(kind, base_url, max_links)
            elif event == "end":
                entries.read(elem)
    except lxml.etree.XMLSyntaxError as exc:
        if entries is None:
            raise DiscoveryError(f"not XML: {exc}") from exc
        # recover: keep the entries read before the document broke off
    if entries is None:
        raise DiscoveryError("not XML")
    kind = "sitemap" if entries.kind in ("urlset", "sitemapindex") else "feed"
    return Discovered(_unique(entries.articles), list(dict.fromkeys(entries.children)), kind,
                      +entries.refused)


class _Entries:
    """The entries of one feed or sitemap, read one finished element at a time."""

    def __init__(self, kind: str, base_url: str, max_links: int) -> None:
        self.kind, self.base_url, self.max_links = kind, base_url, max_links
        self.articles: list[Link] = []
        self.children: list[str] = []  # child sitemaps of a sitemap index
        self.refused: Counter[str] = Counter()

    def read(self, elem: lxml.etree._Element) -> None:
        """Take the link of ``elem`` when it is an entry, and free it."""
        name = _local(elem.tag)
        if self.kind in ("urlset", "sitemapindex"):
            parent = elem.getparent()  # None for an entry cut loose by libxml2's recovery
            if name not in ("url", "sitemap") or parent is None \
                    or _local(parent.tag) != self.kind:
                return
            href = _child_text(elem, "loc")
        elif name in ("item", "entry"):
            href = _entry_href(elem)
        else:
            return
        if not href:
            pass
        elif len(self.articles) + len(self.children) >= self.max_links:
            self.refused[LINKS_CAP] += 1  # not even joined: a 100,000-item feed is cheap
        elif (base := self._base(elem)) is None:
            self.refused[refusal(elem.base or "")] += 1
        elif (url := join_url(base, href)) is None:
            self.refused[refusal(href)] += 1
        elif name == "sitemap":
            self.children.append(url)
        elif name == "url":
            self.articles.append(Link(url, *_sitemap_entry_meta(elem)))
        else:
            when = _child_text(elem, "updated", "modified") or _child_text(
                elem, "pubdate", "published", "date", "issued")
            self.articles.append(Link(url, parse_date(when), _child_text(elem, "title")))
        _free(elem)


    def _base(self, entry: lxml.etree._Element) -> str | None:
        """What a feed entry's relative links are relative to: its ``xml:base`` (Atom
        feeds set it on the feed or entry; lxml resolves the chain) joined to the
        document's URL, which the base cannot leave for another scheme (``file:``)
        or a host urllib refuses (None). Sitemap locations are absolute."""
        if self.kind in ("urlset", "sitemapindex") or not (xml_base := entry.base):
            return self.base_url
        return join_url(self.base_url, xml_base)


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


def parse_date(value: str | None, now: datetime | None = None) -> str | None:
    """A feed or sitemap date as ISO 8601 UTC (None if unreadable): the same parser as
    page dates (RFC 822, ISO 8601, "March 30, 2026", "30.03.2026", epochs, CJK dates).

    A date later than ``now`` (by more than the time zones' spread) is None: a lastmod
    of 3000-01-01, once stored, would be newer than every real change announced after
    it, and the page would never be fetched again."""
    when = dates.parse_date(value)
    if when is None or when > (now or datetime.now(UTC)) + dates.FUTURE_SLACK:
        return None
    return dates.to_iso(when)


def listing_links(body: bytes | str, base_url: str) -> list[str]:
    """Every distinct absolute http(s) link on an HTML page, in page order."""
    return [link.url for link in read_listing(body, base_url, max_links=0).articles]


def read_listing(body: bytes | str, base_url: str, *,
                 max_links: int = MAX_LISTING_LINKS) -> Discovered:
    """The distinct absolute http(s) links of an HTML page, in page order: the first
    ``max_links`` distinct hrefs (0: all), the rest counted as ``links_cap``. Links
    ``urls.join_url`` refuses are dropped uncounted: a page's ``mailto:`` and
    ``javascript:`` links are no attack, a feed's or sitemap's are."""
    if not body or not body.strip():
        return Discovered([], [], "listing")
    try:
        doc = lxml.html.fromstring(body, base_url=base_url)
    except (lxml.etree.ParserError, ValueError):
        return Discovered([], [], "listing")
    hrefs: dict[str, None] = {}  # each once, in page order
    over: set[str] = set()
    for anchor in doc.getroottree().iter("a"):  # the whole tree, as "//a" reads
        if (href := anchor.get("href")) is not None and href not in hrefs:
            if max_links and len(hrefs) >= max_links:
                over.add(href)
            else:
                hrefs[href] = None
    urls = dict.fromkeys(url for href in hrefs if (url := join_url(base_url, href)))
    return Discovered([Link(url) for url in urls], [], "listing",
                      {LINKS_CAP: len(over)} if over else {})


def _unique(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())
