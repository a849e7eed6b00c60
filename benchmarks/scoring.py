"""Shingle scoring of extracted text against a human-made truth.

The definition follows the Zyte article-extraction-benchmark (see
``$AINEWS_SHARED/extraction-bench/README.md``): ``\\w+`` tokens with case kept, multisets of
4-token shingles, per-page precision and recall, the means of those, and F1 of the means.
A page whose prediction is empty has no precision (left out of that mean) and recall 0.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
#: Shingle length of the public benchmark; 4 tokens tolerate small reorderings and
#: punctuation differences while still penalising a missing or extra sentence.
SHINGLE_SIZE = 4


def tokens(text: str | None) -> list[str]:
    """``\\w+`` tokens of ``text``, case kept, punctuation dropped."""
    return _TOKEN.findall(text or "")


Tokenizer = Callable[[str | None], list[str]]


def shingles(text: str | None, size: int = SHINGLE_SIZE,
             tokenize: Tokenizer = tokens) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token shingles; a shorter non-empty text is one shingle."""
    toks = tokenize(text)
    if not toks:
        return Counter()
    return Counter(tuple(toks[i:i + size]) for i in range(max(1, len(toks) - size + 1)))


def half(page_id: str) -> int:
    """The fixed half (0 or 1) of a dev-set page, by a hash of its id: tune on one half,
    report both, and a rule that helps one and hurts the other is overfitting."""
    return hashlib.sha1(page_id.encode()).digest()[0] & 1


@dataclass(frozen=True)
class PageScore:
    precision: float | None  # None when the prediction is empty
    recall: float
    exact: bool  # token sequences are equal
    empty: bool  # the prediction has no token


def shingle_scores(pred: str | None, truth: str | None,
                   tokenize: Tokenizer = tokens) -> PageScore:
    """Precision, recall and exactness of one prediction against its truth; ``tokenize``
    defaults to the benchmark's ``\\w+`` (``benchmarks/multiscript.py`` passes one that
    makes each Chinese, Japanese or Thai character a token)."""
    p, t = shingles(pred, tokenize=tokenize), shingles(truth, tokenize=tokenize)
    tp = sum((p & t).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    empty = not p
    precision = None if empty else tp / (tp + fp)
    recall = tp / (tp + fn) if tp + fn else 1.0
    return PageScore(precision, 0.0 if empty else recall, tokenize(pred) == tokenize(truth),
                     empty)


@dataclass(frozen=True)
class Aggregate:
    f1: float
    precision: float
    recall: float
    accuracy: float
    empty: int
    pages: int


def aggregate(scores: Iterable[PageScore]) -> Aggregate:
    """Mean precision (over non-empty pages), mean recall, F1 of the means, accuracy."""
    scores = list(scores)
    if not scores:
        return Aggregate(0.0, 0.0, 0.0, 0.0, 0, 0)
    precisions = [s.precision for s in scores if s.precision is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(s.recall for s in scores) / len(scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s.exact for s in scores) / len(scores)
    return Aggregate(f1, precision, recall, accuracy, sum(s.empty for s in scores), len(scores))
