"""Incremental clustering of near-duplicate documents (exact hash + MinHash LSH, verified).

Each document is compared with every document already in the index, never only the
current run: its exact body hash and its LSH band keys find candidates, ``verify.compare``
decides each pair, and verified near-copy pairs are the edges of a graph whose connected
components are the clusters. A cluster's id is its canonical document: the earliest
published (ties: earliest fetched, then id). An excerpt stays out of its story's cluster
and names it in ``partial_of``.

Everything stored is a function of the current set of documents (band keys, edges,
boilerplate counts), and each change re-derives exactly what it touches, so the same
documents give the same clusters whatever order they arrive in. An ``add`` costs a few
indexed lookups plus the verification of its candidates: O(1) in the index size.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np

from dedupe import lsh, signature
from dedupe.boilerplate import BOILERPLATE_MIN_DOCS, content_tokens, site_of
from dedupe.index import Edge, Index, StoredDoc
from dedupe.text import features
from dedupe.verify import Relation, compare

logger = logging.getLogger(__name__)


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
    """Where a document belongs: its cluster (the canonical doc's id) and the story it is an
    excerpt of, if any."""

    id: str
    cluster_id: str
    is_canonical: bool
    partial_of: str | None

    def in_story(self) -> Assignment:
        """The assignment as analysts see it: an excerpt is a non-canonical member of the
        story it was taken from (the index keeps it apart so that excerpts never merge
        stories), so that one canonical row per cluster means one row per story."""
        if self.partial_of is None:
            return self
        return Assignment(self.id, self.partial_of, False, self.partial_of)


@dataclass(frozen=True)
class Params:
    """The pinned parameters (defaults: the module constants, documented where defined)."""

    shingle_size: int = signature.SHINGLE_SIZE
    num_perm: int = signature.NUM_PERM
    seed: int = signature.SEED
    bands: int = lsh.BANDS
    rows: int = lsh.ROWS
    boilerplate_min_docs: int = BOILERPLATE_MIN_DOCS

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) exceeds num_perm "
                             f"({self.num_perm})")

    def fingerprint(self) -> str:
        return json.dumps({**asdict(self), "scheme": signature.SCHEME,
                           "lede": [signature.LEDE_SHINGLES, signature.LEDE_NUM_PERM,
                                    lsh.LEDE_BANDS, lsh.LEDE_ROWS]}, sort_keys=True)


def _sort_key(doc: Doc) -> str:
    """Orders documents for canonical choice: earliest published, then fetched, then id."""
    pub, fetched = doc.published_at, doc.fetched_at
    return f"{0 if pub else 1}{pub or ''}\x00{0 if fetched else 1}{fetched or ''}\x00{doc.id}"


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
        self._before: dict[str, tuple[str | None, str | None]] = {}

    # -- public API -------------------------------------------------------------------

    def needs_rebuild(self, expected_count: int | None = None) -> bool:
        """True when the index was built with other parameters or holds another number of
        documents than the caller's database (lost or stale)."""
        return self.stale or (expected_count is not None
                              and self.index.doc_count() != expected_count)

    def add(self, doc: Doc) -> list[Assignment]:
        """Index a new document, or re-check a changed one; returns every changed assignment."""
        self._check_usable()
        feats = features(doc.text)
        site, sort_key = site_of(doc.url), _sort_key(doc)
        old = self.index.get(doc.id)
        if old is not None and old.site == site and old.sort_key == sort_key and \
                np.array_equal(old.token_hashes, feats.token_hashes):
            return []
        self._before = {}
        seeds: set[str] = {doc.id}
        affected: set[str] = set()
        if old is not None:
            self._remember(old)
            seeds, affected = self._detach(old)
            seeds.add(doc.id)
        else:
            self._before[doc.id] = (None, None)
        stored = StoredDoc(id=doc.id, site=site, sort_key=sort_key, body_hash=feats.body_hash,
                           token_hashes=feats.token_hashes, para_ends=feats.para_ends,
                           para_hashes=feats.para_hashes, band_keys=[], cluster=doc.id)
        self.index.put(stored)
        counts = self.index.add_paras(site, set(feats.para_hashes.tolist()), doc.id)
        crossed = [h for h, n in counts.items() if n == self.params.boilerplate_min_docs]
        affected = (affected | self._docs_holding(site, crossed)) - {doc.id}
        seeds |= self._refresh(stored) | self._refresh_all(affected)
        self._recluster(seeds)
        return self._changes()

    def remove(self, doc_id: str) -> list[Assignment]:
        """Drop a document; returns the changed assignments of the others."""
        self._check_usable()
        old = self.index.get(doc_id)
        if old is None:
            return []
        self._before = {}
        seeds, affected = self._detach(old)
        self.index.delete(doc_id)
        seeds |= self._refresh_all(affected)
        self._recluster(seeds - {doc_id})
        return self._changes()

    def assignment(self, doc_id: str) -> Assignment | None:
        stored = self.index.get(doc_id)
        if stored is None:
            return None
        return Assignment(doc_id, stored.cluster, stored.cluster == doc_id, stored.partial_of)

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

    def _remember(self, stored: StoredDoc) -> None:
        self._before.setdefault(stored.id, (stored.cluster, stored.partial_of))

    def _docs_holding(self, site: str, para_hashes: Iterable[int]) -> set[str]:
        out: set[str] = set()
        for h in para_hashes:
            out.update(self.index.docs_with_para(site, h))
        return out

    def _detach(self, old: StoredDoc) -> tuple[set[str], set[str]]:
        """Take a document's paragraphs and edges out. Returns the ids to recluster and the
        ids to re-sign (a paragraph of theirs stopped being boilerplate)."""
        seeds = set(self.index.cluster_members(old.cluster))
        seeds.update(edge.other for edge in self.index.edges(old.id))
        counts = self.index.remove_paras(old.site, set(old.para_hashes.tolist()), old.id)
        crossed = [h for h, n in counts.items() if n == self.params.boilerplate_min_docs - 1]
        affected = self._docs_holding(old.site, crossed) - {old.id}
        self.index.set_edges(old.id, [])
        return seeds | affected, affected

    def _refresh_all(self, doc_ids: set[str]) -> set[str]:
        seeds = set(doc_ids)
        for doc_id in sorted(doc_ids):
            stored = self.index.get(doc_id)
            if stored is not None:
                seeds |= self._refresh(stored)
        return seeds

    def _content(self, stored: StoredDoc) -> np.ndarray:
        """The document's content shingles (own site's boilerplate removed), in order."""
        paras = set(stored.para_hashes.tolist())
        counts = self.index.para_counts(stored.site, paras)
        boilerplate = {h for h, n in counts.items() if n >= self.params.boilerplate_min_docs}
        tokens = content_tokens(stored.token_hashes, stored.para_ends, stored.para_hashes,
                                boilerplate, self.params.shingle_size)
        return signature.shingles(tokens, self.params.shingle_size)

    def _refresh(self, stored: StoredDoc) -> set[str]:
        """Re-sign a document, re-query its candidates and re-verify its edges; returns the
        ids whose edges may have changed (old and new neighbours)."""
        p = self.params
        old_neighbours = {edge.other for edge in self.index.edges(stored.id)}
        content = self._content(stored)
        if content.size:
            sig = signature.minhash(content, p.num_perm, p.seed)
            stored.band_keys = lsh.all_keys(sig, signature.lede_signature(content), p.bands, p.rows)
        else:
            stored.band_keys = []
        self.index.put(stored)
        edges = []
        for other_id in sorted(self.index.candidates(stored.band_keys, stored.body_hash)):
            other = self.index.get(other_id) if other_id != stored.id else None
            if other is None:
                continue
            if other.body_hash and other.body_hash == stored.body_hash:
                edges.append(Edge(other_id, Relation.DUPLICATE, 1_000_000))
                continue
            verdict = compare(content, self._content(other))
            if verdict.relation != Relation.NONE:
                edges.append(Edge(other_id, verdict.relation, verdict.score))
        self.index.set_edges(stored.id, edges)
        return old_neighbours | {edge.other for edge in edges}

    def _recluster(self, seeds: set[str]) -> None:
        """Recompute the clusters holding ``seeds`` and the excerpts pointing into them."""
        docs: dict[str, StoredDoc] = {}
        todo: list[str] = []
        for seed in sorted(seeds):
            stored = self.index.get(seed)
            if stored is not None:
                todo.extend(self.index.cluster_members(stored.cluster))
                todo.append(seed)
        edges: dict[str, list[Edge]] = {}
        while todo:  # every doc connected by near-copy edges to a seed or its old cluster
            doc_id = todo.pop()
            if doc_id in docs or (stored := self.index.get(doc_id)) is None:
                continue
            docs[doc_id] = stored
            edges[doc_id] = self.index.edges(doc_id)
            todo.extend(e.other for e in edges[doc_id] if e.relation == Relation.DUPLICATE)
        cluster = _components(docs, edges)
        for doc_id in sorted(docs):
            self._assign(docs[doc_id], cluster[doc_id], docs[doc_id].partial_of)
        excerpts = {doc_id for doc_id in docs}
        for doc_edges in edges.values():
            excerpts.update(e.other for e in doc_edges if e.relation == Relation.B_IN_A)
        for doc_id in sorted(excerpts):
            stored = docs.get(doc_id) or self.index.get(doc_id)
            if stored is not None:
                self._assign(stored, stored.cluster, self._partial_of(stored))

    def _partial_of(self, stored: StoredDoc) -> str | None:
        """The cluster of the story this document is an excerpt of (best containment)."""
        best: tuple[int, str] | None = None
        for edge in self.index.edges(stored.id):
            if edge.relation != Relation.A_IN_B:
                continue
            full = self.index.get(edge.other)
            if full is None or full.cluster == stored.cluster:
                continue
            rank = (-edge.score, full.cluster)
            if best is None or rank < best:
                best = rank
        return best[1] if best else None

    def _assign(self, stored: StoredDoc, cluster: str, partial_of: str | None) -> None:
        if (stored.cluster, stored.partial_of) == (cluster, partial_of):
            return
        self._remember(stored)
        stored.cluster, stored.partial_of = cluster, partial_of
        self.index.set_assignment(stored.id, cluster, partial_of)

    def _changes(self) -> list[Assignment]:
        changes = []
        for doc_id, before in sorted(self._before.items()):
            now = self.assignment(doc_id)
            if now is not None and before != (now.cluster_id, now.partial_of):
                changes.append(now)
        self._before = {}
        return changes


def _components(docs: dict[str, StoredDoc], edges: dict[str, list[Edge]]) -> dict[str, str]:
    """Connected components over near-copy edges; each named by its earliest document."""
    cluster: dict[str, str] = {}
    for start in sorted(docs):
        if start in cluster:
            continue
        members, stack = {start}, [start]
        while stack:
            for edge in edges[stack.pop()]:
                if edge.relation == Relation.DUPLICATE and edge.other in docs \
                        and edge.other not in members:
                    members.add(edge.other)
                    stack.append(edge.other)
        canonical = min(members, key=lambda m: docs[m].sort_key)
        for member in members:
            cluster[member] = canonical
    return cluster
