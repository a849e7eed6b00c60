"""Text normalisation for de-duplication: paragraphs, tokens and their hashes.

Two copies of a story differ in ways a reader does not see: curly or straight quotes,
non-breaking spaces, soft hyphens, ligatures, full-width letters, case, punctuation.
``normalize`` folds all of them (NFKC, case folding, invisible format characters dropped)
and ``tokens`` keeps only word characters, so none of these variants changes a shingle.
Chinese and Japanese text has no spaces: each ideograph or kana is its own token.
"""

from __future__ import annotations

import array
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import xxhash

# Invisible characters that NFKC keeps but that split or join words on copy:
# soft hyphen, zero-width space/joiners, word joiner, byte-order mark.
_INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)

# A token is a run of word characters between spaces, with the punctuation inside it dropped
# ("don't" -> "dont", "U.S." -> "us"), so quote and dash variants make the same token; a
# Chinese or Japanese ideograph or kana is a token of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_PART_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_NON_WORD_RE = re.compile(r"[\W_]+")

# Token hashes are cached by the raw whitespace-separated token: news vocabulary repeats,
# and a dict lookup is ~5x cheaper than cleaning and hashing. 0 marks a token with no word
# characters. Tokens holding CJK map to several hashes and are kept apart. Cleared when
# full, so memory stays bounded; the values never depend on the cache.
_CACHE_MAX = 500_000
_single: dict[str, int] = {}
_multi: dict[str, tuple[int, ...]] = {}


def normalize(text: str) -> str:
    """Fold the Unicode and case variants a copy of a text may carry."""
    text = unicodedata.normalize("NFKC", text)
    # str.translate looks every character up in a dict: 5x the cost of these six scans,
    # and most texts hold none of them
    if any(ch in text for ch in _INVISIBLE_CHARS):
        text = text.translate(_INVISIBLE)
    return text.casefold()


def tokens(text: str) -> list[str]:
    """The word tokens of already normalised text."""
    out: list[str] = []
    for raw in text.split():
        if _CJK_RE.search(raw):
            out.extend(_PART_RE.findall(raw))
        elif word := _NON_WORD_RE.sub("", raw):
            out.append(word)
    return out


def _hash_token(word: str) -> int:
    return xxhash.xxh32_intdigest(word.encode()) or 1


def _hashes_slow(raws: list[str], out: array.array) -> None:
    if len(_single) + len(_multi) >= _CACHE_MAX:
        _single.clear()
        _multi.clear()
    for raw in raws:
        if raw in _single:
            value = _single[raw]
        elif raw in _multi:
            out.extend(_multi[raw])
            continue
        elif _CJK_RE.search(raw):
            _multi[raw] = tuple(_hash_token(t) for t in tokens(raw))
            out.extend(_multi[raw])
            continue
        else:
            word = _NON_WORD_RE.sub("", raw)
            value = _single[raw] = _hash_token(word) if word else 0
        if value:
            out.append(value)


def _token_hashes(line: str, out: array.array) -> None:
    """Append the token hashes of one line of normalised text to ``out``."""
    raws = line.split()
    values = list(map(_single.get, raws))
    if None in values:
        _hashes_slow(raws, out)
    elif 0 in values:  # a known token without word characters ("—", "&") hashes to nothing
        out.extend(filter(None, values))
    else:
        out.extend(values)


@dataclass(frozen=True)
class Features:
    """What de-duplication keeps of a text.

    ``token_hashes``: one 32-bit hash per token, in order. ``para_ends``: the token
    offset where each paragraph ends. ``para_hashes``: one 64-bit hash per paragraph
    (of its tokens, so boilerplate matches whatever its punctuation). ``body_hash``: the
    hash of the whole normalised token stream (exact duplicates). ``band_keys``: the LSH
    band keys of the whole text under the default parameters (``signature``, ``lsh``),
    computed where the features are (a crawl's cleaning worker) so that the process
    holding the index signs only a document some of whose paragraphs it leaves out as
    site boilerplate (None: not computed; the index signs it).
    """

    token_hashes: np.ndarray
    para_ends: np.ndarray
    para_hashes: np.ndarray
    body_hash: int
    band_keys: tuple[int, ...] | None = None

    @property
    def n_tokens(self) -> int:
        return int(self.token_hashes.size)


def features(text: str, *, band_keys: bool = True) -> Features:
    """Normalise, split into paragraphs (one per line) and hash a text (``band_keys``:
    with ``Features.band_keys``).

    A text without word tokens (``""``, ``"—"``, ``"___"``) gives empty features and a
    ``body_hash`` of 0: it matches nothing, not even another empty text."""
    hashes = array.array("I")
    ends: list[int] = []
    for line in normalize(text).splitlines():
        _token_hashes(line, hashes)
        if len(hashes) > (ends[-1] if ends else 0):
            ends.append(len(hashes))
    token_hashes = np.frombuffer(hashes, dtype=np.uint32) if hashes else np.empty(0, np.uint32)
    starts = [0, *ends[:-1]] if ends else []
    para_hashes = [xxhash.xxh3_64_intdigest(token_hashes[s:e].tobytes())
                   for s, e in zip(starts, ends, strict=True)]
    return Features(
        token_hashes=token_hashes,
        para_ends=np.array(ends, dtype=np.uint32),
        para_hashes=np.array(para_hashes, dtype=np.uint64),
        body_hash=xxhash.xxh3_64_intdigest(token_hashes.tobytes()) if hashes else 0,
        band_keys=whole_band_keys(token_hashes) if band_keys else None,
    )


def whole_band_keys(token_hashes: np.ndarray) -> tuple[int, ...]:
    """The band keys of a text none of whose paragraphs is left out, under the default
    parameters (what ``Deduplicator`` computes for it with ``Params()``)."""
    from ainews.dedupe import lsh, signature  # (they do not import this module)

    return tuple(lsh.document_keys(signature.shingles(token_hashes)))
