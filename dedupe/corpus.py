"""De-duplicate a JSON Lines corpus exactly as the crawl does (``ainews dedupe``).

Each input line is an object with ``id`` and ``text`` (``title``, ``url``,
``published_at``, ``fetched_at`` when present). Each output line is
``{"id", "cluster_id", "is_canonical", "partial_of", "relation", "score"}``, in input
order. The same ``Deduplicator`` runs over a temporary SQLite index, so boilerplate
counts, clusters and canonical choices are those the crawl would make for the same
articles. A text without word tokens (``""``, ``"—"``) is a cluster of its own, counted as
``no_words`` in the summary.
"""

from __future__ import annotations

import codecs
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ainews.dedupe.deduplicator import Deduplicator, Doc
from ainews.dedupe.explain import Explanation
from ainews.dedupe.index import SQLiteIndex
from ainews.dedupe.text import features

#: The longest input line read (a document of a few MB is already a book): a file of one
#: endless line would otherwise be held in memory whole.
MAX_LINE_BYTES = 64 * 1024 * 1024


class CorpusError(ValueError):
    """A line of the input corpus is not a usable document."""


@dataclass(frozen=True)
class Summary:
    documents: int
    clusters: int
    duplicates: int  # documents that are not their cluster's canonical
    partials: int  # documents that are an excerpt of another story
    no_words: int = 0  # documents without word tokens (each its own cluster)


def _parse(line: str, where: str) -> Doc:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where}: not valid JSON ({exc.msg})") from None
    except ValueError as exc:  # an integer of over 4,300 digits
        raise CorpusError(f"{where}: not usable JSON ({exc})") from None
    except RecursionError:  # thousands of nested arrays
        raise CorpusError(f"{where}: not usable JSON (nested too deeply)") from None
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: expected a JSON object")
    doc_id, text = obj.get("id"), obj.get("text")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or doc_id == "":
        raise CorpusError(f"{where}: 'id' must be a non-empty string or an integer")
    if isinstance(doc_id, str) and not _encodable(doc_id):  # "\ud800": cannot be written
        raise CorpusError(f"{where}: 'id' holds a lone surrogate ({doc_id!r})")
    if not isinstance(text, str):
        raise CorpusError(f"{where}: 'text' must be a string")
    optional = {}
    for key in ("title", "url", "published_at", "fetched_at"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise CorpusError(f"{where}: '{key}' must be a string or null")
        optional[key] = value
    return Doc(id=str(doc_id), text=text, **optional)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """The numbered non-blank lines of ``path`` as text; a line that is not UTF-8 or is
    longer than :data:`MAX_LINE_BYTES` is a :class:`CorpusError` naming it (read in
    binary: one bad byte used to be a UnicodeDecodeError traceback). A UTF-8 byte order
    mark at the start of the file is skipped."""
    with open(path, "rb") as stream:
        for number, raw in enumerate(iter(lambda: stream.readline(MAX_LINE_BYTES + 1), b""), 1):
            if len(raw) > MAX_LINE_BYTES:
                raise CorpusError(f"{path}:{number}: line over {MAX_LINE_BYTES:,} bytes")
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{path}:{number}: not UTF-8 (byte {exc.start + 1} of "
                                  "the line)") from None
            if line.strip():
                yield number, line


def dedupe_jsonl(input_path: str | Path, output_path: str | Path, *,
                 progress: Callable[[int], None] | None = None) -> Summary:
    """Cluster the documents of ``input_path``; write one assignment line per document.

    ``progress`` is called with the number of documents indexed so far (every 100).
    """
    input_path, output_path = Path(input_path), Path(output_path)
    with _index() as dd:
        ids, no_words = _index_all(dd, input_path, progress)
        return _write(dd, ids, output_path, no_words)


def explain_jsonl(input_path: str | Path, a: str, b: str) -> Explanation:
    """Index the corpus and explain how documents ``a`` and ``b`` relate."""
    input_path = Path(input_path)
    with _index() as dd:
        ids, _ = _index_all(dd, input_path, None)
        for doc_id in (a, b):
            if doc_id not in ids:
                raise CorpusError(f"{input_path}: no document with id {doc_id!r}")
        return dd.explain(a, b)


@contextmanager
def _index() -> Iterator[Deduplicator]:
    with tempfile.TemporaryDirectory(prefix="ainews-dedupe-") as tmp:
        conn = sqlite3.connect(Path(tmp) / "index.sqlite")
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            yield Deduplicator(SQLiteIndex(conn))
        finally:
            conn.close()


def _index_all(dd: Deduplicator, path: Path,
               progress: Callable[[int], None] | None) -> tuple[list[str], int]:
    ids: list[str] = []
    seen: set[str] = set()
    no_words = 0
    for number, line in _lines(path):
        doc = _parse(line, f"{path}:{number}")
        if doc.id in seen:
            raise CorpusError(f"{path}:{number}: duplicate id {doc.id!r}")
        seen.add(doc.id)
        ids.append(doc.id)
        feats = features(doc.text)  # (once: the index takes them as they are)
        if feats.n_tokens == 0:
            no_words += 1
        dd.add(doc, feats)
        if progress is not None and len(ids) % 100 == 0:
            progress(len(ids))
    if progress is not None:
        progress(len(ids))
    return ids, no_words


def _write(dd: Deduplicator, ids: list[str], path: Path, no_words: int) -> Summary:
    clusters: set[str] = set()
    duplicates = partials = 0
    with open(path, "w", encoding="utf-8") as out:
        for doc_id in ids:
            found = dd.assignment(doc_id)
            assert found is not None  # every id was just added
            a = found.in_story()
            clusters.add(a.cluster_id)
            duplicates += not a.is_canonical
            partials += a.partial_of is not None
            row = {"id": doc_id, "cluster_id": a.cluster_id, "is_canonical": a.is_canonical,
                   "partial_of": a.partial_of, "relation": a.relation,
                   "score": None if a.score is None else round(a.score, 4)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return Summary(len(ids), len(clusters), duplicates, partials, no_words)
