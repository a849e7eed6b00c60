"""``partial_of``: the story a canonical is an excerpt (the opening) of, re-checked at the
end of each operation for the documents it marked (``Workset._recheck``)."""

from __future__ import annotations

from dataclasses import replace

from ainews.dedupe.index import CANONICAL, EXCERPT, StoredDoc
from ainews.dedupe.verify import Relation, Verdict
from ainews.dedupe.views import Views


class Excerpts(Views):
    """Sets each marked canonical's ``partial_of``."""

    def _settle_excerpts(self) -> None:
        """Re-check the ``partial_of`` of every document marked in this operation: in full,
        or only against the documents that changed (``_update_partial``)."""
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
        verdict = self._measure(stored, other)
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
