"""Scale-out on Redis: several crawl workers, one shared frontier, one database writer.

Workers (``ainews crawl --redis URL``) share scrapy-redis's request queue and fingerprint
set, wait on one per-domain politeness slot, clean pages, and push them to a Redis Stream;
``ainews ingest --redis URL --db PATH`` is the one process that de-duplicates and writes
them into SQLite through :func:`ainews.scraper.process.process_page`. Every key is listed here.
"""

from __future__ import annotations

import os
import socket
from typing import Any

#: Prefix of every key ainews writes (scrapy-redis's two keys included).
PREFIX = "ainews"
QUEUE_KEY = PREFIX + ":%(spider)s:requests"  # scrapy-redis priority queue (a sorted set)
DUPEFILTER_KEY = PREFIX + ":%(spider)s:dupefilter"  # scrapy-redis fingerprints (a set)
STREAM = PREFIX + ":pages"  # cleaned pages waiting for the ingester (a stream)
DEAD_LETTERS = STREAM + ":dead"  # entries the ingester could not read or store (a stream)
GROUP = "ingest"  # the stream's consumer group
VALIDATORS = PREFIX + ":validators"  # hash: feed/sitemap/listing URL → {"etag", ...} JSON
SPIDER = "news"


def worker_key(worker: str) -> str:
    """Heartbeat hash of a live worker (expires when it stops refreshing it)."""
    return f"{PREFIX}:worker:{worker}"


def ledger_key(worker: str) -> str:
    """Hash: requests a worker took from the queue and has not finished (the encoded
    request → the epoch second it was taken)."""
    return f"{PREFIX}:ledger:{worker}"


def slot_key(domain: str) -> str:
    """The domain's next free request slot (ms since the epoch, Redis clock)."""
    return f"{PREFIX}:slot:{domain}"


def claim_key(url: str) -> str:
    """Held by the worker that reads a feed/sitemap/listing in this revisit window."""
    return f"{PREFIX}:index:{url}"


def queue_key(spider: str = SPIDER) -> str:
    return QUEUE_KEY % {"spider": spider}


def dupefilter_key(spider: str = SPIDER) -> str:
    return DUPEFILTER_KEY % {"spider": spider}


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def connect(url: str) -> Any:
    """A client for ``redis://HOST:PORT/DB`` (bytes replies)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10,
                                health_check_interval=30)


class RedisUnavailable(RuntimeError):
    """The Redis server named by a URL cannot be reached or used."""


def check(url: str) -> None:
    """Raise :class:`RedisUnavailable` with a one-line reason unless ``url`` answers PING."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    except ValueError as exc:
        raise RedisUnavailable(f"bad Redis URL {url!r}: {exc}") from exc
    try:
        client.ping()
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot use Redis at {url}: {exc}") from exc
    finally:
        client.close()


def live_workers(server: Any) -> dict[str, dict[str, str]]:
    """Workers whose heartbeat has not expired: id → their heartbeat fields."""
    found = {}
    prefix = worker_key("")
    for key in server.scan_iter(match=prefix + "*", count=100):
        fields = server.hgetall(key)
        if fields:
            found[key.decode()[len(prefix):]] = {k.decode(): v.decode() for k, v in fields.items()}
    return found
