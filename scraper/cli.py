"""The ``ainews`` command: a thin click layer over the Python API."""

from __future__ import annotations

import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ainews.scraper.exitcodes import EXIT_CONFIG
from ainews.scraper.sites import ConfigError
from ainews.scraper.storage.errors import DatabaseError, classify

DEFAULT_DB = "data/ainews.db"
DEMO_DB = "data/demo.db"


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        envvar="AINEWS_DB",
        help="SQLite database file.",
    )(fn)


def sites_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--sites",
        "sites_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default="sites.toml",
        show_default=True,
        envvar="AINEWS_SITES_FILE",
        help="Sites file (TOML).",
    )(fn)


def verbose_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-v", "--verbose", is_flag=True, help="Log progress to the terminal.")(fn)


def log_file_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--log-file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Rotating log file [default: logs/ainews.log beside the database].",
    )(fn)


def workers_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--workers",
        type=click.IntRange(min=-1),
        default=-1,
        envvar="AINEWS_WORKERS",
        show_default=False,
        help="Processes cleaning pages (AINEWS_WORKERS): one per core by default, 0 cleans "
        "in this process. Results do not depend on it.",
    )(fn)


def _log_file(db_path: Path, log_file: Path | None = None) -> Path:
    """The log file: ``log_file`` if given, else ``logs/ainews.log`` beside the database."""
    return log_file or db_path.parent / "logs" / "ainews.log"


#: Exit code of a command stopped by Ctrl-C (as a shell reports SIGINT).
EXIT_INTERRUPTED = 130


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def redis_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--redis",
        "redis_url",
        envvar="AINEWS_REDIS_URL",
        metavar="URL",
        help="Scale out on this Redis server, e.g. redis://HOST:6379/0 (AINEWS_REDIS_URL).",
    )(fn)


def _check_redis(url: str) -> None:
    """Fail with exit code 1 and one line when the Redis server cannot be used."""
    from ainews.scraper.exitcodes import EXIT_FAILED
    from ainews.scraper.scaleout import RedisUnavailable, check

    try:
        check(url)
    except RedisUnavailable as exc:
        _fail(str(exc), EXIT_FAILED)


def _require_ainews_database(db_path: Path) -> None:
    """Exit 2 with the reason when ``db_path`` is missing, not SQLite, corrupt or not a
    database ainews wrote (read-only check: nothing is created or migrated)."""
    from ainews.exports.export import connect_readonly

    try:
        connect_readonly(db_path).close()
    except (FileNotFoundError, DatabaseError) as exc:
        _fail(str(exc), EXIT_CONFIG)


def _counter_progress(label: str) -> Callable[[int, int], None]:
    """A terminal progress line ``label done/total``, redrawn at each whole percent (and
    at the end), not once per item: 2,500 redraws of one line cost more than they show."""
    shown = -1

    def progress(done: int, total: int) -> None:
        nonlocal shown
        percent = done * 100 // max(total, 1)
        if percent != shown or done == total:
            shown = percent
            click.echo(f"\r{label} {done:,}/{total:,}", nl=False, err=True)

    return progress


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group()
@click.version_option(package_name="ainews")
def main() -> None:
    """Collect AI news into a clean, de-duplicated SQLite database."""


@main.command()
@db_option
@sites_option
@click.option("--site", "site_names", multiple=True, help="Crawl only this site (repeatable).")
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after this many responses.")
@click.option("--max-minutes", type=click.FloatRange(min=0.1), help="Stop after this long.")
@click.option(
    "--jobdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Scrapy JOBDIR: keep the request queue on disk between runs.",
)
@log_file_option
@click.option(
    "--warc",
    "warc_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also keep every response and request in rotating .warc.gz files in this folder "
    "(or set warc_dir in the sites file).",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting, e.g. -s DOWNLOAD_TIMEOUT=10 (repeatable).",
)
@verbose_option
@redis_option
@click.option("--worker-id", help="With --redis: this worker's name [default: HOST-PID]; "
              "a restarted worker with the same name takes back its unfinished requests.")
def crawl(
    db_path: Path,
    sites_file: Path,
    site_names: tuple[str, ...],
    max_pages: int | None,
    max_minutes: float | None,
    jobdir: Path | None,
    log_file: Path | None,
    warc_dir: Path | None,
    overrides: tuple[str, ...],
    verbose: bool,
    redis_url: str | None,
    worker_id: str | None,
) -> None:
    """Crawl the sites into the database (what cron runs).

    Exit codes: 0 ok, 1 crawl failed, 2 bad configuration, 3 some sites unreadable,
    75 another crawl holds the lock.

    Example: ainews crawl --db data/ainews.db --site the-decoder --max-minutes 20

    With --redis (or AINEWS_REDIS_URL) this is one of several workers: the queue is shared
    on Redis and pages go to `ainews ingest`, which writes the database; --db is not opened.
    """
    from ainews.scraper import crawl as api

    extra = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            _fail(f"-s expects NAME=VALUE, got {item!r}", api.EXIT_CONFIG)
        extra[name.strip()] = value
    if warc_dir:
        extra["AINEWS_WARC_DIR"] = str(warc_dir)
    if redis_url:
        _check_redis(redis_url)
    try:
        api.configure_logging(_log_file(db_path, log_file), verbose=verbose,
                              level=extra.get("LOG_LEVEL", "INFO"))
        result = api.run_crawl(
            db_path,
            sites_file,
            list(site_names),
            max_pages=max_pages,
            max_minutes=max_minutes,
            jobdir=jobdir,
            extra=extra,
            redis_url=redis_url,
            worker_id=worker_id,
        )
    except ConfigError as exc:
        _fail(str(exc), api.EXIT_CONFIG)
    except api.LockHeld as exc:
        _fail(str(exc), api.EXIT_LOCKED)
    except (sqlite3.Error, OSError, DatabaseError) as exc:  # not SQLite, corrupt, read-only
        _fail(str(classify(db_path, exc)), api.EXIT_CONFIG)
    click.echo(result.summary(redis_url or db_path))
    sys.exit(result.exit_code)


@main.command()
@sites_option
def sites(sites_file: Path) -> None:
    """Check a sites file and list its sites and start points (no network).

    Exits with code 2 and names the problem when the file is invalid.

    Example: ainews sites --sites sites.toml
    """
    from ainews.scraper.exitcodes import EXIT_CONFIG
    from ainews.scraper.sites import load_sites

    try:
        config = load_sites(sites_file)
    except ConfigError as exc:
        _fail(str(exc), EXIT_CONFIG)
    click.echo(
        f"{sites_file}: {len(config.sites)} sites, delay {config.download_delay:g}s, "
        f"user agent {config.user_agent!r}"
    )
    for site in config.sites:
        pattern = site.article_pattern.pattern if site.article_pattern else "(any link)"
        click.echo(f"{site.name}  [{', '.join(site.domains)}]  articles: {pattern}")
        for kind, urls in (
            ("feed", site.feeds),
            ("sitemap", site.sitemaps),
            ("listing", site.listings),
        ):
            for url in urls:
                click.echo(f"  {kind:<8} {url}")


@main.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEMO_DB,
    show_default=True,
    help="SQLite database file (kept apart from the real one).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port for the demo web; a stable port keeps URLs the same between runs, "
    "so a second demo crawl is incremental. A free port is used if it is taken.",
)
@verbose_option
def demo(db_path: Path, port: int, verbose: bool) -> None:
    """Serve the bundled demo sites on 127.0.0.1 and crawl them (no internet needed).

    Example: ainews demo --db data/demo.db
    """
    from ainews.scraper import crawl as api
    from ainews.scraper.demo.server import DemoServer
    from ainews.scraper.report import database_summary

    api.configure_logging(_log_file(db_path), verbose=verbose)
    try:
        server = DemoServer(port=port).start()
    except OSError:
        click.echo(f"Port {port} is taken; serving the demo on a free port", err=True)
        server = DemoServer(port=0).start()
    with server:
        sites_file = server.sites_file(db_path.parent)
        click.echo(f"Serving the demo web at {server.base_url}", err=True)
        try:
            result = api.run_crawl(db_path, sites_file)
        except api.LockHeld as exc:
            _fail(str(exc), api.EXIT_LOCKED)
    click.echo(result.summary(db_path))
    click.echo(database_summary(db_path))
    sys.exit(result.exit_code)


@main.command()
@db_option
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Re-extract every page, not only those cleaned by an older extractor.",
)
@click.option(
    "--from-warc",
    "warc_dir",
    type=click.Path(exists=True, path_type=Path),
    help="Rebuild from the WARC files in this folder (written by `ainews crawl --warc`) "
    "instead of the stored pages; the database may be new.",
)
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --from-warc: sites file for records that name no site (other tools' WARCs).",
)
@workers_option
def reprocess(
    db_path: Path, everything: bool, warc_dir: Path | None, sites_file: Path | None,
    workers: int,
) -> None:
    """Re-run cleaning and de-duplication over stored pages, without crawling.

    Takes the crawl's lock: it exits with code 75 while a crawl writes the database.

    Example: ainews reprocess --db data/ainews.db --all

    Example: ainews reprocess --from-warc data/warc --db data/rebuilt.db
    """
    from ainews.scraper.exitcodes import EXIT_CONFIG, EXIT_LOCKED
    from ainews.scraper.lock import LockHeld, crawl_lock
    from ainews.scraper.reprocess import reprocess_database

    if warc_dir is not None:
        _import_warc([str(warc_dir)], db_path, sites_file, command="reprocess", force=True,
                     workers=workers)
        return
    _require_ainews_database(db_path)  # never migrate another program's database
    progress = _counter_progress("reprocess")
    tty = sys.stderr.isatty()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # unwinds: the workers are stopped
    try:
        with crawl_lock(db_path):
            counts = reprocess_database(
                db_path, only_stale=not everything, workers=workers,
                progress=progress if tty else None,
            )
    except KeyboardInterrupt:
        _fail("interrupted; every article stored so far is whole: run the same command "
              "again to go on", EXIT_INTERRUPTED)
    except LockHeld as exc:
        _fail(str(exc), EXIT_LOCKED)
    except (sqlite3.Error, OSError, DatabaseError) as exc:
        _fail(str(classify(db_path, exc)), EXIT_CONFIG)
    if tty and counts:
        click.echo(err=True)
    if not counts:
        click.echo("nothing to reprocess: every article was cleaned by this version (see --all)")
        return
    click.echo(
        f"reprocessed {sum(counts.values())}: " + " ".join(f"{k}={v}" for k, v in counts.items())
    )


@main.command("import-warc")
@click.argument("sources", metavar="FILE_OR_URL...", nargs=-1, required=True)
@db_option
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="AINEWS_SITES_FILE",
    help="Sites file: a page is an article of the site whose article_pattern it matches "
    "[default: sites.toml, unless --domain is given].",
)
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
@click.option(
    "--domain",
    "domains",
    multiple=True,
    help="Also take every page on this domain (and its subdomains); the domain is its site.",
)
@click.option("--since", metavar="DATE", help="Only pages the archive fetched on/after DATE.")
@click.option("--until", metavar="DATE", help="Only pages fetched before DATE (a date: its end).")
@workers_option
@verbose_option
def import_warc(
    sources: tuple[str, ...],
    db_path: Path,
    sites_file: Path | None,
    site_names: tuple[str, ...],
    domains: tuple[str, ...],
    since: str | None,
    until: str | None,
    workers: int,
    verbose: bool,
) -> None:
    """Import WARC files, folders of them or http(s) URLs (streamed) through the crawl's
    cleaning, de-duplication and storage: ours, Common Crawl's CC-NEWS, any archive's.

    Only HTML responses with status 200 become articles; records already imported are
    skipped, so an interrupted import is simply run again. Exit codes as for crawl.

    Example: ainews import-warc CC-NEWS-20260301000000-00001.warc.gz --sites sites.toml
    """
    if sites_file is None and not domains:
        sites_file = Path("sites.toml")
    _import_warc(list(sources), db_path, sites_file, site_names=site_names, domains=domains,
                 since=since, until=until, verbose=verbose, workers=workers)


def _import_warc(
    sources: list[str],
    db_path: Path,
    sites_file: Path | None,
    *,
    command: str = "import-warc",
    force: bool = False,
    verbose: bool = False,
    workers: int = -1,
    **filters: Any,
) -> None:
    from ainews.scraper import crawl as api
    from ainews.scraper.exitcodes import BY_STATUS, EXIT_CONFIG, EXIT_FAILED, EXIT_LOCKED
    from ainews.scraper.lock import LockHeld
    from ainews.scraper.warc.importer import build_filter, import_warcs

    api.configure_logging(_log_file(db_path), verbose=verbose)
    tty = sys.stderr.isatty()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # unwinds: the run is closed, workers stopped

    def progress(line: str) -> None:
        click.echo(f"\r{line}\x1b[K", nl=False, err=True)

    try:
        page_filter = build_filter(sites_file, **filters)
        result = import_warcs(
            db_path, sources, page_filter, force=force, progress=progress if tty else None,
            workers=workers,
        )
    except KeyboardInterrupt:
        _fail("interrupted; every record stored so far is whole: run the same command again "
              "to go on", EXIT_INTERRUPTED)
    except ValueError as exc:  # ConfigError too: a bad sites file, site, date or source
        _fail(str(exc), EXIT_CONFIG)
    except LockHeld as exc:
        _fail(str(exc), EXIT_LOCKED)
    if tty:
        click.echo(err=True)
    click.echo(result.summary(db_path, command))
    sys.exit(BY_STATUS.get(result.status, EXIT_FAILED))


@main.command()
@click.argument(
    "input_path",
    metavar="INPUT.jsonl",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--out",
    "output_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write one assignment per input line.",
)
@click.option(
    "--explain",
    nargs=2,
    metavar="ID1 ID2",
    help="Print why two documents are (not) one story: their scores and the deciding rule.",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --explain: two articles stored in this database (ids as in `articles.id`).",
)
def dedupe(
    input_path: Path | None,
    output_path: Path | None,
    explain: tuple[str, str] | None,
    db_path: Path | None,
) -> None:
    """Run the crawl's de-duplication over a JSON Lines corpus.

    Each input line is an object with "id" and "text" ("title", "url", "published_at"
    when present); each output line has "id", "cluster_id", "is_canonical",
    "partial_of", "relation" and "score". A text without words is its own cluster.

    \b
    Example: ainews dedupe articles.jsonl --out clusters.jsonl
             ainews dedupe articles.jsonl --explain a17 b42
             ainews dedupe --db data/ainews.db --explain ID1 ID2
    """
    if explain:
        _dedupe_explain(input_path, db_path, explain)
        return
    if input_path is None or output_path is None:
        raise click.UsageError("give INPUT.jsonl and --out (or --explain ID1 ID2)")
    from ainews.dedupe.corpus import CorpusError, dedupe_jsonl
    from ainews.scraper.fileio import atomic_output

    tty = sys.stderr.isatty()

    def progress(n: int) -> None:
        click.echo(f"\r{n:,} documents indexed", nl=False, err=True)

    try:
        with atomic_output(output_path) as tmp:
            summary = dedupe_jsonl(input_path, tmp, progress=progress if tty else None)
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    except (OSError, sqlite3.Error) as exc:  # --out not writable, a full disk or TMPDIR
        _fail(f"{output_path}: cannot write it ({getattr(exc, 'strerror', None) or exc})",
              EXIT_CONFIG)
    if tty:
        click.echo(err=True)
    no_words = f" ({summary.no_words} without words, each its own)" if summary.no_words else ""
    click.echo(
        f"{summary.documents} documents, {summary.clusters} clusters{no_words}, "
        f"{summary.duplicates} duplicates, {summary.partials} excerpts -> {output_path}"
    )


def _dedupe_explain(input_path: Path | None, db_path: Path | None, ids: tuple[str, str]) -> None:
    """``ainews dedupe --explain``: on a JSON Lines corpus or on a database's articles."""
    from ainews.dedupe.corpus import CorpusError, explain_jsonl

    if (input_path is None) == (db_path is None):
        raise click.UsageError("--explain needs INPUT.jsonl or --db PATH (one of them)")
    try:
        if input_path is not None:
            found = explain_jsonl(input_path, *ids)
        else:
            import sqlite_utils

            from ainews.exports.export import connect_readonly
            from ainews.scraper.storage.clusters import ClusterKeeper
            from ainews.scraper.storage.schema import migrate

            connect_readonly(db_path).close()  # not ainews's database: never migrated
            db = sqlite_utils.Database(db_path)
            try:
                migrate(db)
                with db.atomic():
                    keeper = ClusterKeeper(db)
                    if not keeper.is_consistent():
                        keeper.rebuild()
                found = keeper.dedup.explain(*ids)
            finally:
                db.close()
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyError as exc:
        raise click.ClickException(f"no article with id {exc.args[0]!r}") from None
    except (sqlite3.Error, OSError, DatabaseError) as exc:  # not SQLite, corrupt, read-only
        _fail(str(classify(db_path or input_path, exc)), EXIT_CONFIG)
    for line in found.lines():
        click.echo(line)


@main.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet"]),
    help="Output format [default: from the --out extension].",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    required=True,
    help="Regular file to write (replaced only when the export is complete); - for stdout.",
)
@click.option("--unique", is_flag=True, help="One row per story (canonical articles only).")
@click.option("--since", metavar="DATE", help="Published on/after DATE (YYYY-MM-DD or ISO 8601).")
@click.option(
    "--until", metavar="DATE", help="Published before DATE; a bare date includes that day."
)
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
def export(
    db_path: Path,
    fmt: str | None,
    out: Path,
    unique: bool,
    since: str | None,
    until: str | None,
    sites: tuple[str, ...],
) -> None:
    """Export articles to CSV, JSON Lines or Parquet (streamed; UTF-8; stable columns).

    Example: ainews export --format parquet --out stories.parquet --unique --since 2026-03-01
    """
    from ainews.exports.export import export_articles, infer_format

    tty = sys.stderr.isatty()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # unwinds: the .part file is removed

    def progress(n: int) -> None:
        click.echo(f"\r{n:,} articles", nl=False, err=True)

    try:
        count = export_articles(
            db_path,
            out,
            fmt or infer_format(out),
            unique=unique,
            since=since,
            until=until,
            sites=sites,
            progress=progress if tty else None,
        )
    except (ValueError, FileNotFoundError, DatabaseError) as exc:
        _fail(str(exc), EXIT_CONFIG)
    except OSError as exc:  # a directory that cannot be written, a full disk
        _fail(f"{exc.filename or out}: {exc.strerror or exc}", EXIT_CONFIG)
    if tty:
        click.echo(err=True)
    click.echo(f"{count} articles written to {'standard output' if str(out) == '-' else out}",
               err=str(out) == "-")


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "-p",
    "--port",
    type=click.IntRange(1, 65535),
    default=8001,
    show_default=True,
    help="Port to listen on.",
)
@click.option("-o", "--open", "open_browser", is_flag=True, help="Open a web browser.")
def serve(db_path: Path, host: str, port: int, open_browser: bool) -> None:
    """Browse the database read-only in Datasette: search, facets, canned queries.

    Example: ainews serve --db data/ainews.db --open
    """
    from ainews.exports.serve import serve as run

    _require_ainews_database(db_path)
    click.echo(f"Serving {db_path} read-only at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    run(db_path, host=host, port=port, open_browser=open_browser)


@main.command()
@click.argument("text")
@db_option
@click.option(
    "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Stories shown."
)
@click.option("--since", metavar="DATE", help="Only copies published on/after DATE.")
def search(text: str, db_path: Path, limit: int, since: str | None) -> None:
    """Search the stories: the best-matching ones first, once per story, with a snippet.

    TEXT is searched as words (Meridian-3, GPT-4o, C++ and quotes all work); start it
    with "fts:" for FTS5 syntax ("fts: qwen OR llama", "fts: chip*").

    Example: ainews search "open-weights model" --db data/demo.db --since 2026-03-01
    """
    from ainews.exports.search import search_stories

    try:
        hits = search_stories(db_path, text, limit=limit, since=since)
    except (FileNotFoundError, DatabaseError) as exc:  # missing, not ainews's, corrupt
        _fail(str(exc), EXIT_CONFIG)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if not hits:
        click.echo(f"no stories match {text!r}")
    for rank, hit in enumerate(hits, 1):
        copies = f", {hit.copies} copies on {hit.site_count} sites" if (hit.copies or 1) > 1 else ""
        click.echo(f"{rank:>2}. {hit.title}")
        click.echo(f"    {(hit.published_at or '')[:10]} {hit.site}{copies}  {hit.url}")
        if hit.snippet:
            click.echo(f"    {hit.snippet}")


@main.command()
@db_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default="report.html",
    show_default=True,
    help="HTML file to write (replaced only when complete).",
)
def report(db_path: Path, out: Path) -> None:
    """Write one self-contained HTML page of plots: stories per day and site, the most
    spread stories, time to each copy, sources credited, crawl health per run.

    The page needs no internet to open.

    Example: ainews report --db data/demo.db --out report.html
    """
    from ainews.exports.report import write_report

    try:
        write_report(db_path, out)
    except (FileNotFoundError, DatabaseError) as exc:  # missing, not ainews's, corrupt
        _fail(str(exc), EXIT_CONFIG)
    click.echo(f"report written to {out}")


@main.command()
@db_option
@click.option("--redis", "redis_url", envvar="AINEWS_REDIS_URL", metavar="URL", required=True,
              help="The Redis server the workers push to (AINEWS_REDIS_URL).")
@click.option("--follow", is_flag=True,
              help="Keep waiting for pages [default: stop once the stream is empty and no "
                   "worker is alive].")
@click.option("--consumer", default="ingester", show_default=True,
              help="Name in the stream's consumer group; a restart with the same name "
                   "re-reads what it had not acknowledged.")
@log_file_option
@verbose_option
def ingest(db_path: Path, redis_url: str, follow: bool, consumer: str, log_file: Path | None,
           verbose: bool) -> None:
    """Write the pages crawl workers pushed to Redis into the database (the one writer).

    Example: ainews ingest --redis redis://10.0.0.5:6379/0 --db data/ainews.db --follow
    """
    from ainews.scraper import crawl as api
    from ainews.scraper.scaleout.ingest import run_ingest

    _check_redis(redis_url)
    api.configure_logging(_log_file(db_path, log_file), verbose=verbose)
    try:
        result = run_ingest(redis_url, db_path, consumer=consumer, follow=follow)
    except api.LockHeld as exc:
        _fail(str(exc), api.EXIT_LOCKED)
    click.echo(result.summary(db_path))


@main.command()
@click.option("--redis", "redis_url", envvar="AINEWS_REDIS_URL", metavar="URL", required=True,
              help="The scale-out Redis server (AINEWS_REDIS_URL).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(redis_url: str, as_json: bool) -> None:
    """Queue length, in-flight requests, stream lag, live workers and per-domain slots.

    Example: ainews status --redis redis://10.0.0.5:6379/0
    """
    import json

    from ainews.scraper.scaleout.status import format_status
    from ainews.scraper.scaleout.status import status as read_status

    _check_redis(redis_url)
    report = read_status(redis_url)
    click.echo(json.dumps(report, indent=2) if as_json else format_status(report))


if __name__ == "__main__":
    main()
