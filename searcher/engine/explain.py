"""Why one article scored what it did for a query: the library side of ``searcher
explain`` (Lucene's, Elasticsearch's and tantivy's ``explain``), as a tree of
:class:`models.Explanation`.

The query is parsed as ``search`` parses it and run by the same executor
(engine/execute.py); each clause is then evaluated for the one article, so every
number shown is the one the ranking used: a word's BM25F parts (idf, each field's
tf, length, average length, B and weight, K1, boost), an OR's or AND's sum of the
clauses that matched. The root's score is the article's search score.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

from .._whoosh.postings import LENGTH_OF_BYTE
from ..models import Explanation
from .execute import Executor, is_phrase, one_phrase, one_word
from .phrases import offsets_of, phrase_text


def explain_query(ex: Executor, q: Any, docnum: int) -> Explanation:
    """``q``'s explanation for document ``docnum`` (of the executor's view)."""
    m = ex.run(q)
    matched = bool(m.mask[docnum])
    score = float(m.score[docnum]) if m.score is not None and matched else 0.0
    kind = type(q)
    subs = list(getattr(q, "subqueries", ()) or ())
    if kind in (wq.Or, wq.And) and len(subs) == 1:  # a one-clause group is its clause
        return explain_query(ex, subs[0], docnum)
    if kind is wq.Or and one_word(subs, ex.view.schema):
        return _word(ex, subs, subs[0].boost * q.boost, docnum, score, matched)
    if kind is wq.Or and one_phrase(subs, ex.view.schema):
        fields = [p.fieldname for p in subs]
        words = tuple(_word(ex, [wq.Term(f, w) for f in fields], 1.0, docnum)
                      for w in subs[0].words)
        boost = subs[0].boost * q.boost
        return Explanation(_label(q), score, matched, (("boost", boost),) if boost != 1 else (),
                           words if matched else ())
    if kind is wq.Term:
        return _term(ex, q, docnum, score, matched)
    children: list[Any] = []
    if kind in (wq.Or, wq.And):
        children = subs
    elif kind is wq.AndMaybe:
        children = [q.a, q.b]
    elif kind is wq.AndNot:
        children = [q.a]
    elif is_phrase(q):
        children = [wq.Term(q.fieldname, w) for w in q.words]
    explained = tuple(explain_query(ex, c, docnum) for c in children) if matched else ()
    boost = float(getattr(q, "boost", 1.0))
    return Explanation(_label(q), score, matched, (("boost", boost),) if boost != 1 else (),
                       explained)


def _label(q: Any) -> str:
    kind = type(q)
    if kind is wq.Or and q.subqueries and all(is_phrase(s) for s in q.subqueries):
        p = q.subqueries[0]
        words = phrase_text(p.words, offsets_of(p) or ())
        return f'"{words}" in {"+".join(s.fieldname for s in q.subqueries)}'
    if kind is wq.Or:
        return "any of"
    if kind is wq.And:
        return "all of"
    if kind is wq.AndMaybe:
        return "required, and ranked by"
    if kind is wq.AndNot:
        return "excluding matches of " + str(q.b)
    return str(q)


def _word(ex: Executor, terms: list[Any], boost: float, docnum: int,
          score: float | None = None, matched: bool | None = None) -> Explanation:
    fields = "+".join(t.fieldname for t in terms)
    label = f"{terms[0].text} in {fields}"
    parts = ex.word_parts(terms, boost)
    if parts is None:
        return Explanation(label, 0.0, False)
    scorer, ids, tfs, lengths = parts
    i = int(np.searchsorted(ids, docnum))
    if i >= len(ids) or ids[i] != docnum or not ex.view.live[docnum]:
        return Explanation(label, 0.0, False)
    total, per_field = scorer.explain_fields([float(t[i]) for t in tfs],
                                          [float(dl[i]) for dl in lengths])
    children = tuple(
        Explanation(f.field, share, tf > 0, (("tf", tf), ("weight", f.weight),
                                            ("length", dl), ("avg length", f.avg_length),
                                            ("b", f.b)))
        for f, tf, dl, share in per_field)
    return Explanation(label, total if score is None else score,
                       True if matched is None else matched,
                       (("idf", scorer.idf), ("pseudo tf", sum(c.score for c in children)),
                        ("k1", scorer.k1), ("boost", scorer.boost)), children)


def _term(ex: Executor, q: Any, docnum: int, score: float, matched: bool) -> Explanation:
    label = str(q)
    if not matched:
        return Explanation(label, 0.0, False)
    postings = ex.view.term(q.fieldname, q.text)
    scorer = ex.scorer(q.fieldname, q.text, q.boost)
    if postings is None or scorer is None:
        return Explanation(label, score, matched, (("boost", float(q.boost)),))
    i = int(np.searchsorted(postings.ids, docnum))
    lengths = ex.view.lengths(q.fieldname)
    dl = float(LENGTH_OF_BYTE[lengths[docnum]]) if lengths is not None else 1.0
    parts = scorer.explain(float(postings.weights[i]), dl)
    return Explanation(label, score, matched, tuple(
        (k.replace("_", " "), float(v)) for k, v in parts.items() if k != "score"))
