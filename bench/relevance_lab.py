"""Fast exploration of ranking defaults: a standalone BM25/BM25F scorer in numpy/scipy.

Why: bench/eval.py measures the real search path, but it rebuilds an index per
collection and runs every query through Whoosh, so one configuration takes minutes.
This lab analyses each collection once with searcher's own analyzer (the same stems,
the same stop list choices) into sparse title/body term-frequency matrices, then
scores every query of every collection for a configuration with a few sparse
products (milliseconds), so a grid of thousands of configurations and the
leave-one-collection-out (LOCO) choice run in minutes. Winners are then applied to
the real code and confirmed by bench/eval.py.

Two scoring shapes:
- ``sum``: what Whoosh's BM25F does (and searcher today): each field scored with
  its own BM25 (per-field idf, length normalisation, saturation) and summed; the
  field weight multiplies the field's tf before saturation (Whoosh stores
  ``field_boost * tf`` in the postings). A word in title and body saturates twice.
- ``bm25f``: BM25F as in Robertson & Zaragoza (2009): per-field length-normalised
  tf, weighted, summed, *then* saturated once; one idf from the documents that
  have the word in any field.

The all-words clause of the default operator is modelled as searcher compiles it:
for 2..max_clauses words, a document with all of them scores (1 + boost) times.

Usage::

    python bench/relevance_lab.py [--grid loco|wide|small] [--collections a,b,c]

prints the leave-one-collection-out table (bench/eval.py prints the same one).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from judged import COLLECTIONS, Collection, find_collection, load_collection, ndcg

from searcher import schema

# Lucene's EnglishAnalyzer stop set (33 words): articles, conjunctions, prepositions.
LUCENE_STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with"})
STOP_LISTS: dict[str, frozenset[str]] = {
    "nltk": schema.ENGLISH_STOP_WORDS, "lucene": LUCENE_STOP_WORDS, "none": frozenset()}


@dataclass(frozen=True)
class Config:
    stop: str = "nltk"
    shape: str = "sum"        # "sum" (per-field BM25, summed) or "bm25f"
    idf: str = "whoosh"       # "whoosh": log(N/(df+1))+1; "lucene": log(1+(N-df+.5)/(df+.5))
    title: float = 0.5        # title weight (body weight is 1)
    k1: float = 1.6
    b: float = 0.75           # body b
    b_title: float = 0.75
    all_boost: float = 3.0
    all_max: int = 6

    def label(self) -> str:
        return (f"{self.stop}/{self.shape}/{self.idf} t={self.title:g} k1={self.k1:g} "
                f"b={self.b:g}/{self.b_title:g} all={self.all_boost:g}")


BEFORE = Config()
"""searcher's defaults before issue 11 (tuned on Cranfield, CISI and NFCorpus only)."""


def shipped() -> Config:
    """The defaults the code ships now, read from where they are defined."""
    import importlib

    sc = importlib.import_module("searcher.engine.scoring")
    return Config(stop="nltk", shape="bm25f", idf="lucene", title=sc.weight_for("title"),
                  k1=sc.K1, b=sc.B, b_title=sc.b_for("title"), all_boost=sc.ALL_WORDS_BOOST,
                  all_max=sc.ALL_WORDS_MAX_CLAUSES)


def analyze(text: str, stops: frozenset[str]) -> list[str]:
    """searcher's analyzer (schema._words) with a chosen stop list."""
    out = []
    for m in schema._WORD.finditer(schema.fold(text)):
        word = m.group()
        if len(word) < 2 or word in stops:
            continue
        out.append(schema.stem_word(word))
    return out


@dataclass
class Prepared:
    """One collection analysed with one stop list."""
    name: str
    doc_ids: list[str]
    title_tf: sp.csr_matrix   # docs x terms
    body_tf: sp.csr_matrix
    queries: sp.csr_matrix    # terms x queries (query term counts)
    qids: list[str]
    qrels: dict[str, dict[str, int]]
    all_words: tuple[np.ndarray, np.ndarray] | None = None


def prepare(coll: Collection, stops: frozenset[str]) -> Prepared:
    vocab: dict[str, int] = {}

    def rows(texts: Iterable[str]) -> sp.csr_matrix:
        indptr, indices, data = [0], [], []
        for text in texts:
            counts: dict[int, int] = {}
            for t in analyze(text, stops):
                j = vocab.setdefault(t, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            indices += counts.keys()
            data += counts.values()
            indptr.append(len(indices))
        return (np.array(indptr), np.array(indices, dtype=np.int64),
                np.array(data, dtype=np.float64))

    t = rows(d.title for d in coll.docs)
    b = rows(d.body for d in coll.docs)
    qids = list(coll.queries)
    q = rows(coll.queries[i] for i in qids)
    n = len(vocab)
    mk = lambda r: sp.csr_matrix((r[2], r[1], r[0]), shape=(len(r[0]) - 1, n))  # noqa: E731
    return Prepared(coll.name, [d.id for d in coll.docs], mk(t), mk(b), mk(q).T.tocsr(),
                    qids, coll.qrels)


def _idf(df: np.ndarray, n: int, kind: str) -> np.ndarray:
    if kind == "whoosh":
        return np.log(n / (df + 1.0)) + 1.0
    return np.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _norm(tf: sp.csr_matrix, b: float) -> sp.csr_matrix:
    """tf divided by (1 - b + b * len / avglen), row-wise."""
    lens = np.asarray(tf.sum(axis=1)).ravel()
    avg = lens.mean() or 1.0
    return sp.diags(1.0 / (1.0 - b + b * lens / avg)) @ tf


def _saturate(x: sp.csr_matrix, k1: float) -> sp.csr_matrix:
    x = x.tocsr(copy=True)
    x.data = x.data * (k1 + 1.0) / (x.data + k1)
    return x


def doc_weights(p: Prepared, c: Config) -> sp.csr_matrix:
    """docs x terms: a document's score contribution per occurrence of a query term."""
    n = p.title_tf.shape[0]
    if c.shape == "sum":
        w = None
        for tf, weight, b in ((p.title_tf, c.title, c.b_title), (p.body_tf, 1.0, c.b)):
            if weight == 0:
                continue
            df = np.asarray((tf > 0).sum(axis=0)).ravel()
            part = _saturate(weight * _norm(tf, b), c.k1) @ sp.diags(_idf(df, n, c.idf))
            w = part if w is None else w + part
        return w.tocsr()
    combined = c.title * _norm(p.title_tf, c.b_title) + _norm(p.body_tf, c.b)
    df = np.asarray(((p.title_tf + p.body_tf) > 0).sum(axis=0)).ravel()
    return (_saturate(combined, c.k1) @ sp.diags(_idf(df, n, c.idf))).tocsr()


def _all_words(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """docs x queries: True where the document has every word of a 2+ word query;
    and each query's number of word clauses."""
    if p.all_words is not None:
        return p.all_words
    present = ((p.title_tf + p.body_tf) > 0).astype(np.float64)
    distinct = (p.queries > 0).astype(np.float64)
    matched = (present @ distinct).toarray()
    need = np.asarray(distinct.sum(axis=0)).ravel()
    clauses = np.asarray(p.queries.sum(axis=0)).ravel()
    p.all_words = (matched == need) & (need > 0) & (clauses >= 2), clauses
    return p.all_words


def rank(p: Prepared, c: Config, depth: int = 100,
         base: np.ndarray | None = None) -> dict[str, list[str]]:
    scores = (doc_weights(p, c) @ p.queries).toarray() if base is None else base
    if c.all_boost:
        everything, clauses = _all_words(p)
        scores = np.where(everything & (clauses <= c.all_max), scores * (1 + c.all_boost),
                          scores)
    k = min(depth, scores.shape[0])
    top = np.argpartition(-scores, k - 1, axis=0)[:k] if k < scores.shape[0] else \
        np.tile(np.arange(scores.shape[0])[:, None], (1, scores.shape[1]))
    top_scores = np.take_along_axis(scores, top, axis=0)
    order = np.argsort(-top_scores, axis=0, kind="stable")
    top = np.take_along_axis(top, order, axis=0)
    top_scores = np.take_along_axis(top_scores, order, axis=0)
    ids = np.array(p.doc_ids)
    return {qid: list(ids[top[:, j][top_scores[:, j] > 0]]) for j, qid in enumerate(p.qids)}


def mean_ndcg(p: Prepared, c: Config, base: np.ndarray | None = None) -> float:
    run = rank(p, c, depth=10, base=base)
    return sum(ndcg(run.get(q, []), r) for q, r in p.qrels.items()) / len(p.qrels)


def grid(base: Config, **axes: Sequence[object]) -> list[Config]:
    keys = list(axes)
    return [replace(base, **dict(zip(keys, vals, strict=True)))
            for vals in itertools.product(*(axes[k] for k in keys))]


def loco(table: dict[Config, dict[str, float]], names: Sequence[str]
         ) -> list[tuple[str, Config, float]]:
    """For each collection: the config with the best mean over the *other* collections
    and its score on the one left out."""
    out = []
    for held in names:
        others = [n for n in names if n != held]
        best = max(table, key=lambda c: sum(table[c][n] for n in others))
        out.append((held, best, table[best][held]))
    return out


GRIDS: dict[str, Callable[[], list[Config]]] = {
    # What bench/eval.py's LOCO table searches: the candidates of issue 11.
    "loco": lambda: [
        c for shape, idf in itertools.product(("sum", "bm25f"), ("whoosh", "lucene"))
        for c in grid(Config(shape=shape, idf=idf), title=(0.5, 1.0, 2.0, 3.0),
                      k1=(0.9, 1.2, 1.6), b=(0.6, 0.75), b_title=(0.6, 0.9),
                      all_boost=(0.0, 3.0))],
    # Wider, with the stop lists (slow: about 10 minutes).
    "wide": lambda: [
        c for stop, shape, idf in itertools.product(STOP_LISTS, ("sum", "bm25f"),
                                                    ("whoosh", "lucene"))
        for c in grid(Config(stop=stop, shape=shape, idf=idf), title=(0.5, 1.0, 2.0, 3.0),
                      k1=(0.9, 1.2, 1.6), b=(0.5, 0.75, 0.9), all_boost=(0.0, 1.0, 3.0))],
    "small": lambda: grid(BEFORE, title=(0.5, 1.0, 2.0), all_boost=(0.0, 1.0, 3.0)),
}


def measure(colls: dict[str, Collection], configs: Sequence[Config]
            ) -> dict[Config, dict[str, float]]:
    """nDCG@10 of every config on every collection (one analysis per stop list)."""
    configs = list(dict.fromkeys(configs))
    table: dict[Config, dict[str, float]] = {c: {} for c in configs}
    for stop in sorted({c.stop for c in configs}):
        for n, coll in colls.items():
            p = prepare(coll, STOP_LISTS[stop])
            bases: dict[Config, np.ndarray] = {}
            for c in configs:
                if c.stop == stop:
                    key = replace(c, all_boost=0.0)
                    if key not in bases:
                        bases[key] = (doc_weights(p, key) @ p.queries).toarray()
                    table[c][n] = mean_ndcg(p, c, bases[key])
            print(f"  lab {stop:<6} {n:<10} done", file=sys.stderr)
    return table


def loco_table(colls: dict[str, Collection], grid_name: str = "loco"
               ) -> dict[str, object]:
    """Leave-one-collection-out over a grid, beside the shipped and the old defaults."""
    now, before = shipped(), BEFORE
    table = measure(colls, [now, before, *GRIDS[grid_name]()])
    names = list(colls)
    rows = loco(table, names)
    print(f"leave-one-collection-out nDCG@10 (scoring lab, grid {grid_name!r}, "
          f"{len(table)} configs):")
    print(f"  shipped: {now.label()}\n  before:  {before.label()}")
    print(f"{'held out':<12}{'tuned':>8}{'shipped':>9}{'before':>8}  tuned on the others")
    for held, best, got in rows:
        print(f"{held:<12}{got:>8.4f}{table[now][held]:>9.4f}{table[before][held]:>8.4f}"
              f"  {best.label()}")
    means = [float(np.mean(v)) for v in ([r[2] for r in rows],
                                         [table[now][n] for n in names],
                                         [table[before][n] for n in names])]
    print(f"{'mean':<12}{means[0]:>8.4f}{means[1]:>9.4f}{means[2]:>8.4f}")
    return {"loco": {h: {"tuned": round(g, 4), "shipped": round(table[now][h], 4),
                         "before": round(table[before][h], 4), "config": best.label()}
                     for h, best, g in rows},
            "top": [[c.label(), round(float(np.mean(list(table[c].values()))), 4)]
                    for c in sorted(table, key=lambda c: -float(np.mean(
                        list(table[c].values()))))[:5]]}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--collections", default=",".join(COLLECTIONS))
    ap.add_argument("--grid", default="loco", choices=sorted(GRIDS))
    args = ap.parse_args(argv)
    names = [n for n in args.collections.split(",") if n]
    colls = {n: load_collection(find_collection(n)) for n in names}
    summary = loco_table(colls, args.grid)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
