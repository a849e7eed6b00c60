"""Text helpers shared by the body stages: words and the comparison form of a paragraph."""

from __future__ import annotations

import re
from functools import lru_cache

#: A word: a run of letters, digits or underscores, in any script.
WORD = re.compile(r"\w+")


#: Texts up to this long are cached by ``norm``: the body stages compare each paragraph
#: 3-4 times (headings, repeats, headline, labels, lede); a whole body is not kept.
_NORM_CACHED_CHARS = 2000


def norm(text: str) -> str:
    """Lower-case words joined by one space: the form in which paragraphs, headings,
    ledes and titles are compared (punctuation and spacing differences do not count)."""
    return _norm(text) if len(text) > _NORM_CACHED_CHARS else _norm_cached(text)


def _norm(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


_norm_cached = lru_cache(maxsize=2048)(_norm)


def word_count(text: str) -> int:
    """Words in ``text``."""
    return len(WORD.findall(text))
