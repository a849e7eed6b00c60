"""Archived pages into the database: ``ainews import-warc`` and ``reprocess --from-warc``.

Each WARC response becomes one :class:`~ainews.scraper.items.FetchedPage`, the record the crawl
hands its pipelines, and goes through the crawl's extract → dedupe → store path in one
call (:func:`ainews.scraper.process.process_page`). Only HTML responses with status 200 on a
wanted site and date are extracted; everything else is a counted skip. Pages are cleaned in
worker processes (:class:`~ainews.scraper.batchclean.OrderedCleaner`) and stored by this
process in record order, so the articles and clusters do not depend on the number of
workers. A run is a
``crawl_runs`` row like a crawl's, and the WARC-Record-ID of every record extracted is
kept (``warc_records``), so an interrupted or repeated import goes on where it stopped.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ainews.scraper.batchclean import Cleaned, OrderedCleaner, worker_count
from ainews.scraper.exitcodes import BY_STATUS, EXIT_FAILED
from ainews.scraper.items import HTML_TYPES, FetchedPage
from ainews.scraper.process import process_page
from ainews.scraper.site_names import site_label
from ainews.scraper.sites import Site, on_domains
from ainews.scraper.storage import Store, now_iso
from ainews.scraper.urls import is_web_url, refusal
from ainews.scraper.warc.reader import (
    ArchivedResponse,
    BodyError,
    WarcReader,
    expand_sources,
    open_source,
)

logger = logging.getLogger(__name__)

#: Seconds between two progress lines on a terminal.
PROGRESS_EVERY = 0.5
STORED = ("new", "updated", "unchanged")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class PageFilter:
    """Which archived pages are articles of which site, and of which dates.

    A record written by our crawl names its site (and what it was fetched as); any other
    record belongs to the first site whose ``article_pattern`` its URL matches, else to
    the first of ``domains`` it is on (the domain is then its site). ``since``/``until``
    (ISO 8601 UTC, inclusive/exclusive) bound the date the archive fetched the page.
    """

    sites: tuple[Site, ...] = ()
    domains: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sites] + list(self.domains)

    def site_for(self, response: ArchivedResponse) -> tuple[str | None, str]:
        """``(site, "")`` for a wanted page, else ``(None, skip reason)``."""
        url = response.url
        if not is_web_url(url):  # WARC-Target-URI file:///etc/passwd, javascript:
            return None, refusal(url)
        declared = response.crawl.get("site")
        if declared and (declared in self.names or not self.names) \
                and self._declared_owns(declared, url):
            return declared, ""
        for site in self.sites:
            if site.is_article_url(url):
                return site.name, ""
        for domain in self.domains:
            if on_domains(url, (domain,)):
                return domain, ""
        if any(site.owns(url) for site in self.sites):
            return None, "not_article_url"
        return None, "off_site"

    def _declared_owns(self, name: str, url: str) -> bool:
        """An archive's ``Ainews-Site`` is believed for that site's own URLs only: any
        WARC can claim any site (a page of another host stored as the site's article)."""
        site = next((s for s in self.sites if s.name == name), None)
        if site is not None:
            return site.owns(url)
        return name not in self.domains or on_domains(url, (name,))

    def site_name(self, site: str) -> str | None:
        """The publisher name the sites file gives ``site`` (for pages that name none)."""
        return next((site_label(s) for s in self.sites if s.name == site), None)

    def in_range(self, fetched_at: str | None) -> bool:
        if fetched_at is None:
            return not (self.since or self.until)
        return (not self.since or fetched_at >= self.since) and (
            not self.until or fetched_at < self.until
        )


@dataclass
class ImportResult:
    run_id: int
    status: str  # ok | partial (some sources unreadable) | failed
    seconds: float
    counts: Counter[str] = field(default_factory=Counter)
    skip_reasons: Counter[str] = field(default_factory=Counter)
    failed_sources: list[str] = field(default_factory=list)

    def summary(self, db_path: Path | str, command: str = "import-warc") -> str:
        c = self.counts
        reasons = ", ".join(f"{k}={v}" for k, v in sorted(self.skip_reasons.items()))
        return (
            f"ainews {command}: {self.status} run={self.run_id} records={c['records']} "
            f"responses={c['responses']} new={c['new']} updated={c['updated']} "
            f"unchanged={c['unchanged']} skipped={sum(self.skip_reasons.values())}"
            + (f" ({reasons})" if reasons else "")
            + f" errors={c['errors']}"
            + (f" failed_sources={','.join(self.failed_sources)}" if self.failed_sources else "")
            + f" in {self.seconds:.1f}s db={db_path}"
        )


class Importer:
    """Runs sources through :func:`ainews.scraper.process.process_page` in one
    ``crawl_runs`` row."""

    def __init__(
        self,
        store: Store,
        page_filter: PageFilter,
        *,
        force: bool = False,
        progress: Progress | None = None,
        cleaner: OrderedCleaner | None = None,
    ) -> None:
        self.store = store
        self.cleaner = cleaner or OrderedCleaner(0)
        self.filter = page_filter
        self.force = force  # re-extract records imported before (reprocess --from-warc)
        self.progress = progress
        self.counts: Counter[str] = Counter()
        self.skips: Counter[str] = Counter()
        self.failed_sources: list[str] = []
        self._last_progress = 0.0
        self.run_id = 0
        self._in_flight: set[str] = set()  # record ids handed to the cleaner, not yet stored

    def read_source(self, source: str) -> None:
        try:
            stream = open_source(source)
        except OSError as exc:  # a missing URL, a refused connection, an unreadable file
            logger.error("%s: cannot open: %s", source, exc)
            self.failed_sources.append(source)
            return
        with stream:
            reader = WarcReader(stream, source)
            for record_id, page, cleaned in self.cleaner.clean(self._pages(reader, source)):
                self._in_flight.discard(record_id)
                self._count(self._store(record_id, page, cleaned))
                self._report(source, reader.bytes_read)
        self.counts["bytes"] += reader.bytes_read
        self.counts["records"] += reader.counts["records"]
        if reader.counts["records"] == reader.counts["bad_header"]:  # not one WARC record
            logger.error("%s: not a WARC file (no record could be read); pass .warc or "
                         ".warc.gz files written by a crawler", source)
            self.failed_sources.append(source)
            return
        if reader.counts["unreadable_rest"]:  # damage that ended the file early
            self.skips["unreadable_rest"] += 1
        if reader.counts["truncated_tail"]:  # a last record cut inside its headers
            self.skips["truncated"] += 1
        if reader.counts["bad_header"]:  # records with no type or length
            self.skips["bad_header"] += reader.counts["bad_header"]
        self._report(source, reader.bytes_read, final=True)

    def _pages(self, reader: WarcReader, source: str) -> Iterator[tuple[str, FetchedPage]]:
        """``(record id, page)`` of each response to extract; the others are counted."""
        for response in reader:
            self.counts["responses"] += 1
            page = self._page(response)
            if isinstance(page, str):
                self._count(page)
                self._report(source, reader.bytes_read)
                continue
            if response.record_id and not self.force:
                self._in_flight.add(response.record_id)
            yield response.record_id, page

    def _count(self, outcome: str) -> None:
        self.counts[outcome if outcome in STORED else "skipped"] += 1
        if outcome not in STORED:
            self.skips[outcome] += 1

    def _page(self, response: ArchivedResponse) -> FetchedPage | str:
        """The page of one archived response to extract, or the skip reason."""
        if response.record_type == "revisit":  # "unchanged since": no payload of its own
            return "revisit"
        if response.crawl.get("kind", "article") != "article":  # our feeds, sitemaps...
            return "not_article"
        if response.status != 200:
            return f"http_{response.status}" if response.status else "not_http"
        content_type = response.content_type
        if content_type and not content_type.lower().startswith(HTML_TYPES):
            return "not_html"
        site, reason = self.filter.site_for(response)
        if site is None:
            return reason
        if not self.filter.in_range(response.fetched_at):
            return "out_of_dates"
        if not self.force and self._imported(response.record_id):
            return "already_imported"
        try:
            body = response.read_body()
        except BodyError as exc:
            logger.warning("skipped %s (%s): %s", response.url, response.record_id, exc)
            return exc.reason
        if not body.strip():
            return "empty_response"
        return FetchedPage(
            url=response.url,
            requested_url=response.crawl.get("requested_url", response.url),
            site=site,
            status=200,
            content_type=response.content_type,
            body=body,
            fetched_at=response.fetched_at or now_iso(),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            source_lastmod=response.crawl.get("lastmod"),
            ip_address=response.ip,
            site_name=response.crawl.get("site_name") or self.filter.site_name(site),
        )

    def _store(self, record_id: str, page: FetchedPage, cleaned: Cleaned) -> str:
        """Store one cleaned page with its record id; returns its outcome or skip reason."""
        if isinstance(cleaned, Exception):  # logged by the cleaner; retried next import
            logger.error("failed to import %s (%s)", page.url, record_id)
            self.counts["errors"] += 1
            return "failed"
        try:
            with self.store.transaction():  # the article and its record id commit together
                outcome = process_page(page, self.store, cleaned=cleaned).status
                if record_id:
                    self.store.db["warc_records"].upsert(
                        {
                            "record_id": record_id,
                            "run_id": self.run_id,
                            "outcome": outcome,
                            "imported_at": now_iso(),
                        },
                        pk="record_id",
                    )
        except Exception:  # one bad page must not stop the archive; retried next import
            logger.exception("failed to import %s (%s)", page.url, record_id)
            self.counts["errors"] += 1
            return "failed"
        return outcome

    def _imported(self, record_id: str) -> bool:
        if not record_id:
            return False
        if record_id in self._in_flight:  # the same record twice, the first not stored yet
            return True
        row = self.store.db.execute(
            "SELECT 1 FROM warc_records WHERE record_id = ?", [record_id]
        ).fetchone()
        return row is not None

    def _report(self, source: str, offset: int, *, final: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if not final and now - self._last_progress < PROGRESS_EVERY:
            return
        self._last_progress = now
        c = self.counts
        self.progress(
            f"{Path(source).name}: {offset / 1e6:,.1f} MB, {c['responses']:,} responses, "
            f"{c['new'] + c['updated'] + c['unchanged']:,} articles, {c['skipped']:,} skipped"
        )


def import_warcs(
    db_path: str | Path,
    sources: list[str],
    page_filter: PageFilter,
    *,
    force: bool = False,
    progress: Progress | None = None,
    workers: int = -1,
) -> ImportResult:
    """Import WARC files, folders or URLs into ``db_path`` under the crawl's lock.

    ``workers``: cleaning processes (negative: one per core; 0: in this process).
    Raises ValueError for a missing source and ``ainews.scraper.crawl.LockHeld`` while a crawl
    writes the database.
    """
    from ainews.scraper.crawl import crawl_lock

    started = time.monotonic()
    paths = expand_sources(sources)
    with crawl_lock(Path(db_path)), Store(db_path) as store:
        if stale := store.close_stale_runs():
            logger.warning("%d earlier run(s) were interrupted", stale)
        store.ensure_dedupe_index()
        cleaner = OrderedCleaner(worker_count(workers))
        importer = Importer(store, page_filter, force=force, progress=progress, cleaner=cleaner)
        importer.run_id = store.start_run(page_filter.names)
        reason = "interrupted"
        try:
            with cleaner:
                for source in paths:
                    importer.read_source(source)
            reason = "finished"
        finally:
            result = _finish(store, importer, reason, time.monotonic() - started, paths)
    return result


def _finish(
    store: Store, importer: Importer, reason: str, seconds: float, paths: list[str]
) -> ImportResult:
    c = importer.counts
    failed = importer.failed_sources
    if reason != "finished" or c["errors"] or (paths and len(failed) == len(paths)):
        status = "failed"
    else:
        status = "partial" if failed else "ok"
    store.finish_run(
        importer.run_id,
        **_run_fields(c, importer.skips, failed),
        status=status,
        finish_reason=reason,
        exit_code=BY_STATUS.get(status, EXIT_FAILED),
    )
    return ImportResult(
        importer.run_id, status, seconds, Counter(c), Counter(importer.skips), list(failed)
    )


def _run_fields(c: Counter[str], skips: Counter[str], failed: list[str]) -> dict[str, Any]:
    """The crawl_runs columns: a WARC response counts as a response, none as a request."""
    return {
        "requests": 0,
        "responses": c["responses"],
        "bytes": c["bytes"],
        "articles_new": c["new"],
        "articles_updated": c["updated"],
        "articles_unchanged": c["unchanged"],
        "skipped": sum(skips.values()),
        "skip_reasons": dict(sorted(skips.items())),
        "errors": c["errors"],
        "failed_sites": failed,  # here: the sources that could not be read
    }


def build_filter(
    sites_file: str | Path | None,
    site_names: list[str] | tuple[str, ...] = (),
    domains: list[str] | tuple[str, ...] = (),
    since: str | None = None,
    until: str | None = None,
) -> PageFilter:
    """A :class:`PageFilter` from command-line values. Raises ConfigError (sites file,
    unknown site) or ValueError (a bad date)."""
    from ainews.exports.export import parse_bound
    from ainews.scraper.sites import load_sites

    sites = load_sites(sites_file).select(list(site_names)) if sites_file else ()
    low = parse_bound(since, name="--since")
    high = parse_bound(until, end=True, name="--until")
    if low and high and low >= high:
        raise ValueError(f"--since {since} is not before --until {until}")
    clean = tuple(d.strip().lower().lstrip(".") for d in domains if d.strip())
    return PageFilter(sites=tuple(sites), domains=clean, since=low, until=high)
