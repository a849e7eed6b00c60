"""Near-duplicate detection for article bodies (MinHash + LSH, verified).

>>> index = SQLiteIndex(conn)
>>> dd = Deduplicator(index)
>>> changes = dd.add(Doc(id="a1", text=body, url=url, published_at=published))
"""

from __future__ import annotations

from ainews.dedupe.deduplicator import Assignment, Deduplicator, Doc, Params
from ainews.dedupe.index import Index, SQLiteIndex

__all__ = ["Assignment", "Deduplicator", "Doc", "Index", "Params", "SQLiteIndex"]
