"""Where the de-duplication state lives: the ``Index`` interface and its SQLite implementation.

The ``Deduplicator`` only talks to an ``Index``; everything it needs is here (documents'
features, LSH band keys kept apart for canonical documents, paragraph counts per site and
corpus-wide, placements; no pairwise edges, so a cluster costs one row per member). A shared
index (e.g. on Redis, like datasketch's Redis storage) is a new class implementing this
Protocol, not a rewrite.

``SQLiteIndex`` keeps its tables (prefix ``dedupe_``) in the caller's database and never
commits: the caller owns the transaction, so an article row and its cluster assignment
commit together. Every operation is a few indexed lookups: no work grows with the number
of documents already stored. A database holding an earlier layout of these tables (with
``dedupe_edge``) has them dropped on open; the caller then sees an empty index and
rebuilds it from its articles.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ainews.dedupe.boilerplate import CORPUS

# StoredDoc.relation values (how a document relates to the one it was measured against).
CANONICAL, NEAR_COPY, EXACT, EXCERPT = 0, 1, 2, 3


@dataclass
class StoredDoc:
    """What the index keeps of one document: its features, LSH band keys and placement.

    Placement: ``cluster`` is the id of the cluster's canonical (the document itself when
    it is one; "" while not yet placed); ``partial_of`` the canonical of the story a
    canonical excerpt was taken from; ``relation`` (``CANONICAL`` ... ``EXCERPT``), ``score``
    and the two shares (millionths) say why, measured against ``cluster`` (a copy) or
    ``partial_of`` (an excerpt).
    """

    id: str
    site: str
    sort_key: str
    body_hash: int
    token_hashes: np.ndarray
    para_ends: np.ndarray
    para_hashes: np.ndarray
    band_keys: list[int]
    cluster: str
    partial_of: str | None = None
    relation: int = 0
    score: int = 0
    share_self: int = 0
    share_other: int = 0
    via: str | None = None  # the member it was measured against, when not the canonical
    representative: bool = False  # one of its cluster's REPRESENTATIVES earliest members

    def copy(self) -> StoredDoc:
        """A shallow copy (``copy.copy``'s result, a third of its cost: the deduplicator
        hands out ~10 a document)."""
        new = object.__new__(StoredDoc)
        new.__dict__.update(self.__dict__)
        return new

    @property
    def is_canonical(self) -> bool:
        return self.cluster == self.id

    @property
    def banded(self) -> bool:
        """Whether its band keys are findable: an exact copy placed with its canonical is
        found by its body hash only (so 2,000 identical pages cost no band rows)."""
        return self.role != 0 or self.relation != EXACT

    @property
    def role(self) -> int:
        """1 canonical, 2 representative, 0 other member (or not yet placed)."""
        return 1 if self.is_canonical else 2 if self.representative else 0


class Index(Protocol):
    """Storage of the de-duplication state: what every backend must provide.

    Documents are keyed by id; band keys are findable by the document's role
    (``among``: "canonical", "represented" = canonicals and representatives, or "all"),
    so an add looks at canonicals only and a cluster's size never enters its cost.
    Paragraph counts are kept per scope (a site, or ``CORPUS``).
    """

    def get(self, doc_id: str) -> StoredDoc | None:
        """The stored document, or None."""

    def put(self, doc: StoredDoc) -> None:
        """Insert or replace a document: its features, band keys and placement."""

    def place(self, doc: StoredDoc) -> None:
        """Store a document's placement fields only (features and band keys unchanged)."""

    def delete(self, doc_id: str) -> None:
        """Forget a document (its paragraph counts are the caller's: ``remove_paras``)."""

    def candidates(self, band_keys: Iterable[int], body_hash: int, *, among: str) -> set[str]:
        """Ids sharing a band key or the (non-zero) body hash, of the documents ``among``."""

    def members(self, cluster: str) -> list[str]:
        """Ids placed in this cluster (its canonical included)."""

    def first_members(self, cluster: str, n: int) -> list[str]:
        """The ``n`` earliest (by sort key) non-canonical members of a cluster."""

    def representatives(self, cluster: str) -> list[str]:
        """The members of a cluster currently marked representative."""

    def measured_against(self, doc_id: str) -> list[str]:
        """Ids whose placement was measured against this (non-canonical) document."""

    def excerpts_of(self, cluster: str) -> list[str]:
        """Ids whose ``partial_of`` is this cluster."""

    def para_counts(self, scope: str, hashes: Iterable[int]) -> dict[int, int]:
        """How many documents of ``scope`` hold each paragraph hash."""

    def add_paras(self, scope: str, hashes: Iterable[int], doc_id: str) -> dict[int, int]:
        """Count ``doc_id`` as a holder of each paragraph; returns the new counts. A new
        document's paragraphs are counted before it is first put (so that it is written
        once, with the band keys of its view): the next ``put`` of that id is its holder."""

    def remove_paras(self, scope: str, hashes: Iterable[int], doc_id: str) -> dict[int, int]:
        """Un-count ``doc_id``; returns the new counts."""

    def docs_with_para(self, scope: str, para_hash: int) -> list[str]:
        """Ids of the documents of ``scope`` holding a paragraph, sorted."""

    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def doc_count(self) -> int: ...
    def clear(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS dedupe_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dedupe_doc (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    body_hash INTEGER NOT NULL,
    tokens BLOB NOT NULL,
    para_ends BLOB NOT NULL,
    para_hashes BLOB NOT NULL,
    band_keys BLOB NOT NULL,
    cluster TEXT NOT NULL,
    lead INTEGER NOT NULL,  -- role: 1 canonical, 2 representative, 0 other member
    partial_of TEXT,
    relation INTEGER NOT NULL,
    score INTEGER NOT NULL,
    share_self INTEGER NOT NULL,
    share_other INTEGER NOT NULL,
    via TEXT
);
CREATE INDEX IF NOT EXISTS dedupe_doc_body ON dedupe_doc (body_hash, lead) WHERE body_hash != 0;
CREATE INDEX IF NOT EXISTS dedupe_doc_cluster ON dedupe_doc (cluster, sort_key);
CREATE INDEX IF NOT EXISTS dedupe_doc_rep ON dedupe_doc (cluster) WHERE lead = 2;
CREATE INDEX IF NOT EXISTS dedupe_doc_via ON dedupe_doc (via) WHERE via IS NOT NULL;
CREATE INDEX IF NOT EXISTS dedupe_doc_partial ON dedupe_doc (partial_of)
    WHERE partial_of IS NOT NULL;
CREATE INDEX IF NOT EXISTS dedupe_doc_site ON dedupe_doc (site);
CREATE TABLE IF NOT EXISTS dedupe_band (
    key INTEGER NOT NULL, lead INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (key, lead, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_para (
    site TEXT NOT NULL, hash INTEGER NOT NULL, n INTEGER NOT NULL, docs BLOB NOT NULL,
    PRIMARY KEY (site, hash)
) WITHOUT ROWID;
"""
_TABLES = ("dedupe_meta", "dedupe_doc", "dedupe_band", "dedupe_para")
# Tables of earlier layouts, dropped on open (the index is rebuilt from the articles).
_OLD_TABLES = ("dedupe_edge",)
# dedupe_para.docs lists the rowids of the documents holding a paragraph while they are few
# (enough to find them all when the paragraph becomes boilerplate); past this many, only
# the count is kept and the rare lookup falls back to the site's documents.
PARA_DOCS_KEPT = 8
# Counts a document (rowid ?2, 8 bytes) as a holder of each paragraph of the JSON array ?3
# (signed 64-bit hashes) in scope ?1; listed in ``docs`` while they are PARA_DOCS_KEPT at most
# (``||`` joins two blobs' bytes as text: the cast makes the result a blob again).
_ADD_PARAS = f"""
INSERT INTO dedupe_para (site, hash, n, docs) SELECT ?1, value, 1, ?2 FROM json_each(?3) WHERE 1
ON CONFLICT (site, hash) DO UPDATE SET n = n + 1,
    docs = CASE WHEN n < {PARA_DOCS_KEPT} THEN CAST(docs || excluded.docs AS BLOB) ELSE docs END
RETURNING hash, n"""


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _int_array(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i8")


class SQLiteIndex:
    """The ``Index`` in SQLite tables of the caller's connection (never commits itself)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        if not isinstance(conn, sqlite3.Connection):
            raise ValueError(f"SQLiteIndex needs a sqlite3.Connection, got {type(conn).__name__}")
        self.conn = conn
        # (id, rowid) of a document counted as a paragraph holder before its first put
        self._planned: tuple[str, int] | None = None
        columns = {r[1] for r in conn.execute("PRAGMA table_info(dedupe_doc)")}
        if columns and "via" not in columns:  # an earlier layout: dropped, then rebuilt
            for table in (*_TABLES, *_OLD_TABLES):
                conn.execute(f"DROP TABLE IF EXISTS {table}")
        for table in _OLD_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)

    def _rowid(self, doc_id: str) -> int:
        """A document's rowid; for one not stored yet, the rowid its insert will take (the
        insert names it, so a clash is an error, never a paragraph credited to another)."""
        row = self.conn.execute("SELECT rowid FROM dedupe_doc WHERE id = ?", (doc_id,)).fetchone()
        if row:
            return row[0]
        (rowid,) = self.conn.execute(  # what SQLite itself would give the next insert
            "SELECT coalesce(max(rowid), 0) + 1 FROM dedupe_doc").fetchone()
        self._planned = (doc_id, rowid)
        return rowid

    def _ids(self, rowids: Iterable[int]) -> list[str]:
        rowids = list(rowids)
        out: list[str] = []
        for start in range(0, len(rowids), 500):
            chunk = rowids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id FROM dedupe_doc WHERE rowid IN ({marks})"
            out.extend(r[0] for r in self.conn.execute(sql, chunk))
        return out

    def get(self, doc_id: str) -> StoredDoc | None:
        row = self.conn.execute(
            "SELECT id, site, sort_key, body_hash, tokens, para_ends, para_hashes, band_keys,"
            " cluster, partial_of, relation, score, share_self, share_other, lead, via"
            " FROM dedupe_doc WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        return StoredDoc(
            id=row[0], site=row[1], sort_key=row[2], body_hash=row[3] & ((1 << 64) - 1),
            token_hashes=np.frombuffer(row[4], dtype="<u4"),
            para_ends=np.frombuffer(row[5], dtype="<u4"),
            para_hashes=np.frombuffer(row[6], dtype="<u8"),
            band_keys=_int_array(row[7]).tolist(), cluster=row[8], partial_of=row[9],
            relation=row[10], score=row[11], share_self=row[12], share_other=row[13],
            representative=row[14] == 2, via=row[15])

    def put(self, doc: StoredDoc) -> None:
        row = self.conn.execute("SELECT rowid, band_keys, lead, relation FROM dedupe_doc"
                                " WHERE id = ?", (doc.id,)).fetchone()
        lead = doc.role
        values = (doc.site, doc.sort_key, _signed(doc.body_hash),
                  doc.token_hashes.astype("<u4").tobytes(), doc.para_ends.astype("<u4").tobytes(),
                  doc.para_hashes.astype("<u8").tobytes(),
                  np.asarray(doc.band_keys, dtype="<i8").tobytes(), doc.cluster, lead,
                  doc.partial_of, doc.relation, doc.score, doc.share_self, doc.share_other,
                  doc.via)
        if row is None:
            planned = self._planned[1] if self._planned and self._planned[0] == doc.id else None
            self._planned = None
            rowid = self.conn.execute(
                "INSERT INTO dedupe_doc (site, sort_key, body_hash, tokens, para_ends, para_hashes,"
                " band_keys, cluster, lead, partial_of, relation, score, share_self, share_other,"
                " via, id, rowid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*values, doc.id, planned)).lastrowid
        else:
            rowid = row[0]
            was_banded = row[2] != 0 or row[3] != EXACT
            same_bands = _int_array(row[1]).tolist() == list(doc.band_keys) and \
                row[2] == lead and was_banded == doc.banded
            if was_banded and not same_bands:
                self._delete_bands(rowid, _int_array(row[1]).tolist(), row[2])
            self.conn.execute(
                "UPDATE dedupe_doc SET site=?, sort_key=?, body_hash=?, tokens=?, para_ends=?,"
                " para_hashes=?, band_keys=?, cluster=?, lead=?, partial_of=?, relation=?,"
                " score=?, share_self=?, share_other=?, via=? WHERE rowid = ?",
                (*values, rowid))
            if same_bands:
                return  # its band rows stand as they are
        if doc.banded and doc.band_keys:
            self.conn.executemany(
                "INSERT OR IGNORE INTO dedupe_band (key, lead, doc) VALUES (?,?,?)",
                [(key, lead, rowid) for key in doc.band_keys])

    def place(self, doc: StoredDoc) -> None:
        row = self.conn.execute("SELECT rowid, band_keys, lead, relation FROM dedupe_doc"
                                " WHERE id = ?", (doc.id,)).fetchone()
        if row is None:
            return
        rowid, keys, lead = row[0], _int_array(row[1]).tolist(), doc.role
        was_banded = row[2] != 0 or row[3] != EXACT
        if (lead, doc.banded) != (row[2], was_banded):  # the band rows move or go
            if was_banded:
                self._delete_bands(rowid, keys, row[2])
            if doc.banded and keys:
                self.conn.executemany("INSERT OR IGNORE INTO dedupe_band VALUES (?, ?, ?)",
                                      [(key, lead, rowid) for key in keys])
        self.conn.execute(
            "UPDATE dedupe_doc SET cluster=?, lead=?, partial_of=?, relation=?, score=?,"
            " share_self=?, share_other=?, via=? WHERE rowid = ?",
            (doc.cluster, lead, doc.partial_of, doc.relation, doc.score, doc.share_self,
             doc.share_other, doc.via, rowid))

    def delete(self, doc_id: str) -> None:
        row = self.conn.execute("SELECT rowid, band_keys, lead, relation FROM dedupe_doc"
                                " WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return
        if row[2] != 0 or row[3] != EXACT:
            self._delete_bands(row[0], _int_array(row[1]).tolist(), row[2])
        self.conn.execute("DELETE FROM dedupe_doc WHERE rowid = ?", (row[0],))

    def _delete_bands(self, rowid: int, keys: list[int], lead: int) -> None:
        """Delete a document's band rows by their keys (the table is keyed by band)."""
        if keys:
            self.conn.executemany("DELETE FROM dedupe_band WHERE key = ? AND lead = ? AND doc = ?",
                                  [(key, lead, rowid) for key in keys])

    def candidates(self, band_keys: Iterable[int], body_hash: int, *, among: str) -> set[str]:
        role = {"canonical": " AND lead = 1", "represented": " AND lead >= 1", "all": ""}[among]
        keys = list(band_keys)
        # One statement (per 250 keys) giving the ids: band rows, body hashes and the rowid
        # to id lookup used to be a round trip each, and this runs several times per add.
        chunks = [keys[start : start + 250] for start in range(0, len(keys), 250)] or [[]]
        found: set[str] = set()
        for n, chunk in enumerate(chunks):
            parts, params = [], []
            if chunk:
                parts.append("SELECT id FROM dedupe_doc WHERE rowid IN (SELECT doc FROM dedupe_band"
                             f" WHERE key IN ({','.join('?' * len(chunk))}){role})")
                params.extend(chunk)
            if body_hash and n == 0:
                parts.append("SELECT id FROM dedupe_doc WHERE body_hash = ? AND body_hash != 0"
                             + role)
                params.append(_signed(body_hash))
            if parts:
                found.update(r[0] for r in self.conn.execute(" UNION ".join(parts), params))
        return found

    def members(self, cluster: str) -> list[str]:
        rows = self.conn.execute("SELECT id FROM dedupe_doc WHERE cluster = ?", (cluster,))
        return sorted(r[0] for r in rows)

    def first_members(self, cluster: str, n: int) -> list[str]:
        rows = self.conn.execute("SELECT id FROM dedupe_doc WHERE cluster = ? AND lead != 1"
                                 " ORDER BY sort_key LIMIT ?", (cluster, n))
        return [r[0] for r in rows]

    def representatives(self, cluster: str) -> list[str]:
        rows = self.conn.execute("SELECT id FROM dedupe_doc WHERE cluster = ? AND lead = 2",
                                 (cluster,))
        return sorted(r[0] for r in rows)

    def measured_against(self, doc_id: str) -> list[str]:
        rows = self.conn.execute("SELECT id FROM dedupe_doc WHERE via = ?", (doc_id,))
        return sorted(r[0] for r in rows)

    def excerpts_of(self, cluster: str) -> list[str]:
        rows = self.conn.execute("SELECT id FROM dedupe_doc WHERE partial_of = ?", (cluster,))
        return sorted(r[0] for r in rows)

    def para_counts(self, scope: str, hashes: Iterable[int]) -> dict[int, int]:
        query = "SELECT n FROM dedupe_para WHERE site = ? AND hash = ?"
        counts = {}
        for h in hashes:
            row = self.conn.execute(query, (scope, _signed(h))).fetchone()
            counts[h] = row[0] if row else 0
        return counts

    def add_paras(self, scope: str, hashes: Iterable[int], doc_id: str) -> dict[int, int]:
        rowid = np.array([self._rowid(doc_id)], "<i8").tobytes()
        keys = json.dumps(list(dict.fromkeys(_signed(h) for h in hashes)))
        # One upsert for all the paragraphs (it read each row, then updated it: two lookups
        # and ~4 statements), its RETURNING giving the new counts.
        rows = self.conn.execute(_ADD_PARAS, (scope, rowid, keys)).fetchall()
        return {key & ((1 << 64) - 1): n for key, n in rows}

    def remove_paras(self, scope: str, hashes: Iterable[int], doc_id: str) -> dict[int, int]:
        rowid = self._rowid(doc_id)
        counts = {}
        for h in hashes:
            key = (scope, _signed(h))
            row = self.conn.execute("SELECT n, docs FROM dedupe_para WHERE site = ? AND hash = ?",
                                    key).fetchone()
            if row is None:
                continue
            n, docs = row[0] - 1, _int_array(row[1])
            counts[h] = n
            if n <= 0:
                self.conn.execute("DELETE FROM dedupe_para WHERE site = ? AND hash = ?", key)
                continue
            docs = docs[docs != rowid]
            self.conn.execute("UPDATE dedupe_para SET n = ?, docs = ? WHERE site = ? AND hash = ?",
                              (n, docs.tobytes(), *key))
        return counts

    def docs_with_para(self, scope: str, para_hash: int) -> list[str]:
        row = self.conn.execute("SELECT n, docs FROM dedupe_para WHERE site = ? AND hash = ?",
                                (scope, _signed(para_hash))).fetchone()
        if row is None:
            return []
        docs = _int_array(row[1])
        if len(docs) == row[0]:
            return sorted(self._ids(docs.tolist()))
        if scope == CORPUS:
            rows = self.conn.execute("SELECT id, para_hashes FROM dedupe_doc")
        else:
            rows = self.conn.execute("SELECT id, para_hashes FROM dedupe_doc WHERE site = ?",
                                     (scope,))
        return sorted(i for i, paras in rows
                      if para_hash in np.frombuffer(paras, dtype="<u8").tolist())

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM dedupe_meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO dedupe_meta VALUES (?, ?)", (key, value))

    def doc_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM dedupe_doc").fetchone()[0]

    def clear(self) -> None:
        for table in _TABLES:
            self.conn.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
