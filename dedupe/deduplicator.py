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

The code, in layers each built on the ones before: ``records`` (documents, assignments,
parameters), ``workset`` (one operation's reads, writes and marks), ``views`` (paragraph
counts, views, band keys, measuring a pair), ``excerpts`` (``partial_of``), ``placement``
(the rule above and the walk); this module is the public API (add, remove, explain,
rebuild) and ``explain`` the answer ``Deduplicator.explain`` gives.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np

from ainews.dedupe.boilerplate import site_of
from ainews.dedupe.explain import Explanation
from ainews.dedupe.index import CANONICAL, EXACT, Index, StoredDoc
from ainews.dedupe.placement import MAX_ROUNDS, REPRESENTATIVES, Placement
from ainews.dedupe.records import (
    RELATION_NAMES,
    RULES_VERSION,
    Assignment,
    Doc,
    Params,
    sort_key,
)
from ainews.dedupe.text import Features, features

__all__ = [
    "MAX_ROUNDS",
    "RELATION_NAMES",
    "REPRESENTATIVES",
    "RULES_VERSION",
    "Assignment",
    "Deduplicator",
    "Doc",
    "Explanation",
    "Params",
]

logger = logging.getLogger(__name__)


class Deduplicator(Placement):
    """Assigns documents to clusters of near-copies, against everything in ``index``."""

    def __init__(self, index: Index, params: Params | None = None) -> None:
        super().__init__(index, params or Params())
        stored = index.get_meta("params")
        self.stale = stored is not None and stored != self.params.fingerprint()
        if stored is None and index.doc_count() == 0:
            index.set_meta("params", self.params.fingerprint())
        if self.stale:
            logger.warning("dedupe index was built with other parameters: it needs a rebuild")

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
        site, key = site_of(doc.url), sort_key(doc)
        old = self._get(doc.id)
        if old is not None and old.site == site and old.sort_key == key and \
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
                   and other.sort_key < key]
        provisional = earlier[-1] if earlier else doc.id
        stored = StoredDoc(id=doc.id, site=site, sort_key=key, body_hash=feats.body_hash,
                           token_hashes=feats.token_hashes, para_ends=feats.para_ends,
                           para_hashes=feats.para_hashes, band_keys=[], cluster=provisional,
                           relation=EXACT if provisional != doc.id else CANONICAL)
        if old is not None:  # (a new document is written once, with its band keys: _sign)
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
            verdict = self._measure(da, db)
            va, vb = self._view(da), self._view(db)
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
