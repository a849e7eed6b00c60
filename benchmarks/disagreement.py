"""Disagreement audit: where our ``.body`` parts from trafilatura's and readability-lxml's
on real pages, whether or not a truth exists.

For every page of the chosen sets, ours (``extract(html, url).body``, what we store),
trafilatura's own output (precision mode, the whole page) and readability-lxml's article
are compared line by line. A page is listed when:

- **short**: ours holds under :data:`FAR` of the words of *both* peers (they agree there is
  more article than we kept), or **long**: over ``1 / FAR`` times both;
- **missed**: a line that *both* peers keep is not in ours. Each missed line is put in a
  class: first the lines ours leaves out by design (``headline``: the page's title or
  ``<h1>``; ``by-rule``: a line one of our phrase rules names, a call to action, a teaser
  label, a contributor note, a credit, a picture credit), then by where it sits:
  ``opening`` (the first line of trafilatura's text), ``tail`` (its last
  :data:`TAIL_LINES` lines), else by the element that holds it on the page (``heading``
  h2-h6, ``list`` li/dt/dd, ``caption`` figcaption, a caption-named block or italics
  under a picture, ``quote``
  blockquote, ``table`` td/th) or ``other``. The classes after ``by-rule`` are the
  candidates a reader looks at.

It prints one row per listed page (words of each extractor, the flag, missed lines per
class), the class counts, and with ``-v`` the missed lines themselves, which is what a
reader reads to decide whether ours or the peers are right. A missed line is often right
to miss (a standfirst kept apart in ``lede``, a byline, a caption credit): the audit finds
candidates, a reader classifies them.

Sets: the held-out sources of ``benchmarks/heldout.py`` (their truths are not used here);
for ``gne``, all 68 news pages of the sdist (``benchmarks/heldout_gne.py``), not only the
20 with GNE's record. Not part of CI. Run from the checkout::

    .venv/bin/python -m benchmarks.disagreement                 # every set
    .venv/bin/python -m benchmarks.disagreement --set gne -v    # one set, missed lines too
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from benchmarks import heldout_gne
from benchmarks.heldout import SOURCES, default_cache, load_sources
from benchmarks.heldout_sources import DataUnavailable
from benchmarks.heldout_unfluff import normalise

#: Ours under this share of both peers' words is "short", over its inverse "long".
FAR = 0.5
#: The last lines of trafilatura's text are the text's tail (credits, notes, closing lines).
TAIL_LINES = 3
#: Lines shorter than this (normalised characters) are not compared: "Share", "1", "|".
MIN_LINE_CHARS = 4
_WORDLIKE = re.compile(r"[^\W_]")
CLASSES = ("headline", "by-rule", "opening", "heading", "list", "caption", "quote", "table",
           "tail", "other")

@dataclass(frozen=True)
class AuditPage:
    id: str
    html: bytes
    url: str


@dataclass
class Finding:
    page: str
    words: dict[str, float]
    flag: str  # "short", "long" or ""
    missed: dict[str, list[str]] = field(default_factory=dict)  # class -> lines


def load_gne(cache: Path) -> list[AuditPage]:
    """Every article page of the gne sdist, with or without GNE's record."""
    return [AuditPage(f"gne/{path.removesuffix('.html')}", html, heldout_gne.page_url(path))
            for path, html in heldout_gne.all_pages(heldout_gne.fetch_gne(cache))]


def load_set(name: str, cache: Path) -> list[AuditPage]:
    if name == "gne":
        return load_gne(cache)
    pages, _ = load_sources([name], cache)
    return [AuditPage(p.id, p.html, p.url) for p in pages]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if len(normalise(line)) >= MIN_LINE_CHARS and _WORDLIKE.search(line)]


def _word_count(text: str) -> float:
    from ainews.scraper.extraction.text import word_count

    return word_count(text)


def peers(html: bytes, url: str) -> tuple[str, str]:
    """trafilatura's own text (precision mode, whole page) and readability-lxml's."""
    import trafilatura
    from readability import Document

    from benchmarks.extraction import fragment_text

    own = trafilatura.extract(html, url=url, favor_precision=True, include_comments=False)
    try:
        other = fragment_text(Document(html).summary(html_partial=True))
    except Exception:  # noqa: BLE001 - a peer that fails on a page has no opinion on it
        other = ""
    return own or "", other


_CAPTION_NAMES = ("caption", "credit")
_TAG_CLASS = {"h1": "headline", "h2": "heading", "h3": "heading", "h4": "heading",
              "h5": "heading", "h6": "heading", "li": "list", "dt": "list", "dd": "list",
              "figcaption": "caption", "blockquote": "quote", "td": "table", "th": "table"}


def element_classes(html: bytes) -> dict[str, str]:
    """Normalised text of the page's headings, list items, captions, quotes and cells ->
    its class (the innermost such element wins); ``"<title>"`` -> the page's title."""
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return {}
    title = root.findtext(".//title") or ""
    found: dict[str, str] = {"<title>": normalise(title)}
    for el in root.iter(*_TAG_CLASS, "p", "div", "span"):
        kind = _TAG_CLASS.get(el.tag)
        names = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if kind is None and any(word in names for word in _CAPTION_NAMES):
            kind = "caption"
        if kind is None:
            continue
        key = normalise(el.text_content())
        if len(key) >= MIN_LINE_CHARS:
            found[key] = kind  # document order: a nested element comes later and wins
    from ainews.scraper.extraction.headings import picture_captions

    found.update((normalise(text), "caption") for text in picture_captions(root))
    return found


def by_rule(line: str) -> bool:
    """Whether one of our own rules names ``line`` as not article text."""
    from ainews.scraper.extraction.credit import is_credit_line
    from ainews.scraper.extraction.paragraphs import is_picture_credit
    from ainews.scraper.extraction.phrases import (
        CALL_TO_ACTION,
        CONTRIBUTORS,
        TEASER,
        TEASER_LABEL,
    )

    return (any(rule.search(line) for rule in (CALL_TO_ACTION, CONTRIBUTORS, TEASER))
            or bool(TEASER_LABEL.match(line)) or is_credit_line(line)
            or is_picture_credit(line))


def classify(line: str, index: int, count: int, kinds: dict[str, str]) -> str:
    key = normalise(line)
    if kinds.get(key) == "headline" or (len(key) >= 8 and key in kinds.get("<title>", "")):
        return "headline"
    if by_rule(line):
        return "by-rule"
    if index == 0:
        return "opening"
    kind = kinds.get(key)
    if kind:
        return kind
    return "tail" if index >= count - TAIL_LINES else "other"


def audit_page(page: AuditPage) -> Finding:
    from ainews.scraper.extraction import extract

    ours = extract(page.html, page.url).body
    own, other = peers(page.html, page.url)
    words = {"ours": _word_count(ours), "trafilatura": _word_count(own),
             "readability": _word_count(other)}
    flag = ""
    if words["trafilatura"] and words["readability"]:
        if words["ours"] < FAR * min(words["trafilatura"], words["readability"]):
            flag = "short"
        elif words["ours"] * FAR > max(words["trafilatura"], words["readability"]):
            flag = "long"
    finding = Finding(page.id, words, flag)
    ours_key, other_key = normalise(ours), normalise(other)
    lines = _lines(own)
    kinds: dict[str, str] | None = None
    for i, line in enumerate(lines):
        key = normalise(line)
        if key in ours_key or key not in other_key:
            continue
        if kinds is None:
            kinds = element_classes(page.html)
        finding.missed.setdefault(classify(line, i, len(lines), kinds), []).append(line)
    return finding


def format_table(findings: list[Finding], *, verbose: bool = False) -> str:
    rows = [f"{'page':<64} {'ours':>6} {'traf':>6} {'read':>6} {'flag':>5}  missed lines"]
    for f in findings:
        if not f.flag and not f.missed:
            continue
        missed = ", ".join(f"{k} {len(f.missed[k])}" for k in CLASSES if k in f.missed)
        w = f.words
        rows.append(f"{f.page[:64]:<64} {w['ours']:6.0f} {w['trafilatura']:6.0f} "
                    f"{w['readability']:6.0f} {f.flag:>5}  {missed}")
        if verbose:
            rows += [f"    [{k}] {line[:150]}" for k in CLASSES for line in f.missed.get(k, [])]
    return "\n".join(rows)


def format_counts(findings: list[Finding]) -> str:
    pages = Counter(k for f in findings for k in f.missed)
    lines = Counter({k: sum(len(f.missed.get(k, [])) for f in findings) for k in CLASSES})
    flags = Counter(f.flag for f in findings if f.flag)
    out = [f"{len(findings)} pages; ours short on {flags['short']}, long on {flags['long']} "
           f"(under {FAR:g}x / over {1 / FAR:g}x both peers' words)",
           f"{'class':<8} {'pages':>5} {'lines':>5}  (lines both peers keep, ours not)"]
    out += [f"{k:<8} {pages[k]:>5} {lines[k]:>5}" for k in CLASSES]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = list(SOURCES)
    parser.add_argument("--set", choices=[*names, "all"], default="all", dest="which")
    parser.add_argument("--data", type=Path, default=None,
                        help=f"cache directory of the sets (default {default_cache()})")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the missed lines")
    args = parser.parse_args(argv)
    cache = args.data or default_cache()
    chosen = names if args.which == "all" else [args.which]
    everything: list[Finding] = []
    for name in chosen:
        try:
            pages = load_set(name, cache)
        except DataUnavailable as error:
            print(f"{name}: unavailable ({error})", file=sys.stderr)
            continue
        findings = []
        for page in pages:
            try:
                findings.append(audit_page(page))
            except Exception as error:  # noqa: BLE001 - an audit lists what raised
                print(f"{page.id}: raised {type(error).__name__}: {error}")
        print(f"\n== {name}")
        print(format_table(findings, verbose=args.verbose))
        print(format_counts(findings))
        everything += findings
    if len(chosen) > 1:
        print("\n== all sets")
        print(format_counts(everything))
    return 0


if __name__ == "__main__":
    sys.exit(main())
