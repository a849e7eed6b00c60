"""Placement: which cluster each document joins, and re-placing the documents an
operation may have changed, in sort order, until nothing else changes (the rule and why
are in ``deduplicator``'s docstring)."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ainews.dedupe.excerpts import Excerpts
from ainews.dedupe.index import CANONICAL, EXACT, NEAR_COPY, StoredDoc
from ainews.dedupe.verify import Relation, Verdict

logger = logging.getLogger(__name__)

# The earliest members of each cluster are its representatives: an excerpt is compared
# with the canonicals and representatives it shares a band key with, so it finds its
# story even when the canonical rewrote the opening, at a cost bounded whatever the
# cluster's size (the representatives are a function of the set: order-independent).
REPRESENTATIVES = 8
# A document is re-placed at most this many times in one operation: a safety bound (the
# walk is in sort order and ends on its own); reaching it is logged.
MAX_ROUNDS = 100


class Placement(Excerpts):
    """Decides and stores each document's cluster; walks what that changes."""

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
            self._spread(stored, key, was_lead, doc_id in reopen, push)
            for cluster in sorted(self._regroup - {""}):
                self._update_representatives(cluster)
            self._regroup = set()
        self._push = None
        self._settle_excerpts()

    def _spread(self, stored: StoredDoc, key: str, was_lead: bool, text_changed: bool,
                push: Callable[..., None]) -> None:
        """After ``stored`` (at sort key ``key``) was placed again in ``_settle``: queue what
        that may change for the others (their placement through ``push``, their
        ``partial_of`` through ``_recheck``): shorter canonicals it may be the story of; the
        members of a canonical it stopped being or whose text changed; the later documents
        sharing a band key with a new (or changed) canonical; and, its text changed, the
        excerpts and copies measured on it."""
        for other_id in sorted(self._lead_candidates.pop(stored.id, set()) - {stored.id}):
            other = self._get(other_id)  # a shorter canonical may be its excerpt
            if other is not None and other.token_hashes.size < stored.token_hashes.size:
                self._recheck(other_id, stored.id)
        if was_lead and not stored.is_canonical:  # its members must find a new home
            for member in self.index.members(stored.id):
                push(member)
            for other_id in self.index.excerpts_of(stored.id):
                self._recheck(other_id)
        if stored.is_canonical and (not was_lead or text_changed):
            if was_lead:  # its text changed: its members are re-verified
                for member in self.index.members(stored.id):
                    if member != stored.id:
                        push(member)
            # documents after it may join it: its cluster is all that is new (or, its
            # text changed, different) to those outside it, so all they have to weigh
            for other_id in sorted(self.index.candidates(
                    stored.band_keys, stored.body_hash, among="all")):
                other = self._get(other_id)
                if other is None:
                    continue
                if other.sort_key > key:
                    push(other_id, other.sort_key, (stored.id, stored.id))
                if other.is_canonical and other.token_hashes.size < stored.token_hashes.size:
                    self._recheck(other_id, stored.id)  # it may be an excerpt of this one
        if text_changed:  # excerpts pointing at it are re-checked, copies measured on it too
            for other_id in self.index.excerpts_of(stored.cluster):
                self._recheck(other_id)
            for other_id in self.index.measured_against(stored.id):
                push(other_id)

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
        verdict = self._measure(stored, canonical)
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

    def _by_representatives(self, stored: StoredDoc,
                            cluster: str) -> tuple[Verdict, str | None]:
        """A copy of most (and at least two) of the cluster's representatives earlier than
        it: (the best of those verdicts, that representative), else (_, None)."""
        reps = [r for i in self.index.representatives(cluster)
                if (r := self._get(i)) is not None and r.sort_key < stored.sort_key]
        hits = []
        for rep_doc in reps:
            verdict = self._measure(stored, rep_doc)
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
        # (it is not stored yet: it would be one of its cluster's earliest members when they
        # are fewer than REPRESENTATIVES or the last of them is later than it)
        first = self.index.first_members(stored.cluster, REPRESENTATIVES)
        if len(first) < REPRESENTATIVES or \
                set(first) != set(self.index.representatives(stored.cluster)):
            return False
        last = self._get(first[-1])
        if last is None or stored.sort_key < last.sort_key:
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
