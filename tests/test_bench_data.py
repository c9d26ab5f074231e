"""The judged collections bench/eval.py reads from ../shared/eval are complete and consistent.

bench/eval.py's figures (README) are only as good as these files: every judgment must
name a document and a query that exist, ids must be unique, and the counts must be the
published ones the folder READMEs cite.
"""

from __future__ import annotations

import gzip
import json

import pytest

from .conftest import EVAL, needs_shared

DATA = EVAL
pytestmark = needs_shared(DATA)

# name: (documents, queries, judged queries, judgments) as each README states them.
EXPECTED = {
    "time": (423, 83, 82, 321),
    "med": (1033, 30, 30, 696),
    "cacm": (3204, 64, 52, 796),
    "npl": (11429, 93, 93, 2083),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_collection_is_consistent(name: str) -> None:
    folder = DATA / name
    with gzip.open(folder / "corpus.jsonl.gz", "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    queries = [json.loads(line) for line in
               (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    lines = (folder / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "query-id\tcorpus-id\tscore"
    qrels = [tuple(line.split("\t")) for line in lines[1:]]

    doc_ids = [d["_id"] for d in docs]
    query_ids = [q["_id"] for q in queries]
    assert len(set(doc_ids)) == len(doc_ids) and len(set(query_ids)) == len(query_ids)
    assert all(d["text"].strip() or d["title"].strip() for d in docs)
    assert all(q["text"].strip() for q in queries)
    assert {q for q, _d, _g in qrels} <= set(query_ids)
    assert {d for _q, d, _g in qrels} <= set(doc_ids)
    assert all(int(g) > 0 for _q, _d, g in qrels)
    assert len(set(qrels)) == len(qrels)
    assert (len(docs), len(queries), len({q for q, _d, _g in qrels}), len(qrels)) \
        == EXPECTED[name]
    assert (folder / "README.md").exists()
