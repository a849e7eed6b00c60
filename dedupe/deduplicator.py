"""Incremental clustering of near-duplicate documents (exact hash + MinHash LSH, verified).

Each document is compared with documents already in the index, never only the current
run: its exact body hash and its LSH band keys find candidates, ``verify.compare`` decides
each pair.

**The rule: clusters are stars around their canonical, decided in canonical order.**
Order all documents by their sort key (earliest published, then earliest fetched, then
id). Taken in that order, a document joins the cluster of the best *canonical* before it
that it verifies against (an identical body first, then the highest score, then the
earliest canonical); failing that, a cluster most (and at least two) of whose
representatives before it (its ``REPRESENTATIVES`` earliest members, each a verified copy
of the canonical) it verifies against, since a canonical that rewrote the lede and a copy
that edited the body may fail the pair test while both are plainly the story; if there
is none, it is the canonical of a new cluster. So:

- clusters cannot chain: A ~ B and B ~ C never put A and C together unless C is itself a
  copy of the canonical (or of most of its earliest copies: a bounded, two-step bond).
  A document that matches two clusters joins one of them; two clusters merge only when
  one canonical verifies as a copy of the other;
- the state is a function of the set of documents (and of the paragraph counts, which
  are too), so the same documents give the same clusters in any order;
- an excerpt is no copy (it covers little of its story): it stays a canonical of its own
  and ``partial_of`` names the story whose opening it is: the cluster of the longer
  document, of any date, it is the best excerpt of, among canonicals and each cluster's
  ``REPRESENTATIVES`` earliest members (a canonical may have rewritten the opening).
  Analysts see it as a member of that story (``in_story``).
- an identical body (same normalised token stream) joins the earlier canonical holding
  it through the body-hash index, before any shingle is compared.

Why this rule and not connected components of all verified pairs (the previous one): one
wrong edge (two stories that quote the same statement) merged two whole stories with all
their copies, and a component must be re-walked on every add (cubic in cluster size).
Star clusters need only the canonicals' band keys to place a new document (members' keys
are kept apart, ``Index.candidates(among="canonical")``) and one placement row per
document, so an add costs a few lookups and verifications whatever its cluster's size.

Incremental maintenance: a new (or changed) document is placed against the canonicals
before it. Only when it becomes a canonical can later documents change their mind: they
are the documents sharing a band key with it, re-placed in sort order (a heap), and a
canonical that joins another cluster sends its members to be re-placed. Every document
re-placed is later than the one that caused it, so the walk ends, and in the usual crawl
(documents arrive roughly in publication order) it is empty. A changed paragraph count
(site boilerplate, corpus-common text: ``boilerplate.py``) re-places the few documents
holding that paragraph the moment it crosses its threshold.

Out of order (a back-fill in crawl order, a sitemap read newest first) every new document
may be the earliest of many that share band keys with it, so the walk must stay cheap:
a document re-placed because one cluster is new to it (a new canonical, or one whose
text changed, or a new representative) keeps its placement unless that cluster ranks
better under ``_decide``'s order, so only that cluster is measured (``_reconsider``); a
full ``_decide`` is kept for what the stored placement cannot answer (its own cluster
lost its canonical, its text or its canonical's changed, an identical body, a placement
through representatives). Likewise ``partial_of`` is re-checked only against the
documents whose placement or text changed (``_update_partial``), in full when one of
them may be the story it holds. Each later document then measures a new earliest one
once, as it would have measured it arriving after it: ``benchmarks/dedup_order.py``.
"""

from __future__ import annotations

import heapq
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace

import numpy as np

from ainews.dedupe import lsh, signature, verify
from ainews.dedupe.boilerplate import (
    BOILERPLATE_MIN_DOCS,
    COMMON_MIN_DOCS,
    CORPUS,
    content_view,
    site_of,
)
from ainews.dedupe.index import CANONICAL, EXACT, EXCERPT, NEAR_COPY, Index, StoredDoc
from ainews.dedupe.text import Features, features
from ainews.dedupe.verify import Relation, Verdict, View, compare

logger = logging.getLogger(__name__)

RELATION_NAMES = {NEAR_COPY: "near_copy", EXACT: "exact", EXCERPT: "excerpt"}
# Bumped when the rules change, so a stored index is rebuilt under the new ones.
RULES_VERSION = 2
# The earliest members of each cluster are its representatives: an excerpt is compared
# with the canonicals and representatives it shares a band key with, so it finds its
# story even when the canonical rewrote the opening, at a cost bounded whatever the
# cluster's size (the representatives are a function of the set: order-independent).
REPRESENTATIVES = 8
# A document is re-placed at most this many times in one operation: a safety bound (the
# walk is in sort order and ends on its own); reaching it is logged.
MAX_ROUNDS = 100


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


_DEFAULT_SIGNATURE = (signature.SHINGLE_SIZE, signature.NUM_PERM, signature.SEED, lsh.BANDS,
                      lsh.ROWS)


def _sort_key(doc: Doc) -> str:
    """Orders documents for canonical choice: earliest published, then fetched, then id."""
    pub, fetched = doc.published_at, doc.fetched_at
    return f"{0 if pub else 1}{pub or ''}\x00{0 if fetched else 1}{fetched or ''}\x00{doc.id}"


@dataclass(frozen=True)
class Explanation:
    """Why two indexed documents are (not) in one cluster (``Deduplicator.explain``)."""

    a: str
    b: str
    verdict: Verdict
    exact: bool
    tokens: tuple[int, int]  # content tokens of each (site boilerplate removed)
    assignment_a: Assignment
    assignment_b: Assignment

    def lines(self) -> list[str]:
        v = self.verdict
        out = []
        for name, other, n, share, common in (
                (self.a, self.b, self.tokens[0], v.share_a, v.common_a),
                (self.b, self.a, self.tokens[1], v.share_b, v.common_b)):
            out.append(f"{name}: {n} content tokens; {share / 1e6:.3f} of them covered by "
                       f"{other}, {common / 1e6:.3f} of those in corpus-common paragraphs")
        if self.exact:
            out.append("pair verdict: exact copy: the same normalised body (body hash), "
                       "decided before any shingle is compared")
        else:
            out.append(f"pair verdict: {v.relation.name.lower()} (score {v.score / 1e6:.3f}): "
                       f"{v.rule}")
        for x in (self.assignment_a, self.assignment_b):
            if x.is_canonical:
                where = "canonical of its cluster"
            else:
                where = (f"{x.relation} of {x.compared_with} (score {x.score:.3f}) in cluster "
                         f"{x.cluster_id}")
            part = f", excerpt of story {x.partial_of}" if x.partial_of else ""
            out.append(f"{x.id}: {where}{part}")
        same = self.assignment_a.in_story().cluster_id == self.assignment_b.in_story().cluster_id
        out.append("same story" if same else "different stories")
        return out


class Deduplicator:
    """Assigns documents to clusters of near-copies, against everything in ``index``."""

    def __init__(self, index: Index, params: Params | None = None) -> None:
        self.index = index
        self.params = params or Params()
        stored = index.get_meta("params")
        self.stale = stored is not None and stored != self.params.fingerprint()
        if stored is None and index.doc_count() == 0:
            index.set_meta("params", self.params.fingerprint())
        if self.stale:
            logger.warning("dedupe index was built with other parameters: it needs a rebuild")
        self._before: dict[str, Assignment | None] = {}
        self._views: dict[str, View] = {}
        self._lead_candidates: dict[str, set[str]] = {}
        self._represented_cache: dict[str, set[str]] = {}
        # documents whose partial_of is re-checked at the end of the operation (_recheck)
        self._partial: dict[str, set[str] | None] = {}
        self._regroup: set[str] = set()
        self._counts: dict[tuple[str, int], int] = {}
        self._push: Callable[..., None] | None = None
        # Documents read in this operation (None outside one): one add reads the same few
        # documents ~20 times; every write through _put/_put_placement drops its copy.
        self._docs: dict[str, StoredDoc | None] | None = None

    # -- public API -------------------------------------------------------------------

    def needs_rebuild(self, expected_count: int | None = None) -> bool:
        """True when the index was built with other parameters or holds another number of
        documents than the caller's database (lost or stale)."""
        return self.stale or (expected_count is not None
                              and self.index.doc_count() != expected_count)

    def add(self, doc: Doc, feats: Features | None = None) -> list[Assignment]:
        """Index a new document, or re-check a changed one; returns every changed assignment.

        ``feats``: ``features(doc.text)`` when the caller computed it already (a crawl's
        worker process does, beside extraction)."""
        try:
            return self._add(doc, feats)
        finally:
            self._docs = None

    def _add(self, doc: Doc, feats: Features | None) -> list[Assignment]:
        self._check_usable()
        if feats is None:  # (its band keys only once it is known to have changed)
            feats = features(doc.text, band_keys=False)
        site, sort_key = site_of(doc.url), _sort_key(doc)
        old = self._get(doc.id)
        if old is not None and old.site == site and old.sort_key == sort_key and \
                np.array_equal(old.token_hashes, feats.token_hashes):
            return []
        self._begin()
        place: set[str] = {doc.id}
        reopen: set[str] = {doc.id}
        partial: set[str] = set()
        if old is not None:
            self._note(old)
            self._regroup.add(old.cluster)  # it may have been one of its representatives
            p, r, x = self._detach(old)
            place |= p
            reopen |= r
            partial |= x
        else:
            self._before[doc.id] = None
        # provisionally placed where it most likely ends (so its band keys are written once,
        # in the right key space): with an earlier canonical of the same body, else its own
        # canonical; _settle decides
        earlier = [other_id for other_id in
                   sorted(self.index.candidates([], feats.body_hash, among="canonical"))
                   if other_id != doc.id and (other := self._get(other_id)) is not None
                   and other.sort_key < sort_key]
        provisional = earlier[-1] if earlier else doc.id
        stored = StoredDoc(id=doc.id, site=site, sort_key=sort_key, body_hash=feats.body_hash,
                           token_hashes=feats.token_hashes, para_ends=feats.para_ends,
                           para_hashes=feats.para_hashes, band_keys=[], cluster=provisional,
                           relation=EXACT if provisional != doc.id else CANONICAL)
        self._put(stored)
        changed = self._count_paras(stored, +1)
        if old is None and not changed and len(earlier) == 1 and \
                self._join_exact(stored, feats.band_keys):
            return self._changes()
        self._sign(stored, feats.band_keys)
        self._settle(place | changed, reopen | changed, partial)
        return self._changes()

    def remove(self, doc_id: str) -> list[Assignment]:
        """Drop a document; returns the changed assignments of the others."""
        try:
            return self._remove(doc_id)
        finally:
            self._docs = None

    def _remove(self, doc_id: str) -> list[Assignment]:
        self._check_usable()
        old = self._get(doc_id)
        if old is None:
            return []
        self._begin()
        self._regroup.add(old.cluster)
        place, reopen, partial = self._detach(old)
        self.index.delete(doc_id)
        self._forget(doc_id)
        self._before.pop(doc_id, None)
        place.discard(doc_id)
        self._settle(place, reopen - {doc_id}, partial - {doc_id})
        return self._changes()

    def assignment(self, doc_id: str) -> Assignment | None:
        stored = self._get(doc_id)
        if stored is None or not stored.cluster:
            return None
        if stored.is_canonical:
            if stored.partial_of is None:
                return Assignment(doc_id, doc_id, True, None)
            return Assignment(doc_id, doc_id, True, stored.partial_of, "excerpt",
                              stored.partial_of, *_ratios(stored))
        leader = self._get(stored.cluster)
        partial_of = leader.partial_of if leader is not None else None
        return Assignment(doc_id, stored.cluster, False, partial_of,
                          RELATION_NAMES[stored.relation], stored.via or stored.cluster,
                          *_ratios(stored))

    def explain(self, a: str, b: str) -> Explanation:
        """The scores of two indexed documents and the rule that decided them."""
        docs = [self._get(a), self._get(b)]
        for doc_id, doc in zip((a, b), docs, strict=True):
            if doc is None:
                raise KeyError(doc_id)
        da, db = docs
        assert da is not None and db is not None
        self._begin()
        try:
            va, vb = self._view(da), self._view(db)
            verdict = compare(va, vb)
            exact = bool(da.body_hash) and da.body_hash == db.body_hash
            got = [self.assignment(a), self.assignment(b)]
        finally:
            self._docs = None  # as add() and remove(): no cached document outlives the call
        assert got[0] is not None and got[1] is not None
        return Explanation(a, b, verdict, exact, (va.n_tokens, vb.n_tokens), got[0], got[1])

    def rebuild(self, docs: Iterable[Doc]) -> None:
        """Forget everything and index ``docs`` (in any order: the result is the same)."""
        self.index.clear()
        self.index.set_meta("params", self.params.fingerprint())
        self.stale = False
        count = 0
        for doc in docs:
            self.add(doc)
            count += 1
        logger.info("dedupe index rebuilt from %d documents", count)

    # -- internals --------------------------------------------------------------------

    def _check_usable(self) -> None:
        if self.stale:
            raise RuntimeError("the dedupe index was built with other parameters; "
                               "call rebuild() first")

    def _get(self, doc_id: str) -> StoredDoc | None:
        """``index.get``, read once per operation; a copy (callers change theirs before
        writing it)."""
        if self._docs is None:
            return self.index.get(doc_id)
        if doc_id not in self._docs:
            self._docs[doc_id] = self.index.get(doc_id)
        stored = self._docs[doc_id]
        return None if stored is None else stored.copy()

    def _forget(self, doc_id: str) -> None:
        if self._docs is not None:
            self._docs.pop(doc_id, None)

    def _put(self, stored: StoredDoc) -> None:
        self.index.put(stored)
        self._forget(stored.id)

    def _put_placement(self, stored: StoredDoc) -> None:
        self.index.place(stored)
        self._forget(stored.id)

    def _begin(self) -> None:
        self._docs = {}
        self._before = {}
        self._views = {}
        self._lead_candidates: dict[str, set[str]] = {}
        self._represented_cache: dict[str, set[str]] = {}
        self._partial = {}
        self._regroup: set[str] = set()
        self._counts: dict[tuple[str, int], int] = {}

    def _note(self, stored: StoredDoc) -> None:
        """Remember a document's assignment before this operation changes it."""
        if stored.id not in self._before:
            found = self.assignment(stored.id)
            self._before[stored.id] = found

    def _count_paras(self, stored: StoredDoc, step: int) -> set[str]:
        """Count (step +1) or un-count (-1) a document's paragraphs per site and corpus-wide;
        returns the other documents whose view changed (a count crossed a threshold),
        after re-signing those whose site boilerplate changed."""
        paras = set(stored.para_hashes.tolist())
        p = self.params
        if step > 0:
            site_counts = self.index.add_paras(stored.site, paras, stored.id)
            all_counts = self.index.add_paras(CORPUS, paras, stored.id)
            site_edge, all_edge = p.boilerplate_min_docs, p.common_min_docs
        else:
            site_counts = self.index.remove_paras(stored.site, paras, stored.id)
            all_counts = self.index.remove_paras(CORPUS, paras, stored.id)
            site_edge, all_edge = p.boilerplate_min_docs - 1, p.common_min_docs - 1
        self._counts.update({(stored.site, h): n for h, n in site_counts.items()})
        self._counts.update({(CORPUS, h): n for h, n in all_counts.items()})
        resign: set[str] = set()
        for h in sorted(h for h, n in site_counts.items() if n == site_edge):
            resign.update(self.index.docs_with_para(stored.site, h))
        changed = set(resign)
        for h in sorted(h for h, n in all_counts.items() if n == all_edge):
            changed.update(self.index.docs_with_para(CORPUS, h))
        resign.discard(stored.id)
        changed.discard(stored.id)
        self._views = {}
        for doc_id in sorted(resign):
            other = self._get(doc_id)
            if other is not None:
                self._sign(other)
        return changed

    def _detach(self, old: StoredDoc) -> tuple[set[str], set[str], set[str]]:
        """Take a document's paragraphs and placement out. Returns the ids to re-place,
        those whose view changed, and those whose ``partial_of`` may change."""
        place: set[str] = set()
        partial: set[str] = set()
        if old.is_canonical:
            place.update(self.index.members(old.id))
            partial.update(self.index.excerpts_of(old.id))
        reopen = self._count_paras(old, -1)
        place.discard(old.id)
        return place | reopen, reopen, partial

    def _view(self, stored: StoredDoc) -> View:
        """The document as verification sees it (cached for one operation)."""
        view = self._views.get(stored.id)
        if view is not None:
            return view
        p = self.params
        paras = set(stored.para_hashes.tolist())
        site = self._para_counts(stored.site, paras)
        common = self._para_counts(CORPUS, paras)
        tokens, mask = content_view(
            stored.token_hashes, stored.para_ends, stored.para_hashes,
            {h for h, n in site.items() if n >= p.boilerplate_min_docs},
            {h for h, n in common.items() if n >= p.common_min_docs}, p.shingle_size)
        view = View(tokens, signature.shingles(tokens, p.shingle_size), mask, p.shingle_size)
        self._views[stored.id] = view
        return view

    def _para_counts(self, scope: str, paras: set[int]) -> dict[int, int]:
        """Paragraph counts, from those this operation just wrote when it has them."""
        counts = {h: n for h in paras if (n := self._counts.get((scope, h))) is not None}
        missing = paras - counts.keys()
        if missing:
            counts.update(self.index.para_counts(scope, missing))
        return counts

    def _join_exact(self, stored: StoredDoc, whole: tuple[int, ...] | None) -> bool:
        """The exact-copy fast path of a new document provisionally placed with the one
        earlier canonical holding its body (``_add``): place it there as ``_settle`` would,
        without the walk, when that is provably all the walk would do; False (nothing
        written) otherwise.

        Proof, for a new document whose paragraph counts crossed no threshold (no other
        document's view changed): ``_decide`` places it with that canonical (the identical
        body comes first), as an exact member, not banded. Exact members are looked up by
        no one but ``_update_representatives``: if the cluster already has
        ``REPRESENTATIVES`` members before it, marked as such, the representatives do not
        change, so no other document's candidates, placement or ``partial_of`` can
        (``_set_partial`` re-checks the excerpts of the cluster on the same views and
        roles as before: the same answer). The benchmark web is 95% such copies; a real
        crawl has fewer, and every other case takes the full path."""
        first = self.index.first_members(stored.cluster, REPRESENTATIVES)
        if len(first) < REPRESENTATIVES or stored.id in first or \
                set(first) != set(self.index.representatives(stored.cluster)):
            return False
        canonical = self._get(stored.cluster)
        if canonical is not None and canonical.site == stored.site and \
                np.array_equal(canonical.para_ends, stored.para_ends) and \
                np.array_equal(canonical.para_hashes, stored.para_hashes) and \
                np.array_equal(canonical.token_hashes, stored.token_hashes):
            # the same view (same site, paragraphs and tokens), so the same keys: a
            # document's keys are those of its current view (_count_paras re-signs every
            # holder of a paragraph that becomes or stops being site boilerplate)
            stored.band_keys = list(canonical.band_keys)
        else:
            stored.band_keys = self._band_keys(stored, whole)
        stored.score = stored.share_self = stored.share_other = 1_000_000  # as _place's
        self._put(stored)
        return True

    def _sign(self, stored: StoredDoc, whole: tuple[int, ...] | None = None) -> None:
        """Compute and store a document's band keys from its content shingles (``whole``:
        its keys with no paragraph left out, ``Features.band_keys``, if computed)."""
        self._represented_cache.pop(stored.id, None)
        stored.band_keys = self._band_keys(stored, whole)
        self._put(stored)

    def _band_keys(self, stored: StoredDoc, whole: tuple[int, ...] | None) -> list[int]:
        """A document's band keys under its current view (``_sign``)."""
        p = self.params
        self._views.pop(stored.id, None)
        view = self._view(stored)
        if whole is not None and view.n_tokens == stored.token_hashes.size and \
                (p.shingle_size, p.num_perm, p.seed, p.bands, p.rows) == _DEFAULT_SIGNATURE:
            return list(whole)  # nothing left out: the keys of the whole text
        return lsh.document_keys(view.shingles, p.num_perm, p.seed, p.bands, p.rows)

    def _settle(self, place: set[str], reopen: set[str], partial: set[str]) -> None:
        """Re-place documents in sort order until nothing else can change (module docstring).

        A document re-placed because one cluster is new (or changed) to it weighs only that
        cluster against its own (``_reconsider``): what else it was placed on did not change.
        """
        heap: list[tuple[str, str]] = []
        # why each queued document is re-placed: None, decide it anew; else the clusters
        # that are new to it, each with a document proving it shares a band key with it
        pending: dict[str, dict[str, str] | None] = {}
        rounds: dict[str, int] = {}

        def push(doc_id: str, key: str | None = None,
                 because: tuple[str, str] | None = None) -> None:
            if doc_id in pending:
                why = pending[doc_id]
                if why is not None:
                    if because is None:
                        pending[doc_id] = None
                    else:
                        why.setdefault(*because)
                return
            if rounds.get(doc_id, 0) >= MAX_ROUNDS:
                logger.warning("dedupe: %s re-placed %d times in one operation; left as is",
                               doc_id, MAX_ROUNDS)
                return
            if key is None:
                other = self._get(doc_id)
                if other is None:
                    return
                key = other.sort_key
            pending[doc_id] = None if because is None else dict([because])
            heapq.heappush(heap, (key, doc_id))

        self._push = push
        for doc_id in sorted(partial):
            self._recheck(doc_id)
        for doc_id in sorted(place | reopen):
            push(doc_id)
        while heap:
            key, doc_id = heapq.heappop(heap)
            why = pending.pop(doc_id)
            rounds[doc_id] = rounds.get(doc_id, 0) + 1
            stored = self._get(doc_id)
            if stored is None:
                continue
            was_lead = stored.is_canonical
            before = (stored.cluster, stored.relation, stored.score, stored.via)
            if why is None:
                self._place(stored, self._decide(stored))
            else:
                decision = self._reconsider(stored, why)
                if decision is None:
                    continue  # nothing it was placed on changed: neither does anything else
                self._place(stored, decision)
            moved = before != (stored.cluster, stored.relation, stored.score, stored.via)
            if why is None or moved or doc_id in reopen:
                self._recheck(doc_id)
            for other_id in sorted(self._lead_candidates.pop(doc_id, set()) - {doc_id}):
                other = self._get(other_id)  # a shorter canonical may be its excerpt
                if other is not None and other.token_hashes.size < stored.token_hashes.size:
                    self._recheck(other_id, doc_id)
            if was_lead and not stored.is_canonical:  # its members must find a new home
                for member in self.index.members(doc_id):
                    push(member)
                for other_id in self.index.excerpts_of(doc_id):
                    self._recheck(other_id)
            if stored.is_canonical and (not was_lead or doc_id in reopen):
                if was_lead:  # its text changed: its members are re-verified
                    for member in self.index.members(doc_id):
                        if member != doc_id:
                            push(member)
                # documents after it may join it: its cluster is all that is new (or, its
                # text changed, different) to those outside it, so all they have to weigh
                for other_id in sorted(self.index.candidates(
                        stored.band_keys, stored.body_hash, among="all")):
                    other = self._get(other_id)
                    if other is None:
                        continue
                    if other.sort_key > key:
                        push(other_id, other.sort_key, (doc_id, doc_id))
                    if other.is_canonical and other.token_hashes.size < stored.token_hashes.size:
                        self._recheck(other_id, doc_id)  # it may be an excerpt of this one
            if doc_id in reopen:  # its text changed: excerpts pointing at it are re-checked
                for other_id in self.index.excerpts_of(stored.cluster):
                    self._recheck(other_id)
                for other_id in self.index.measured_against(doc_id):
                    push(other_id)
            for cluster in sorted(self._regroup - {""}):
                self._update_representatives(cluster)
            self._regroup = set()
        self._push = None
        partial_of, self._partial = self._partial, {}
        for doc_id in sorted(partial_of):
            stored = self._get(doc_id)
            if stored is None:
                continue
            because = partial_of[doc_id]
            if because is None or not stored.is_canonical:
                self._set_partial(stored)
            else:
                self._update_partial(stored, because)

    def _recheck(self, doc_id: str, because: str | None = None) -> None:
        """Mark a document's ``partial_of`` for re-checking at the end of the operation:
        in full, or (``because``) only against a document whose placement or text changed
        (the others it was decided on did not)."""
        if because is None:
            self._partial[doc_id] = None
        elif doc_id not in self._partial:
            self._partial[doc_id] = {because}
        elif (found := self._partial[doc_id]) is not None:
            found.add(because)

    def _reconsider(self, stored: StoredDoc, new: dict[str, str]
                    ) -> tuple[str, int, Verdict | None, str | None] | None:
        """``_decide`` when the only change in what a document is placed on is clusters new
        to it (``new``: cluster -> a document of it sharing a band key with this one): it
        keeps its placement unless one of them ranks better under ``_decide``'s order
        (None), so only they are measured. Falls back to ``_decide`` where that order
        cannot be read from the stored placement (an identical body; a placement through
        representatives, whose majority may have moved)."""
        if stored.token_hashes.size == 0 or stored.relation == EXACT or stored.via is not None:
            return self._decide(stored)
        current: tuple | None = None
        if not stored.is_canonical:
            lead = self._get(stored.cluster)
            if lead is None or not lead.is_canonical:
                return self._decide(stored)
            current = (False, -stored.score, lead.sort_key)
        best: tuple[tuple, str, Verdict, str | None] | None = None
        for cluster, witness_id in sorted(new.items()):
            canonical = self._get(cluster)
            if cluster in (stored.id, stored.cluster) or canonical is None or \
                    not canonical.is_canonical or canonical.sort_key >= stored.sort_key:
                continue
            if canonical.body_hash == stored.body_hash:
                return self._decide(stored)  # the identical-body rule comes first
            witness = self._get(witness_id)
            if (witness is None or witness.role == 0 or witness.cluster != cluster) and \
                    all((o := self._get(i)) is None or o.cluster != cluster
                        for i in self._represented(stored)):
                continue  # no document of it that shares a band key with this one
            found = self._rank(stored, canonical)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], cluster, found[1], found[2])
        if best is None or (current is not None and best[0] > current):
            return None
        self._lead_candidates[stored.id] = {
            o.id for i in self._represented(stored) - {stored.id}
            if (o := self._get(i)) is not None and o.is_canonical and o.id != stored.id}
        return best[1], NEAR_COPY, best[2], best[3]

    def _rank(self, stored: StoredDoc, canonical: StoredDoc,
              ) -> tuple[tuple, Verdict, str | None] | None:
        """How well ``stored`` joins ``canonical``'s cluster: (rank, verdict, the member
        measured against if not the canonical), None when it is no copy of either. A
        lower rank is better: a copy of the canonical before one through representatives,
        then the higher score, then the earlier canonical."""
        verdict = compare(self._view(stored), self._view(canonical))
        via: str | None = None
        if verdict.relation != Relation.NEAR_COPY:
            verdict, via = self._by_representatives(stored, canonical.id)
            if via is None:
                return None
        return (via is not None, -verdict.score, canonical.sort_key), verdict, via

    def _decide(self, stored: StoredDoc) -> tuple[str, int, Verdict | None, str | None]:
        """Where this document belongs: (cluster, relation, verdict, the member measured
        against if not the canonical). The best earlier canonical it is a copy of; else a
        cluster most of whose earlier representatives it is a copy of; else itself."""
        if stored.token_hashes.size == 0:
            return stored.id, CANONICAL, None, None
        ids = self.index.candidates([], stored.body_hash, among="canonical")
        for other_id in sorted(ids):
            other = self._get(other_id)
            if other is not None and other.id != stored.id and other.sort_key < stored.sort_key:
                return other.id, EXACT, None, None
        found = self._represented(stored) - {stored.id}
        clusters: set[str] = set()
        leads: set[str] = set()
        for other_id in sorted(found):
            other = self._get(other_id)
            if other is None or not other.cluster or other.cluster == stored.id:
                continue
            clusters.add(other.cluster)
            if other.is_canonical:
                leads.add(other.id)
        self._lead_candidates[stored.id] = leads
        best: tuple[tuple, str, Verdict, str | None] | None = None
        for cluster in sorted(clusters):
            canonical = self._get(cluster)
            if canonical is None or not canonical.is_canonical or \
                    canonical.sort_key >= stored.sort_key:
                continue  # (a stale member's cluster: that member is being re-placed)
            found = self._rank(stored, canonical)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], cluster, found[1], found[2])
        if best is None:
            return stored.id, CANONICAL, None, None
        return best[1], NEAR_COPY, best[2], best[3]

    def _role_changed(self, doc_id: str) -> None:
        """Cached candidate sets of other documents may now miss (or hold) this one."""
        self._represented_cache = {k: v for k, v in self._represented_cache.items()
                                   if k == doc_id}

    def _represented(self, stored: StoredDoc) -> set[str]:
        """Canonicals and representatives sharing a band key (once per operation: the
        band keys do not change within one, only roles may, and callers re-check roles)."""
        found = self._represented_cache.get(stored.id)
        if found is None:
            found = self.index.candidates(stored.band_keys, 0, among="represented")
            self._represented_cache[stored.id] = found
        return found

    def _by_representatives(self, stored: StoredDoc,
                            cluster: str) -> tuple[Verdict, str | None]:
        """A copy of most (and at least two) of the cluster's representatives earlier than
        it: (the best of those verdicts, that representative), else (_, None)."""
        reps = [r for i in self.index.representatives(cluster)
                if (r := self._get(i)) is not None and r.sort_key < stored.sort_key]
        hits = []
        for rep_doc in reps:
            verdict = compare(self._view(stored), self._view(rep_doc))
            if verdict.relation == Relation.NEAR_COPY:
                hits.append((-verdict.score, rep_doc.id, verdict))
        if len(hits) >= 2 and 2 * len(hits) > len(reps):
            _, rep_id, verdict = min(hits)
            return verdict, rep_id
        return Verdict(Relation.NONE, 0, 0, 0, ""), None

    def _place(self, stored: StoredDoc,
               decision: tuple[str, int, Verdict | None, str | None]) -> None:
        cluster, relation, verdict, via = decision
        if cluster == stored.id and stored.is_canonical:
            return  # still canonical: its excerpt fields are _set_partial's
        new = replace(stored, cluster=cluster, relation=relation, partial_of=None,
                      score=0, share_self=0, share_other=0, via=via)
        if relation == EXACT:
            new.score = new.share_self = new.share_other = 1_000_000
        elif verdict is not None:
            new.score, new.share_self, new.share_other = (verdict.score, verdict.share_a,
                                                          verdict.share_b)
        self._store_placement(stored, new)

    def _update_representatives(self, cluster: str) -> None:
        """Mark the cluster's REPRESENTATIVES earliest members, unmark the others."""
        want = set(self.index.first_members(cluster, REPRESENTATIVES))
        now = set(self.index.representatives(cluster))
        for doc_id in sorted(want ^ now):
            doc = self._get(doc_id)
            if doc is None or doc.is_canonical:
                continue
            doc.representative = doc_id in want
            self._put_placement(doc)
            self._role_changed(doc_id)
            if doc.representative:  # shorter canonicals may be excerpts of it, later
                # documents may now be copies of most of the cluster's representatives
                for i in sorted(self.index.candidates(doc.band_keys, 0, among="canonical")):
                    if i != doc_id:
                        self._recheck(i, doc_id)
                if self._push is not None:  # (only the new representative's cluster is new)
                    for other_id in sorted(self.index.candidates(doc.band_keys, 0, among="all")):
                        other = self._get(other_id)
                        if other is not None and other.cluster != cluster and \
                                other.sort_key > doc.sort_key:
                            self._push(other_id, other.sort_key, (cluster, doc_id))
            else:
                for i in self.index.excerpts_of(cluster):
                    self._recheck(i)
                if self._push is not None:
                    for other_id in self.index.measured_against(doc_id):
                        self._push(other_id)

    def _set_partial(self, stored: StoredDoc) -> None:
        """A canonical's ``partial_of``: the cluster of the best longer document (any date)
        whose opening it is."""
        if not stored.is_canonical:
            if stored.partial_of is not None:
                self._store_placement(stored, replace(stored, partial_of=None))
            return
        best: tuple[tuple[float, float, str], str, Verdict] | None = None
        if stored.token_hashes.size:
            found = self._represented(stored)
            others = [o for i in sorted(found - {stored.id})
                      if (o := self._get(i)) is not None]
            for other in others:
                ranked = self._excerpt_rank(stored, other)
                if ranked is not None and (best is None or ranked[0] < best[0]):
                    best = ranked
        if best is None:
            new = replace(stored, partial_of=None, relation=CANONICAL, score=0, share_self=0,
                          share_other=0)
        else:
            v = best[2]
            new = replace(stored, partial_of=best[1], relation=EXCERPT, score=v.score,
                          share_self=v.share_a, share_other=v.share_b)
        self._store_partial(stored, new)

    def _excerpt_rank(self, stored: StoredDoc, other: StoredDoc,
                      ) -> tuple[tuple[float, float, str], str, Verdict] | None:
        """(rank, story, verdict) when ``stored`` is the opening of the longer ``other``,
        else None. A lower rank is better: the story it covers most of (a story quoting
        another's opening in a longer text covers less of it); ties: the earliest."""
        if other.cluster in ("", stored.id) or \
                other.token_hashes.size <= stored.token_hashes.size:
            return None
        verdict = compare(self._view(stored), self._view(other))
        if verdict.relation != Relation.A_IN_B:
            return None
        return (-verdict.score, -verdict.share_b, other.sort_key), other.cluster, verdict

    def _store_partial(self, stored: StoredDoc, new: StoredDoc) -> None:
        if new.partial_of != stored.partial_of:  # its members' story changes too
            for member in self.index.members(stored.id):
                if member != stored.id and (m := self._get(member)) is not None:
                    self._note(m)
        self._store_placement(stored, new)

    def _update_partial(self, stored: StoredDoc, because: set[str]) -> None:
        """``_set_partial`` when only the documents ``because`` changed (their placement or
        text): the best of the others is the one ``partial_of`` holds, so it is enough to
        measure those against it, unless one of them may be that best (it was or is in the
        cluster ``partial_of`` names) or one ties with it (the full rule orders ties)."""
        current = stored.partial_of
        best: tuple[tuple[float, float, str], str, Verdict] | None = None
        for other_id in sorted(because - {stored.id}):
            other = self._get(other_id)
            if other is None:
                continue
            if current is not None:
                was = self._before.get(other_id)  # (None: unchanged, or new)
                if other.cluster == current or (was is not None and was.cluster_id == current):
                    self._set_partial(stored)
                    return
            if other.role == 0:
                continue
            ranked = self._excerpt_rank(stored, other)
            if ranked is not None and (best is None or ranked[0] < best[0]):
                best = ranked
        if best is None:
            return
        if current is not None:
            held = (-stored.score, -stored.share_other)
            if best[0][:2] == held:
                self._set_partial(stored)  # a tie: the sort keys decide, the full rule has them
                return
            if best[0][:2] > held:
                return
        v = best[2]
        self._store_partial(stored, replace(stored, partial_of=best[1], relation=EXCERPT,
                                            score=v.score, share_self=v.share_a,
                                            share_other=v.share_b))

    def _store_placement(self, stored: StoredDoc, new: StoredDoc) -> None:
        fields = ("cluster", "partial_of", "relation", "score", "share_self", "share_other",
                  "via")
        if all(getattr(stored, f) == getattr(new, f) for f in fields):
            return
        self._note(stored)
        if stored.is_canonical != new.is_canonical:
            self._role_changed(stored.id)
        if stored.cluster and new.cluster != stored.cluster:  # excerpts may have relied on it
            for i in self.index.excerpts_of(stored.cluster):
                self._recheck(i)
            if stored.representative and self._push is not None:  # and copies measured on it
                for other_id in self.index.measured_against(stored.id):
                    self._push(other_id)
        for cluster in (stored.cluster, new.cluster):
            if cluster:
                self._regroup.add(cluster)
        for f in fields:
            setattr(stored, f, getattr(new, f))
        self._put_placement(stored)

    def _changes(self) -> list[Assignment]:
        changes = []
        for doc_id, before in sorted(self._before.items()):
            now = self.assignment(doc_id)
            if now is not None and before != now:
                changes.append(now)
        self._before = {}
        self._views = {}
        return changes


def _ratios(stored: StoredDoc) -> tuple[float, float, float]:
    return stored.score / 1e6, stored.share_self / 1e6, stored.share_other / 1e6
