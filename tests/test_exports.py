"""``ainews.exports.export``: each format round-trips, filters select the right rows, failures
leave no file behind. Real SQLite files in tmp_path."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ainews.exports import export
from ainews.exports.export import COLUMNS, PARQUET_SCHEMA, export_articles
from ainews.scraper.article import Article
from ainews.scraper.storage.store import Store, article_id

# (site, title, published_at, authors, tags, language, copy of): the Qwen story is on
# alpha and beta, and gamma has an excerpt of it (a story of its own with partial_of set).
ARTICLES = [
    ("alpha", "Qwen3 released with open weights", "2026-03-10T09:00:00+00:00",
     ["Zoë Ångström"], ["Models", "Open source"], "en", None),
    ("beta", "Qwen3 goes open: Alibaba’s new model family", "2026-03-10T15:30:00+00:00",
     ["Li Wei"], ["Models"], "en", 0),
    ("gamma", "Qwen3 en bref", "2026-03-12T08:00:00+00:00", [], [], "en", 0),
    ("beta", "Corvid unveils Tessellate, an inference chip", "2026-03-18T14:30:00+00:00",
     ["Tomasz Wielgus"], ["Chips"], "en", None),
    ("gamma", "KI-Gesetz: Brüssel prüft die ersten Modelle", "2026-02-23T07:45:00+00:00",
     ["Jürgen Groß"], ["Politik"], "de", None),
    ("alpha", "東京のAI研究所が新モデルを発表", None, ["山田太郎"], ["モデル"], "ja", None),
]  # fmt: skip
KNOWN_TITLE = "Corvid unveils Tessellate, an inference chip"
PINNED_COLUMNS = (
    "id", "url", "canonical_url", "site", "site_name", "title", "authors",
    "published_at", "modified_at", "lede", "body", "word_count", "language", "tags",
    "source_credit", "fetched_at", "first_seen_at", "updated_at", "cluster_id",
    "is_canonical", "partial_of", "cluster_size",
)  # fmt: skip


def url_of(index: int) -> str:
    site = ARTICLES[index][0]
    return f"https://{site}.example/news/{index}"


def make_db(path: Path) -> Path:
    """A database with :data:`ARTICLES` and their stories (clusters set as dedupe would)."""
    with Store(path, dedupe=False) as store:
        for i, (site, title, published, authors, tags, lang, _copy) in enumerate(ARTICLES):
            body = f"{title}. Paragraph one about {title.lower()}.\n\nParagraph two, ünïcödé."
            store.save_article(
                Article(
                    url=url_of(i), title=title, authors=authors, published_at=published,
                    body=body, tags=tags, language=lang, site=site,
                    fetched_at="2026-03-20T00:00:00+00:00",
                )
            )  # fmt: skip
        db = store.db
        with db.atomic():
            for i, row in enumerate(ARTICLES):
                if row[6] is None:
                    continue
                aid, original = article_id(url_of(i)), article_id(url_of(row[6]))
                if row[0] == "gamma":  # an excerpt: its own story, pointing at the full one
                    db.execute("UPDATE articles SET partial_of=? WHERE id=?", [original, aid])
                else:
                    db.execute(
                        "UPDATE articles SET cluster_id=?, is_canonical=0 WHERE id=?",
                        [original, aid],
                    )
                    db.execute(
                        "INSERT INTO cluster_members VALUES (?, ?, 'near_copy', ?, 0.9, 0.9, 0.95)",
                        [aid, original, original],
                    )
            db.execute(
                """INSERT INTO clusters SELECT cluster_id,
                       max(CASE WHEN is_canonical = 1 THEN id END), count(*),
                       count(DISTINCT site), min(published_at), max(published_at), 'now'
                   FROM articles GROUP BY cluster_id"""
            )
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "news.db")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def titles(db: Path, tmp_path: Path, **filters) -> set[str]:
    out = tmp_path / "out.jsonl"
    export_articles(db, out, "jsonl", **filters)
    return {row["title"] for row in read_jsonl(out)}


def test_column_order_is_pinned() -> None:
    assert COLUMNS == PINNED_COLUMNS
    assert PARQUET_SCHEMA.names == list(PINNED_COLUMNS)


def test_csv_round_trip(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    assert export_articles(db, out, "csv") == len(ARTICLES)
    with out.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == list(COLUMNS)
    rows = read_csv(out)
    by_title = {row["title"]: row for row in rows}
    assert json.loads(by_title["Qwen3 released with open weights"]["authors"]) == ["Zoë Ångström"]
    assert "東京のAI研究所が新モデルを発表" in by_title
    assert by_title["東京のAI研究所が新モデルを発表"]["published_at"] == ""  # NULL
    assert "\n\nParagraph two, ünïcödé." in rows[0]["body"]  # newlines survive quoting


def test_jsonl_round_trip(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert export_articles(db, out, "jsonl") == len(ARTICLES)
    rows = read_jsonl(out)
    assert all(list(row) == list(COLUMNS) for row in rows)
    qwen = next(r for r in rows if r["title"] == "Qwen3 released with open weights")
    assert qwen["authors"] == ["Zoë Ångström"]
    assert qwen["tags"] == ["Models", "Open source"]
    assert qwen["is_canonical"] is True
    assert qwen["cluster_size"] == 2
    assert "Zoë Ångström" in out.read_text(encoding="utf-8")  # not \u-escaped


def test_parquet_types(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    assert export_articles(db, out, "parquet") == len(ARTICLES)
    table = pq.read_table(out)
    assert table.schema.equals(PARQUET_SCHEMA)
    assert table.schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("authors").type == pa.list_(pa.string())
    rows = {row["title"]: row for row in table.to_pylist()}
    qwen = rows["Qwen3 released with open weights"]
    assert qwen["published_at"] == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert qwen["authors"] == ["Zoë Ångström"]
    assert qwen["is_canonical"] is True
    assert isinstance(qwen["word_count"], int)
    assert rows["東京のAI研究所が新モデルを発表"]["published_at"] is None


def test_parquet_is_written_in_row_groups(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH_ROWS", 4)
    out = tmp_path / "a.parquet"
    export_articles(db, out, "parquet")
    assert pq.ParquetFile(out).num_row_groups == 2


def test_empty_selection_gives_valid_files(db: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / f"empty.{fmt}"
        assert export_articles(db, out, fmt, since="2030-01-01") == 0
    assert pq.read_table(tmp_path / "empty.parquet").schema.equals(PARQUET_SCHEMA)
    assert read_csv(tmp_path / "empty.csv") == []


def test_unique_keeps_one_row_per_story(db: Path, tmp_path: Path) -> None:
    assert titles(db, tmp_path, unique=True) == {
        "Qwen3 released with open weights",
        "Qwen3 en bref",
        KNOWN_TITLE,
        "KI-Gesetz: Brüssel prüft die ersten Modelle",
        "東京のAI研究所が新モデルを発表",
    }


def test_until_date_includes_that_whole_day(db: Path, tmp_path: Path) -> None:
    assert titles(db, tmp_path, since="2026-03-10", until="2026-03-12") == {
        "Qwen3 released with open weights",
        "Qwen3 goes open: Alibaba’s new model family",
        "Qwen3 en bref",
    }


def test_since_accepts_a_time(db: Path, tmp_path: Path) -> None:
    assert titles(db, tmp_path, since="2026-03-10T12:00:00Z", until="2026-03-12T08:00") == {
        "Qwen3 goes open: Alibaba’s new model family"
    }


def test_site_filter(db: Path, tmp_path: Path) -> None:
    assert titles(db, tmp_path, sites=["beta"]) == {
        "Qwen3 goes open: Alibaba’s new model family",
        KNOWN_TITLE,
    }


def test_unknown_site_is_named(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'betta'.*alpha, beta, gamma"):
        export_articles(db, tmp_path / "x.csv", "csv", sites=["betta"])
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "10/03/2026"])
def test_bad_date_is_named(db: Path, tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match=f"--until: invalid date '{bad}'"):
        export_articles(db, tmp_path / "x.csv", "csv", until=bad)


def test_since_after_until_is_refused(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not before"):
        export_articles(db, tmp_path / "x.csv", "csv", since="2026-03-12", until="2026-03-01")


def test_unknown_format(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format 'xlsx'"):
        export_articles(db, tmp_path / "x.xlsx", "xlsx")


def test_missing_database(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such database"):
        export_articles(tmp_path / "nope.db", tmp_path / "x.csv", "csv")
    assert not (tmp_path / "nope.db").exists()


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_failure_leaves_no_partial_file(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    out = tmp_path / f"out.{fmt}"
    out.write_text("previous export")
    monkeypatch.setattr(export, "BATCH_ROWS", 2)

    def interrupt(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_articles(db, out, fmt, progress=interrupt)
    assert out.read_text() == "previous export"
    assert not list(tmp_path.glob("*.part"))


def test_progress_reports_running_count(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH_ROWS", 4)
    seen: list[int] = []
    export_articles(db, tmp_path / "a.csv", "csv", progress=seen.append)
    assert seen == [4, 6]


def test_export_does_not_write_to_the_database(db: Path, tmp_path: Path) -> None:
    before = db.read_bytes()
    export_articles(db, tmp_path / "a.parquet", "parquet", unique=True)
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.csv", "csv"), ("a.JSONL", "jsonl"), ("a.ndjson", "jsonl"), ("a.parquet", "parquet")],
)
def test_infer_format(name: str, fmt: str) -> None:
    assert export.infer_format(name) == fmt


def test_infer_format_refuses_unknown_extension() -> None:
    with pytest.raises(ValueError, match="--format"):
        export.infer_format("articles.txt")
