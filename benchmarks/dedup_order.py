"""Order benchmark for dedupe: the cost of documents arriving out of publication order.

The clusters are meant to be a function of the set of documents, whatever order they
arrive in; this measures what reaching that state costs when they do not arrive sorted
(a WARC back-fill in crawl order, a sitemap crawled newest first). The corpus is the
hard case: many *distinct* stories that share LSH band keys (a press quote a group of
outlets all carry, sometimes as their opening; each site's footer), so every new
earliest document is a candidate of all the later ones (the quote's attribution differs
per outlet, so it is neither site boilerplate nor corpus-common text), plus real
near-duplicate copies (2% of words edited, another site) and excerpts (a story's opening),
so clusters exist.

Each size is added in sorted, reverse and three random orders; per case it prints the
wall and CPU time, re-placements (documents placed again after their own add), ``compare`` calls
per add, and the cluster state (clusters, documents in a cluster of several, excerpts,
and whether the assignments equal the sorted order's). A case over ``--cap`` seconds
stops early and says how far it got.

``--impl main`` runs the same cases on another revision's ``dedupe`` package (``git
archive`` of ``--ref``, imported under another name), so before/after numbers come
from one run; ``--check`` runs both on every case (plus ``benchmarks/dedup.py``'s corpus
and the extraction-bench pages, shuffled; ours given the features as a crawl's workers
compute them, except in reverse order) and counts documents whose final assignment
differs from the other's or from its own sorted order's (must be 0).

    python -m benchmarks.dedup_order [--sizes 100,200,500,2000] [--impl ours|main|both]
    python -m benchmarks.dedup_order --check [--sizes 100,200]
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import importlib.util
import io
import random
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ainews.dedupe  # noqa: E402
from ainews.scraper.paths import shared_dir  # noqa: E402

GROUP = 250  # documents sharing one quote (all mutual LSH candidates)
QUOTE_WORDS = 150
SITES_PER_GROUP = 9
ORDERS = ("sorted", "reverse", "random1", "random2", "random3")

# (id, cluster, is_canonical, relation, partial_of): what must not depend on the order
State = dict[str, tuple]


def _words(rng: random.Random, vocab: list[str], n: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(n))


def corpus(n: int, seed: int = 1) -> list[dict]:
    """``n`` documents (as ``Doc`` keyword arguments): distinct stories sharing a quote
    per group of ``GROUP``, their sites' footers, ~15% copies and ~5% excerpts."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = sorted({"".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(6000)})
    docs: list[dict] = []
    stories: list[tuple[int, str, int]] = []  # (group, body, minute) of the originals
    quotes: dict[int, str] = {}
    for i in range(n):
        group = i // GROUP
        if group not in quotes:
            quotes[group] = _words(rng, vocab, QUOTE_WORDS)
        site = f"g{group}s{rng.randrange(SITES_PER_GROUP)}.example"
        footer = f"Subscribe to {site} for more news {_words(random.Random(site), vocab, 25)}"
        minute = rng.randrange(60 * 24 * 60)
        same_group = [s for s in stories if s[0] == group]
        kind = rng.random()
        if same_group and kind < 0.15:  # a syndicated copy, 2% of words edited
            _, body, at = rng.choice(same_group)
            words = body.split(" ")
            for k in rng.sample(range(len(words)), len(words) // 50):
                words[k] = rng.choice(vocab)
            body = " ".join(words)
            minute = at + rng.randint(-600, 3000)
        elif same_group and kind < 0.20:  # an excerpt: the opening, "read more"
            _, body, at = rng.choice(same_group)
            words = body.split(" ")
            body = " ".join(words[: max(40, len(words) * rng.randint(25, 45) // 100)])
            minute = at + rng.randint(0, 3000)
        else:  # a distinct story quoting the group's statement
            own = [_words(rng, vocab, rng.randint(30, 60)) for _ in range(rng.randint(2, 3))]
            at = rng.randrange(len(own) + 1) if rng.random() < 0.7 else 0
            # the quote as each outlet words its attribution: a paragraph of its own, so
            # never site boilerplate nor corpus-common text (it stays in the signatures)
            quote = f"{quotes[group]} {_words(rng, vocab, 3)}"
            body = "\n\n".join([*own[:at], quote, *own[at:]])
            stories.append((group, body, minute))
        stamp = time.strftime("%Y-%m-%dT%H:%M:00+00:00", time.gmtime(1_767_225_600 + minute * 60))
        docs.append({"id": f"n{i:05d}", "text": f"{body}\n\n{footer}",
                     "url": f"https://{site}/story/{i}", "published_at": stamp})
    return docs


def ordered(docs: list[dict], order: str) -> list[dict]:
    key = sorted(docs, key=lambda d: (d.get("published_at") or "~", d["id"]))
    if order == "sorted":
        return key
    if order == "reverse":
        return key[::-1]
    out = docs[:]
    random.Random(int(order.removeprefix("random"))).shuffle(out)
    return out


def load_ref(ref: str) -> ModuleType:
    """Another revision's ``dedupe`` package, importable beside ours (as ``dedupe_<ref>``)."""
    name = "dedupe_" + re.sub(r"\W", "_", ref)
    if name in sys.modules:
        return sys.modules[name]
    where = Path(tempfile.mkdtemp(prefix="dedupe-ref-"))
    archive = subprocess.run(["git", "archive", ref, "dedupe"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(where, filter="data")
    (where / "dedupe").rename(where / name)
    for path in (where / name).glob("*.py"):
        path.write_text(path.read_text().replace("ainews.dedupe", name))
    sys.path.insert(0, str(where))
    return importlib.import_module(name)


class Counting:
    """Counts ``compare`` calls and placement decisions of one implementation's module
    (``_decide``, and ``_reconsider`` where there is one; not the one inside the other)."""

    def __init__(self, package: ModuleType) -> None:
        self.module = importlib.import_module(package.__name__ + ".deduplicator")
        measure = importlib.import_module(package.__name__ + ".verify").compare
        cls = self.module.Deduplicator
        self.compares = 0
        self.decisions = 0
        # the modules that call compare (one, or before the split of deduplicator.py, it)
        self.measuring = [m for name, m in sorted(sys.modules.items())
                          if name.startswith(package.__name__ + ".")
                          and name != package.__name__ + ".verify"
                          and getattr(m, "compare", None) is measure]
        self.saved = {name: (cls, cls.__dict__.get(name), getattr(cls, name))
                      for name in ("_decide", "_reconsider") if hasattr(cls, name)}
        inside = [False]

        def compare(a, b):  # noqa: ANN001, ANN202
            self.compares += 1
            return measure(a, b)

        def decider(name: str):  # noqa: ANN202
            original = self.saved[name][2]

            def decide(dd, *args):  # noqa: ANN001, ANN002, ANN202
                if inside[0]:
                    return original(dd, *args)
                self.decisions += 1
                inside[0] = True
                try:
                    return original(dd, *args)
                finally:
                    inside[0] = False
            return decide

        self.measure = measure
        for module in self.measuring:
            module.compare = compare
        for name in self.saved:
            setattr(cls, name, decider(name))

    def restore(self) -> None:
        for module in self.measuring:
            module.compare = self.measure
        for name, (owner, own, _) in self.saved.items():
            if own is None:  # inherited: drop the wrapper
                delattr(owner, name)
            else:
                setattr(owner, name, own)


def run(package: ModuleType, docs: list[dict], cap: float | None = None,
        with_features: bool = False) -> dict:
    """Add ``docs`` in this order; the final state and what it cost. ``with_features``:
    pass each document's features computed beforehand, as a crawl's workers do."""
    features = importlib.import_module(package.__name__ + ".text").features
    counting = Counting(package)
    conn = sqlite3.connect(":memory:")
    dd = package.Deduplicator(package.SQLiteIndex(conn))
    t, cpu = time.perf_counter(), time.process_time()
    added = 0
    try:
        for doc in docs:
            doc_ = package.Doc(**doc)
            dd.add(doc_, features(doc_.text) if with_features else None)
            added += 1
            if cap is not None and time.perf_counter() - t > cap:
                break
    finally:
        counting.restore()
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    state: State = {}
    for doc in docs[:added]:
        a = dd.assignment(doc["id"])
        state[doc["id"]] = (a.cluster_id, a.is_canonical, a.relation, a.partial_of) if a else None
    conn.close()
    return {"seconds": seconds, "cpu": cpu, "added": added, "compares": counting.compares,
            "replaced": counting.decisions - added, "state": state}


def summary(state: State) -> str:
    sizes = Counter(s[0] for s in state.values() if s)
    in_clusters = sum(n for n in sizes.values() if n > 1)
    excerpts = sum(1 for s in state.values() if s and s[3])
    return f"{len(sizes)} clusters, {in_clusters} docs in shared ones, {excerpts} excerpts"


def bench(sizes: list[int], impls: dict[str, ModuleType], cap: float) -> None:
    print(f"{'impl':>6}{'docs':>6} {'order':9}{'wall s':>8}{'CPU s':>8}{'re-placed':>10}"
          f"{'compare/add':>12}  state")
    for n in sizes:
        docs = corpus(n)
        for label, package in impls.items():
            reference: State | None = None
            for order in ORDERS:
                r = run(package, ordered(docs, order), cap)
                if order == "sorted":
                    reference = r["state"]
                same = "= sorted" if r["state"] == reference else "DIFFERS from sorted"
                if r["added"] < n:
                    same = f"CAPPED after {r['added']} of {n} adds"
                print(f"{label:>6}{n:>6} {order:9}{r['seconds']:8.2f}{r['cpu']:8.2f}"
                      f"{r['replaced']:>10}"
                      f"{r['compares'] / max(r['added'], 1):12.1f}  {summary(r['state'])}; "
                      f"{same}", flush=True)


def bench_docs() -> list[tuple[str, list[dict]]]:
    """The quality benchmark's corpora (both halves) and the extraction-bench pages."""
    spec = importlib.util.spec_from_file_location("bench_dedup", ROOT / "benchmarks" / "dedup.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["bench_dedup"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    shared = shared_dir()
    out = []
    for half in (0, 1):
        base = [s for s in module.load_stories(shared) if module.half_of(s[0]) == half]
        built = module.build(base, 1)
        out.append((f"benchmarks/dedup.py half {half}",
                    [{"id": b.doc.id, "text": b.doc.text, "title": b.doc.title, "url": b.doc.url,
                      "published_at": b.doc.published_at, "fetched_at": b.doc.fetched_at}
                     for b in built.docs]))
    from ainews.scraper.extraction.core import extract

    pages = []
    for path in sorted((shared / "extraction-bench" / "html").glob("*.html.gz")):
        url = f"https://page{len(pages) % 7}.example/{path.name[:12]}"
        article = extract(gzip.decompress(path.read_bytes()), url)
        pages.append({"id": path.name[:16], "text": article.body or "", "url": url,
                      "published_at": article.published_at})
    # each page twice (another site, a newer date) so extraction-bench has clusters too
    pages += [{**p, "id": p["id"] + "-copy", "url": p["url"].replace("page", "copy")}
              for p in pages[::3]]
    out.append(("extraction-bench pages (+ a copy of every third)", pages))
    return out


def check(sizes: list[int], ref: str, cap: float) -> int:
    """Ours against ``ref`` on every case: documents compared and mismatches."""
    main_pkg = load_ref(ref)
    cases = [(f"order corpus {n}", corpus(n)) for n in sizes] + bench_docs()
    compared = mismatched = 0
    for name, docs in cases:
        sorted_ours = run(ainews.dedupe, ordered(docs, "sorted"))["state"]
        for order in ORDERS:
            seq = ordered(docs, order)
            ours = run(ainews.dedupe, seq, with_features=order != "reverse")
            theirs = run(main_pkg, seq, cap)
            bad = [k for k in theirs["state"] if ours["state"][k] != theirs["state"][k]]
            if theirs["added"] == len(seq):
                bad += [k for k in ours["state"] if ours["state"][k] != sorted_ours[k]]
            compared += len(seq)
            mismatched += len(set(bad))
            extra = "" if theirs["added"] == len(seq) else \
                f" ({ref} capped after {theirs['added']} adds: compared on those)"
            print(f"{name:52} {order:8} {len(seq):5} docs: {len(set(bad))} mismatches "
                  f"(ours {ours['seconds']:.1f} s, {ref} {theirs['seconds']:.1f} s){extra}",
                  flush=True)
            if bad:
                for k in sorted(set(bad))[:5]:
                    print(f"   {k}: ours {ours['state'][k]} {ref} {theirs['state'].get(k)}"
                          f" sorted {sorted_ours[k]}")
    print(f"identical-results check: {compared} document placements compared, "
          f"{mismatched} mismatches")
    return mismatched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,200,500,2000")
    parser.add_argument("--impl", choices=("ours", "main", "both"), default="ours")
    parser.add_argument("--ref", default="main", help="the revision --impl main means")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per case")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.check:
        sys.exit(1 if check(sizes, args.ref, args.cap) else 0)
    impls: dict[str, ModuleType] = {}
    if args.impl in ("main", "both"):
        impls[args.ref] = load_ref(args.ref)
    if args.impl in ("ours", "both"):
        impls["ours"] = ainews.dedupe
    bench(sizes, impls, args.cap)


if __name__ == "__main__":
    main()
