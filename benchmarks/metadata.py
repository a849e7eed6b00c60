"""Metadata benchmark: title, authors, date and body of ours against trafilatura.

Data and scoring: ``$AINEWS_SHARED/metadata-bench/README.md``. Run from the checkout::

    .venv/bin/python -m benchmarks.metadata            # ours and trafilatura
    .venv/bin/python -m benchmarks.metadata --ours -v  # ours only, list the misses
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from ainews.scraper.paths import shared_dir
from benchmarks.scoring import PageScore, aggregate, half, shingle_scores

FIELDS = ("title", "authors", "date")


@dataclass
class Prediction:
    title: str | None
    authors: list[str]
    published: str | None
    body: str


@dataclass
class Result:
    name: str
    scores: dict[str, float]  # per field, and "body_f1"; all pages
    halves: tuple[dict[str, float], dict[str, float]]  # the same on each fixed half
    seconds: float
    misses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def body_f1(self) -> float:
        return self.scores["body_f1"]


def bench_dir() -> Path:
    return shared_dir() / "metadata-bench"


def load_pages(folder: Path | None = None) -> list[tuple[str, dict, bytes]]:
    """``(name, truth, html bytes)`` for every page of the benchmark."""
    folder = folder or bench_dir()
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return [
        (name, item, gzip.decompress((folder / "html" / f"{name}.html.gz").read_bytes()))
        for name, item in sorted(truth.items())
    ]


def fold(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def title_ok(truth: str, pred: str | None) -> bool:
    return fold(truth) == fold(pred)


def authors_ok(truth: list[str], pred: list[str]) -> bool:
    return {fold(a).lower() for a in truth} == {fold(a).lower() for a in pred}


def _parse(value: str) -> datetime | date | None:
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None


def _day(value: datetime | date, zone: tzinfo | None) -> date:
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if zone and value.tzinfo else value.date()
    return value


def date_ok(truth: str, pred: str | None) -> bool:
    """Same calendar day as the truth, in the truth's own zone or in UTC."""
    want, got = _parse(truth), _parse(pred or "")
    if want is None or got is None:
        return False
    own = want.tzinfo if isinstance(want, datetime) else None
    return _day(got, own) == _day(want, own) or _day(got, UTC) == _day(want, UTC)


def ours(html: bytes, url: str) -> Prediction:
    from ainews.scraper.extraction import extract

    article = extract(html, url)
    return Prediction(article.title, article.authors, article.published_at, article.body)


def trafilatura_predict(html: bytes, url: str) -> Prediction:
    from trafilatura import bare_extraction

    doc = bare_extraction(html, url=url, favor_precision=True, with_metadata=True)
    if doc is None:
        return Prediction(None, [], None, "")
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Prediction(doc.title, authors, doc.date, doc.text or "")


def _checks(truth: dict, pred: Prediction) -> dict[str, bool | None]:
    """Each field right or wrong; None where the truth has no value for it."""
    return {
        "title": title_ok(truth["title"], pred.title),
        "authors": authors_ok(truth["authors"], pred.authors) if truth.get("authors") else None,
        "date": date_ok(truth["published"], pred.published) if truth.get("published") else None,
    }


def _summary(pages: list[tuple[dict[str, bool | None], PageScore]]) -> dict[str, float]:
    """Accuracy of each field over the pages whose truth has it, and body F1."""
    out = {}
    for key in FIELDS:
        hits = [checks[key] for checks, _ in pages if checks[key] is not None]
        out[key] = sum(hits) / len(hits) if hits else 0.0
    return {**out, "body_f1": aggregate(body for _, body in pages).f1}


def score(
    name: str, predict: Callable[[bytes, str], Prediction], pages: list[tuple[str, dict, bytes]]
) -> Result:
    """Run ``predict`` over every page; per-field accuracy, body F1 (all pages and each
    fixed half) and seconds."""
    start = time.process_time()
    preds = [(page, truth, predict(html, truth["url"])) for page, truth, html in pages]
    seconds = time.process_time() - start
    scored: dict[str, tuple[dict[str, bool | None], PageScore]] = {}
    misses: dict[str, list[str]] = {key: [] for key in FIELDS}
    for page, truth, pred in preds:
        checks = _checks(truth, pred)
        scored[page] = (checks, shingle_scores(pred.body, truth.get("body", "")))
        got = {"title": pred.title, "authors": pred.authors, "date": pred.published}
        want = {"title": truth["title"], "authors": truth.get("authors"),
                "date": truth.get("published")}
        for key in (key for key, ok in checks.items() if ok is False):
            misses[key].append(f"{page}: got {got[key]!r}, want {want[key]!r}")
    halves = tuple(_summary([v for k, v in scored.items() if half(k) == h]) for h in (0, 1))
    return Result(name, _summary(list(scored.values())), halves, seconds, misses)


def run(*, with_trafilatura: bool = True) -> list[Result]:
    pages = load_pages()
    results = [score("ours", ours, pages)]
    if with_trafilatura:
        results.append(score("trafilatura", trafilatura_predict, pages))
    return results


def format_table(results: list[Result]) -> str:
    """One row per extractor: each field on all pages, then on fixed halves 0 and 1."""
    columns = [*FIELDS, "body_f1"]
    rows = [f"{'extractor':<12} " + " ".join(f"{c + ' (h0 h1)':>18}" for c in columns)
            + f" {'cpu s':>6}"]
    for r in results:
        cells = [f"{r.scores[c]:.3f} ({r.halves[0][c]:.3f} {r.halves[1][c]:.3f})"
                 for c in columns]
        rows.append(f"{r.name:<12} " + " ".join(f"{c:>18}" for c in cells)
                    + f" {r.seconds:>6.2f}")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", action="store_true", help="skip trafilatura")
    parser.add_argument("-v", "--verbose", action="store_true", help="list our misses")
    args = parser.parse_args()
    results = run(with_trafilatura=not args.ours)
    print(format_table(results))
    if args.verbose:
        for key, lines in results[0].misses.items():
            print(f"\n## {key} misses ({len(lines)})")
            print("\n".join(lines))


if __name__ == "__main__":
    main()
