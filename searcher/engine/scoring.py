"""BM25F as the engine scores it, and every ranking parameter, defined once here.

A word of the default search is one clause over title and body, scored with BM25F
done right (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25
and Beyond", 2009): each field's term frequency is length-normalised on that
field's own statistics and weighted, the fields are summed into one frequency,
and that is saturated once, with one idf:

    tf~   = sum over fields f of  W_f * tf_f / (1 - B_f + B_f * dl_f / avgdl_f)
    score = idf * tf~ * (K1 + 1) / (tf~ + K1)
    idf   = ln(1 + (N - df + 0.5) / (df + 0.5))     (Lucene's; never negative)

``df`` counts the documents with the word in any of the clause's fields, ``N`` all
documents (deleted ones included, as Lucene and Whoosh count them), ``dl`` a
document's field length as Whoosh stores it (one byte, a lossy log scale),
``avgdl`` the field's total length over N. ``N``, ``df`` and the total lengths are
the collection's statistics: the open index's, or a ``CollectionStats`` passed to
the executor (stats.py). A term in one field (``title:oil``, the
words of a phrase) is the same formula with one field. A clause's boost
multiplies its score; an OR/AND sums the scores of the clauses that match; an
AND NOT scores its positive side; match-all and date clauses score their boost.

Why not Whoosh's BM25F (what searcher ranked with before): it saturates each
field on its own and sums the results, so a word in the headline and the body
counted twice and a title weight above the body's let short titles swamp the
text; its idf ``ln(N / (df + 1)) + 1`` never falls below 1, so common words
diluted long queries. Chosen by the leave-one-collection-out rule on seven
collections (README "Relevance"): +0.022 mean nDCG@10 through the real search path
(bench/eval.py), every collection up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..schema import TITLE

FloatArray = npt.NDArray[np.float64]

K1 = 1.5
"""Term-frequency saturation (bm25s's default; Lucene's 1.2 lost 0.009 nDCG@10 on
Cranfield, whose hyphenated query words are phrases, and gained 0.01 on CACM)."""
B = 0.6
"""Length normalisation, for every field without its own entry in FIELD_B (0.75,
the textbook value, is 0.005 lower on the mean of seven collections)."""
FIELD_B: dict[str, float] = {TITLE: 0.9}
"""Per-field length normalisation: a headline's length says more about how much of
it is about the word than an article's does (0.6 like the body: -0.002 mean)."""
FIELD_WEIGHT: dict[str, float] = {TITLE: 3.0}
"""A word in the headline counts as three in the body (fields not listed weigh 1):
in news, and in most collections with real titles, the title is the best evidence
(2.0: -0.001 mean, -0.007 on CACM, where half the records are a title only)."""
ALL_WORDS_BOOST = 0.0
"""Weight of an extra AND clause that would rank articles with all the words first
(for up to ALL_WORDS_MAX_CLAUSES words); 0 leaves it out. Off because BM25F already
favours articles with more of the words, and the clause cost relevance through the
real search path (bench/eval.py, mean nDCG@10 of seven collections): 0 -> 0.5022,
0.5 -> 0.5013, 3 (the old default) -> 0.4986, MEDLINE 0.708 -> 0.696."""
ALL_WORDS_MAX_CLAUSES = 6
"""Longer default-operator queries are natural language: OR only (WHOOSH-NOTES 6)."""
CONSTANT_SCORE = 1.0
"""What a match-all or date clause adds to a document's score (times its boost)."""


def b_for(field: str) -> float:
    return FIELD_B.get(field, B)


def weight_for(field: str) -> float:
    return FIELD_WEIGHT.get(field, 1.0)


def idf(doc_frequency: int, doc_count: int) -> float:
    return float(np.log(1.0 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5)))


@dataclass(frozen=True)
class FieldStats:
    """One field of a clause: its weight, length normalisation and average length."""

    field: str
    weight: float
    b: float
    avg_length: float

    @classmethod
    def of(cls, field: str, doc_count: int, total_length: int) -> FieldStats:
        avg = total_length / (doc_count or 1) or 1.0
        return cls(field, weight_for(field), b_for(field), avg)

    def pseudo_tf(self, tf: FloatArray, lengths: FloatArray) -> FloatArray:
        out: FloatArray = self.weight * tf / ((1 - self.b) + self.b * lengths / self.avg_length)
        return out


@dataclass(frozen=True)
class TermScorer:
    """BM25F for one word over one or more fields: the statistics that do not depend
    on the document. ``scores`` is vectorised; ``explain`` gives one document's parts."""

    text: str
    fields: tuple[FieldStats, ...]
    idf: float
    k1: float = K1
    boost: float = 1.0

    @property
    def field(self) -> str:
        return "+".join(f.field for f in self.fields)

    @classmethod
    def for_fields(cls, text: str, fields: Sequence[FieldStats], doc_frequency: int,
                   doc_count: int, boost: float = 1.0) -> TermScorer:
        """One word over several fields; ``doc_frequency`` counts documents with it in
        any of them."""
        return cls(text, tuple(fields), idf(doc_frequency, doc_count), K1, boost)

    def saturate(self, pseudo_tf: FloatArray) -> FloatArray:
        out: FloatArray = self.boost * self.idf * pseudo_tf * (self.k1 + 1) / (pseudo_tf + self.k1)
        return out

    def scores(self, tf: FloatArray, lengths: FloatArray) -> FloatArray:
        """One field's scorer: the scores of documents with these tf and lengths."""
        return self.scores_fields([tf], [lengths])

    def scores_fields(self, tfs: Sequence[FloatArray], lengths: Sequence[FloatArray]
                      ) -> FloatArray:
        """Scores from each field's tf and length arrays (same order as ``fields``)."""
        total: FloatArray = sum((f.pseudo_tf(tf, dl) for f, tf, dl in
                                 zip(self.fields, tfs, lengths, strict=True)),
                                start=np.zeros(len(tfs[0])))
        return self.saturate(total)

    def explain(self, tf: float, length: float) -> dict[str, float]:
        """One field's scorer: one document's score, with the numbers it is made of."""
        (f,) = self.fields
        score = float(self.scores(np.array([tf]), np.array([length]))[0])
        return {"score": score, "idf": self.idf, "tf": tf, "length": length,
                "avg_length": f.avg_length, "b": f.b, "k1": self.k1, "boost": self.boost,
                "weight": f.weight}

    def explain_fields(self, tfs: Sequence[float], lengths: Sequence[float]
                       ) -> tuple[float, list[tuple[FieldStats, float, float, float]]]:
        """One document's score for this word over all its fields, and per field its
        (stats, tf, length, share of the frequency): the shares add up to the
        frequency that is saturated."""
        parts = [(f, tf, dl, float(f.pseudo_tf(np.array([tf]), np.array([dl]))[0]))
                 for f, tf, dl in zip(self.fields, tfs, lengths, strict=True)]
        score = float(self.saturate(np.array([sum(p[3] for p in parts)]))[0])
        return score, parts
