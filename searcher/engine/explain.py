"""Why one document scored what it did: the query tree with each clause's share.

The base for an ``explain`` command (not built yet): the same executor computes
every node (array results are memoised per query, so this costs about one query),
and each term leaf reports the BM25 parts from :class:`scoring.TermScorer`: idf, tf,
field length, average length, B, K1 and boost.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from .._whoosh.postings import LENGTH_OF_BYTE
from .execute import Executor
from .view import IndexView


def explain(view: IndexView, q: Any, docnum: int) -> dict[str, Any]:
    """{"query", "matched", "score", "children" | "term"} for ``docnum`` under ``q``."""
    return _node(Executor(view), q, docnum)


def _node(ex: Executor, q: Any, docnum: int) -> dict[str, Any]:
    m = ex.run(q)
    out: dict[str, Any] = {"query": str(q), "matched": bool(m.mask[docnum]),
                           "score": float(m.score[docnum]) if m.score is not None else 0.0}
    if type(q) is wq.Term:
        out["term"] = _term_parts(ex, q, docnum)
    elif type(q) in (wq.And, wq.Or):
        out["children"] = [_node(ex, sub, docnum) for sub in q.subqueries]
    elif type(q) in (wq.AndNot, wq.AndMaybe):
        out["children"] = [_node(ex, q.a, docnum), _node(ex, q.b, docnum)]
    elif type(q) is wq.Phrase:
        out["children"] = [_node(ex, wq.Term(q.fieldname, w), docnum) for w in q.words]
    return out


def _term_parts(ex: Executor, q: Any, docnum: int) -> dict[str, float] | None:
    postings = ex.view.term(q.fieldname, q.text)
    if postings is None:
        return None
    i = int(postings.ids.searchsorted(docnum))
    if i >= len(postings.ids) or postings.ids[i] != docnum:
        return None
    tf = float(postings.weights[i])
    scorer = ex.scorer(q.fieldname, q.text, q.boost, postings.doc_frequency)
    if scorer is None:
        return {"score": tf * q.boost, "tf": tf, "boost": q.boost}
    lengths = ex.view.lengths(q.fieldname)
    dl = float(LENGTH_OF_BYTE[lengths[docnum]]) if lengths is not None else 1.0
    return scorer.explain(tf, dl)
