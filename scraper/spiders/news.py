"""The one spider: reads the sites file and turns feeds, sitemaps and listings into pages.

It maps responses to requests and pages only: what to fetch, what was fetched and what
failed is kept by the crawl state component (``ainews.scraper.state.CrawlState``), and pages are
cleaned and stored by the processing pipeline (``ainews.scraper.pipelines``).

scrapy crawl news                      # every site in sites.toml
scrapy crawl news -a site=the-decoder  # one site (comma-separate several)
scrapy crawl news -a sites=demo.toml   # another sites file
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import Any

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse

from ainews.scraper.discovery import (
    MAX_DOCUMENT_LINKS,
    MAX_LISTING_LINKS,
    Discovered,
    DiscoveryError,
    parse_document,
    read_listing,
)
from ainews.scraper.items import HTML_TYPES, FetchedPage, fetch_time
from ainews.scraper.site_names import site_label
from ainews.scraper.sites import Site, load_sites
from ainews.scraper.skips import SkipRequest
from ainews.scraper.state import CrawlState
from ainews.scraper.urls import join_on_page

#: Listing pages followed through "next" links per start listing: enough for a cron run
#: every few hours to see every new article on busy sites, without walking the archive.
LISTING_PAGES = 3
#: Sitemap indexes nest one or two levels on real sites; deeper chains are a trap.
SITEMAP_DEPTH = 3
#: Child sitemaps read per run: a big news site's index lists a few hundred (one per day or
#: month); thousands are an archive walk or a trap, not news.
MAX_CHILD_SITEMAPS = 1000
_NEXT_TEXT = re.compile(r"^\s*(next|older|more|weiter|suivant|»|›|→)\b", re.I)


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        *args: Any,
        sites_file: str,
        site_names: list[str],
        listing_pages: int = LISTING_PAGES,
        max_child_sitemaps: int = MAX_CHILD_SITEMAPS,
        max_document_links: int = MAX_DOCUMENT_LINKS,
        max_listing_links: int = MAX_LISTING_LINKS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.config = load_sites(sites_file)
        self.sites = self.config.select(site_names)
        self.by_name = {s.name: s for s in self.sites}
        self.allowed_domains = sorted({d for s in self.sites for d in s.domains})
        self.listing_pages = listing_pages
        self.child_sitemaps_left = max_child_sitemaps
        self.max_document_links = max_document_links
        self.max_listing_links = max_listing_links
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
            listing_pages=settings.getint("AINEWS_LISTING_PAGES", LISTING_PAGES),
            max_child_sitemaps=settings.getint("AINEWS_MAX_CHILD_SITEMAPS", MAX_CHILD_SITEMAPS),
            max_document_links=settings.getint("AINEWS_MAX_DOCUMENT_LINKS", MAX_DOCUMENT_LINKS),
            max_listing_links=settings.getint("AINEWS_MAX_LISTING_LINKS", MAX_LISTING_LINKS),
            **kwargs,
        )
        if not settings.frozen:  # the sites file's politeness settings apply to the crawl
            settings.set("DOWNLOAD_DELAY", spider.config.download_delay, priority="spider")
            settings.set("USER_AGENT", spider.config.user_agent, priority="spider")
            settings.set("AINEWS_ALLOW_PRIVATE", spider.config.allow_private, priority="spider")
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.response_downloaded, signal=signals.response_downloaded)
        return spider

    def response_downloaded(self, response: Response, request: scrapy.Request) -> None:
        fetch_time(request.meta, response.url)  # the arrival time, before any parsing

    @cached_property
    def state(self) -> CrawlState:
        state = self.crawler.get_extension(CrawlState)
        if state is None:
            raise RuntimeError(
                "the news spider needs the ainews.scraper.state.CrawlState extension")
        return state

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

    # -- start points and the frontier ------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for row in self.state.resume_index(self.by_name):  # left by an interrupted run
            self.crawler.stats.inc_value("ainews/resumed")
            # its links may not all have been read: fetch it in full
            yield self._index_request(row["url"], self.by_name[row["site"]], row["kind"],
                                      conditional=False)
        for site in self.sites:
            for kind, urls in (
                ("feed", site.feeds),
                ("sitemap", site.sitemaps),
                ("listing", site.listings),
            ):
                for url in urls:
                    if self.state.recently_read(url):
                        self.crawler.stats.inc_value("ainews/index_recently_read")
                        continue
                    yield self._index_request(url, site, kind)
        for request in self._articles_from_frontier():  # left pending by an earlier run
            yield request

    def spider_idle(self) -> None:
        """Feed the next batch of article URLs from the frontier, until there are none."""
        self.state.idle()
        requests = list(self._articles_from_frontier())
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def _articles_from_frontier(self) -> Iterator[scrapy.Request]:
        for row in self.state.next_articles(self.by_name, self.state.refill_size()):
            yield self._article_request(row["url"], self.by_name[row["site"]], row["lastmod"])

    def _index_request(
        self, url: str, site: Site, kind: str, *, depth: int = 1, conditional: bool = True
    ) -> scrapy.Request:
        """A feed, sitemap or listing: conditional, so an unchanged one costs a 304."""
        return scrapy.Request(
            url,
            callback=self.parse_listing if kind == "listing" else self.parse_index,
            errback=self.on_error,
            headers=self.state.conditional_headers(url) if conditional else {},
            meta={
                "site": site.name,
                "kind": kind,
                "index_url": url,
                "depth": depth,
                "handle_httpstatus_list": [304],
            },
            priority=10,  # discover before fetching, so the frontier is written early
            dont_filter=self.state.shared_frontier,  # read again each run, not fingerprinted
        )

    def _article_request(self, url: str, site: Site, lastmod: str | None) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"site": site.name, "kind": "article", "lastmod": lastmod,
                  "site_name": site_label(site)},
            # the frontier hands out each URL once per run; without the dupefilter a
            # redirect loop runs into REDIRECT_MAX_TIMES and is reported, not dropped.
            # A shared frontier (scale-out workers) is the dupefilter: once across workers.
            dont_filter=not self.state.shared_frontier,
        )

    # -- discovery -----------------------------------------------------------------------

    def _count_refused(self, found: Discovered, response: Response) -> None:
        """Links of a document that are not followed (file:, ftp:, 100 KB URLs, past the
        cap of links per document), counted by skip reason; discovery never returns them."""
        for reason, count in found.refused.items():
            self.crawler.stats.inc_value(f"ainews/skip/{reason}", count)
            self.logger.info("%s: %d links skipped: %s", response.url, count, reason)

    def _owned(self, site: Site, urls: list[str], response: Response) -> list[str]:
        """The site's own URLs; a feed or sitemap naming another host or port (a redirect
        to an internal service in waiting) has them counted as ``offsite``. Listings link
        to other sites as a matter of course: those are not counted."""
        kept = [url for url in urls if site.owns(url)]
        if over := len(urls) - len(kept):
            self.crawler.stats.inc_value("ainews/skip/offsite", over)
            self.logger.info("%s: %d links off the site's domains and ports skipped",
                             response.url, over)
        return kept

    def _not_modified(self, response: Response) -> bool:
        """On a 304 (unchanged since its last full read) tell the crawl state, which
        records when it was asked, and return True."""
        if response.status == 304:
            self._index_outcome(response.meta["site"], ok=True)
            self.crawler.stats.inc_value("ainews/index_not_modified")
            self.state.index_read(response.meta["index_url"], None)
            return True
        return False

    def _index_done(self, response: Response) -> None:
        """Called after every link of the page is in the frontier, so a kill before this
        point makes the next run read the page again instead of trusting a 304."""
        validators = (_header(response, "ETag"), _header(response, "Last-Modified"))
        self.state.index_read(response.meta["index_url"], validators)
        self._index_outcome(response.meta["site"], ok=True)

    def parse_index(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        site = self.by_name[response.meta["site"]]
        try:
            found = parse_document(response.body, response.url,
                                   max_links=self.max_document_links)
        except DiscoveryError as exc:
            self._index_outcome(site.name, ok=False)
            self._skip(response, "bad_feed_or_sitemap", str(exc), final=True)
            return
        self._count_refused(found, response)
        children = self._bounded_children(self._owned(site, found.sitemaps, response), response)
        self.state.discovered_index(site.name, children, "sitemap")
        depth = response.meta.get("depth", 1) + 1
        for child in children:
            yield self._index_request(child, site, "sitemap", depth=depth)
        owned = set(self._owned(site, [link.url for link in found.articles], response))
        from_feed = found.kind == "feed"
        links = [(link.url, link.lastmod) for link in found.articles
                 if link.url in owned and (from_feed or site.is_article_url(link.url))]
        self.state.discovered_articles(site.name, links)
        self._index_done(response)
        yield from self._articles_from_frontier()

    def _bounded_children(self, children: list[str], response: Response) -> list[str]:
        """Child sitemaps within the depth limit and this run's cap (both counted)."""
        if children and response.meta.get("depth", 1) >= SITEMAP_DEPTH:
            self.crawler.stats.inc_value("ainews/skip/sitemap_depth", len(children))
            self.logger.warning("%s: sitemap indexes nested deeper than %d; %d not read",
                                response.url, SITEMAP_DEPTH, len(children))
            return []
        kept = children[: max(self.child_sitemaps_left, 0)]
        self.child_sitemaps_left -= len(kept)
        if over := len(children) - len(kept):
            self.crawler.stats.inc_value("ainews/skip/sitemap_cap", over)
            self.logger.warning("%s: over the cap of child sitemaps per run; %d not read",
                                response.url, over)
        return kept

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        site = self.by_name[response.meta["site"]]
        if not isinstance(response, TextResponse):  # image/png with PNG bytes: no page
            self._index_outcome(site.name, ok=False)
            self._skip(response, "not_html", _header(response, "Content-Type") or "binary",
                       final=True)
            return
        found = read_listing(response.body, response.url, max_links=self.max_listing_links)
        self._count_refused(found, response)
        self.state.discovered_articles(site.name, [(link.url, None) for link in found.articles
                                                   if site.is_article_url(link.url)])
        depth = response.meta.get("depth", 1)
        if depth < self.listing_pages and (nxt := _next_page(response)) and site.owns(nxt):
            self.state.discovered_index(site.name, [nxt], "listing")
            yield self._index_request(nxt, site, "listing", depth=depth + 1)
        self._index_done(response)
        yield from self._articles_from_frontier()

    # -- articles ------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[FetchedPage | scrapy.Request]:
        first_url = _first_url(response.request)
        self.state.answered(first_url)
        content_type = _header(response, "Content-Type")
        if content_type and not content_type.lower().startswith(HTML_TYPES):
            self._skip(response, "not_html", content_type, final=True)
        elif not response.body.strip():
            self._skip(response, "empty_response", "no bytes", final=True)
        else:
            yield FetchedPage(
                url=response.url,
                requested_url=first_url,
                site=response.meta["site"],
                status=response.status,
                content_type=content_type,
                body=response.body,
                fetched_at=fetch_time(response.meta, response.url),
                etag=_header(response, "ETag"),
                last_modified=_header(response, "Last-Modified"),
                source_lastmod=response.meta.get("lastmod"),
                ip_address=str(response.ip_address) if response.ip_address else None,
                site_name=response.meta.get("site_name"),
                # gzip left for the cleaning worker (ainews.scraper.refusals)
                content_encoding=_header(response, "Content-Encoding"),
            )
        yield from self._articles_from_frontier()

    def on_error(self, failure: Any) -> Iterator[scrapy.Request]:
        reason, final = _failure_reason(failure)
        request = failure.request
        if request.meta.get("kind") != "article":
            self._index_outcome(request.meta["site"], ok=False)
        self._skip(request, reason, repr(failure.value)[:300], final=final)
        yield from self._articles_from_frontier()

    def _skip(self, source: Response | scrapy.Request, reason: str, detail: str, *,
              final: bool) -> None:
        request = source.request if isinstance(source, Response) else source
        self.state.skip(_first_url(request), reason, detail, final=final,
                        tried=request.meta.get("kind") != "article")


def _failure_reason(failure: Any) -> tuple[str, bool]:
    """The skip reason of a failed request and whether it is final (never retried), read
    from the exception's type and the request's meta, never from message text."""
    exc = failure.value
    response = getattr(exc, "response", None)
    if isinstance(exc, SkipRequest):
        return exc.reason, True
    if response is not None:  # HttpError: 4xx/5xx after retries
        return f"http_{response.status}", response.status in (404, 410)
    if isinstance(exc, DownloadCancelledError):  # DOWNLOAD_MAXSIZE stopped the download
        return "too_large", True
    if isinstance(exc, IgnoreRequest):
        meta = failure.request.meta  # RedirectMiddleware counts down redirect_ttl to 0
        if meta.get("redirect_times") and meta.get("redirect_ttl", 1) <= 0:
            return "redirect_loop", True
        return "ignored", True
    return type(exc).__name__, False


def _first_url(request: scrapy.Request) -> str:
    """The URL as the frontier knows it: before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None



def _next_page(response: Response) -> str | None:
    """The listing's "next" page: a ``rel="next"`` link or a link saying "next", joined
    against the page's ``<base href>``; None when either is no URL we follow.

    Read with a selector of our own: the response's would join the ``<base href>`` with
    w3lib, which raises on one urllib refuses (``http://[::1/``)."""
    page = Selector(text=response.text, type="html", base_url=response.url)
    href = page.xpath('//link[@rel="next"]/@href | //a[@rel="next"]/@href').get()
    if not href:
        for link in page.xpath("//a[@href]"):
            if _NEXT_TEXT.match(" ".join(link.xpath(".//text()").getall())):
                href = link.xpath("@href").get()
                break
    if not href:
        return None
    return join_on_page(response.url, page.xpath("//base/@href").get(), href)
