"""The one database writer of a scale-out crawl: drains the page stream into SQLite.

Each entry goes through :func:`ainews.scraper.process.process_page` (de-duplicate, store) exactly
as in a one-process crawl, in stream order, so ids, clusters and canonicals are the same.
The entries of one read are stored in one transaction (one savepoint each) and
acknowledged (XACK, then deleted from the stream) only after it committed: a killed
ingester re-reads its unacknowledged entries on restart.
Re-applying an entry that did commit is a no-op (same article id, same content hash →
``unchanged``), so nothing is written twice.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ainews.scraper import scaleout as keys
from ainews.scraper.lock import crawl_lock
from ainews.scraper.process import process_page
from ainews.scraper.scaleout.records import BadRecord, decode
from ainews.scraper.storage import Store

logger = logging.getLogger(__name__)

#: Entries read per XREADGROUP, stored in one transaction and acknowledged together.
BATCH = 50
#: How long one read waits for new entries.
BLOCK_MS = 1000
#: Seconds a one-shot ingester started on a Redis with no trace of a crawl yet waits for
#: a first worker or entry. Workers started at the same moment take seconds to register,
#: and ~25 s on a machine at load 15 (measured), so 30 s was too close to that.
START_GRACE_S = 120.0
#: A malformed entry is kept here for inspection instead of being retried forever.
DEAD_LETTERS = keys.DEAD_LETTERS


@dataclass
class IngestResult:
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self, db_path: Path | str) -> str:
        parts = " ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))
        return f"ainews ingest: ok {parts or 'nothing'} in {self.seconds:.1f}s db={db_path}"


def ensure_group(server: Any) -> None:
    import redis

    try:
        server.xgroup_create(keys.STREAM, keys.GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def stream_lag(server: Any) -> dict[str, int]:
    """``pending`` (delivered, not acknowledged) and ``undelivered`` entries of the stream."""
    for group in server.xinfo_groups(keys.STREAM) if server.exists(keys.STREAM) else []:
        if group["name"] in (keys.GROUP, keys.GROUP.encode()):
            lag = group.get("lag")
            if lag is None:  # Redis < 7: count what is after the last delivered id
                last = group["last-delivered-id"]
                lag = len(server.xrange(keys.STREAM, min=f"({last.decode()}"))
            return {"pending": int(group["pending"]), "undelivered": int(lag)}
    return {"pending": 0, "undelivered": server.xlen(keys.STREAM)}


def run_ingest(
    redis_url: str,
    db_path: str | Path,
    *,
    consumer: str = "ingester",
    follow: bool = False,
    batch: int = BATCH,
    block_ms: int = BLOCK_MS,
    start_grace_s: float = START_GRACE_S,
) -> IngestResult:
    """Drain the stream into ``db_path``. Without ``follow``, return once the stream is
    empty and no worker is alive; with it, run until killed.

    Started together with the workers on a fresh Redis, the ingester would see no worker
    and no entry and return at once: until it sees either (or ``start_grace_s`` passes) it
    keeps waiting. Redis that holds an earlier crawl's keys needs no grace."""
    server = keys.connect(redis_url)
    try:
        result = _drain(server, Path(db_path), consumer, follow, batch, block_ms, start_grace_s)
    finally:
        server.close()
    logger.info("%s", result.summary(db_path))
    return result


def _drain(server: Any, db_path: Path, consumer: str, follow: bool, batch: int, block_ms: int,
           start_grace_s: float) -> IngestResult:
    """``run_ingest``'s loop on an open client."""
    fresh = not server.exists(keys.STREAM, keys.queue_key(), keys.dupefilter_key())
    ensure_group(server)
    result = IngestResult()
    started = time.monotonic()
    with crawl_lock(db_path), Store(db_path) as store:  # the one writer of this file
        store.ensure_dedupe_index()
        # This consumer's unacknowledged entries first (a killed earlier life), then new ones.
        backlog = True
        while True:
            reply = server.xreadgroup(keys.GROUP, consumer, {keys.STREAM: "0" if backlog else ">"},
                                      count=batch, block=None if backlog else block_ms)
            entries = reply[0][1] if reply else []
            if backlog and not entries:
                backlog = False
                continue
            if entries:
                _apply(server, store, entries, result.counts)
                fresh = False
                continue
            if follow or keys.live_workers(server) or any(stream_lag(server).values()):
                fresh = False
            elif not fresh or time.monotonic() - started >= start_grace_s:
                break
    result.seconds = time.monotonic() - started
    return result


def _apply(server: Any, store: Store, entries: list[tuple[bytes, dict[bytes, bytes]]],
           counts: Counter[str]) -> None:
    """Store a batch of entries in one transaction (each entry in its own savepoint), then
    acknowledge them: a kill before the commit leaves the whole batch pending, re-read on
    restart; a kill between the commit and the XACK re-applies entries that change nothing.
    Dead letters are written with the acknowledgement, so a rolled-back batch adds none."""
    done: list[bytes] = []
    dead: list[dict[bytes, bytes]] = []
    outcomes: Counter[str] = Counter()
    with store.transaction():
        for entry_id, entry in entries:
            if entry:  # (an entry deleted after delivery has nothing to apply)
                _apply_one(store, entry_id, entry, outcomes, dead)
            done.append(entry_id)  # stored, skipped, or set aside as a dead letter
    pipe = server.pipeline(transaction=True)
    for fields in dead:
        pipe.xadd(DEAD_LETTERS, fields)
    pipe.xack(keys.STREAM, keys.GROUP, *done)
    pipe.xdel(keys.STREAM, *done)
    pipe.execute()
    counts.update(outcomes)


def _apply_one(store: Store, entry_id: bytes, entry: dict[bytes, bytes],
               counts: Counter[str], dead: list[dict[bytes, bytes]]) -> None:
    """Store one entry. An entry that cannot be read or stored (a bad record, a bug on one
    page) is rolled back to its savepoint and goes to ``dead`` with the reason, so it never
    blocks the stream; a database error (disk full, locked, corrupt) propagates: the batch
    is rolled back and stays pending."""
    try:
        page, cleaned, raw = decode(entry)
    except BadRecord as exc:
        _dead_letter(entry_id, entry, f"unreadable: {exc}", counts, "bad_record", dead)
        return
    try:
        # its transaction is a savepoint in the batch's: this entry's writes, or none
        outcome = process_page(page, store, cleaned=cleaned, raw_page=raw)
    except Exception as exc:  # one page's failure must not stop ingestion
        if isinstance(exc, sqlite3.OperationalError | OSError) \
                or type(exc) is sqlite3.DatabaseError:  # the database, not this page
            raise
        logger.exception("stream entry %s (%s) could not be stored", entry_id.decode(), page.url)
        _dead_letter(entry_id, entry, f"{type(exc).__name__}: {exc}"[:500], counts, "failed",
                     dead)
        return
    counts[outcome.status] += 1
    logger.info("%s %s", outcome.status, page.url)


def _dead_letter(entry_id: bytes, entry: dict[bytes, bytes], reason: str,
                 counts: Counter[str], outcome: str, dead: list[dict[bytes, bytes]]) -> None:
    logger.error("stream entry %s set aside in %s: %s", entry_id.decode(), DEAD_LETTERS, reason)
    dead.append({**entry, b"error": reason.encode()})
    counts[outcome] += 1
