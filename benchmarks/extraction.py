"""Article-body benchmark: our extractor against trafilatura and readability-lxml.

Run from the checkout: ``python -m benchmarks.extraction [--only ours] [--worst 10]
[--stages]``. Data: ``$AINEWS_SHARED/extraction-bench`` (``html/<id>.html.gz`` +
``ground-truth.json``). trafilatura runs in both its precision mode (the one our body
stage calls) and its standard mode; ``--stages`` times our stages one by one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from ainews.scraper.paths import shared_dir
from benchmarks.scoring import Aggregate, PageScore, aggregate, half, shingle_scores

Extractor = Callable[[bytes, str], str]


@dataclass(frozen=True)
class Page:
    id: str
    html: bytes
    url: str
    truth: str


@dataclass
class RunResult:
    name: str
    score: Aggregate
    exceptions: int
    total_s: float
    median_ms: float
    p95_ms: float
    pages: dict[str, PageScore]


def bench_dir(shared: Path | None = None) -> Path:
    return (shared or shared_dir()) / "extraction-bench"


def load_pages(shared: Path | None = None) -> list[Page]:
    """The benchmark pages with their truth, in id order."""
    root = bench_dir(shared)
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        raw = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page(page_id, raw, truth[page_id]["url"], truth[page_id]["articleBody"]))
    return pages


def ours(html: bytes, url: str) -> str:
    from ainews.scraper.extraction import core

    return core.extract(html, url).body  # what lands in articles.body


def trafilatura_precision(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, favor_precision=True,
                               include_comments=False) or ""


def trafilatura_standard(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
           "blockquote", "pre", "section", "article", "td", "th", "dd", "dt", "figcaption"}


def fragment_text(fragment: str) -> str:
    """Text of an HTML fragment with a line break after each block element."""
    root = lxml.html.fromstring(fragment)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    lines = (line.strip() for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def readability_peer(html: bytes, url: str) -> str:
    from readability import Document

    return fragment_text(Document(html).summary(html_partial=True))


EXTRACTORS: dict[str, Extractor] = {
    "ours": ours,
    "trafilatura-precision": trafilatura_precision,
    "trafilatura-standard": trafilatura_standard,
    "readability": readability_peer,
}


def run(name: str, extractor: Extractor, pages: list[Page]) -> RunResult:
    """Extract every page, timing each; an exception counts as an empty prediction."""
    return run_all({name: extractor}, pages)[0]


def run_all(extractors: dict[str, Extractor], pages: list[Page]) -> list[RunResult]:
    """Every extractor on every page, page by page in turn, so a change of the machine's
    load hits all of them alike; time is the process's CPU time (``time.process_time``),
    which other processes on a shared machine do not inflate."""
    times: dict[str, list[float]] = {name: [] for name in extractors}
    scores: dict[str, dict[str, PageScore]] = {name: {} for name in extractors}
    exceptions = dict.fromkeys(extractors, 0)
    for page in pages:
        for name, extractor in extractors.items():
            start = time.process_time()
            try:
                text = extractor(page.html, page.url)
            except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop
                text = ""
                exceptions[name] += 1
            times[name].append(time.process_time() - start)
            scores[name][page.id] = shingle_scores(text, page.truth)
    return [_result(name, times[name], scores[name], exceptions[name]) for name in extractors]


def _result(name: str, times: list[float], scores: dict[str, PageScore],
            exceptions: int) -> RunResult:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0
    return RunResult(name, aggregate(scores.values()), exceptions, sum(times),
                     statistics.median(times) * 1000 if times else 0.0, p95 * 1000, scores)


def format_table(results: list[RunResult]) -> str:
    header = (f"{'extractor':<21} {'F1':>6} {'half 0':>6} {'half 1':>6} {'P':>6} {'R':>6} "
              f"{'acc':>6} {'empty':>5} {'exc':>4} {'cpu s':>8} {'med ms':>7} {'p95 ms':>7}")
    rows = [header]
    for r in results:
        s = r.score
        halves = [aggregate(v for k, v in r.pages.items() if half(k) == h).f1 for h in (0, 1)]
        rows.append(f"{r.name:<21} {s.f1:6.3f} {halves[0]:6.3f} {halves[1]:6.3f} "
                    f"{s.precision:6.3f} {s.recall:6.3f} "
                    f"{s.accuracy:6.3f} {s.empty:5d} {r.exceptions:4d} {r.total_s:8.2f} "
                    f"{r.median_ms:7.1f} {r.p95_ms:7.1f}")
    return "\n".join(rows)


def speed_ratio(results: list[RunResult]) -> str:
    """Our median CPU time per page over trafilatura's (precision mode), same run."""
    medians = {r.name: r.median_ms for r in results}
    if "ours" not in medians or not medians.get("trafilatura-precision"):
        return ""
    ratio = medians["ours"] / medians["trafilatura-precision"]
    return f"median cpu time per page, ours / trafilatura-precision: {ratio:.2f}x"


def stage_times(pages: list[Page]) -> str:
    """Median and mean CPU milliseconds per page of each of our stages (``core.extract``)."""
    from ainews.scraper.extraction import bounds, charset, parsing
    from ainews.scraper.extraction.body import extract_body
    from ainews.scraper.extraction.metadata import extract_metadata

    stages: dict[str, list[float]] = {"decode": [], "parse": [], "metadata": [], "body": []}
    for page in pages:
        start = time.process_time()
        text = charset.decode_html(page.html)
        bounds.check_text(text, page.url)
        marks = [start, time.process_time()]
        tree = parsing.parse_html(text)
        bounds.check_tree(tree, page.url)
        marks.append(time.process_time())
        meta = extract_metadata(tree, page.url)
        marks.append(time.process_time())
        extract_body(tree, page.url, meta)
        marks.append(time.process_time())
        for times, begin, end in zip(stages.values(), marks[:-1], marks[1:], strict=True):
            times.append((end - begin) * 1000)
    return "our stages, cpu ms/page (median, mean): " + ", ".join(
        f"{name} {statistics.median(t):.1f} {statistics.mean(t):.1f}"
        for name, t in stages.items())


def worst_pages(result: RunResult, pages: list[Page], n: int) -> str:
    """The ``n`` pages with the lowest page F1, for error analysis."""
    urls = {p.id: p.url for p in pages}

    def f1(s: PageScore) -> float:
        p = s.precision or 0.0
        return 2 * p * s.recall / (p + s.recall) if p + s.recall else 0.0

    worst = sorted(result.pages.items(), key=lambda kv: f1(kv[1]))[:n]
    return "\n".join(f"{f1(s):.3f} P={s.precision or 0:.3f} R={s.recall:.3f} {pid[:12]} "
                     f"{urls[pid]}" for pid, s in worst)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append",
                        help="run only this extractor (repeatable); default: all")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of each")
    parser.add_argument("--stages", action="store_true", help="time each of our stages")
    args = parser.parse_args(argv)
    pages = load_pages()
    names = args.only or list(EXTRACTORS)
    results = run_all({name: EXTRACTORS[name] for name in names}, pages)
    print(f"{len(pages)} pages from {bench_dir()}")
    print(format_table(results))
    if ratio := speed_ratio(results):
        print(ratio)
    if args.stages:
        print(stage_times(pages))
    for r in results if args.worst else []:
        print(f"\nworst pages of {r.name}:\n{worst_pages(r, pages, args.worst)}")


if __name__ == "__main__":
    main()
