"""Scale benchmark for dedupe: signature speed, query+insert latency, cron-run memory.

Synthetic 600-word documents (10 paragraphs, Zipf vocabulary of 50k words; 5% are edited
copies of an earlier document so verification runs). For each size: build an index of N
documents in a SQLite file, then run a cron-like process in a fresh interpreter that adds
1,000 new articles and reports its start-up time, per-article latency and peak memory.

One big cluster (issue 16): 2,000 identical bodies (one site's consent wall) and 2,000
near-identical ones (a story edited 3% on 2,000 sites), added in publication order: the
mean cost of the first and the last 100 adds of each, and `ainews dedupe` on a JSON Lines
file of 2,000 identical bodies, end to end.

    python benchmarks/dedup_scale.py --sizes 10000,100000 [--workdir DIR]
    python benchmarks/dedup_scale.py --big-cluster-only
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xxhash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ainews.dedupe import Deduplicator, Doc, SQLiteIndex  # noqa: E402
from ainews.dedupe.signature import minhash, shingles  # noqa: E402
from ainews.dedupe.text import features  # noqa: E402

WORDS = 600
CRON_ARTICLES = 1000


class Generator:
    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        self.vocab = ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(50_000)]
        self.cum = []
        total = 0.0
        for i in range(len(self.vocab)):
            total += 1 / (i + 1)
            self.cum.append(total)
        self.rng = rng
        self.recent: list[str] = []

    def text(self) -> str:
        if self.recent and self.rng.random() < 0.05:
            words = self.rng.choice(self.recent).split(" ")
            for i in self.rng.sample(range(len(words)), len(words) // 20):
                words[i] = self.rng.choice(self.vocab)
            return " ".join(words)
        words = self.rng.choices(self.vocab, cum_weights=self.cum, k=WORDS)
        text = "\n\n".join(" ".join(words[i : i + 60]) for i in range(0, WORDS, 60))
        self.recent = [*self.recent[-99:], text]
        return text

    def docs(self, prefix: str, n: int) -> list[Doc]:
        return [Doc(id=f"{prefix}{i}", text=self.text(), url=f"https://s{i % 50}.example/{i}",
                    published_at=f"2026-03-{1 + i % 28:02d}T00:00:00+00:00") for i in range(n)]


def signature_speed(texts: list[str]) -> dict[str, float]:
    from datasketch import MinHash

    t = time.perf_counter()
    for text in texts:
        minhash(shingles(features(text).token_hashes))
    ours = len(texts) / (time.perf_counter() - t)
    sample = texts[:200]
    t = time.perf_counter()
    for text in sample:  # datasketch used plainly: one update() per shingle, sha1
        words = text.lower().split()
        m = MinHash(num_perm=128)
        for i in range(len(words) - 2):
            m.update(" ".join(words[i : i + 3]).encode())
    plain = len(sample) / (time.perf_counter() - t)
    t = time.perf_counter()
    for text in texts:  # datasketch configured well: update_batch, xxhash, affine32
        words = text.lower().split()
        m = MinHash(num_perm=128, scheme="affine32", hashfunc=xxhash.xxh32_intdigest)
        m.update_batch([" ".join(words[i : i + 3]).encode() for i in range(len(words) - 2)])
    well = len(texts) / (time.perf_counter() - t)
    return {"ours_sig_per_s": ours, "datasketch_plain_sig_per_s": plain,
            "datasketch_batch_sig_per_s": well}


def build(db: Path, n: int, seed: int) -> float:
    gen = Generator(seed)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    dd = Deduplicator(SQLiteIndex(conn))
    t = time.perf_counter()
    batch = 10_000
    for start in range(0, n, batch):
        for doc in gen.docs(f"d{start}-", min(batch, n - start)):
            dd.add(doc)
        conn.commit()
        print(f"  indexed {start + batch:,} ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    conn.close()
    return time.perf_counter() - t


def cron(db: Path, seed: int) -> dict[str, float]:
    """One cron run in this (fresh) process: add CRON_ARTICLES new articles, commit."""
    docs = Generator(seed + 99).docs("cron-", CRON_ARTICLES)
    t0 = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    index = SQLiteIndex(conn)
    dd = Deduplicator(index)
    assert not dd.needs_rebuild()
    latencies = []
    started = None
    for doc in docs:
        t = time.perf_counter()
        dd.add(doc)
        latencies.append(time.perf_counter() - t)
        started = started or time.perf_counter() - t0
    t = time.perf_counter()
    conn.commit()
    commit = time.perf_counter() - t
    latencies.sort()
    return {"first_add_done_s": started or 0.0,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[int(0.99 * len(latencies))],
            "commit_ms": 1000 * commit,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def big_cluster(workdir: Path, n: int = 2000) -> None:
    """Cost of an add at the start and the end of one growing cluster."""
    gen = Generator(7)
    wall = gen.text()
    story = gen.text().split(" ")
    rng = random.Random(7)
    cases = {"identical": [], "near-identical (3% edited)": []}
    for i in range(n):
        stamp = f"2026-03-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}+00:00"
        cases["identical"].append(Doc(f"w{i}", wall, url=f"https://paywall.example/{i}",
                                      published_at=stamp))
        words = story[:]
        for j in rng.sample(range(len(words)), len(words) * 3 // 100):
            words[j] = rng.choice(gen.vocab)
        cases["near-identical (3% edited)"].append(
            Doc(f"c{i}", " ".join(words), url=f"https://s{i}.example/{i}", published_at=stamp))
    print(f"\none big cluster of {n:,}: mean CPU time and SQL statements per add "
          "(CPU time: the shared machine's load moves wall time)")
    print(f"  {'':28}{'first 100':>10}{'last 100':>10}{'ratio':>7}{'SQL first':>11}"
          f"{'SQL last':>10}{'clusters':>9}")
    for name, docs in cases.items():
        conn = sqlite3.connect(workdir / f"big-{name[:4]}.sqlite")
        dd = Deduplicator(SQLiteIndex(conn))
        costs, statements = [], []
        sql: list[str] = []
        conn.set_trace_callback(sql.append)
        for doc in docs:
            sql.clear()
            t = time.process_time()
            dd.add(doc)
            costs.append(time.process_time() - t)
            statements.append(len(sql))
        conn.set_trace_callback(None)
        clusters = len({dd.assignment(d.id).cluster_id for d in docs})  # type: ignore[union-attr]
        first, last = statistics.mean(costs[:100]), statistics.mean(costs[-100:])
        print(f"  {name:28}{1000 * first:7.2f} ms{1000 * last:7.2f} ms{last / first:7.2f}"
              f"{statistics.mean(statements[:100]):11.1f}{statistics.mean(statements[-100:]):10.1f}"
              f"{clusters:9}")
        conn.close()
    src = workdir / "identical.jsonl"
    with open(src, "w") as out:
        for doc in cases["identical"]:
            out.write(json.dumps({"id": doc.id, "text": doc.text, "url": doc.url,
                                  "published_at": doc.published_at}) + "\n")
    t = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "ainews.scraper.cli", "dedupe", str(src), "--out",
                          str(workdir / "identical.out.jsonl")], capture_output=True, text=True,
                         cwd=ROOT)
    took = time.perf_counter() - t
    print(f"  ainews dedupe on {n:,} identical bodies: {took:.1f} s (exit {cli.returncode}: "
          f"{(cli.stdout or cli.stderr).strip()[:80]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="indexed articles, comma-separated")
    parser.add_argument("--workdir", type=Path, default=None, help="where the databases go")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--big-cluster-only", action="store_true")
    parser.add_argument("--cron", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cron:
        print(json.dumps(cron(args.cron, args.seed)))
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dedup-scale-"))
    if args.big_cluster_only:
        big_cluster(workdir)
        return
    gen = Generator(args.seed)
    speed = signature_speed([gen.text() for _ in range(2000)])
    print(f"signatures/s per core, end to end from text: ours {speed['ours_sig_per_s']:,.0f}, "
          f"datasketch plain (update per shingle) {speed['datasketch_plain_sig_per_s']:,.0f}, "
          f"datasketch update_batch+xxhash {speed['datasketch_batch_sig_per_s']:,.0f}")
    if args.speed_only:
        return
    big_cluster(workdir)
    print(f"{'indexed':>10}{'build s':>9}{'start s':>9}{'p50 ms':>8}{'p99 ms':>8}"
          f"{'commit ms':>10}{'peak MB':>9}{'bytes/article':>14}")
    for n in (int(s) for s in args.sizes.split(",")):
        db = workdir / f"index-{n}.sqlite"
        db.unlink(missing_ok=True)
        seconds = build(db, n, args.seed)
        size = db.stat().st_size
        out = subprocess.run([sys.executable, __file__, "--cron", str(db)], check=True,
                             capture_output=True, text=True)
        c = json.loads(out.stdout)
        print(f"{n:>10,}{seconds:>9.0f}{c['first_add_done_s']:>9.3f}{c['p50_ms']:>8.2f}"
              f"{c['p99_ms']:>8.2f}{c['commit_ms']:>10.0f}{c['peak_rss_mb']:>9.0f}"
              f"{size / n:>14,.0f}", flush=True)


if __name__ == "__main__":
    main()
