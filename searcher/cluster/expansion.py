"""Query expansion (``expand``, RM3 feedback: engine/feedback.py) on a sharded index,
with one index's arithmetic over the whole collection.

One index takes its best ``FEEDBACK_DOCS`` matches, weights the words of their text,
drops words in more than ``MAX_DF_SHARE`` of its documents, and adds the weighted
words' BM25F scores to the matches' scores. Here: the best matches come from a
search's first two rounds (merged by score, ties by article id), their stored text
from the shards holding them; the words are weighted here in the same order with the
same operations; each candidate word's document frequency is summed over the shards;
the chosen words' statistics are gathered with the query's (one round), and the
shards score both in round two (``tasks.answer``'s ``extra``), so the re-ranked
scores are one index's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from .. import schema
from ..engine.feedback import (
    FEEDBACK_DOCS,
    FEEDBACK_TERMS,
    MAX_DF_SHARE,
    MAX_FEEDBACK_CHARS,
    ORIGINAL_WEIGHT,
    relevance_model,
)
from ..engine.stats import CollectionStats
from ..filters import Filters
from ..highlight import surface_words
from ..plan import AnyOf, Node, Word
from ..query import parse_query
from . import tasks
from .merge import merged_page
from .tasks import Shard


class Coordinator(Protocol):
    """What expansion needs of search.ShardedIndex (not imported: it imports this)."""

    def _scored(self, query: str, now: datetime | None, *args: Any) -> Any: ...
    def _each(self, task: Any, *args: Any, shards: Any = None) -> Any: ...


@dataclass(frozen=True)
class Expansion:
    """The words feedback adds (as a plan the shards score), the statistics of the
    query's and those words over every shard, and the note naming the new words."""

    extra: Node
    stats: CollectionStats
    note: str


def expansion(ix: Coordinator, query: str, now: datetime | None,
              chosen: Filters) -> Expansion | None:
    """RM3 over the whole collection, as ``engine.feedback.expand`` in one index; None
    when there is nothing to re-rank (fewer than two matches, a match-all query) or
    no word qualifies."""
    found, _failed = ix._scored(query, now, chosen, FEEDBACK_DOCS, False, "relevance")
    answers = [found[n] for n in sorted(found)]
    if answers[0].match_all or sum(a.total for a in answers) < 2:
        return None
    top = merged_page(found, "relevance", 0, FEEDBACK_DOCS)
    texts = _texts(ix, [(article_id, n) for _s, article_id, n in top])
    ranked = relevance_model(texts, np.array([s for s, _i, _n in top], dtype=np.float64))
    counted, _failed = ix._each(feedback_counts, query, now, [t for t, _w in ranked])
    documents = sum(c[0] for c in counted.values())
    common = max(int(documents * MAX_DF_SHARE), 1)
    picked: list[tuple[str, float]] = []
    for k, (term, weight) in enumerate(ranked):
        if len(picked) == FEEDBACK_TERMS:
            break
        frequency = max(sum(c[1][k][f] for c in counted.values())
                        for f in range(len(schema.TEXT_FIELDS)))
        if frequency <= common:
            picked.append((term, weight))
    if not picked:
        return None
    norm = sum(w for _t, w in picked)
    terms = tuple((t, w / norm) for t, w in picked)
    first = counted[min(counted)]
    scale = max(first[2], 1) * (1 - ORIGINAL_WEIGHT) / ORIGINAL_WEIGHT
    extra = AnyOf(tuple(Word(schema.TEXT_FIELDS, t, scale * w) for t, w in terms))
    gathered, _failed = ix._each(tasks.gather, query, now, extra)
    parts = [g.stats for _n, g in sorted(gathered.items())]
    stats = parts[0]
    for part in parts[1:]:
        stats = stats + part
    query_terms = set().union(*(c[3] for c in counted.values()))
    new = [t for t, _w in terms if t not in query_terms]
    words = surface_words("\n".join(texts), new)
    note = "Expanded with: " + ", ".join(words[t] for t in new) + "." if new else ""
    return Expansion(extra, stats, note)


# ---- the shards' part (tasks run where each shard is open) ----------------------------

def feedback_counts(shard: Shard, query: str, now: datetime | None, words: list[str]
                    ) -> tuple[int, list[tuple[int, ...]], int, set[str]]:
    """What expansion needs of this shard: its documents (deleted ones too, as one
    index's ``view.n``), each word's document frequency per text field, the query's
    number of terms and its words (a wildcard's as this shard expands it)."""
    view = shard._engine()
    parsed = parse_query(query, view.searcher.reader(), now=now)
    counts = [tuple(int(view.doc_frequency(f, w)) for f in schema.TEXT_FIELDS)
              for w in words]
    return (int(view.n), counts, len(parsed.terms),
            {t for term in parsed.terms for t in term.terms})


def stored_texts(shard: Shard, article_ids: list[str]) -> dict[str, tuple[str, str]]:
    """The stored title and body of each of the articles this shard holds."""
    view = shard._engine()
    out = {}
    for article_id in article_ids:
        docnum = view.searcher.document_number(**{schema.ID: article_id})
        if docnum is not None:
            stored = view.stored(int(docnum))
            out[article_id] = (stored.get(schema.TITLE) or "", stored.get(schema.BODY) or "")
    return out



def _texts(ix: Coordinator, wanted: list[tuple[str, int]]) -> list[str]:
    """The feedback text of each ``(article id, shard)``: title and body as stored,
    cut as one index cuts them."""
    shards = sorted({n for _i, n in wanted})
    parts, _failed = ix._each(stored_texts, [i for i, _n in wanted], shards=shards)
    out = []
    for article_id, n in wanted:
        title, body = parts[n][article_id] if n in parts else ("", "")
        out.append(f"{title}\n{body}"[:MAX_FEEDBACK_CHARS])
    return out
