"""``ainews status --redis URL``: what the workers, the queue and the stream are doing."""

from __future__ import annotations

import time
from typing import Any

from ainews.scraper import scaleout as keys
from ainews.scraper.scaleout.ingest import stream_lag


def status(redis_url: str) -> dict[str, Any]:
    server = keys.connect(redis_url)
    try:
        now_ms = _redis_ms(server)
        ledgers = list(server.scan_iter(match=keys.ledger_key("") + "*", count=100))
        slots = {}
        for key in server.scan_iter(match=keys.slot_key("") + "*", count=100):
            free = server.get(key)
            if free is not None:
                slots[key.decode()[len(keys.slot_key("")):]] = max(0, int(free) - now_ms) / 1000
        workers = keys.live_workers(server)
        return {
            "queue": server.zcard(keys.queue_key()),
            "in_flight": sum(server.hlen(k) for k in ledgers),
            "seen_urls": server.scard(keys.dupefilter_key()),
            "stream": stream_lag(server),
            "dead_letters": server.xlen(keys.DEAD_LETTERS),
            "next_slot_s": dict(sorted(slots.items())),
            "workers": {w: {**f, "age_s": round(time.time() - float(f.get("seen", 0)), 1)}
                        for w, f in sorted(workers.items())},
        }
    finally:
        server.close()


def format_status(report: dict[str, Any]) -> str:
    stream = report["stream"]
    lines = [
        f"queue: {report['queue']} requests   in flight: {report['in_flight']}"
        f"   seen URLs: {report['seen_urls']}",
        f"stream: {stream['pending']} pending, {stream['undelivered']} not yet delivered"
        f"   dead letters: {report['dead_letters']}",
        f"workers seen in the last minute: {len(report['workers'])}",
    ]
    lines += [f"  {w}: {f.get('state')} pages={f.get('pages')} heartbeat {f['age_s']}s ago"
              for w, f in report["workers"].items()]
    lines.append("next slot per domain:" + ("" if report["next_slot_s"] else " (none)"))
    lines += [f"  {d}: in {s:.1f}s" for d, s in report["next_slot_s"].items()]
    return "\n".join(lines)


def _redis_ms(server: Any) -> int:
    seconds, micros = server.time()
    return seconds * 1000 + micros // 1000
