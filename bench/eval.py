"""Relevance of the library's default search on BEIR-layout test collections.

Why: ranking quality is easy to break silently (an analyzer change, a field
boost, the default operator), and "it finds the article" tests do not show it.
This script runs every judged query of each collection, as typed, through the
library's default path (``open_index(...).search(text, limit=100,
snippets=False)``) and scores the ranking with nDCG@10 (graded, linear gain,
log2 discount, as trec_eval's ``ndcg_cut.10``) and Recall@100. Beside it, two
baselines anyone would reach for: SQLite FTS5 (``porter unicode61``, the words
OR'ed, bm25 order) and the obvious Whoosh use (StemmingAnalyzer on title and
body, MultifieldParser with an OR group, default BM25F). The target is to beat
FTS5 on every collection; tune on the mean.

Usage (from the repository root; collections live in ``../shared/eval``)::

    python bench/eval.py [--collections cranfield,cisi,nfcorpus]
                         [--engines ours,fts5,whoosh] [--eval-dir DIR]

Prints a table, then one line of JSON with every number.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import searcher
from searcher.errors import QuerySyntaxError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "eval"
COLLECTIONS = ("cranfield", "cisi", "nfcorpus")
ENGINES = ("ours", "fts5", "whoosh")
DEPTH = 100  # results fetched per query (Recall@100)
NDCG_AT = 10

Run = dict[str, list[str]]  # query id -> doc ids, best first
Qrels = dict[str, dict[str, int]]  # query id -> doc id -> grade (> 0 = relevant)


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    body: str


@dataclass(frozen=True)
class Collection:
    name: str
    docs: tuple[Doc, ...]
    queries: dict[str, str]  # judged queries only
    qrels: Qrels


@dataclass
class EngineResult:
    run: Run
    build_s: float
    search_s: float
    failed: list[str]  # query ids the engine refused (scored as empty rankings)


# --------------------------------------------------------------------------- data

def load_collection(directory: Path) -> Collection:
    """A BEIR-layout folder: corpus.jsonl.gz, queries(.test).jsonl, qrels/test.tsv.
    Only queries with at least one relevant judgment are kept (as BEIR does)."""
    qrels: Qrels = {}
    with (directory / "qrels" / "test.tsv").open(encoding="utf-8") as f:
        next(f)  # header
        for line in f:
            qid, did, grade = line.rstrip("\n").split("\t")
            if int(grade) > 0:
                qrels.setdefault(qid, {})[did] = int(grade)
    # NFCorpus ships all 3,237 queries and the 323 test ones separately (its README).
    qfile = directory / "queries.test.jsonl"
    if not qfile.exists():
        qfile = directory / "queries.jsonl"
    queries: dict[str, str] = {}
    with qfile.open(encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            if q["_id"] in qrels:
                queries[q["_id"]] = q["text"]
    docs: list[Doc] = []
    with gzip.open(directory / "corpus.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append(Doc(str(d["_id"]), d.get("title") or "", d.get("text") or ""))
    qrels = {qid: rels for qid, rels in qrels.items() if qid in queries}
    return Collection(directory.name, tuple(docs), queries, qrels)


# --------------------------------------------------------------------------- metrics

def ndcg(ranking: Sequence[str], rels: Mapping[str, int], k: int = NDCG_AT) -> float:
    """trec_eval ndcg_cut: gain = grade, discount log2(rank + 1), ideal from all judgments."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranking: Sequence[str], rels: Mapping[str, int], k: int = DEPTH) -> float:
    relevant = {d for d, g in rels.items() if g > 0}
    return len(relevant.intersection(ranking[:k])) / len(relevant) if relevant else 0.0


def score(run: Run, qrels: Qrels) -> dict[str, float]:
    """Means over every judged query (a query with no results scores 0)."""
    n = len(qrels)
    return {
        f"ndcg@{NDCG_AT}": sum(ndcg(run.get(q, []), r) for q, r in qrels.items()) / n,
        f"recall@{DEPTH}": sum(recall(run.get(q, []), r) for q, r in qrels.items()) / n,
    }


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


def search_ours(index: Path, queries: Mapping[str, str]) -> tuple[Run, list[str]]:
    """The default search path, untouched: natural-language text as typed."""
    run: Run = {}
    failed: list[str] = []
    with searcher.open_index(index) as ix:
        for qid, text in queries.items():
            try:
                results = ix.search(text, limit=DEPTH, snippets=False)
            except QuerySyntaxError as e:  # natural text should never raise: a bug
                print(f"ours: query {qid} raised {e!r}: {text!r}", file=sys.stderr)
                failed.append(qid)
                continue
            run[qid] = [h.id for h in results.hits]
    return run, failed


def run_ours(coll: Collection, workdir: Path) -> EngineResult:
    t0 = time.perf_counter()
    index = build_ours(coll, workdir)
    t1 = time.perf_counter()
    run, failed = search_ours(index, coll.queries)
    return EngineResult(run, t1 - t0, time.perf_counter() - t1, failed)


_FTS_WORD = re.compile(r"\w+")


def run_fts5(coll: Collection, workdir: Path) -> EngineResult:
    """SQLite FTS5, porter stemmer, the query's words quoted and OR'ed, bm25 order."""
    t0 = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
               "tokenize = 'porter unicode61')")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                   ((d.id, d.title, d.body) for d in coll.docs))
    db.commit()
    t1 = time.perf_counter()
    run: Run = {}
    for qid, text in coll.queries.items():
        words = _FTS_WORD.findall(text)
        if not words:
            run[qid] = []
            continue
        match = " OR ".join('"' + w + '"' for w in words)
        rows = db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) "
                          "LIMIT ?", (match, DEPTH))
        run[qid] = [r[0] for r in rows]
    db.close()
    return EngineResult(run, t1 - t0, time.perf_counter() - t1, [])


def run_whoosh(coll: Collection, workdir: Path) -> EngineResult:
    """Whoosh as its tutorial suggests: StemmingAnalyzer title+body, MultifieldParser,
    OR group, default BM25F scoring."""
    from whoosh import fields, qparser
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.filedb.filestore import RamStorage

    t0 = time.perf_counter()
    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           title=fields.TEXT(analyzer=StemmingAnalyzer()),
                           body=fields.TEXT(analyzer=StemmingAnalyzer()))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        for d in coll.docs:
            w.add_document(id=d.id, title=d.title, body=d.body)
    t1 = time.perf_counter()
    parser = qparser.MultifieldParser(["title", "body"], schema, group=qparser.OrGroup)
    run: Run = {}
    failed: list[str] = []
    with ix.searcher() as s:
        for qid, text in coll.queries.items():
            try:
                q = parser.parse(text)
            except Exception as e:  # Whoosh's parser is lenient; count it if not
                print(f"whoosh: query {qid} raised {e!r}", file=sys.stderr)
                failed.append(qid)
                continue
            run[qid] = [hit["id"] for hit in s.search(q, limit=DEPTH)]
    return EngineResult(run, t1 - t0, time.perf_counter() - t1, failed)


ENGINE_RUNNERS: dict[str, Callable[[Collection, Path], EngineResult]] = {
    "ours": run_ours, "fts5": run_fts5, "whoosh": run_whoosh,
}


# --------------------------------------------------------------------------- report

def evaluate(names: Iterable[str], engines: Sequence[str],
             eval_dir: Path) -> dict[str, dict[str, dict[str, float]]]:
    """{collection: {engine: {metric: value, "build_s", "search_s", "failed"}}}."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="searcher-eval-") as tmp:
        for name in names:
            coll = load_collection(eval_dir / name)
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
    if "ours" in engines and "fts5" in engines:
        summary["beats_fts5"] = all(r["ours"][metrics[0]] > r["fts5"][metrics[0]]
                                    for r in results.values())
    return summary


def print_table(results: dict[str, dict[str, dict[str, float]]],
                engines: Sequence[str]) -> None:
    nd, rc = f"ndcg@{NDCG_AT}", f"recall@{DEPTH}"
    head = f"{'collection':<12}" + "".join(f"{e + ' ' + m:>20}" for e in engines
                                            for m in ("nDCG@10", "R@100"))
    print(head)
    print("-" * len(head))
    for c, r in results.items():
        print(f"{c:<12}" + "".join(f"{r[e][nd]:>20.4f}{r[e][rc]:>20.4f}" for e in engines))
    print(f"{'mean':<12}" + "".join(
        f"{sum(results[c][e][m] for c in results) / len(results):>20.4f}"
        for e in engines for m in (nd, rc)))
    print()
    print(f"{'seconds':<12}" + "".join(f"{e + ' build/search':>24}" for e in engines))
    for c, r in results.items():
        print(f"{c:<12}" + "".join(f"{r[e]['build_s']:>16.1f} / {r[e]['search_s']:<5.1f}"
                                   for e in engines))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--collections", default=",".join(COLLECTIONS))
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    args = ap.parse_args(argv)
    names = [c for c in args.collections.split(",") if c]
    engines = [e for e in args.engines.split(",") if e]
    unknown = [e for e in engines if e not in ENGINE_RUNNERS]
    missing = [c for c in names if not (args.eval_dir / c / "corpus.jsonl.gz").exists()]
    if unknown or missing:
        ap.error(f"unknown engines {unknown} or collections not found {missing} "
                 f"in {args.eval_dir}")
    results = evaluate(names, engines, args.eval_dir)
    print_table(results, engines)
    print(json.dumps(summarize(results, engines)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
