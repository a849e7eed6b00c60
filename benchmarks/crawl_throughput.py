"""Crawl throughput on a local web of real article pages, against plain Scrapy spiders.

Run from the checkout: ``python -m benchmarks.crawl_throughput [--pages 5000] [--rounds 3]``.

Builds a web of ``--pages`` article pages from the shared benchmark pages
(``$AINEWS_SHARED``: extraction-bench and metadata-bench HTML, each page served at many
unique URLs, gzip-encoded as real sites serve them) with a sitemap index, serves it on
127.0.0.1 with no delay, and crawls it, each crawl in its own process:

- ``scrapy fetch-only`` (``--fetch``, once): a SitemapSpider whose callback does nothing
  (the network and Scrapy's own cost);
- ``scrapy + trafilatura``: the same spider calling ``trafilatura.extract`` in the callback
  (the usual way: extraction on the reactor thread), storing nothing;
- ``ainews crawl``: the real command (extract, de-duplicate, store in SQLite) with each
  ``--workers`` count of cleaning workers (0: in the crawl process).

The machine is shared and noisy, so the trafilatura spider and ainews run in alternating
rounds (peer, ours, peer, ours, ...): each ainews crawl is compared with the peer of its
own round and the median ratio is reported. Each crawl prints pages/s, peak memory (PSS of
the crawl's process tree), CPU milliseconds per page of the crawl process and of its
worker processes, how often per page the workers were preempted and how long they waited
for a core (:func:`scheduling`: how much they shared the cores with the crawl process,
this benchmark's server and the rest of the machine), the load
average and the cores other processes kept busy meanwhile (``/proc/stat`` less the crawl
and this benchmark); for
ainews also database bytes per article by table. All crawls use the same concurrency and
no politeness delay. ``--baseline PYTHON`` also runs another version of ainews (installed
for that interpreter) just before ours in each round: before/after at the same load.
``--keep-db DIR`` keeps the databases and ``--compare A.db B.db``
says whether two of them (e.g. from two versions of the code) hold the same articles and
clusters.

``--profile`` runs only ``ainews crawl`` (with the first ``--workers`` count) under py-spy
(``pip install py-spy``) and prints where the crawl process's CPU goes, in milliseconds per
page by group (Scrapy/Twisted, our middlewares, the spider, crawl state, pool/IPC,
de-duplication, the store, logging): each sample is charged to the innermost frame of a
known group (a SQLite call to the code that made it), scaled to the process's measured
CPU time. It also prints how well the cleaning workers were fed (the pool's log line).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ainews.scraper.paths import shared_dir

CONCURRENCY = 32
ARTICLE_OBJECTS = ("articles", "sqlite_autoindex_articles", "idx_articles")
URLS_PER_SITEMAP = 1000


def load_pages() -> list[bytes]:
    """The shared benchmark pages, gzip-compressed as served."""
    root = shared_dir()
    files = sorted((root / "extraction-bench" / "html").glob("*.html*"))
    files += sorted((root / "metadata-bench" / "html").glob("*.html*"))
    if not files:
        raise SystemExit(f"no benchmark pages under {root} (set $AINEWS_SHARED)")
    pages = []
    for path in files:
        data = path.read_bytes()
        pages.append(data if path.suffix == ".gz" else gzip.compress(data))
    return pages


class Web:
    """/robots.txt, /sitemap.xml (an index), /sitemap-N.xml, /a/N (article N)."""

    def __init__(self, pages: list[bytes], count: int) -> None:
        self.pages, self.count = pages, count
        self.requests = 0
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                web.requests += 1
                body, ctype, encoding = web.route(self.path, f"http://{self.headers['Host']}")
                self.send_response(200 if body is not None else 404)
                body = body or b"not found"
                self.send_header("Content-Type", ctype)
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def sites_toml(self) -> str:
        """The sites file of this web: one site, its sitemap, no politeness delay."""
        return f"""
[settings]
download_delay = 0
allow_private = true
[[site]]
name = "bench"
domains = ["127.0.0.1"]
sitemaps = ["{self.base}/sitemap.xml"]
article_pattern = '/a/\\d+$'
"""

    def route(self, path: str, host: str) -> tuple[bytes | None, str, str | None]:
        if path == "/robots.txt":
            return b"User-agent: *\nDisallow:\n", "text/plain", None
        if path == "/sitemap.xml":
            n = (self.count + URLS_PER_SITEMAP - 1) // URLS_PER_SITEMAP
            locs = "".join(f"<sitemap><loc>{host}/sitemap-{i}.xml</loc></sitemap>"
                           for i in range(n))
            return _xml("sitemapindex", locs), "application/xml", None
        if path.startswith("/sitemap-"):
            start = int(path[len("/sitemap-"):-len(".xml")]) * URLS_PER_SITEMAP
            ids = range(start, min(start + URLS_PER_SITEMAP, self.count))
            return _xml("urlset", "".join(f"<url><loc>{host}/a/{i}</loc></url>" for i in ids)), \
                "application/xml", None
        if path.startswith("/a/"):
            i = int(path[3:])
            if i < self.count:
                return self.pages[i % len(self.pages)], "text/html; charset=utf-8", "gzip"
        return None, "text/plain", None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _xml(root: str, items: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><{root} '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</{root}>').encode()


# -- the peer: plain Scrapy spiders (run in a child process: one reactor per crawl) -------


def run_peer(kind: str, base: str) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class Peer(SitemapSpider):
        name = "peer"
        sitemap_urls = [f"{base}/sitemap.xml"]

        def parse(self, response: scrapy.http.Response):  # type: ignore[override]
            if kind == "trafilatura":
                import trafilatura

                trafilatura.extract(response.text, url=response.url)
            return iter(())

    process = CrawlerProcess({
        "CONCURRENT_REQUESTS": CONCURRENCY, "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
    })
    process.crawl(Peer)
    process.start()


# -- measuring ------------------------------------------------------------------------


def tree_memory_mb(pid: int, cpu: dict[int, int] | None = None,
                   sched: dict[int, tuple[int, float]] | None = None) -> float:
    """Proportional set size (PSS: shared pages split between the processes sharing them)
    of ``pid`` and all its descendants, so forked workers are not counted twice. ``cpu``
    gets each process's CPU time so far (user + system, clock ticks), ``sched`` its
    :func:`scheduling` so far."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        if cpu is not None:
            try:
                with open(f"/proc/{p}/stat", encoding="utf-8") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                cpu[p] = max(cpu.get(p, 0), int(fields[11]) + int(fields[12]))
            except (OSError, ValueError, IndexError):
                pass
        if sched is not None and (seen := scheduling(p)) is not None:
            sched[p] = seen
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="utf-8") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def scheduling(pid: int) -> tuple[int, float] | None:
    """How often the kernel took the CPU from process ``pid`` while it could have run on
    (involuntary context switches), and the seconds it waited runnable for a core
    (``/proc/PID/schedstat``): how much it shared the cores."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            switches = next(int(line.split()[1]) for line in fh
                            if line.startswith("nonvoluntary_ctxt_switches"))
        with open(f"/proc/{pid}/schedstat", encoding="utf-8") as fh:
            waited = int(fh.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return switches, waited


def _child_of(pid: int) -> int | None:
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                    return int(entry)
        except (OSError, ValueError, IndexError):
            continue
    return None


def timed(cmd: list[str], web: Web, *, wrapped: bool = False) -> dict:
    """Run ``cmd``; ``wrapped``: it is a wrapper (py-spy) whose child is the crawl."""
    web.requests = 0
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    cpu: dict[int, int] = {}  # pid → CPU ticks, last seen (sampled every 0.25 s)
    sched: dict[int, tuple[int, float]] = {}  # pid → scheduling(pid), last seen
    main = None if wrapped else proc.pid
    while proc.poll() is None:
        if main is None:
            main = _child_of(proc.pid)
        peak = max(peak, tree_memory_mb(main or proc.pid, cpu, sched))
        time.sleep(0.25)
    seconds = time.monotonic() - started
    out, err = proc.communicate()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd[:5])} failed ({proc.returncode}):\n{err[-3000:]}")
    tick = os.sysconf("SC_CLK_TCK")
    main = main or proc.pid
    workers = [seen for p, seen in sched.items() if p != main]
    return {"seconds": seconds, "requests": web.requests, "peak_mb": peak, "out": out.strip(),
            "cpu_main": cpu.get(main, 0) / tick, "cpu_all": sum(cpu.values()) / tick,
            "preempted": sum(n for n, _ in workers), "waited": sum(w for _, w in workers)}


def crawl_command(db: Path, sites: Path, workers: int, extra: list[str] | None = None,
                  python: str = sys.executable) -> list[str]:
    """``ainews crawl`` of the web; ``extra``: more ``KEY=VALUE`` Scrapy settings;
    ``python``: the interpreter (another one runs another installed version of ainews)."""
    return [python, "-m", "ainews.scraper.cli", "crawl", "--db", str(db),
            "--sites", str(sites), "-s", f"AINEWS_WORKERS={workers}",
            "-s", "AUTOTHROTTLE_ENABLED=false",
            "-s", f"CONCURRENT_REQUESTS={CONCURRENCY}",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}",
            *(arg for setting in extra or () for arg in ("-s", setting))]


def pool_line(logs: Path) -> str:
    """The cleaning pool's summary line from a crawl's log (how well workers were fed)."""
    for path in sorted(logs.glob("*.log")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if "cleaning pool:" in line:
                return line.split("cleaning pool:", 1)[1].strip()
    return "(no pool summary in the log)"


# -- profiling the crawl process ------------------------------------------------------

#: Groups of the crawl process's CPU: the first pattern found in a frame's file wins, and
#: a sample is charged to its innermost frame that falls in a group (other libraries,
#: e.g. sqlite_utils, numpy, asyncio, are charged to their caller).
GROUPS = (
    ("logging", ("logging/", "scraper/logformatter.py")),
    ("pool/IPC", ("scraper/pool.py", "scraper/poolworker.py", "concurrent/futures/",
                  "multiprocessing/")),
    ("dedupe", ("dedupe/", "scraper/storage/clusters.py")),
    ("store", ("scraper/storage/", "scraper/process.py")),
    ("pipeline", ("scraper/pipelines.py",)),
    ("crawl state", ("scraper/state.py",)),
    ("spider", ("scraper/spiders/", "scraper/discovery.py", "scraper/items.py",
                "scraper/site_names.py")),
    ("middlewares/extensions", ("scraper/middlewares.py", "scraper/refusals.py",
                                "scraper/extensions.py", "scraper/diskfull.py",
                                "scraper/warc/", "scraper/urls.py", "scraper/sites.py",
                                "scraper/skips.py")),
    ("cleaning (in-process)", ("scraper/cleaning.py", "scraper/extraction/", "trafilatura/",
                               "lxml/")),
    ("Scrapy/Twisted", ("scrapy/", "twisted/", "w3lib/", "parsel/", "queuelib/",
                        "itemadapter/", "protego/", "zope/", "tldextract/")),
)
_FRAME = re.compile(r"\(([^()]*):\d+\)$")
#: Leaf frames of a thread waiting, not working (py-spy's own idle detection does not
#: work in every container): the reactor's poll, the executor's threads between pages,
#: its feeder thread blocked writing a queued page into a busy worker's pipe.
_IDLE = re.compile(r"^(\w+\.)?(wait|select|get) \((threading|selectors|queue"
                   r"|multiprocessing/connection)\.py:\d+\)$")
_FEEDER = re.compile(r"Queue\._feed .*Connection\._send \(multiprocessing/connection\.py:\d+\)$")


def _idle(stack: str) -> bool:
    return bool(_IDLE.match(stack.rpartition(";")[2]) or _FEEDER.search(stack))


def group_of(stack: str) -> str:
    """The group a py-spy raw stack (``frame;frame;... count``, root first) is charged to."""
    frames = stack.split(";")
    if any("importlib._bootstrap" in frame for frame in frames):
        return "startup (imports)"
    for frame in reversed(frames):
        match = _FRAME.search(frame)
        path = match.group(1) if match else frame
        for name, patterns in GROUPS:
            if any(path.startswith(p) or f"/{p}" in path for p in patterns):
                return name
    return "other (event loop)"


def profile_groups(raw: str) -> dict[str, int]:
    """Samples per group from py-spy's ``--format raw`` output."""
    groups: dict[str, int] = {}
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack.strip() and count.isdigit() and not _idle(stack):
            name = group_of(stack)
            groups[name] = groups.get(name, 0) + int(count)
    return groups


def profile(pages: int, workers: int, keep: Path | None = None) -> None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("--profile needs py-spy: pip install py-spy")
    web = Web(load_pages(), pages)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sites = Path(tmp) / "sites.toml"
            sites.write_text(web.sites_toml(), encoding="utf-8")
            raw = Path(tmp) / "profile.txt"
            run = timed([spy, "record", "--format", "raw", "--rate", "200", "-o", str(raw),
                         "--", *crawl_command(Path(tmp) / "p.db", sites, workers)], web,
                        wrapped=True)
            groups = profile_groups(raw.read_text(encoding="utf-8"))
            if keep:
                shutil.copy(raw, keep)
            fed = pool_line(Path(tmp) / "logs")
            articles = db_bytes(Path(tmp) / "p.db")[0]
    finally:
        web.close()
    total = sum(groups.values()) or 1
    per_page = 1000 * run["cpu_main"] / pages
    print(f"ainews crawl, {pages} pages, {workers} workers: {run['seconds']:.1f}s (under "
          f"py-spy), {articles} articles; crawl process {per_page:.1f} ms CPU/page, "
          f"all processes {1000 * run['cpu_all'] / pages:.1f}; load average "
          f"{os.getloadavg()[0]:.2f}")
    for name, n in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<30}{per_page * n / total:>7.2f} ms/page  ({n / total:.0%})")
    print(f"pool: {fed}")


def db_bytes(db: Path) -> tuple[int, dict[str, int]]:
    conn = sqlite3.connect(db)
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:  # SQLite built without dbstat
        rows = []
    conn.close()
    groups: dict[str, int] = {}
    for name, size in rows:
        key = ("articles_fts" if name.startswith("articles_fts")
               else "dedupe_*" if name.startswith("dedupe_")
               else "articles (+indexes)" if name.startswith(ARTICLE_OBJECTS)
               else name if name in ("pages", "frontier") else "other")
        groups[key] = groups.get(key, 0) + size
    return articles, groups


def machine_busy() -> float:
    """CPU seconds all processes on the machine have used since boot (``/proc/stat``)."""
    try:
        with open("/proc/stat", encoding="utf-8") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def measured(cmd: list[str], web: Web, pages: int) -> dict:
    """:func:`timed`, plus CPU ms/page (the crawl process, its other processes) and what
    the rest of the machine did meanwhile: its load average at the end and the cores the
    other processes kept busy (everything but the crawl's processes and this benchmark)."""
    busy, own = machine_busy(), sum(os.times()[:2])
    run = timed(cmd, web)
    others = (machine_busy() - busy) - run["cpu_all"] - (sum(os.times()[:2]) - own)
    run.update(rate=pages / run["seconds"], load=os.getloadavg()[0],
               others=max(others, 0.0) / run["seconds"],
               main_ms=1000 * run["cpu_main"] / pages,
               workers_ms=1000 * (run["cpu_all"] - run["cpu_main"]) / pages,
               preempted=run["preempted"] / pages, waited_ms=1000 * run["waited"] / pages)
    return run


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="article pages in the web")
    parser.add_argument("--workers", default="2", help="ainews worker counts to run (e.g. 1,2)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of (trafilatura spider, ainews): the two alternate, so a "
                             "busy spell of the machine falls on both; the median ratio is "
                             "reported")
    parser.add_argument("--fetch", action="store_true",
                        help="also run the fetch-only spider (once, first)")
    parser.add_argument("--no-peers", action="store_true",
                        help="run only ainews (to compare two versions of it back to back)")
    parser.add_argument("--baseline", metavar="PYTHON",
                        help="also crawl, in each round just before ours, with this "
                             "interpreter's installed ainews (another version of the code: "
                             "before/after at the same load)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a Scrapy setting for the ainews crawls (repeatable)")
    parser.add_argument("--keep-db", type=Path,
                        help="copy each ainews database here (w{workers}-r{round}.db)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A.db", "B.db"),
                        help="only compare the articles and clusters of two crawl databases "
                             "(e.g. kept from two versions) and exit 1 when they differ")
    parser.add_argument("--profile", action="store_true",
                        help="only ainews, under py-spy: the crawl process's CPU by group")
    parser.add_argument("--profile-raw", type=Path, help="with --profile: keep py-spy's stacks")
    parser.add_argument("--run-peer", choices=["fetch", "trafilatura"], help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_peer:
        run_peer(args.run_peer, args.base)
        return
    if args.compare:
        differences = compare_dbs(*args.compare)
        print("\n".join(differences) or "same articles and clusters")
        raise SystemExit(1 if differences else 0)
    if args.profile:
        profile(args.pages, int(args.workers.split(",")[0]), args.profile_raw)
        return
    results = run_rounds(args)
    report(args, results)


def run_rounds(args: argparse.Namespace) -> list[tuple[str, int, dict]]:
    """(label, round, measurements) of every crawl, in the order they ran."""
    web = Web(load_pages(), args.pages)
    me = [sys.executable, "-m", "benchmarks.crawl_throughput"]
    results: list[tuple[str, int, dict]] = []

    def ran(label: str, n: int, run: dict) -> None:
        results.append((label, n, run))
        print(f"  round {n} {label}: {run['seconds']:.1f}s {run['rate']:.1f} pages/s, "
              f"load {run['load']:.2f}, others {run['others']:.2f} cores", file=sys.stderr)

    try:
        with tempfile.TemporaryDirectory() as tmp:
            sites = Path(tmp) / "sites.toml"
            sites.write_text(web.sites_toml(), encoding="utf-8")
            if args.fetch and not args.no_peers:
                ran("scrapy fetch-only", 0, measured(
                    [*me, "--run-peer", "fetch", "--base", web.base], web, args.pages))
            for n in range(1, max(1, args.rounds) + 1):
                if not args.no_peers:
                    ran("scrapy + trafilatura", n, measured(
                        [*me, "--run-peer", "trafilatura", "--base", web.base], web, args.pages))
                versions = [("", sys.executable)]
                if args.baseline:
                    versions.insert(0, (" (baseline)", args.baseline))
                for workers in args.workers.split(","):
                    for version, python in versions:
                        db = Path(tmp) / f"w{workers}{version.strip(' ()')}.db"
                        run = measured(crawl_command(db, sites, int(workers), args.set, python),
                                       web, args.pages)
                        run["db"] = db_bytes(db)
                        logs = list((Path(tmp) / "logs").glob("*"))
                        run["log_bytes"] = sum(f.stat().st_size for f in logs)
                        ran(f"ainews{version}, {workers} workers", n, run)
                        if args.keep_db:
                            args.keep_db.mkdir(parents=True, exist_ok=True)
                            shutil.copy(db, args.keep_db / f"{db.stem}-r{n}.db")
                        for f in [db, *db.parent.glob(f"{db.name}-*"), *logs]:
                            f.unlink()
    finally:
        web.close()
    return results


def report(args: argparse.Namespace, results: list[tuple[str, int, dict]]) -> None:
    print(f"{args.pages} article pages, {len(load_pages())} distinct, concurrency "
          f"{CONCURRENCY}, {os.cpu_count()} cores; each crawl: pages/s, its ratio to the "
          f"trafilatura spider of its round, peak memory, CPU ms/page of the crawl process "
          f"and of its worker processes, how often the workers were preempted and the ms "
          f"they waited for a core (per page), the machine's load average at its end and "
          f"the cores other processes kept busy during it")
    peers = {n: run["rate"] for label, n, run in results if label == "scrapy + trafilatura"}
    print(f"{'round':>5} {'crawl':<30}{'seconds':>8}{'pages/s':>8}{'ratio':>7}{'peak MB':>8}"
          f"{'ms/page: crawl':>15}{'workers':>8}{'preempt':>8}{'waited':>7}{'load':>6}"
          f"{'others':>7}")
    for label, n, run in results:
        ratio = f"{run['rate'] / peers[n]:.2f}x" if n in peers else "-"
        print(f"{n:>5} {label:<30}{run['seconds']:>8.1f}{run['rate']:>8.1f}{ratio:>7}"
              f"{run['peak_mb']:>8.0f}{run['main_ms']:>15.1f}{run['workers_ms']:>8.1f}"
              f"{run['preempted']:>8.1f}{run['waited_ms']:>7.1f}"
              f"{run['load']:>6.2f}{run['others']:>7.2f}")
    print("medians over the rounds:")
    for label in dict.fromkeys(label for label, _, _ in results):
        runs = [(n, run) for lab, n, run in results if lab == label]
        ratios = [run["rate"] / peers[n] for n, run in runs if n in peers]
        ratio = f", {median(ratios):.2f}x the trafilatura spider" if ratios and \
            label != "scrapy + trafilatura" else ""
        print(f"  {label}: {median([r['rate'] for _, r in runs]):.1f} pages/s{ratio}; "
              f"CPU ms/page crawl process {median([r['main_ms'] for _, r in runs]):.1f}, "
              f"workers {median([r['workers_ms'] for _, r in runs]):.1f} (preempted "
              f"{median([r['preempted'] for _, r in runs]):.1f} times a page); peak "
              f"{max(r['peak_mb'] for _, r in runs):.0f} MB")
    for label, n, run in results:
        if "db" not in run or n != 1:
            continue
        articles, groups = run["db"]
        total = sum(groups.values())
        parts = ", ".join(f"{k} {v / max(articles, 1):,.0f}" for k, v in
                          sorted(groups.items(), key=lambda kv: -kv[1]))
        print(f"{label}: {articles} articles, {total / max(articles, 1):,.0f} B/article "
              f"({parts}); log {run['log_bytes'] / args.pages:,.0f} B/page")


#: Columns of the articles table that differ between two crawls of the same web (the time
#: of the crawl, the web's port in the URLs), and the cluster columns, compared as clusters.
_RUN_COLUMNS = ("id", "fetched_at", "first_seen_at", "updated_at", "url", "canonical_url",
                "cluster_id", "is_canonical", "partial_of")


def compare_dbs(a: Path, b: Path) -> list[str]:
    """What differs between the records of two crawls of the same web: articles (by URL
    path, without the run's times) and clusters (which articles are together, and how
    many of each relation each cluster holds). Which copy is a cluster's canonical is
    not compared: among copies published at the same time it is the one fetched first,
    which the crawl's timing decides."""
    def load(path: Path) -> tuple[dict, dict]:
        conn = sqlite3.connect(path)
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("SELECT * FROM articles")]
        ids = {r["id"]: _path(r["url"]) for r in rows}
        members: dict[str, list[str]] = {}
        for r in rows:
            members.setdefault(r["cluster_id"], []).append(ids[r["id"]])
        relations: dict[str, list[str]] = {}
        for r in conn.execute("SELECT cluster_id, relation FROM cluster_members"):
            relations.setdefault(r["cluster_id"], []).append(r["relation"])
        conn.close()
        clusters = {ids[r["id"]]: (sorted(members[r["cluster_id"]]),
                                   sorted(relations.get(r["cluster_id"], [])))
                    for r in rows}
        articles = {ids[r["id"]]: {k: v for k, v in r.items() if k not in _RUN_COLUMNS}
                    for r in rows}
        return articles, clusters

    (arts_a, clu_a), (arts_b, clu_b) = load(a), load(b)
    out = [f"only in {a.name}: {k}" for k in sorted(arts_a.keys() - arts_b.keys())]
    out += [f"only in {b.name}: {k}" for k in sorted(arts_b.keys() - arts_a.keys())]
    for key in sorted(arts_a.keys() & arts_b.keys()):
        cols = [c for c in arts_a[key] if arts_a[key][c] != arts_b[key].get(c)]
        if cols:
            out.append(f"{key}: {', '.join(cols)} differ")
        if clu_a[key] != clu_b[key]:
            out.append(f"{key}: cluster {clu_a[key]} / {clu_b[key]}")
    return out


def _path(url: str | None) -> str | None:
    return url.split("/", 3)[-1] if url else url


if __name__ == "__main__":
    main()
