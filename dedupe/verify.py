"""Verification of LSH candidates on their exact shingle sets.

LSH answers are candidates; each pair is decided here on the content shingles of both
documents (each with its own site's boilerplate paragraphs removed, see
``boilerplate.py``). Thresholds were chosen on ``benchmarks/dedup.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

# Near-copy when the Jaccard similarity of the content 3-gram sets is at least this.
# Copies with 10% of words edited measure ~0.57, with a paragraph dropped as well ~0.5;
# different stories about the same event stay under 0.15 (benchmarks/dedup.py).
DUP_JACCARD = 0.3
# ...or when the smaller set is mostly inside the larger one: a copy with a paragraph
# added or a lede rewritten. Either way the smaller must be at least DUP_MIN_RATIO of the
# larger: an excerpt (less than about half its story) is a partial copy, not a member.
DUP_CONTAINMENT = 0.6
DUP_MIN_RATIO = 0.5
# Excerpt ("partial copy") when at least this share of the smaller document's shingles
# are in the larger one and those shingles sit at its start (a truncation).
PARTIAL_CONTAINMENT = 0.7
# The shared shingles must lie within the larger document's first
# PREFIX_SPAN * |smaller| + PREFIX_SLACK shingles: a short story in the middle of a long
# one is contained but is no excerpt of it.
PREFIX_SPAN = 1.5
PREFIX_SLACK = 20
PREFIX_SHARE = 0.8


class Relation(IntEnum):
    NONE = 0
    DUPLICATE = 1
    A_IN_B = 2  # a is an excerpt of b
    B_IN_A = 3


@dataclass(frozen=True)
class Verdict:
    relation: Relation
    #: Share of the smaller document found in the larger, in millionths (ranks excerpts).
    score: int


def compare(a: np.ndarray, b: np.ndarray) -> Verdict:
    """Decide how two documents relate from their content shingles (in text order)."""
    set_a, set_b = np.unique(a), np.unique(b)
    if set_a.size == 0 or set_b.size == 0:
        return Verdict(Relation.NONE, 0)
    inter = np.intersect1d(set_a, set_b, assume_unique=True).size
    small, large = sorted((set_a.size, set_b.size))
    containment = inter / small
    score = int(containment * 1_000_000)
    jaccard = inter / (set_a.size + set_b.size - inter)
    similar_size = small >= DUP_MIN_RATIO * large
    if similar_size and (jaccard >= DUP_JACCARD or containment >= DUP_CONTAINMENT):
        return Verdict(Relation.DUPLICATE, score)
    if containment < PARTIAL_CONTAINMENT:
        return Verdict(Relation.NONE, score)
    a_small = set_a.size < set_b.size or (set_a.size == set_b.size and bytes(a) <= bytes(b))
    excerpt, full = (set_a, b) if a_small else (set_b, a)
    if not _at_start(excerpt, full):
        return Verdict(Relation.NONE, score)
    return Verdict(Relation.A_IN_B if a_small else Relation.B_IN_A, score)


def _at_start(excerpt_set: np.ndarray, full: np.ndarray) -> bool:
    matched = np.isin(full, excerpt_set)
    total = np.count_nonzero(matched)
    span = int(PREFIX_SPAN * excerpt_set.size) + PREFIX_SLACK
    return total > 0 and np.count_nonzero(matched[:span]) >= PREFIX_SHARE * total
