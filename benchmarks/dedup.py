"""Labelled near-duplicate benchmark: our Deduplicator vs datasketch's defaults.

Base stories are real article bodies (``$AINEWS_SHARED/extraction-bench`` and
``metadata-bench``) plus the demo web's stories (``scraper/demo/stories.toml``, whose
``event`` field marks different stories about the same happening). Each original is
published on a synthetic site wrapped in that site's boilerplate (so stories of one site
share it), and copied the ways news copies happen, one kind per copy, each copy inside
another site's boilerplate, plus an excerpt (its opening, "read more").

Hard negatives (different stories that must stay apart), built from real text too: a
quarter of the stories (by id hash) are not copied but cut into disjoint word segments,
and each negative document is made of such segments:

- ``quote``: 2-6 outlets, each a different story (250-600 words, the quote included, at
  least 60 of its own) quoting the same 100-200-word statement as its own paragraph, at
  any position;
- ``block``: 2-6 outlets, each a different short item (50-120 words) with the same
  120-200-word block ("about us", newsletter) before or after it;
- ``template``: 2-6 pages of one new site, each a different body (80-300 words) inside the
  same 60-150-word page template;
- ``same_event``: a rewrite of a story on the same event (same vocabulary, two sentences
  quoted verbatim), and the demo's stories that share an ``event``.

Each ``quote``/``block``/``template`` document also gets one syndicated copy (another
site, 2% of words edited), so each kind has true pairs and its precision is measured
where copies and shared text meet. Clusters are scored as the database holds them:
an excerpt is a member of its story (``Assignment.in_story``).

The stories are split in two fixed halves by a hash of their id; each half is a corpus
of its own and both are reported.

    python benchmarks/dedup.py [--stories N] [--seed S]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sqlite3
import sys
import time
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from datasketch import MinHash, MinHashLSH

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ainews.dedupe import Deduplicator, Doc, SQLiteIndex  # noqa: E402
from ainews.dedupe.text import normalize, tokens  # noqa: E402
from ainews.scraper.paths import shared_dir  # noqa: E402

NEAR_COPY_KINDS = ("boilerplate", "headline", "lede", "edit1", "edit5", "edit10",
                   "para_added", "para_dropped", "updated", "unicode", "roundup", "excerpt")
NEGATIVE_KINDS = ("quote", "block", "template", "same_event")
MIN_WORDS = 60
SITES = 16  # each copy of a story goes to a different site
_WORD = re.compile(r"\w+")



@dataclass
class BenchDoc:
    doc: Doc
    label: str  # the true story (cluster) this document belongs to
    kind: str  # "original", a copy kind, "excerpt", "same_event", "roundup"
    partial_of: str | None = None  # true story label an excerpt was taken from


@dataclass
class Corpus:
    docs: list[BenchDoc] = field(default_factory=list)

    def add(self, **kw: object) -> None:
        self.docs.append(BenchDoc(**kw))  # type: ignore[arg-type]


def load_stories(shared: Path) -> list[tuple[str, str, str | None]]:
    """(story id, body, event) of every base story with at least MIN_WORDS words."""
    stories = []
    truth = json.loads((shared / "extraction-bench" / "ground-truth.json").read_text())
    stories += [(f"x{k[:8]}", v["articleBody"], None) for k, v in sorted(truth.items())]
    meta = json.loads((shared / "metadata-bench" / "truth.json").read_text())
    stories += [(f"m{k}", v["body"], None) for k, v in sorted(meta.items())]
    demo = ROOT / "scraper" / "demo" / "stories.toml"
    if demo.exists():
        for s in tomllib.loads(demo.read_text()).get("story", []):
            body = "\n\n".join([s["lede"], *s["paragraphs"]])
            stories.append((f"d{s['slug']}", body, s.get("event")))
    seen, out = set(), []
    for sid, body, event in stories:
        key = " ".join(_WORD.findall(body.lower()))
        if len(key.split()) >= MIN_WORDS and key not in seen:
            seen.add(key)
            out.append((sid, body, event))
    return out


def _site_boilerplate(rng: random.Random, n: int) -> tuple[list[str], list[str]]:
    name = f"Site{n} {rng.choice(['Daily', 'Wire', 'Times', 'Post', 'Ledger'])}"
    header = [f"{name} | Home | Tech | AI | Business | Subscribe | Log in"]
    footer = [
        f"Sign up for the {name} newsletter to get the most important stories in technology "
        "and artificial intelligence in your inbox every weekday morning, free of charge.",
        f"© 2026 {name} Media Group. All rights reserved. Reproduction without permission "
        "is prohibited. Use of this site constitutes acceptance of our terms of service.",
    ]
    if n % 2:
        footer.append("Related coverage: what the latest funding round means for the "
                      "industry; why regulators are watching model releases closely; the "
                      "chips behind the boom and who makes them; five takeaways from the week.")
    return header, footer


class Mutator:
    """The ways a copy of a story differs from it."""

    def __init__(self, rng: random.Random, vocab: list[str]) -> None:
        self.rng, self.vocab = rng, vocab

    def edit(self, body: str, share: float) -> str:
        paras = [p.split() for p in body.split("\n\n")]
        n = sum(map(len, paras))
        for _ in range(max(1, round(share * n))):
            p = self.rng.choice([p for p in paras if p])
            i = self.rng.randrange(len(p))
            op = self.rng.random()
            if op < 0.6:
                p[i] = self.rng.choice(self.vocab)
            elif op < 0.8 and len(p) > 1:
                del p[i]
            else:
                p.insert(i, self.rng.choice(self.vocab))
        return "\n\n".join(" ".join(p) for p in paras)

    def rewrite(self, text: str) -> str:
        """Same vocabulary, different wording: shuffled words, a third replaced."""
        words = text.split()
        self.rng.shuffle(words)
        return " ".join(self.rng.choice(self.vocab) if self.rng.random() < 0.33 else w
                        for w in words)

    def unicode(self, body: str) -> str:
        """Curly/straight quotes swapped, dashes, ligatures, no-break and soft hyphens."""
        for old, new in (("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("'", "\u2019"),
                         (" - ", " \u2014 "), ("fi", "\ufb01"), (", ", ",\u00a0"),
                         ("ing ", "ing\u00ad "), ("0", "\uff10")):
            body = body.replace(old, new)
        return body


def half_of(story_id: str) -> int:
    """The fixed half (0 or 1) a story belongs to, by a hash of its id."""
    return hashlib.sha1(story_id.encode()).digest()[0] & 1


def is_pool(story_id: str) -> bool:
    """A quarter of the stories are cut into segments for the hard negatives."""
    return (hashlib.sha1(story_id.encode()).digest()[1] & 3) == 0


def build(stories: list[tuple[str, str, str | None]], seed: int) -> Corpus:
    rng = random.Random(seed)
    pool = [s for s in stories if is_pool(s[0])]
    stories = [s for s in stories if not is_pool(s[0])]
    vocab = sorted({w for _, body, _ in stories for w in body.split()})
    mut = Mutator(rng, vocab)
    sites = [_site_boilerplate(rng, n) for n in range(SITES)]
    corpus = Corpus()

    def page(sid: str, body: str, site: int | str, **kw: object) -> None:
        if isinstance(site, int):
            header, footer = sites[site]
            text = "\n\n".join([*header, body, *footer])
            url = f"https://site{site}.example/{sid}"
        else:  # a page made whole by the caller, on a site of its own
            text, url = body, f"https://{site}.example/{sid}"
        day = 1 + len(corpus.docs) % 28
        doc = Doc(id=sid, text=text, url=url,
                  published_at=f"2026-03-{day:02d}T{rng.randrange(24):02d}:00:00+00:00",
                  title=kw.pop("title", None))  # type: ignore[arg-type]
        corpus.add(doc=doc, **kw)

    for n, (sid, body, _event) in enumerate(stories):
        home = n % SITES
        page(sid, body, home, label=sid, kind="original")
        paras = body.split("\n\n")
        other = stories[(n + 1) % len(stories)][1].split("\n\n")
        variants = {
            "boilerplate": body, "headline": body,
            "lede": _rewrite_lede(body, mut),
            "edit1": mut.edit(body, 0.01), "edit5": mut.edit(body, 0.05),
            "edit10": mut.edit(body, 0.10),
            "para_added": _add_paragraph(paras, other, rng),
            "para_dropped": _drop_paragraph(paras, rng),
            "updated": f"Updated: March {rng.randint(1, 28)}, 2026 at 10:{rng.randint(10, 59)}"
                       f" a.m. ET\n\n{body}",
            "unicode": mut.unicode(body),
        }
        others = rng.sample([s for s in range(SITES) if s != home], len(variants) + 2)
        for (kind, text), site in zip(variants.items(), others, strict=False):
            title = "A new headline for the same story" if kind == "headline" else None
            page(f"{sid}-{kind}", text, site, label=sid, kind=kind, title=title)
        cut = int(len(body) * rng.uniform(0.1, 0.4))  # characters: CJK has few spaces
        excerpt = body[:cut].rsplit(" ", 1)[0] + "…\n\nRead more at the original publisher"
        page(f"{sid}-excerpt", excerpt, others[-2], label=sid, kind="excerpt", partial_of=sid)
        if n % 3 == 0 and _has_words(body):  # needs words to reword
            # same event, different story: rewritten, two sentences quoted
            sentences = re.split(r"(?<=[.!?])\s+", body)
            quotes = " ".join(sentences[1:3])
            page(f"{sid}-same_event", f"{mut.rewrite(body)}\n\n{quotes}", others[-1],
                 label=f"{sid}-same_event", kind="same_event")
    _add_roundups(corpus, stories, rng, page)
    _add_negatives(Segments([s for s in pool if _has_words(s[1])], rng), rng, mut, page)
    return corpus


def _has_words(body: str) -> bool:
    return body.count(" ") > len(body) / 12


class Segments:
    """Disjoint runs of words from real stories, as paragraphs of 30-90 words."""

    def __init__(self, stories: list[tuple[str, str, str | None]], rng: random.Random) -> None:
        self.words = [w for _, body, _ in stories for w in body.split()]
        self.rng, self.at = rng, 0

    def take(self, n: int) -> str | None:
        if self.at + n > len(self.words):
            return None
        words, self.at = self.words[self.at : self.at + n], self.at + n
        paras, i = [], 0
        while i < len(words):
            step = self.rng.randint(30, 90)
            paras.append(" ".join(words[i : i + step]))
            i += step
        return "\n\n".join(paras)


def _add_negatives(seg: Segments, rng: random.Random, mut: Mutator, page) -> None:  # noqa: ANN001
    """Groups of different stories sharing text (module docstring), each document with one
    syndicated copy, until the segments run out."""
    group = 0
    while True:
        kind = NEGATIVE_KINDS[group % 3]
        outlets = rng.randint(2, 6)
        if kind == "quote":  # stories of 250-600 words, the quote included
            quote_words = rng.randint(100, 200)
            shared = seg.take(quote_words)
            bodies = [seg.take(max(rng.randint(250, 600) - quote_words, 60))
                      for _ in range(outlets)]
        elif kind == "block":
            shared = seg.take(rng.randint(120, 200))
            bodies = [seg.take(rng.randint(50, 120)) for _ in range(outlets)]
        else:
            shared = seg.take(rng.randint(60, 150))
            bodies = [seg.take(rng.randint(80, 300)) for _ in range(outlets)]
        if shared is None or None in bodies:
            return
        sites = rng.sample(range(SITES), outlets)
        for k, body in enumerate(bodies):
            sid = f"n{group}-{kind}{k}"
            if kind == "quote":
                paras = body.split("\n\n")
                at = rng.randrange(len(paras) + 1)
                text = "\n\n".join([*paras[:at], shared.replace("\n\n", " "), *paras[at:]])
            elif kind == "block":
                text = f"{body}\n\n{shared}" if rng.random() < 0.75 else f"{shared}\n\n{body}"
            else:
                head, *rest = shared.split("\n\n")
                text = "\n\n".join([f"Template{group} | {head[:60]}", body, *rest])
            site = f"tmpl{group}" if kind == "template" else sites[k]
            page(sid, text, site, label=sid, kind=kind)
            copy_site = rng.choice([s for s in range(SITES) if s != sites[k]])
            page(f"{sid}-copy", mut.edit(text, 0.02), copy_site, label=sid, kind=kind)
        group += 1


def _add_paragraph(paras: list[str], other: list[str], rng: random.Random) -> str:
    """A paragraph of another story (at most a quarter of this one's length) inserted."""
    limit = sum(map(len, paras)) // 4
    extra = rng.choice(other)[:limit].rsplit(" ", 1)[0]
    at = rng.randrange(len(paras) + 1)
    return "\n\n".join([*paras[:at], extra, *paras[at:]])


def _drop_paragraph(paras: list[str], rng: random.Random) -> str:
    """One paragraph (at most a quarter of the story) left out; else the last sentence."""
    limit = sum(map(len, paras)) // 4
    small = [i for i, p in enumerate(paras) if len(p) <= limit]
    if small:
        drop = rng.choice(small)
        return "\n\n".join(p for i, p in enumerate(paras) if i != drop)
    body = "\n\n".join(paras)
    return re.split(r"(?<=[.!?])\s+(?=\S+\s*$)", body)[0]


def _rewrite_lede(body: str, mut: Mutator) -> str:
    """The first sentences (up to a fifth of the story) said in other words."""
    sentences = re.split(r"(?<=[.!?])\s+", body)
    lede, rest = [], len(body) // 5
    while sentences and len(sentences[0]) <= rest and len(sentences) > 1:
        rest -= len(sentences[0])
        lede.append(sentences.pop(0))
    if not lede:  # one long sentence: its first fifth
        return mut.rewrite(body[: len(body) // 5]) + " " + body[len(body) // 5 :]
    return mut.rewrite(" ".join(lede)) + " " + " ".join(sentences)


def _add_roundups(corpus: Corpus, stories: list, rng: random.Random, page: object) -> None:
    """A short story (at most a fifth of the long one's words; CJK characters count as
    words) placed in the middle of a long one: a near-copy of the long one."""
    def size(body: str) -> int:
        return len(tokens(normalize(body)))

    short = [s for s in stories if size(s[1]) < 200]
    long = [s for s in stories if size(s[1]) > 850]
    for i, (lid, body, _) in enumerate(long[: len(short)]):
        if size(short[i][1]) * 5 > size(body):
            continue
        paras = body.split("\n\n")
        mid = len(paras) // 2
        text = "\n\n".join([*paras[:mid], short[i][1], *paras[mid:]])
        page(f"{lid}-roundup", text, rng.randrange(SITES), label=lid, kind="roundup")  # type: ignore[operator]


# -- systems under test ---------------------------------------------------------------

def run_ours(docs: list[Doc]) -> tuple[dict[str, str], dict[str, str | None]]:
    """Cluster ids as the database holds them (excerpts in their story) and partial_of."""
    conn = sqlite3.connect(":memory:")
    dd = Deduplicator(SQLiteIndex(conn))
    for doc in docs:
        dd.add(doc)
    out = {d.id: dd.assignment(d.id) for d in docs}
    return ({k: a.in_story().cluster_id for k, a in out.items() if a},
            {k: a.partial_of for k, a in out.items() if a})


def run_datasketch(docs: list[Doc]) -> tuple[dict[str, str], dict[str, str | None]]:
    """datasketch used plainly: MinHashLSH(threshold=0.8, num_perm=128), word 5-grams."""
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    parent = {d.id: d.id for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc in docs:
        words = _WORD.findall(doc.text.lower())
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(words[i:i + 5]).encode() for i in range(len(words) - 4)])
        for other in lsh.query(m):
            parent[find(other)] = find(doc.id)
        lsh.insert(doc.id, m)
    return {d.id: find(d.id) for d in docs}, {d.id: None for d in docs}


# -- scoring --------------------------------------------------------------------------

def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _pairs(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(g, 2)}  # type: ignore[misc]


def score(corpus: Corpus, cluster: dict[str, str], partial: dict[str, str | None]) -> dict:
    by_id = {b.doc.id: b for b in corpus.docs}
    truth, pred = defaultdict(list), defaultdict(list)
    for b in corpus.docs:
        truth[b.label].append(b.doc.id)
        pred[cluster[b.doc.id]].append(b.doc.id)
    true_pairs, pred_pairs = _pairs(truth.values()), _pairs(pred.values())
    res = {"pair": _prf(len(true_pairs & pred_pairs), len(pred_pairs - true_pairs),
                        len(true_pairs - pred_pairs))}
    for kind in NEAR_COPY_KINDS + NEGATIVE_KINDS:
        tp_k = {p for p in true_pairs if kind in (by_id[p[0]].kind, by_id[p[1]].kind)}
        pp_k = {p for p in pred_pairs if kind in (by_id[p[0]].kind, by_id[p[1]].kind)}
        tp = len(tp_k & pp_k)
        res[kind] = _prf(tp, len(pp_k) - tp, len(tp_k) - tp)
    wrong = [p for p in pred_pairs - true_pairs]
    res["false_merges"] = sorted(wrong)[:10]
    res["bcubed"] = _bcubed(corpus, cluster, truth, pred)
    excerpts = [b for b in corpus.docs if b.kind == "excerpt"]
    hit = sum(1 for b in excerpts if partial[b.doc.id] and by_id[partial[b.doc.id]].label
              == b.partial_of)
    flagged = [k for k, v in partial.items() if v]
    correct = sum(1 for k in flagged if by_id[k].label == by_id[partial[k]].label)  # type: ignore[index]
    res["partial"] = _prf(correct, len(flagged) - correct, len(excerpts) - hit)
    return res


def _bcubed(corpus: Corpus, cluster: dict, truth: dict, pred: dict) -> tuple[float, ...]:
    p = r = 0.0
    for b in corpus.docs:
        mine, label = set(pred[cluster[b.doc.id]]), set(truth[b.label])
        p += len(mine & label) / len(mine)
        r += len(mine & label) / len(label)
    n = len(corpus.docs)
    return _prf_ratio(p / n, r / n)


def _prf_ratio(p: float, r: float) -> tuple[float, float, float]:
    return p, r, 2 * p * r / (p + r)


def targets_met(res: dict) -> list[str]:
    """The issue's targets this result misses (empty when all are met)."""
    missed = [f"{k} precision {res[k][0]:.4f}" for k in NEGATIVE_KINDS if res[k][0] < 0.995]
    missed += [f"{k} recall {res[k][1]:.4f}" for k in NEAR_COPY_KINDS
               if k != "excerpt" and res[k][1] < 0.98]
    if res["excerpt"][1] < 0.95:
        missed.append(f"excerpt recall {res['excerpt'][1]:.4f}")
    return missed


def report(name: str, results: list[tuple[dict, float]]) -> None:
    """One table, a precision/recall column pair per half."""
    print(f"\n== {name} (" + ", ".join(f"half {h}: {r['docs']} docs, {t:.1f} s"
                                       for h, (r, t) in enumerate(results)) + ")")
    print(f"{'':16}" + "".join(f"{'P h' + str(h):>9}{'R h' + str(h):>9}"
                               for h in range(len(results))))
    rows = [("pairs (all)", "pair"), ("clusters (B3)", "bcubed")]
    rows += [(k, k) for k in NEAR_COPY_KINDS]
    rows += [(f"neg: {k}", k) for k in NEGATIVE_KINDS]
    rows += [("excerpt→story", "partial")]
    for label, key in rows:
        print(f"{label:16}" + "".join(f"{r[key][0]:9.4f}{r[key][1]:9.4f}" for r, _ in results))
    for h, (r, _) in enumerate(results):
        if r["false_merges"]:
            print(f"half {h} first false merges:", r["false_merges"][:4])


def run(shared: Path, stories: int | None = None, seed: int = 1, baseline: bool = True,
        half: int | None = None) -> dict:
    """One corpus: the stories of ``half`` (both halves when None)."""
    base = load_stories(shared)
    if half is not None:
        base = [s for s in base if half_of(s[0]) == half]
    if stories:
        base = random.Random(seed).sample(base, min(stories, len(base)))
    corpus = build(base, seed)
    docs = [b.doc for b in corpus.docs]
    random.Random(seed).shuffle(docs)
    out: dict = {"stories": len(base), "docs": len(docs)}
    t = time.perf_counter()
    out["ours"] = {**score(corpus, *run_ours(docs)), "docs": len(docs)}
    out["ours_seconds"] = time.perf_counter() - t
    if baseline:
        t = time.perf_counter()
        out["datasketch"] = {**score(corpus, *run_datasketch(docs)), "docs": len(docs)}
        out["datasketch_seconds"] = time.perf_counter() - t
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=None, help="sample this many stories")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true", help="skip datasketch")
    args = parser.parse_args()
    halves = [run(shared_dir(), args.stories, args.seed, not args.no_baseline, half)
              for half in (0, 1)]
    print(", ".join(f"half {h}: {o['stories']} stories, {o['docs']} documents"
                    for h, o in enumerate(halves)))
    report("ours", [(o["ours"], o["ours_seconds"]) for o in halves])
    for h, o in enumerate(halves):
        missed = targets_met(o["ours"])
        print(f"half {h} targets: " + ("all met" if not missed else "MISSED " + "; ".join(missed)))
    if not args.no_baseline:
        report("datasketch MinHashLSH(threshold=0.8, num_perm=128), word 5-grams",
               [(o["datasketch"], o["datasketch_seconds"]) for o in halves])


if __name__ == "__main__":
    main()
