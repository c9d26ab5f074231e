"""A page of hits: the best documents of a match set, each assembled as a :class:`Hit`.

The engine says which documents match and how they score; this picks the page
(by score, or by a date column for a newest/oldest sort) and builds each hit's
plain data from its stored fields while the index is open: title highlights,
snippets from the body, and which of the query's words it matched.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from . import schema
from .copies import MAX_COPIES_LISTED, first_copies
from .engine.collapse import Collapsed
from .engine.topk import top_by_key, top_by_score
from .engine.view import IndexView
from .highlight import highlight_spans, keyword_phrases, why_matched
from .models import Hit, QueryTerm
from .passages import make_snippets
from .query import ParsedQuery


def page_hits(view: IndexView, found: Any, scores: Any, column: Any, descending: bool,
              page: int, limit: int, parsed: ParsedQuery, snippets: bool,
              collapsed: Collapsed | None = None) -> tuple[Hit, ...]:
    """The hits of ``page`` among the documents of ``found``: by score (``column``
    None) or by the date column; ``snippets=False`` leaves the bodies unread. With
    ``collapsed`` (``found`` is then its ``shown``), each hit lists its story's other
    matches as its copies."""
    first = (page - 1) * limit
    docnums = ranked(found, scores, column, descending, page * limit)[first:]
    return hits_of(view, docnums, scores if column is None else None, first, parsed,
                   snippets, collapsed)


def ranked(found: Any, scores: Any, column: Any, descending: bool, want: int) -> Any:
    """The document numbers of ``found``'s first ``want`` in the search's order: by
    score (``column`` None), else by the date column; ties by document number."""
    docs = np.flatnonzero(found)
    if column is None:
        return docs[top_by_score(docs, scores[docs], want)]
    return docs[top_by_key(docs, column[docs], want, descending=descending)]


def hits_of(view: IndexView, docnums: Any, scores: Any, first: int, parsed: ParsedQuery,
            snippets: bool, collapsed: Collapsed | None = None) -> tuple[Hit, ...]:
    """The hits of ``docnums`` (already in order; ``first`` hits come before them),
    with their ``scores`` (None: a date sort, no score to show)."""
    highlight = parsed.terms + keyword_phrases(parsed.terms)  # once, not per hit
    hits = []
    for n, docnum in enumerate(docnums.tolist()):
        hit = _hit(view, docnum, None if scores is None else float(scores[docnum]),
                   first + n + 1, parsed, snippets, highlight)
        if collapsed is not None and len(collapsed.hidden):
            others = collapsed.copies_of(docnum)
            if len(others):
                hit = replace(hit, copies=first_copies(view, others.tolist(),
                                                       MAX_COPIES_LISTED),
                              copy_count=len(others))
        hits.append(hit)
    return tuple(hits)


def _hit(view: IndexView, docnum: int, score: float | None, rank: int, parsed: ParsedQuery,
         with_snippets: bool, terms: tuple[QueryTerm, ...]) -> Hit:
    """One result; ``terms`` are what to highlight (the query's and keyword phrases)."""
    article = schema.document_to_article(view.stored(docnum))
    return Hit(
        id=article.id,
        title=article.title,
        published=article.published,
        tags=article.tags,
        authors=article.authors,
        source=article.source,
        url=article.url,
        path=article.path,
        score=score,  # None for a search sorted by date: no relevance to show
        rank=rank,
        title_highlights=highlight_spans(article.title, terms, field=schema.TITLE),
        snippets=make_snippets(article.body, terms, field=schema.BODY)
        if with_snippets else (),
        matched=why_matched(article, parsed.terms, body=with_snippets),
    )
