"""Text normalisation for de-duplication: paragraphs, tokens and their hashes.

Two copies of a story differ in ways a reader does not see: curly or straight quotes,
non-breaking spaces, soft hyphens, ligatures, full-width letters, case, punctuation.
``normalize`` folds all of them (NFKC, case folding, invisible format characters dropped)
and ``tokens`` keeps only word characters, so none of these variants changes a shingle.
Chinese and Japanese text has no spaces: each ideograph or kana is its own token.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import xxhash

# Invisible characters that NFKC keeps but that split or join words on copy:
# soft hyphen, zero-width space/joiners, word joiner, byte-order mark.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)

# A token is one CJK ideograph or kana, or a run of other word characters.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_PARAGRAPH_RE = re.compile(r"\s*\n\s*")

# Token hashes are cached: news vocabulary repeats, and a dict lookup is ~3x cheaper than
# hashing. Cleared when full, so memory stays bounded; the values never depend on it.
_TOKEN_CACHE: dict[str, int] = {}
_TOKEN_CACHE_MAX = 500_000


def normalize(text: str) -> str:
    """Fold the Unicode and case variants a copy of a text may carry."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()


def tokens(text: str) -> list[str]:
    """The word tokens of already normalised text."""
    return _TOKEN_RE.findall(text)


def _token_hash(token: str) -> int:
    value = xxhash.xxh32_intdigest(token.encode())
    if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[token] = value
    return value


@dataclass(frozen=True)
class Features:
    """What de-duplication keeps of a text.

    ``token_hashes``: one 32-bit hash per token, in order. ``para_ends``: the token
    offset where each paragraph ends. ``para_hashes``: one 64-bit hash per paragraph
    (of its tokens, so boilerplate matches whatever its punctuation). ``body_hash``: the
    hash of the whole normalised token stream (exact duplicates).
    """

    token_hashes: np.ndarray
    para_ends: np.ndarray
    para_hashes: np.ndarray
    body_hash: int

    @property
    def n_tokens(self) -> int:
        return int(self.token_hashes.size)


def features(text: str) -> Features:
    """Normalise, split into paragraphs (one per line) and hash a text."""
    cache = _TOKEN_CACHE
    hashes: list[int] = []
    ends: list[int] = []
    para_hashes: list[int] = []
    body = xxhash.xxh3_64()
    for paragraph in _PARAGRAPH_RE.split(normalize(text)):
        toks = _TOKEN_RE.findall(paragraph)
        if not toks:
            continue
        hashes.extend([cache[t] if t in cache else _token_hash(t) for t in toks])
        ends.append(len(hashes))
        joined = " ".join(toks)
        para_hashes.append(xxhash.xxh3_64_intdigest(joined.encode()))
        body.update(joined.encode())
        body.update(b" ")
    return Features(
        token_hashes=np.array(hashes, dtype=np.uint32),
        para_ends=np.array(ends, dtype=np.uint32),
        para_hashes=np.array(para_hashes, dtype=np.uint64),
        body_hash=body.intdigest() if hashes else 0,
    )
