"""Query expansion by pseudo-relevance feedback (RM3), as a re-ranking of the matches.

RM3 (Lavrenko & Croft's relevance model, interpolated with the query; Abdul-Jaleel
et al., UMass at TREC 2004; as in Anserini): take the best :data:`FEEDBACK_DOCS`
matches of the user's query, weight every word of their title and body by ``sum
over those documents of P(w|D) * P(D|Q)`` (``P(w|D)``: the word's share of the
document's words; ``P(D|Q)``: the document's share of their summed scores), keep
the :data:`FEEDBACK_TERMS` heaviest (stop words are never indexed words; words in
more than :data:`MAX_DF_SHARE` of the index say nothing about a topic), and score
the documents with them as BM25F word clauses over title and body, each boosted by
its weight. The query's own words stay candidates, as in RM3: a query word the
feedback documents use a lot gains weight. (Leaving them out, so that all of the
feedback weight went to new words, cost 0.06 mean nDCG@10 on the seven
collections of bench/eval.py.)

The expansion re-ranks and never matches: the caller adds its score to the original
score on the original matches only, so totals, filters and pages stay the user's
query's. With the original query's weight ``λ`` = :data:`ORIGINAL_WEIGHT` and its
``|Q|`` words weighing ``λ/|Q|`` each, the interpolated score is, scaled by
``|Q|/λ`` to keep the original's scale::

    original + |Q| * (1 - λ) / λ * sum over expansion words w of P(w|R) * BM25F(w)

Cost is bounded: at most FEEDBACK_DOCS stored articles, each analysed up to
:data:`MAX_FEEDBACK_CHARS`, and FEEDBACK_TERMS extra word clauses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .. import schema
from ..plan import AnyOf, Word
from .execute import Executor
from .view import IndexView

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FEEDBACK_DOCS = 10
"""How many of the best matches the relevance model is built from (Anserini's fbDocs)."""
FEEDBACK_TERMS = 20
"""How many words the relevance model keeps (Anserini's fbTerms is 10)."""
ORIGINAL_WEIGHT = 0.9
"""λ: the original query's share of the interpolated query. Anserini's 0.5 drifted
too far here (mean nDCG@10 of seven collections 0.488 against 0.502 without
expansion); 0.9 with 20 words scored best (0.509) of the settings measured
(λ 0.5-0.9, 10 or 20 words; bench/eval.py, README "Relevance")."""
MAX_FEEDBACK_CHARS = 20_000
"""How much of each feedback article (title, then body) is analysed."""
MAX_DF_SHARE = 0.1
"""Words in more of the index's articles than this share are never expansion words."""


@dataclass(frozen=True)
class Expansion:
    """What feedback added: the expansion words (index terms, heaviest first) with
    their weights P(w|R), the feedback text (to show the words as written), and the
    score to add to each document's original score (zero where nothing matched)."""

    terms: tuple[tuple[str, float], ...]
    text: str
    score: FloatArray


def expand(executor: Executor, found: BoolArray, scores: FloatArray,
           query_size: int) -> Expansion | None:
    """RM3 over the matches ``found`` ranked by ``scores`` for a query of
    ``query_size`` words; None when there is nothing to re-rank (fewer than two
    matches) or no word qualifies."""
    view = executor.view
    docs = np.flatnonzero(found)
    if len(docs) < 2:
        return None
    top = docs[np.argsort(-scores[docs], kind="stable")[:FEEDBACK_DOCS]]
    texts = []
    for d in top:
        stored = view.searcher.stored_fields(int(d))
        text = f"{stored.get(schema.TITLE) or ''}\n{stored.get(schema.BODY) or ''}"
        texts.append(text[:MAX_FEEDBACK_CHARS])
    common = max(int(view.n * MAX_DF_SHARE), 1)
    chosen: list[tuple[str, float]] = []
    for term, weight in relevance_model(texts, scores[top]):
        if len(chosen) == FEEDBACK_TERMS:
            break
        if _doc_frequency(view, term) > common:
            continue
        chosen.append((term, weight))
    if not chosen:
        return None
    norm = sum(w for _t, w in chosen)
    terms = tuple((t, w / norm) for t, w in chosen)
    scale = max(query_size, 1) * (1 - ORIGINAL_WEIGHT) / ORIGINAL_WEIGHT
    clauses = tuple(Word(schema.TEXT_FIELDS, t, scale * w) for t, w in terms)
    added = Executor(view).run(AnyOf(clauses)).score
    assert added is not None
    return Expansion(terms, "\n".join(texts), np.where(found, added, 0.0))


def relevance_model(texts: list[str], doc_scores: FloatArray) -> list[tuple[str, float]]:
    """Every word of the feedback ``texts`` with its weight ``sum over documents of
    P(w|D) * P(D|Q)`` (``P(D|Q)``: the document's share of ``doc_scores``, negatives
    as 0, equal shares when they sum to 0), heaviest first, ties by the word: one
    index and a sharded one (cluster/expansion.py) weigh words alike."""
    doc_scores = np.maximum(doc_scores, 0.0)
    total = float(doc_scores.sum())
    p_doc = doc_scores / total if total > 0 else np.full(len(texts), 1.0 / len(texts))
    relevance: dict[str, float] = {}
    for text, p in zip(texts, p_doc, strict=True):
        positions, _words = schema.index_words(text)
        length = sum(len(v) for v in positions.values())
        if not length or p <= 0:
            continue
        for term, at in positions.items():
            relevance[term] = relevance.get(term, 0.0) + float(p) * len(at) / length
    return sorted(relevance.items(), key=lambda tw: (-tw[1], tw[0]))


def _doc_frequency(view: IndexView, term: str) -> int:
    """Documents with ``term`` in the title or in the body, whichever is more."""
    return max(int(view.doc_frequency(f, term)) for f in schema.TEXT_FIELDS)
