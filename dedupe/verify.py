"""Verification of LSH candidates: is one document a copy, or an excerpt, of another?

LSH answers are candidates; each pair is decided here on the exact content shingles of
both documents (each with its own site's boilerplate paragraphs removed, see
``boilerplate.py``).

The measure is **coverage**, not Jaccard: the share of a document's tokens that lie in a
3-gram the other document also has. An edited copy keeps almost every token covered
(10% of words replaced leaves ~90% covered, while its 3-gram Jaccard drops to ~0.55);
two different stories that quote the same 150-word statement cover each other only on
the quote. A pair is a **near-copy** when what the two share is the bulk of *each*
document: both shares at least ``COPY_MIN_SHARE`` and together at least
``COPY_SUM_SHARE`` (a rewritten lede or an added paragraph leaves one or both sides ~80%
covered; a 70-word item after a shared 150-word block leaves both at ~68%). Two vetoes
for pairs where both sides keep a sizeable part unshared (the grey zone where a short
different item beside a long shared block looks like a copy with a rewritten lede):

- **common text**: each keeps at least ``COMMON_UNCOVERED`` unshared and at least
  ``COMMON_EVIDENCE`` of what they share lies in paragraphs the corpus has seen in several
  documents (``boilerplate.COMMON_MIN_DOCS``, any site: a quoted press statement, a
  syndicator's "about us" block), learned from the corpus as it grows;
- **not reworded**: each keeps at least ``OWN_UNCOVERED`` unshared and the unshared parts
  share fewer than ``REWORD_MIN`` of their distinct words: a rewritten lede says the same
  thing with the same names and numbers, a different item does not.

An **excerpt** is the opening of a story: at least ``PARTIAL_SHARE`` of the smaller
document's own text (outside common paragraphs, so a short item in front of a shared
block is not an excerpt of another) is covered, the shared 3-grams sit at the start of
the larger one (a short story in the middle of a long one is no excerpt), and it is at
most ``EXCERPT_MAX_RATIO`` of the larger's length. Thresholds were chosen on
``benchmarks/dedup.py`` (its hard negatives are built from real text, with lengths drawn
from ranges, not from these thresholds).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property

import numpy as np

COPY_MIN_SHARE = 0.6
COPY_SUM_SHARE = 1.4
OWN_UNCOVERED = 0.2
COMMON_EVIDENCE = 0.85
COMMON_UNCOVERED = 0.25
REWORD_MIN = 0.4
OWN_MIN_TOKENS = 20
EXCERPT_MAX_RATIO = 0.8
PARTIAL_SHARE = 0.75
# The shared shingles must lie within the larger document's first
# PREFIX_SPAN * |smaller| + PREFIX_SLACK shingles: a short story in the middle of a long
# one is contained but is no excerpt of it.
PREFIX_SPAN = 1.5
PREFIX_SLACK = 20
PREFIX_SHARE = 0.8


class Relation(IntEnum):
    NONE = 0
    NEAR_COPY = 1
    A_IN_B = 2  # a is an excerpt of b
    B_IN_A = 3


@dataclass(frozen=True)
class View:
    """A document as verification sees it: its content shingles in text order and, per
    content token, whether it lies in a paragraph common across the corpus."""

    tokens: np.ndarray
    shingles: np.ndarray
    common: np.ndarray
    size: int  # shingle size: shingle i covers tokens i .. i + size - 1

    @property
    def n_tokens(self) -> int:
        return int(self.common.size)

    @cached_property
    def shingle_set(self) -> np.ndarray:
        """Its distinct shingles, sorted (once per view: one document meets many)."""
        return np.unique(self.shingles)


@dataclass(frozen=True)
class Verdict:
    """How ``a`` relates to ``b``. Shares are in millionths (integers, so exact and
    comparable): ``share_a`` is the part of a's tokens that b covers, ``common_a`` the part
    of those covered tokens that lie in corpus-common paragraphs."""

    relation: Relation
    score: int  # what ranks candidate matches: min share (copy) or the excerpt's share
    share_a: int
    share_b: int
    rule: str  # the rule that decided, in words (``ainews dedupe --explain``)
    common_a: int = 0
    common_b: int = 0


def _covered(view: View, other: np.ndarray) -> np.ndarray:
    """Per token of ``view``: is it inside a shingle that ``other`` (sorted, distinct) has?"""
    n = view.n_tokens
    hit = _member(view.shingles, other)
    covered = np.zeros(n, dtype=bool)
    if n == 0 or hit.size == 0:
        return covered
    if n < view.size:  # one shingle covers the whole text
        covered[:] = bool(hit[0])
        return covered
    for k in range(view.size):
        covered[k : k + hit.size] |= hit
    return covered


def share(view: View, covered: np.ndarray) -> tuple[int, int]:
    """(share, common share) of ``view`` in millionths: the part of its tokens covered by
    the other document, and the part of those covered tokens in corpus-common paragraphs."""
    hit = int(np.count_nonzero(covered))
    if view.n_tokens == 0 or hit == 0:
        return 0, 0
    common = int(np.count_nonzero(covered & view.common))
    return hit * 1_000_000 // view.n_tokens, common * 1_000_000 // hit


def own_share(view: View, covered: np.ndarray) -> int:
    """The share (millionths) of a document's own text (outside corpus-common paragraphs)
    that is covered; the whole text's when it has fewer than ``OWN_MIN_TOKENS`` own tokens."""
    own = ~view.common
    n_own = int(np.count_nonzero(own))
    if n_own < OWN_MIN_TOKENS:
        return int(np.count_nonzero(covered)) * 1_000_000 // max(view.n_tokens, 1)
    return int(np.count_nonzero(covered & own)) * 1_000_000 // n_own


def reworded(a: View, covered_a: np.ndarray, b: View, covered_b: np.ndarray) -> int:
    """How much the unshared parts of two documents are the same text in other words: the
    share (millionths) of the smaller unshared part's distinct words found in the other's."""
    rest_a = np.unique(a.tokens[~covered_a])
    rest_b = np.unique(b.tokens[~covered_b])
    small = min(rest_a.size, rest_b.size)
    if small == 0:
        return 1_000_000
    inter = np.intersect1d(rest_a, rest_b, assume_unique=True).size
    return inter * 1_000_000 // small


def compare(a: View, b: View) -> Verdict:
    """Decide how two documents relate (see module docstring)."""
    if a.n_tokens == 0 or b.n_tokens == 0:
        return Verdict(Relation.NONE, 0, 0, 0, "a document without words matches nothing")
    set_a, set_b = a.shingle_set, b.shingle_set
    covered_a, covered_b = _covered(a, set_b), _covered(b, set_a)
    (share_a, common_a), (share_b, common_b) = share(a, covered_a), share(b, covered_b)
    low, total = min(share_a, share_b), share_a + share_b

    def verdict(relation: Relation, score: int, rule: str) -> Verdict:
        return Verdict(relation, score, share_a, share_b, rule, common_a, common_b)

    if low >= COPY_MIN_SHARE * 1e6 and total >= COPY_SUM_SHARE * 1e6:
        both_keep_own = max(share_a, share_b) <= (1 - OWN_UNCOVERED) * 1e6
        if max(share_a, share_b) <= (1 - COMMON_UNCOVERED) * 1e6 and \
                min(common_a, common_b) >= COMMON_EVIDENCE * 1e6:
            return verdict(Relation.NONE, low,
                           f"different: each keeps >= {COMMON_UNCOVERED:.0%} of its text unshared "
                           f"and what they share is common text (>= {COMMON_EVIDENCE:.0%} in "
                           "paragraphs found in other documents)")
        same = reworded(a, covered_a, b, covered_b)
        if both_keep_own and same < REWORD_MIN * 1e6:
            return verdict(Relation.NONE, low,
                           f"different: each keeps >= {OWN_UNCOVERED:.0%} of its text unshared "
                           f"and those parts share {same / 1e6:.0%} < {REWORD_MIN:.0%} of "
                           "their words (not the same text reworded)")
        return verdict(Relation.NEAR_COPY, low,
                       f"near-copy: each side covered >= {COPY_MIN_SHARE:.0%} "
                       f"and both together >= {COPY_SUM_SHARE:.0%}")
    a_small = a.n_tokens < b.n_tokens or (a.n_tokens == b.n_tokens
                                          and bytes(a.shingles) <= bytes(b.shingles))
    small, small_covered = (a, covered_a) if a_small else (b, covered_b)
    small_share = own_share(small, small_covered)
    n_small, n_large = sorted((a.n_tokens, b.n_tokens))
    if n_small > EXCERPT_MAX_RATIO * n_large:
        return verdict(Relation.NONE, low, "different: below the near-copy rule, and too long "
                       f"for an excerpt (> {EXCERPT_MAX_RATIO:.0%} of the other)")
    if small_share < PARTIAL_SHARE * 1e6:
        return verdict(Relation.NONE, low,
                       f"different: below the near-copy rule, and {small_share / 1e6:.0%} of the "
                       f"smaller's own text covered < {PARTIAL_SHARE:.0%} for an excerpt")
    excerpt, full = (set_a, b.shingles) if a_small else (set_b, a.shingles)
    if not _at_start(excerpt, full):
        return verdict(Relation.NONE, low, "different: the smaller is inside the larger but "
                       "not at its start (no excerpt)")
    return verdict(Relation.A_IN_B if a_small else Relation.B_IN_A, small_share,
                   f"excerpt: >= {PARTIAL_SHARE:.0%} of the smaller's own text is covered, at the "
                   "opening of the larger")


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Per value: is it in ``sorted_set`` (sorted, distinct)? ``np.isin`` without the sort
    of both arrays it does on every call."""
    if values.size == 0 or sorted_set.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.searchsorted(sorted_set, values)
    at[at == sorted_set.size] = 0
    return sorted_set[at] == values


def _at_start(excerpt_set: np.ndarray, full: np.ndarray) -> bool:
    matched = _member(full, excerpt_set)
    total = np.count_nonzero(matched)
    span = int(PREFIX_SPAN * excerpt_set.size) + PREFIX_SLACK
    return total > 0 and np.count_nonzero(matched[:span]) >= PREFIX_SHARE * total
