"""WARC import: throughput and peak memory of ``ainews import-warc``, beside reading the
same WARC with the libraries alone (the floor an import cannot beat).

Run from the checkout: ``python -m benchmarks.warc [--records 5000] [--off-site 0]``.
Builds a WARC of ``--records`` responses (each with its request record, as crawlers
write them) from the real pages in ``$AINEWS_SHARED`` (URLs made unique per copy), plus
``--off-site`` responses on domains nobody asked for (as in a CC-NEWS file, where most
pages belong to other sites); then times, each in its own process so peak RSS is its own:

- warcio alone: iterate, read every response payload (Content-Encoding undone);
- FastWARC alone, if installed: the same;
- ainews import-warc (extract → dedupe → store, one transaction per page).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ainews.scraper.paths import shared_dir


def build(path: Path, records: int, off_site: int) -> dict:
    """The benchmark WARC: real pages in a fixed order, each copy at its own URL."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from ainews.scraper.warc.pages import ArchivePage, record_bytes, response_record, shared_pages

    pages = list(shared_pages(shared_dir()))
    if not pages:
        raise SystemExit(f"no pages in {shared_dir()} (set $AINEWS_SHARED)")
    hosts = set()
    writer = WARCWriter(None, gzip=False, warc_version="WARC/1.1")  # builds records only
    with path.open("wb") as out:
        for i in range(records + off_site):
            url, html = pages[i % len(pages)]
            copy = i // len(pages)
            if i >= records:  # off-site: the same bytes on a domain nobody imports
                url = f"https://off-site-{i}.example/{url.split('/', 3)[-1]}"
            else:
                hosts.add(url.split("/")[2])
            url = f"{url}{'&' if '?' in url else '?'}copy={copy}"
            resp = response_record(writer, ArchivePage(url, html))
            request = StatusAndHeaders(
                f"GET /{i} HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True
            )
            req = writer.create_warc_record(url, "request", payload=BytesIO(b""), length=0,
                                            http_headers=request)
            for record in (resp, req):  # one gzip member each; level 1 keeps building quick
                out.write(gzip.compress(record_bytes(record, compress=False), compresslevel=1))
    return {"hosts": sorted(hosts), "bytes": path.stat().st_size}


def read_warcio(path: Path) -> dict:
    from warcio.archiveiterator import ArchiveIterator

    records = responses = payload = 0
    with path.open("rb") as f:
        for record in ArchiveIterator(f):
            records += 1
            if record.rec_type == "response":
                responses += 1
                payload += len(record.content_stream().read())
    return {"records": records, "responses": responses, "payload": payload}


def read_fastwarc(path: Path) -> dict:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    records = responses = payload = 0
    with path.open("rb") as f:
        for record in ArchiveIterator(f, parse_http=True):
            records += 1
            if record.record_type == WarcRecordType.response:
                responses += 1
                payload += len(record.reader.read())
    return {"records": records, "responses": responses, "payload": payload}


def run_import(path: Path, hosts: list[str]) -> dict:
    from ainews.scraper.warc.importer import PageFilter, import_warcs

    with tempfile.TemporaryDirectory() as tmp:
        result = import_warcs(Path(tmp) / "bench.db", [str(path)], PageFilter(domains=tuple(hosts)))
    c = result.counts
    return {
        "records": c["records"],
        "responses": c["responses"],
        "pages": c["new"] + c["updated"] + c["unchanged"],
        "skips": dict(result.skip_reasons),
        "status": result.status,
    }


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM; ru_maxrss would include the forking parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PHASES = {"warcio": read_warcio, "fastwarc": read_fastwarc, "import": run_import}


def child(phase: str, path: Path, hosts: list[str]) -> None:
    started = time.perf_counter()
    fn = PHASES[phase]
    out = fn(path, hosts) if phase == "import" else fn(path)
    out["seconds"] = time.perf_counter() - started
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def measure(phase: str, path: Path, hosts: list[str]) -> dict | None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.warc", "--child", phase, "--warc", str(path),
         "--hosts", ",".join(hosts)],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        if "No module named 'fastwarc'" in proc.stderr:
            return None
        raise SystemExit(f"{phase} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=5000, help="responses to import")
    parser.add_argument("--off-site", type=int, default=0, help="responses on other domains")
    parser.add_argument("--warc", type=Path, help="reuse this WARC (built if missing)")
    parser.add_argument("--child", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--hosts", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.warc, [h for h in args.hosts.split(",") if h])
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.warc or Path(tmp) / "bench.warc.gz"
        started = time.perf_counter()
        built = build(path, args.records, args.off_site)
        print(f"built {path.name}: {args.records:,} responses + {args.off_site:,} off-site, "
              f"each with its request; {built['bytes'] / 1e6:,.1f} MB gzip "
              f"in {time.perf_counter() - started:.1f}s")
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores shared)")
        print(f"{'reader':<22} {'records/s':>10} {'pages/s':>9} {'MB/s':>7} "
              f"{'seconds':>8} {'peak RSS MB':>12}")
        for phase in ("warcio", "fastwarc", "import"):
            out = measure(phase, path, built["hosts"])
            if out is None:
                print(f"{phase:<22} (not installed)")
                continue
            secs = out["seconds"]
            pages = out.get("pages", out["responses"])
            name = {"import": "ainews import-warc", "warcio": "warcio alone (floor)",
                    "fastwarc": "FastWARC alone"}[phase]
            print(f"{name:<22} {out['records'] / secs:>10,.0f} {pages / secs:>9,.1f} "
                  f"{built['bytes'] / 1e6 / secs:>7,.1f} {secs:>8.1f} {out['peak_rss_mb']:>12,.0f}")
            if phase == "import":
                print(f"  import: {out['pages']:,} pages stored, skips {out['skips']}, "
                      f"{out['status']}")


if __name__ == "__main__":
    main()
