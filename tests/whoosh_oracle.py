"""The test oracle for the engine: Whoosh's own matchers say which documents match,
and a plain per-document re-statement of engine/scoring.py's BM25F says what each
scores.

Whoosh steps its matcher tree one posting at a time (no top-N pruning: WHOOSH-NOTES
15), so its match sets are the exhaustive truth for the query language. Its own
BM25F is not what searcher ranks with any more (scoring.py says why), so scores come
from :class:`Reference`: the formula written out again with ``math``, reading term
frequencies and field lengths one document at a time through Whoosh's reader. Slow,
and only for tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2

from searcher import plan
from searcher.engine import scoring


class GapPhrase(wq.Phrase):  # type: ignore[misc]
    """A phrase whose words sit at given offsets from the first: the query's stop words
    leave gaps (``"bank of japan"`` is bank, then japan two positions later), as the
    index's positions do (schema.NewsAnalyzer). Whoosh itself matches it as a chain of
    SpanNear2 at exactly each gap's distance (the engine's oracle in the tests)."""

    def __init__(self, fieldname: str, words: Sequence[str], offsets: Sequence[int],
                 boost: float = 1.0) -> None:
        super().__init__(fieldname, list(words), slop=1, boost=boost)
        self.offsets = tuple(offsets)

    def __eq__(self, other: object) -> bool:
        return bool(super().__eq__(other)) and self.offsets == getattr(other, "offsets", None)

    def __hash__(self) -> int:
        return int(super().__hash__()) ^ hash(self.offsets)

    def __repr__(self) -> str:
        return (f"GapPhrase({self.fieldname!r}, {self.words!r}, {self.offsets!r}, "
                f"boost={self.boost})")

    def normalize(self) -> Any:
        return self

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        f = self.fieldname
        q: Any = wq.Term(f, self.words[0])
        for word, gap in zip(self.words[1:], np.diff(self.offsets).tolist(), strict=True):
            q = SpanNear2([q, wq.Term(f, word)], slop=gap, ordered=True, mindist=gap)
        m = q.matcher(searcher, context)
        return WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


def phrase_text(words: Sequence[str], offsets: Sequence[int] = ()) -> str:
    """The words of a phrase with a ``?`` for each gap (Lucene's way): ``bank ? japan``."""
    if not offsets:
        return " ".join(words)
    out = [words[0]]
    for word, gap in zip(words[1:], np.diff(offsets).tolist(), strict=True):
        out.extend(["?"] * (gap - 1) + [word])
    return " ".join(out)


def offsets_of(q: Any) -> tuple[int, ...] | None:
    """The word offsets of a phrase query (GapPhrase's own, 0, 1, 2... for a Whoosh
    Phrase), None for anything else."""
    kind = type(q)
    if kind is GapPhrase:
        return tuple(q.offsets)
    if kind is wq.Phrase and q.slop == 1:
        return tuple(range(len(q.words)))
    return None


class ColumnDateRange(wq.Query):  # type: ignore[misc]
    """A date range read from the published column, one document at a time: the field
    has no terms (schema._date_column), so Whoosh's own DateRange finds nothing."""

    def __init__(self, q: plan.DateRange) -> None:
        self.q = q
        self.fieldname = q.field
        self.boost = q.boost

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ColumnDateRange) and other.q == self.q

    def __hash__(self) -> int:
        return hash(self.q)

    def __unicode__(self) -> str:
        return str(self.q)

    __str__ = __unicode__

    def estimate_size(self, ixreader: Any) -> int:
        return int(ixreader.doc_count_all())

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()  # a segment's, when Whoosh searches segment by segment
        found = sorted(_column_dates(reader, searcher.schema, self.q))
        if not found:
            return NullMatcher()
        return ListMatcher(found, all_weights=scoring.CONSTANT_SCORE * self.boost)


def _column_dates(reader: Any, schema: Any, q: plan.DateRange) -> set[int]:
    column = reader.column_reader(q.field, translate=False)
    missing = schema[q.field].column_type.default_value(False)
    field = schema[q.field]
    lo = -1 if q.start is None else field.to_column_value(q.start)
    hi = missing if q.end is None else field.to_column_value(q.end)
    return {d for d in reader.all_doc_ids() if (v := column[d]) != missing and
            (lo < v if q.start_excluded else lo <= v) and (v < hi if q.end_excluded else v <= hi)}


def to_whoosh(q: plan.Node) -> Any:
    """The Whoosh query that matches what a plan node matches (Whoosh's matchers are
    the truth for match sets; the scores are :class:`Reference`'s)."""
    if isinstance(q, plan.Word):
        terms = [wq.Term(f, q.text, boost=q.boost) for f in q.fields]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    if isinstance(q, plan.Phrase):
        if q.exact and q.offsets and q.offsets != tuple(range(len(q.words))):
            found = [GapPhrase(f, q.words, q.offsets, q.boost) for f in q.fields]
        elif q.exact:
            found = [wq.Phrase(f, list(q.words), boost=q.boost) for f in q.fields]
        else:
            found = [SpanNear2([wq.Term(f, w) for w in q.words], slop=q.slop,
                               ordered=q.ordered) for f in q.fields]
            for span in found:
                span.boost = q.boost  # Whoosh's SpanNear2 sets none; Or.normalize() reads it
        return found[0] if len(found) == 1 else wq.Or(found)
    if isinstance(q, plan.AnyOf):
        return wq.Or([to_whoosh(c) for c in q.children], boost=q.boost)
    if isinstance(q, plan.AllOf):
        return wq.And([to_whoosh(c) for c in q.children], boost=q.boost)
    if isinstance(q, plan.Exclude):
        return wq.AndNot(to_whoosh(q.base), to_whoosh(q.excluded))
    if isinstance(q, plan.RankBy):
        return wq.AndMaybe(to_whoosh(q.required), to_whoosh(q.ranking))
    if isinstance(q, plan.MatchAll):
        return wq.Every(q.field, boost=q.boost)
    if isinstance(q, plan.DateRange):
        return ColumnDateRange(q)
    assert isinstance(q, plan.Nothing), q
    return wq.NullQuery


def oracle_searcher(index_path: Any) -> Any:
    """A Whoosh searcher over the index (its weighting is never used for scores)."""
    from whoosh import index

    return index.open_dir(str(index_path)).searcher()


def filter_docs(ws: Any, q: plan.Node) -> set[int]:
    """Documents of a filter plan (build_filter's shapes), from posting lists and the
    published column read one document at a time."""
    reader = ws.reader()
    if isinstance(q, plan.AllOf):
        return set.intersection(*(filter_docs(ws, sub) for sub in q.children))
    if isinstance(q, plan.AnyOf):
        return set().union(*(filter_docs(ws, sub) for sub in q.children))
    if isinstance(q, plan.DateRange):
        return _column_dates(reader, ws.schema, q)
    assert isinstance(q, plan.Word) and len(q.fields) == 1, q
    if (q.fields[0], q.text) not in reader:
        return set()
    return set(reader.postings(q.fields[0], q.text).all_ids())


def matches(ws: Any, q: plan.Node) -> set[int]:
    """Every live document Whoosh's matcher tree says ``q`` matches.

    An AND NOT is split (its positive side's matches minus the other's), and so is any
    AND/OR holding one: Whoosh's AndNotMatcher keeps an excluded first document
    (``oil NOT price`` returned document 26, which has both words; inside an AND,
    ``oil (-oil tag:energy)`` matched document 1)."""
    if isinstance(q, plan.Exclude):
        return matches(ws, q.base) - matches(ws, q.excluded)
    if isinstance(q, (plan.AllOf, plan.AnyOf)) and _holds_exclusion(q):
        sets = [matches(ws, c) for c in q.children]
        return set.intersection(*sets) if isinstance(q, plan.AllOf) else set.union(*sets)
    if isinstance(q, plan.RankBy) and _holds_exclusion(q):
        return matches(ws, q.required)
    reader = ws.reader()
    out: set[int] = set()
    wq_query = to_whoosh(q)
    m = wq_query.matcher(ws, ws.context())
    while m.is_active():
        if not reader.is_deleted(m.id()):
            out.add(m.id())
        m.next()
    return out


def _holds_exclusion(q: plan.Node) -> bool:
    if isinstance(q, plan.Exclude):
        return True
    if isinstance(q, (plan.AllOf, plan.AnyOf)):
        return any(_holds_exclusion(c) for c in q.children)
    if isinstance(q, plan.RankBy):
        return _holds_exclusion(q.required) or _holds_exclusion(q.ranking)
    return False


class Reference:
    """scoring.py's BM25F, one document at a time, from Whoosh's reader."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.reader = ws.reader()
        self.n = self.reader.doc_count_all()
        self._matches: dict[plan.Node, set[int]] = {}
        self._postings: dict[tuple[str, Any], dict[int, float]] = {}
        self._df: dict[tuple[Any, tuple[str, ...]], int] = {}

    def matches(self, q: plan.Node) -> set[int]:
        key = q
        if key not in self._matches:
            self._matches[key] = matches(self.ws, q)
        return self._matches[key]

    def postings(self, field: str, text: Any) -> dict[int, float]:
        """{document: stored term frequency} of a term, read once."""
        key = (field, text)
        if key not in self._postings:
            found: dict[int, float] = {}
            if key in self.reader:
                p = self.reader.postings(field, text)
                while p.is_active():
                    found[p.id()] = float(p.weight())
                    p.next()
            self._postings[key] = found
        return self._postings[key]

    def with_deleted(self, field: str, text: Any) -> set[int]:
        """Documents with the term, deleted ones included: document frequencies count
        them, as N does (Lucene's and Whoosh's convention)."""
        out: set[int] = set()
        for r, offset in self.reader.leaf_readers():
            if (field, text) in r:
                key = text if isinstance(text, bytes) else r.schema[field].to_bytes(text)
                m = r._terms.matcher(field, key, r.schema[field].format, None)
                while m.is_active():
                    out.add(m.id() + offset)
                    m.next()
        return out

    def _tf(self, field: str, text: Any, d: int) -> float:
        return self.postings(field, text).get(d, 0.0)

    def bm25f(self, text: Any, fields: list[str], d: int, boost: float) -> float:
        key = (text, tuple(fields))
        if key not in self._df:
            self._df[key] = len(set().union(*(self.with_deleted(f, text) for f in fields)))
        df = self._df[key]
        idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        pseudo = 0.0
        for f in fields:
            tf = self._tf(f, text, d)
            if not tf:
                continue
            b = scoring.FIELD_B.get(f, scoring.B)
            avg = (self.reader.field_length(f) / self.n) or 1.0
            dl = self.reader.doc_field_length(d, f) or 0
            pseudo += scoring.FIELD_WEIGHT.get(f, 1.0) * tf / (1 - b + b * dl / avg)
        k1 = scoring.K1
        return boost * idf * pseudo * (k1 + 1) / (pseudo + k1)

    def score(self, q: plan.Node, d: int) -> float:
        """``q``'s score for document ``d`` (0 when ``q`` does not match it)."""
        if isinstance(q, plan.Word):
            if not any(self._tf(f, q.text, d) for f in q.fields):
                return 0.0
            if len(q.fields) == 1 and not self.ws.schema[q.fields[0]].scorable:
                return self._tf(q.fields[0], q.text, d) * q.boost
            return self.bm25f(q.text, list(q.fields), d, q.boost)
        if isinstance(q, (plan.AnyOf, plan.AllOf)):
            if len(q.children) == 1:
                return self.score(q.children[0], d)
            if d not in self.matches(q):
                return 0.0
            return q.boost * sum(self.score(s, d) for s in q.children)
        if isinstance(q, plan.Exclude):  # beside other clauses, d may be excluded
            return self.score(q.base, d) if d in self.matches(q) else 0.0
        if isinstance(q, plan.RankBy):
            if d not in self.matches(q.required):
                return 0.0
            return self.score(q.required, d) + self.score(q.ranking, d)
        if d not in self.matches(q):
            return 0.0
        if isinstance(q, plan.Phrase):
            return q.boost * sum(self.bm25f(w, list(q.fields), d, 1.0) for w in q.words)
        assert isinstance(q, (plan.MatchAll, plan.DateRange)), q
        return scoring.CONSTANT_SCORE * q.boost


def whoosh_scores(ws: Any, q: plan.Node, filt: plan.Node | None = None,
                  mask: plan.Node | None = None) -> dict[int, float]:
    """{document number: reference score} for every live match of ``q`` (Whoosh's
    matchers) within ``filt`` and outside ``mask``."""
    allowed = filter_docs(ws, filt) if filt is not None else None
    masked = filter_docs(ws, mask) if mask is not None else set()
    ref = Reference(ws)
    return {d: ref.score(q, d) for d in matches(ws, q)
            if (allowed is None or d in allowed) and d not in masked}


def ranked(scores: dict[int, float], k: int) -> list[tuple[int, float]]:
    """The best ``k``: score, then lower document number."""
    return sorted(scores.items(), key=lambda ds: (-ds[1], ds[0]))[:k]
