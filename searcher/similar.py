"""More like this: the articles most like one article, as a page of hits.

The article's most distinctive body terms (Bo1 key terms from Whoosh's
``key_terms_from_text``, minus words common across the index) become an OR of
weighted words, run by the engine like any query; the article itself is left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import schema
from .engine.execute import Executor
from .engine.filtermask import allowed
from .engine.view import IndexView
from .highlight import MAX_ANALYZED_CHARS, surface_words
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


def similar_hits(view: IndexView, article: Article, filt: Node | None, mask: Node | None,
                 page: int, limit: int) -> tuple[int, tuple[Hit, ...]]:
    """How many articles are like ``article`` within the filters, and the ``page``."""
    s: Any = view.searcher
    text = f"{article.title}\n{article.body}"[:MAX_ANALYZED_CHARS]
    candidates = s.key_terms_from_text(schema.BODY, text, numterms=SIMILAR_CANDIDATES)
    common = max(int(s.doc_count() * SIMILAR_MAX_DF), 3)
    reader = s.reader()
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
