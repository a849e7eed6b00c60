"""CPU of the crawl process's store path, alone: de-duplication and the write of each page.

Run from the checkout: ``python -m benchmarks.store_path [--pages 2000] [--repeat 3]``.

The crawl process does, per page, what a cleaning worker sent it through: unpickle the
worker's result, de-duplicate, write the article, its raw page and its version, and
commit in batches (``ainews.scraper.pipelines``). A crawl's own numbers for that
(``crawl_throughput --profile``) vary by ±1-3 ms a page with the machine's load; this
replays the same work without the network, Scrapy or worker processes, so it measures in
process time what a change to those stages saves:

- the pages are those of ``crawl_throughput``'s web (page ``i`` is shared page
  ``i % 266`` at URL ``/a/i``, all on one site, so most are exact copies of an earlier
  page), or ``--distinct``: each shared page once (a real crawl has few exact copies);
- each page is cleaned and prepared once, as a worker does (cached in ``--cache``);
- each replay writes a fresh database with :func:`~ainews.scraper.process.process_page`,
  batched as the pipeline does, and times each page's de-duplication and write apart.

``--keep-db FILE`` keeps the last replay's database; ``--compare A.db B.db`` then says
whether two versions of the code wrote the same rows: every articles, pages, versions,
clusters and cluster_members row (less the wall-clock times of the write) and the whole
de-duplication index, placements and band rows included (a replay is deterministic, so
even which copy is canonical must agree).
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import pickle
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from ainews.scraper import process
from ainews.scraper.cleaning import Prepared
from ainews.scraper.items import FetchedPage
from ainews.scraper.pipelines import COMMIT_RECORDS
from ainews.scraper.pool import clean_fetched
from ainews.scraper.storage import Store
from benchmarks.crawl_throughput import load_pages

#: The host of the replayed URLs (the crawl benchmark's web serves on 127.0.0.1).
BASE = "http://127.0.0.1:8080"
#: Pages fetched per second of the replayed crawl (fetch times are whole seconds).
PAGES_PER_SECOND = 30


def fetched_page(i: int, body: bytes) -> FetchedPage:
    """Page ``i`` of the web, as the spider hands it over (still gzip-encoded)."""
    seconds = i // PAGES_PER_SECOND
    stamp = f"2026-01-01T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}+00:00"
    url = f"{BASE}/a/{i}"
    return FetchedPage(url=url, requested_url=url, site="bench", status=200,
                       content_type="text/html; charset=utf-8", body=body, fetched_at=stamp,
                       content_encoding="gzip")


def prepared_pages(count: int, distinct: bool, cache: Path | None
                   ) -> list[tuple[FetchedPage, bytes]]:
    """(page, the worker's pickled result) for each page of the replay.

    Each shared page is cleaned once; its later copies in the web differ from it only in
    their URL and fetch time (checked on 2,000 pages: every other Article field, the raw
    page and the features are the same), so they get its result with those two set."""
    served = load_pages()
    count = len(served) if distinct else count
    results: list[Prepared | str] = []
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            results = pickle.load(fh)
    if len(results) < min(count, len(served)):
        results = []
        for i in range(min(count, len(served))):
            results.append(clean_fetched(fetched_page(i, served[i])))
            if i % 50 == 49:
                print(f"  cleaned {i + 1} pages", file=sys.stderr)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with cache.open("wb") as fh:
                pickle.dump(results, fh, pickle.HIGHEST_PROTOCOL)
    out = []
    for i in range(count):
        page = fetched_page(i, served[i % len(served)])
        result = results[i % len(served)]
        if isinstance(result, Prepared) and i >= len(served):
            article = replace(result.article, url=page.url, fetched_at=page.fetched_at)
            if "_word_count" in result.article.__dict__:  # counted by the worker, kept
                article.__dict__["_word_count"] = result.article.__dict__["_word_count"]
            result = replace(result, article=article)
        out.append((page, pickle.dumps(result, pickle.HIGHEST_PROTOCOL)))
    return out


def replay(pages: list[tuple[FetchedPage, bytes]], db: Path) -> dict[str, float]:
    """Store every page as the crawl's pipeline does; CPU seconds by stage."""
    clock = time.process_time
    spent = {"unpickle": 0.0, "dedupe": 0.0, "write": 0.0, "commit": 0.0}
    dedupe = process.deduplicate

    def timed_dedupe(*args: object, **kwargs: object) -> object:
        start = clock()
        try:
            return dedupe(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent["dedupe"] += clock() - start  # (inside the write's time: taken out below)

    process.deduplicate = timed_dedupe  # type: ignore[assignment]
    try:
        with Store(db) as store:
            batched = 0
            for page, result in pages:
                start = clock()
                cleaned = pickle.loads(result)
                spent["unpickle"] += clock() - start
                if not batched:
                    store.begin_batch()
                start = clock()
                if isinstance(cleaned, Prepared | str):
                    process.process_page(page, store, cleaned=cleaned)
                spent["write"] += clock() - start
                batched += 1
                if batched >= COMMIT_RECORDS:
                    start = clock()
                    store.commit_batch()
                    spent["commit"] += clock() - start
                    batched = 0
            store.commit_batch()
    finally:
        process.deduplicate = dedupe
    spent["write"] -= spent["dedupe"]
    return spent


#: Columns holding the time of the write (not of the fetch): differ between two replays.
_WRITE_TIMES = {"first_seen_at", "updated_at"}
#: Tables compared by ``--compare`` (all rows, in primary-key order).
_TABLES = ("articles", "pages", "article_versions", "clusters", "cluster_members",
           "dedupe_doc", "dedupe_band", "dedupe_para")


def compare_dbs(a: Path, b: Path) -> list[str]:
    """The tables of :data:`_TABLES` whose rows differ between two replays' databases."""
    out = []
    conns = [sqlite3.connect(p) for p in (a, b)]
    try:
        for table in _TABLES:
            rows = []
            for conn in conns:
                cur = conn.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
                names = [c[0] for c in cur.description]
                keep = [i for i, n in enumerate(names) if n not in _WRITE_TIMES]
                rows.append(sorted(tuple(r[i] for i in keep) for r in cur))
            if rows[0] != rows[1]:
                differ = sum(x != y for x, y in zip(*rows, strict=False))
                out.append(f"{table}: {len(rows[0])} and {len(rows[1])} rows, "
                           f"{differ + abs(len(rows[0]) - len(rows[1]))} differ")
    finally:
        for conn in conns:
            conn.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--distinct", action="store_true",
                        help="each shared page once (few exact copies, as in a real crawl)")
    parser.add_argument("--repeat", type=int, default=3, help="replays (the median is shown)")
    parser.add_argument("--cache", type=Path, help="keep the prepared pages in this file")
    parser.add_argument("--keep-db", type=Path, help="copy the last replay's database here")
    parser.add_argument("--cprofile", type=int, metavar="N",
                        help="profile one replay, print the N costliest functions")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A.db", "B.db"),
                        help="only compare two replays' databases, row by row")
    args = parser.parse_args(argv)
    if args.compare:
        differences = compare_dbs(*args.compare)
        print("\n".join(differences) or "the same rows in every table compared")
        raise SystemExit(1 if differences else 0)
    pages = prepared_pages(args.pages, args.distinct, args.cache)
    n = len(pages)
    sent = statistics.mean(len(pickle.dumps(p, pickle.HIGHEST_PROTOCOL)) for p, _ in pages)
    back = statistics.mean(len(r) for _, r in pages)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(max(1, args.repeat)):
            db = Path(tmp) / f"replay{k}.db"
            if args.cprofile and k == 0:
                prof = cProfile.Profile()
                prof.enable()
                runs.append(replay(pages, db))
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(args.cprofile)
            else:
                runs.append(replay(pages, db))
            if args.keep_db:
                shutil.copy(db, args.keep_db)
    print(f"{n} pages ({'distinct' if args.distinct else 'the crawl benchmark web'}), "
          f"{args.repeat} replays; to a worker {sent / 1024:.1f} KB pickled a page "
          f"(body gzip {statistics.mean(len(p.body) for p, _ in pages) / 1024:.1f} KB, "
          f"{statistics.mean(len(gzip.decompress(p.body)) for p, _ in pages[:50]) / 1024:.0f}"
          f" KB inflated), back {back / 1024:.1f} KB")
    print("CPU ms a page, median of the replays (each replay):")
    for stage in (*runs[0], "total"):
        values = [sum(r.values()) if stage == "total" else r[stage] for r in runs]
        each = " ".join(f"{v * 1000 / n:.2f}" for v in values)
        print(f"  {stage:<9}{statistics.median(values) * 1000 / n:>7.2f}   ({each})")


if __name__ == "__main__":
    main()
