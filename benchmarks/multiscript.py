"""Multi-script body benchmark: the extraction-bench pages with their text re-written into
other scripts, ours against trafilatura (precision and standard modes).

No multilingual truth is available offline, so each page of
``$AINEWS_SHARED/extraction-bench`` keeps its real layout and boilerplate and only its
*text* changes: every word goes through a deterministic map (a hash of the lower-cased
word picks a pseudo-word of that script, of a length typical of the script), sentence
punctuation becomes the script's own (。，？ for Chinese and Japanese, । for Hindi, ؟ ، for
Arabic, none for Thai), and Chinese, Japanese and Thai lose the spaces between words. The
same map re-writes the ground truth, so the truth stays exact. Numbers, markup, class
names, URLs and scripts are untouched; the page's title, meta description and JSON-LD
text fields are mapped like the visible text; ``<html lang>`` names the script's language.
``en`` is the control: the same parse and re-serialisation, no map.

Scoring: the benchmark's shingle F1 (``scoring.py``, both fixed halves), with tokens from
``text.tokens``: each Han, kana, Thai character is a token, other scripts are cut into
words (letters, digits and combining marks; ``\\w+`` alone would cut Hindi words apart).

Run from the checkout::

    .venv/bin/python -m benchmarks.multiscript                  # all scripts, all pages
    .venv/bin/python -m benchmarks.multiscript --scripts zh,th --limit 40 --worst 5
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import lxml.html

from ainews.scraper.extraction.charset import decode_html
from ainews.scraper.extraction.text import tokens
from benchmarks.extraction import EXTRACTORS, Page, load_pages
from benchmarks.scoring import PageScore, aggregate, half, shingle_scores

#: Letters of a word (mapped); digit runs, spaces and punctuation are handled apart.
_PIECE = re.compile(r"[^\W\d_]+|\d+|\s+|.", re.S)


def _hash(word: str, salt: str) -> bytes:
    return hashlib.blake2b(f"{salt}:{word}".encode(), digest_size=32).digest()


def _pick(byte_pair: tuple[int, int], low: int, count: int) -> str:
    return chr(low + (byte_pair[0] << 8 | byte_pair[1]) % count)


def _zh(word: str, h: bytes) -> str:
    size = 1 if len(word) <= 3 else 2 if len(word) <= 7 else 3  # ~1.6 characters a word
    return "".join(_pick((h[2 * i], h[2 * i + 1]), 0x4E00, 0x9FA5 - 0x4E00) for i in range(size))


def _ja(word: str, h: bytes) -> str:
    if word[:1].isupper() and len(word) > 3:  # names and loan words: katakana
        return "".join(_pick((0, h[i]), 0x30A1, 0x30F3 - 0x30A1) for i in range(2 + h[9] % 3))
    if len(word) <= 3:  # particles: hiragana
        return "".join(_pick((0, h[i]), 0x3041, 0x3093 - 0x3041) for i in range(1 + h[9] % 2))
    kanji = "".join(_pick((h[2 * i], h[2 * i + 1]), 0x4E00, 0x9FA5 - 0x4E00)
                    for i in range(1 + (len(word) > 7)))
    return kanji + "".join(_pick((0, h[10 + i]), 0x3041, 0x3093 - 0x3041)
                           for i in range(1 + h[9] % 2))


_THAI_CONSONANTS = [chr(c) for c in range(0x0E01, 0x0E2F)]
_THAI_LEAD = "เแโใไ"
_THAI_MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e48\u0e49\u0e4a\u0e4b\u0e47"


def _th(word: str, h: bytes) -> str:
    out = []
    for i in range(max(1, round(len(word) * 0.5))):  # syllables of ~2 characters
        b = h[i % len(h)]
        if b % 5 == 0:
            out.append(_THAI_LEAD[b % len(_THAI_LEAD)])
        out.append(_THAI_CONSONANTS[h[(i + 7) % len(h)] % len(_THAI_CONSONANTS)])
        if b % 3 == 0:
            out.append(_THAI_MARKS[b % len(_THAI_MARKS)])
    return "".join(out)


_ARABIC = [chr(c) for c in (*range(0x0627, 0x063B), *range(0x0641, 0x064B))]


def _ar(word: str, h: bytes) -> str:
    size = max(2, round(len(word) * 0.8))
    return "".join(_ARABIC[h[i % len(h)] % len(_ARABIC)] for i in range(size))


def _ru(word: str, h: bytes) -> str:
    out = "".join(chr(0x0430 + h[i % len(h)] % 32) for i in range(len(word) + (len(word) > 4)))
    if word.isupper() and len(word) > 1:
        return out.upper()
    return out.capitalize() if word[0].isupper() else out


_DEVANAGARI = [chr(c) for c in range(0x0915, 0x093A)]
_VOWEL_SIGNS = [chr(c) for c in (*range(0x093E, 0x094D),)]


def _hi(word: str, h: bytes) -> str:
    out = []
    for i in range(max(1, (len(word) + 1) // 2)):  # syllables: consonant + vowel sign
        out.append(_DEVANAGARI[h[i % len(h)] % len(_DEVANAGARI)])
        b = h[(i + 11) % len(h)]
        if b % 4 == 0:
            out.append("\u094d" + _DEVANAGARI[b % len(_DEVANAGARI)])  # a conjunct
        elif b % 4 != 1:
            out.append(_VOWEL_SIGNS[b % len(_VOWEL_SIGNS)])
    return "".join(out)


@dataclass(frozen=True)
class Script:
    code: str  # the language the page then declares
    word: Callable[[str, bytes], str] | None  # None: text unchanged (the control)
    spaced: bool = True
    punctuation: tuple[tuple[str, str], ...] = ()  # end-of-word punctuation replaced


_CJK_PUNCT = ((".", "。"), ("?", "？"), ("!", "！"), (":", "："), (";", "；"), ("(", "（"),
              (")", "）"))
SCRIPTS = {
    "en": Script("en", None),
    "zh": Script("zh", _zh, False, ((",", "，"), *_CJK_PUNCT)),
    "ja": Script("ja", _ja, False, ((",", "、"), *_CJK_PUNCT)),
    "th": Script("th", _th, False, ((".", ""), (",", ""))),
    "ar": Script("ar", _ar, True, (("?", "؟"), (",", "،"), (";", "؛"))),
    "ru": Script("ru", _ru),
    "hi": Script("hi", _hi, True, ((".", "।"),)),
}


@lru_cache(maxsize=200_000)
def _pseudo(script: str, word: str) -> str:
    return SCRIPTS[script].word(word, _hash(word.lower(), script))  # type: ignore[misc]


def rewrite(text: str | None, name: str) -> str | None:
    """``text`` re-written into script ``name`` (see the module docstring)."""
    script = SCRIPTS[name]
    if not text or script.word is None:
        return text
    pieces = _PIECE.findall(text)
    punct = dict(script.punctuation)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if piece[0].isalpha():
            out.append(_pseudo(name, piece))
        elif piece in punct:
            after = pieces[i + 1] if i + 1 < len(pieces) else " "
            before = pieces[i - 1] if i else " "
            # a sentence mark ends a word ("end. Next"), not "3.5", "U.S." or ".com"
            at_end = after[0].isspace() or after in punct or after in "\"')”’"
            out.append(punct[piece] if at_end and not before[0].isspace() else piece)
        elif piece[0].isspace() and not script.spaced and "\n" not in piece:
            before = pieces[i - 1] if i else ""
            after = pieces[i + 1] if i + 1 < len(pieces) else ""
            # no spaces between words (numbers keep theirs); Thai keeps the space that
            # ends a sentence or clause
            joined = before[:1].isalpha() or (before in punct and name != "th")
            if not (joined and after[:1].isalpha()):
                out.append(piece)
        else:
            out.append(piece)
    return "".join(out)


_META_KEYS = {"description", "og:title", "og:description", "twitter:title",
              "twitter:description", "title", "dc.title", "dc.description"}
_LD_KEYS = {"headline", "alternativeHeadline", "description", "articleBody", "name"}


def _rewrite_ld(node: object, name: str) -> object:
    if isinstance(node, dict):
        return {k: (rewrite(v, name) if k in _LD_KEYS and isinstance(v, str)
                    else _rewrite_ld(v, name)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite_ld(v, name) for v in node]
    return node


def rewrite_page(raw: bytes, name: str) -> bytes:
    """The page with its text re-written into script ``name``, as UTF-8 bytes."""
    root = lxml.html.document_fromstring(decode_html(raw))
    for el in root.iter():
        el.tail = rewrite(el.tail, name)
        if not isinstance(el.tag, str):
            continue  # a comment's own text is not shown
        if el.tag == "script" and "ld+json" in (el.get("type") or "") and el.text:
            with contextlib.suppress(ValueError):  # not JSON: left as it is
                el.text = json.dumps(_rewrite_ld(json.loads(el.text), name), ensure_ascii=False)
        elif el.tag not in ("script", "style"):
            el.text = rewrite(el.text, name)
        if el.tag == "meta":
            key = (el.get("name") or el.get("property") or "").lower()
            if key in _META_KEYS and el.get("content"):
                el.set("content", rewrite(el.get("content"), name) or "")
            if el.get("charset") or (el.get("http-equiv") or "").lower() == "content-type":
                el.drop_tree()
    if name != "en":
        root.set("lang", SCRIPTS[name].code)
    head = root.find("head")
    if head is not None:
        head.insert(0, lxml.html.Element("meta", charset="utf-8"))
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>").encode()


def _tokenize(text: str | None) -> list[str]:
    return tokens(text or "")


@dataclass
class Run:
    scores: dict[str, PageScore]
    times: list[float]
    exceptions: int = 0

    def f1(self, which: int | None = None) -> float:
        return aggregate(s for k, s in self.scores.items()
                         if which is None or half(k) == which).f1


def run_script(name: str, pages: list[Page], extractors: list[str]) -> dict[str, Run]:
    """Every extractor on every re-written page, page by page; CPU time per page."""
    runs = {x: Run({}, []) for x in extractors}
    for page in pages:
        html = rewrite_page(page.html, name)
        truth = rewrite(page.truth, name)
        for x in extractors:
            start = time.process_time()
            try:
                text = EXTRACTORS[x](html, page.url)
            except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop
                text = ""
                runs[x].exceptions += 1
            runs[x].times.append(time.process_time() - start)
            runs[x].scores[page.id] = shingle_scores(text, truth, _tokenize)
    return runs


_SHORT = {"ours": "ours", "trafilatura-precision": "traf-P", "trafilatura-standard": "traf-S"}


def format_row(name: str, runs: dict[str, Run]) -> str:
    cells = [f"{name:<4}"]
    for r in runs.values():
        empty = sum(s.empty for s in r.scores.values())
        cells.append(f"{r.f1():6.3f} {r.f1(0):6.3f} {r.f1(1):6.3f} {empty:3d} {r.exceptions:2d}"
                     f" {statistics.median(r.times) * 1000:6.1f}")
    return " | ".join(cells)


def header(extractors: list[str]) -> str:
    cells = ["scr "] + [f"{_SHORT[x] + ' F1':<6} {'half0':>6} {'half1':>6} emp ex med ms"
                        for x in extractors]
    return " | ".join(cells)


def worst(runs: dict[str, Run], pages: list[Page], n: int) -> str:
    urls = {p.id: p.url for p in pages}

    def f1(s: PageScore) -> float:
        p = s.precision or 0.0
        return 2 * p * s.recall / (p + s.recall) if p + s.recall else 0.0

    ours = runs["ours"].scores
    rows = sorted(ours, key=lambda k: f1(ours[k]))[:n]
    return "\n".join(
        f"  {f1(ours[k]):.3f} P={ours[k].precision or 0:.3f} R={ours[k].recall:.3f} "
        + " ".join(f"{_SHORT[x]}={f1(r.scores[k]):.3f}" for x, r in runs.items() if x != "ours")
        + f" {k[:10]} {urls[k]}" for k in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scripts", default=",".join(SCRIPTS),
                        help=f"comma-separated, of {','.join(SCRIPTS)} (default: all)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--only-ours", action="store_true", help="skip trafilatura")
    parser.add_argument("--worst", type=int, default=0, help="list our N worst pages")
    args = parser.parse_args(argv)
    names = [s for s in args.scripts.split(",") if s]
    if unknown := set(names) - set(SCRIPTS):
        parser.error(f"unknown scripts: {', '.join(sorted(unknown))}")
    pages = load_pages()[:args.limit or None]
    extractors = ["ours"] + ([] if args.only_ours else
                             ["trafilatura-precision", "trafilatura-standard"])
    print(f"{len(pages)} pages x {len(names)} scripts; load {os.getloadavg()[0]:.2f}")
    print(header(extractors))
    for name in names:
        runs = run_script(name, pages, extractors)
        print(format_row(name, runs), flush=True)
        if args.worst:
            print(worst(runs, pages, args.worst))
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
