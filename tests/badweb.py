"""A local web of bad responses: each path is one way a real site goes wrong."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = "<p>{text}</p>" * 6
FILLER = (
    "Researchers released a new open-weight language model this week and published "
    "the training recipe, the evaluation suite and the licence terms in full detail. "
)


def page(title: str, text: str, charset: str | None = "utf-8", extra_head: str = "") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}{extra_head}<title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>{ARTICLE.format(text=text + ' ' + FILLER)}</article>"
        "</body></html>"
    )


Route = tuple[int, dict[str, str], bytes]


def _routes() -> dict[str, Route | Callable[[], Route]]:
    html = {"Content-Type": "text/html; charset=utf-8"}
    bomb = gzip.compress(b" " * (40 * 1024 * 1024), compresslevel=9)
    return {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"),
        "/ok": (200, html, page("A good page", "Plain good text").encode()),
        "/malformed": (200, html, b"<html><head><title>Truncated story</title><body><article>"
                       b"<p>Cut off mid-page " + FILLER.encode() * 4 + b"<p>and then <b>nothing"),
        "/cp1252": (200, {"Content-Type": "text/html; charset=windows-1252"},
                    page("Caf\u00e9 \u201cquotes\u201d", "Le caf\u00e9 na\u00efve",
                         "windows-1252").encode("cp1252")),
        "/latin1-but-utf8": (200, {"Content-Type": "text/html; charset=ISO-8859-1"},
                             page("Gr\u00fc\u00dfe aus K\u00f6ln", "\u00dcber K\u00f6ln",
                                  None).encode("utf-8")),
        "/sjis": (200, {"Content-Type": "text/html"},
                  page("\u65e5\u672c\u8a9e\u306e\u8a18\u4e8b", "\u4eba\u5de5\u77e5\u80fd\u306e"
                       "\u30cb\u30e5\u30fc\u30b9\u3067\u3059", "shift_jis").encode("shift_jis")),
        "/gb18030": (200, {"Content-Type": "text/html; charset=GB18030"},
                     page("\u4eba\u5de5\u667a\u80fd\u65b0\u95fb", "\u5927\u578b\u8bed\u8a00"
                          "\u6a21\u578b\u53d1\u5e03", None).encode("gb18030")),
        "/conflict": (200, {"Content-Type": "text/html; charset=utf-8"},
                      page("Conflicting na\u00efve charset", "Sm\u00f6rg\u00e5sbord",
                           "windows-1252").encode("cp1252")),
        "/no-title-no-date": (200, html, b"<html><body><div><p>" + FILLER.encode() * 5
                              + b"</p></div></body></html>"),
        "/huge": (200, html, b"<html><body>" + b"<p>x</p>" * (2 * 1024 * 1024)),
        "/gzip-bomb": (200, {**html, "Content-Encoding": "gzip"}, bomb),
        "/gzip-page": (200, {**html, "Content-Encoding": "gzip"},
                       gzip.compress(page("Served gzip-encoded", "Inflated by a worker").encode())),
        "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + bytes(200)),
        "/binary-as-html": (200, html, bytes(range(256)) * 40),
        "/empty": (200, html, b""),
        "/loop-a": (302, {"Location": "/loop-b"}, b""),
        "/loop-b": (302, {"Location": "/loop-a"}, b""),
        "/gone": (410, html, b"gone"),
        "/missing": (404, html, b"missing"),
        "/busy": (429, {**html, "Retry-After": "1"}, b"slow down"),
        "/broken": (500, html, b"oops"),
        "/hang": lambda: (time.sleep(6), (200, html, b"too late"))[1],
        "/broken-feed.xml": (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item"
                             b"><link>not closed"),
        "/not-a-feed.xml": (200, {"Content-Type": "application/xml"}, b"\x00\x01garbage"),
    }


ARTICLE_PATHS = [
    "/ok", "/malformed", "/cp1252", "/latin1-but-utf8", "/sjis", "/gb18030", "/conflict",
    "/no-title-no-date", "/huge", "/gzip-bomb", "/gzip-page", "/pdf", "/image",
    "/binary-as-html", "/empty",
    "/loop-a", "/gone", "/missing", "/busy", "/broken", "/hang", "/offsite-redirect",
]


FEEDS = ("/feed.xml", "/broken-feed.xml", "/not-a-feed.xml")


def feed(base: str, paths: list[str] = ARTICLE_PATHS) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def _urlset(base: str, paths: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset>{entries}</urlset>'.encode()


def _hostile_routes(base: str, other: str) -> dict[str, Route]:
    """A hostile site: local-file, ftp, data: and other-port links in its feed and
    sitemaps, gzipped sitemaps, and pages whose extraction used to take minutes."""
    rss, xml = {"Content-Type": "application/rss+xml"}, {"Content-Type": "application/xml"}
    html = {"Content-Type": "text/html; charset=utf-8"}
    host_port = base.split("://")[1]
    items = "".join(f"<item><title>{u}</title><link>{u}</link></item>" for u in (
        "file://127.0.0.1/etc/passwd", f"ftp://{host_port}/ok-ftp", "data:text/html,secret",
        f"{other}/other-port-page", f"{base}/identical", f"{base}/million",
        f"{base}/redirect-to-file", f"{base}/redirect-to-other-port"))
    index = (f'<?xml version="1.0"?><sitemapindex><sitemap><loc>file://127.0.0.1/etc/passwd'
             f"</loc></sitemap><sitemap><loc>{base}/sitemap-gz.xml.gz</loc></sitemap>"
             "</sitemapindex>").encode()
    return {
        "/hostile-feed.xml": (200, rss, f"<rss><channel>{items}</channel></rss>".encode()),
        "/hostile-sitemap.xml": (200, xml, _urlset("", ["file://127.0.0.1/etc/passwd",
                                                        f"{other}/other-port-page"])),
        "/hostile-index.xml": (200, xml, index),
        "/sitemap-gz.xml.gz": (200, {"Content-Type": "application/x-gzip"},
                               gzip.compress(_urlset(base, ["/from-gz-sitemap"]))),
        "/sitemap-ce.xml": (200, {**xml, "Content-Encoding": "gzip"},
                            gzip.compress(_urlset(base, ["/from-encoded-sitemap"]))),
        "/from-gz-sitemap": (200, html, page("Listed in a gzipped sitemap", "Gzip").encode()),
        "/from-encoded-sitemap": (200, html, page("Listed gzip-encoded", "Encoded").encode()),
        "/identical": (200, html, (
            "<html><head><title>Ten thousand</title></head><body><article><h1>Ten thousand"
            "</h1>" + "<p>The same short paragraph is repeated here.</p>" * 10_000
            + "</article></body></html>").encode()),
        "/million": (200, html, b"<html><body>" + b"<p>x</p>" * 1_000_000),
        "/other-port-page": (200, html, page("Another service", "Not the site").encode()),
        "/redirect-to-file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/redirect-to-other-port": (302, {"Location": f"{other}/other-port-page"}, b""),
    }


HOSTILE_FEEDS = ("/hostile-feed.xml",)
HOSTILE_SITEMAPS = ("/hostile-sitemap.xml", "/hostile-index.xml", "/sitemap-ce.xml")


@contextmanager
def serve_bad_web() -> Iterator[tuple[str, dict[str, list[float]]]]:
    """Serve the bad web on 127.0.0.1; yields the base URL and, per path, the times
    (``time.monotonic()``) it was requested. A second port on the same host serves the
    same paths (hits keyed ``:PORT/path``): a link there must never be followed."""
    routes = _routes()
    hits: dict[str, list[float]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            host = (self.headers.get("Host") or "").split(":")[0]
            key = self.path if host == "127.0.0.1" else f"{host}{self.path}"
            if self.server is not server:
                key = f":{self.server.server_address[1]}{self.path}"
            hits.setdefault(key, []).append(time.monotonic())
            if self.path == "/feed.xml":
                route: Route = (200, {"Content-Type": "application/rss+xml"}, feed(base))
            elif self.path == "/busy-feed.xml":
                route = (200, {"Content-Type": "application/rss+xml"},
                         feed(base, ["/busy-once"]))
            elif self.path == "/busy-once":  # 429 asking for 2 s, then the page
                route = (429, {"Retry-After": "2"}, b"wait") if len(hits[key]) == 1 else \
                    routes["/ok"]
            elif self.path == "/offsite-redirect":  # same server, but not an allowed domain
                target = base.replace("127.0.0.1", "localhost") + "/ok"
                route = (302, {"Location": target}, b"")
            elif self.path in hostile:
                route = hostile[self.path]
            else:
                found = routes.get(self.path, (404, {}, b"not here"))
                route = found() if callable(found) else found
            status, headers, body = route
            try:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up on a huge or slow response: that is the point

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    other_server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    hostile = _hostile_routes(base, f"http://127.0.0.1:{other_server.server_address[1]}")
    for each in (server, other_server):
        each.daemon_threads = True
        threading.Thread(target=each.serve_forever, daemon=True).start()
    try:
        yield base, hits
    finally:
        for each in (server, other_server):
            each.shutdown()
            each.server_close()


def sites_toml(base: str, feeds: tuple[str, ...] = FEEDS, sitemaps: tuple[str, ...] = ()) -> str:
    urls = ", ".join(f'"{base}{path}"' for path in feeds)
    maps = ", ".join(f'"{base}{path}"' for path in sitemaps)
    return f"""
[settings]
allow_private = true
download_delay = 0

[[site]]
name = "bad-web"
domains = ["127.0.0.1"]
feeds = [{urls}]
sitemaps = [{maps}]
"""
