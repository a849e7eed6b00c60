"""A throwaway HTTP server on 127.0.0.1 for one test: ``with serving(Handler) as base:``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free port in a daemon thread; yields the base URL and stops
    the server (without waiting for handlers still running) on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def reply(handler: BaseHTTPRequestHandler, body: bytes, content_type: str,
          status: int = 200) -> None:
    """Answer ``handler``'s request with ``body`` (Content-Type and Content-Length set)."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that does not log every request to stderr."""

    def log_message(self, *args: object) -> None:
        pass


def local_sites(path: Path, name: str, **fields: str | list[str]) -> Path:
    """Write a sites file at ``path`` for one site served on 127.0.0.1, with no politeness
    delay; ``fields`` are the site's keys (``feeds=[...]``, ``article_pattern=...``)."""
    lines = ["[settings]", "download_delay = 0", "allow_private = true", "", "[[site]]",
             f"name = {json.dumps(name)}", 'domains = ["127.0.0.1"]']
    lines += [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
