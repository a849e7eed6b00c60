"""What the deduplicator takes and gives: documents, assignments and its pinned parameters."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from ainews.dedupe import lsh, signature, verify
from ainews.dedupe.boilerplate import BOILERPLATE_MIN_DOCS, COMMON_MIN_DOCS
from ainews.dedupe.index import EXACT, EXCERPT, NEAR_COPY, StoredDoc

RELATION_NAMES = {NEAR_COPY: "near_copy", EXACT: "exact", EXCERPT: "excerpt"}
# Bumped when the rules change, so a stored index is rebuilt under the new ones.
RULES_VERSION = 2


@dataclass(frozen=True)
class Doc:
    """A document to de-duplicate (dates as ISO 8601 UTC strings)."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published_at: str | None = None
    fetched_at: str | None = None


@dataclass(frozen=True)
class Assignment:
    """Where a document belongs: its cluster (the canonical doc's id), the story it is an
    excerpt of, if any, and why (``relation`` to ``compared_with``: ``near_copy``,
    ``exact`` or ``excerpt``; None for a canonical; ``score`` and the covered shares of
    each side, 0..1)."""

    id: str
    cluster_id: str
    is_canonical: bool
    partial_of: str | None
    relation: str | None = None
    compared_with: str | None = None
    score: float | None = None
    share_self: float | None = None
    share_other: float | None = None

    def in_story(self) -> Assignment:
        """The assignment as analysts see it: an excerpt is a non-canonical member of the
        story it was taken from (the index keeps it apart so that excerpts never merge
        stories), so that one canonical row per cluster means one row per story."""
        if self.partial_of is None:
            return self
        return replace(self, cluster_id=self.partial_of, is_canonical=False)


@dataclass(frozen=True)
class Params:
    """The pinned parameters (defaults: the module constants, documented where defined)."""

    shingle_size: int = signature.SHINGLE_SIZE
    num_perm: int = signature.NUM_PERM
    seed: int = signature.SEED
    bands: int = lsh.BANDS
    rows: int = lsh.ROWS
    boilerplate_min_docs: int = BOILERPLATE_MIN_DOCS
    common_min_docs: int = COMMON_MIN_DOCS

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) exceeds num_perm "
                             f"({self.num_perm})")

    def fingerprint(self) -> str:
        """Everything a stored index depends on: a change marks it stale (rebuilt)."""
        rules = [RULES_VERSION, verify.COPY_MIN_SHARE, verify.COPY_SUM_SHARE,
                 verify.OWN_UNCOVERED, verify.COMMON_EVIDENCE, verify.COMMON_UNCOVERED,
                 verify.OWN_MIN_TOKENS, verify.REWORD_MIN, verify.EXCERPT_MAX_RATIO,
                 verify.PARTIAL_SHARE]
        return json.dumps({**asdict(self), "scheme": signature.SCHEME, "rules": rules,
                           "lede": [signature.LEDE_SHINGLES, signature.LEDE_NUM_PERM,
                                    lsh.LEDE_BANDS, lsh.LEDE_ROWS]}, sort_keys=True)


def sort_key(doc: Doc) -> str:
    """Orders documents for canonical choice: earliest published, then fetched, then id."""
    pub, fetched = doc.published_at, doc.fetched_at
    return f"{0 if pub else 1}{pub or ''}\x00{0 if fetched else 1}{fetched or ''}\x00{doc.id}"


def ratios(stored: StoredDoc) -> tuple[float, float, float]:
    """A stored placement's score and covered shares, 0..1 (stored as millionths)."""
    return stored.score / 1e6, stored.share_self / 1e6, stored.share_other / 1e6
