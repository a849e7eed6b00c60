"""A local web of bad responses: each path is one way a real site goes wrong."""

from __future__ import annotations

import gzip
import sqlite3
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.cli_helpers import run_ainews

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

#: A DOWNLOAD_TIMEOUT for crawls of the bad web: long enough for any honest page on a loaded
#: machine (with 2 s, /pdf, /sjis and /gzip-page timed out together at load 12), and what a
#: run waits for /hang, which never answers.
PATIENCE_S = 6


def _routes(stop: threading.Event) -> dict[str, Route | Callable[[], Route]]:
    """The bad web's pages; ``/hang`` answers only once ``stop`` is set (the server stops):
    whatever the crawl's DOWNLOAD_TIMEOUT, that timeout is what ends it."""
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
        "/hang": lambda: (stop.wait(), (200, html, b"too late"))[1],
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
    stop = threading.Event()
    routes = _routes(stop)
    hits: dict[str, list[float]] = {}

    class Handler(_QuietHandler):
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
            _send(self, route)

    with _two_servers(Handler, stop) as (server, other_server):
        base = f"http://127.0.0.1:{server.server_address[1]}"
        hostile = _hostile_routes(base, f"http://127.0.0.1:{other_server.server_address[1]}")
        yield base, hits


class _QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _send(handler: BaseHTTPRequestHandler, route: Route) -> None:
    status, headers, body = route
    try:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the crawler gave up on a huge or slow response: that is the point


@contextmanager
def _two_servers(handler: type[BaseHTTPRequestHandler], stop: threading.Event,
                 ) -> Iterator[tuple[ThreadingHTTPServer, ThreadingHTTPServer]]:
    """The site's server and a second one on another port of the same host; ``stop`` is
    set on exit, which ends the responses that hang or drip until then."""
    servers = (ThreadingHTTPServer(("127.0.0.1", 0), handler),
               ThreadingHTTPServer(("127.0.0.1", 0), handler))
    for each in servers:
        each.daemon_threads = True
        threading.Thread(target=each.serve_forever, daemon=True).start()
    try:
        yield servers
    finally:
        stop.set()
        for each in servers:
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


# -- an attacker's web: against the crawl itself, not the cleaning ---------------------------

#: Decompressed size of the bombs (a few hundred KB on the wire); the attack crawl lowers
#: DOWNLOAD_MAXSIZE below it.
BOMB_BYTES = 8 * 1024 * 1024
#: Entries of the attacker's huge documents (the crawl lowers its caps below them).
MANY = 5_000


def _drip(handler: BaseHTTPRequestHandler, content_type: str, stop: threading.Event) -> None:
    """A slow-drip server: headers at once, then one byte a second until ``stop`` (the test
    is over) or the crawler hangs up: only the crawl's DOWNLOAD_TIMEOUT ends it."""
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    while not stop.wait(1):
        handler.wfile.write(b"<")
        handler.wfile.flush()


def _raw(head: bytes, body: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    """A response written byte for byte: lying headers the server classes would fix."""
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(head + body)
        handler.close_connection = True
    return send


#: A robots.txt over the 500 KiB read of it: a rule before the cut and one after it (a
#: long comment between, cheap to parse: 600 KB of rules block the crawl process ~1 s).
#: The site's own host (127.0.0.1) serves it; its other host (localhost) drips robots.txt.
BIG_ROBOTS = (b"User-agent: *\nDisallow: /blocked-early\n# " + b"x" * 600_000
              + b"\nDisallow: /after-the-cut\n")
#: The attacker's other name for 127.0.0.1, whose robots.txt drips a byte a second.
SLOW_ROBOTS_HOST = "http://localhost"


def _attack_routes(base: str, other: str, stop: threading.Event,
                   ) -> dict[str, Route | Callable[..., None]]:
    import brotli  # Scrapy decodes br with it (an install dependency of ours)

    html = {"Content-Type": "text/html; charset=utf-8"}
    rss, xml = {"Content-Type": "application/rss+xml"}, {"Content-Type": "application/xml"}
    good = page("A good page", "Plain good text").encode()
    zeros = bytes(BOMB_BYTES)
    gzip_bomb = gzip.compress(zeros, 9)
    port = base.rsplit(":", 1)[1]
    links = [f"{base}/{p}" for p in ATTACK_PATHS] + [
        f"{base}/{'a' * 100_000}", f"http://user:pw@127.0.0.1:{port}/ok",
        f"http://[::1]:{port}/ok", "javascript:alert(1)", f"{other}/ok"]
    feed_items = "".join(f"<item><link>{u}</link></item>" for u in links)
    routes: dict[str, Route | Callable[..., None]] = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, BIG_ROBOTS),
        "/drip-robots.txt": lambda handler: _drip(handler, "text/plain", stop),
        "/attack-feed.xml": (200, rss, f"<rss><channel>{feed_items}</channel></rss>".encode()),
        "/robots-feed.xml": (200, rss, feed("", [f"{base}/blocked-early", f"{base}/after-the-cut",
                                                 f"{SLOW_ROBOTS_HOST}:{port}/ok"])),
        "/blocked-early": (200, html, good),
        "/after-the-cut": (200, html, good),
        "/many-items.xml": (200, rss, ("<rss><channel>" + "".join(
            f"<item><link>{other}/item-{i}</link></item>" for i in range(MANY))
            + "</channel></rss>").encode()),
        "/many-sitemaps.xml": (200, xml, ("<sitemapindex>" + "".join(
            f"<sitemap><loc>{base}/child-{i}.xml</loc></sitemap>" for i in range(MANY))
            + "</sitemapindex>").encode()),
        "/many-links.html": (200, html, ("<html><body>" + "".join(
            f"<a href=/link-{i}>{i}</a>" for i in range(MANY))).encode()),
        "/bomb-feed.xml": (200, {**rss, "Content-Encoding": "gzip"}, gzip_bomb),
        "/bomb-sitemap.xml.gz": (200, {"Content-Type": "application/x-gzip"}, gzip_bomb),
        "/drip-feed.xml": lambda handler: _drip(handler, "application/rss+xml", stop),
        "/ok": (200, html, good),
        "/drip-page": lambda handler: _drip(handler, "text/html", stop),
        "/deflate-bomb": (200, {**html, "Content-Encoding": "deflate"}, zlib.compress(zeros, 9)),
        "/br-bomb": (200, {**html, "Content-Encoding": "br"}, brotli.compress(zeros, quality=5)),
        "/html-as-png": (200, {"Content-Type": "image/png"}, good),
        "/huge-header": (200, {**html, "X-Pad": "x" * 200_000}, good),
        "/many-headers": _raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"".join(
            b"X-Pad-%d: %s\r\n" % (i, b"x" * 100) for i in range(10_000)) + b"\r\n", good),
        "/length-too-long": _raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                 b"Content-Length: 100000\r\n\r\n", good),
        "/length-huge": _raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                             b"Content-Length: 99999999999\r\n\r\n", good),
        "/length-short": _raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                              b"Content-Length: 5000\r\n\r\n", good + b"<p>after</p>" * 999),
    }
    for target, location in {
        "data": "data:text/html,<p>secret</p>", "javascript": "javascript:alert(1)",
        "ftp": f"ftp://127.0.0.1:{port}/ok", "file": "file:///etc/passwd",
        "credentials": f"http://user:pw@127.0.0.1:{port}/ok",
        "other-port": f"{other}/ok", "other-host": f"http://127.0.0.2:{port}/ok",
        "ipv6": f"http://[::1]:{port}/ok", "broken-host": "http://[::1/ok",
        "long": f"{base}/{'b' * 100_000}",
    }.items():
        routes[f"/redirect-to-{target}"] = (302, {"Location": location}, b"")
    for hop in range(10):  # a chain longer than REDIRECT_MAX_TIMES
        routes[f"/chain-{hop}"] = (302, {"Location": f"/chain-{hop + 1}"}, b"")
    return routes


#: The article links of the attack feed, each one way to attack the crawl.
ATTACK_PATHS = [
    "ok", "drip-page", "deflate-bomb", "br-bomb", "html-as-png", "huge-header",
    "many-headers", "length-too-long", "length-huge", "length-short", "chain-0",
    *(f"redirect-to-{t}" for t in ("data", "javascript", "ftp", "file", "credentials",
                                   "other-port", "other-host", "ipv6", "broken-host", "long")),
]
ATTACK_FEEDS = ("/attack-feed.xml", "/many-items.xml", "/bomb-feed.xml", "/drip-feed.xml",
                "/robots-feed.xml")
ATTACK_SITEMAPS = ("/many-sitemaps.xml", "/bomb-sitemap.xml.gz")
ATTACK_LISTINGS = ("/many-links.html",)


@contextmanager
def serve_attack_web() -> Iterator[tuple[str, dict[str, int]]]:
    """Serve the attacker's web on 127.0.0.1; yields the base URL and how often each path
    was requested (``localhost/PATH`` when asked as the site's other host, ``localhost``).
    A second port (the "internal service") counts its hits as ``:other``. robots.txt is
    per host, so one crawl meets both: 127.0.0.1's is :data:`BIG_ROBOTS`, localhost's
    drips a byte a second."""
    hits: dict[str, int] = {}
    stop = threading.Event()

    class Handler(_QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.server is not server:
                hits[":other"] = hits.get(":other", 0) + 1
                return self.send_error(403)
            path = self.path
            if (self.headers.get("Host") or "").startswith("localhost"):
                hits[f"localhost{path}"] = hits.get(f"localhost{path}", 0) + 1
                path = "/drip-robots.txt" if path == "/robots.txt" else path
            else:
                hits[path] = hits.get(path, 0) + 1
            route = routes.get(path, (404, {}, b"not here"))
            if not callable(route):
                return _send(self, route)
            with suppress(BrokenPipeError, ConnectionResetError):  # the crawler gave up
                route(self)

    with _two_servers(Handler, stop) as (server, other_server):
        base = f"http://127.0.0.1:{server.server_address[1]}"
        routes = _attack_routes(base, f"http://127.0.0.1:{other_server.server_address[1]}",
                                stop)
        yield base, hits


def attack_sites_toml(base: str, feeds: tuple[str, ...] = ATTACK_FEEDS,
                      sitemaps: tuple[str, ...] = ATTACK_SITEMAPS,
                      listings: tuple[str, ...] = ATTACK_LISTINGS) -> str:
    def urls(paths: tuple[str, ...]) -> str:
        return ", ".join(f'"{base}{path}"' for path in paths)
    return f"""
[settings]
allow_private = true
download_delay = 0

[[site]]
name = "attacker"
domains = ["127.0.0.1", "localhost"]
feeds = [{urls(feeds)}]
sitemaps = [{urls(sitemaps)}]
listings = [{urls(listings)}]
"""


def crawl_web(tmp: Path, sites: str, *args: str, timeout: float = 300,
              ) -> tuple[subprocess.CompletedProcess[str], sqlite3.Connection]:
    """Crawl a local web with the sites file text ``sites`` and ``args``; the run's output
    and its database (rows as ``sqlite3.Row``)."""
    (tmp / "sites.toml").write_text(sites, encoding="utf-8")
    proc = run_ainews("crawl", "--db", tmp / "web.db", "--sites", tmp / "sites.toml", *args,
                      timeout=timeout)
    conn = sqlite3.connect(tmp / "web.db")
    conn.row_factory = sqlite3.Row
    return proc, conn
