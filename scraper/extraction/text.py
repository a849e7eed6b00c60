"""Text helpers shared by the body stages: words and the comparison form of a paragraph."""

from __future__ import annotations

import re

#: A word: a run of letters, digits or underscores, in any script.
WORD = re.compile(r"\w+")


def norm(text: str) -> str:
    """Lower-case words joined by one space: the form in which paragraphs, headings,
    ledes and titles are compared (punctuation and spacing differences do not count)."""
    return " ".join(WORD.findall(text.lower()))


def word_count(text: str) -> int:
    """Words in ``text``."""
    return len(WORD.findall(text))
