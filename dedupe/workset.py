"""One operation's working state (an ``add``, ``remove`` or ``explain``): documents read
once and written through, the assignments before it, and what it marks for re-checking.

The first of the layers ``Deduplicator`` is built from (``workset`` < ``views`` <
``excerpts`` < ``placement`` < ``deduplicator``); each uses only those before it, except
``_push``, set by ``Placement._settle`` while it runs.
"""

from __future__ import annotations

from collections.abc import Callable

from ainews.dedupe.index import Index, StoredDoc
from ainews.dedupe.records import RELATION_NAMES, Assignment, Params, ratios
from ainews.dedupe.verify import View


class Workset:
    """The state of one operation on ``index`` and its cached reads and writes."""

    def __init__(self, index: Index, params: Params) -> None:
        self.index = index
        self.params = params
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

    def assignment(self, doc_id: str) -> Assignment | None:
        stored = self._get(doc_id)
        if stored is None or not stored.cluster:
            return None
        if stored.is_canonical:
            if stored.partial_of is None:
                return Assignment(doc_id, doc_id, True, None)
            return Assignment(doc_id, doc_id, True, stored.partial_of, "excerpt",
                              stored.partial_of, *ratios(stored))
        leader = self._get(stored.cluster)
        partial_of = leader.partial_of if leader is not None else None
        return Assignment(doc_id, stored.cluster, False, partial_of,
                          RELATION_NAMES[stored.relation], stored.via or stored.cluster,
                          *ratios(stored))

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

    def _represented(self, stored: StoredDoc) -> set[str]:
        """Canonicals and representatives sharing a band key (once per operation: the
        band keys do not change within one, only roles may, and callers re-check roles)."""
        found = self._represented_cache.get(stored.id)
        if found is None:
            found = self.index.candidates(stored.band_keys, 0, among="represented")
            self._represented_cache[stored.id] = found
        return found

    def _role_changed(self, doc_id: str) -> None:
        """Cached candidate sets of other documents may now miss (or hold) this one."""
        self._represented_cache = {k: v for k, v in self._represented_cache.items()
                                   if k == doc_id}

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
