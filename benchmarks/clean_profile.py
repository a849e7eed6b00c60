"""Where a cleaning worker's CPU goes: the per-page work of ``clean_and_prepare``, stage by
stage, on the 266 shared benchmark pages, beside trafilatura's own ``extract()`` on the
same pages in the same run.

Run from the checkout::

    .venv/bin/python -m benchmarks.clean_profile                 # the stage table
    .venv/bin/python -m benchmarks.clean_profile --dump out.jsonl   # also write every result
    .venv/bin/python -m benchmarks.clean_profile --check-against out.jsonl  # same output?
    .venv/bin/python -m benchmarks.clean_profile --cprofile 40      # cProfile's top 40
    .venv/bin/python -m benchmarks.clean_profile --codecs          # raw-page codecs only
    .venv/bin/python -m benchmarks.clean_profile --pool 3          # in process vs pool
    .venv/bin/python -m benchmarks.clean_profile --python-gc       # Python's default GC
    .venv/bin/python -m benchmarks.clean_profile --trafilatura-calls  # our call vs extract()

Each stage is timed by wrapping the function that does it (``time.process_time``, so
other processes on a shared machine barely move the numbers); a stage's time excludes
the stages it calls (trafilatura's run inside the second opinions is counted once, as
trafilatura). ``other`` is what no wrapper covers. ``--check-against`` compares every
Article field, the content hash, the de-duplication features and the decompressed raw
page with an earlier ``--dump``: a speed change must leave all of them identical.
The pages are cleaned with the workers' garbage collection policy (``pool.worker_gc``)
unless ``--python-gc``; the time collections took is shown apart (it is inside the stages).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import cProfile
import gc
import hashlib
import json
import os
import pickle
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from types import SimpleNamespace
from typing import Any

from ainews.scraper import cleaning
from ainews.scraper.contentcoding import decoded_page
from ainews.scraper.extraction import (
    body,
    choose,
    core,
    jsonld,
    metadata,
    titles,
)
from ainews.scraper.items import FetchedPage
from ainews.scraper.pool import DEFAULT_MAX_SIZE, ExtractorPool, clean_fetched, worker_gc
from ainews.scraper.storage.rawpages import decompress_raw
from benchmarks import extraction
from benchmarks import metadata as metadata_bench

#: Seconds of CPU per stage, for the page being cleaned.
_spent: dict[str, float] = defaultdict(float)
#: CPU seconds of the stages running inside the current one (subtracted from its own).
_inner: list[float] = []

#: (module, attribute, stage): the functions timed. A name is patched where it is looked
#: up, so the same function imported into two modules can be two stages.
STAGES: list[tuple[Any, str, str]] = [
    (core, "decode_html", "decode"),
    (core, "check_text", "decode"),
    (core, "parse_html", "parse"),
    (core, "check_tree", "parse"),
    (core, "extract_metadata", "metadata: rest"),
    (metadata, "_meta_map", "metadata: meta tags"),
    (jsonld, "read_article", "metadata: json-ld"),
    (metadata, "_heading", "metadata: title"),
    (metadata, "_headline_element", "metadata: title"),
    (titles, "choose_title", "metadata: title"),
    (metadata, "_dates", "metadata: dates"),
    (metadata, "_authors", "metadata: authors"),
    (metadata, "_tags", "metadata: rest"),
    (metadata, "_language", "metadata: language"),
    (metadata, "_credit", "metadata: credit"),
    (core, "extract_body", "body: rest"),
    (body, "looks_binary", "body: binary check"),
    (body, "prune_boilerplate", "prune"),
    (body, "prose_words", "body: prose count"),
    (body, "pruned_text", "trafilatura (pruned page)"),
    (body, "choose_text", "second opinions"),
    (choose, "trafilatura_text", "trafilatura (own, when short)"),
    (choose, "prune_boilerplate", "prune"),
    (choose, "_readability_text", "second opinions"),
    (body, "restore_headings", "paragraphs: headings"),
    (body, "drop_headline", "paragraphs: rules"),
    (body, "dedupe_paragraphs", "paragraphs: rules"),
    (body, "split_credit", "paragraphs: rules"),
    (body, "drop_teasers", "paragraphs: rules"),
    (body, "drop_labels", "paragraphs: rules"),
    (body, "find_lede", "lede"),
    (cleaning, "compress_raw", "raw page compression"),
    (cleaning, "content_hash", "content hash"),
    (cleaning, "features", "dedupe features"),
]
#: CPU seconds spent in garbage collections (inside whichever stage triggered them).
_gc = {"seconds": 0.0, "started": 0.0}


def _gc_clock(phase: str, _info: dict) -> None:
    if phase == "start":
        _gc["started"] = time.process_time()
    else:
        _gc["seconds"] += time.process_time() - _gc["started"]


#: ``copy.deepcopy`` as body.py and choose.py call it (trafilatura's own copies are its).
COPY_STAGES = [(body, "copy of the tree"), (choose, "copy of the tree")]


def _timed(function: Callable, stage: str) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _inner.append(0.0)
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            elapsed = time.process_time() - start
            inner = _inner.pop()
            _spent[stage] += elapsed - inner
            if _inner:
                _inner[-1] += elapsed

    return wrapper


@contextmanager
def instrumented() -> Iterator[None]:
    """The stage functions wrapped by timers, put back on exit."""
    saved = [(module, name, getattr(module, name)) for module, name, _ in STAGES]
    saved += [(module, "copy", module.copy) for module, _ in COPY_STAGES]
    try:
        for module, name, stage in STAGES:
            setattr(module, name, _timed(getattr(module, name), stage))
        for module, stage in COPY_STAGES:
            module.copy = SimpleNamespace(deepcopy=_timed(copy.deepcopy, stage))
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


def load_pages() -> list[tuple[str, FetchedPage]]:
    """The extraction and metadata benchmark pages (266), as the crawl hands them over."""
    named = [(f"x:{p.id}", p.url, p.html) for p in extraction.load_pages()]
    named += [(f"m:{name}", truth["url"], html)
              for name, truth, html in metadata_bench.load_pages()]
    return [(name, FetchedPage(url=url, requested_url=url, site="bench", status=200,
                               content_type="text/html", body=html,
                               fetched_at="2026-01-01T00:00:00+00:00"))
            for name, url, html in named]


def record(result: cleaning.Prepared | str, page: FetchedPage) -> dict[str, Any]:
    """What a worker hands back for a page, as comparable JSON."""
    if isinstance(result, str):
        return {"skip": result}
    f = result.features
    return {
        "article": asdict(result.article),
        "content_hash": result.content_hash,
        "features": hashlib.sha1(b"".join((
            f.token_hashes.tobytes(), f.para_ends.tobytes(), f.para_hashes.tobytes(),
            str(f.body_hash).encode()))).hexdigest(),
        "raw_ok": decompress_raw(result.raw_page) == page.body,
    }


def _peer(page: FetchedPage) -> None:
    import trafilatura

    trafilatura.extract(page.body, url=page.url, favor_precision=True, include_comments=False)


def run(pages: list[tuple[str, FetchedPage]]) -> tuple[dict[str, list[float]],
                                                         dict[str, dict[str, Any]]]:
    """CPU milliseconds per page of each stage (and ``total``, ``trafilatura.extract``),
    and every page's result."""
    table: dict[str, list[float]] = defaultdict(list)
    results = {}
    gc.callbacks.append(_gc_clock)
    with instrumented():
        for name, page in pages:
            _spent.clear()
            _gc["seconds"] = 0.0
            start = time.process_time()
            result = cleaning.clean_and_prepare(page)
            pickle_start = time.process_time()
            pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            end = time.process_time()
            _spent["pickling the result"] += end - pickle_start
            _spent["other"] += (end - start) - sum(_spent.values())
            for stage, seconds in _spent.items():
                table[stage].append(seconds * 1000)
            table["total"].append((end - start) * 1000)
            table["garbage collection (in stages)"].append(_gc["seconds"] * 1000)
            start = time.process_time()
            _peer(page)
            table["trafilatura.extract (peer)"].append((time.process_time() - start) * 1000)
            results[name] = record(result, page)
    gc.callbacks.remove(_gc_clock)
    for times in table.values():  # a stage a page did not reach took 0 ms there
        times.extend([0.0] * (len(pages) - len(times)))
    return table, results


def format_table(table: dict[str, list[float]]) -> str:
    rows = [f"{'stage (cpu ms/page)':<32} {'median':>7} {'mean':>7} {'p95':>7}"]
    order = [s for s in dict.fromkeys(stage for _, _, stage in STAGES) if s in table]
    order += [s for _, s in COPY_STAGES[:1]] + ["pickling the result", "other", "total",
                                                 "garbage collection (in stages)",
                                                 "trafilatura.extract (peer)"]
    for stage in dict.fromkeys(order):
        times = sorted(table.get(stage, [0.0]))
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        rows.append(f"{stage:<32} {statistics.median(times):7.2f} "
                    f"{statistics.mean(times):7.2f} {p95:7.2f}")
    for name, average in (("median", statistics.median), ("mean", statistics.mean)):
        total, peer = (average(table[k]) for k in ("total", "trafilatura.extract (peer)"))
        rows.append(f"{name} total / trafilatura.extract: {total / peer:.2f}x")
    return "\n".join(rows)


def check(results: dict[str, dict[str, Any]], path: str) -> list[str]:
    """The pages whose result differs from the ``--dump`` at ``path``, with the fields."""
    with open(path, encoding="utf-8") as stored_file:
        stored = {row["page"]: row["result"] for row in map(json.loads, stored_file)}
    problems = [f"{name}: missing" for name in stored.keys() - results.keys()]
    for name, result in sorted(results.items()):
        before = stored.get(name)
        if before is None:
            problems.append(f"{name}: new page")
            continue
        if not result.get("raw_ok", True):
            problems.append(f"{name}: raw page does not decompress to the page")
        for key in sorted(before.keys() | result.keys()):
            if key == "article":
                fields = [f for f in before[key] if before[key][f] != result[key].get(f)]
                problems += [f"{name}: article.{f}" for f in fields]
            elif before.get(key) != result.get(key):
                problems.append(f"{name}: {key}")
    return problems


def _codecs() -> dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]]:
    import gzip

    import zstandard

    found: dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {
        f"gzip {level}": (lambda b, lv=level: gzip.compress(b, compresslevel=lv, mtime=0),
                          gzip.decompress) for level in (1, 3, 6, 9)}
    for level in (1, 3, 6, 9):
        found[f"zstd {level}"] = (zstandard.ZstdCompressor(level=level).compress,
                                  zstandard.ZstdDecompressor().decompress)
    return found


def codec_table(pages: list[tuple[str, FetchedPage]]) -> str:
    """CPU ms per page to compress and decompress the raw pages, and bytes stored, for
    the codecs a stored raw page could use (``scraper/storage/rawpages.py`` uses one)."""
    bodies = [page.body for _, page in pages]
    raw_kb = sum(map(len, bodies)) / len(bodies) / 1024
    rows = [f"{len(bodies)} pages, {raw_kb:.1f} KB of HTML each on average",
            f"{'codec':<8} {'compress ms':>12} {'decompress ms':>14} {'KB stored':>10} "
            f"{'ratio':>6}"]
    for name, (compress, decompress) in _codecs().items():
        packed, unpacked, size = [], [], 0
        for html in bodies:
            start = time.process_time()
            stored = compress(html)
            middle = time.process_time()
            if decompress(stored) != html:
                raise SystemExit(f"{name} does not round-trip")
            packed.append(middle - start)
            unpacked.append(time.process_time() - middle)
            size += len(stored)
        rows.append(f"{name:<8} {statistics.mean(packed) * 1000:12.2f} "
                    f"{statistics.mean(unpacked) * 1000:14.2f} "
                    f"{size / len(bodies) / 1024:10.1f} {raw_kb * len(bodies) * 1024 / size:6.2f}")
    return "\n".join(rows)


def trafilatura_calls(pages: list[tuple[str, FetchedPage]], repeat: int) -> str:
    """CPU ms per call of ``trafilatura_run.precision_text`` on a copy of the pruned page
    (what ``choose.py`` calls) against ``trafilatura.extract`` on the same page, alternating
    page by page, in both modes; every text compared."""
    import trafilatura

    from ainews.scraper.extraction.trafilatura_run import MIRRORED, precision_text

    pruned = []
    for _, page in pages:
        tree = core.parse_html(core.decode_html(page.body, page.content_type))
        work = body.page_copy(tree)
        body.prune_boilerplate(work)
        pruned.append((page.url, work))
    rows = [f"trafilatura {trafilatura.__version__}, mirrored: {MIRRORED}; {len(pruned)} pruned "
            f"pages x {repeat}, CPU ms per call",
            f"{'mode':<6} {'extract()':>10} {'ours':>8} {'saved':>8} {'differ':>7}"]
    for fast in (True, False):
        theirs, ours, differ = 0.0, 0.0, 0
        for _ in range(repeat):
            for url, work in pruned:
                start = time.process_time()
                expected = trafilatura.extract(work, url=url, favor_precision=True,
                                               include_comments=False, fast=fast) or ""
                middle = time.process_time()
                text = precision_text(copy.deepcopy(work), url, fast=fast)
                theirs, ours = theirs + middle - start, ours + time.process_time() - middle
                differ += text != expected
        calls = repeat * len(pruned) / 1000
        rows.append(f"{'fast' if fast else 'full':<6} {theirs / calls:10.2f} {ours / calls:8.2f} "
                    f"{(theirs - ours) / calls:8.2f} {differ:7d}")
    return "\n".join(rows)


def as_crawled(pages: list[tuple[str, FetchedPage]]) -> list[FetchedPage]:
    """The pages as ``crawl_throughput``'s web hands them to the cleaning pool: gzip, a
    charset in the Content-Type, a 127.0.0.1 URL."""
    import gzip

    return [replace(page, url=f"http://127.0.0.1:8000/a/{i}",
                    requested_url=f"http://127.0.0.1:8000/a/{i}",
                    content_type="text/html; charset=utf-8",
                    body=gzip.compress(page.body, mtime=0), content_encoding="gzip")
            for i, (_, page) in enumerate(pages)]


def _process_cpu(_page: object) -> float:
    return time.process_time()


def _clean_timed(page: FetchedPage, max_size: int) -> tuple[float, Any]:
    """``clean_fetched`` in a worker, with the CPU seconds it took there."""
    start = time.process_time()
    result = clean_fetched(page, max_size)
    return time.process_time() - start, result


async def _through_pool(pages: list[FetchedPage]) -> dict[str, float]:
    pool = ExtractorPool(1)
    pool.start()
    try:
        for page in pages[:5]:  # the worker started and warmed outside the measurement
            await pool.run(_clean_timed, page, pool.max_size)
        worker, mine = await pool.run(_process_cpu, None), time.process_time()
        timed = await asyncio.gather(*(pool.run(_clean_timed, page, pool.max_size)
                                       for page in pages))
        mine, worker = time.process_time() - mine, await pool.run(_process_cpu, None) - worker
    finally:
        pool.close()
    in_task = sum(seconds for seconds, _ in timed)
    return {"worker": worker, "in_task": in_task, "submitting": mine}


def pool_table(pages: list[tuple[str, FetchedPage]], rounds: int) -> str:
    """Where a cleaning worker's CPU goes beyond ``clean_and_prepare`` on the pages alone:
    the same pages as the crawl hands them over (:func:`as_crawled`), cleaned in this
    process, then through an ``ExtractorPool`` of one worker as the crawl feeds it (the
    worker's whole CPU, the share inside the task, and the submitting process's CPU),
    alternating ``rounds`` times (the machine is shared: compare within a round)."""
    crawled = as_crawled(pages)
    n = len(crawled)
    rows = [f"{n} pages as crawled; CPU ms per page; load average {os.getloadavg()[0]:.2f}",
            f"{'round':>5} {'clean_and_prepare':>18} {'clean_fetched':>14} {'gunzip':>7} "
            f"{'pool worker':>12} {'in task':>8} {'submitter':>10}"]
    for r in range(1, rounds + 1):
        start = time.process_time()
        for _, page in pages:
            cleaning.clean_and_prepare(page)
        plain = time.process_time() - start
        start = time.process_time()
        for page in crawled:
            clean_fetched(page, DEFAULT_MAX_SIZE)
        fetched = time.process_time() - start
        start = time.process_time()
        for page in crawled:
            decoded_page(page, DEFAULT_MAX_SIZE)
        gunzip = time.process_time() - start
        pooled = asyncio.run(_through_pool(crawled))
        rows.append(f"{r:>5} {1000 * plain / n:>18.1f} {1000 * fetched / n:>14.1f} "
                    f"{1000 * gunzip / n:>7.2f} {1000 * pooled['worker'] / n:>12.1f} "
                    f"{1000 * pooled['in_task'] / n:>8.1f} "
                    f"{1000 * pooled['submitting'] / n:>10.2f}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", help="write every page's result to this JSONL file")
    parser.add_argument("--check-against", metavar="JSONL",
                        help="compare every page's result with an earlier --dump")
    parser.add_argument("--codecs", action="store_true",
                        help="only compare raw-page codecs (gzip and zstd levels)")
    parser.add_argument("--trafilatura-calls", action="store_true",
                        help="only time our trafilatura call against trafilatura.extract() "
                             "on the pruned pages (with --repeat)")
    parser.add_argument("--pool", type=int, metavar="ROUNDS", default=0,
                        help="only compare cleaning the pages as crawled in this process "
                             "and through a one-worker pool, ROUNDS times")
    parser.add_argument("--cprofile", type=int, metavar="N", default=0,
                        help="also print cProfile's N most expensive functions (cumulative)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="clean the pages this many times, report the median run")
    parser.add_argument("--python-gc", action="store_true",
                        help="keep Python's default garbage collection instead of the "
                             "cleaning workers' (ainews.scraper.pool.worker_gc)")
    args = parser.parse_args(argv)
    pages = load_pages()
    if args.codecs:
        print(codec_table(pages))
        return 0
    if args.pool:
        print(pool_table(pages, args.pool))
        return 0
    if args.trafilatura_calls:
        print(trafilatura_calls(pages, max(1, args.repeat)))
        return 0
    for _, page in pages[:5]:  # imports and caches warmed outside the measurement
        cleaning.clean_and_prepare(page)
        _peer(page)
    if not args.python_gc:
        worker_gc()  # as a cleaning worker collects
    runs = [run(pages) for _ in range(max(1, args.repeat))]
    runs.sort(key=lambda r: sum(r[0]["total"]))
    table, results = runs[len(runs) // 2]
    print(f"{len(pages)} pages; cleaning worker, per page, stages exclusive of those they call")
    print(format_table(table))
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for name, result in sorted(results.items()):
                out.write(json.dumps({"page": name, "result": result}, ensure_ascii=False,
                                     sort_keys=True) + "\n")
    status = 0
    if args.check_against:
        problems = check(results, args.check_against)
        print(f"check against {args.check_against}: "
              + (f"{len(problems)} differences" if problems else "identical on every page"))
        print("\n".join(problems[:50]))
        status = 1 if problems else 0
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _, page in pages:
            cleaning.clean_and_prepare(page)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(
            args.cprofile)
    return status


if __name__ == "__main__":
    sys.exit(main())
