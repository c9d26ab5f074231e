#!/usr/bin/env python3
"""The server under concurrent clients: requests/s and latency of `searcher serve`.

    python bench/serve.py [--clients 16,64] [--seconds 10] [--workers 1] [--builds]

Runs a real ``searcher serve`` on a free loopback port over the Reuters index (built
once under bench/out/ as bench/query.py builds it, and shared with it), then for each
client count runs that many keep-alive HTTP/1.1 clients (asyncio, one process) for a
fixed time, each sending bench/query.py's fixed query mix to ``/api/search`` (top 10
with snippets, exact totals). Prints requests/s, p50/p95/p99 ms, errors (any status
but 200, any broken connection) and the server's RSS, beside the in-process library
latency of the same queries (``Index.search``, no HTTP). Then the results page
(``/?q=...``, facets and timeline included) one request at a time: its p50 is the
page's server time plus a loopback round trip.

``--builds`` serves a copy of the index and commits a build into it every
``--build-every`` seconds during the runs (a small JSON Lines file rewritten each
time: articles added, changed and deleted), to show that no request fails while the
index changes under the server. Everything binds to 127.0.0.1. The last line is a
JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import query as qbench  # noqa: E402 (bench/query.py: the query mix and its cached index)

import searcher  # noqa: E402

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
# Exports of growing size (matches on Reuters: ~1,000, ~10,000, every article).
EXPORT_QUERIES = ("tag:crude OR tag:grain", "tag:usa OR tag:earn", "*")
# Issue 18's acceptance, at 16 clients on Reuters.
TARGETS = {"rps_16": 300.0, "p95_16_ms": 50.0, "page_p50_ms": 10.0}


def reuters_index(records: Sequence[dict[str, Any]]) -> Path:
    """bench/query.py's cached Reuters index (built now if missing)."""
    sha = qbench.file_sha1(qbench.CORPUS)
    key = qbench.cache_key("ours", sha, 1, qbench.FIELD_MAP, qbench.our_schema.SCHEMA_VERSION,
                           qbench.BLOCK_PICKLE_PROTOCOL)
    return qbench.cached("ours-x1", key, qbench.build_ours(qbench.CORPUS))


def api_path(q: qbench.BenchQuery) -> str:
    params: list[tuple[str, str]] = [("q", q.ours()), ("limit", str(qbench.LIMIT))]
    if q.tag:
        params.append(("tag", q.tag))
    if q.since:
        params += [("since", q.since), ("until", q.until or "")]
    return "/api/search?" + urlencode(params)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(index: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([str(BIN / "searcher"), "serve", "--index", str(index), "--port",
                             str(port), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("searcher serve did not start")


def server_rss_mb(proc: subprocess.Popen[bytes]) -> tuple[float, float]:
    """(RSS, peak RSS) in MB of the server and its worker processes."""
    pids = [proc.pid]
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    rss = peak = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss += int(fields.get("VmRSS", "0 kB").split()[0])
        peak += int(fields.get("VmHWM", "0 kB").split()[0])
    return rss / 1024, peak / 1024


async def one_client(port: int, paths: Sequence[str], start: int, deadline: float,
                     latencies: list[float], errors: list[str]) -> None:
    """Keep-alive requests until ``deadline``, cycling through ``paths`` from ``start``."""
    reader = writer = None
    i = start
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        began = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            assert reader is not None
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            if status != 200:
                errors.append(f"{status} {path}")
                continue
            latencies.append(time.perf_counter() - began)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
            errors.append(f"{type(e).__name__} {path}")
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run_clients(port: int, paths: Sequence[str], clients: int, seconds: float
                ) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []

    async def main() -> float:
        began = time.perf_counter()
        deadline = began + seconds
        step = max(1, len(paths) // clients)
        await asyncio.gather(*(one_client(port, paths, k * step, deadline, latencies, errors)
                               for k in range(clients)))
        return time.perf_counter() - began

    took = asyncio.run(main())
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / took,
            **percentiles(latencies), "errors": len(errors), "error_examples": errors[:3]}


def export_stream(proc: subprocess.Popen[bytes], port: int, query: str) -> dict[str, Any]:
    """``/api/export`` of every match of ``query`` with the bodies, read as it streams:
    rows, seconds, and the server's largest RSS seen while it ran (sampled per chunk)."""
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    began = time.perf_counter()
    conn.request("GET", "/api/export?" + urlencode({"q": query, "format": "jsonl",
                                                    "fields": "id,title,body"}))
    response = conn.getresponse()
    rows, top, tail = 0, server_rss_mb(proc)[0], b""
    while chunk := response.read(1 << 16):
        rows += chunk.count(b"\n")
        tail = chunk[-200:]
        top = max(top, server_rss_mb(proc)[0])
    conn.close()
    return {"query": query, "status": response.status, "rows": rows,
            "total": int(response.getheader("x-total-count") or -1),
            "seconds": time.perf_counter() - began, "max_rss_mb": top,
            "complete": b"error:" not in tail}


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    if not seconds:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan")}
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return {"p50_ms": cuts[49], "p95_ms": cuts[94], "p99_ms": cuts[98]}


def library_latency(index: Path, queries: Sequence[qbench.BenchQuery]) -> dict[str, float]:
    """The same queries through Index.search in this process (one warm-up pass)."""
    with searcher.open_index(index) as ix:
        times = []
        for timed in (False, True):
            for q in queries:
                began = time.perf_counter()
                ix.search(q.ours(), tags=[q.tag] if q.tag else (), since=q.since,
                          until=q.until, limit=qbench.LIMIT)
                if timed:
                    times.append(time.perf_counter() - began)
    return percentiles(times)


class Builder(threading.Thread):
    """Commits a build into ``index`` every ``every`` seconds until stopped: a small
    JSON Lines file rewritten each round (some articles added, some changed, some
    gone), built as an incremental update next to the Reuters articles."""

    def __init__(self, index: Path, every: float) -> None:
        super().__init__(daemon=True)
        self.index, self.every = index, every
        self.folder = Path(tempfile.mkdtemp(prefix="serve-bench-builds-"))
        self.stop = threading.Event()
        self.builds = 0
        self.failures: list[str] = []

    def run(self) -> None:
        round_ = 0
        while not self.stop.wait(self.every):
            round_ += 1
            records = [{"id": f"live-{n}", "title": f"Live oil report {n} round {round_}",
                        "body": f"Crude oil prices in round {round_}, report {n}.",
                        "topics": ["crude"], "date": "1987-10-20"}
                       for n in range(round_ % 7, round_ % 7 + 20)]
            (self.folder / "live.jsonl").write_text(
                "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            done = subprocess.run([str(BIN / "searcher"), "build", str(self.folder), "--index",
                                   str(self.index), "--map", qbench.FIELD_MAP[0], "--quiet"],
                                  capture_output=True, text=True, check=False)
            if done.returncode:
                self.failures.append(done.stderr.strip()[-200:])
            self.builds += 1

    def finish(self) -> None:
        self.stop.set()
        self.join()
        shutil.rmtree(self.folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--clients", default="16,64", help="client counts, comma-separated")
    ap.add_argument("--seconds", type=float, default=10.0, help="per client count")
    ap.add_argument("--workers", type=int, default=1, help="searcher serve --workers")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--index", type=Path, help="serve this index (default: Reuters)")
    ap.add_argument("--builds", action="store_true",
                    help="commit a build into a copy of the index during the runs")
    ap.add_argument("--build-every", type=float, default=3.0, metavar="SECONDS")
    args = ap.parse_args(argv)
    qbench.OUT.mkdir(parents=True, exist_ok=True)
    records = qbench.load_records(qbench.CORPUS)
    queries = qbench.make_queries(records, args.queries, args.seed)
    del records
    index = args.index or reuters_index([])
    scratch = None
    if args.builds:
        scratch = Path(tempfile.mkdtemp(prefix="serve-bench-index-"))
        shutil.copytree(index, scratch / "index")
        index = scratch / "index"
    paths = [api_path(q) for q in queries]
    library = library_latency(index, queries)
    proc, port = start_server(index, args.workers)
    builder = Builder(index, args.build_every) if args.builds else None
    summary: dict[str, Any] = {"benchmark": "serve", "index": str(index),
                               "workers": args.workers, "queries": len(queries),
                               "seconds": args.seconds, "library": library, "runs": []}
    try:
        run_clients(port, paths, 4, 2.0)  # warm-up: posting lists decoded, pages cached
        if builder:
            builder.start()
        for clients in (int(c) for c in args.clients.split(",") if c.strip()):
            summary["runs"].append(run_clients(port, paths, clients, args.seconds))
        pages = ["/?" + urlencode({"q": q.ours()}) for q in queries]
        page = run_clients(port, pages, 1, max(2.0, args.seconds / 2))
        summary["page"] = {k: page[k] for k in ("requests", "p50_ms", "p95_ms", "errors")}
        summary["server_rss_mb"], summary["server_peak_rss_mb"] = server_rss_mb(proc)
        if not args.builds:  # (a build committing mid-export stops it, by design)
            summary["exports"] = [export_stream(proc, port, q) for q in EXPORT_QUERIES]
    finally:
        if builder:
            builder.finish()
            summary["builds"] = builder.builds
            summary["build_failures"] = builder.failures
        proc.terminate()
        proc.wait(timeout=10)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    report(summary)
    return 0


def report(summary: dict[str, Any]) -> None:
    lib = summary["library"]
    print(f"\nsearcher serve on {summary['index']} (workers {summary['workers']}, "
          f"{summary['queries']} queries, {summary['seconds']:.0f} s per row"
          + (f", {summary['builds']} builds committed during the runs" if "builds" in summary
             else "") + ")\n")
    print(f"{'clients':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for r in summary["runs"]:
        print(f"{r['clients']:>8} {r['rps']:>8.0f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
              f"{r['p99_ms']:>8.1f} {r['errors']:>7}")
    page = summary["page"]
    print(f"\nresults page, 1 client: p50 {page['p50_ms']:.1f} ms, p95 {page['p95_ms']:.1f} ms, "
          f"{page['errors']} errors")
    print(f"library in-process, same queries: p50 {lib['p50_ms']:.1f} ms, "
          f"p95 {lib['p95_ms']:.1f} ms, p99 {lib['p99_ms']:.1f} ms")
    print(f"server RSS {summary['server_rss_mb']:.0f} MB (peak "
          f"{summary['server_peak_rss_mb']:.0f} MB)")
    for e in summary.get("exports", []):
        print(f"export {e['query']!r} with bodies: {e['rows']:,} rows (total {e['total']:,}) "
              f"in {e['seconds']:.1f} s, server RSS at most {e['max_rss_mb']:.0f} MB")
    at16 = next((r for r in summary["runs"] if r["clients"] == 16), None)
    if at16:
        summary["targets"] = {
            "rps_16": [round(at16["rps"]), TARGETS["rps_16"], at16["rps"] >= TARGETS["rps_16"]],
            "p95_16_ms": [round(at16["p95_ms"], 1), TARGETS["p95_16_ms"],
                          at16["p95_ms"] <= TARGETS["p95_16_ms"]],
            "page_p50_ms": [round(page["p50_ms"], 1), TARGETS["page_p50_ms"],
                            page["p50_ms"] <= TARGETS["page_p50_ms"]],
            "zero_errors": all(r["errors"] == 0 for r in summary["runs"]),
        }
    print(json.dumps(summary, default=lambda x: round(x, 2) if isinstance(x, float) else x))


if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.exit(main())
