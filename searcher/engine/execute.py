"""A query plan (plan.py) -> the documents it matches and their BM25F scores, as arrays.

Each node gives a :class:`Match`: a boolean array over the index's documents and,
when ranking, a score array that is zero wherever the node does not match, so
boolean algebra is array algebra: an OR sums its children's scores, an AND sums
them where all match, AND NOT keeps its positive side's. Scores follow Whoosh's
matchers exactly (scoring.py), so results equal Whoosh's exhaustive BM25F
ranking. Leaves repeated in a query (the all-words clause repeats every word)
are computed once per query: a plan node is its own memo key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .._whoosh.postings import date_value
from ..plan import AllOf, AnyOf, DateRange, Exclude, MatchAll, Node, Nothing, Phrase, RankBy, Word
from . import phrases
from .idsets import intersect
from .scoring import CONSTANT_SCORE
from .stats import CollectionStats, TermKey
from .view import IndexView
from .words import WordScoring

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
    """Runs query plans against one :class:`IndexView`; ``scored=False`` only matches.

    Scores use the collection statistics ``stats`` (stats.py) when given, else the
    view's own (words.py); ``scored_terms`` records which words were scored, over
    which fields (what a caller must gather to pass statistics in)."""

    def __init__(self, view: IndexView, *, scored: bool = True,
                 stats: CollectionStats | None = None) -> None:
        self.view = view
        self.scored = scored
        self.words = WordScoring(view, stats)
        self._leaves: dict[Node, Match] = {}
        self._repeated: set[Word] | None = None

    @property
    def scored_terms(self) -> set[TermKey]:
        return self.words.scored_terms

    def run(self, q: Node) -> Match:
        if self._repeated is None:  # the first (outermost) call: which leaves recur
            seen: set[Word] = set()
            self._repeated = set()
            for key in _leaf_keys(q):
                (self._repeated if key in seen else seen).add(key)
        if isinstance(q, Word):
            return self._memo(q, lambda: self._word_leaf(q))
        if isinstance(q, (AnyOf, AllOf)):
            return self._compound(q, isinstance(q, AllOf))
        if isinstance(q, Exclude):
            a = self.run(q.base)
            b = Executor(self.view, scored=False).run(q.excluded)
            mask = a.mask & ~b.mask
            return Match(mask, None if a.score is None else np.where(mask, a.score, 0.0))
        if isinstance(q, RankBy):
            a, b = self.run(q.required), self.run(q.ranking)
            if a.score is None or b.score is None:
                return Match(a.mask, None)
            return Match(a.mask, a.score + np.where(a.mask, b.score, 0.0))
        if isinstance(q, MatchAll):
            return self._memo(q, lambda: self._every(q))
        if isinstance(q, Nothing):
            return self._empty()
        if isinstance(q, DateRange):
            return self._memo(q, lambda: self._dates(q))
        if isinstance(q, Phrase):
            if len(q.fields) == 1:
                return self._near(q.fields[0], q)
            if self.words.bm25f(q.fields):
                return self._phrase(q)
            return self.run(AnyOf(tuple(replace(q, fields=(f,)) for f in q.fields)))
        raise TypeError(f"not a query plan node: {q!r}")

    # ---------------------------------------------------------------- helpers

    def _memo(self, key: Node, compute: Callable[[], Match]) -> Match:
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

    def _word_leaf(self, q: Word) -> Match:
        if len(q.fields) == 1:
            return self._term(q.fields[0], q.text, q.boost)
        if not self.words.bm25f(q.fields):
            return self.run(AnyOf(tuple(Word((f,), q.text, q.boost) for f in q.fields)))
        return self._word(q)

    def _word(self, q: Word) -> Match:
        """One word over several fields (a default-search word): BM25F, the fields'
        weighted, length-normalised frequencies saturated together (scoring.py)."""
        view = self.view
        mask = np.zeros(view.n, np.bool_)
        parts = self.words.word_parts(q.fields, q.text, q.boost)
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

    def _phrase(self, q: Phrase) -> Match:
        """One phrase over several fields (a hyphenated word of the default search):
        the documents where it occurs in any of them, scored as its words are (each
        word's BM25F over the fields, summed)."""
        matcher = Executor(self.view, scored=False)
        mask = np.logical_or.reduce([matcher.run(replace(q, fields=(f,), boost=1.0)).mask
                                     for f in q.fields])
        if not self.scored:
            return Match(mask, None)
        docs = np.flatnonzero(mask)  # few, and each has every word in some field
        total = np.zeros(len(docs))
        for word in q.words:
            leaf = Word(q.fields, word)
            if self._repeated is not None and leaf in self._repeated:
                w = self._memo(leaf, lambda leaf=leaf: self._word(leaf))  # type: ignore[misc]
                assert w.score is not None
                total += w.score[docs]
                continue
            parts = self.words.word_parts(q.fields, word)
            if parts is None:  # pragma: no cover - a matched phrase has its words
                continue
            scorer, ids, tfs, lengths = parts
            at = np.searchsorted(ids, docs)
            total += scorer.scores_fields([tf[at] for tf in tfs], [ln[at] for ln in lengths])
        score = np.zeros(self.view.n)
        score[docs] = total * q.boost
        return Match(mask, score)

    def _term(self, fieldname: str, text: str, boost: float) -> Match:
        view = self.view
        postings = view.term(fieldname, text)
        mask = np.zeros(view.n, np.bool_)
        if postings is None:
            return Match(mask, np.zeros(view.n) if self.scored else None)
        ids = postings.ids
        mask[ids] = True
        mask[view.dead] = False
        if not self.scored:
            return Match(mask, None)
        score = np.zeros(view.n)
        score[ids] = self.words.term_scores(fieldname, text, ids, postings.weights, boost,
                                      postings.doc_frequency)
        score[view.dead] = 0.0
        return Match(mask, score)

    def _every(self, q: MatchAll) -> Match:
        view = self.view
        if q.field in (None, "", "*"):
            return self._constant(view.live.copy(), q.boost)
        lengths = view.lengths(q.field) if q.field in view.schema else None
        if lengths is not None:  # a document has terms in the field iff its length is > 0
            return self._constant(lengths != 0, q.boost)
        mask = np.zeros(view.n, np.bool_)
        if q.field in view.schema:
            reader = view.searcher.reader()
            for text in reader.lexicon(q.field):
                postings = view.term(q.field, text)
                if postings is not None:
                    mask[postings.ids] = True
        return self._constant(mask, q.boost)

    def _dates(self, q: DateRange) -> Match:
        values = self.view.column(q.field)
        if values is None:  # no segment has the column: nothing is dated
            return self._empty()
        mask = values != np.uint64(self.view.column_missing(q.field))
        if q.start is not None:
            start = date_value(q.start)
            mask &= (values > start) if q.start_excluded else (values >= start)
        if q.end is not None:
            end = date_value(q.end)
            mask &= (values < end) if q.end_excluded else (values <= end)
        return self._constant(mask, q.boost)

    def _near(self, fieldname: str, q: Phrase) -> Match:
        """The phrase's words in ``fieldname``: in order at their offsets, or within
        ``slop`` positions of each other."""
        words, slop, ordered, boost = q.words, q.slop, q.ordered, q.boost
        view = self.view
        if not self.scored:  # the candidates by intersecting the words' postings
            postings = [view.term(fieldname, w) for w in words]
            if any(p is None for p in postings):
                return self._empty()
            docs = intersect([p.ids for p in postings if p is not None])
            docs = docs[view.live[docs]]
            parts: list[Match] = []
        else:
            parts = [self.run(Word((fieldname,), w)) for w in words]
            if any(view.term(fieldname, w) is None for w in words):
                return self._empty()
            docs = np.flatnonzero(np.logical_and.reduce([p.mask for p in parts]))
        found = phrases.matching(view, fieldname, list(words), docs, slop=slop,
                                 ordered=ordered, offsets=q.positions() if q.exact else None)
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

    def _compound(self, q: AnyOf | AllOf, intersect: bool) -> Match:
        subs = q.children
        if not subs:
            return self._empty()
        if len(subs) == 1:  # Whoosh dropped the boost of a one-clause group
            return self.run(subs[0])
        if not intersect and all(self._is_word_leaf(sub) for sub in subs):
            return self._or_of_words(subs, q.boost)  # type: ignore[arg-type]
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

    def _is_word_leaf(self, q: Node) -> bool:
        """A word (one field, or one BM25F clause over several), not repeated in the query."""
        return isinstance(q, Word) and (len(q.fields) == 1 or self.words.bm25f(q.fields)) and (
            self._repeated is None or q not in self._repeated)

    def _word_postings(self, q: Word) -> tuple[npt.NDArray[Any], FloatArray | None]:
        """A word leaf (``_is_word_leaf``) as its live documents and their scores."""
        view = self.view
        if len(q.fields) == 1:
            postings = view.term(q.fields[0], q.text)
            if postings is None:
                return np.zeros(0, np.int64), np.zeros(0)
            ids = postings.ids
            scores = self.words.term_scores(q.fields[0], q.text, ids, postings.weights, q.boost,
                                      postings.doc_frequency) if self.scored else None
        else:
            parts = self.words.word_parts(q.fields, q.text, q.boost)
            if parts is None:
                return np.zeros(0, np.int64), np.zeros(0)
            scorer, ids, tfs, lengths = parts
            scores = scorer.scores_fields(tfs, lengths) if self.scored else None
        if len(view.dead):
            keep = view.live[ids]
            ids = ids[keep]
            scores = None if scores is None else scores[keep]
        return ids, scores

    def _or_of_words(self, subs: tuple[Word, ...], boost: float) -> Match:
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


def _leaf_keys(q: Node) -> list[Word]:
    """The words the plan scores, one per occurrence (a phrase scores its words)."""
    if isinstance(q, Word):
        return [q]
    if isinstance(q, Phrase):
        return [Word(q.fields, w) for w in q.words]
    if isinstance(q, (AnyOf, AllOf)):
        return [k for sub in q.children for k in _leaf_keys(sub)]
    if isinstance(q, Exclude):
        return _leaf_keys(q.base) + _leaf_keys(q.excluded)
    if isinstance(q, RankBy):
        return _leaf_keys(q.required) + _leaf_keys(q.ranking)
    return []
