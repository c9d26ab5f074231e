"""The judged test collections and the metrics bench/eval.py and bench/relevance_lab.py share.

Why a module: the real-path evaluation and the fast scoring lab must read the same
queries and judgments and compute nDCG the same way, or their figures disagree.
All seven collections come from ``../shared/eval`` (each folder's README says source,
licence and conversion; fetched data is never committed to the project). BEIR SciFact is
deliberately absent: it is the held-out check that defaults chosen here transfer.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from baselines import Doc

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "eval"
COLLECTIONS = ("cranfield", "cisi", "nfcorpus", "time", "med", "cacm", "npl")
DEPTH = 100  # results fetched per query (Recall@100)
NDCG_AT = 10

Run = dict[str, list[str]]  # query id -> doc ids, best first
Qrels = dict[str, dict[str, int]]  # query id -> doc id -> grade (> 0 = relevant)


@dataclass(frozen=True)
class Collection:
    name: str
    docs: tuple[Doc, ...]
    queries: dict[str, str]  # judged queries only
    qrels: Qrels


# --------------------------------------------------------------------------- data

def find_collection(name: str, eval_dir: Path = DEFAULT_EVAL_DIR) -> Path:
    """The folder of a collection: ``eval_dir/name`` (../shared/eval by default)."""
    if (eval_dir / name / "corpus.jsonl.gz").exists():
        return eval_dir / name
    raise FileNotFoundError(f"collection {name!r} not in {eval_dir}")


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
