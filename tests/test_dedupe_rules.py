"""The de-duplication rules of issue 10 and the bounded costs of issue 16: stories sharing
a quote or a block stay apart, clusters cannot chain, the same set gives the same clusters
in any order, every add costs the same whatever its cluster's size, texts without words
never crash, and each copy says why (``cluster_members``, ``--explain``)."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from ainews.dedupe import Deduplicator, Doc, SQLiteIndex
from ainews.dedupe.corpus import dedupe_jsonl
from ainews.dedupe.text import features
from ainews.scraper.article import Article
from ainews.scraper.cli import main
from ainews.scraper.items import FetchedPage
from ainews.scraper.process import process_page
from ainews.scraper.storage import Store

RNG = random.Random(11)
VOCAB = [f"w{i}" for i in range(8000)]


def words(n: int) -> list[str]:
    return RNG.choices(VOCAB, k=n)


def paras(ws: list[str], size: int = 60) -> str:
    return "\n\n".join(" ".join(ws[i : i + size]) for i in range(0, len(ws), size))


def edit(text: str, share: float) -> str:
    out = text.split(" ")
    for i in RNG.sample(range(len(out)), int(share * len(out))):
        out[i] = RNG.choice(VOCAB)
    return " ".join(out)


def add_all(docs: list[Doc], path: Path) -> dict[str, tuple[str, str | None]]:
    conn = sqlite3.connect(path)
    dd = Deduplicator(SQLiteIndex(conn))
    for doc in docs:
        dd.add(doc)
    out = {}
    for doc in docs:
        a = dd.assignment(doc.id)
        assert a is not None
        out[doc.id] = (a.cluster_id, a.partial_of)
    conn.close()
    return out


def doc(doc_id: str, text: str, site: str, day: int = 1) -> Doc:
    return Doc(doc_id, text, url=f"https://{site}.example/{doc_id}",
               published_at=f"2026-03-{day:02d}T00:00:00+00:00")


def quote_corpus() -> list[Doc]:
    """Four outlets quote one 150-word statement in different stories of 150 words of their
    own (the old Jaccard rule merged them: J = 0.33); each story
    also has a syndicated copy (3% edited) on another site."""
    quote = " ".join(words(150))
    docs = []
    for k in range(4):
        own = words(150)
        at = RNG.randrange(0, 150, 50)
        text = paras(own[:at], 50) + f"\n\n{quote}\n\n" + paras(own[at:], 50)
        docs.append(doc(f"q{k}", text.strip(), f"outlet{k}", day=1 + k))
        docs.append(doc(f"q{k}c", edit(text.strip(), 0.03), f"mirror{k}", day=10 + k))
    return docs


def block_corpus() -> list[Doc]:
    """Three 70-word items each followed by the same 150-word "about us" block."""
    block = " ".join(words(150))
    return [doc(f"b{k}", f"{' '.join(words(70))}\n\n{block}", f"site{k}", day=1 + k)
            for k in range(3)]


def test_stories_sharing_a_quote_stay_apart_and_keep_their_copies(tmp_path: Path) -> None:
    got = add_all(quote_corpus(), tmp_path / "q.db")
    assert len({got[f"q{k}"][0] for k in range(4)}) == 4
    for k in range(4):
        assert got[f"q{k}c"][0] == got[f"q{k}"][0]


def test_short_items_inside_a_shared_block_stay_apart(tmp_path: Path) -> None:
    got = add_all(block_corpus(), tmp_path / "b.db")
    assert len({cluster for cluster, _ in got.values()}) == 3


def test_clusters_cannot_chain(tmp_path: Path) -> None:
    # b shares 70% with a, c shares 70% with b, but a and c share only 40%
    base = words(600)
    a = paras(base[:600])
    b = paras(base[180:600] + words(180))
    c = paras(base[360:600] + (bw := b.split())[420:] + words(180))
    del bw
    docs = [doc("a", a, "x", 1), doc("b", b, "y", 2), doc("c", c, "z", 3)]
    for order in range(4):
        shuffled = docs[:]
        random.Random(order).shuffle(shuffled)
        got = add_all(shuffled, tmp_path / f"chain{order}.db")
        assert got["a"][0] != got["c"][0]


def test_same_set_in_any_order_gives_same_clusters(tmp_path: Path) -> None:
    story = paras(words(400))
    docs = quote_corpus() + block_corpus() + [
        doc("s", story, "home", 5), doc("s1", edit(story, 0.05), "m1", 3),
        doc("s2", edit(story, 0.08), "m2", 7), doc("s3", story, "m3", 2),
        doc("teaser", story[: len(story) // 5] + "\n\nRead more", "agg", 4),
        doc("empty", "", "e1", 1), doc("dash", "—", "e2", 1), doc("under", "___", "e3", 1)]
    results = []
    for seed in range(5):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        results.append(add_all(shuffled, tmp_path / f"o{seed}.db"))
    assert all(r == results[0] for r in results)
    got = results[0]
    assert got["s"][0] == got["s1"][0] == got["s2"][0] == got["s3"][0] == "s3"  # earliest
    assert got["teaser"] == ("teaser", "s3")
    assert {got[k][0] for k in ("empty", "dash", "under")} == {"empty", "dash", "under"}


@pytest.mark.parametrize("text", ["", "—", "___", " \n\n "])
def test_texts_without_words_never_crash(tmp_path: Path, text: str) -> None:
    assert features(text).n_tokens == 0
    conn = sqlite3.connect(tmp_path / "e.db")
    dd = Deduplicator(SQLiteIndex(conn))
    assert dd.add(Doc("a", text))[0].cluster_id == "a"
    assert dd.add(Doc("b", text))[0].cluster_id == "b"  # two empty texts are no copies
    conn.close()


def test_cost_of_an_add_does_not_grow_with_its_cluster(tmp_path: Path) -> None:
    """SQL statements per add at cluster sizes ~20 and ~300, for one site's identical
    consent-wall pages and for edited copies of a story on many sites (the old code
    re-walked the whole cluster on every add)."""
    conn = sqlite3.connect(tmp_path / "big.db")
    dd = Deduplicator(SQLiteIndex(conn))
    wall, story = paras(words(120)), paras(words(300))
    statements: list[str] = []
    cost: dict[int, int] = {}
    for i in range(600):
        text, url = ((wall, f"https://paywalled.example/{i}") if i % 2 else
                     (edit(story, 0.03), f"https://s{i}.example/{i}"))
        conn.set_trace_callback(statements.append)
        statements.clear()
        dd.add(Doc(f"d{i:04d}", text, url=url,
                   published_at=f"2026-03-01T{i // 60:02d}:{i % 60:02d}:00+00:00"))
        conn.set_trace_callback(None)
        cost[i] = len(statements)
    assert {dd.assignment(f"d{i:04d}").cluster_id for i in range(1, 600, 2)} == {"d0001"}
    assert {dd.assignment(f"d{i:04d}").cluster_id for i in range(0, 600, 2)} == {"d0000"}
    for parity in (0, 1):
        early = max(cost[i] for i in range(40 + parity, 60, 2))
        late = max(cost[i] for i in range(580 + parity, 600, 2))
        assert late <= early * 1.2, (parity, early, late)
    conn.close()


def test_cli_accounts_for_texts_without_words_and_explains(tmp_path: Path) -> None:
    story = paras(words(300))
    rows = [{"id": "a", "text": story}, {"id": "b", "text": edit(story, 0.05)},
            {"id": "e1", "text": ""}, {"id": "e2", "text": "—"}, {"id": "e3", "text": "___"}]
    rows += [{"id": d.id, "text": d.text} for d in block_corpus()]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["dedupe", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 without words" in result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["cluster_id"] for r in lines if r["id"].startswith("e")] == ["e1", "e2", "e3"]
    result = CliRunner().invoke(main, ["dedupe", str(src), "--explain", "a", "b"])
    assert result.exit_code == 0, result.output
    assert "near_copy" in result.output and "same story" in result.output
    result = CliRunner().invoke(main, ["dedupe", str(src), "--explain", "b0", "b1"])
    assert "different stories" in result.output
    assert "different:" in result.output  # the rule that kept them apart
    summary = dedupe_jsonl(src, out)
    assert summary.no_words == 3


def article(url: str, body: str, day: int) -> Article:
    return Article(url=url, title="T", body=body, site="s",
                   published_at=f"2026-03-{day:02d}T10:00:00+00:00",
                   fetched_at="2026-03-20T00:00:00+00:00")


def save(store: Store, art: Article) -> str:
    """Store an already-cleaned article through the crawl's own path (dedupe, one write)."""
    page = FetchedPage(art.url, art.url, art.site, 200, "text/html", b"<html></html>",
                       art.fetched_at)
    return process_page(page, store, cleaned=art).status


def test_cluster_members_say_why_and_old_databases_are_reclustered(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    story = paras(words(300))
    with Store(db) as store:
        save(store, article("https://a.com/1", story, 1))
        save(store, article("https://b.com/1", edit(story, 0.05), 2))
        save(store, article("https://c.com/1", story, 3))
        save(store, article("https://d.com/1", story[: len(story) // 4], 4))
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT a.url, m.relation, m.score, m.share_article, m.share_compared,"
                        " m.cluster_id = c.id FROM cluster_members m JOIN articles a"
                        " ON a.id = m.article_id JOIN articles c ON c.url = 'https://a.com/1'"
                        " ORDER BY a.url").fetchall()
    assert [(r[0], r[1], r[5]) for r in rows] == [
        ("https://b.com/1", "near_copy", 1), ("https://c.com/1", "exact", 1),
        ("https://d.com/1", "excerpt", 1)]
    assert 0.6 < rows[0][2] < 1 and rows[1][2:5] == (1.0, 1.0, 1.0)
    # A database clustered by older rules: an index of the old layout (with pairwise
    # edges), and the copy wrongly kept apart. Opening it re-clusters under the new rules.
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"
                                 " AND name LIKE 'dedupe_%'").fetchall():
        conn.execute(f"DROP TABLE {table}")
    conn.execute("CREATE TABLE dedupe_doc (rowid INTEGER PRIMARY KEY, id TEXT, cluster TEXT)")
    conn.execute("CREATE TABLE dedupe_edge (a INTEGER, b INTEGER)")
    conn.execute("UPDATE articles SET cluster_id = id, is_canonical = 1")
    conn.execute("DELETE FROM cluster_members")
    conn.commit()
    with Store(db) as store:
        assert not store.clusters.is_consistent()
        store.ensure_dedupe_index()
    assert conn.execute("SELECT count(*) FROM cluster_members").fetchone()[0] == 3
    assert conn.execute("SELECT count(DISTINCT cluster_id) FROM articles").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'dedupe_edge'"
                        ).fetchone()[0] == 0
    conn.close()
    result = CliRunner().invoke(main, ["dedupe", "--db", str(db), "--explain",
                                       rows_id(db, "https://a.com/1"),
                                       rows_id(db, "https://b.com/1")])
    assert result.exit_code == 0, result.output
    assert "near_copy" in result.output


def rows_id(db: Path, url: str) -> str:
    conn = sqlite3.connect(db)
    found = conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()[0]
    conn.close()
    return found


def test_removing_a_document_gives_the_state_without_it(tmp_path: Path) -> None:
    story = paras(words(400))
    docs = [doc("s", story, "home", 1), doc("s1", edit(story, 0.05), "m1", 2),
            doc("s2", edit(story, 0.05), "m2", 3), doc("s3", edit(story, 0.08), "m3", 4),
            doc("teaser", story[: len(story) // 5] + "\n\nRead more", "agg", 5),
            *quote_corpus()]
    for gone in ("s", "s1", "q0"):
        conn = sqlite3.connect(tmp_path / f"rm-{gone}.db")
        dd = Deduplicator(SQLiteIndex(conn))
        for d in docs:
            dd.add(d)
        dd.remove(gone)
        after = {d.id: (dd.assignment(d.id).cluster_id, dd.assignment(d.id).partial_of)
                 for d in docs if d.id != gone}
        conn.close()
        assert after == add_all([d for d in docs if d.id != gone], tmp_path / f"w-{gone}.db")
