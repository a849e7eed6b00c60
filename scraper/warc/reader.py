"""Stream WARC files (a path, a folder of them, or an http(s) URL) as archived responses.

Reading is done by warcio, record by record, so memory does not grow with the file. A
damaged archive costs its damaged records, counted by reason, never the run:

- a record cut short (a killed writer, a download that stopped) is ``truncated``;
- a record followed by stray bytes (its Content-Length is too short) is ``bad_length``;
- a last record cut inside its headers is ``truncated`` too (bytes after the last record),
  or ``bad_header`` when what is left parses as headers without a type or length;
- a file whose rest cannot be parsed any more ends that file as ``unreadable_rest``;
- a record whose headers run past :data:`MAX_HEADER_BYTES` (a header line of 2 GB,
  2 MB gzipped) ends the file too (``headers_too_long``), read in bounded memory.

Each gzip member holds one record, so a record that claims too many bytes ends at its own
member and the next record is read as usual.
"""

from __future__ import annotations

import logging
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.utils import BUFF_SIZE

from ainews.scraper.settings import DOWNLOAD_MAXSIZE
from ainews.scraper.warc import fields

logger = logging.getLogger(__name__)

#: The crawl's bound (news pages are < 2 MB): a bigger body (or a compressed one that
#: inflates past it) is skipped as ``too_large`` without holding it.
MAX_BODY_BYTES = DOWNLOAD_MAXSIZE
#: Seconds to wait for an archive server before giving up on a URL source.
URL_TIMEOUT = 60
#: The most bytes of headers (WARC and HTTP) read for one record: real ones are a few KB
#: (a long Set-Cookie or Content-Security-Policy line tens of KB).
MAX_HEADER_BYTES = 1024 * 1024
WARC_SUFFIXES = (".warc", ".warc.gz")
#: WARC 1.1 §6: the record types there are; any other is a damaged header.
RECORD_TYPES = frozenset(
    ("warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion",
     "continuation")
)


class BodyError(ValueError):
    """A record's payload cannot be used; ``reason`` is its skip reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class HeadersTooLong(ValueError):
    """A record's WARC or HTTP headers (or the bytes between two records) run past
    :data:`MAX_HEADER_BYTES`."""


class _QuietIterator(ArchiveIterator):
    """warcio writes a warning to stderr for stray bytes after a record; we count them
    instead (``err_count``), so cron mail stays quiet.

    warcio reads headers line by line with an unbounded ``readline``: one 2 GB header
    line (2 MB gzipped) was held whole, 3x over, while parsing. Every line warcio reads
    between two bodies is bounded here (bodies are read with ``read``, not lines)."""

    INC_RECORD = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_bytes = 0  # read by lines since the last :meth:`headers_done`
        unbounded = self.reader.readline

        def readline(length: int | None = None) -> bytes:
            room = MAX_HEADER_BYTES - self.header_bytes
            line = unbounded(min(length, room + 1) if length else room + 1)
            self.header_bytes += len(line)
            if self.header_bytes > MAX_HEADER_BYTES:
                raise HeadersTooLong(f"headers over {MAX_HEADER_BYTES:,} bytes")
            return line

        self.reader.readline = readline  # LimitReader and the parsers call it here

    def headers_done(self) -> None:
        self.header_bytes = 0


@dataclass
class ArchivedResponse:
    """The WARC and HTTP headers of one ``response`` or ``revisit`` record. The body is
    read on demand (:meth:`read_body`), and only until the next record is asked for."""

    record_id: str
    record_type: str  # response | revisit
    url: str
    fetched_at: str | None  # WARC-Date as ISO 8601 UTC, seconds
    status: int | None  # None: not an HTTP response (e.g. a DNS record)
    headers: dict[str, str] = field(default_factory=dict)  # HTTP headers, lower-case names
    ip: str | None = None
    crawl: dict[str, str] = field(default_factory=dict)  # our own fields (fields.py)
    _record: Any = field(default=None, repr=False)
    _iterator: _QuietIterator | None = field(default=None, repr=False)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    def read_body(self, limit: int = MAX_BODY_BYTES) -> bytes:
        """The HTTP payload, its Content-Encoding undone. Raises :class:`BodyError`."""
        record, it = self._record, self._iterator
        if record is None or it is None or it.record is not record:
            raise BodyError("no_body", "read after the next record was asked for")
        errors_before = it.err_count
        try:
            body = record.content_stream().read(limit + 1)
        except Exception as exc:  # zlib/brotli errors: the payload is not what it claims
            raise BodyError("bad_encoding", repr(exc)[:200]) from None
        if len(body) > limit:
            raise BodyError("too_large", f"over {limit} bytes")
        while record.raw_stream.read(BUFF_SIZE):  # whatever the decoder left unread
            pass
        if getattr(record.raw_stream, "limit", 0) > 0:
            raise BodyError("truncated", "the record ends before its Content-Length")
        it.read_to_end()
        if it.err_count > errors_before:
            raise BodyError("bad_length", "bytes after the record's Content-Length")
        return body


class WarcReader:
    """Iterates the response and revisit records of one source; ``counts`` holds the other
    records seen and the damage met. ``bytes_read`` is the compressed size read so far."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self.stream = stream
        self.name = name
        self.counts: Counter[str] = Counter()
        self._tell = _Tell(stream)

    @property
    def bytes_read(self) -> int:
        return self._tell.offset

    def __iter__(self) -> Iterator[ArchivedResponse]:
        it = _QuietIterator(self._tell, ensure_http_headers=False)
        try:
            for record in it:
                it.headers_done()
                self.counts["records"] += 1
                if not _whole_header(record):  # e.g. the headers of a record cut short
                    self.counts["bad_header"] += 1
                    continue
                if record.rec_type not in ("response", "revisit"):
                    self.counts[f"{record.rec_type}_records"] += 1
                    continue
                try:
                    archived = _archived(record, it)
                except (ValueError, TypeError, OverflowError) as exc:  # one record's headers
                    self.counts["bad_header"] += 1
                    logger.warning("%s: a record with unusable headers skipped (%r)",
                                   self.name, exc)
                    continue
                yield archived
        except HeadersTooLong as exc:  # a header bomb: nothing after it is trusted
            self.counts["headers_too_long"] += 1
            self._unreadable(exc)
            return
        except Exception as exc:  # noqa: BLE001 (warcio fails in many ways on damaged bytes)
            self._unreadable(exc)
            return
        if self._tell.offset > it.offset:  # bytes after the last whole record: cut in its header
            self.counts["truncated_tail"] += 1
            logger.warning("%s: the last record is cut short inside its headers", self.name)

    def _unreadable(self, exc: Exception) -> None:
        self.counts["unreadable_rest"] += 1
        logger.warning("%s: the rest of the file cannot be read (%r)", self.name, exc)


class _Tell:
    """A read-only stream that counts the bytes it hands out (works for sockets too)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.offset += len(data)
        return data

    def tell(self) -> int:
        return self.offset


def _whole_header(record: Any) -> bool:
    return record.rec_type in RECORD_TYPES and bool(
        record.rec_headers.get_header("Content-Length")
    )


def _archived(record: Any, it: _QuietIterator) -> ArchivedResponse:
    warc = record.rec_headers
    http = record.http_headers
    status = None
    headers: dict[str, str] = {}
    if http is not None and http.protocol.upper().startswith("HTTP/"):
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            status = None
        for name, value in http.headers:
            headers.setdefault(name.lower(), value)
    return ArchivedResponse(
        record_id=warc.get_header("WARC-Record-ID") or "",
        record_type=record.rec_type,
        url=(warc.get_header("WARC-Target-URI") or "").strip("<>"),
        fetched_at=parse_warc_date(warc.get_header("WARC-Date")),
        status=status,
        headers=headers,
        ip=warc.get_header("WARC-IP-Address"),
        crawl=fields.read(warc),
        _record=record,
        _iterator=it,
    )


def parse_warc_date(value: str | None) -> str | None:
    """``2026-03-30T12:00:00Z`` (or with fractions of a second) → ISO 8601 UTC, seconds."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)  # OverflowError: 9999-12-31 at UTC-5
    except (ValueError, OverflowError):
        return None
    return moment.replace(microsecond=0).isoformat(timespec="seconds")


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def expand_sources(sources: list[str]) -> list[str]:
    """Folders become their WARC files in name order (ours sort by time); files and URLs
    are kept. A missing path is a ValueError naming it."""
    found: list[str] = []
    for source in sources:
        if is_url(source):
            found.append(source)
            continue
        path = Path(source)
        if path.is_dir():
            found += sorted(str(p) for p in path.rglob("*") if p.name.endswith(WARC_SUFFIXES))
        elif path.is_file():
            found.append(str(path))
        else:
            raise ValueError(f"{source}: no such file, folder or http(s) URL")
    return found


def open_source(source: str) -> IO[bytes]:
    """A binary stream of a path or an http(s) URL (streamed, never saved to disk)."""
    if is_url(source):
        request = urllib.request.Request(source, headers={"User-Agent": fields.software()})
        return urllib.request.urlopen(request, timeout=URL_TIMEOUT)  # noqa: S310 (http(s) only)
    return open(source, "rb")  # noqa: SIM115 (closed by the caller)
