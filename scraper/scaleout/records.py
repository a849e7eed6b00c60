"""One stream entry: a fetched page (without its body), its cleaned article, the raw page
compressed as stored (``storage.rawpages``) and (version 2) what the worker prepared for
storing it: the body's content hash and its de-duplication features, so the one ingester
only looks up and writes. JSON and bytes only: nothing in Redis is ever unpickled by the ingester.

Version 1 entries (no prepared fields, pushed by workers of an earlier release) stay
readable: the ingester computes their hash and features itself.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

import numpy as np

from ainews.dedupe.text import Features
from ainews.scraper.article import Article
from ainews.scraper.cleaning import Prepared
from ainews.scraper.items import FetchedPage
from ainews.scraper.storage.rawpages import compress_raw, is_stored_raw

VERSION = b"2"
_READABLE = (b"1", VERSION)
#: Not the body (the entry carries the raw page as stored), nor its Content-Encoding (the
#: raw page is decoded; entries keep the fields of version 2).
_PAGE_FIELDS = {f.name for f in fields(FetchedPage)} - {"body", "content_encoding"}
_ARTICLE_FIELDS = {f.name for f in fields(Article)}


class BadRecord(ValueError):
    """A stream entry that cannot be read back (another version, truncated, edited)."""


def encode(page: FetchedPage, prepared: Prepared) -> dict[bytes, bytes]:
    meta = {k: v for k, v in asdict(page).items() if k in _PAGE_FIELDS}
    raw_page = prepared.raw_page
    if raw_page is None:
        raw_page = compress_raw(page.body)
    feats = prepared.features
    return {
        b"v": VERSION,
        b"page": json.dumps(meta, ensure_ascii=False).encode(),
        b"article": json.dumps(asdict(prepared.article), ensure_ascii=False).encode(),
        b"raw": raw_page,
        b"hash": prepared.content_hash.encode(),
        b"tokens": feats.token_hashes.astype("<u4").tobytes(),
        b"para_ends": feats.para_ends.astype("<u4").tobytes(),
        b"para_hashes": feats.para_hashes.astype("<u8").tobytes(),
        b"body_hash": str(feats.body_hash).encode(),
    }


def decode(entry: dict[bytes, bytes]) -> tuple[FetchedPage, Prepared | Article, bytes]:
    """The page (with an empty body: the store keeps ``raw``), its prepared article (a
    version 1 entry: the bare article) and the raw page as stored."""
    try:
        version = entry.get(b"v")
        if version not in _READABLE:
            raise BadRecord(f"unknown record version {version!r}")
        meta: dict[str, Any] = json.loads(entry[b"page"])
        art: dict[str, Any] = json.loads(entry[b"article"])
        raw = entry[b"raw"]
        if set(meta) != _PAGE_FIELDS or not set(art) <= _ARTICLE_FIELDS:
            raise BadRecord("unexpected fields")
        if not is_stored_raw(raw):
            raise BadRecord("raw page is not compressed as stored")
        article = Article(**art)
        page = FetchedPage(body=b"", **meta)
        if version == b"1":
            return page, article, raw
        return page, Prepared(article, raw, entry[b"hash"].decode("ascii"),
                              _features(entry)), raw
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, BadRecord):
            raise
        raise BadRecord(str(exc)) from exc


def _features(entry: dict[bytes, bytes]) -> Features:
    """The de-duplication features of an entry, checked for shape (a truncated or edited
    entry must not reach the index)."""
    tokens = np.frombuffer(entry[b"tokens"], dtype="<u4").astype(np.uint32)
    ends = np.frombuffer(entry[b"para_ends"], dtype="<u4").astype(np.uint32)
    paras = np.frombuffer(entry[b"para_hashes"], dtype="<u8").astype(np.uint64)
    body_hash = int(entry[b"body_hash"])
    if ends.size != paras.size or (ends.size and (int(ends[-1]) != tokens.size
                                                  or np.any(np.diff(ends.astype(np.int64)) <= 0)))\
            or not 0 <= body_hash < 1 << 64 or (tokens.size == 0) != (body_hash == 0):
        raise BadRecord("inconsistent de-duplication features")
    return Features(token_hashes=tokens, para_ends=ends, para_hashes=paras, body_hash=body_hash)
