"""The exact-copy fast path (``Deduplicator._join_exact``): a new exact copy of a cluster's
canonical joins it without the re-placement walk, and every state is the one the full
path gives."""

from __future__ import annotations

import random
import sqlite3

import pytest

from ainews.dedupe import Deduplicator, Doc, SQLiteIndex
from ainews.dedupe.deduplicator import REPRESENTATIVES

RNG = random.Random(11)
VOCAB = [f"w{i}" for i in range(3000)]
STORY = "\n".join(" ".join(RNG.choices(VOCAB, k=50)) for _ in range(6))
OTHER = "\n".join(" ".join(RNG.choices(VOCAB, k=50)) for _ in range(6))
FOOTER = "subscribe to our newsletter for the daily briefing on artificial intelligence"


def corpus() -> list[Doc]:
    """Exact copies of two stories (one on five sites, with the same paragraphs or the same
    words split into other paragraphs; one on a site where its paragraphs become
    boilerplate as its copies arrive), an excerpt of the first, and site footers."""
    docs = [Doc("excerpt", STORY.split("\n")[0] + "\n" + STORY.split("\n")[1],
                url="https://x.example/excerpt", published_at="2026-03-02T00:00:00+00:00")]
    for i in range(REPRESENTATIVES + 8):
        site = f"site{i % 5}"
        text = STORY + "\n" + FOOTER if i % 4 else STORY.replace("\n", " ", 1) + "\n" + FOOTER
        docs.append(Doc(f"s{i:02d}", text, url=f"https://{site}.example/s{i}",
                        published_at="2026-03-01T00:00:00+00:00",
                        fetched_at=f"2026-03-01T00:00:{i:02d}+00:00"))
        docs.append(Doc(f"o{i:02d}", OTHER + "\n" + FOOTER, url=f"https://a.example/o{i}",
                        published_at=f"2026-03-0{1 + i % 2}T00:00:00+00:00"))
    return docs


def state(order: list[Doc], fast: bool = True) -> tuple[dict, int, dict]:
    """Every stored placement after adding ``order``, how many adds took the walk, and
    every document's row of the index."""
    conn = sqlite3.connect(":memory:")
    dd = Deduplicator(SQLiteIndex(conn))
    walks = 0
    settle = dd._settle

    def counted(*args: object) -> None:
        nonlocal walks
        walks += 1
        settle(*args)  # type: ignore[arg-type]

    dd._settle = counted  # type: ignore[method-assign]
    if not fast:
        dd._join_exact = lambda *args: False  # type: ignore[method-assign]
    for doc in order:
        dd.add(doc)
    rows = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, cluster, lead, partial_of, relation, score, share_self, share_other, via,"
        " band_keys FROM dedupe_doc")}
    bands = sorted(conn.execute("SELECT * FROM dedupe_band"))
    assignments = {d.id: dd.assignment(d.id) for d in order}
    conn.close()
    return assignments, walks, {"docs": rows, "bands": bands}


def test_later_exact_copies_join_their_canonical_without_the_walk() -> None:
    docs = corpus()
    assignments, walks, _ = state(docs)
    copies = [d.id for d in docs if d.id.startswith("o")][REPRESENTATIVES + 1:]
    # each copy after the canonical and its REPRESENTATIVES earliest copies
    assert walks <= len(docs) - len(copies)
    for doc_id in copies:
        a = assignments[doc_id]
        assert (a.cluster_id, a.relation, a.score) == ("o00", "exact", 1.0)


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_the_fast_path_stores_what_the_full_path_does(seed: int | None) -> None:
    docs = corpus()
    if seed is not None:
        random.Random(seed).shuffle(docs)
    fast, fast_walks, fast_rows = state(docs)
    full, full_walks, full_rows = state(docs, fast=False)
    assert full_walks == len(docs)
    assert fast == full
    assert fast_rows == full_rows
