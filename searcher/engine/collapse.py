"""One hit per story: a match set collapsed by story group (issue 21).

The story table of the index's generation (stories/table.py) names the group of every
article that has near-duplicates; the index's ``story`` column gives each document its
article's key. Here both become one array, each document's group number (0: an
article alone), built once per view. Collapsing keeps, of each group's matches, the
best one by the search's order (score, or the date column) and hides the rest behind
it: only grouped matches are sorted, so the cost is a pass over the match set plus a
sort of its (few) grouped documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .view import BoolArray, IndexView, IntArray

U64 = npt.NDArray[np.uint64]
StoryLoader = Callable[[], "tuple[U64, U64] | None"]


@dataclass(frozen=True)
class Stories:
    """Each document's story group number (0: its article has no near-duplicate)."""

    group: IntArray
    grouped: BoolArray

    def copies(self, docnum: int, live: BoolArray) -> IntArray:
        """The other live documents of ``docnum``'s story (ascending)."""
        g = self.group[docnum]
        if not g:
            return np.zeros(0, np.int64)
        found = np.flatnonzero((self.group == g) & live)
        others: IntArray = found[found != docnum]
        return others

    def count(self, docs: BoolArray) -> tuple[int, int]:
        """(groups of two or more among ``docs``, documents in them)."""
        sizes = np.bincount(self.group[docs & self.grouped])
        many = sizes[1:] > 1
        return int(np.count_nonzero(many)), int(sizes[1:][many].sum())


def stories_of(view: IndexView, column: str, load: StoryLoader) -> Stories | None:
    """The view's story groups (None: the index has no story table), built once."""
    if "stories" not in view.memo:
        view.memo["stories"] = _build(view, column, load)
    found: Stories | None = view.memo["stories"]
    return found


def _build(view: IndexView, column: str, load: StoryLoader) -> Stories | None:
    table = load()
    keys = view.column(column)
    if table is None or keys is None:
        return None
    grouped_keys, groups = table
    group = np.zeros(view.n, dtype=np.int64)
    if len(grouped_keys):
        at = np.minimum(np.searchsorted(grouped_keys, keys), len(grouped_keys) - 1)
        hit = grouped_keys[at] == keys
        _values, number = np.unique(groups, return_inverse=True)
        group[hit] = number[at[hit]] + 1
    return Stories(group, group > 0)


@dataclass(frozen=True)
class Collapsed:
    """A match set with one document per story: ``shown``; ``stories`` counts them;
    ``hidden[i]`` is collapsed behind ``behind[i]``."""

    shown: BoolArray
    stories: int
    hidden: IntArray
    behind: IntArray

    def copies_of(self, docnum: int) -> IntArray:
        found: IntArray = self.hidden[self.behind == docnum]
        return found


def collapse(stories: Stories, found: BoolArray, better: npt.NDArray[np.float64]
             ) -> Collapsed:
    """Keep the best match of each story (highest ``better``, then the lower document
    number, as the page's own order breaks ties)."""
    docs = np.flatnonzero(found & stories.grouped)
    total = int(np.count_nonzero(found))
    if not len(docs):
        empty = np.zeros(0, np.int64)
        return Collapsed(found, total, empty, empty)
    group = stories.group[docs]
    order = np.lexsort((docs, -better[docs], group))
    docs, group = docs[order], group[order]
    first = np.ones(len(docs), dtype=bool)
    first[1:] = group[1:] != group[:-1]
    leader = docs[np.maximum.accumulate(np.where(first, np.arange(len(docs)), 0))]
    hidden, behind = docs[~first], leader[~first]
    shown = found.copy()
    shown[hidden] = False
    return Collapsed(shown, total - len(hidden), hidden, behind)
