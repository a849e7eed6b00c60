"""Repeated blocks: a page that shows its article twice (desktop + mobile copies) keeps one.

A run of paragraphs that repeats an earlier run, in order, is dropped when it holds a large
share of the words. Runs are compared by rolling hashes of the paragraphs' normalised
text, so the cost is linear in the number of paragraphs (times a small constant), not
the pairwise scan that made a page of 10,000 identical paragraphs take minutes.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate

from ainews.scraper.extraction.text import norm, word_count

#: A run of paragraphs repeating an earlier run, in order, is a second copy of the
#: article (desktop + mobile blocks) when it holds at least this share of the words.
#: Smaller repeats are usually real: recipe plans that share a dozen lines (4% of the
#: page), a "1 cup rice" line under each menu; a doubled body is ~50% of the text.
COPY_SHARE = 0.25
#: Earlier occurrences of a paragraph tried as the start of the earlier copy. A second
#: copy of an article starts with a prose paragraph seen once or twice before; a line
#: repeated more often ("Advertisement") is tried at its first occurrences only, which
#: keeps a page of thousands of identical lines linear.
MAX_CANDIDATES = 16
#: Rolling hash modulus (a Mersenne prime) and base: collisions are ~2^-61 per compare.
_MOD = (1 << 61) - 1
_BASE = 1_000_003


class _RunHashes:
    """Polynomial prefix hashes over a sequence of integer codes: O(1) hash of any run."""

    def __init__(self, codes: list[int]) -> None:
        self.prefix = [0]
        self.power = [1]
        for code in codes:
            self.prefix.append((self.prefix[-1] * _BASE + code + 1) % _MOD)
            self.power.append(self.power[-1] * _BASE % _MOD)

    def run(self, start: int, length: int) -> int:
        return (self.prefix[start + length] - self.prefix[start] * self.power[length]) % _MOD

    def same(self, a: int, b: int, length: int) -> bool:
        return self.run(a, length) == self.run(b, length)

    def common(self, a: int, b: int, limit: int) -> int:
        """Length of the longest common run at ``a`` and ``b``, at most ``limit``."""
        low, high = 0, limit  # same(a, b, low) holds; binary search the largest such
        while low < high:
            mid = (low + high + 1) // 2
            if self.same(a, b, mid):
                low = mid
            else:
                high = mid - 1
        return low


def dedupe_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop the later copy of a repeated block that is a large part of the text.

    At each paragraph, the longest run starting there that repeats an earlier,
    non-overlapping run is skipped when it holds at least :data:`COPY_SHARE` of the words.
    """
    keys = [norm(p) for p in paragraphs]
    ids: dict[str, int] = {}
    codes = [ids.setdefault(key, len(ids)) for key in keys]
    words = [word_count(key) for key in keys]
    cumulative = [0, *accumulate(words)]  # cumulative[k] = words in paragraphs[:k]
    threshold = COPY_SHARE * (cumulative[-1] or 1)
    hashes = _RunHashes(codes)
    seen: dict[int, list[int]] = {}  # code → its first positions (< i)
    out: list[str] = []
    filled = i = 0
    while i < len(paragraphs):
        for k in range(filled, i):  # every position before i is a candidate, kept or not
            starts = seen.setdefault(codes[k], [])
            if len(starts) < MAX_CANDIDATES:
                starts.append(k)
        filled = i
        n = _copy_length(i, keys, seen.get(codes[i], ()), hashes, cumulative, threshold)
        if n:
            i += n
            continue
        out.append(paragraphs[i])
        i += 1
    return out


def _copy_length(i: int, keys: list[str], starts: list[int] | tuple[()], hashes: _RunHashes,
                 cumulative: list[float], threshold: float) -> int:
    """Length of the longest run at ``i`` repeating an earlier run, when that run holds at
    least ``threshold`` words; 0 otherwise."""
    if not keys[i] or not starts:
        return 0
    # the shortest run from i that holds enough words; none: nothing from here can count
    shortest = bisect_left(cumulative, cumulative[i] + threshold) - i
    if i + shortest > len(keys):
        return 0
    best = 0
    for j in starts:
        if i - j < shortest or not hashes.same(j, i, shortest):
            continue  # the earlier copy must end before i and be long enough
        best = max(best, hashes.common(j, i, min(i - j, len(keys) - i)))
    return best
