"""The test oracle for the engine: the same query answered by Whoosh's own matchers.

Whoosh steps its matcher tree one posting at a time and scores every match with its
BM25F (no top-N pruning: WHOOSH-NOTES 15), which is what searcher ranked with
before the engine. Slow, and only for tests.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh import scoring

from searcher.engine.scoring import K1, B


def oracle_searcher(index_path: Any) -> Any:
    """A Whoosh searcher over the index with searcher's BM25F parameters."""
    from whoosh import index

    return index.open_dir(str(index_path)).searcher(weighting=scoring.BM25F(B=B, K1=K1))


def filter_docs(ws: Any, q: Any) -> set[int]:
    """Documents of a filter query (build_filter's shapes), from posting lists and the
    published column read one document at a time (Whoosh's DateRange is a slow OR of
    trie terms)."""
    reader = ws.reader()
    if isinstance(q, wq.And):
        return set.intersection(*(filter_docs(ws, sub) for sub in q.subqueries))
    if isinstance(q, wq.Or):
        return set().union(*(filter_docs(ws, sub) for sub in q.subqueries))
    if isinstance(q, wq.DateRange):
        column = reader.column_reader(q.fieldname, translate=False)
        missing = ws.schema[q.fieldname].column_type.default_value(False)
        lo = -1 if q.start is None else q.start
        hi = missing if q.end is None else q.end
        return {d for d in reader.all_doc_ids() if (v := column[d]) != missing and lo <= v
                and (v < hi if q.endexcl else v <= hi)}
    assert type(q) is wq.Term, q
    if (q.fieldname, q.text) not in reader:
        return set()
    return set(reader.postings(q.fieldname, q.text).all_ids())


def whoosh_scores(ws: Any, q: Any, filt: Any = None, mask: Any = None) -> dict[int, float]:
    """{document number: Whoosh's BM25F score} for every live match of ``q`` within
    ``filt`` and outside ``mask``, stepping the whole matcher tree.

    A top-level AND NOT is split (its positive side's matches minus the other's):
    Whoosh's AndNotMatcher keeps an excluded first document (``oil NOT price``
    returned document 26, which has both words)."""
    if type(q) is wq.AndNot:
        excluded = set(whoosh_scores(ws, q.b))
        return {d: s for d, s in whoosh_scores(ws, q.a, filt, mask).items()
                if d not in excluded}
    allowed = filter_docs(ws, filt) if filt is not None else None
    masked = filter_docs(ws, mask) if mask is not None else set()
    reader = ws.reader()
    out: dict[int, float] = {}
    m = q.matcher(ws, ws.context())
    while m.is_active():
        d = m.id()
        if (allowed is None or d in allowed) and d not in masked and not reader.is_deleted(d):
            out[d] = float(m.score())
        m.next()
    return out


def ranked(scores: dict[int, float], k: int) -> list[tuple[int, float]]:
    """The best ``k`` as Whoosh orders them: score, then lower document number."""
    return sorted(scores.items(), key=lambda ds: (-ds[1], ds[0]))[:k]
