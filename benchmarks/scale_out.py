"""Scale-out throughput: 1, 2 and 4 crawl workers on Redis plus one ingester, against the
single-process ``ainews crawl`` on the same local web.

Run from the checkout: ``python -m benchmarks.scale_out [--pages 5000] [--workers 1,2,4]``.

The web is ``benchmarks.crawl_throughput``'s (``--pages`` article pages built from the shared
benchmark pages, a sitemap index, 127.0.0.1, no delay); ``redis-server`` is started on a
free port without persistence. Each scale-out run starts N ``ainews crawl --redis`` workers
(one cleaning process each) and one ``ainews ingest`` at once and reports:

- crawl pages/s (until the last worker exits) and end-to-end pages/s (until the ingester
  has written the last page), against the single process's pages/s;
- ingest lag: seconds the ingester needed after the last worker exited, and the most
  entries ever waiting in the stream;
- Redis commands and round trips per page (``INFO commandstats``; a Lua script or a
  MULTI/EXEC is one round trip for all the commands it runs) and Redis' CPU as a share of
  all CPU the run used (workers, their cleaning processes, ingester, Redis).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.crawl_throughput import CONCURRENCY, Web, load_pages
from tests.redis_server import available, redis_server

FAST = ["-s", "AUTOTHROTTLE_ENABLED=false", "-s", f"CONCURRENT_REQUESTS={CONCURRENCY}",
        "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}", "-s", "AINEWS_WORKERS=1"]
CLI = [sys.executable, "-m", "ainews.scraper.cli"]
#: This script's own commands (reset, sampling), not the crawl's.
OURS = ("info", "config|resetstat", "flushall", "xlen")
#: Commands that only run inside a Lua script or a MULTI/EXEC or pipeline of the worker and
#: ingester: not round trips of their own (the EVALSHA, MULTI or first command is).
INNER = ("time", "get", "zrange", "zremrangebyrank", "hset", "sadd", "zadd", "xadd", "hdel",
         "exec", "xack", "xdel", "pexpire")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list, tmp: Path) -> subprocess.Popen:
    return subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=Path(__file__).resolve().parent.parent)


def wait(proc: subprocess.Popen) -> str:
    out, err = proc.communicate()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(map(str, proc.args[:5]))} failed ({proc.returncode}):\n"
                         f"{err[-3000:]}")
    return out.strip()


def single_process(sites: Path, tmp: Path) -> dict:
    cpu = children_cpu()
    started = time.monotonic()
    out = wait(run([*CLI, "crawl", "--db", tmp / "one.db", "--sites", sites, *FAST], tmp))
    return {"seconds": time.monotonic() - started, "cpu": children_cpu() - cpu, "out": out}


def scale_out(url: str, workers: int, sites: Path, tmp: Path) -> dict:
    import redis

    client = redis.Redis.from_url(url)
    client.flushall()
    client.config_resetstat()
    redis_cpu = _redis_cpu(client)
    cpu = children_cpu()
    started = time.monotonic()
    procs = [run([*CLI, "crawl", "--db", tmp / "unused.db", "--sites", sites, "--redis", url,
                  "--worker-id", f"w{i}", "--log-file", tmp / f"w{i}.log", *FAST], tmp)
             for i in range(workers)]
    db = tmp / f"scaled-{workers}.db"
    ingest = run([*CLI, "ingest", "--redis", url, "--db", db, "--log-file", tmp / "ingest.log"],
                 tmp)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        watcher = redis.Redis.from_url(url)
        while not stop.wait(0.5):
            peak[0] = max(peak[0], watcher.xlen("ainews:pages"))
        watcher.close()

    threading.Thread(target=sample, daemon=True).start()
    outs = [wait(p) for p in procs]
    crawled = time.monotonic() - started
    ingest_out = wait(ingest)
    total = time.monotonic() - started
    stop.set()
    stats = {k.split("_", 1)[1]: v["calls"] for k, v in client.info("commandstats").items()
             if k.split("_", 1)[1] not in OURS}
    commands = sum(stats.values())
    trips = sum(n for name, n in stats.items() if name not in INNER)
    result = {"seconds": crawled, "total": total, "lag": total - crawled, "peak": peak[0],
              "commands": commands, "trips": trips, "redis_cpu": _redis_cpu(client) - redis_cpu,
              "cpu": children_cpu() - cpu, "outs": outs, "ingest": ingest_out}
    client.close()
    return result


def _redis_cpu(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_sys"] + info["used_cpu_user"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="article pages in the web")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run")
    args = parser.parse_args(argv)
    if not available():
        raise SystemExit("redis-server not found (apt-get install redis-server)")
    web = Web(load_pages(), args.pages)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp_name, redis_server(Path(tmp_name)) as url:
            tmp = Path(tmp_name)
            sites = tmp / "sites.toml"
            sites.write_text(web.sites_toml(), encoding="utf-8")
            base = single_process(sites, tmp)
            print(f"  single process: {base['seconds']:.1f}s  {base['out']}", file=sys.stderr)
            for n in (int(w) for w in args.workers.split(",")):
                result = scale_out(url, n, sites, tmp)
                print(f"  {n} workers: {result['seconds']:.1f}s crawl, {result['total']:.1f}s "
                      f"total; {result['ingest']}", file=sys.stderr)
                rows.append((n, result))
    finally:
        web.close()

    print(f"{args.pages} article pages, concurrency {CONCURRENCY} per crawl process, one "
          f"cleaning process each; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores")
    one = args.pages / base["seconds"]
    print(f"{'run':<26}{'crawl p/s':>10}{'vs one':>8}{'e2e p/s':>9}{'lag s':>7}"
          f"{'peak q':>8}{'cmds/page':>10}{'trips/page':>11}{'redis CPU':>10}")
    print(f"{'single process (SQLite)':<26}{one:>10.1f}{1:>7.2f}x{one:>9.1f}{'-':>7}{'-':>8}"
          f"{'-':>10}{'-':>11}{'-':>10}")
    for n, r in rows:
        rate = args.pages / r["seconds"]
        share = r["redis_cpu"] / max(r["redis_cpu"] + r["cpu"], 1e-9)
        print(f"{f'{n} worker(s) + ingester':<26}{rate:>10.1f}{rate / one:>7.2f}x"
              f"{args.pages / r['total']:>9.1f}{r['lag']:>7.1f}{r['peak']:>8}"
              f"{r['commands'] / args.pages:>10.1f}{r['trips'] / args.pages:>11.1f}"
              f"{share:>9.1%}")


if __name__ == "__main__":
    main()
