"""The one spider: reads the sites file and turns feeds, sitemaps and listings into articles.

scrapy crawl news                      # every site in sites.toml
scrapy crawl news -a site=the-decoder  # one site (comma-separate several)
scrapy crawl news -a sites=demo.toml   # another sites file
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from scraper.discovery import DiscoveryError, listing_links, parse_document
from scraper.items import PageItem
from scraper.sites import Site, load_sites
from scraper.storage import Store

#: Listing pages followed through "next" links per start listing: enough for a cron run
#: every few hours to see every new article on busy sites, without walking the archive.
LISTING_PAGES = 3
#: A feed, sitemap or listing read less than this many minutes ago is not asked again:
#: news feeds change every few minutes at most, and cron runs are usually 15-60 min apart,
#: so this only stops back-to-back runs (a developer re-running, a retried cron job) from
#: re-polling every start point. Set AINEWS_REVISIT_MINUTES=0 to always ask (with a 304).
REVISIT_MINUTES = 10.0
_NEXT_TEXT = re.compile(r"^\s*(next|older|more|weiter|suivant|»|›|→)\b", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        *args: Any,
        sites_file: str,
        site_names: list[str],
        db_path: str,
        listing_pages: int = LISTING_PAGES,
        revisit_minutes: float = REVISIT_MINUTES,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.config = load_sites(sites_file)
        self.sites = self.config.select(site_names)
        self.by_name = {s.name: s for s in self.sites}
        self.allowed_domains = sorted({d for s in self.sites for d in s.domains})
        self.store = Store(db_path, dedupe=False)
        self.listing_pages = listing_pages
        self.revisit_minutes = revisit_minutes
        self.requested: set[str] = set()  # article URLs already requested in this run
        self.answered: set[str] = set()  # ... and those that got a response or an error
        self.index_health: dict[str, Counter[str]] = {}  # site → {"ok": n, "failed": n}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        settings = crawler.settings
        names = kwargs.pop("site", None) or settings.get("AINEWS_SITES") or ""
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        spider = super().from_crawler(
            crawler,
            *args,
            sites_file=kwargs.pop("sites", None) or settings.get("AINEWS_SITES_FILE"),
            site_names=list(names),
            db_path=kwargs.pop("db", None) or settings.get("AINEWS_DB"),
            listing_pages=settings.getint("AINEWS_LISTING_PAGES", LISTING_PAGES),
            revisit_minutes=settings.getfloat("AINEWS_REVISIT_MINUTES", REVISIT_MINUTES),
            **kwargs,
        )
        if not settings.frozen:  # the sites file's politeness settings apply to the crawl
            settings.set("DOWNLOAD_DELAY", spider.config.download_delay, priority="spider")
            settings.set("USER_AGENT", spider.config.user_agent, priority="spider")
            settings.set("AINEWS_ALLOW_PRIVATE", spider.config.allow_private, priority="spider")
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        return spider

    def _index_outcome(self, site: str, ok: bool) -> None:
        self.index_health.setdefault(site, Counter())["ok" if ok else "failed"] += 1

    def failed_sites(self) -> list[str]:
        """Sites none of whose feeds, sitemaps or listings could be read in this run:
        a feed that moved, a site that blocks us, a dead domain."""
        return sorted(s for s, c in self.index_health.items() if c["failed"] and not c["ok"])

    def closed(self, reason: str) -> None:
        if failed := self.failed_sites():
            self.crawler.stats.set_value("ainews/failed_sites", failed)
            self.logger.warning(
                "no feed, sitemap or listing could be read for: %s", ", ".join(failed)
            )
        if reason == "finished":  # a bounded run leaves its queue for the next run instead
            silent = sorted(self.requested - self.answered)
            for url in silent:  # filtered on the way (offsite redirect, duplicate redirect)
                self.store.mark_failed(url, "no response: filtered before download", final=False)
            if silent:
                self.crawler.stats.inc_value("ainews/skip/filtered", len(silent))
        self.store.close()

    def item_dropped(self, item: Any, response: Response, exception: Exception) -> None:
        if isinstance(item, PageItem):
            self.store.mark_failed(item.requested_url, str(exception), final=True)

    # -- start points -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for row in self.store.pending(self.by_name):  # left over by an interrupted run
            self.crawler.stats.inc_value("ainews/resumed")
            site = self.by_name[row["site"]]
            if row["kind"] == "article":
                yield self._article_request(row["url"], site, row["lastmod"])
            else:  # its links may not all have been read: fetch it in full
                yield self._index_request(row["url"], site, row["kind"], conditional=False)
        for site in self.sites:
            for kind, urls in (
                ("feed", site.feeds),
                ("sitemap", site.sitemaps),
                ("listing", site.listings),
            ):
                for url in urls:
                    if self._recently_read(url):
                        self.crawler.stats.inc_value("ainews/index_recently_read")
                        continue
                    yield self._index_request(url, site, kind)

    def _recently_read(self, url: str) -> bool:
        seen = self.store.validators(url)
        if not seen or not seen["checked_at"] or self.revisit_minutes <= 0:
            return False
        age = datetime.now(UTC) - datetime.fromisoformat(seen["checked_at"])
        return age.total_seconds() < self.revisit_minutes * 60

    def _index_request(
        self, url: str, site: Site, kind: str, *, depth: int = 1, conditional: bool = True
    ) -> scrapy.Request:
        """A feed, sitemap or listing: conditional, so an unchanged one costs a 304."""
        headers = {}
        if conditional and (seen := self.store.validators(url)) is not None:
            if seen["etag"]:
                headers["If-None-Match"] = seen["etag"]
            if seen["last_modified"]:
                headers["If-Modified-Since"] = seen["last_modified"]
        return scrapy.Request(
            url,
            callback=self.parse_listing if kind == "listing" else self.parse_index,
            errback=self.on_error,
            headers=headers,
            meta={
                "site": site.name,
                "kind": kind,
                "index_url": url,
                "depth": depth,
                "handle_httpstatus_list": [304],
            },
            priority=10,  # discover before fetching, so the frontier is written early
        )

    def _article_request(self, url: str, site: Site, lastmod: str | None) -> scrapy.Request:
        self.requested.add(url)
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"site": site.name, "kind": "article", "lastmod": lastmod},
            # ``requested`` already stops duplicates; without the dupefilter a redirect loop
            # runs into REDIRECT_MAX_TIMES and is reported instead of vanishing silently.
            dont_filter=True,
        )

    # -- discovery -----------------------------------------------------------------------

    def _not_modified(self, response: Response) -> bool:
        if response.status == 304:
            self._index_outcome(response.meta["site"], ok=True)
            self.crawler.stats.inc_value("ainews/index_not_modified")
            self.store.index_done(response.meta["index_url"], None)
            return True
        return False

    def _index_done(self, response: Response) -> None:
        """Called after every link of the page is in the frontier, so a kill before this
        point makes the next run read the page again instead of trusting a 304."""
        validators = (_header(response, "ETag"), _header(response, "Last-Modified"))
        self.store.index_done(response.meta["index_url"], validators)
        self._index_outcome(response.meta["site"], ok=True)

    def parse_index(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        site = self.by_name[response.meta["site"]]
        try:
            found = parse_document(response.body, response.url)
        except DiscoveryError as exc:
            self._index_outcome(site.name, ok=False)
            self._skip("bad_feed_or_sitemap", response.url, str(exc), final=True)
            return
        children = [url for url in found.sitemaps if site.owns(url)]
        self.store.enqueue(site.name, [(url, None) for url in children], kind="sitemap")
        for child in children:
            yield self._index_request(child, site, "sitemap")
        from_feed = _root_is_feed(response)
        links = [
            (link.url, link.lastmod)
            for link in found.articles
            if (site.owns(link.url) if from_feed else site.is_article_url(link.url))
        ]
        yield from self._articles(site, links)
        self._index_done(response)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        site = self.by_name[response.meta["site"]]
        urls = listing_links(response.body, response.url)
        yield from self._articles(site, [(u, None) for u in urls if site.is_article_url(u)])
        depth = response.meta.get("depth", 1)
        if depth < self.listing_pages and (nxt := _next_page(response)) and site.owns(nxt):
            self.store.enqueue(site.name, [(nxt, None)], kind="listing")
            yield self._index_request(nxt, site, "listing", depth=depth + 1)
        self._index_done(response)

    def _articles(
        self, site: Site, links: list[tuple[str, str | None]]
    ) -> Iterator[scrapy.Request]:
        """Only what is new, or what the feed/sitemap says changed since we fetched it."""
        wanted = []
        for url, lastmod in links:
            if url in self.requested:  # found by a feed and a sitemap: fetch once
                continue
            known = self.store.known_article(url)
            if known is not None and not _changed(lastmod, known):
                self.crawler.stats.inc_value("ainews/article_unchanged_not_fetched")
                continue
            wanted.append((url, lastmod))
        self.store.enqueue(site.name, wanted)
        for url, lastmod in wanted:
            yield self._article_request(url, site, lastmod)

    # -- articles ------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        first_url = _first_url(response.request)
        self.answered.add(first_url)
        content_type = _header(response, "Content-Type")
        if content_type and not content_type.lower().startswith(_HTML_TYPES):
            self._skip("not_html", first_url, content_type, final=True)
            return
        if not response.body.strip():
            self._skip("empty_response", first_url, "no bytes", final=True)
            return
        yield PageItem(
            url=response.url,
            requested_url=first_url,
            site=response.meta["site"],
            status=response.status,
            content_type=content_type,
            body=response.body,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            source_lastmod=response.meta.get("lastmod"),
        )

    def on_error(self, failure: Any) -> None:
        request = failure.request
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason, final = f"http_{response.status}", response.status in (404, 410)
        elif failure.check(IgnoreRequest):
            reason, final = _ignore_reason(str(failure.value)), True
        elif "max size" in str(failure.value):  # DOWNLOAD_MAXSIZE cancelled the download
            reason, final = "too_large", True
        else:
            reason, final = type(failure.value).__name__, False
        first_url = _first_url(request)
        self.answered.add(first_url)
        if request.meta.get("kind") != "article":
            self._index_outcome(request.meta["site"], ok=False)
        self._skip(reason, first_url, repr(failure.value)[:300], final=final)

    def _skip(self, reason: str, url: str, detail: str, *, final: bool = False) -> None:
        """Count and log a skipped URL; its frontier entry (if any) records the failure."""
        self.crawler.stats.inc_value(f"ainews/skip/{reason}")
        self.logger.warning("skipped %s: %s (%s)", url, reason, detail)
        self.store.mark_failed(url, f"{reason}: {detail}", final=final)


def _first_url(request: scrapy.Request) -> str:
    """The URL as the frontier knows it: before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def _ignore_reason(message: str) -> str:
    """Name the refusals Scrapy raises as IgnoreRequest, for the run's skip counts."""
    lowered = message.lower()
    for needle, reason in (
        ("robots", "robots_txt"),
        ("offsite", "offsite"),
        ("redirect", "redirect_loop"),
        ("private address", "private_address"),
        ("size", "too_large"),
        ("decompress", "too_large"),
    ):
        if needle in lowered:
            return reason
    return "ignored"


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _root_is_feed(response: Response) -> bool:
    head = response.body[:2000].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf" in head


def _changed(lastmod: str | None, known: dict[str, Any]) -> bool:
    """A stored article is re-fetched only when its source announces a newer version."""
    if not lastmod:
        return False
    seen = known.get("source_lastmod") or known.get("modified_at")
    return seen is None or lastmod > seen


def _next_page(response: Response) -> str | None:
    href = response.xpath('//link[@rel="next"]/@href | //a[@rel="next"]/@href').get()
    if not href:
        for link in response.xpath("//a[@href]"):
            if _NEXT_TEXT.match(" ".join(link.xpath(".//text()").getall())):
                href = link.xpath("@href").get()
                break
    return response.urljoin(href) if href else None
