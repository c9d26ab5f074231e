"""BM25F as the engine scores it, and every ranking parameter, defined once here.

The formula is Whoosh's ``BM25F`` (what searcher ranked with before the engine):
each field is scored with BM25 on its own length statistics and the field scores
are summed (the query tree says which fields; ``title`` and ``body`` for words):

    idf   = ln(N / (df + 1)) + 1           N: documents, deleted ones included
    score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))

``tf`` is the stored weight: the word's count times the field's index-time weight
(``schema.TITLE_BOOST``; Whoosh folds it into the posting), ``dl`` the
document's field length as Whoosh stores it (one byte, a lossy log scale) and
``avgdl`` the field's total length over N. A clause's boost multiplies its
score; an OR/AND sums the scores of the clauses that match; an AND NOT scores
its positive side; match-all and date clauses score their boost (1.0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

K1 = 1.6
"""Term-frequency saturation (1.2 is Whoosh's default; 1.6: +0.001 mean nDCG@10 on
Cranfield, CISI and NFCorpus, bench/eval.py)."""
B = 0.75
"""Length normalisation, for every field without its own entry in FIELD_B."""
FIELD_B: dict[str, float] = {}
"""Per-field length normalisation (none yet: every field uses B)."""
ALL_WORDS_BOOST = 3.0
"""Weight of the extra AND clause that ranks articles with all the words first."""
ALL_WORDS_MAX_CLAUSES = 6
"""Longer default-operator queries are natural language: OR only (WHOOSH-NOTES 6).
Counted after stop words; 6 beats 4 by +0.004 nDCG@10 on Cranfield (bench/eval.py)."""
CONSTANT_SCORE = 1.0
"""What a match-all or date clause adds to a document's score (times its boost)."""


def b_for(field: str) -> float:
    return FIELD_B.get(field, B)


def idf(doc_frequency: int, doc_count: int) -> float:
    return float(np.log(doc_count / (doc_frequency + 1)) + 1.0)


@dataclass(frozen=True)
class TermScorer:
    """BM25 for one term in one field: the statistics that do not depend on the
    document. ``scores`` is vectorised; ``explain`` gives one document's parts."""

    field: str
    text: str
    idf: float
    avg_length: float
    b: float = B
    k1: float = K1
    boost: float = 1.0

    @classmethod
    def for_term(cls, field: str, text: str, doc_frequency: int, doc_count: int,
                 total_length: int, boost: float = 1.0) -> TermScorer:
        avg = total_length / (doc_count or 1) or 1.0
        return cls(field, text, idf(doc_frequency, doc_count), avg, b_for(field), K1, boost)

    def scores(self, tf: FloatArray, lengths: FloatArray) -> FloatArray:
        norm = self.k1 * ((1 - self.b) + self.b * lengths / self.avg_length)
        out: FloatArray = self.idf * ((tf * (self.k1 + 1)) / (tf + norm))
        if self.boost != 1.0:
            out *= self.boost
        return out

    def explain(self, tf: float, length: float) -> dict[str, float]:
        """One document's score for this term, with the numbers it is made of."""
        score = float(self.scores(np.array([tf]), np.array([length]))[0])
        return {"score": score, "idf": self.idf, "tf": tf, "length": length,
                "avg_length": self.avg_length, "b": self.b, "k1": self.k1,
                "boost": self.boost}
