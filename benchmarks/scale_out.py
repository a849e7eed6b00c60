"""Scale-out throughput: 1, 2 and 4 crawl workers on Redis plus one ingester, against the
single-process ``ainews crawl`` on the same local web.

Run from the checkout: ``python -m benchmarks.scale_out [--pages 5000] [--workers 1,2,4]``.

The web is ``benchmarks.crawl_throughput``'s (``--pages`` article pages built from the shared
benchmark pages, a sitemap index, 127.0.0.1, no delay); ``redis-server`` is started on a
free port without persistence. Each scale-out run starts N ``ainews crawl --redis`` workers
and one ``ainews ingest`` at once and reports:

- crawl pages/s (until the last worker exits) and end-to-end pages/s (until the ingester
  has written the last page), against the single process's pages/s;
- ingest lag: seconds the ingester needed after the last worker exited, and the most
  entries ever waiting in the stream;
- Redis commands and round trips per page (``INFO commandstats``; a Lua script or a
  MULTI/EXEC is one round trip for all the commands it runs) and Redis' CPU as a share of
  all CPU the run used (workers, their cleaning processes, ingester, Redis);
- CPU ms per page of each process type (crawl reactor, cleaning processes, ingester,
  Redis, the web server) and the pages/s that CPU allows on idle cores: on a shared
  machine wall-clock pages/s mostly measure how much CPU the other jobs left.

Like for like, every crawl process cleans in itself by default (``--cleaners 0``): one
process is one core, so N workers are N cores. With ``--cleaners 1`` one process already
keeps two cores busy (reactor + cleaning process), so on 2 cores more workers add little.
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
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.crawl_throughput import CONCURRENCY, Web, load_pages
from tests.redis_server import available, redis_server

CLI = [sys.executable, "-m", "ainews.scraper.cli"]
ROOT = Path(__file__).resolve().parent.parent
#: This script's own commands (reset, sampling), not the crawl's.
OURS = ("info", "config|resetstat", "flushall", "xlen", "ping")
#: Commands that only run inside a Lua script or a MULTI/EXEC of the worker and ingester:
#: not round trips of their own (the EVALSHA or MULTI is).
INNER = ("time", "get", "zrange", "zremrangebyrank", "hset", "sadd", "zadd", "xadd", "hdel",
         "exec", "xack", "xdel", "pexpire", "set", "zcard", "exists")
_TICK = os.sysconf("SC_CLK_TCK")


def fast(cleaners: int) -> list[str]:
    """No politeness, the benchmark's concurrency, ``cleaners`` cleaning processes."""
    return ["-s", "AUTOTHROTTLE_ENABLED=false", "-s", f"CONCURRENT_REQUESTS={CONCURRENCY}",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}",
            "-s", f"AINEWS_WORKERS={cleaners}"]


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process itself, not its children) from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def descendants_cpu(roots: list[Proc]) -> None:
    """Record the own CPU of every live descendant of each root (its cleaning processes
    and their forkserver), keyed by pid: they are killed, not reaped, so wait4 misses them."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := proc_stat(int(entry))) is not None:
            stats[int(entry)] = stat
    for root in roots:
        for pid, (ppid, _) in stats.items():
            chain, seen = ppid, 0
            while chain in stats and chain != root.popen.pid and seen < 10:
                chain, seen = stats[chain][0], seen + 1
            if chain == root.popen.pid and pid != root.popen.pid:
                root.children[pid] = stats[pid][1]


@dataclass
class Proc:
    """A child process whose CPU is accounted on its own: ``cpu`` (it and every process
    it reaped, from wait4) and ``own`` (the process itself, last sampled)."""

    kind: str
    popen: subprocess.Popen
    out: Path
    own: float = 0.0
    cpu: float = 0.0
    code: int | None = None
    children: dict[int, float] = field(default_factory=dict)  # pid → its own CPU seconds

    def sample(self) -> None:
        if self.code is None and (stat := proc_stat(self.popen.pid)) is not None:
            self.own = stat[1]

    def reap(self) -> str:
        self.sample()
        _, status, usage = os.wait4(self.popen.pid, 0)
        self.popen.returncode = self.code = os.waitstatus_to_exitcode(status)
        self.cpu = usage.ru_utime + usage.ru_stime
        text = self.out.read_text()
        if self.code not in (0, 3):
            raise SystemExit(f"{self.kind} failed ({self.code}):\n{text[-3000:]}")
        return text.strip().splitlines()[-1] if text.strip() else ""


def start(kind: str, cmd: list, tmp: Path) -> Proc:
    out = tmp / f"{kind}-{time.monotonic_ns()}.out"
    with out.open("w") as sink:
        popen = subprocess.Popen([str(c) for c in cmd], stdout=sink, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, cwd=ROOT)
    return Proc(kind, popen, out)


@dataclass
class Run:
    label: str
    workers: int = 0  # crawl workers on Redis (0: the single process)
    cleaners: int = 0
    pages: int = 0
    seconds: float = 0.0  # until the last crawl process exited
    total: float = 0.0  # until the last page was in the database
    cpu: dict[str, float] = field(default_factory=dict)  # kind → CPU seconds
    peak: int = 0
    commands: int = 0
    trips: int = 0
    by_command: dict[str, int] = field(default_factory=dict)
    load: str = ""
    outs: list[str] = field(default_factory=list)


class Sampler:
    """Samples the processes' own CPU (and the stream length) twice a second."""

    def __init__(self, procs: list[Proc], url: str | None = None) -> None:
        self.procs, self.url, self.peak = procs, url, 0
        self.cpu = 0.0  # this thread's own CPU: not the web server's
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        watcher = None
        if self.url:
            import redis

            watcher = redis.Redis.from_url(self.url)
        while not self.stop.wait(0.25):
            for proc in self.procs:
                proc.sample()
            descendants_cpu([p for p in self.procs if p.code is None])
            if watcher is not None:
                self.peak = max(self.peak, watcher.xlen("ainews:pages"))
            self.cpu = time.thread_time()
        if watcher is not None:
            watcher.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def crawl_cpu(procs: list[Proc], cpu: dict[str, float]) -> None:
    """Split each crawl process's CPU into its reactor and its cleaning processes."""
    for proc in procs:
        cpu["crawl"] = cpu.get("crawl", 0.0) + proc.own
        cpu["cleaning"] = cpu.get("cleaning", 0.0) + max(proc.cpu - proc.own,
                                                          sum(proc.children.values()))


def single_process(sites: Path, tmp: Path, cleaners: int) -> Run:
    run = Run("single process (SQLite)", cleaners=cleaners, load=load())
    web_cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    proc = start("single", [*CLI, "crawl", "--db", tmp / f"one-{started}.db", "--sites", sites,
                            *fast(cleaners)], tmp)
    sampler = Sampler([proc])
    out = proc.reap()
    run.seconds = run.total = time.monotonic() - started
    sampler.close()
    run.outs = [out]
    run.pages = _count(out, "new=") + _count(out, "unchanged=")
    crawl_cpu([proc], run.cpu)
    run.cpu["web server"] = _self_cpu_since(web_cpu) - sampler.cpu
    return run


def scale_out(url: str, workers: int, sites: Path, tmp: Path, cleaners: int) -> Run:
    import redis

    client = redis.Redis.from_url(url)
    client.flushall()
    client.config_resetstat()
    redis_cpu = _redis_cpu(client)
    run = Run(f"{workers} worker(s) + ingester", workers, cleaners, load=load())
    web_cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    procs = [start(f"w{i}", [*CLI, "crawl", "--db", tmp / "unused.db", "--sites", sites,
                             "--redis", url, "--worker-id", f"w{i}",
                             "--log-file", tmp / f"w{i}.log", *fast(cleaners)], tmp)
             for i in range(workers)]
    ingest = start("ingest", [*CLI, "ingest", "--redis", url, "--db",
                              tmp / f"scaled-{workers}-{started}.db",
                              "--log-file", tmp / "ingest.log"], tmp)
    sampler = Sampler([*procs, ingest], url)
    run.outs = [p.reap() for p in procs]
    run.seconds = time.monotonic() - started
    run.outs.append(ingest.reap())
    run.total = time.monotonic() - started
    sampler.close()
    run.peak = sampler.peak
    run.pages = sum(_count(o, "pushed=") for o in run.outs[:-1])
    crawl_cpu(procs, run.cpu)
    run.cpu["ingester"] = ingest.cpu
    run.cpu["redis"] = _redis_cpu(client) - redis_cpu
    run.cpu["web server"] = _self_cpu_since(web_cpu) - sampler.cpu
    stats = {k.split("_", 1)[1]: v["calls"] for k, v in client.info("commandstats").items()
             if k.split("_", 1)[1] not in OURS}
    run.by_command = stats
    run.commands = sum(stats.values())
    run.trips = sum(n for name, n in stats.items() if name not in INNER)
    client.close()
    return run


def _count(out: str, key: str) -> int:
    return int(out.split(key)[1].split()[0]) if key in out else 0


def _self_cpu_since(before: resource.struct_rusage) -> float:
    now = resource.getrusage(resource.RUSAGE_SELF)
    return (now.ru_utime - before.ru_utime) + (now.ru_stime - before.ru_stime)


def _redis_cpu(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_sys"] + info["used_cpu_user"]


KINDS = ("crawl", "cleaning", "ingester", "redis", "web server")


def ceiling(run: Run, cores: int) -> float:
    """Pages/s this run's CPU per page allows on ``cores`` idle cores: the busiest
    serial part (one reactor, the cleaning processes, the one ingester) or all cores."""
    ms = {k: 1000 * v / run.pages for k, v in run.cpu.items()}
    crawlers = max(run.workers, 1)
    limits = [sum(ms.values()) / cores, ms.get("crawl", 0) / crawlers, ms.get("ingester", 0),
              ms.get("cleaning", 0) / max(crawlers * run.cleaners, 1)]
    return 1000 / max(limits)


def report(pages: int, cleaners: int, runs: list[Run]) -> None:
    print(f"{pages} article pages, concurrency {CONCURRENCY} per crawl process, "
          f"AINEWS_WORKERS={cleaners} cleaning process(es) each"
          f"{' (in the crawl process)' if cleaners == 0 else ''}; {os.cpu_count()} cores")
    base = runs[0]
    one = base.pages / base.seconds
    print(f"{'run':<26}{'crawl p/s':>10}{'vs one':>8}{'e2e p/s':>9}{'lag s':>7}"
          f"{'peak q':>8}{'trips/p':>8}{'redis %':>8}  load (1, 5, 15 min) at start")
    for r in runs:
        rate = r.pages / r.seconds
        e2e = r.pages / r.total
        share = r.cpu.get("redis", 0.0) / max(sum(r.cpu.values()) - r.cpu.get("web server", 0),
                                               1e-9)
        trips = f"{r.trips / r.pages:.1f}" if r.trips else "-"
        print(f"{r.label:<26}{rate:>10.1f}{rate / one:>7.2f}x{e2e:>9.1f}"
              f"{r.total - r.seconds:>7.1f}{r.peak or '-':>8}{trips:>8}"
              f"{share:>8.1%}  {r.load}")
    print("CPU ms per page by process type (crawl = Scrapy reactor process(es); cleaning = "
          "their cleaning processes); cores busy = CPU s / wall s")
    cores = os.cpu_count() or 1
    print(f"{'run':<26}" + "".join(f"{k:>11}" for k in KINDS)
          + f"{'total':>9}{'cores':>7}{'idle p/s':>10}{'vs one':>8}")
    top = ceiling(base, cores)
    for r in runs:
        total = sum(r.cpu.values())
        print(f"{r.label:<26}" + "".join(f"{1000 * r.cpu.get(k, 0) / r.pages:>11.1f}"
                                           for k in KINDS)
              + f"{1000 * total / r.pages:>9.1f}{total / r.total:>7.2f}"
              + f"{ceiling(r, cores):>10.1f}{ceiling(r, cores) / top:>7.2f}x")
    print(f"idle p/s: what the CPU per page allows on {cores} idle cores (all cores, or the "
          "busiest serial part: one crawl reactor, the cleaning processes, the ingester)")
    for r in runs[1:]:
        top = sorted(r.by_command.items(), key=lambda kv: -kv[1])[:12]
        print(f"Redis commands per page, {r.label}: "
              + ", ".join(f"{name} {n / r.pages:.2f}" for name, n in top))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="article pages in the web")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run")
    parser.add_argument("--cleaners", type=int, default=0,
                        help="AINEWS_WORKERS of every crawl process, the baseline's included "
                             "(0: clean in the crawl process)")
    args = parser.parse_args(argv)
    if not available():
        raise SystemExit("redis-server not found (apt-get install redis-server)")
    web = Web(load_pages(), args.pages)
    runs = []
    try:
        with tempfile.TemporaryDirectory() as tmp_name, redis_server(Path(tmp_name)) as url:
            tmp = Path(tmp_name)
            sites = tmp / "sites.toml"
            sites.write_text(web.sites_toml(), encoding="utf-8")
            runs.append(single_process(sites, tmp, args.cleaners))
            print(f"  {runs[-1].label}: {runs[-1].seconds:.1f}s  {runs[-1].outs[0]}  "
                  f"[{runs[-1].load}]", file=sys.stderr)
            for n in (int(w) for w in args.workers.split(",")):
                runs.append(scale_out(url, n, sites, tmp, args.cleaners))
                print(f"  {runs[-1].label}: {runs[-1].seconds:.1f}s crawl, "
                      f"{runs[-1].total:.1f}s total; {runs[-1].outs[-1]}  [{runs[-1].load}]",
                      file=sys.stderr)
    finally:
        web.close()
    report(args.pages, args.cleaners, runs)


if __name__ == "__main__":
    main()
