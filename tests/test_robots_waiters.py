"""robots.txt holds for every request that waited for its download, not only the first."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.cli_helpers import run_ainews

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>"""


def test_start_points_requested_together_all_obey_robots_txt(tmp_path: Path) -> None:
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            paths.append(self.path)
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nDisallow: /private/\n", "text/plain"
            else:
                body, ctype = FEED, "application/rss+xml"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    feeds = ", ".join(f'"{base}/{p}feed-{i}.xml"' for i in range(4) for p in ("", "private/"))
    sites = tmp_path / "sites.toml"
    sites.write_text(f"""
[settings]
download_delay = 0
allow_private = true
[[site]]
name = "one"
domains = ["127.0.0.1"]
feeds = [{feeds}]
""", encoding="utf-8")
    try:
        run = run_ainews("crawl", "--db", tmp_path / "a.db", "--sites", sites)
    finally:
        server.shutdown()
        server.server_close()
    assert "robots_txt=4" in run.stdout, run.stdout
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/private/")]
