"""Serve the demo web on 127.0.0.1 from a daemon thread, with validators and request stats.

    with DemoServer() as srv:
        path = srv.sites_file(tmp_dir)       # the demo sites file, {base} filled in
        ...crawl...
        print(srv.stats.requests, srv.stats.bytes_sent)

``python -m ainews.scraper.demo.server [--port N] [--sites-file PATH]`` serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ainews.scraper.demo.markup import HTML, document, http_date
from ainews.scraper.demo.stories import Story
from ainews.scraper.demo.web import DemoWeb

logger = logging.getLogger(__name__)

SITES_TEMPLATE = Path(__file__).with_name("sites.toml")
SITES_FILENAME = "demo-sites.toml"
NOT_FOUND = document(lang="en", title="Not found", head="", body="<h1>404 Not found</h1>").encode()


@dataclass(frozen=True)
class ServerStats:
    """Requests answered and body bytes sent since start (or the last ``reset_stats``)."""

    requests: int = 0
    bytes_sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    paths: dict[str, int] = field(default_factory=dict)


class _Counter:
    """Thread-safe request counters behind :attr:`DemoServer.stats`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests, self._bytes = 0, 0
            self._statuses: Counter[int] = Counter()
            self._paths: Counter[str] = Counter()

    def add(self, path: str, status: int, size: int) -> None:
        with self._lock:
            self._requests += 1
            self._bytes += size
            self._statuses[status] += 1
            self._paths[path] += 1

    def snapshot(self) -> ServerStats:
        with self._lock:
            return ServerStats(self._requests, self._bytes, dict(self._statuses), dict(self._paths))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    web: DemoWeb
    counter: _Counter


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    #: Idle keep-alive connections are closed after this many seconds.
    timeout = 30
    server_version = "ainews-demo/0.1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        resource = self.server.web.get(path)
        if resource is None:
            self._send(404, NOT_FOUND, {"Content-Type": HTML}, send_body)
            return
        headers = {
            "Content-Type": resource.content_type,
            "Last-Modified": http_date(resource.last_modified),
            "ETag": resource.etag,
            "Cache-Control": "no-cache",
        }
        if self._not_modified(resource.etag, resource.last_modified):
            self._send(304, b"", headers, send_body)
        else:
            self._send(200, resource.body, headers, send_body)

    def _not_modified(self, etag: str, last_modified: datetime) -> bool:
        """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only when it is absent."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return when.tzinfo is not None and last_modified <= when

    def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        sent = body if send_body and status != 304 else b""
        # Counted before any byte leaves, so a client that has its answer sees it in the stats.
        self.server.counter.add(self.path.split("?", 1)[0], status, len(sent))
        self.send_response(status)
        for name, value in headers.items():
            if status == 304 and name == "Content-Type":
                continue
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if sent:
            self.wfile.write(sent)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        logger.debug("%s " + format, self.address_string(), *args)


class DemoServer:
    """The demo web served over HTTP on ``host`` (a free port when ``port`` is 0)."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", web: DemoWeb | None = None):
        self.host, self.port = host, port
        self.web = web if web is not None else DemoWeb()
        self._counter = _Counter()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash); valid once started."""
        if self._httpd is None:
            raise RuntimeError("DemoServer is not running")
        return self.web.base

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), _Handler)
        self.port = httpd.server_address[1]
        self.web.set_base(f"http://{self.host}:{self.port}")
        httpd.web, httpd.counter = self.web, self._counter
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="demo-server", daemon=True)
        self._thread.start()
        logger.info("demo web serving at %s", self.web.base)
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd, self._thread = None, None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str) -> str:
        """The absolute URL of a path on the demo web."""
        return self.base_url + path

    @property
    def stats(self) -> ServerStats:
        return self._counter.snapshot()

    def reset_stats(self) -> None:
        self._counter.reset()

    def edit_story(self, slug: str, **changes: Any) -> Story:
        """:meth:`DemoWeb.edit_story` on the web being served: the story's page, feeds,
        sitemaps and listings change with it (new ETag and Last-Modified)."""
        return self.web.edit_story(slug, **changes)

    def sites_toml(self) -> str:
        """The demo sites file, ``{base}`` (and ``{base_re}``, its regex) filled in."""
        return render_sites_toml(self.base_url)

    def sites_file(self, directory: str | Path) -> Path:
        """Write :meth:`sites_toml` to ``directory/demo-sites.toml`` and return its path."""
        path = Path(directory) / SITES_FILENAME
        path.write_text(self.sites_toml(), encoding="utf-8")
        return path


def render_sites_toml(base_url: str) -> str:
    """The demo sites file for a server at ``base_url``."""
    text = SITES_TEMPLATE.read_text(encoding="utf-8")
    return text.replace("{base_re}", re.escape(base_url)).replace("{base}", base_url)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the ainews demo web until Ctrl-C.")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--sites-file", type=Path, help="also write the demo sites file here")
    args = parser.parse_args(argv)
    with DemoServer(port=args.port, host=args.host) as srv:
        print(f"Demo web at {srv.base_url}/ (Ctrl-C to stop)")
        if args.sites_file:
            args.sites_file.write_text(srv.sites_toml(), encoding="utf-8")
            print(f"Sites file: {args.sites_file}")
            print(f"  scrapy crawl news -a sites={args.sites_file}")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")


if __name__ == "__main__":
    main()
