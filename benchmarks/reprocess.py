"""``ainews reprocess`` speed for each number of cleaning workers, on a real database.

Run from the checkout: ``python -m benchmarks.reprocess [--pages 2000] [--workers 0,1,2]``.

Builds a database of ``--pages`` articles whose raw pages are the shared benchmark pages
(``$AINEWS_SHARED``: extraction-bench and metadata-bench HTML, page ``i`` is page ``i %
count`` at its own URL, as ``crawl_throughput`` serves them), cleaned and clustered by this
code, or takes ``--db`` (e.g. a ``crawl_throughput --keep-db`` database), and forces every
article stale (an extractor version bump that changes no body: each page is cleaned again,
most de-duplication is skipped). Then reprocesses a copy of it with each ``--workers``
count, each run in its own process, and prints pages/s and CPU milliseconds a page of the
writing process and of its workers. ``--baseline PYTHON`` first runs another version of
ainews (installed for that interpreter, e.g. ``/work/main/.venv/bin/python``: one page at a
time in one process) on a copy of the same database, in each round: before/after at the same
load, with each ``--workers`` count. ``--cli`` times the whole ``ainews reprocess`` command
instead (interpreter start, imports, worker start: what a small run costs; e.g. ``--pages 20
--rounds 5 --cli``); its CPU is the command's and its workers' together. Every run's
articles, pages and clusters are compared with the first run's (they must be the same
whatever the number of workers). The machine may be shared: the load average is printed
beside each run.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ainews.scraper.paths import shared_dir

#: What a run executes in its own process: reprocess the database, print its own numbers.
#: Written against ``reprocess_database``'s oldest signature, so a baseline runs it too.
RUNNER = """
import inspect, json, sys, time
from ainews.scraper.reprocess import reprocess_database
db, workers = sys.argv[1], int(sys.argv[2])
kw = {"workers": workers} if "workers" in inspect.signature(reprocess_database).parameters else {}
wall, cpu = time.monotonic(), time.process_time()
counts = reprocess_database(db, only_stale=True, **kw)
print(json.dumps({"counts": counts, "wall": time.monotonic() - wall,
                  "writer_cpu": time.process_time() - cpu}))
"""
#: Columns stamped with the time of the write, not decided by the page.
CLOCK = {"first_seen_at", "updated_at"}
TABLES = ("articles", "pages", "clusters", "cluster_members")


def load_pages() -> list[tuple[str, bytes]]:
    root = shared_dir()
    files = sorted((root / "extraction-bench" / "html").glob("*.html*"))
    files += sorted((root / "metadata-bench" / "html").glob("*.html*"))
    if not files:
        raise SystemExit(f"no benchmark pages under {root} (set $AINEWS_SHARED)")
    return [(p.name, gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes())
            for p in files]


def build_database(path: Path, count: int) -> None:
    """``count`` articles whose raw pages are the shared benchmark pages: stored with a
    placeholder body, then cleaned (``reprocess``, every core)."""
    from ainews.scraper.article import Article
    from ainews.scraper.extraction import EXTRACTOR_VERSION
    from ainews.scraper.items import FetchedPage
    from ainews.scraper.reprocess import reprocess_database
    from ainews.scraper.storage import Store

    pages = load_pages()
    fetched = "2026-04-07T00:00:00+00:00"
    with Store(path) as store:
        for i in range(count):
            name, html = pages[i % len(pages)]
            url = f"http://127.0.0.1:8000/a/{i}"
            stale = Article(url=url, title=f"old title {i}", body=f"old body of {name} {i}",
                            site="bench", fetched_at=fetched)
            page = FetchedPage(url, url, "bench", 200, "text/html; charset=utf-8", html, fetched)
            with store.transaction():
                store.save_article(stale, page, extractor_version=EXTRACTOR_VERSION - 1)
    reprocess_database(path)


def force_stale(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute("UPDATE articles SET extractor_version = -1")
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


def run_one(python: str, db: Path, workers: int, *, cli: bool = False) -> dict:
    """Reprocess ``db`` in a process of its own; its numbers and its children's CPU.
    ``cli``: the whole ``ainews reprocess`` command, timed from outside."""
    if cli:
        command = [python, "-m", "ainews.scraper.cli", "reprocess", "--db", str(db),
                   "--workers", str(workers)]
    else:
        command = [python, "-c", RUNNER, str(db), str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, cwd=tempfile.gettempdir(),
                         env=_env())
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"{python} reprocess failed:\n{run.stderr[-3000:]}")
    if cli:
        result = {"counts": run.stdout.strip(), "wall": wall, "writer_cpu": 0.0}
    else:
        result = json.loads(run.stdout.strip().splitlines()[-1])
    total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["total_cpu"] = total
    result["load"] = os.getloadavg()[0]
    return result


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("AINEWS_WORKERS", None)
    return env


def table_rows(conn: sqlite3.Connection, table: str) -> Iterator[tuple]:
    """The rows of ``table`` without the clock columns (:data:`CLOCK`), in no set order."""
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in CLOCK]
    return conn.execute(f"SELECT {', '.join(columns)} FROM {table}")


def dump(db: Path) -> dict[str, str]:
    """A digest of each table's rows (clock columns left out), whatever their order."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in TABLES:
            digest = hashlib.sha256()
            for row_hash in sorted(hashlib.sha256(repr(row).encode()).digest()
                                   for row in table_rows(conn, table)):
                digest.update(row_hash)
            out[table] = digest.hexdigest()
        return out
    finally:
        conn.close()


def _swapped(runs: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """``runs`` with each (baseline, ours) pair of one worker count in the other order."""
    out: list[tuple[str, str, int]] = []
    for run in runs:
        if out and out[-1][0] == "baseline" and out[-1][2] == run[2]:
            out.insert(len(out) - 1, run)
        else:
            out.append(run)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles in the database")
    parser.add_argument("--workers", default="0,1,2", help="worker counts to run, e.g. 0,1,2")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each count")
    parser.add_argument("--db", type=Path, help="reprocess copies of this database instead")
    parser.add_argument("--baseline", metavar="PYTHON",
                        help="also run this interpreter's ainews (e.g. main's) in each round")
    parser.add_argument("--cli", action="store_true",
                        help="time the whole `ainews reprocess` command (start-up included)")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="ainews-reprocess-") as tmp:
        source = Path(tmp) / "stale.db"
        if args.db:
            shutil.copy(args.db, source)
            pages = force_stale(source)
        else:
            started = time.monotonic()
            build_database(source, args.pages)
            pages = force_stale(source)
            print(f"built {pages} articles in {time.monotonic() - started:.0f}s", flush=True)
        runs = []
        for n in counts:  # before/after side by side, at the same load
            runs += [("baseline", args.baseline, n)] if args.baseline else []
            runs.append(("ainews", sys.executable, n))
        results: dict[tuple[str, int], list[dict]] = {}
        reference = None
        print(f"{'code':9} {'workers':>7} {'s':>7} {'pages/s':>8} {'CPU ms/page: writer':>20} "
              f"{'workers':>8} {'total':>6}  load  same")
        for round_ in range(args.rounds):
            # ours and the baseline take turns to go first: the second of a pair often runs
            # at another load (a shared machine's load moves in steps of minutes)
            ordered = runs if round_ % 2 == 0 else _swapped(runs)
            for label, python, workers in ordered:
                db = Path(tmp) / f"{label}-{workers}.db"
                shutil.copy(source, db)
                result = run_one(python, db, workers, cli=args.cli)
                rows = dump(db)
                reference = reference or rows
                db.unlink()
                result["same"] = rows == reference
                results.setdefault((label, workers), []).append(result)
                writer = result["writer_cpu"] * 1000 / pages
                total = result["total_cpu"] * 1000 / pages
                split = (f"{'-':>20} {'-':>8}" if args.cli
                         else f"{writer:20.1f} {total - writer:8.1f}")
                print(f"{label:9} {workers:>7} {result['wall']:7.2f} "
                      f"{pages / result['wall']:8.1f} {split} "
                      f"{total:6.1f}  {result['load']:4.1f}  {result['same']}", flush=True)
        if args.rounds > 1:
            print("medians:")
            for (label, workers), rs in results.items():
                wall = statistics.median(r["wall"] for r in rs)
                print(f"{label:9} {workers:>7} {pages / wall:8.1f} pages/s {wall:7.2f} s")
        print(f"outcomes: {results[(runs[-1][0], runs[-1][2])][-1]['counts']}")


if __name__ == "__main__":
    main()
