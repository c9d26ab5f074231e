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

import numpy as np

from .._whoosh.postings import LENGTH_OF_BYTE
from ..models import Explanation
from ..plan import AllOf, AnyOf, Exclude, Node, Phrase, RankBy, Word, phrase_text
from .execute import Executor


def explain_query(ex: Executor, q: Node, docnum: int) -> Explanation:
    """``q``'s explanation for document ``docnum`` (of the executor's view)."""
    m = ex.run(q)
    matched = bool(m.mask[docnum])
    score = float(m.score[docnum]) if m.score is not None and matched else 0.0
    if isinstance(q, (AnyOf, AllOf)) and len(q.children) == 1:  # a one-clause group
        return explain_query(ex, q.children[0], docnum)
    if isinstance(q, Word) and len(q.fields) > 1:
        return _word(ex, q, docnum, score, matched)
    if isinstance(q, Word):
        return _term(ex, q, docnum, score, matched)
    if isinstance(q, Phrase) and len(q.fields) > 1:
        words = tuple(_word(ex, Word(q.fields, w), docnum) for w in q.words)
        return Explanation(_label(q), score, matched, _boost(q.boost),
                           words if matched else ())
    children: tuple[Node, ...] = ()
    if isinstance(q, (AnyOf, AllOf)):
        children = q.children
    elif isinstance(q, RankBy):
        children = (q.required, q.ranking)
    elif isinstance(q, Exclude):
        children = (q.base,)
    elif isinstance(q, Phrase):
        children = tuple(Word(q.fields, w) for w in q.words)
    explained = tuple(explain_query(ex, c, docnum) for c in children) if matched else ()
    return Explanation(_label(q), score, matched, _boost(getattr(q, "boost", 1.0)), explained)


def _boost(boost: float) -> tuple[tuple[str, float], ...]:
    return (("boost", float(boost)),) if boost != 1 else ()


def _label(q: Node) -> str:
    if isinstance(q, Phrase) and len(q.fields) > 1:
        return f'"{phrase_text(q.words, q.offsets)}" in {"+".join(q.fields)}'
    if isinstance(q, AnyOf):
        return "any of"
    if isinstance(q, AllOf):
        return "all of"
    if isinstance(q, RankBy):
        return "required, and ranked by"
    if isinstance(q, Exclude):
        return f"excluding matches of {q.excluded}"
    return str(q)


def _word(ex: Executor, q: Word, docnum: int, score: float | None = None,
          matched: bool | None = None) -> Explanation:
    label = f"{q.text} in {'+'.join(q.fields)}"
    parts = ex.words.word_parts(q.fields, q.text, q.boost)
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


def _term(ex: Executor, q: Word, docnum: int, score: float, matched: bool) -> Explanation:
    label = str(q)
    if not matched:
        return Explanation(label, 0.0, False)
    (field,) = q.fields
    postings = ex.view.term(field, q.text)
    scorer = ex.words.scorer(field, q.text, q.boost)
    if postings is None or scorer is None:
        return Explanation(label, score, matched, (("boost", float(q.boost)),))
    i = int(np.searchsorted(postings.ids, docnum))
    lengths = ex.view.lengths(field)
    dl = float(LENGTH_OF_BYTE[lengths[docnum]]) if lengths is not None else 1.0
    parts = scorer.explain(float(postings.weights[i]), dl)
    return Explanation(label, score, matched, tuple(
        (k.replace("_", " "), float(v)) for k, v in parts.items() if k != "score"))
