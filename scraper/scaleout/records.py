"""One stream entry: a fetched page (without its body), its cleaned article and the raw
page compressed as stored (``storage.rawpages``). JSON and bytes only: nothing in Redis is
ever unpickled by the ingester."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from ainews.scraper.article import Article
from ainews.scraper.items import FetchedPage
from ainews.scraper.storage.rawpages import compress_raw, is_stored_raw

VERSION = b"1"
_PAGE_FIELDS = {f.name for f in fields(FetchedPage)} - {"body"}
_ARTICLE_FIELDS = {f.name for f in fields(Article)}


class BadRecord(ValueError):
    """A stream entry that cannot be read back (another version, truncated, edited)."""


def encode(page: FetchedPage, article: Article, raw_gzip: bytes | None) -> dict[bytes, bytes]:
    meta = {k: v for k, v in asdict(page).items() if k != "body"}
    if raw_gzip is None:
        raw_gzip = compress_raw(page.body)
    return {
        b"v": VERSION,
        b"page": json.dumps(meta, ensure_ascii=False).encode(),
        b"article": json.dumps(asdict(article), ensure_ascii=False).encode(),
        b"raw": raw_gzip,
    }


def decode(entry: dict[bytes, bytes]) -> tuple[FetchedPage, Article, bytes]:
    """The page (with an empty body: the store keeps ``raw``), its article, the raw page
    as stored."""
    try:
        if entry.get(b"v") != VERSION:
            raise BadRecord(f"unknown record version {entry.get(b'v')!r}")
        meta: dict[str, Any] = json.loads(entry[b"page"])
        art: dict[str, Any] = json.loads(entry[b"article"])
        raw = entry[b"raw"]
        if set(meta) != _PAGE_FIELDS or not set(art) <= _ARTICLE_FIELDS:
            raise BadRecord("unexpected fields")
        if not is_stored_raw(raw):
            raise BadRecord("raw page is not compressed as stored")
        return FetchedPage(body=b"", **meta), Article(**art), raw
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, BadRecord):
            raise
        raise BadRecord(str(exc)) from exc
