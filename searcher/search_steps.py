"""The steps of ``Index.search`` that are not its recipe: the matching documents
of a query within filters, collapsing by story, did-you-mean, and RM3 expansion.
index.py reads top to bottom with these named; each is a function of the engine's
view, so a pinned snapshot (``Index.batches``) and a live search share them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

from . import schema
from .engine.collapse import Collapsed, collapse
from .engine.execute import Executor
from .engine.feedback import expand as feedback_expand
from .engine.filtermask import allowed as allowed_documents
from .engine.view import IndexView
from .filters import Filters
from .highlight import surface_words
from .plan import Node
from .query import ParsedQuery, build_filter, parse_query
from .suggest import suggest_query


def matches(view: IndexView, query: str, chosen: Filters, sort: str, now: datetime | None
             ) -> tuple[ParsedQuery, Any, Any, Any, Any]:
    """The query parsed, the filters' allowed documents (None: all), the matching
    documents within them, their scores (None when sorted by date) and the date column
    to sort by (None: by relevance)."""
    parsed = parse_query(query, view.searcher.reader(), now=now)
    allowed = allowed_documents(view, *build_filter(chosen, now=now))
    column = None if sort == "relevance" else view.column(
        schema.NEWEST if sort == "newest" else schema.PUBLISHED)
    # (no column: nothing in the index is dated, every key ties: rank by relevance)
    matched = Executor(view, scored=column is None).run(parsed.query)
    found = matched.mask if allowed is None else matched.mask & allowed
    return parsed, allowed, found, matched.score, column


def by_story(stories: Any, found: Any, scores: Any, column: Any, newest: bool
              ) -> Collapsed | None:
    """``found`` collapsed by story, the best of each by the page's order (None: the
    index has no story groups)."""
    if stories is None:
        return None
    if column is not None:
        keys = column.astype(np.float64)
        return collapse(stories, found, keys if newest else -keys)
    return collapse(stories, found, scores)


def suggestion(view: IndexView, query: str, allowed: Any, total: int) -> str | None:
    """Did you mean: a spelling of ``query`` that finds more than ``total`` articles
    within the same filters (None if there is none)."""

    def count(q: Node) -> int:
        mask = Executor(view, scored=False).run(q).mask
        return int(np.count_nonzero(mask if allowed is None else mask & allowed))

    return suggest_query(query, view.searcher, count, better_than=total)


def expanded(view: IndexView, found: Any, scores: Any, parsed: ParsedQuery
              ) -> tuple[Any, str]:
    """The scores re-ranked by RM3 feedback, and the note that names the words it
    added to the query's (unchanged, no note, when there is nothing to expand with)."""
    added = feedback_expand(Executor(view), found, scores, len(parsed.terms))
    if added is None:
        return scores, ""
    query_terms = {t for term in parsed.terms for t in term.terms}
    new = [t for t, _w in added.terms if t not in query_terms]
    words = surface_words(added.text, new)
    note = "Expanded with: " + ", ".join(words[t] for t in new) + "." if new else ""
    return scores + added.score, note
