"""Article-body benchmark: our extractor against trafilatura and readability-lxml.

Run from the checkout: ``python -m benchmarks.extraction [--only ours] [--worst 10]``.
Data: ``$AINEWS_SHARED/extraction-bench`` (``html/<id>.html.gz`` + ``ground-truth.json``).
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


def trafilatura_peer(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, favor_precision=True,
                               include_comments=False) or ""


_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
           "blockquote", "pre", "section", "article", "td", "th", "dd", "dt", "figcaption"}


def _fragment_text(fragment: str) -> str:
    """Text of an HTML fragment with a line break after each block element."""
    root = lxml.html.fromstring(fragment)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    lines = (line.strip() for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def readability_peer(html: bytes, url: str) -> str:
    from readability import Document

    return _fragment_text(Document(html).summary(html_partial=True))


EXTRACTORS: dict[str, Extractor] = {
    "ours": ours,
    "trafilatura": trafilatura_peer,
    "readability": readability_peer,
}


def run(name: str, extractor: Extractor, pages: list[Page]) -> RunResult:
    """Extract every page, timing each; an exception counts as an empty prediction."""
    times: list[float] = []
    scores: dict[str, PageScore] = {}
    exceptions = 0
    for page in pages:
        start = time.perf_counter()
        try:
            text = extractor(page.html, page.url)
        except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop
            text = ""
            exceptions += 1
        times.append(time.perf_counter() - start)
        scores[page.id] = shingle_scores(text, page.truth)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0
    return RunResult(name, aggregate(scores.values()), exceptions, sum(times),
                     statistics.median(times) * 1000 if times else 0.0, p95 * 1000, scores)


def format_table(results: list[RunResult]) -> str:
    header = (f"{'extractor':<12} {'F1':>6} {'half 0':>6} {'half 1':>6} {'P':>6} {'R':>6} "
              f"{'acc':>6} {'empty':>5} {'exc':>4} {'total s':>8} {'med ms':>7} {'p95 ms':>7}")
    rows = [header]
    for r in results:
        s = r.score
        halves = [aggregate(v for k, v in r.pages.items() if half(k) == h).f1 for h in (0, 1)]
        rows.append(f"{r.name:<12} {s.f1:6.3f} {halves[0]:6.3f} {halves[1]:6.3f} "
                    f"{s.precision:6.3f} {s.recall:6.3f} "
                    f"{s.accuracy:6.3f} {s.empty:5d} {r.exceptions:4d} {r.total_s:8.2f} "
                    f"{r.median_ms:7.1f} {r.p95_ms:7.1f}")
    return "\n".join(rows)


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
                        help="run only this extractor (repeatable); default: all three")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of each")
    args = parser.parse_args(argv)
    pages = load_pages()
    names = args.only or list(EXTRACTORS)
    results = [run(name, EXTRACTORS[name], pages) for name in names]
    print(f"{len(pages)} pages from {bench_dir()}")
    print(format_table(results))
    for r in results if args.worst else []:
        print(f"\nworst pages of {r.name}:\n{worst_pages(r, pages, args.worst)}")


if __name__ == "__main__":
    main()
