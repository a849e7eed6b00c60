"""Write pages one already has (saved HTML, a demo web) as WARC response records: for
tests, benchmarks, and archiving a folder of pages so ``import-warc`` can read them."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ainews.scraper.warc import fields

#: The date given to records whose page states none.
DEFAULT_DATE = "2026-04-07T09:00:00Z"


@dataclass
class ArchivePage:
    """One HTTP response to archive. ``headers`` are sent as given, after Content-Type."""

    url: str
    body: bytes
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    date: str = DEFAULT_DATE  # WARC-Date, ISO 8601 with Z
    headers: list[tuple[str, str]] = field(default_factory=list)
    warc_headers: dict[str, str] = field(default_factory=dict)


def response_record(writer: WARCWriter, page: ArchivePage) -> Any:
    """A warcio response record for ``page``, with Content-Length and payload digest."""
    try:
        phrase = HTTPStatus(page.status).phrase
    except ValueError:
        phrase = ""
    headers = [("Content-Type", page.content_type)] if page.content_type else []
    headers += page.headers
    if not any(name.lower() == "content-length" for name, _ in headers):
        headers.append(("Content-Length", str(len(page.body))))
    http = StatusAndHeaders(f"{page.status} {phrase}".strip(), headers, protocol="HTTP/1.1")
    return writer.create_warc_record(
        page.url,
        "response",
        payload=BytesIO(page.body),
        length=len(page.body),
        warc_headers_dict={"WARC-Date": page.date, **page.warc_headers},
        http_headers=http,
    )


def write_warc(out: IO[bytes], pages: Iterable[ArchivePage], *, compress: bool = True) -> int:
    """Write a warcinfo record and one response record per page; returns the count."""
    writer = WARCWriter(out, gzip=compress, warc_version="WARC/1.1")
    writer.write_record(writer.create_warcinfo_record("", {"software": fields.software()}))
    count = 0
    for page in pages:
        writer.write_record(response_record(writer, page))
        count += 1
    return count


def record_bytes(record: Any, *, compress: bool = True) -> bytes:
    """One record as it would be written (its own gzip member when ``compress``)."""
    buffer = BytesIO()
    WARCWriter(buffer, gzip=compress, warc_version="WARC/1.1").write_record(record)
    return buffer.getvalue()


def shared_pages(shared: Path) -> Iterator[tuple[str, bytes]]:
    """``(url, html)`` of the real pages in the shared benchmark folders, in a fixed order."""
    import json

    for bench, truth_name, html_dir in (
        ("extraction-bench", "ground-truth.json", "html"),
        ("metadata-bench", "truth.json", "html"),
    ):
        truth_path = shared / bench / truth_name
        if not truth_path.is_file():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        for page_id in sorted(truth):
            html = shared / bench / html_dir / f"{page_id}.html.gz"
            if html.is_file() and truth[page_id].get("url"):
                yield truth[page_id]["url"], gzip.decompress(html.read_bytes())
