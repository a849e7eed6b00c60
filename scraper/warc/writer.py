"""``ainews crawl --warc DIR``: every response the crawl downloads, and its request, kept
in rotating ``.warc.gz`` files as the crawl goes.

:class:`WarcRecorder` is a Scrapy extension on the ``response_downloaded`` signal, which
fires for every download (articles, feeds, sitemaps, listings, robots.txt, redirects,
errors) right after the download handler and before any downloader middleware, so the body
is the one received: still compressed when the server compressed it, with its
``Content-Encoding`` header (readers undo it, as ours does). Twisted has already removed
chunked transfer coding, so ``Transfer-Encoding`` is kept as ``X-Crawler-Transfer-Encoding``
and a ``Content-Length`` that no longer matches is kept as ``X-Crawler-Content-Length``
with the real length in its place (Common Crawl's convention).

Each record is its own gzip member, written and flushed at once: a killed crawl leaves
files whose every record but possibly the last is whole, and readers skip that one.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ainews.scraper.items import fetch_time
from ainews.scraper.warc import fields

logger = logging.getLogger(__name__)

#: Files are closed and a new one started before they would pass this size: 1 GB, the
#: size Common Crawl and the Internet Archive use, keeps a file easy to move and index.
DEFAULT_MAX_BYTES = 1_000_000_000
WARC_VERSION = "WARC/1.1"
#: Room for WARC and HTTP headers and gzip's overhead when predicting a record's size.
RECORD_OVERHEAD = 16 * 1024


class RotatingWarcWriter:
    """Writes records to ``DIR/ainews-<UTC time>-<serial>-<host>.warc.gz`` files of at most
    ``max_bytes`` each (a single bigger record gets a file of its own); each file starts
    with a ``warcinfo`` record from ``info()``."""

    def __init__(
        self,
        directory: str | Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        info: Any = None,
        prefix: str = "ainews",
    ) -> None:
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {max_bytes}")
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.info = info or (lambda: {})
        self.prefix = prefix
        self.host = socket.gethostname().split(".")[0] or "localhost"
        self.serial = 0
        self.files: list[Path] = []
        self._file: IO[bytes] | None = None
        self._out: WARCWriter | None = None
        self._builder = RecordBuilder(warc_version=WARC_VERSION)

    @property
    def path(self) -> Path | None:
        return self.files[-1] if self._file is not None else None

    def write(self, records: list[Any], size_hint: int) -> None:
        """Write records (e.g. a response and its request) to one file, then flush."""
        if self._file is not None and self._file.tell() + size_hint > self.max_bytes:
            self.close()
        if self._file is None:
            self._open()
        assert self._file is not None and self._out is not None
        for record in records:
            self._out.write_record(record)  # one gzip member each, flushed

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            path = self.directory / f"{self.prefix}-{stamp}-{self.serial:05d}-{self.host}.warc.gz"
            self.serial += 1
            try:
                self._file = open(path, "xb")  # noqa: SIM115 (kept open across records)
                break
            except FileExistsError:  # another crawl started in the same second
                continue
        self.files.append(path)
        info = {"software": fields.software(), "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                "warc-format/warc-1.1/", "hostname": socket.gethostname(), **self.info()}
        self._out = WARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
        self._out.write_record(self._builder.create_warcinfo_record(path.name, info))
        logger.info("writing WARC records to %s", path)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file, self._out = None, None

    # -- records -------------------------------------------------------------------------

    def response_pair(
        self, request: Request, response: Response, extra: dict[str, str] | None = None
    ) -> list[Any]:
        """A ``response`` record and the ``request`` record concurrent to it."""
        date = fetch_time(request.meta, response.url).replace("+00:00", "Z")
        warc = {"WARC-Date": date, **(extra or {})}
        if response.ip_address is not None:
            warc["WARC-IP-Address"] = str(response.ip_address)
        resp = self._builder.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            length=len(response.body),
            warc_headers_dict=warc,
            http_headers=_response_headers(response),
        )
        req = self._builder.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body),
            length=len(request.body),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID"),
            },
            http_headers=_request_headers(request),
        )
        return [resp, req]


def _response_headers(response: Response) -> StatusAndHeaders:
    try:
        phrase = HTTPStatus(response.status).phrase
    except ValueError:
        phrase = ""
    headers = []
    for name, values in response.headers.items():
        key = name.decode("latin-1")
        for value in values:
            text = value.decode("latin-1")
            lowered = key.lower()
            if lowered == "transfer-encoding":  # the body is no longer chunked
                key = "X-Crawler-Transfer-Encoding"
            elif lowered == "content-length" and text.strip() != str(len(response.body)):
                headers.append(("X-Crawler-Content-Length", text))
                text = str(len(response.body))
            headers.append((key, text))
    protocol = response.protocol or "HTTP/1.1"
    return StatusAndHeaders(f"{response.status} {phrase}".strip(), headers, protocol=protocol)


def _request_headers(request: Request) -> StatusAndHeaders:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc)]
    for name, values in request.headers.items():
        for value in values:
            headers.append((name.decode("latin-1"), value.decode("latin-1")))
    return StatusAndHeaders(
        f"{request.method} {target} HTTP/1.1", headers, protocol="", is_http_request=True
    )


def crawl_fields(request: Request) -> dict[str, str]:
    """What the crawl knew about a request (see :mod:`ainews.scraper.warc.fields`)."""
    meta = request.meta
    found = {
        fields.SITE: meta.get("site"),
        fields.KIND: meta.get("kind"),
        fields.SOURCE_LASTMOD: meta.get("lastmod"),
        fields.SITE_NAME: meta.get("site_name"),
    }
    if redirects := meta.get("redirect_urls"):
        found[fields.REQUESTED_URI] = redirects[0]
    return {k: str(v) for k, v in found.items() if v}


class WarcRecorder:
    """Scrapy extension: enabled by the ``AINEWS_WARC_DIR`` setting (``--warc DIR``, or
    ``warc_dir`` in the sites file's [settings], relative to the sites file);
    ``AINEWS_WARC_MAX_BYTES`` bounds each file."""

    def __init__(
        self, directory: Path, max_bytes: int, stats: Any, info: dict[str, Any] | None = None
    ) -> None:
        self.stats = stats
        self.crawl_info = info or {}  # warcinfo fields known when the crawl starts
        self.writer = RotatingWarcWriter(directory, max_bytes=max_bytes, info=self._info)
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcRecorder:
        settings = crawler.settings
        directory = settings.get("AINEWS_WARC_DIR") or _sites_file_warc_dir(
            settings.get("AINEWS_SITES_FILE")
        )
        if not directory:
            raise NotConfigured("AINEWS_WARC_DIR is not set")
        max_bytes = settings.getint("AINEWS_WARC_MAX_BYTES", DEFAULT_MAX_BYTES)
        if max_bytes <= 0:
            raise ValueError(f"AINEWS_WARC_MAX_BYTES must be positive, got {max_bytes}")
        info = {
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT"),
        }
        ext = cls(Path(directory), max_bytes, crawler.stats, info)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _info(self) -> dict[str, Any]:
        run = self.stats.get_value("ainews/run_id") if self.stats else None
        return {
            "isPartOf": f"ainews crawl run {run}" if run is not None else "ainews crawl",
            "ainews-run-id": run,
            **self.crawl_info,
        }

    def response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        if self.failed:
            return
        try:
            records = self.writer.response_pair(request, response, crawl_fields(request))
            self.writer.write(records, len(response.body) + len(request.body) + RECORD_OVERHEAD)
        except OSError:  # a full disk: the crawl goes on, the run reports the error
            self.failed = True
            logger.exception("cannot write WARC files in %s; stopped", self.writer.directory)
            return
        self.stats.inc_value("ainews/warc/records", len(records))

    def spider_closed(self, spider: Any) -> None:
        self.writer.close()
        if self.writer.files:
            self.stats.set_value("ainews/warc/files", len(self.writer.files))


def _sites_file_warc_dir(sites_file: str | None) -> str | None:
    """``warc_dir`` from the sites file's [settings], relative to the sites file."""
    if not sites_file:
        return None
    from ainews.scraper.sites import ConfigError, load_sites

    try:
        value = getattr(load_sites(sites_file), "warc_dir", None)
    except ConfigError:
        return None  # the spider reports a bad sites file
    if not value:
        return None
    return str(Path(sites_file).parent / os.path.expanduser(value))
