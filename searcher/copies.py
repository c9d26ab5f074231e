"""Story groups as the library shows them (issue 21): the copies under a hit, the copies
of an article (``searcher show``), the index's largest stories (``searcher stats``).

The groups themselves are the build's (stories/); engine/collapse.py maps them onto
document numbers. Everything here reads stored fields of the few documents shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from . import schema
from .engine.collapse import Stories, stories_of
from .engine.view import IndexView
from .models import Copy, StoryGroup
from .stories.store import load_groups

MAX_COPIES_LISTED = 20  # copies listed under a hit (``Hit.copy_count`` counts them all)
# Read beyond the first ones this many articles dated the same as the last one kept, so
# the choice among them by id is exact (the id is stored, not in a column).
TIE_ROOM = 20
LARGEST_STORIES = 5  # stories `searcher stats` lists


def view_stories(view: IndexView, index: Path, generation: int) -> Stories | None:
    """The story groups of the view's commit (None: an index without a story table)."""
    return stories_of(view, schema.STORY, lambda: load_groups(index, generation))


def copies(view: IndexView, docnums: Iterable[int]) -> tuple[Copy, ...]:
    """The articles ``docnums`` as copies of a story, earliest first (undated last)."""
    found = []
    for docnum in docnums:
        stored = view.stored(docnum)
        published = stored.get(schema.PUBLISHED)
        found.append(Copy(id=stored[schema.ID], title=stored.get(schema.TITLE, ""),
                          source=stored.get(schema.SOURCE_STORED) or "",
                          published=published if hasattr(published, "year") else None))
    return tuple(sorted(found, key=lambda c: (c.published is None,
                                              c.published.isoformat() if c.published else "",
                                              c.id)))


def earliest(view: IndexView, docnums: Iterable[int], limit: int) -> list[int]:
    """The documents among ``docnums`` that can be the ``limit`` earliest copies, chosen
    on the published column without reading a stored field: the first ``limit`` by date
    (undated last), plus up to TIE_ROOM more dated as the last of them. A story of
    100,000 copies read every one's stored fields (the whole body) to list 20."""
    docs = np.fromiter(docnums, np.int64)
    if len(docs) <= limit:
        return [int(d) for d in docs]
    column = view.column(schema.PUBLISHED)
    missing = np.uint64(view.column_missing(schema.PUBLISHED))
    values = column[docs] if column is not None else np.full(len(docs), missing, np.uint64)
    undated = values == missing
    order = np.lexsort((docs, values, undated))
    last = order[limit - 1]
    rest = order[limit:]
    ties = rest[(values[rest] == values[last]) & (undated[rest] == undated[last])][:TIE_ROOM]
    return [int(d) for d in docs[np.concatenate((order[:limit], ties))]]


def first_copies(view: IndexView, docnums: Iterable[int], limit: int) -> tuple[Copy, ...]:
    """The ``limit`` earliest of ``docnums`` as copies (``copies``' order), reading the
    stored fields of at most ``limit + TIE_ROOM`` of them."""
    return copies(view, earliest(view, docnums, limit))[:limit]


def article_copies(view: IndexView, stories: Stories | None, docnum: int) -> tuple[Copy, ...]:
    """Every other live article of ``docnum``'s story."""
    if stories is None:
        return ()
    return copies(view, stories.copies(docnum, view.live).tolist())


def largest_stories(view: IndexView, stories: Stories, limit: int = LARGEST_STORIES
                    ) -> tuple[StoryGroup, ...]:
    """The stories with the most live articles (two or more), largest first, each
    named by its earliest article."""
    sizes = np.bincount(stories.group[view.live & stories.grouped])
    if len(sizes) < 2:
        return ()
    order = np.lexsort((np.arange(len(sizes) - 1), -sizes[1:]))[:limit] + 1
    found = []
    for g in order.tolist():
        if sizes[g] < 2:
            break
        members = np.flatnonzero((stories.group == g) & view.live)
        first = first_copies(view, members.tolist(), 1)[0]
        found.append(StoryGroup(first.id, first.title, int(sizes[g])))
    return tuple(found)
