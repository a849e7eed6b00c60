"""A deterministic mutation fuzzer: hostile and damaged inputs for every parser the crawl
feeds with bytes from the web, beside trafilatura on the same pages.

Run from the checkout::

    .venv/bin/python -m benchmarks.fuzz                      # seed 1, 3 mutations a page
    .venv/bin/python -m benchmarks.fuzz --seed 7 --per-page 6 --no-peer
    .venv/bin/python -m benchmarks.fuzz --only extract --pages 20
    .venv/bin/python -m benchmarks.fuzz --show 'hostile/nesting-10000-div' > case.html
    .venv/bin/python -m benchmarks.fuzz --scaling              # time against input size

Targets: ``extract`` (the 266 shared pages, each mutated ``--per-page`` times: truncated
inside tags, comments and CDATA, bytes flipped, NULs, controls, lone surrogates, invalid
UTF-8, BOMs, wrong and mixed charsets, XML declarations and doctypes, the article wrapped in
<template>/<svg>/<noscript>..., deep nesting, huge attributes and text nodes, broken JSON-LD,
absurd meta values and dates, display:none, entities, damaged gzip; plus hand-built hostile
pages), each through the cleaning worker's path (``pool.clean_fetched``: gunzip,
``extract``, ``prepare``) and through ``trafilatura.extract``; ``discovery`` (feeds and
sitemaps: ``parse_document``, and ``listing_links``); ``robots`` (Scrapy's Protego parser,
as the crawl uses it); ``warc`` (``WarcReader`` and ``read_body``); ``sites``
(``load_sites``); ``dedupe`` (``ainews dedupe``'s JSON Lines input, ``dedupe_jsonl``).
The same seed gives the same cases. For each target it counts inputs that raised
(anything but the documented clear error: ``TooComplex`` is a skip, ``DiscoveryError``,
``BodyError``, ``ConfigError`` and ``CorpusError`` are refusals), pages whose body came
out empty though their article's text is still in them (a truncation before the article
is no failure), and the slowest input (CPU seconds; a case is stopped after
``--timeout`` CPU seconds and counted as ``timeout``).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import logging
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from benchmarks.fuzz_cases import Case, hostile_pages, page_cases, scaled_pages
from benchmarks.fuzz_docs import (
    dedupe_cases,
    discovery_cases,
    robots_cases,
    sites_cases,
    warc_cases,
)

TARGETS = ("extract", "discovery", "robots", "warc", "sites", "dedupe")
URL = "https://news.example.com/2026/03/30/a-story"
#: A hand-built page "has text" when its markup-free text has at least this many words (a
#: mutated real page has its article when a stretch of its unmutated body is still there).
TEXT_WORDS = 50


@dataclass
class Outcome:
    status: str  # ok | empty | skip:<reason> | refused | raised:<Type> | timeout
    seconds: float  # CPU seconds
    words: int = 0
    detail: str = ""


@dataclass
class Result:
    case: Case
    ours: Outcome
    peer: Outcome | None = None
    has_text: bool = False


class _Timeout(BaseException):
    """Raised by the CPU-time alarm; a BaseException so no ``except Exception`` eats it."""


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


@contextmanager
def _cpu_limit(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def timed(fn: Callable[[], tuple[str, int]], timeout: float,
          refusals: tuple[type[BaseException], ...] = ()) -> Outcome:
    """Run ``fn`` (returning ``(status, words)``) under a CPU-time limit."""
    start = time.process_time()
    try:
        with _cpu_limit(timeout):
            status, words = fn()
        return Outcome(status, time.process_time() - start, words)
    except _Timeout:
        return Outcome("timeout", time.process_time() - start)
    except refusals as exc:
        return Outcome("refused", time.process_time() - start, detail=str(exc)[:120])
    except Exception as exc:  # noqa: BLE001 (a fuzzer counts every failure)
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return Outcome(f"raised:{type(exc).__name__}", time.process_time() - start,
                       detail=f"{where} {str(exc)[:120]}")


# -- the targets ---------------------------------------------------------------------------

def _page(case: Case):  # noqa: ANN202
    from ainews.scraper.items import FetchedPage

    body = case.data if isinstance(case.data, bytes) else case.data.encode("utf-8", "replace")
    return FetchedPage(url=URL, requested_url=URL, site="fuzz", status=200,
                       content_type=case.content_type, body=body,
                       fetched_at="2026-03-30T12:00:00+00:00", content_encoding=case.encoding)


def run_ours(case: Case) -> tuple[str, int]:
    """The cleaning worker's path; a ``str`` page (lone surrogates) goes to ``extract``."""
    from ainews.scraper import cleaning
    from ainews.scraper.pool import clean_fetched
    from ainews.scraper.settings import DOWNLOAD_MAXSIZE

    if len(case.data) > DOWNLOAD_MAXSIZE:  # Scrapy refuses it before any cleaning
        return "skip:too_large", 0
    if isinstance(case.data, str):
        result = _clean_str(case)
    else:
        result = clean_fetched(_page(case), DOWNLOAD_MAXSIZE)
    if isinstance(result, str):
        return ("empty" if result == cleaning.NO_ARTICLE_TEXT else f"skip:{result}"), 0
    return "ok", len(result.article.body.split())


def _clean_str(case: Case):  # noqa: ANN202
    from ainews.scraper.cleaning import NO_ARTICLE_TEXT, TOO_COMPLEX, prepare
    from ainews.scraper.extraction import TooComplex, extract

    try:
        article = extract(case.data, URL, content_type=case.content_type)
    except TooComplex:
        return TOO_COMPLEX
    if not any(ch.isalnum() for ch in article.body):
        return NO_ARTICLE_TEXT
    return prepare(article)


def _decoded(case: Case) -> bytes | str | None:
    """The page as the parsers see it (gunzipped), or None when it cannot be."""
    from ainews.scraper.contentcoding import gunzip

    if case.encoding:
        try:
            return gunzip(case.data, 10 * 2**20)  # type: ignore[arg-type]
        except ValueError:
            return None
    return case.data


def run_peer(case: Case) -> tuple[str, int]:
    import trafilatura

    data = _decoded(case)
    if data is None:
        return "skip:bad_content_encoding", 0
    if len(case.data) > 10 * 2**20:  # what the crawl refuses (DOWNLOAD_MAXSIZE)
        return "skip:too_large", 0
    text = trafilatura.extract(data, url=URL) or ""
    return ("ok" if text.strip() else "empty"), len(text.split())


def has_text(case: Case, marker: str | None) -> bool:
    """Whether the page still holds its article: ``marker`` (a stretch of the body
    extracted from the page before it was mutated) is in its text; for a hand-built page
    (no marker), its text has at least :data:`TEXT_WORDS` words."""
    from ainews.scraper.extraction.charset import decode_html
    from ainews.scraper.extraction.parsing import plain_text

    data = _decoded(case)
    if data is None:
        return False
    text = plain_text(decode_html(data, case.content_type))
    if marker is not None:
        return marker in " ".join(text.split())
    return len(text.split(None, TEXT_WORDS)) > TEXT_WORDS


def article_marker(html: bytes, url: str) -> str | None:
    """60 characters from the middle of the longest paragraph ours extracts from a page."""
    from ainews.scraper.extraction import TooComplex, extract

    try:
        lines = extract(html, url).body.splitlines()
    except TooComplex:
        return None
    longest = " ".join(max(lines, key=len, default="").split())
    middle = len(longest) // 2
    return longest[max(0, middle - 30):middle + 30] if len(longest) >= 80 else None


def run_discovery(case: Case) -> tuple[str, int]:
    from ainews.scraper.discovery import listing_links, parse_document

    if case.name.startswith("listing/"):  # a hostile page read as a listing page
        return "ok", len(listing_links(case.data, URL)) + bool(_next_page(case))
    found = parse_document(case.data, "https://news.example.com/feed.xml")  # type: ignore[arg-type]
    listing_links(case.data, "https://news.example.com/")
    return "ok", len(found.articles) + len(found.sitemaps)


def _next_page(case: Case) -> str | None:
    """The spider's "next page" link of a listing, read from a Scrapy response."""
    from scrapy.http import HtmlResponse

    from ainews.scraper.spiders.news import _next_page

    body = case.data if isinstance(case.data, bytes) else case.data.encode("utf-8", "replace")
    return _next_page(HtmlResponse(URL, body=body, headers={"Content-Type": "text/html"}))


def run_robots(case: Case) -> tuple[str, int]:
    from scrapy.robotstxt import ProtegoRobotParser

    parser = ProtegoRobotParser(case.data, None)  # type: ignore[arg-type]
    urls = ("https://news.example.com/", "https://news.example.com/private/ok",
            "https://news.example.com/" + "a" * 10_000 + "b.pdf", "https://news.example.com/%ff")
    allowed = sum(bool(parser.allowed(u, "ainews/0.1")) for u in urls)
    return "ok", allowed


def run_warc(case: Case) -> tuple[str, int]:
    from ainews.scraper.warc.reader import BodyError, WarcReader

    reader = WarcReader(io.BytesIO(case.data), case.name)  # type: ignore[arg-type]
    bodies = 0
    with redirect_stderr(io.StringIO()):  # warcio prints zlib errors it recovers from
        for response in reader:
            try:
                bodies += bool(response.read_body())
            except BodyError:
                continue
    return "ok", bodies


def run_sites(case: Case) -> tuple[str, int]:
    from ainews.scraper.sites import load_sites

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sites.toml"
        path.write_bytes(case.data if isinstance(case.data, bytes) else case.data.encode())
        config = load_sites(path)
    for site in config.select(None):
        site.is_article_url("https://news.example.com/a")
    return "ok", len(config.sites)


def run_dedupe(case: Case) -> tuple[str, int]:
    from ainews.dedupe.corpus import dedupe_jsonl

    with tempfile.TemporaryDirectory() as folder:
        src, out = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
        src.write_bytes(case.data if isinstance(case.data, bytes) else case.data.encode())
        return "ok", dedupe_jsonl(src, out).documents


def _refusals(target: str) -> tuple[type[BaseException], ...]:
    if target == "discovery":
        from ainews.scraper.discovery import DiscoveryError
        return (DiscoveryError,)
    if target == "sites":
        from ainews.scraper.sites import ConfigError
        return (ConfigError,)
    if target == "dedupe":
        from ainews.dedupe.corpus import CorpusError
        return (CorpusError,)
    return ()


RUNNERS: dict[str, Callable[[Case], tuple[str, int]]] = {
    "extract": run_ours, "discovery": run_discovery, "robots": run_robots,
    "warc": run_warc, "sites": run_sites, "dedupe": run_dedupe,
}


# -- the run -------------------------------------------------------------------------------

def shared_pages(limit: int = 0) -> list[tuple[str, bytes, str]]:
    """``(name, html, url)`` of the shared benchmark pages, in a fixed order."""
    from ainews.scraper.paths import shared_dir
    from ainews.scraper.warc.pages import shared_pages as pages

    found = [(hashlib.sha1(url.encode()).hexdigest()[:8], html, url)
             for url, html in pages(shared_dir())]
    return found[:limit] if limit else found


def cases(seed: int, pages: list[tuple[str, bytes, str]], per_page: int,
          targets: Iterable[str] = TARGETS, hostile: bool = True) -> Iterator[Case]:
    named = [(name, html) for name, html, _ in pages]
    targets = set(targets)
    if "extract" in targets:
        yield from page_cases(named, seed, per_page)
        if hostile:
            yield from hostile_pages(seed)
    if "discovery" in targets:
        yield from discovery_cases([url for _, _, url in pages] or [URL], seed, max(1, per_page))
        if hostile:
            for case in hostile_pages(seed):
                yield replace(case, name=case.name.replace("hostile/", "listing/"),
                              target="discovery")
    if "robots" in targets:
        yield from robots_cases(seed, max(1, per_page))
    if "warc" in targets and named:
        yield from warc_cases([(url, html) for _, html, url in pages], seed, max(1, per_page))
    if "sites" in targets:
        yield from sites_cases(seed)
    if "dedupe" in targets:
        yield from dedupe_cases(seed, max(1, per_page))


def run_case(case: Case, timeout: float, peer: bool, marker: str | None = None) -> Result:
    ours = timed(lambda: RUNNERS[case.target](case), timeout, _refusals(case.target))
    result = Result(case, ours)
    if case.target == "extract":
        result.has_text = has_text(case, marker)
        if peer:
            result.peer = timed(lambda: run_peer(case), timeout)
    return result


def fuzz(seed: int, pages: list[tuple[str, bytes, str]], per_page: int, *,
         targets: Iterable[str] = TARGETS, timeout: float = 20.0, peer: bool = True,
         hostile: bool = True, progress: bool = False) -> list[Result]:
    results = []
    markers: dict[str, str | None] = {}
    urls = {name: (html, url) for name, html, url in pages}
    for case in cases(seed, pages, per_page, targets, hostile):
        page = case.name.split("/")[0]
        if case.target == "extract" and page in urls and page not in markers:
            markers[page] = article_marker(*urls[page])
        results.append(run_case(case, timeout, peer, markers.get(page)))
        if progress:
            print(f"\r{len(results)} cases", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return results


def failures(results: list[Result]) -> list[Result]:
    """Inputs that raised, timed out, or gave an empty body for a page that still holds
    its article."""
    return [r for r in results if r.ours.status.startswith(("raised", "timeout"))
            or (r.ours.status == "empty" and r.has_text)]


def _worst(outcomes: list[tuple[str, Outcome]]) -> str:
    if not outcomes:
        return "-"
    name, worst = max(outcomes, key=lambda item: item[1].seconds)
    return f"{worst.seconds * 1000:,.0f} ms ({name})"


def summary(results: list[Result]) -> str:
    lines = []
    for target in TARGETS:
        rows = [r for r in results if r.case.target == target]
        if not rows:
            continue
        counts = Counter(r.ours.status.split(":")[0] for r in rows)
        raised = counts["raised"] + counts["timeout"]
        line = (f"{target:10} {len(rows):5} cases  raised {raised:3}  "
                f"refused/skipped {counts['refused'] + counts['skip']:4}")
        if target == "extract":
            empty = sum(r.ours.status == "empty" and r.has_text for r in rows)
            line += f"  empty, article there {empty:3}"
        lines.append(f"{line}  slowest {_worst([(r.case.name, r.ours) for r in rows])}")
        peered = [r for r in rows if r.peer is not None]
        if peered:
            pc = Counter(r.peer.status.split(":")[0] for r in peered)  # type: ignore[union-attr]
            empty = sum(r.peer.status == "empty" and r.has_text for r in peered)  # type: ignore[union-attr]
            lines.append(
                f"{'  trafilatura':10} {len(peered):5} cases  raised "
                f"{pc['raised'] + pc['timeout']:3}  refused/skipped {pc['skip']:4}  "
                f"empty, article there {empty:3}  slowest "
                f"{_worst([(r.case.name, r.peer) for r in peered])}")  # type: ignore[misc]
    return "\n".join(lines)


def details(results: list[Result], slowest: int) -> str:
    lines = ["", "failures (ours):"]
    for r in failures(results):
        peer = f"   trafilatura: {r.peer.status} {r.peer.words} words" if r.peer else ""
        lines.append(f"  {r.case.name}: {r.ours.status} {r.ours.detail}{peer}")
    if len(lines) == 2:
        lines.append("  none")
    peer_fail = [r for r in results if r.peer and (
        r.peer.status.startswith(("raised", "timeout")) or (r.peer.status == "empty"
                                                             and r.has_text))]
    lines += ["", f"trafilatura raised, timed out or went empty on {len(peer_fail)} pages "
                  "that still hold their article:"]
    lines += [f"  {r.case.name}: {r.peer.status} {r.peer.detail}   ours: {r.ours.status} "
              f"{r.ours.words} words" for r in peer_fail[:40]]  # type: ignore[union-attr]
    pages = [r for r in results if r.case.target == "extract"]
    lines += ["", f"slowest {slowest} pages (CPU ms): ours / trafilatura"]
    for r in sorted(pages, key=lambda r: -r.ours.seconds)[:slowest]:
        peer = f"{r.peer.seconds * 1000:9,.0f} {r.peer.status}" if r.peer else ""
        lines.append(f"  {r.ours.seconds * 1000:9,.0f} {r.ours.status:18} {peer:24} "
                     f"{r.case.name}")
    if any(r.peer for r in pages):
        lines += ["", f"slowest {slowest} pages for trafilatura (CPU ms): trafilatura / ours"]
        for r in sorted(pages, key=lambda r: -(r.peer.seconds if r.peer else 0))[:slowest]:
            lines.append(f"  {r.peer.seconds * 1000:9,.0f} {r.peer.status:18} "  # type: ignore[union-attr]
                         f"{r.ours.seconds * 1000:9,.0f} {r.ours.status:18} {r.case.name}")
    return "\n".join(lines)


def scaling(timeout: float, peer: bool, sizes: tuple[int, int] = (2_000, 8_000)) -> str:
    """CPU time of pages that grow with a size, at two sizes: 4x the size should cost
    about 4x the time; 16x means quadratic."""
    small, large = sizes
    lines = [f"{'page grows by':22} {'ours ms':>16} {'x':>6}   {'trafilatura ms':>16} {'x':>6}"]
    built = {size: scaled_pages(size) for size in sizes}
    warm = Case("warm-up", "extract", scaled_pages(10)["nested divs"])
    run_ours(warm), peer and run_peer(warm)  # imports and caches outside the timing
    for name in built[small]:
        cells = []
        runners = [run_ours, run_peer] if peer else [run_ours]
        for runner in runners:
            outs = [timed(partial(runner, Case(name, "extract", built[size][name])), timeout)
                    for size in sizes]
            ratio = outs[1].seconds / max(outs[0].seconds, 1e-4)
            flag = "!" if ratio > 2.5 * large / small else " "
            cells.append(f"{outs[0].seconds * 1000:7,.0f}/{outs[1].seconds * 1000:8,.0f} "
                         f"{ratio:5.1f}{flag}")
        lines.append(f"{name:22} " + "   ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=0, help="shared pages to mutate (0: all)")
    parser.add_argument("--per-page", type=int, default=3, help="mutations of each page")
    parser.add_argument("--only", choices=TARGETS, action="append", help="targets to run")
    parser.add_argument("--no-peer", action="store_true", help="skip trafilatura")
    parser.add_argument("--no-hostile", action="store_true", help="skip hand-built pages")
    parser.add_argument("--timeout", type=float, default=20.0, help="CPU seconds a case")
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--show", metavar="NAME", help="write one case's input to stdout")
    parser.add_argument("--scaling", action="store_true", help="time against input size")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the skips and fallbacks logged are what we count
    if args.scaling:
        print(scaling(args.timeout, not args.no_peer))
        return 0
    pages = shared_pages(args.pages)
    targets = args.only or TARGETS
    if args.show:
        for case in cases(args.seed, pages, args.per_page, targets):
            if case.name == args.show:
                data = case.data if isinstance(case.data, bytes) else \
                    case.data.encode("utf-8", "surrogatepass")
                sys.stdout.buffer.write(data)
                return 0
        print(f"no case named {args.show!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = fuzz(args.seed, pages, args.per_page, targets=targets, timeout=args.timeout,
                   peer=not args.no_peer, hostile=not args.no_hostile,
                   progress=sys.stderr.isatty())
    print(f"seed {args.seed}, {len(pages)} shared pages x {args.per_page} mutations, "
          f"{len(results)} cases in {time.perf_counter() - started:.0f} s")
    print(summary(results))
    print(details(results, args.slowest))
    return 1 if failures(results) else 0


if __name__ == "__main__":
    sys.exit(main())
