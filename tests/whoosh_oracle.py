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
from typing import Any

from whoosh import query as wq
from whoosh.query.spans import SpanNear2

# The same clause shapes as the engine (which word ORs form one BM25F clause); only the
# scoring formula is written out again here.
from searcher.engine import scoring
from searcher.engine.execute import one_phrase, one_word


def oracle_searcher(index_path: Any) -> Any:
    """A Whoosh searcher over the index (its weighting is never used for scores)."""
    from whoosh import index

    return index.open_dir(str(index_path)).searcher()


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


def matches(ws: Any, q: Any) -> set[int]:
    """Every live document Whoosh's matcher tree says ``q`` matches.

    A top-level AND NOT is split (its positive side's matches minus the other's):
    Whoosh's AndNotMatcher keeps an excluded first document (``oil NOT price``
    returned document 26, which has both words)."""
    if type(q) is wq.AndNot:
        return matches(ws, q.a) - matches(ws, q.b)
    reader = ws.reader()
    out: set[int] = set()
    m = q.matcher(ws, ws.context())
    while m.is_active():
        if not reader.is_deleted(m.id()):
            out.add(m.id())
        m.next()
    return out


class Reference:
    """scoring.py's BM25F, one document at a time, from Whoosh's reader."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.reader = ws.reader()
        self.n = self.reader.doc_count_all()
        self._matches: dict[int, set[int]] = {}
        self._postings: dict[tuple[str, Any], dict[int, float]] = {}
        self._df: dict[tuple[Any, tuple[str, ...]], int] = {}

    def matches(self, q: Any) -> set[int]:
        key = id(q)
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

    def score(self, q: Any, d: int) -> float:
        """``q``'s score for document ``d`` (0 when ``q`` does not match it)."""
        kind = type(q)
        if kind is wq.Term:
            if not self._tf(q.fieldname, q.text, d):
                return 0.0
            if not self.ws.schema[q.fieldname].scorable:
                return self._tf(q.fieldname, q.text, d) * q.boost
            return self.bm25f(q.text, [q.fieldname], d, q.boost)
        if kind is wq.Or or kind is wq.And:
            subs = q.subqueries
            if len(subs) == 1:
                return self.score(subs[0], d)
            if d not in self.matches(q):
                return 0.0
            if kind is wq.Or and one_word(subs, self.ws.schema):
                return self.bm25f(subs[0].text, [t.fieldname for t in subs], d,
                                  subs[0].boost * q.boost)
            if kind is wq.Or and one_phrase(subs, self.ws.schema):
                fields = [p.fieldname for p in subs]
                return sum(self.bm25f(w, fields, d, subs[0].boost * q.boost)
                           for w in subs[0].words)
            return q.boost * sum(self.score(s, d) for s in subs)
        if kind is wq.AndNot:
            return self.score(q.a, d)
        if kind is wq.AndMaybe:
            return self.score(q.a, d) + self.score(q.b, d)
        if d not in self.matches(q):
            return 0.0
        if kind is wq.Phrase:
            return q.boost * sum(self.score(wq.Term(q.fieldname, w), d) for w in q.words)
        if kind is SpanNear2:
            return sum(self.score(wq.Term(t.fieldname, t.text, boost=t.boost), d)
                       for t in q.qs)
        if kind is wq.Every or kind is wq.DateRange:
            return scoring.CONSTANT_SCORE * q.boost
        return self._whoosh_score(q, d)  # other nodes: the engine runs Whoosh's matcher

    def _whoosh_score(self, q: Any, d: int) -> float:
        m = q.matcher(self.ws, self.ws.context())
        m.skip_to(d)
        return float(m.score()) if m.is_active() and m.id() == d else 0.0



def whoosh_scores(ws: Any, q: Any, filt: Any = None, mask: Any = None) -> dict[int, float]:
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
