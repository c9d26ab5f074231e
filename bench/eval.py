"""Relevance of the library's default search on seven judged test collections.

Why: ranking quality is easy to break silently (an analyzer change, a field
boost, the default operator), and "it finds the article" tests do not show it;
and defaults tuned on a few collections do not transfer (issue 11), so no single
collection may decide. This script runs every judged query of each collection,
as typed, through the library's default path (``open_index(...).search(text,
limit=100, snippets=False)``) and scores the ranking with nDCG@10 (graded,
linear gain, log2 discount, as trec_eval's ``ndcg_cut.10``) and Recall@100.
Beside it, the lexical engines anyone would reach for (bench/baselines.py):
SQLite FTS5, bm25s and plain Whoosh. The target: searcher at least level with
FTS5 and bm25s on every collection.

Then the leave-one-collection-out (LOCO) table (bench/relevance_lab.py): for
each collection, the ranking configuration that scores best on all the *other*
collections, measured on the one left out, beside the shipped defaults. A
default changes only if that raises the mean and lowers no collection by more
than 0.005.

Collections: Cranfield, CISI, NFCorpus, TIME (news), MEDLINE, CACM and NPL, all from
``../shared/eval`` (READMEs there). BEIR SciFact is kept
out on purpose: it is the held-out check. Usage, from the repository root, with
the bench extra installed (``pip install -e '.[bench]'``)::

    python bench/eval.py [--collections cranfield,cisi,...] [--no-loco]
                         [--engines ours,ours+rm3,fts5,bm25s,whoosh] [--eval-dir DIR]

``ours+rm3`` is the same search with ``expand=True`` (RM3 query expansion).

Prints the tables, then one line of JSON with every number.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from baselines import BASELINES
from judged import (
    COLLECTIONS,
    DEFAULT_EVAL_DIR,
    DEPTH,
    NDCG_AT,
    Collection,
    Run,
    find_collection,
    load_collection,
    score,
)

import searcher
from searcher.errors import QuerySyntaxError

ENGINES = ("ours", "ours+rm3", "fts5", "bm25s", "whoosh")


@dataclass
class EngineResult:
    run: Run
    build_s: float
    search_s: float
    failed: list[str]  # query ids the engine refused (scored as empty rankings)


# --------------------------------------------------------------------------- engines

def build_ours(coll: Collection, workdir: Path) -> Path:
    """Index the collection with the library, from a JSON Lines file (_id -> id,
    text -> body), exactly as a user would."""
    source = workdir / f"{coll.name}.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for d in coll.docs:
            f.write(json.dumps({"id": d.id, "title": d.title, "body": d.body}) + "\n")
    index = workdir / f"{coll.name}-index"
    searcher.build_index([source], index=index, rebuild=True)
    return index


def search_ours(index: Path, queries: Mapping[str, str], expand: bool = False
                ) -> tuple[Run, list[str]]:
    """The default search path, untouched: natural-language text as typed
    (``expand``: with RM3 query expansion, ``search(..., expand=True)``)."""
    run: Run = {}
    failed: list[str] = []
    with searcher.open_index(index) as ix:
        for qid, text in queries.items():
            try:
                results = ix.search(text, limit=DEPTH, snippets=False, expand=expand)
            except QuerySyntaxError as e:  # natural text should never raise: a bug
                print(f"ours: query {qid} raised {e!r}: {text!r}", file=sys.stderr)
                failed.append(qid)
                continue
            run[qid] = [h.id for h in results.hits]
    return run, failed


def run_ours(coll: Collection, workdir: Path, expand: bool = False) -> EngineResult:
    t0 = time.perf_counter()
    index = build_ours(coll, workdir)
    t1 = time.perf_counter()
    run, failed = search_ours(index, coll.queries, expand)
    return EngineResult(run, t1 - t0, time.perf_counter() - t1, failed)


def run_ours_rm3(coll: Collection, workdir: Path) -> EngineResult:
    """Ours with ``expand=True`` (RM3 pseudo-relevance feedback)."""
    return run_ours(coll, workdir, expand=True)


def run_baseline(name: str) -> Callable[[Collection, Path], EngineResult]:
    """A baseline from bench/baselines.py, timed like ours."""
    def run(coll: Collection, workdir: Path) -> EngineResult:
        t0 = time.perf_counter()
        engine = BASELINES[name](coll.docs)
        t1 = time.perf_counter()
        run: Run = {}
        failed: list[str] = []
        for qid, text in coll.queries.items():
            try:
                run[qid] = engine.search(text, DEPTH)
            except Exception as e:  # a baseline's parser refusing text: counted
                print(f"{name}: query {qid} raised {e!r}", file=sys.stderr)
                failed.append(qid)
        return EngineResult(run, t1 - t0, time.perf_counter() - t1, failed)
    return run


ENGINE_RUNNERS: dict[str, Callable[[Collection, Path], EngineResult]] = {
    "ours": run_ours, "ours+rm3": run_ours_rm3, **{name: run_baseline(name) for name in BASELINES},
}


# --------------------------------------------------------------------------- report

def evaluate(names: Iterable[str], engines: Sequence[str],
             eval_dir: Path) -> dict[str, dict[str, dict[str, float]]]:
    """{collection: {engine: {metric: value, "build_s", "search_s", "failed"}}}."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="searcher-eval-") as tmp:
        for name in names:
            coll = load_collection(find_collection(name, eval_dir))
            out[name] = {}
            for engine in engines:
                res = ENGINE_RUNNERS[engine](coll, Path(tmp))
                out[name][engine] = {**score(res.run, coll.qrels),
                                     "build_s": round(res.build_s, 2),
                                     "search_s": round(res.search_s, 2),
                                     "failed": len(res.failed)}
                print(f"  {name:<10} {engine:<7} done in "
                      f"{res.build_s + res.search_s:.1f} s", file=sys.stderr)
    return out


def summarize(results: dict[str, dict[str, dict[str, float]]],
              engines: Sequence[str]) -> dict[str, object]:
    metrics = (f"ndcg@{NDCG_AT}", f"recall@{DEPTH}")
    mean = {e: {m: sum(results[c][e][m] for c in results) / len(results) for m in metrics}
            for e in engines}
    summary: dict[str, object] = {
        "collections": {c: {e: {m: round(v[m], 4) for m in metrics} for e, v in r.items()}
                        for c, r in results.items()},
        "mean": {e: {m: round(v, 4) for m, v in ms.items()} for e, ms in mean.items()},
        "failed_queries": {c: {e: int(v["failed"]) for e, v in r.items()}
                           for c, r in results.items()},
    }
    if "ours" in engines:
        for other in (e for e in engines if not e.startswith("ours")):
            summary[f"beats_{other}"] = all(r["ours"][metrics[0]] >= r[other][metrics[0]]
                                            for r in results.values())
    return summary


def print_table(results: dict[str, dict[str, dict[str, float]]],
                engines: Sequence[str]) -> None:
    for metric, label in ((f"ndcg@{NDCG_AT}", f"nDCG@{NDCG_AT}"),
                          (f"recall@{DEPTH}", f"Recall@{DEPTH}")):
        head = f"{label:<12}" + "".join(f"{e:>10}" for e in engines)
        print(head)
        print("-" * len(head))
        for c, r in results.items():
            best = max(r[e][metric] for e in engines)
            print(f"{c:<12}" + "".join(
                f"{r[e][metric]:>9.4f}{'*' if r[e][metric] == best else ' '}"
                for e in engines))
        print(f"{'mean':<12}" + "".join(
            f"{sum(results[c][e][metric] for c in results) / len(results):>9.4f} "
            for e in engines))
        print()
    print(f"{'seconds':<12}" + "".join(f"{e + ' build/search':>22}" for e in engines))
    for c, r in results.items():
        print(f"{c:<12}" + "".join(f"{r[e]['build_s']:>14.1f} / {r[e]['search_s']:<5.1f}"
                                   for e in engines))
    print()


def _exists(name: str, eval_dir: Path) -> bool:
    try:
        find_collection(name, eval_dir)
    except FileNotFoundError:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--collections", default=",".join(COLLECTIONS))
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    ap.add_argument("--no-loco", action="store_true",
                    help="skip the leave-one-collection-out table (scoring lab, ~5 min)")
    args = ap.parse_args(argv)
    names = [c for c in args.collections.split(",") if c]
    engines = [e for e in args.engines.split(",") if e]
    unknown = [e for e in engines if e not in ENGINE_RUNNERS]
    missing = [c for c in names if not _exists(c, args.eval_dir)]
    if unknown or missing:
        ap.error(f"unknown engines {unknown} or collections not found {missing}")
    results = evaluate(names, engines, args.eval_dir)
    print_table(results, engines)
    summary = summarize(results, engines)
    if not args.no_loco and len(names) > 2:
        from relevance_lab import loco_table
        colls = {n: load_collection(find_collection(n, args.eval_dir)) for n in names}
        summary.update(loco_table(colls))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
