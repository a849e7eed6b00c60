"""Text helpers shared by the body stages: words, text size and sentence ends in any script.

Every size rule of the body stages ("a headline is at most 15 words", "prose paragraphs
have 10 words or more") counts with :func:`word_count`, so that a threshold means the
same amount of text in every script:

- spaced scripts (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Hangul, ...): a
  word is a run of letters, digits *and combining marks*. Python's ``\\w`` leaves out the
  vowel signs of Indic and Thai scripts, so ``\\w+`` cuts "हिन्दी" into three "words";
- scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar): each character
  counts as a share of a word, from the ratios translators use to size a text against
  its English translation (``_CHARS_PER_WORD``). ``\\w+`` counts a whole Chinese clause
  as one word, so a 200-character paragraph was "5 words" and never prose.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

_T = TypeVar("_T")


def _mark_class() -> str:
    """A regex character class body of the combining marks (Mn, Mc, Me) of the BMP,
    plus the zero-width (non-)joiners that sit inside Persian and Indic words."""
    ranges: list[list[int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    parts = [f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges]
    return "".join(parts) + "\\u200c\\u200d"


_MARKS = _mark_class()
#: A word: a run of letters, digits, underscores and combining marks, in any script.
WORD = re.compile(rf"[\w{_MARKS}]+")
#: Paragraphs shorter than this are captions, bylines and teasers, not article prose
#: (in English-word equivalents, :func:`word_count`: 15 Chinese characters).
PROSE_MIN_WORDS = 10

#: Scripts written without spaces between words, and characters per English word of the
#: same text (translation sizing: a 1,000-word English text is ~1,300-1,800 Chinese
#: characters, Japanese text is sized at 2-2.5 characters per English word, Thai at 4).
_HAN = ("\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        "\U00020000-\U0003134f")
_KANA = "\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # not "・"
_SOUTHEAST = ("\u0e01-\u0e4e\u0e50-\u0e59"  # Thai, without ๏ ๚ ๛
              "\u0e81-\u0edf"  # Lao
              "\u1000-\u1049\u104c-\u109f"  # Myanmar, without its comma and full stop
              "\u1780-\u17d3\u17dc-\u17ff")  # Khmer, without its punctuation
_CHARS_PER_WORD = {_HAN: 1.5, _KANA: 3.0, _SOUTHEAST: 4.0}
#: Kanji are counted at Chinese's rate and kana at 3: a Japanese text, about a third
#: kanji, then comes out at ~2.2 characters per word.
_UNSPACED = _HAN + _KANA + _SOUTHEAST
_UNSPACED_CHAR = {chars: re.compile(f"[{chars}]") for chars in _CHARS_PER_WORD}
#: A word of a spaced script: a run of word characters outside the unspaced scripts.
_SPACED_WORD = re.compile(rf"(?:(?![{_UNSPACED}])[\w{_MARKS}])+")
#: A token for comparing texts: a spaced word, or one character of an unspaced script.
TOKEN = re.compile(rf"[{_UNSPACED}]|{_SPACED_WORD.pattern}")
#: Most text (English with curly quotes and dashes, most of Latin, Cyrillic, Arabic) has
#: neither marks nor unspaced characters: plain ``\w+`` counts it, 25% faster than WORD.
_SCRIPTED = re.compile(rf"[{_MARKS}{_UNSPACED}]")
_PLAIN_WORD = re.compile(r"\w+")

#: Full stops of the world's scripts: Latin, CJK (full and half width), Devanagari and
#: Bengali dandas, Arabic and Urdu, Armenian, Ethiopic, Myanmar, Khmer, Tibetan, Mongolian.
FULL_STOPS = ".…。．｡।॥۔։።။។៕།᠃᠉"
#: Sentence ends: the full stops and the question and exclamation marks.
SENTENCE_ENDS = FULL_STOPS + "!?！？؟;\u037e፧፨"  # ";" is also the Greek question mark
#: What may close a sentence after its end mark: quotes and brackets of any script.
CLOSERS = "\"'”’»›)]）」』】〉》〕〗〙〛"
_SENTENCE_END = re.compile(rf"[{re.escape(SENTENCE_ENDS)}][{re.escape(CLOSERS)}]*\s*$")
_FULL_STOP_END = re.compile(rf"[{re.escape(FULL_STOPS)}][{re.escape(CLOSERS)}]*\s*$")


def fold(text: str | None) -> str:
    """Runs of whitespace as one space, trimmed (``str.split`` splits at what ``\\s``
    matches, 3x faster than ``re.sub``)."""
    return " ".join((text or "").split())


def _plain(text: str) -> bool:
    return text.isascii() or not _SCRIPTED.search(text)


def words(text: str) -> list[str]:
    """The words of ``text``: ``WORD`` runs (Chinese clauses stay whole)."""
    return (_PLAIN_WORD if _plain(text) else WORD).findall(text)


#: Texts up to this long are cached by ``norm`` and ``word_count``: the body stages compare
#: each paragraph 3-4 times (headings, repeats, headline, labels, lede). Longer texts (a
#: whole body, or one 5 MB paragraph of a hostile page, sized ~7 times) share a cache of
#: only ``_LONG_CACHED`` entries, so a worker keeps at most a few bodies.
_NORM_CACHED_CHARS = 2000
_LONG_CACHED = 4


def _cached_by_size(func: Callable[[str], _T]) -> Callable[[str], _T]:
    """``func`` behind the two caches above: 2,048 short texts, the last few long ones."""
    short = lru_cache(maxsize=2048)(func)
    long = lru_cache(maxsize=_LONG_CACHED)(func)
    return lambda text: long(text) if len(text) > _NORM_CACHED_CHARS else short(text)


def norm(text: str) -> str:
    """Lower-case words joined by one space: the form in which paragraphs, headings,
    ledes and titles are compared (punctuation and spacing differences do not count)."""
    return _norm_cached(text)


def _norm(text: str) -> str:
    return " ".join(words(text.lower()))


_norm_cached = _cached_by_size(_norm)


def tokens(text: str) -> list[str]:
    """Comparison tokens: spaced words, and single characters of unspaced scripts."""
    return _PLAIN_WORD.findall(text) if _plain(text) else TOKEN.findall(text)


def word_count(text: str) -> float:
    """The size of ``text`` in English-word equivalents (see the module docstring)."""
    return _word_count_cached(text)


def _word_count(text: str) -> float:
    if _plain(text):
        return len(_PLAIN_WORD.findall(text))
    count: float = len(_SPACED_WORD.findall(text))
    for chars, per_word in _CHARS_PER_WORD.items():
        if found := len(_UNSPACED_CHAR[chars].findall(text)):
            count += found / per_word
    # thousandths: a size made of thirds must compare equal to the same size summed
    # line by line, or a rule's tie ("half of the other text") falls either way
    return round(count, 3)


#: The paragraph rules, repeats, lede and choice of text each size the same paragraphs
#: (5-6 counts of most of them): cached as ``norm`` is.
_word_count_cached = _cached_by_size(_word_count)


def ends_sentence(text: str) -> bool:
    """``text`` ends with a full stop, question or exclamation mark of any script."""
    return bool(_SENTENCE_END.search(text))


def ends_with_full_stop(text: str) -> bool:
    """``text`` ends with a full stop of any script ("。", "।", "." ...), not "?" or "!"."""
    return bool(_FULL_STOP_END.search(text))


assert sys.maxunicode > 0xFFFF  # the Han ranges name supplementary planes
