"""Where the de-duplication state lives: the ``Index`` interface and its SQLite implementation.

The ``Deduplicator`` only talks to an ``Index``; everything it needs is here (documents'
features, LSH band keys, paragraph counts per site, verified edges, assignments). A shared
index (e.g. on Redis, like datasketch's Redis storage) is a new class implementing this
Protocol, not a rewrite.

``SQLiteIndex`` keeps its tables (prefix ``dedupe_``) in the caller's database and never
commits: the caller owns the transaction, so an article row and its cluster assignment
commit together. Every operation is a few indexed lookups: no work grows with the number
of documents already stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from dedupe.verify import Relation

_SWAP = {Relation.A_IN_B: Relation.B_IN_A, Relation.B_IN_A: Relation.A_IN_B}


@dataclass
class StoredDoc:
    """What the index keeps of one document (its features and its current assignment)."""

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


@dataclass(frozen=True)
class Edge:
    """A verified relation seen from one document: ``relation`` of (this doc, ``other``)."""

    other: str
    relation: Relation
    score: int


class Index(Protocol):
    """Storage of the de-duplication state (see module docstring)."""

    def get(self, doc_id: str) -> StoredDoc | None: ...
    def put(self, doc: StoredDoc) -> None: ...
    def delete(self, doc_id: str) -> None: ...
    def _delete_bands(self, rowid: int) -> None:
        """Delete a document's band rows by their keys (the table is keyed by band)."""
        row = self.conn.execute("SELECT band_keys FROM dedupe_doc WHERE rowid = ?",
                                (rowid,)).fetchone()
        keys = _int_array(row[0]).tolist() if row else []
        self.conn.executemany("DELETE FROM dedupe_band WHERE key = ? AND doc = ?",
                              [(key, rowid) for key in keys])

    def set_assignment(self, doc_id: str, cluster: str, partial_of: str | None) -> None: ...
    def candidates(self, band_keys: Iterable[int], body_hash: int) -> set[str]: ...
    def para_counts(self, site: str, hashes: Iterable[int]) -> dict[int, int]: ...
    def add_paras(self, site: str, hashes: Iterable[int], doc_id: str) -> dict[int, int]: ...
    def remove_paras(self, site: str, hashes: Iterable[int], doc_id: str) -> dict[int, int]: ...
    def docs_with_para(self, site: str, para_hash: int) -> list[str]: ...
    def edges(self, doc_id: str) -> list[Edge]: ...
    def set_edges(self, doc_id: str, edges: Iterable[Edge]) -> None: ...
    def cluster_members(self, cluster: str) -> list[str]: ...
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
    partial_of TEXT
);
CREATE INDEX IF NOT EXISTS dedupe_doc_body ON dedupe_doc (body_hash) WHERE body_hash != 0;
CREATE INDEX IF NOT EXISTS dedupe_doc_cluster ON dedupe_doc (cluster);
CREATE INDEX IF NOT EXISTS dedupe_doc_site ON dedupe_doc (site);
CREATE TABLE IF NOT EXISTS dedupe_band (
    key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_para (
    site TEXT NOT NULL, hash INTEGER NOT NULL, n INTEGER NOT NULL, docs BLOB NOT NULL,
    PRIMARY KEY (site, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_edge (
    a INTEGER NOT NULL, b INTEGER NOT NULL, relation INTEGER NOT NULL, score INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedupe_edge_b ON dedupe_edge (b);
"""
_TABLES = ("dedupe_meta", "dedupe_doc", "dedupe_band", "dedupe_para", "dedupe_edge")
# dedupe_para.docs lists the rowids of the documents holding a paragraph while they are few
# (enough to find them all when the paragraph becomes boilerplate); past this many, only
# the count is kept and the rare lookup falls back to the site's documents.
PARA_DOCS_KEPT = 8


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
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)

    def _rowid(self, doc_id: str) -> int | None:
        row = self.conn.execute("SELECT rowid FROM dedupe_doc WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def _ids(self, rowids: Iterable[int]) -> list[str]:
        rowids = list(rowids)
        if not rowids:
            return []
        marks = ",".join("?" * len(rowids))
        sql = f"SELECT id FROM dedupe_doc WHERE rowid IN ({marks})"
        return [r[0] for r in self.conn.execute(sql, rowids)]

    def get(self, doc_id: str) -> StoredDoc | None:
        row = self.conn.execute(
            "SELECT id, site, sort_key, body_hash, tokens, para_ends, para_hashes, band_keys,"
            " cluster, partial_of FROM dedupe_doc WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        return StoredDoc(
            id=row[0], site=row[1], sort_key=row[2], body_hash=row[3],
            token_hashes=np.frombuffer(row[4], dtype="<u4"),
            para_ends=np.frombuffer(row[5], dtype="<u4"),
            para_hashes=np.frombuffer(row[6], dtype="<u8"),
            band_keys=_int_array(row[7]).tolist(), cluster=row[8], partial_of=row[9])

    def put(self, doc: StoredDoc) -> None:
        rowid = self._rowid(doc.id)
        values = (doc.site, doc.sort_key, _signed(doc.body_hash),
                  doc.token_hashes.astype("<u4").tobytes(), doc.para_ends.astype("<u4").tobytes(),
                  doc.para_hashes.astype("<u8").tobytes(),
                  np.asarray(doc.band_keys, dtype="<i8").tobytes(), doc.cluster, doc.partial_of)
        if rowid is None:
            rowid = self.conn.execute(
                "INSERT INTO dedupe_doc (site, sort_key, body_hash, tokens, para_ends, para_hashes,"
                " band_keys, cluster, partial_of, id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (*values, doc.id)).lastrowid
        else:
            self._delete_bands(rowid)
            self.conn.execute(
                "UPDATE dedupe_doc SET site=?, sort_key=?, body_hash=?, tokens=?, para_ends=?,"
                " para_hashes=?, band_keys=?, cluster=?, partial_of=? WHERE rowid = ?",
                (*values, rowid))
        self.conn.executemany("INSERT OR IGNORE INTO dedupe_band (key, doc) VALUES (?, ?)",
                              [(key, rowid) for key in doc.band_keys])

    def delete(self, doc_id: str) -> None:
        rowid = self._rowid(doc_id)
        if rowid is None:
            return
        self._delete_bands(rowid)
        self.conn.execute("DELETE FROM dedupe_edge WHERE a = ? OR b = ?", (rowid, rowid))
        self.conn.execute("DELETE FROM dedupe_doc WHERE rowid = ?", (rowid,))

    def _delete_bands(self, rowid: int) -> None:
        """Delete a document's band rows by their keys (the table is keyed by band)."""
        row = self.conn.execute("SELECT band_keys FROM dedupe_doc WHERE rowid = ?",
                                (rowid,)).fetchone()
        keys = _int_array(row[0]).tolist() if row else []
        self.conn.executemany("DELETE FROM dedupe_band WHERE key = ? AND doc = ?",
                              [(key, rowid) for key in keys])

    def set_assignment(self, doc_id: str, cluster: str, partial_of: str | None) -> None:
        self.conn.execute("UPDATE dedupe_doc SET cluster = ?, partial_of = ? WHERE id = ?",
                          (cluster, partial_of, doc_id))

    def candidates(self, band_keys: Iterable[int], body_hash: int) -> set[str]:
        rowids: set[int] = set()
        query = "SELECT doc FROM dedupe_band WHERE key = ?"
        for key in band_keys:
            rowids.update(r[0] for r in self.conn.execute(query, (key,)))
        if body_hash:
            rows = self.conn.execute(
                "SELECT rowid FROM dedupe_doc WHERE body_hash = ? AND body_hash != 0",
                (_signed(body_hash),))
            rowids.update(r[0] for r in rows)
        return set(self._ids(rowids))

    def para_counts(self, site: str, hashes: Iterable[int]) -> dict[int, int]:
        query = "SELECT n FROM dedupe_para WHERE site = ? AND hash = ?"
        counts = {}
        for h in hashes:
            row = self.conn.execute(query, (site, _signed(h))).fetchone()
            counts[h] = row[0] if row else 0
        return counts

    def add_paras(self, site: str, hashes: Iterable[int], doc_id: str) -> dict[int, int]:
        rowid = self._rowid(doc_id)
        counts = {}
        for h in hashes:
            row = self.conn.execute("SELECT n, docs FROM dedupe_para WHERE site = ? AND hash = ?",
                                    (site, _signed(h))).fetchone()
            n, docs = (row[0], _int_array(row[1])) if row else (0, _int_array(b""))
            if len(docs) < PARA_DOCS_KEPT:
                docs = np.append(docs, rowid).astype("<i8")
            self.conn.execute("INSERT OR REPLACE INTO dedupe_para VALUES (?, ?, ?, ?)",
                              (site, _signed(h), n + 1, docs.tobytes()))
            counts[h] = n + 1
        return counts

    def remove_paras(self, site: str, hashes: Iterable[int], doc_id: str) -> dict[int, int]:
        rowid = self._rowid(doc_id)
        counts = {}
        for h in hashes:
            key = (site, _signed(h))
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

    def docs_with_para(self, site: str, para_hash: int) -> list[str]:
        row = self.conn.execute("SELECT n, docs FROM dedupe_para WHERE site = ? AND hash = ?",
                                (site, _signed(para_hash))).fetchone()
        if row is None:
            return []
        docs = _int_array(row[1])
        if len(docs) == row[0]:
            return sorted(self._ids(docs.tolist()))
        rows = self.conn.execute("SELECT id, para_hashes FROM dedupe_doc WHERE site = ?", (site,))
        return sorted(i for i, paras in rows
                      if para_hash in np.frombuffer(paras, dtype="<u8").tolist())

    def edges(self, doc_id: str) -> list[Edge]:
        rowid = self._rowid(doc_id)
        out = []
        rows = self.conn.execute(
            "SELECT d.id, e.relation, e.score, 0 FROM dedupe_edge e JOIN dedupe_doc d"
            " ON d.rowid = e.b WHERE e.a = ? UNION ALL SELECT d.id, e.relation, e.score, 1"
            " FROM dedupe_edge e JOIN dedupe_doc d ON d.rowid = e.a WHERE e.b = ?",
            (rowid, rowid))
        for other, relation, score, swapped in rows:
            rel = Relation(relation)
            out.append(Edge(other, _SWAP.get(rel, rel) if swapped else rel, score))
        return out

    def set_edges(self, doc_id: str, edges: Iterable[Edge]) -> None:
        rowid = self._rowid(doc_id)
        self.conn.execute("DELETE FROM dedupe_edge WHERE a = ? OR b = ?", (rowid, rowid))
        rows = []
        for edge in edges:
            other = self._rowid(edge.other)
            if other is None or other == rowid:
                continue
            if rowid < other:
                rows.append((rowid, other, int(edge.relation), edge.score))
            else:
                rel = _SWAP.get(edge.relation, edge.relation)
                rows.append((other, rowid, int(rel), edge.score))
        self.conn.executemany("INSERT OR REPLACE INTO dedupe_edge VALUES (?, ?, ?, ?)", rows)

    def cluster_members(self, cluster: str) -> list[str]:
        rows = self.conn.execute("SELECT id FROM dedupe_doc WHERE cluster = ?", (cluster,))
        return [r[0] for r in rows]

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
