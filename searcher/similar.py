"""More like this: the articles most like one article, as a page of hits.

The article's most distinctive body terms (Bo1 key terms, as Whoosh's
``key_terms_from_text`` scores them, minus words common across the index) become an OR
of weighted words, run by the engine like any query; the article itself is left out.
Bo1 looks up every distinct word it is given in the index, so a huge article gives it
only its SIMILAR_WORDS_READ most frequent words (``article_words``): a 1.4 MB article
of 90,000 distinct words took 5-9 s.
"""

from __future__ import annotations

from math import log
from typing import Any

import numpy as np

from . import schema
from .engine.execute import Executor
from .engine.filtermask import allowed
from .engine.view import IndexView
from .highlight import surface_words
from .hits import page_hits
from .models import Article, Hit, QueryTerm
from .plan import AnyOf, Node, Word
from .query import ParsedQuery

# The best SIMILAR_TERMS of SIMILAR_CANDIDATES key terms, leaving out words in more
# than SIMILAR_MAX_DF of articles (they make the OR slow and vague).
# WHOOSH-NOTES 10: Whoosh's default of 5 terms finds too little.
SIMILAR_CANDIDATES = 40
SIMILAR_TERMS = 15
SIMILAR_MAX_DF = 0.02
# At most this many distinct words of an article are looked up (its most frequent):
# far above a news article's vocabulary (Reuters' largest has about 900 distinct
# stems), so only a huge text is cut, and the cost of similar stays bounded.
SIMILAR_WORDS_READ = 3_000
# ... read from at most this many characters of it (ten times a long news article:
# analysing a megabyte of text costs a second by itself).
SIMILAR_CHARS_READ = 200_000


def article_text(article: Article) -> str:
    """The text whose words choose the key terms: the title and the start of the body."""
    return f"{article.title}\n{article.body}"[:SIMILAR_CHARS_READ]


def article_words(text: str) -> dict[str, float]:
    """The body terms of ``text`` with their frequencies (what Whoosh's
    ``Expander.add_text`` would add), at most SIMILAR_WORDS_READ of them: the most
    frequent, ties in the order the text first uses them."""
    counts = {term: float(len(at)) for term, at in schema.index_words(text)[0].items()}
    if len(counts) <= SIMILAR_WORDS_READ:
        return counts
    order = {term: n for n, term in enumerate(counts)}
    kept = sorted(counts, key=lambda t: (-counts[t], order[t]))[:SIMILAR_WORDS_READ]
    return {term: counts[term] for term in sorted(kept, key=order.__getitem__)}


def key_terms(reader: Any, words: dict[str, float]) -> list[tuple[str, float]]:
    """The SIMILAR_CANDIDATES best of ``words`` (term -> frequency in the article) by
    Bo1 against the index's counts: Whoosh's ``Expander.expanded_terms`` with
    ``Bo1Model`` and ``normalize=True``, the same operations (cluster/similar.py does
    them on summed counts), one index lookup per word."""
    n = reader.doc_count_all()
    field = reader.schema[schema.BODY]
    scored: list[tuple[float, str]] = []
    maxweight = 0.0
    for word, weight in words.items():
        btext = field.to_bytes(word)
        if (schema.BODY, btext) in reader:
            f = reader.frequency(schema.BODY, btext) / n
            score = weight * log((1.0 + f) / f, 2) + log(1.0 + f, 2)
            maxweight = max(maxweight, score)
            scored.append((score, word))
    if not scored:
        return []
    f = maxweight / n
    norm = (maxweight * log((1.0 + f) / f) + log(1.0 + f)) / log(2.0)
    ranked = sorted(((w / norm, t) for w, t in scored), key=lambda x: (0 - x[0], x[1]))
    return [(t, w) for w, t in ranked[:SIMILAR_CANDIDATES]]


def similar_hits(view: IndexView, article: Article, filt: Node | None, mask: Node | None,
                 page: int, limit: int) -> tuple[int, tuple[Hit, ...]]:
    """How many articles are like ``article`` within the filters, and the ``page``."""
    s: Any = view.searcher
    text = article_text(article)
    reader = s.reader()
    candidates = key_terms(reader, article_words(text))
    common = max(int(s.doc_count() * SIMILAR_MAX_DF), 3)
    distinctive = [(t, w) for t, w in candidates if reader.doc_frequency(schema.BODY, t)
                   <= common]
    chosen = (distinctive if len(distinctive) >= 5 else candidates)[:SIMILAR_TERMS]
    if not chosen:
        return 0, ()
    itself = Word((schema.ID,), article.id)
    mask = itself if mask is None else AnyOf((itself, mask))
    q = AnyOf(tuple(Word((schema.BODY,), t, w) for t, w in chosen))
    matched = Executor(view).run(q)
    others = allowed(view, filt, mask)
    assert others is not None  # the article itself is masked
    found = matched.mask & others
    words = surface_words(text, [t for t, _w in chosen])
    # One leaf per key term, labelled with the word as the article wrote it, so
    # "matched" says which of them each hit shares.
    terms = tuple(QueryTerm(schema.BODY, "term", words[t], (t,)) for t, _w in chosen)
    parsed = ParsedQuery(query=q, match_all=False, terms=terms)
    hits = page_hits(view, found, matched.score, None, False, page, limit, parsed, True)
    return int(np.count_nonzero(found)), hits
