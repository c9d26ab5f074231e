"""One word's BM25F parts over its fields: the collection statistics it scores with,
its documents, and per field their term frequencies and lengths.

The executor (execute.py) turns these into match and score arrays; explain.py
into one document's breakdown. Statistics come from the open index, or from a
:class:`CollectionStats` passed in (stats.py); every word scored is recorded in
``scored_terms``, what a caller must gather to pass statistics in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from .._whoosh.postings import LENGTH_OF_BYTE
from .idsets import union
from .scoring import FieldStats, TermScorer
from .stats import CollectionStats, TermKey
from .view import IndexView

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class WordScoring:
    """The BM25F parts of words in one :class:`IndexView`."""

    def __init__(self, view: IndexView, stats: CollectionStats | None = None) -> None:
        self.view = view
        self.stats = stats
        self.scored_terms: set[TermKey] = set()

    def collection(self, fields: tuple[str, ...], text: str, local_df: Callable[[], int]
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
        df, n, fields = self.collection(
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

    def word_parts(self, fields: tuple[str, ...], text: str, boost: float = 1.0
                   ) -> tuple[TermScorer, IntArray, list[FloatArray], list[FloatArray]] | None:
        """One word over several fields: its BM25F scorer, the documents that have it
        in any of them (sorted), and per field their tf and length (0 tf: absent)."""
        view = self.view
        found = [(i, f, p) for i, f in enumerate(fields)
                 if (p := view.term(f, text)) is not None]
        if not found:
            return None
        ids, places = union([p.ids for _i, _f, p in found])
        df, n, stats = self.collection(fields, str(text), lambda: len(ids))
        scorer = TermScorer.for_fields(str(text), [stats[i] for i, _f, _p in found], df, n,
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

    def bm25f(self, fields: tuple[str, ...]) -> bool:
        """Whether a word over these fields is one BM25F clause (every field scored by
        BM25, none twice); otherwise each field is its own clause."""
        schema = self.view.schema
        return len(set(fields)) == len(fields) and all(
            f in schema and schema[f].scorable for f in fields)
