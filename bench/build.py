"""Build benchmark on Reuters-21578: searcher vs the obvious Whoosh loop, SQLite FTS5, tantivy.

    python bench/build.py [--corpus PATH] [--engines ours,whoosh,fts5,tantivy] [--keep DIR]
    python bench/build.py --engines nostories,ours,nostories,ours  # story groups' cost
    python bench/build.py --engines ours --scale 50  # Reuters copied 50 times (1.08 M)
    python bench/build.py --engines ours --workers 1  # searcher in one process
    python bench/build.py --engines ours --repo ../old-checkout  # another checkout's searcher
    python bench/build.py --against ../old-checkout --rounds 3 --workers 1  # old vs this one

``--scale K`` builds Reuters with every record repeated K times under new ids, the
corpus file bench/query.py and bench/cluster.py use (written once under bench/out/).
``nostories`` is searcher with near-duplicate story groups (issue 21) switched off
(signatures neither computed nor compared), to measure what they cost.

Each engine builds in a fresh subprocess (so peak RSS is its own, children
included: it is sampled over the process tree); wall time includes reading and
parsing the gzip JSONL and the final commit. Then searcher's no-change re-run is
timed twice: through the library and as the `searcher build` command end to end.
CPU seconds are the whole process tree's (workers included). Peak RSS sums the
tree's resident memory, which counts the pages forked workers share with their parent
once per process; peak PSS divides each shared page among the processes sharing it.
``--against OLD`` measures searcher from the checkout OLD and from this one (or ``--repo``)
in turns, ``--rounds`` times each (old, new, old, new...), so both builds meet the same
load; it prints every build, then per checkout the fewest and the median CPU seconds
(on a shared machine one build's CPU seconds vary by 10-25 % with the load) and the
ratio of new to old. ``--workers`` sets searcher's build processes: auto (the build
decides: worker processes when a core is idle), 1 (one process) or 2 (two workers however
busy the machine is); the table's ``procs`` says how many processes the build had at
most.
Prints a table and a one-line JSON summary.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578" / "articles.jsonl.gz"
TAG_KEYS = ("topics", "places", "people", "orgs", "exchanges")
FIELD_MAP = ["tags=" + ",".join(TAG_KEYS)]


def records(corpus: Path) -> Any:
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("title") or r.get("body"):
                yield r


# the searcher checkout measured (--repo) and its build processes (--workers)
OURS: dict[str, Any] = {"repo": REPO, "workers": "auto"}


# ---- the engines, each run inside its own subprocess -----------------------------------------

def build_ours(corpus: Path, out: Path) -> int:
    sys.path.insert(0, str(OURS["repo"]))
    import searcher
    from searcher import indexer

    if OURS["workers"] == "1":
        indexer.MAX_WORKERS = 1
    elif OURS["workers"] == "2":  # (checkouts before idle_cores ignore it: always workers)
        setattr(indexer, "idle_cores", lambda *_a: float(os.cpu_count() or 2))  # noqa: B010
    report = searcher.build_index([corpus], index=out, field_map=FIELD_MAP, rebuild=True)
    return report.documents


def build_nostories(corpus: Path, out: Path) -> int:
    """searcher without story groups: articles get their story key, nothing else."""
    sys.path.insert(0, str(OURS["repo"]))
    from searcher._whoosh.segment_writer import FastSegmentWriter
    from searcher.stories.build import StoryRun
    from searcher.stories.table import StoryTable

    # (a benchmark's switches, not the package's; the workers fork with them)
    setattr(FastSegmentWriter, "_note_story", lambda self, *_a: None)  # noqa: B010
    setattr(StoryRun, "finish", lambda self, *_a: StoryTable())  # noqa: B010
    return build_ours(corpus, out)


def build_whoosh(corpus: Path, out: Path) -> int:
    """Whoosh used the obvious way: one writer, StemmingAnalyzer, the same fields."""
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        tags=fields.KEYWORD(stored=True, commas=True, lowercase=True),
        published=fields.DATETIME(stored=True, sortable=True),
    )
    out.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(out), schema)
    count = 0
    with ix.writer() as w:
        for r in records(corpus):
            tags = [t for k in TAG_KEYS for t in r.get(k) or ()]
            doc = {"id": r["id"], "title": r["title"], "body": r["body"],
                   "tags": ",".join(tags)}
            if r.get("date"):
                doc["published"] = datetime.fromisoformat(r["date"])
            w.add_document(**doc)
            count += 1
    return count


def build_fts5(corpus: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(out / "fts.db")
    db.execute("CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body, tags, "
               "published UNINDEXED, tokenize='porter unicode61')")
    count = 0
    with db:
        for r in records(corpus):
            tags = " ".join(t for k in TAG_KEYS for t in r.get(k) or ())
            db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?)",
                       (r["id"], r["title"], r["body"], tags, r.get("date")))
            count += 1
    db.close()
    return count


def build_tantivy(corpus: Path, out: Path) -> int:
    """tantivy's Python bindings (the bench extra): the same fields, English stemming."""
    import tantivy

    out.mkdir(parents=True, exist_ok=True)
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("tags", stored=True, tokenizer_name="raw")
    sb.add_date_field("published", stored=True, indexed=True, fast=True)
    ix = tantivy.Index(sb.build(), path=str(out))
    w = ix.writer(heap_size=256_000_000, num_threads=1)
    count = 0
    for r in records(corpus):
        doc = tantivy.Document(id=r["id"], title=r["title"], body=r["body"],
                               tags=[t.lower() for k in TAG_KEYS for t in r.get(k) or ()] or [""])
        if r.get("date"):
            doc.add_date("published", datetime.fromisoformat(r["date"]))
        w.add_document(doc)
        count += 1
    w.commit()
    w.wait_merging_threads()
    return count


ENGINES = {"ours": build_ours, "nostories": build_nostories, "whoosh": build_whoosh,
           "fts5": build_fts5, "tantivy": build_tantivy}


# ---- measuring -------------------------------------------------------------------------------

def tree_memory_kb(root: int) -> tuple[int, int, int]:
    """Resident memory (RSS, PSS) of a process and all its descendants, from /proc, and
    how many processes there are."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    rss = pss = count = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        count += 1
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
        stack.extend(parents.get(pid, ()))
    return rss, pss, count


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def measure(engine: str, corpus: Path, out: Path) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    # CPU of the child and every process it waited for (the parallel build's workers):
    # RUSAGE_CHILDREN grows by the whole tree once the child is reaped.
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", engine, "--corpus",
                             str(corpus), "--keep", str(out), "--repo", str(OURS["repo"]),
                             "--workers", OURS["workers"]], stdout=subprocess.PIPE, text=True)
    peak = peak_pss = processes = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss, processes
        while not done.is_set():
            rss, pss, count = tree_memory_kb(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            processes = max(processes, count)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} build failed with status {proc.returncode}")
    docs = int(stdout.strip().splitlines()[-1])
    return {"engine": engine, "docs": docs, "seconds": round(wall, 2), "cpu_s": round(cpu, 2),
            "docs_per_s": round(docs / wall), "peak_rss_mb": round(peak / 1024),
            "peak_pss_mb": round(peak_pss / 1024), "processes": processes,
            "index_mb": round(dir_mb(out), 1)}


def unchanged_rerun(corpus: Path, index: Path) -> dict[str, float]:
    sys.path.insert(0, str(OURS["repo"]))
    import searcher

    started = time.perf_counter()
    report = searcher.build_index([corpus], index=index, field_map=FIELD_MAP)
    library_s = time.perf_counter() - started
    assert not report.changed, "the re-run found changes"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "searcher", "build", str(corpus), "--index",
                    str(index), "--map", FIELD_MAP[0], "--quiet"], check=True,
                   cwd=OURS["repo"])
    cli_s = time.perf_counter() - started
    return {"library_s": round(library_s, 3), "cli_s": round(cli_s, 3)}


def compare(old: Path, new: Path, rounds: int, corpus: Path, root: Path) -> None:
    """searcher's build from ``old`` and from ``new`` in turns, ``rounds`` times each."""
    builds: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    print(f"{'build':<5} {'round':>5} {'load':>5} {'seconds':>8} {'CPU s':>7} "
          f"{'peak RSS MB':>12} {'PSS MB':>7} {'procs':>5} {'index MB':>9}")
    for n in range(1, rounds + 1):
        for label, repo in (("old", old), ("new", new)):
            OURS["repo"] = repo
            load = round(os.getloadavg()[0], 2)
            r = {**measure("ours", corpus, root / "ours"), "round": n, "load": load}
            builds[label].append(r)
            print(f"{label:<5} {n:>5} {load:>5.1f} {r['seconds']:>8.1f} {r['cpu_s']:>7.1f} "
                  f"{r['peak_rss_mb']:>12,} {r['peak_pss_mb']:>7,} {r['processes']:>5} "
                  f"{r['index_mb']:>9.1f}")
    summary: dict[str, Any] = {"corpus": str(corpus), "workers": OURS["workers"],
                               "cpus": os.cpu_count(), "old": str(old), "new": str(new)}
    for label, rows in builds.items():
        cpu = [r["cpu_s"] for r in rows]
        summary[label] = {"cpu_s_min": min(cpu), "cpu_s_median": statistics.median(cpu),
                          "seconds_min": min(r["seconds"] for r in rows),
                          "peak_rss_mb_max": max(r["peak_rss_mb"] for r in rows),
                          "index_mb": rows[-1]["index_mb"], "builds": rows}
    for key in ("cpu_s_min", "cpu_s_median"):
        summary[f"new_vs_old_{key}"] = round(summary["new"][key] / summary["old"][key], 3)
    print(f"CPU s, fewest / median: old {summary['old']['cpu_s_min']:.1f} / "
          f"{summary['old']['cpu_s_median']:.1f}, new {summary['new']['cpu_s_min']:.1f} / "
          f"{summary['new']['cpu_s_median']:.1f} (new/old {summary['new_vs_old_cpu_s_min']} / "
          f"{summary['new_vs_old_cpu_s_median']})")
    print(json.dumps(summary))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--scale", type=int, default=1,
                        help="Reuters (or --corpus) copied this many times with new ids")
    parser.add_argument("--engines", default="ours,whoosh,fts5")
    parser.add_argument("--keep", type=Path, help="where to build (default: a temp dir)")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="the searcher checkout to measure (default: this one)")
    parser.add_argument("--workers", choices=["auto", "1", "2"], default="auto",
                        help="searcher's build processes (default: as the build decides)")
    parser.add_argument("--against", type=Path,
                        help="another searcher checkout, measured in turns with this one")
    parser.add_argument("--rounds", type=int, default=3,
                        help="builds of each checkout with --against (default 3)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    OURS.update(repo=args.repo.resolve(), workers=args.workers)
    if args.child:
        print(ENGINES[args.child](args.corpus, args.keep))
        return

    if args.scale > 1:
        sys.path.insert(0, str(HERE))
        import query as qbench  # bench/query.py: the scaled corpus

        qbench.OUT.mkdir(parents=True, exist_ok=True)
        args.corpus = qbench.scaled_corpus(args.corpus, qbench.load_records(args.corpus),
                                           args.scale, qbench.file_sha1(args.corpus)[:12])
    root = args.keep or Path(tempfile.mkdtemp(prefix="searcher-bench-build-"))
    if args.against:
        compare(args.against.resolve(), OURS["repo"], args.rounds, args.corpus, root)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        return
    rows = [measure(e, args.corpus, root / e) for e in args.engines.split(",")]
    by = {r["engine"]: r for r in rows}
    rerun = unchanged_rerun(args.corpus, root / "ours") if "ours" in by else {}

    print(f"{'engine':<8} {'docs':>7} {'seconds':>8} {'CPU s':>7} {'docs/s':>8} "
          f"{'peak RSS MB':>12} {'PSS MB':>7} {'procs':>5} {'index MB':>9} {'vs whoosh':>10}")
    for r in rows:
        ratio = (f"{r['docs_per_s'] / by['whoosh']['docs_per_s']:.2f}x" if "whoosh" in by
                 else "")
        print(f"{r['engine']:<8} {r['docs']:>7,} {r['seconds']:>8.1f} {r['cpu_s']:>7.1f} "
              f"{r['docs_per_s']:>8,} "
              f"{r['peak_rss_mb']:>12,} {r['peak_pss_mb']:>7,} {r['processes']:>5} "
              f"{r['index_mb']:>9.1f} {ratio:>10}")
    if rerun:
        print(f"unchanged re-run: {rerun['library_s']:.3f} s (library), "
              f"{rerun['cli_s']:.3f} s (`searcher build`, end to end)")
    summary = {"corpus": str(args.corpus), "scale": args.scale, "cpus": os.cpu_count(),
               "repo": str(OURS["repo"]), "workers": OURS["workers"],
               "load_average": [round(x, 2) for x in os.getloadavg()], "engines": rows,
               "unchanged_rerun": rerun}
    if "ours" in by and "whoosh" in by:
        summary["ours_vs_whoosh"] = round(by["ours"]["docs_per_s"] / by["whoosh"]["docs_per_s"], 2)
    print(json.dumps(summary))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
