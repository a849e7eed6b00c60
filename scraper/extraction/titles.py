"""Choose the article's headline among the visible <h1>, JSON-LD, social and <title> texts.

The visible headline wins when another source confirms it is the article's (a social
title or a "Headline | Site" <title> are rewrites of it); otherwise JSON-LD's headline,
then the social title, then <title>, each without a site-name prefix or suffix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from ainews.scraper.extraction.text import fold

#: Separators between a headline and the site or section name in <title>/og:title.
#: A bare hyphen only counts with spaces around it ("A - Site"), never inside words;
#: ``_SEGMENT`` also splits "Topic: Headline", so a kicker-less headline can be matched,
#: but a site name is never stripped at such a colon.
_SEPARATOR = re.compile(r"\s+(?:[|–—·»›«‹•:*/~]{1,2}|-{1,2}|::)\s+|\s*[：｜]\s*")
_SEGMENT = re.compile(_SEPARATOR.pattern + r"|(?<=\w):\s+")
#: A segment crediting the author ("Headline | Site | by Jane Doe").
_BY_SEGMENT = re.compile(r"^(?:by|von|por|par)\s+\S+(?:\s+\S+){0,3}$", re.IGNORECASE)
#: A headline shorter than this (in characters) is a kicker, label or logo text.
MIN_TITLE_CHARS = 5
#: At most this many segments are tried as prefix/suffix combinations.
MAX_SEGMENTS = 5
#: Similarity (token Jaccard) above which an <h1> counts as a rewrite of the headline
#: rather than an unrelated heading; 0.5 tolerates a changed clause in a long headline.
H1_SIMILARITY = 0.5
#: Weight of a source that contains a candidate only as one of its segments ("Topic:
#: Headline" supports "Headline" less than a source saying exactly "Headline"); below
#: 1/3 so that three partial agreements never outvote one whole agreement.
PARTIAL_SUPPORT = 0.3
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "–": "-", "—": "-", "\u00a0": " "})


@lru_cache(maxsize=4096)  # choose_title compares the same few texts ~100 times a page
def key(text: str) -> str:
    """Comparison key: case, quotes, dashes and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return re.sub(r"[\s\W_]+", "", text)


@lru_cache(maxsize=1024)
def _unaccented(text: str) -> str:
    """``text`` without combining accents: "zprávy" → "zpravy"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def similarity(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def variants(title: str) -> list[str]:
    """``title`` and each run of its segments: "A | B | C" → A|B|C, A|B, A, B|C, B, C."""
    parts = _SEGMENT.split(title)[:MAX_SEGMENTS]
    seps = _SEGMENT.findall(title)
    found = [title]
    for start in range(len(parts)):
        for end in range(len(parts), start, -1):
            text = parts[start]
            for i in range(start + 1, end):
                text += seps[i - 1] + parts[i]
            if text not in found and len(text) >= MIN_TITLE_CHARS:
                found.append(text)
    return found


def strip_site(title: str, site_names: Iterable[str]) -> str:
    """``title`` without leading/trailing segments that name the site, a section or a date."""
    names = {key(n) for n in site_names if key(n)}
    # Domains spell the name without accents: "Seznam Zprávy" is seznamzpravy.cz.
    ascii_names = {_unaccented(n) for n in names}
    parts = _SEPARATOR.split(title)
    seps = _SEPARATOR.findall(title)
    if len(parts) == 1:
        return title

    def is_site(part: str) -> bool:
        k = key(part)
        return (not k or k.isdigit() or any(k in n or n in k for n in names)
                or any(_unaccented(k) in n or n in _unaccented(k) for n in ascii_names)
                or bool(_BY_SEGMENT.match(part)))

    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    while end - start > 1 and is_site(parts[start]):
        start += 1
    # "Headline | Section | Site": drop the short section left before the site name.
    while end < len(parts) and end - start > 1 and len(parts[end - 1].split()) <= 2 \
            and len(parts[start].split()) > 3:
        end -= 1
    text = parts[start]
    for i in range(start + 1, end):
        text += seps[i - 1] + parts[i]
    return text


def _confirmed_h1(
    h1s: Sequence[Sequence[str]], others: Sequence[str]
) -> Sequence[str] | None:
    """The first <h1> (text, *parts) that another source confirms is this article's."""
    other_keys = {key(v) for text in others for v in variants(text)}
    for h1 in h1s:
        if any(key(text) in other_keys for text in h1):
            return h1
    for h1 in h1s:
        if any(similarity(h1[0], o) >= H1_SIMILARITY for o in others):
            return h1
    return None if others else next(iter(h1s), None)


def choose_title(
    h1s: Sequence[Sequence[str]], ld: Sequence[str], social: Sequence[str],
    page_title: str | None, site_names: Iterable[str],
) -> str | None:
    """The headline most sources agree on; ties go to h1, then JSON-LD, social, <title>.

    ``h1s`` holds each <h1> as ``(text, *parts)``: the parts are its children's texts, so a
    kicker ("Topic") and the headline proper can be told apart. og:title and
    twitter:title are one source (one is usually copied from the other). A source agrees
    with a candidate when the candidate is one of its segment runs, so a
    "Headline | Section | Site" <title> supports "Headline".
    """
    site_names = list(site_names)
    others = [fold(t) for t in (*ld[:1], *social[:2], page_title) if t]
    h1 = _confirmed_h1(
        [[fold(t) for t in h] for h in h1s if len(fold(h[0])) >= MIN_TITLE_CHARS],
        [t for t in others if len(t) >= MIN_TITLE_CHARS]) or []
    ld_text, page = (fold(ld[0]) if ld else ""), fold(page_title)
    sources = {"h1": h1[:1], "ld": [ld_text], "social": social[:2], "page": [page]}
    whole: dict[str, set[str]] = {}
    partial: dict[str, set[str]] = {}
    for name, texts in sources.items():
        texts = [fold(t) for t in texts if t]
        whole[name] = {key(t) for t in texts} | {key(strip_site(t, site_names)) for t in texts}
        partial[name] = {key(v) for t in texts for v in variants(t)}
    partial["h1"] |= {key(part) for part in h1[1:]}
    candidates = [strip_site(fold(texts[0]), site_names)
                  for texts in sources.values() if texts and texts[0]]
    candidates += [part for part in h1[1:]]
    candidates = [c for c in candidates if len(c) >= MIN_TITLE_CHARS]
    # A logo <h1> and a <title> of the site name alone agree with each other, not on
    # the headline: the site's name is no candidate while another source has one.
    candidates = [c for c in candidates if not _names_site(c, site_names)] or candidates
    if not candidates:
        return None

    def support(candidate: str) -> float:
        k = key(candidate)
        return sum(1.0 if k in whole[n] else PARTIAL_SUPPORT if k in partial[n] else 0.0
                   for n in sources)

    best = max(candidates, key=support)
    if h1 and key(best) not in key(h1[0]):
        best = _shared_headline(best, h1) or best
    return _best_form(best, [ld_text, *social[:2], page, best])


def _names_site(text: str, site_names: Iterable[str]) -> bool:
    """``text`` is the site's name, publisher or domain as a whole ("Example" on
    example.com), not a headline."""
    k = key(text)
    return any(k == key(name) or _unaccented(k) == _unaccented(key(name))
               for name in site_names)


def _tails(text: str) -> list[str]:
    """The trailing segment runs of ``text`` after a kicker, longest first:
    "A: B - C" → "B - C", "C"."""
    parts = _SEGMENT.split(text)[:MAX_SEGMENTS]
    seps = _SEGMENT.findall(text)
    found = []
    for start in range(1, len(parts)):
        tail = parts[start]
        for i in range(start + 1, len(parts)):
            tail += seps[i - 1] + parts[i]
        found.append(tail)
    return found


def _shared_headline(best: str, h1: Sequence[str]) -> str | None:
    """The headline ``best`` and the visible <h1> share when they differ only in the kicker
    before it ("Topic A: Headline" against an <h1> of two elements, "Topic B" and
    "Headline"): sources that disagree on the kicker still agree on the rest, and the
    <h1>'s markup shows that rest as the headline proper. A tail shared only in the text
    ("Joburg has failed…: there is…" against "Johannesburg has failed…: there is…") is a
    reworded headline, not a changed kicker, and is left alone."""
    parts = {key(part) for part in h1[1:]}
    for tail in _tails(best):
        if len(tail) >= MIN_TITLE_CHARS and key(tail) in parts:
            return tail
    return None


def _best_form(title: str, texts: Sequence[str]) -> str:
    """``title`` as the best-formed source writes it (markup text may lack spaces)."""
    wanted = key(title)
    for text in texts:
        for variant in variants(fold(text)) if text else ():
            if key(variant) == wanted:
                return variant
    return title
