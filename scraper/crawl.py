"""Run a crawl from Python: the API behind ``ainews crawl`` and ``ainews demo``.

One crawl per process (Twisted's reactor cannot restart), guarded by a lock file beside
the database so cron never runs two crawls on one file.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from ainews.scraper.exitcodes import BY_STATUS, EXIT_CONFIG, EXIT_FAILED, EXIT_LOCKED, EXIT_PARTIAL
from ainews.scraper.extensions import judge_run, run_counts
from ainews.scraper.lock import LockHeld, crawl_lock
from ainews.scraper.sites import load_sites
from ainews.scraper.spiders.news import NewsSpider
from ainews.scraper.storage import Store

__all__ = ["EXIT_CONFIG", "EXIT_LOCKED", "EXIT_PARTIAL", "CrawlResult", "LockHeld",
           "configure_logging", "crawl_lock", "run_crawl"]

logger = logging.getLogger(__name__)

#: Rotating log: 5 files of 10 MB keep weeks of cron runs at INFO without filling the disk.
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5
#: The run log (starts, warnings, summaries) is small, so a long run never rotates it away.
RUN_LOG_MAX_BYTES = 1024 * 1024
RUN_LOG_BACKUPS = 3


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
            + (f" pushed={c['pushed']}" if "pushed" in c else "")
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
    settings.setmodule("ainews.scraper.settings", priority="project")
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


def configure_logging(log_file: Path | None, *, verbose: bool, level: str = "INFO") -> None:
    """The rotating log file gets ``level`` (INFO: at most one line per page), a small run
    log beside it (``runs.log``) each run's start, warnings and summary; the terminal gets
    errors only, or INFO with ``verbose`` — so cron mails hold the one-line summary unless
    something is wrong."""
    file_level = logging.getLevelName(str(level).upper())
    if not isinstance(file_level, int):
        file_level = logging.INFO
    root = logging.getLogger()
    root.setLevel(min(file_level, logging.INFO))
    fmt = logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.ERROR)
    console.setFormatter(fmt)
    console.addFilter(_not_per_page_error)
    root.addHandler(console)
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingLog(
            log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setLevel(file_level)
        handler.setFormatter(fmt)
        root.addHandler(handler)
        runs = RotatingLog(
            log_file.with_name("runs.log"), maxBytes=RUN_LOG_MAX_BYTES,
            backupCount=RUN_LOG_BACKUPS, encoding="utf-8",
        )
        runs.setFormatter(fmt)
        runs.addFilter(_run_record)
        root.addHandler(runs)
    # Scrapy sets its loggers to DEBUG; records below the file's level are not even made.
    logging.getLogger("scrapy").setLevel(min(file_level, logging.INFO))


class RotatingLog(logging.handlers.RotatingFileHandler):
    """Python's rotating log file, formatting each record once. Python's formats a record
    to measure it against ``maxBytes`` and again to write it, and stats the file twice,
    for every record: 54-83 us a line against 34-50 us here (20,000 INFO lines, load 5).
    Same lines, same rotation (a line's length counted in characters, as Python's)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
            if self.stream is None:  # delay=True, or just rolled over
                self.stream = self._open()
            if self._rolls_over(line):
                self.doRollover()
                if self.stream is None:
                    self.stream = self._open()
            self.stream.write(line)
            self.flush()
        except RecursionError:  # as logging's own handlers
            raise
        except Exception:
            self.handleError(record)

    def _rolls_over(self, line: str) -> bool:
        """Python's ``shouldRollover`` for a formatted line: the file is at ``maxBytes``
        with it (the end re-read: another process may append to the same file), and is a
        regular file (bpo-45401; checked only then)."""
        if self.maxBytes <= 0:
            return False
        self.stream.seek(0, 2)
        if self.stream.tell() + len(line) < self.maxBytes:
            return False
        return not os.path.exists(self.baseFilename) or os.path.isfile(self.baseFilename)


def _run_record(record: logging.LogRecord) -> bool:
    """What the run log keeps: warnings and errors, and this module's start and summary."""
    return record.levelno >= logging.WARNING or record.name == __name__


def _not_per_page_error(record: logging.LogRecord) -> bool:
    """A page that failed all its retries, or a site whose robots.txt cannot be fetched,
    is a counted skip or a failed site in the summary, not cron mail."""
    return record.name not in (
        "scrapy.downloadermiddlewares.retry",
        "scrapy.downloadermiddlewares.robotstxt",
    )


def run_crawl(
    db_path: str | Path, sites_file: str | Path, sites: list[str] | None = None, **options: Any
) -> CrawlResult:
    """Crawl into ``db_path``. Raises ConfigError (bad sites file), LockHeld, or
    DatabaseError (the file is not a usable ainews database).

    ``redis_url``: run as a scale-out worker (``ainews.scraper.scaleout``): shared queue on Redis,
    pages pushed to the ingest stream; ``db_path`` is then never opened (only the default
    log file lives beside it).
    """
    db_path, sites_file = Path(db_path), Path(sites_file)
    names = list(sites or [])
    load_sites(sites_file).select(names)  # a bad sites file fails before anything starts
    started = time.monotonic()
    redis_url = options.pop("redis_url", None)
    worker_id = options.pop("worker_id", None)
    if redis_url:
        from ainews.scraper.scaleout.worker import worker_settings

        options["extra"] = {**worker_settings(redis_url, worker_id),
                            **(options.get("extra") or {})}
    with contextlib.nullcontext() if redis_url else crawl_lock(db_path):
        if not redis_url:
            with Store(db_path, dedupe=False):  # an unusable database fails here, in one line
                pass
        logger.info("crawl started: db=%s sites=%s %s", db_path, sites_file,
                    ",".join(names) or "(all)")
        scrapy_level = logging.getLogger("scrapy").level
        process = CrawlerProcess(crawl_settings(db_path, sites_file, names, **options))
        logging.getLogger("scrapy").setLevel(scrapy_level or logging.INFO)  # see above
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler)
        process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    counts = run_counts(stats)
    if redis_url:  # a worker stores nothing itself: it pushes pages to the ingester
        counts["pushed"] = stats.get("ainews/pages_pushed", 0)
    reason = str(stats.get("finish_reason", "unknown"))
    status = judge_run(counts, reason)
    code = BY_STATUS.get(status, EXIT_FAILED)
    result = CrawlResult(
        run_id=stats.get("ainews/run_id"),
        status=status,
        exit_code=code,
        seconds=time.monotonic() - started,
        counts=counts,
        finish_reason=reason,
    )
    if result.run_id is not None and not redis_url:
        with Store(db_path, dedupe=False) as store:
            store.finish_run(result.run_id, status=result.status, exit_code=result.exit_code)
    logger.info("%s", result.summary(redis_url or db_path))
    return result
