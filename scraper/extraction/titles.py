"""Choose the article's headline among the visible <h1>, JSON-LD, social and <title> texts.

The visible headline wins when another source confirms it is the article's (a social
title or a "Headline | Site" <title> are rewrites of it); otherwise JSON-LD's headline,
then the social title, then <title>, each without a site-name prefix or suffix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

#: Separators between a headline and the site or section name in <title>/og:title.
#: A bare hyphen only counts with spaces around it ("A - Site"), never inside words.
_SEPARATOR = re.compile(r"\s+(?:[|–—·»›:]{1,2}|-{1,2}|::)\s+|\s*[：｜]\s*")
#: A headline shorter than this (in characters) is a kicker, label or logo text.
MIN_TITLE_CHARS = 5
#: At most this many segments are tried as prefix/suffix combinations.
MAX_SEGMENTS = 5
#: Similarity (token Jaccard) above which an <h1> counts as a rewrite of the headline
#: rather than an unrelated heading; 0.5 tolerates a changed clause in a long headline.
H1_SIMILARITY = 0.5
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "–": "-", "—": "-", "\u00a0": " "})


def fold(text: str | None) -> str:
    """Runs of whitespace as one space, trimmed."""
    return re.sub(r"\s+", " ", text or "").strip()


def key(text: str) -> str:
    """Comparison key: case, quotes, dashes and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return re.sub(r"[\s\W_]+", "", text)


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def similarity(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def variants(title: str) -> list[str]:
    """``title`` and each run of its segments: "A | B | C" → A|B|C, A|B, A, B|C, B, C."""
    parts = _SEPARATOR.split(title)[:MAX_SEGMENTS]
    seps = _SEPARATOR.findall(title)
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
    parts = _SEPARATOR.split(title)
    seps = _SEPARATOR.findall(title)
    if len(parts) == 1:
        return title

    def is_site(part: str) -> bool:
        k = key(part)
        return not k or k.isdigit() or any(k in n or n in k for n in names)

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


def choose_title(
    h1s: Sequence[str], ld: Sequence[str], social: Sequence[str], page_title: str | None,
    site_names: Iterable[str],
) -> str | None:
    """The headline; see the module docstring for the order of trust."""
    site_names = list(site_names)
    ld = [fold(t) for t in ld if len(fold(t)) >= MIN_TITLE_CHARS]
    social = [fold(t) for t in social if len(fold(t)) >= MIN_TITLE_CHARS]
    titles = [fold(page_title)] if len(fold(page_title)) >= MIN_TITLE_CHARS else []
    h1s = [fold(h) for h in h1s if len(fold(h)) >= MIN_TITLE_CHARS]
    others = ld + social + titles
    # Each other source's text and its segment runs, best-formed first.
    forms = {}
    for text in others:
        for variant in variants(text):
            forms.setdefault(key(variant), variant)
    for h1 in h1s:
        if key(h1) in forms:
            return forms[key(h1)]  # the same words, in the source's (better spaced) form
    for h1 in h1s:
        if any(similarity(h1, other) >= H1_SIMILARITY for other in others):
            return h1
    if ld:
        return strip_site(ld[0], site_names)
    if social:
        return strip_site(social[0], site_names)
    if titles:
        return strip_site(titles[0], site_names)
    return h1s[0] if h1s else None
