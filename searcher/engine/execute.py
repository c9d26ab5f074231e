"""A Whoosh query tree -> the documents it matches and their BM25F scores, as arrays.

Each node gives a :class:`Match`: a boolean array over the index's documents and,
when ranking, a score array that is zero wherever the node does not match, so
boolean algebra is array algebra: an OR sums its children's scores, an AND sums
them where all match, AND NOT keeps its positive side's. Scores follow Whoosh's
matchers exactly (scoring.py), so results equal Whoosh's exhaustive BM25F
ranking. Leaves repeated in a query (the all-words clause repeats every word)
are computed once per query.

Node types are matched exactly (a Whoosh subclass may match differently); a
type this module does not know is run through Whoosh's own matcher, so every
query the parser can emit gets an answer, if a slower one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.query.spans import SpanNear2
from whoosh.util.times import datetime_to_long

from .._whoosh.postings import LENGTH_OF_BYTE
from . import phrases
from .scoring import CONSTANT_SCORE, FieldStats, TermScorer
from .stats import CollectionStats, TermKey
from .view import IndexView

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class Match:
    """``mask[d]``: document d matches (live documents only); ``score[d]`` its score
    (0 where it does not match), or None when the caller only counts."""

    mask: BoolArray
    score: FloatArray | None

    @property
    def total(self) -> int:
        return int(np.count_nonzero(self.mask))


class Executor:
    """Runs query trees against one :class:`IndexView`; ``scored=False`` only matches.

    Scores use the collection statistics ``stats`` (stats.py) when given, else the
    view's own; ``scored_terms`` records which words were scored, over which fields
    (what a caller must gather to pass statistics in)."""

    def __init__(self, view: IndexView, *, scored: bool = True,
                 stats: CollectionStats | None = None) -> None:
        self.view = view
        self.scored = scored
        self.stats = stats
        self.scored_terms: set[TermKey] = set()
        self._leaves: dict[Any, Match] = {}
        self._repeated: set[Any] | None = None

    def run(self, q: Any) -> Match:
        if self._repeated is None:  # the first (outermost) call: which leaves recur
            seen: set[Any] = set()
            self._repeated = set()
            for key in _leaf_keys(q):
                (self._repeated if key in seen else seen).add(key)
        kind = type(q)
        if kind is wq.Term:
            return self._memo(_term_key(q), lambda: self._term(q))
        if kind is wq.Or or kind is wq.And:
            return self._compound(q, kind is wq.And)
        if kind is wq.AndNot:
            a = self.run(q.a)
            b = Executor(self.view, scored=False).run(q.b)
            mask = a.mask & ~b.mask
            return Match(mask, None if a.score is None else np.where(mask, a.score, 0.0))
        if kind is wq.AndMaybe:
            a, b = self.run(q.a), self.run(q.b)
            if a.score is None or b.score is None:
                return Match(a.mask, None)
            return Match(a.mask, a.score + np.where(a.mask, b.score, 0.0))
        if kind is wq.Every:
            return self._memo(("every", q.fieldname, q.boost), lambda: self._every(q))
        if q is wq.NullQuery or kind is type(wq.NullQuery):
            return self._empty()
        if kind is wq.DateRange and self.view.column(q.fieldname) is not None:
            return self._memo(("dates", q.fieldname, q.start, q.end, q.startexcl, q.endexcl,
                               q.boost), lambda: self._dates(q))
        if kind is wq.Phrase or kind is phrases.GapPhrase:
            terms = [wq.Term(q.fieldname, w) for w in q.words]
            return self._near(terms, q.slop, True, q.boost, offsets=phrases.offsets_of(q))
        if kind is SpanNear2 and all(type(t) is wq.Term for t in q.qs):
            return self._near(list(q.qs), q.slop, q.ordered, 1.0, q.mindist)
        return self._whoosh(q)

    # ---------------------------------------------------------------- helpers

    def _memo(self, key: Any, compute: Any) -> Match:
        """A leaf's result, kept for the query only if the leaf recurs in it (the
        all-words clause repeats every word): one leaf's arrays are ~9 bytes per
        document, so a 64-word expansion must not hold all of them at once."""
        found = self._leaves.get(key)
        if found is None:
            found = compute()
            if self._repeated is not None and key in self._repeated:
                self._leaves[key] = found
        return found

    def _empty(self) -> Match:
        n = self.view.n
        return Match(np.zeros(n, np.bool_), np.zeros(n) if self.scored else None)

    def _constant(self, mask: BoolArray, boost: float) -> Match:
        mask &= self.view.live
        score = mask * (CONSTANT_SCORE * boost) if self.scored else None
        return Match(mask, None if score is None else score.astype(np.float64))

    # ---------------------------------------------------------------- leaves

    def _collection(self, fields: tuple[str, ...], text: str, local_df: Callable[[], int]
                    ) -> tuple[int, int, list[FieldStats]]:
        """A word's document frequency over ``fields``, the number of documents, and
        each field's weighting: from the statistics passed in, else the view's."""
        self.scored_terms.add((fields, text))
        if self.stats is None:
            n = self.view.n
            return local_df(), n, [FieldStats.of(f, n, self.view.total_length(f))
                                   for f in fields]
        stats = self.stats
        n = stats.documents
        return (stats.doc_frequency(fields, text), n,
                [FieldStats.of(f, n, stats.field_length(f)) for f in fields])

    def scorer(self, fieldname: str, text: Any, boost: float = 1.0,
               doc_frequency: int | None = None) -> TermScorer | None:
        """The BM25 scorer of a term (None for fields Whoosh does not score by BM25)."""
        if not self.view.schema[fieldname].scorable:
            return None
        view = self.view
        df, n, fields = self._collection(
            (fieldname,), str(text), lambda: view.doc_frequency(fieldname, text)
            if doc_frequency is None else doc_frequency)
        return TermScorer.for_fields(str(text), fields, df, n, boost)

    def term_scores(self, fieldname: str, text: Any, ids: Any, weights: Any,
                    boost: float = 1.0, doc_frequency: int | None = None) -> FloatArray:
        """Scores of the term's postings ``ids`` with their ``weights`` (tf)."""
        scorer = self.scorer(fieldname, text, boost, doc_frequency)
        tf = weights.astype(np.float64)
        if scorer is None:  # Whoosh scores an unscorable field by its weight
            return tf * boost  # type: ignore[no-any-return]
        lengths = self.view.lengths(fieldname)
        dl = LENGTH_OF_BYTE[lengths[ids]] if lengths is not None else np.ones(len(ids))
        return scorer.scores(tf, dl)

    def word_parts(self, terms: list[Any], boost: float = 1.0
                   ) -> tuple[TermScorer, IntArray, list[FloatArray], list[FloatArray]] | None:
        """One word over several fields: its BM25F scorer, the documents that have it
        in any of them (sorted), and per field their tf and length (0 tf: absent)."""
        view = self.view
        text = terms[0].text
        found = [(i, t.fieldname, p) for i, t in enumerate(terms)
                 if (p := view.term(t.fieldname, text)) is not None]
        if not found:
            return None
        ids, places = _union([p.ids for _i, _f, p in found])
        df, n, fields = self._collection(tuple(t.fieldname for t in terms), str(text),
                                         lambda: len(ids))
        scorer = TermScorer.for_fields(str(text), [fields[i] for i, _f, _p in found], df, n,
                                       boost)
        tfs, lengths = [], []
        for (_i, f, p), at in zip(found, places, strict=True):
            if at is None:  # the field has every document: no scatter
                tf = p.weights.astype(np.float64)
            else:
                tf = np.zeros(len(ids))
                tf[at] = p.weights
            tfs.append(tf)
            stored = view.lengths(f)
            lengths.append(LENGTH_OF_BYTE[stored[ids]] if stored is not None
                           else np.ones(len(ids)))
        return scorer, ids, tfs, lengths

    def _word(self, terms: list[Any], boost: float) -> Match:
        """One word over several fields (a default-search word): BM25F, the fields'
        weighted, length-normalised frequencies saturated together (scoring.py)."""
        view = self.view
        mask = np.zeros(view.n, np.bool_)
        parts = self.word_parts(terms, boost)
        if parts is None:
            return Match(mask, np.zeros(view.n) if self.scored else None)
        scorer, ids, tfs, lengths = parts
        mask[ids] = True
        mask[view.dead] = False
        if not self.scored:
            return Match(mask, None)
        score = np.zeros(view.n)
        score[ids] = scorer.scores_fields(tfs, lengths)
        score[view.dead] = 0.0
        return Match(mask, score)

    def _phrase(self, phrases: list[Any], boost: float) -> Match:
        """One phrase over several fields (a hyphenated word of the default search):
        the documents where it occurs in any of them, scored as its words are (each
        word's BM25F over the fields, summed)."""
        matcher = Executor(self.view, scored=False)
        mask = np.logical_or.reduce([matcher.run(p).mask for p in phrases])
        if not self.scored:
            return Match(mask, None)
        fields = [p.fieldname for p in phrases]
        docs = np.flatnonzero(mask)  # few, and each has every word in some field
        total = np.zeros(len(docs))
        for word in phrases[0].words:
            key = ("word", word, tuple(fields), 1.0, 1.0)
            terms = [wq.Term(f, word) for f in fields]
            if self._repeated is not None and key in self._repeated:
                w = self._memo(key, lambda terms=terms: self._word(terms, 1.0))
                assert w.score is not None
                total += w.score[docs]
                continue
            parts = self.word_parts(terms)
            if parts is None:  # pragma: no cover - a matched phrase has its words
                continue
            scorer, ids, tfs, lengths = parts
            at = np.searchsorted(ids, docs)
            total += scorer.scores_fields([tf[at] for tf in tfs], [ln[at] for ln in lengths])
        score = np.zeros(self.view.n)
        score[docs] = total * boost
        return Match(mask, score)

    def _term(self, q: Any) -> Match:
        view = self.view
        postings = view.term(q.fieldname, q.text)
        mask = np.zeros(view.n, np.bool_)
        if postings is None:
            return Match(mask, np.zeros(view.n) if self.scored else None)
        ids = postings.ids
        mask[ids] = True
        mask[view.dead] = False
        if not self.scored:
            return Match(mask, None)
        score = np.zeros(view.n)
        score[ids] = self.term_scores(q.fieldname, q.text, ids, postings.weights, q.boost,
                                      postings.doc_frequency)
        score[view.dead] = 0.0
        return Match(mask, score)

    def _every(self, q: Any) -> Match:
        view = self.view
        if q.fieldname in (None, "", "*"):
            return self._constant(view.live.copy(), q.boost)
        lengths = view.lengths(q.fieldname) if q.fieldname in view.schema else None
        if lengths is not None:  # a document has terms in the field iff its length is > 0
            return self._constant(lengths != 0, q.boost)
        mask = np.zeros(view.n, np.bool_)
        if q.fieldname in view.schema:
            reader = view.searcher.reader()
            for text in reader.lexicon(q.fieldname):
                postings = view.term(q.fieldname, text)
                if postings is not None:
                    mask[postings.ids] = True
        return self._constant(mask, q.boost)

    def _dates(self, q: Any) -> Match:
        values = self.view.column(q.fieldname)
        assert values is not None
        mask = values != np.uint64(self.view.column_missing(q.fieldname))
        start = _as_long(q.start)
        end = _as_long(q.end)
        if start is not None:
            mask &= (values > start) if q.startexcl else (values >= start)
        if end is not None:
            mask &= (values < end) if q.endexcl else (values <= end)
        return self._constant(mask, q.boost)

    def _near(self, terms: list[Any], slop: int, ordered: bool, boost: float,
              mindist: int = 1, offsets: tuple[int, ...] | None = None) -> Match:
        """Words in order next to each other (a phrase), or within ``slop`` positions."""
        view = self.view
        if not self.scored:  # the candidates by intersecting the words' postings
            postings = [view.term(t.fieldname, t.text) for t in terms]
            if any(p is None for p in postings):
                return self._empty()
            docs = _intersect([p.ids for p in postings if p is not None])
            docs = docs[view.live[docs]]
            parts: list[Match] = []
        else:
            parts = [self.run(wq.Term(t.fieldname, t.text, boost=t.boost)) for t in terms]
            if any(view.term(t.fieldname, t.text) is None for t in terms):
                return self._empty()
            docs = np.flatnonzero(np.logical_and.reduce([p.mask for p in parts]))
        found = phrases.matching(view, terms[0].fieldname, [t.text for t in terms], docs,
                                 slop=slop, ordered=ordered, mindist=mindist,
                                 offsets=offsets)
        mask = np.zeros(view.n, np.bool_)
        mask[found] = True
        if not self.scored:
            return Match(mask, None)
        total = np.zeros(view.n)
        for p in parts:
            assert p.score is not None
            total += p.score
        if boost != 1.0:
            total = total * boost
        return Match(mask, np.where(mask, total, 0.0))

    # ---------------------------------------------------------------- compounds

    def _compound(self, q: Any, intersect: bool) -> Match:
        subs = q.subqueries
        if not subs:
            return self._empty()
        if len(subs) == 1:  # Whoosh drops the boost of a one-clause group
            return self.run(subs[0])
        if not intersect and one_word(subs, self.view.schema):
            return self._memo(_word_key(q), lambda: self._word(subs, subs[0].boost * q.boost))
        if not intersect and one_phrase(subs, self.view.schema):
            return self._phrase(subs, subs[0].boost * q.boost)
        if not intersect and all(self._is_word_leaf(sub) for sub in subs):
            return self._or_of_words(subs, q.boost)
        # One child at a time into the accumulators: peak memory does not grow with
        # the number of clauses.
        mask = np.zeros(self.view.n, np.bool_) if not intersect else self.view.live.copy()
        score = np.zeros(self.view.n) if self.scored else None
        for sub in subs:
            part = self.run(sub)
            if intersect:
                mask &= part.mask
            else:
                mask |= part.mask
            if score is not None:
                assert part.score is not None
                score += part.score
        if score is None:
            return Match(mask, None)
        if intersect:
            score[~mask] = 0.0
        if q.boost != 1.0:
            score *= q.boost
        return Match(mask, score)

    def _is_word_leaf(self, q: Any) -> bool:
        """A term, or one word over several fields, not repeated in the query."""
        kind = type(q)
        key: tuple[Any, ...] | None
        if kind is wq.Term:
            key = _term_key(q)
        elif kind is wq.Or and len(q.subqueries) > 1 and one_word(q.subqueries,
                                                                  self.view.schema):
            key = _word_key(q)
        else:
            return False
        return self._repeated is None or key not in self._repeated

    def _word_postings(self, q: Any) -> tuple[npt.NDArray[Any], FloatArray | None]:
        """A word leaf (``_is_word_leaf``) as its live documents and their scores."""
        view = self.view
        if type(q) is wq.Term:
            postings = view.term(q.fieldname, q.text)
            if postings is None:
                return np.zeros(0, np.int64), np.zeros(0)
            ids = postings.ids
            scores = self.term_scores(q.fieldname, q.text, ids, postings.weights, q.boost,
                                      postings.doc_frequency) if self.scored else None
        else:
            subs = q.subqueries
            parts = self.word_parts(subs, subs[0].boost * q.boost)
            if parts is None:
                return np.zeros(0, np.int64), np.zeros(0)
            scorer, ids, tfs, lengths = parts
            scores = scorer.scores_fields(tfs, lengths) if self.scored else None
        if len(view.dead):
            keep = view.live[ids]
            ids = ids[keep]
            scores = None if scores is None else scores[keep]
        return ids, scores

    def _or_of_words(self, subs: list[Any], boost: float) -> Match:
        """An OR of words (the default query), summed straight from their postings:
        one array over all documents instead of two per word, which is what a query
        costs at a million articles. Each document's score adds its words' scores in
        query order, as the dense sum does, so the floats are the same."""
        n = self.view.n
        parts = [self._word_postings(sub) for sub in subs]
        ids = np.concatenate([i for i, _s in parts])
        mask = np.zeros(n, np.bool_)
        mask[ids] = True
        if not self.scored:
            return Match(mask, None)
        weights = np.concatenate([s for _i, s in parts if s is not None])
        score = np.bincount(ids, weights=weights, minlength=n).astype(np.float64, copy=False)
        if boost != 1.0:
            score *= boost
        return Match(mask, score)

    def _whoosh(self, q: Any) -> Match:
        """Any other node: Whoosh's own matcher, one posting at a time."""
        view = self.view
        mask = np.zeros(view.n, np.bool_)
        score = np.zeros(view.n) if self.scored else None
        m = q.matcher(view.searcher, view.searcher.context())
        while m.is_active():
            d = m.id()
            mask[d] = True
            if score is not None:
                score[d] = m.score()
            m.next()
        mask &= view.live
        return Match(mask, score)


def _intersect(sorted_ids: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The ids in every one of these sorted arrays, shortest first: each step costs
    a binary search per id still in, not a pass over every document."""
    arrays = sorted(sorted_ids, key=len)
    found = arrays[0]
    for other in arrays[1:]:
        if not len(found):
            break
        found = found[_places_in(other, found)[1]]
    return found


def _places_in(ids: npt.NDArray[Any], values: npt.NDArray[Any]
               ) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """Where each of ``values`` is or would go in the sorted ``ids``, and whether it is there."""
    at = np.searchsorted(ids, values)
    present = at < len(ids)
    present[present] = ids[at[present]] == values[present]
    return at, present


def _union(sorted_ids: list[npt.NDArray[Any]]
           ) -> tuple[npt.NDArray[Any], list[npt.NDArray[Any] | None]]:
    """The sorted union of sorted, duplicate-free id arrays, and where each array's
    ids are in it (None: the union is that array). Two arrays (a word in title and
    body) are merged by rank, without sorting: an id's place in the union is its
    place in its own array plus the number of the other array's new ids before it."""
    if len(sorted_ids) == 1:
        return sorted_ids[0], [None]
    if len(sorted_ids) != 2:
        ids = np.unique(np.concatenate(sorted_ids))
        return ids, [None if len(a) == len(ids) else np.searchsorted(ids, a)
                     for a in sorted_ids]
    first, second = sorted_ids
    swap = len(second) > len(first)
    big, small = (second, first) if swap else (first, second)
    at, present = _places_in(big, small)
    if present.all():  # the usual case: the title's documents all have the word in the body
        places: list[npt.NDArray[Any] | None] = [None, at]
        return big, places[::-1] if swap else places
    new = small[~present]
    big_at = np.arange(len(big)) + np.searchsorted(new, big)
    new_at = at[~present] + np.arange(len(new))
    ids = np.empty(len(big) + len(new), dtype=np.result_type(big, new))
    ids[big_at] = big
    ids[new_at] = new
    small_at = np.empty(len(small), dtype=np.int64)
    small_at[present] = big_at[at[present]]
    small_at[~present] = new_at
    places = [big_at, small_at]
    return ids, places[::-1] if swap else places


def _term_key(q: Any) -> tuple[Any, ...]:
    return ("term", q.fieldname, q.text, q.boost)


def _word_key(q: Any) -> tuple[Any, ...] | None:
    """The memo key of an OR of one word over several fields (None if it is not one)."""
    subs = q.subqueries
    if len(subs) < 2 or not all(type(t) is wq.Term for t in subs):
        return None
    first = subs[0]
    if not all(t.text == first.text and t.boost == first.boost for t in subs):
        return None
    return ("word", first.text, tuple(t.fieldname for t in subs), first.boost, q.boost)


def _leaf_keys(q: Any) -> list[Any]:
    """The memo keys of the query's term leaves, one per occurrence."""
    kind = type(q)
    if kind is wq.Term:
        return [_term_key(q)]
    if kind is wq.Phrase or kind is phrases.GapPhrase:
        return [_term_key(wq.Term(q.fieldname, w)) for w in q.words]
    if kind is SpanNear2:
        return [k for sub in q.qs for k in _leaf_keys(sub)]
    if kind is wq.Or and _word_key(q) is not None:  # one word over several fields
        return [_word_key(q)]
    if kind is wq.Or and q.subqueries and all(is_phrase(p) for p in q.subqueries):
        fields = tuple(p.fieldname for p in q.subqueries)
        return [("word", w, fields, 1.0, 1.0) for w in q.subqueries[0].words]
    if kind in (wq.And, wq.Or):
        return [k for sub in q.subqueries for k in _leaf_keys(sub)]
    if kind in (wq.AndNot, wq.AndMaybe):
        return _leaf_keys(q.a) + _leaf_keys(q.b)
    return []


def one_word(subs: list[Any], schema: Any) -> bool:
    """An OR of the same word in different BM25-scored fields, equally boosted."""
    first = subs[0]
    return (all(type(t) is wq.Term for t in subs)
            and len({t.fieldname for t in subs}) == len(subs)
            and all(t.text == first.text and t.boost == first.boost for t in subs)
            and all(t.fieldname in schema and schema[t.fieldname].scorable for t in subs))


def is_phrase(q: Any) -> bool:
    """A Whoosh Phrase or a phrase with gaps (engine/phrases.GapPhrase)."""
    return type(q) is wq.Phrase or type(q) is phrases.GapPhrase


def one_phrase(subs: list[Any], schema: Any) -> bool:
    """An OR of the same phrase in different BM25-scored fields, equally boosted."""
    first = subs[0]
    return (all(is_phrase(p) for p in subs)
            and len({p.fieldname for p in subs}) == len(subs)
            and all(p.words == first.words and p.slop == first.slop
                    and phrases.offsets_of(p) == phrases.offsets_of(first)
                    and p.boost == first.boost for p in subs)
            and all(p.fieldname in schema and schema[p.fieldname].scorable for p in subs))


def _as_long(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return int(datetime_to_long(value))
