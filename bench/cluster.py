#!/usr/bin/env python3
"""One index vs a sharded index, in-process and on a local Dask cluster: query latency
and build time.

    python bench/cluster.py [--scale 1] [--shards 4,8] [--queries 200] [--seed 1]
    python bench/cluster.py --scale 50 --shards 4 --keep DIR [--build-on dask]
    python bench/cluster.py --scale 1 --reading-only

Builds Reuters-21578 (``--scale K``: every record repeated K times with the ids
``<id>-<k>``, as bench/query.py does) as one index and as N shards for each
``--shards`` value: in this process (``build_sharded``) and on a local Dask cluster
(2 worker processes, one thread each, scheduler and workers bound to 127.0.0.1,
``build_sharded(scheduler=...)``). Each build is timed (fresh, ``rebuild``); none is
kept unless ``--keep DIR`` names where to keep them (``DIR/one``, ``DIR/local-N``,
``DIR/dask-N``, each with a ``.done`` file holding its build's seconds and MB): a
later run reuses every finished build there (a 50x build takes minutes and GBs), so
one index is built once for every shard count. ``--build-on dask`` (or ``local``)
builds the shards one way only, and both searches read that build.
Then bench/query.py's fixed query mix (top 10 with snippets, exact totals, the
tag and date filters of its kinds) runs on one index, on the shards in-process and on
the shards through the Dask cluster: one warm-up pass over another mix (``--seed`` +
1: opens the shards, fills the caches), one timed pass over the mix (new queries: a
sharded index gathers their statistics first) and one timed pass repeating it
(repeated queries: it keeps their statistics while the shards do not change): p50/p95
ms of the repeated pass overall and per kind, the new queries' p50/p95, the
coordination overhead (sharded p50 minus one index's p50), and whether every query's
total and top-10 ids and scores equal one index's (in (score, id) order among one
index's top 1000, scores to 1e-9 relative). Every search keeps each copy of a story
its own hit (``collapse=False``), one index's too: where a story's best copies score
alike one index shows the one it added first and shards the smallest id, so collapsed
pages are compared by story in tests/test_cluster_stories.py, not here. Each build's
index size is listed (``index_mb``), and ``--reading-only`` measures what the process
running a sharded build does alone (read, judge, route: articles per CPU second), the
build's ceiling when the shards' writers run on other machines.
Issue 19's target: sharded p50 <= 2x one index's p50 + 10 ms. The Dask workers' memory
is read before and after their searches (RSS growth per open shard), and a sizing table
for 10 M and 100 M articles is computed from the run's own figures (:func:`sizing`: shards
the size of this run's one index, their disk, RAM, nodes, query p50 and build hours).
The last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import query as qbench  # noqa: E402 (bench/query.py: the query mix and the scaled corpus)

import searcher  # noqa: E402
from searcher.cluster.build import build_sharded  # noqa: E402

TARGET_P50 = (2.0, 10.0)  # sharded p50 <= 2x one index's p50 + 10 ms (issue 19)
SIZES = (10_000_000, 100_000_000)  # the sizing table's collections
NODE_CORES, NODE_GB, NODE_USABLE_GB = 16, 64, 56  # the sizing table's machines


def timed(fn: Callable[[], Any], what: str) -> tuple[float, float]:
    """Seconds a build took and its index's size in MB (what the sizing reads)."""
    started = time.perf_counter()
    report = fn()
    took = time.perf_counter() - started
    print(f"{what}: {took:.1f} s", file=sys.stderr, flush=True)
    return took, report.index_bytes / 1e6


def kept(target: Path, fn: Callable[[], Any], what: str,
         keep: bool) -> tuple[float, float]:
    """As :func:`timed`; with ``keep`` a finished build of ``target`` (its ``.done``
    file beside it: the build's seconds and MB) is reused, and a new one is kept."""
    done = target.with_name(target.name + ".done")
    if keep and done.exists() and target.exists():
        figures = json.loads(done.read_text())
        print(f"{what}: kept from {target} ({figures['build_s']:.1f} s when built)",
              file=sys.stderr, flush=True)
        return float(figures["build_s"]), float(figures["index_mb"])
    if target.exists():  # an unfinished build: start again
        shutil.rmtree(target)
    took, mb = timed(fn, what)
    if keep:
        done.write_text(json.dumps({"build_s": round(took, 1), "index_mb": round(mb, 1),
                                    "load": round(os.getloadavg()[0], 1)}))
    return took, mb


def run_mix(ix: Any, warm_up: Sequence[qbench.BenchQuery],
            queries: Sequence[qbench.BenchQuery]) -> tuple[list[float], list[float], list[Any]]:
    """A warm-up pass over other queries, then two timed passes over ``queries``: ms per
    query the first time, ms per query repeated, and each query's results."""
    def one(q: qbench.BenchQuery) -> Any:
        return ix.search(q.ours(), tags=[q.tag] if q.tag else (), since=q.since,
                         until=q.until, limit=qbench.LIMIT, collapse=False)

    for q in warm_up:
        one(q)
    passes: list[list[float]] = [[], []]
    results = []
    for times in passes:
        results = []
        for q in queries:
            started = time.perf_counter()
            results.append(one(q))
            times.append((time.perf_counter() - started) * 1000)
    return passes[0], passes[1], results


def same(a: Any, b: Any, score_of: Callable[[str], float]) -> bool:
    """Same total, and ``b``'s top ids and scores are ``a``'s first in (score, id)
    order (``a`` is one index's top 1000: one index breaks ties by insertion order,
    shards by id). A tie that goes on past one index's 1000th hit (Reuters' 1,604
    "blah blah" articles score alike) holds articles ``a`` does not list: ``b``'s
    hits in it are checked by their score in one index (``score_of``: explain)."""
    def ranked(r: Any) -> list[tuple[float, str]]:
        return sorted((-float(f"{h.score:.12g}"), h.id) for h in r.hits)

    if a.total != b.total:
        return False
    listed = ranked(a)
    x, y = listed[:len(b.hits)], ranked(b)
    if len(x) != len(y) or not all(math.isclose(s, t, rel_tol=1e-9)
                                   for (s, _), (t, _) in zip(x, y, strict=True)):
        return False
    edge = listed[-1][0] if a.total > len(listed) else None
    return all(i == j or (edge is not None and math.isclose(t, edge, rel_tol=1e-9)
                          and math.isclose(score_of(j), -t, rel_tol=1e-9))
               for (_s, i), (t, j) in zip(x, y, strict=True))


class _Discarding:
    """A writer that keeps nothing: what is left of a build is its reading."""

    generation = 0

    def add_document(self, **_doc: Any) -> None:
        pass

    def delete_by_term(self, _field: str, _text: str) -> None:
        pass


def reading_rate(corpus: Path) -> float:
    """Articles per second the process running a sharded build reads, judges and
    routes with every write discarded (a build's ceiling when its shards' writers run
    elsewhere: on Dask workers each shard's analysis and segments are the workers')."""
    from searcher import schema
    from searcher.corpus import discover
    from searcher.formats import parse_field_map
    from searcher.indexer import reading_key
    from searcher.storage import Manifest
    from searcher.update import Update

    fmap = parse_field_map(qbench.FIELD_MAP)
    found = discover([corpus])
    run = Update(None, Manifest(schema.SCHEMA_VERSION), fmap, reading_key(fmap), None,
                 lambda _ix, _records: _Discarding())
    started = time.process_time()
    run.apply(found)
    return run.counts.added / (time.process_time() - started)


def build_all(args: Any, work: Path, corpus: Path, shard_counts: list[int],
              build_on: set[str]) -> None:
    """Every sharded build the run would search, kept in ``work`` (``--build-only``)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", protocol="tcp", scheduler_port=0,
                      dashboard_address="127.0.0.1:0") as cluster:
        for n in shard_counts:
            if "local" in build_on:
                kept(work / f"local-{n}", lambda n=n: build_sharded(
                    [corpus], index=work / f"local-{n}", shards=n,
                    field_map=qbench.FIELD_MAP), f"{n} shards built in-process", True)
            if "dask" in build_on:
                kept(work / f"dask-{n}", lambda n=n: build_sharded(
                    [corpus], index=work / f"dask-{n}", shards=n,
                    field_map=qbench.FIELD_MAP, scheduler=cluster.scheduler_address),
                    f"{n} shards built on Dask", True)


def worker_rss_mb(address: str) -> dict[str, float]:
    """Each Dask worker's resident memory, MB (psutil: what the OS counts as its own)."""
    import psutil
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        return {w: rss / 1e6 for w, rss in client.run(
            lambda: psutil.Process().memory_info().rss).items()}


def sizing(documents: int, rows: list[dict[str, Any]], shard_counts: list[int],
           workers: int, shard_mb: dict[int, float], cores: int) -> list[dict[str, Any]]:
    """Shards, disk, RAM, nodes, query p50 and build hours for SIZES articles, from this
    run's figures: a shard holds as many articles as this run's one index (its p50s are
    a shard's, measured); disk is the largest sharded build's MB per article; RAM keeps
    every shard's index in the page cache plus each open shard's memory (the Dask
    workers' RSS growth per shard, scaled to the shard's articles: an upper bound, the
    posting cache is bounded); nodes of NODE_CORES cores and NODE_GB GB (NODE_USABLE_GB
    for the index), as many as the RAM or one core per shard needs; the query p50 is a
    shard's times the shards each core runs, plus the Dask coordination measured with
    the largest shard count (its p50 less the in-process shards' p50 over the workers,
    which ran them in parallel); a build writes at this run's sharded articles per
    second per core (wall time on a machine as loaded as the run's: an upper bound),
    read by one process (``--reading-only``: the rate that limits it is not here)."""
    n = max(shard_counts)
    by_setup = {r["setup"]: r for r in rows}
    one = rows[0]
    local = by_setup[f"{n} shards, in-process"]
    remote = by_setup[f"{n} shards, Dask {workers} workers"]
    disk_kb = local["index_mb"] * 1000 / documents
    open_mb = shard_mb.get(n, 0.0) * n / documents  # per article of an open shard
    coordination = {k: max(0.0, remote[k] - local[k] / workers) for k in ("p50_ms", "new_p50_ms")}
    build_rate = documents / local["build_s"] / cores if local.get("build_s") else None
    table = []
    for size in SIZES:
        shards = math.ceil(size / documents)
        disk_gb = size * disk_kb / 1e6
        ram_gb = disk_gb + size * open_mb / 1000
        nodes = max(math.ceil(ram_gb / NODE_USABLE_GB), math.ceil(shards / NODE_CORES))
        waves = math.ceil(shards / (nodes * NODE_CORES))
        table.append({
            "articles": size, "shards": shards, "articles_per_shard": documents,
            "disk_gb": round(disk_gb, 1), "ram_gb": round(ram_gb, 1), "nodes": nodes,
            "p50_ms": round(waves * one["p50_ms"] + coordination["p50_ms"], 1),
            "new_p50_ms": round(waves * one["new_p50_ms"] + coordination["new_p50_ms"], 1),
            "build_h": None if build_rate is None else
            round(size / (build_rate * nodes * NODE_CORES) / 3600, 2)})
    return table


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(new: Sequence[float], times: Sequence[float],
            kinds: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"p50_ms": round(statistics.median(times), 2),
                           "p95_ms": round(pct(times, 95), 2),
                           "new_p50_ms": round(statistics.median(new), 2),
                           "new_p95_ms": round(pct(new, 95), 2)}
    for kind in qbench.KINDS:
        mine = [t for t, k in zip(times, kinds, strict=True) if k == kind]
        if mine:
            out[kind] = round(statistics.median(mine), 2)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--shards", default="4,8")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    ap.add_argument("--keep", type=Path, default=None, metavar="DIR",
                    help="keep the built indexes in DIR and reuse those finished there "
                         "(one index, local-N, dask-N)")
    ap.add_argument("--build-on", default="local,dask",
                    help="where the shards are built: local, dask or both; with one, "
                         "both searches read that build (the same shards)")
    ap.add_argument("--build-only", action="store_true",
                    help="with --keep: only build what DIR does not hold yet (the "
                         "queries run later, from another checkout if need be)")
    ap.add_argument("--reading-only", action="store_true",
                    help="only the build's reading: articles per CPU second, writes discarded")
    args = ap.parse_args(argv)
    shard_counts = [int(n) for n in args.shards.split(",") if n.strip()]
    if args.build_only and args.keep is None:
        ap.error("--build-only keeps the builds: name where with --keep DIR")
    build_on = {w.strip() for w in args.build_on.split(",") if w.strip()}
    if not build_on or build_on - {"local", "dask"}:
        ap.error("--build-on takes local, dask or local,dask")

    from distributed import LocalCluster

    load_before = os.getloadavg()[0]

    records = qbench.load_records(qbench.CORPUS)
    qbench.OUT.mkdir(parents=True, exist_ok=True)  # where the scaled corpus is written
    corpus = qbench.scaled_corpus(qbench.CORPUS, records, args.scale,
                                  qbench.file_sha1(qbench.CORPUS)[:12])
    if args.reading_only:
        rate = reading_rate(corpus)
        print(json.dumps({"scale": args.scale, "reading_articles_per_cpu_s": round(rate),
                          "load": round(os.getloadavg()[0], 1)}))
        return 0
    queries = qbench.make_queries(records, args.queries, args.seed)
    warm_up = qbench.make_queries(records, args.queries, args.seed + 1)
    kinds = [q.kind for q in queries]
    keep = args.keep is not None
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    work = args.keep.resolve() if args.keep is not None else Path(tempfile.mkdtemp(
        prefix="cluster-bench-", dir=qbench.OUT if qbench.OUT.exists() else None))
    rows: list[dict[str, Any]] = []
    shard_mb: dict[int, float] = {}  # the Dask workers' RSS growth per open shard
    try:
        one = work / "one"
        build_one, mb_one = kept(one, lambda: searcher.build_index(
            [corpus], index=one, field_map=qbench.FIELD_MAP), "one index built", keep)
        if args.build_only:
            build_all(args, work, corpus, shard_counts, build_on)
            return 0
        with searcher.open_index(one) as ix:
            new, times, _results = run_mix(ix, warm_up, queries)
            documents = len(ix)
            expected = [ix.search(q.ours(), tags=[q.tag] if q.tag else (), since=q.since,
                                  until=q.until, limit=1000, snippets=False, collapse=False)
                        for q in queries]  # the oracle, untimed
        rows.append({"setup": "one index", "build_s": round(build_one, 1),
                     "index_mb": round(mb_one, 1),
                     **summary(new, times, kinds), "exact": True})
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", protocol="tcp", scheduler_port=0,
                          dashboard_address="127.0.0.1:0") as cluster:
            address = cluster.scheduler_address
            for n in shard_counts:
                rss_before = worker_rss_mb(address)
                local, remote = work / f"local-{n}", work / f"dask-{n}"
                built: dict[str, tuple[Path, float | None, float]] = {}
                if "local" in build_on:
                    s, mb = kept(local, lambda n=n, local=local: build_sharded(
                        [corpus], index=local, shards=n, field_map=qbench.FIELD_MAP),
                        f"{n} shards built in-process", keep)
                    built["local"] = (local, s, mb)
                if "dask" in build_on:
                    s, mb = kept(remote, lambda n=n, remote=remote: build_sharded(
                        [corpus], index=remote, shards=n, field_map=qbench.FIELD_MAP,
                        scheduler=address), f"{n} shards built on Dask", keep)
                    built["dask"] = (remote, s, mb)
                only = next(iter(built.values()))
                for setup, scheduler, (path, build_s, mb) in (
                        (f"{n} shards, in-process", None,
                         built.get("local", (only[0], None, only[2]))),
                        (f"{n} shards, Dask {args.workers} workers", address,
                         built.get("dask", (only[0], None, only[2])))):
                    with searcher.open_index(path, scheduler=scheduler or "") as ix:
                        new, times, got = run_mix(ix, warm_up, queries)
                        if scheduler:  # the workers hold the shards open now
                            grown = sum(worker_rss_mb(address).values()) - \
                                sum(rss_before.values())
                            shard_mb[n] = grown / n
                    with searcher.open_index(one) as oracle:
                        differ = [(q, a, b) for q, a, b in zip(queries, expected, got,
                                                               strict=True)
                                  if not same(a, b, lambda i, q=q, oracle=oracle:
                                              oracle.explain(i, q.ours()).score)]
                    for q, a, b in differ[:3]:  # say which, not only that
                        print(f"{setup}: {q.ours()!r} tag={q.tag} since={q.since} "
                              f"until={q.until}: total {b.total} (one index {a.total}); "
                              f"top {[(h.id, h.score) for h in b.hits[:4]]} "
                              f"(one index {[(h.id, h.score) for h in a.hits[:4]]})",
                              file=sys.stderr, flush=True)
                    exact = not differ
                    rows.append({"setup": setup,
                                 "build_s": None if build_s is None else round(build_s, 1),
                                 "index_mb": round(mb, 1),
                                 **summary(new, times, kinds), "exact": exact})
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)

    base = rows[0]["p50_ms"]
    load = (round(load_before, 1), round(os.getloadavg()[0], 1))
    print(f"Reuters-21578 x{args.scale}: {documents:,} articles, {len(queries)} queries "
          f"(top {qbench.LIMIT}, snippets, exact totals); {os.cpu_count()} cores, "
          f"load average {load[0]} at the start, {load[1]} at the end")
    header = ["setup", "build_s", "index_mb", "p50_ms", "p95_ms", "new_p50_ms", "new_p95_ms",
              "overhead_ms", *qbench.KINDS, "exact"]
    print(" | ".join(header))
    for row in rows:
        row["overhead_ms"] = round(row["p50_ms"] - base, 2)
        row["meets_target"] = row["p50_ms"] <= TARGET_P50[0] * base + TARGET_P50[1]
        print(" | ".join(str(row.get(h, "")) for h in header))
    table = sizing(documents, rows, shard_counts, args.workers, shard_mb, os.cpu_count() or 1)
    print(f"Sizing from these figures (shards of {documents:,} articles; nodes of "
          f"{NODE_CORES} cores and {NODE_GB} GB; RAM open per shard "
          f"{ {n: round(mb, 1) for n, mb in shard_mb.items()} } MB by shard count):")
    header = ["articles", "shards", "disk_gb", "ram_gb", "nodes", "p50_ms", "new_p50_ms",
              "build_h"]
    print(" | ".join(header))
    for size in table:
        print(" | ".join(str(size[h]) for h in header))
    print(json.dumps({"scale": args.scale, "documents": documents, "queries": len(queries),
                      "load": load, "rows": rows, "shard_mb": shard_mb, "sizing": table}))
    return 0 if all(r["exact"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
