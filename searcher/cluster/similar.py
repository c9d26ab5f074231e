"""More like this on a sharded index, with one index's answer (``ShardedIndex.similar``).

One index picks an article's key terms with Whoosh's Bo1 model over its own counts
(``similar.similar_hits``: ``key_terms_from_text``, then leaves out words in more than
2% of articles). Here every shard reports, for the words of the article's text, its
counts (collection frequency, documents with the word, its documents); summed, they are
one index's, and the key terms are chosen from them with Bo1's arithmetic, in Whoosh's
order. The chosen words, weighted, then run as round two of a search (tasks.answer with
the plan instead of a query string) scored with the summed statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log
from typing import Any

from .. import schema
from ..engine.stats import CollectionStats
from ..highlight import surface_words
from ..models import Article, QueryTerm
from ..plan import AnyOf, Exclude, Word
from ..query import ParsedQuery
from ..similar import (
    SIMILAR_CANDIDATES,
    SIMILAR_MAX_DF,
    SIMILAR_TERMS,
    article_words,
)
from ..similar import article_text as article_text  # one index's text, read here too
from .tasks import Shard


@dataclass(frozen=True)
class WordCounts:
    """A shard's counts for the words of an article's text (``word_counts``)."""

    weights: dict[str, float]  # the text's words and their weights, in the text's order
    text_total: float
    frequencies: dict[str, int]  # collection frequency of each word this shard holds
    documents: int  # deleted ones included (Whoosh's Bo1 N)
    live: int
    stats: CollectionStats  # for scoring: each held word in the body


def word_counts(shard: Shard, text: str) -> WordCounts:
    """This shard's counts for the body words of ``text`` (the words and weights one
    index reads, ``similar.article_words``, bounded as there: the same on every shard)."""
    view = shard._engine()
    reader: Any = view.searcher.reader()
    field = view.schema[schema.BODY]
    weights = article_words(text)
    total = sum(weights.values())
    held = {word: int(reader.frequency(schema.BODY, b)) for word in weights
            if (schema.BODY, b := field.to_bytes(word)) in reader}
    return WordCounts(dict(weights), total, held, int(reader.doc_count_all()),
                      int(reader.doc_count()),
                      CollectionStats.of(view, [((schema.BODY,), w) for w in held]))


def key_terms(parts: list[WordCounts]) -> tuple[list[tuple[str, float]], CollectionStats]:
    """The chosen key terms and weights (as ``similar.similar_hits`` chooses them in
    one index), and the summed statistics to score them with."""
    first = parts[0]
    n = sum(p.documents for p in parts)
    frequencies: dict[str, int] = {}
    for p in parts:
        for word, cf in p.frequencies.items():
            frequencies[word] = frequencies.get(word, 0) + cf
    stats = parts[0].stats
    for p in parts[1:]:
        stats = stats + p.stats
    # Whoosh's Expander.expanded_terms with Bo1Model, normalize=True, same operations
    scored: list[tuple[float, str]] = []
    maxweight = 0.0
    for word, weight in first.weights.items():
        if word in frequencies:
            f = frequencies[word] / n
            score = weight * log((1.0 + f) / f, 2) + log(1.0 + f, 2)
            maxweight = max(maxweight, score)
            scored.append((score, word))
    if not scored:
        return [], stats
    f = maxweight / n
    norm = (maxweight * log((1.0 + f) / f) + log(1.0 + f)) / log(2.0)
    normalized = sorted(((w / norm, t) for w, t in scored), key=lambda x: (0 - x[0], x[1]))
    candidates = [(t, w) for w, t in normalized[:SIMILAR_CANDIDATES]]
    common = max(int(sum(p.live for p in parts) * SIMILAR_MAX_DF), 3)
    distinctive = [(t, w) for t, w in candidates
                   if stats.doc_frequency((schema.BODY,), t) <= common]
    return (distinctive if len(distinctive) >= 5 else candidates)[:SIMILAR_TERMS], stats


def similar_query(article: Article, chosen: list[tuple[str, float]]) -> ParsedQuery:
    """The weighted key terms as a query leaving the article itself out, with one leaf
    per term labelled with the word as the article wrote it (``matched``)."""
    words = surface_words(article_text(article), [t for t, _w in chosen])
    terms = tuple(QueryTerm(schema.BODY, "term", words[t], (t,)) for t, _w in chosen)
    q = AnyOf(tuple(Word((schema.BODY,), t, w) for t, w in chosen))
    return ParsedQuery(query=Exclude(q, Word((schema.ID,), article.id)), match_all=False,
                       terms=terms)
