"""Run a crawl from Python: the API behind ``ainews crawl`` and ``ainews demo``.

One crawl per process (Twisted's reactor cannot restart), guarded by a lock file beside
the database so cron never runs two crawls on one file.
"""

from __future__ import annotations

import fcntl
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from scraper.extensions import judge_run, run_counts
from scraper.sites import load_sites
from scraper.spiders.news import NewsSpider
from scraper.storage import Store

logger = logging.getLogger(__name__)

# Exit codes a cron user can act on.
EXIT_OK = 0
EXIT_FAILED = 1  # the crawl ran but failed: nothing reachable, or errors while storing
EXIT_CONFIG = 2  # bad sites file or options: fix the configuration
EXIT_PARTIAL = 3  # finished, but for some sites no feed/sitemap/listing could be read
EXIT_LOCKED = 75  # another crawl holds the lock (EX_TEMPFAIL): try again later

#: Rotating log: 5 files of 10 MB keep weeks of cron runs without filling the disk.
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5


class LockHeld(RuntimeError):
    """Another crawl is writing this database."""


@contextmanager
def crawl_lock(db_path: Path) -> Iterator[None]:
    """An exclusive, non-blocking lock; the OS drops it when the process dies (kill -9)."""
    lock_path = Path(f"{db_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="ignore").strip() or "?"
            raise LockHeld(
                f"{db_path} is being crawled by another process (pid {holder}); "
                "try again when it ends (its lock goes away even if it is killed)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


@dataclass
class CrawlResult:
    run_id: int | None
    status: str
    exit_code: int
    seconds: float
    counts: dict[str, Any] = field(default_factory=dict)
    finish_reason: str = ""

    def summary(self, db_path: Path | str) -> str:
        c = self.counts
        reasons = ", ".join(f"{k}={v}" for k, v in sorted(c.get("skip_reasons", {}).items()))
        return (
            f"ainews crawl: {self.status} run={self.run_id} requests={c.get('requests', 0)} "
            f"new={c.get('articles_new', 0)} updated={c.get('articles_updated', 0)} "
            f"unchanged={c.get('articles_unchanged', 0)} skipped={c.get('skipped', 0)}"
            + (f" ({reasons})" if reasons else "")
            + f" errors={c.get('errors', 0)}"
            + (f" failed_sites={','.join(c['failed_sites'])}" if c.get("failed_sites") else "")
            + f" in {self.seconds:.1f}s db={db_path}"
        )


def crawl_settings(
    db_path: Path,
    sites_file: Path,
    sites: list[str],
    *,
    max_pages: int | None = None,
    max_minutes: float | None = None,
    jobdir: Path | None = None,
    extra: dict[str, Any] | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    settings.set("AINEWS_DB", str(db_path), priority="cmdline")
    settings.set("AINEWS_SITES_FILE", str(sites_file), priority="cmdline")
    settings.set("AINEWS_SITES", ",".join(sites), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # ours: see below
    if max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", max_pages, priority="cmdline")
    if max_minutes:
        settings.set("CLOSESPIDER_TIMEOUT", int(max_minutes * 60), priority="cmdline")
    if jobdir:
        settings.set("JOBDIR", str(jobdir), priority="cmdline")
    for key, value in (extra or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def configure_logging(log_file: Path | None, *, verbose: bool) -> None:
    """A rotating log file gets everything at INFO; the terminal gets errors only, or INFO
    with ``verbose`` — so cron mails hold the one-line summary unless something is wrong."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    fmt = logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.ERROR)
    console.setFormatter(fmt)
    console.addFilter(_not_per_page_retry)
    root.addHandler(console)
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(fmt)
        root.addHandler(handler)


def _not_per_page_retry(record: logging.LogRecord) -> bool:
    """A page that failed all its retries is a counted skip in the summary, not cron mail."""
    return record.name != "scrapy.downloadermiddlewares.retry"


def run_crawl(
    db_path: str | Path, sites_file: str | Path, sites: list[str] | None = None, **options: Any
) -> CrawlResult:
    """Crawl into ``db_path``. Raises ConfigError (bad sites file) or LockHeld."""
    db_path, sites_file = Path(db_path), Path(sites_file)
    names = list(sites or [])
    load_sites(sites_file).select(names)  # a bad sites file fails before anything starts
    started = time.monotonic()
    with crawl_lock(db_path):
        with Store(db_path) as store:
            if stale := store.close_stale_runs():
                logger.warning("%d earlier run(s) were interrupted; resuming their frontier", stale)
            store.ensure_dedupe_index()
        process = CrawlerProcess(crawl_settings(db_path, sites_file, names, **options))
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler)
        process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    counts = run_counts(stats)
    reason = str(stats.get("finish_reason", "unknown"))
    status = judge_run(counts, reason)
    code = {"ok": EXIT_OK, "partial": EXIT_PARTIAL}.get(status, EXIT_FAILED)
    result = CrawlResult(
        run_id=stats.get("ainews/run_id"),
        status=status,
        exit_code=code,
        seconds=time.monotonic() - started,
        counts=counts,
        finish_reason=reason,
    )
    if result.run_id is not None:
        with Store(db_path, dedupe=False) as store:
            store.finish_run(result.run_id, status=result.status, exit_code=result.exit_code)
    return result
