from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from ainews.dedupe import Deduplicator, Doc, Params, SQLiteIndex
from ainews.dedupe.corpus import CorpusError, dedupe_jsonl
from ainews.dedupe.signature import NUM_PERM, SCHEME, SEED, minhash, permutations, shingles
from ainews.dedupe.text import features, normalize, tokens

RNG = random.Random(7)
VOCAB = [f"w{i}" for i in range(5000)]


def story(n_paras: int = 6, words: int = 60) -> str:
    return "\n\n".join(" ".join(RNG.choices(VOCAB, k=words)) for _ in range(n_paras))


def edit(text: str, share: float) -> str:
    words = text.split(" ")
    for i in RNG.sample(range(len(words)), int(share * len(words))):
        words[i] = "edited" + words[i].strip()
    return " ".join(words)


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(tmp_path / "articles.sqlite")
    yield connection
    connection.close()


def clusters(dd: Deduplicator, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    out = {}
    for doc_id in ids:
        a = dd.assignment(doc_id)
        assert a is not None
        out[doc_id] = (a.cluster_id, a.partial_of)
    return out


# -- text and signatures ------------------------------------------------------------

def test_normalisation_folds_quote_and_unicode_variants() -> None:
    plain = "Don't say \"AI-first\" -- it's 2026, fine."
    fancy = ("Don\u2019t say \u201cAI\u2011first\u201d \u2014 it\u2019s "
             "\uff12\uff10\uff12\uff16, \ufb01ne.")
    assert tokens(normalize(fancy)) == tokens(normalize(plain))
    assert tokens(normalize("soft\u00adhyphen zero\u200bwidth")) == ["softhyphen", "zerowidth"]
    assert features(fancy).body_hash == features(plain).body_hash


def test_cjk_text_is_split_into_characters() -> None:
    assert tokens(normalize("人工知能の研究")) == list("人工知能の研究")


def test_paragraphs_are_hashed_on_their_tokens() -> None:
    f = features("First paragraph here.\n\n“Second” paragraph!\nThird")
    g = features("first paragraph here\n\n\"second\" paragraph\n\nthird.")
    assert f.para_ends.tolist() == [3, 5, 6]
    assert f.para_hashes.tolist() == g.para_hashes.tolist()


def test_signature_is_deterministic_and_equals_datasketch() -> None:
    sh = shingles(features(story()).token_hashes)
    expected = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int)
    expected.update_batch(sh.tolist())
    assert np.array_equal(minhash(sh), expected.hashvalues)
    # a set: the order of the shingles does not matter, a missing shingle may
    assert np.array_equal(minhash(sh[::-1]), minhash(sh))
    assert not np.array_equal(minhash(sh[: sh.size // 2]), minhash(sh))


@pytest.mark.parametrize(("num_perm", "seed"), [(NUM_PERM, SEED), (16, SEED), (64, 1)])
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    a, b = permutations(num_perm, seed)
    expected = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    assert a.dtype == expected.dtype and np.array_equal(np.vstack([a, b]), expected)


def test_params_are_validated() -> None:
    with pytest.raises(ValueError, match="exceeds num_perm"):
        Params(bands=64, rows=3)
    with pytest.raises(ValueError, match="positive integer"):
        Params(shingle_size=0)


# -- the index ------------------------------------------------------------------------

def test_near_copy_joins_cluster_and_earliest_is_canonical(conn: sqlite3.Connection) -> None:
    dd = Deduplicator(SQLiteIndex(conn))
    body = story()
    changes = dd.add(Doc("late", body, url="https://a.example/1", published_at="2026-03-02"))
    assert [(c.id, c.cluster_id, c.is_canonical) for c in changes] == [("late", "late", True)]
    changes = dd.add(Doc("early", edit(body, 0.1), url="https://b.example/1",
                         published_at="2026-03-01"))
    assert {(c.id, c.cluster_id, c.is_canonical) for c in changes} == {
        ("late", "early", False), ("early", "early", True)}
    assert dd.add(Doc("other", story(), url="https://c.example/1"))[0].cluster_id == "other"


def test_index_persists_across_reopen(tmp_path: Path) -> None:
    path, body = tmp_path / "db.sqlite", story()
    with sqlite3.connect(path) as first:
        Deduplicator(SQLiteIndex(first)).add(Doc("a", body, published_at="2026-01-01"))
    first.close()
    second = sqlite3.connect(path)
    dd = Deduplicator(SQLiteIndex(second))
    assert SQLiteIndex(second).doc_count() == 1
    assert dd.add(Doc("b", edit(body, 0.05), published_at="2026-01-02"))[0].cluster_id == "a"
    second.close()


def test_update_and_remove(conn: sqlite3.Connection) -> None:
    dd = Deduplicator(SQLiteIndex(conn))
    body = story()
    dd.add(Doc("a", body, published_at="2026-01-01"))
    dd.add(Doc("b", edit(body, 0.05), published_at="2026-01-02"))
    assert dd.add(Doc("b", edit(body, 0.05), published_at="2026-01-02")) == []  # still a copy
    assert dd.add(Doc("a", body, published_at="2026-01-01")) == []  # same text: no-op
    changes = dd.add(Doc("b", story(), published_at="2026-01-02"))  # b becomes another story
    assert [(c.id, c.cluster_id) for c in changes] == [("b", "b")]
    dd.add(Doc("c", edit(body, 0.05), published_at="2026-01-03"))
    changes = dd.remove("a")
    assert [(c.id, c.cluster_id, c.is_canonical) for c in changes] == [("c", "c", True)]
    assert dd.assignment("a") is None
    assert dd.remove("missing") == []


def test_same_documents_in_any_order_give_same_clusters(tmp_path: Path) -> None:
    bodies = [story() for _ in range(8)]
    boiler = "Subscribe to our newsletter for the day's AI news in your inbox every morning."
    docs = []
    for i, body in enumerate(bodies):
        docs.append(Doc(f"s{i}", f"{body}\n\n{boiler}", url=f"https://x.example/{i}",
                        published_at=f"2026-01-0{1 + i % 5}"))
        docs.append(Doc(f"s{i}c", edit(body, 0.08), url=f"https://y.example/{i}"))
        docs.append(Doc(f"s{i}e", body[: len(body) // 4], url=f"https://z.example/{i}"))
    results = []
    for seed in range(3):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        conn = sqlite3.connect(tmp_path / f"order{seed}.sqlite")
        dd = Deduplicator(SQLiteIndex(conn))
        for doc in shuffled:
            dd.add(doc)
        results.append(clusters(dd, [d.id for d in docs]))
        conn.close()
    assert results[0] == results[1] == results[2]
    assert results[0]["s3c"] == ("s3", None)
    assert results[0]["s3e"] == ("s3e", "s3")


def test_stories_sharing_boilerplate_are_not_merged(conn: sqlite3.Connection) -> None:
    dd = Deduplicator(SQLiteIndex(conn))
    header = "Site Daily | Home | Tech | AI | Business | Subscribe | Log in"
    footer = " ".join(RNG.choices(VOCAB, k=120))  # a footer longer than the stories
    for i in range(8):
        dd.add(Doc(f"s{i}", f"{header}\n\n{story(2, 40)}\n\n{footer}",
                   url=f"https://site.example/{i}"))
    assert {dd.assignment(f"s{i}").cluster_id for i in range(8)} == {f"s{i}" for i in range(8)}


def test_excerpt_is_partial_of_story_not_member(conn: sqlite3.Connection) -> None:
    dd = Deduplicator(SQLiteIndex(conn))
    body = story(10)
    dd.add(Doc("full", body, published_at="2026-01-01"))
    changes = dd.add(Doc("teaser", body[: len(body) // 5] + "\n\nRead more",
                         published_at="2026-01-02"))
    assert [(c.id, c.cluster_id, c.partial_of) for c in changes] == [("teaser", "teaser", "full")]
    # A short story in the middle of a long one is no excerpt of it.
    short = story(1, 50)
    paras = story(12).split("\n\n")
    dd.add(Doc("short", short))
    dd.add(Doc("long", "\n\n".join([*paras[:6], short, *paras[6:]])))
    assert dd.assignment("short").partial_of is None
    assert dd.assignment("short").cluster_id == "short"


def test_rebuild_gives_the_same_state(conn: sqlite3.Connection) -> None:
    dd = Deduplicator(SQLiteIndex(conn))
    body = story()
    docs = [Doc("a", body, published_at="2026-01-01"), Doc("b", edit(body, 0.05)),
            Doc("c", story()), Doc("d", body[: len(body) // 4])]
    for doc in docs:
        dd.add(doc)
    before = clusters(dd, [d.id for d in docs])
    assert dd.needs_rebuild(expected_count=5)  # the caller holds another number of articles
    dd.rebuild(reversed(docs))
    assert clusters(dd, [d.id for d in docs]) == before
    assert not dd.needs_rebuild(expected_count=4)


def test_changed_parameters_mark_index_stale(conn: sqlite3.Connection) -> None:
    Deduplicator(SQLiteIndex(conn)).add(Doc("a", story()))
    dd = Deduplicator(SQLiteIndex(conn), Params(bands=30))
    assert dd.needs_rebuild()
    with pytest.raises(RuntimeError, match="rebuild"):
        dd.add(Doc("b", story()))


def test_index_rejects_non_connection() -> None:
    with pytest.raises(ValueError, match="sqlite3.Connection"):
        SQLiteIndex("articles.sqlite")  # type: ignore[arg-type]


# -- the corpus command ---------------------------------------------------------------

def test_corpus_round_trip(tmp_path: Path) -> None:
    body = story()
    rows = [{"id": "a", "text": body, "published_at": "2026-01-01T00:00:00+00:00"},
            {"id": 2, "text": edit(body, 0.05), "url": "https://b.example/x"},
            {"id": "c", "text": story()}]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    seen: list[int] = []
    summary = dedupe_jsonl(src, out, progress=seen.append)
    result = [json.loads(line) for line in out.read_text().splitlines()]
    assert [{k: r[k] for k in ("id", "cluster_id", "is_canonical", "partial_of", "relation")}
            for r in result] == [
        {"id": "a", "cluster_id": "a", "is_canonical": True, "partial_of": None,
         "relation": None},
        {"id": "2", "cluster_id": "a", "is_canonical": False, "partial_of": None,
         "relation": "near_copy"},
        {"id": "c", "cluster_id": "c", "is_canonical": True, "partial_of": None,
         "relation": None},
    ]
    assert 0.6 < result[1]["score"] < 1
    assert (summary.documents, summary.clusters, summary.duplicates) == (3, 2, 1)
    assert seen[-1] == 3


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "not valid JSON"),
    ('{"id": "x"}', "'text' must be a string"),
    ('{"text": "t"}', "'id' must be"),
    ('{"id": "a", "text": "again"}', "duplicate id 'a'"),
])
def test_corpus_bad_line_names_its_number(tmp_path: Path, line: str, message: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "first"}) + "\n\n" + line + "\n")
    with pytest.raises(CorpusError, match=f"in.jsonl:3: {message}"):
        dedupe_jsonl(src, tmp_path / "out.jsonl")


def test_candidates_are_those_of_the_band_rows(conn: sqlite3.Connection) -> None:
    """candidates() answers in one statement what its band rows and body hashes say."""
    index = SQLiteIndex(conn)
    dd = Deduplicator(index)
    base = [story() for _ in range(4)]
    docs = [Doc(f"d{i}", edit(base[i % 4], 0.05 * (i // 4)) if i % 5 else base[i % 4],
                url=f"https://s{i % 3}.example/{i}", published_at=f"2026-03-{1 + i:02d}")
            for i in range(16)]
    for doc in docs:
        dd.add(doc)
    roles = {"canonical": " AND lead = 1", "represented": " AND lead >= 1", "all": ""}

    def by_rows(keys: list[int], body_hash: int, among: str) -> set[str]:
        rowids = set()
        for key in keys:
            rowids |= {r[0] for r in conn.execute(
                "SELECT doc FROM dedupe_band WHERE key = ?" + roles[among], (key,))}
        if body_hash:
            signed = body_hash - (1 << 64) if body_hash >= 1 << 63 else body_hash
            rowids |= {r[0] for r in conn.execute(
                "SELECT rowid FROM dedupe_doc WHERE body_hash = ?" + roles[among], (signed,))}
        return {conn.execute("SELECT id FROM dedupe_doc WHERE rowid = ?", (r,)).fetchone()[0]
                for r in rowids}

    checked = 0
    for doc in docs:
        stored = index.get(doc.id)
        assert stored is not None
        for among in roles:
            for keys, body in ((stored.band_keys, stored.body_hash), (stored.band_keys, 0),
                               ([], stored.body_hash)):
                want = by_rows(keys, body, among)
                assert index.candidates(keys, body, among=among) == want
                checked += len(want) > 1
    assert checked  # some documents do share bands or bodies


def test_band_keys_computed_beside_the_features_are_the_index_own(tmp_path: Path) -> None:
    """A crawl's workers compute ``Features.band_keys``; the index takes them only for a
    document none of whose paragraphs is site boilerplate, and they are the keys it would
    compute itself (with and without them, the same rows and clusters)."""
    footer = "Subscribe to our newsletter for the week in artificial intelligence news."
    base = [story(4, 40) for _ in range(3)]
    docs = [Doc(f"d{i}", f"{edit(base[i % 3], 0.02) if i > 2 else base[i]}\n\n{footer}",
                url=f"https://{'one' if i < 7 else 'two'}.example/{i}",
                published_at=f"2026-03-{1 + i:02d}") for i in range(9)]
    keys, states = [], []
    for given in (True, False):
        conn = sqlite3.connect(tmp_path / f"given{given}.sqlite")
        index = SQLiteIndex(conn)
        dd = Deduplicator(index)
        for doc in docs:
            feats = features(doc.text)
            assert feats.band_keys is not None and len(feats.band_keys) > 40
            dd.add(doc, feats if given else None)
        keys.append([index.get(d.id).band_keys for d in docs])  # type: ignore[union-attr]
        states.append(clusters(dd, [d.id for d in docs]))
        conn.close()
    assert keys[0] == keys[1] and states[0] == states[1]
    whole = [list(features(d.text).band_keys or ()) for d in docs]
    # the footer is boilerplate of site one from its fifth page: those are signed without it
    assert keys[0][0] != whole[0] and keys[0][8] == whole[8]
    assert len({c for c, _ in states[0].values()}) == 3
