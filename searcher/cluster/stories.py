"""Story groups across shards (issue 21 on a sharded index): one hit per story, as one
index shows it, when a story's copies live on different shards.

The build computes the groups over the whole corpus (one story run fed by every
shard's writer: cluster/build.py) and stores the table with the generation, whole
(``gen-G/searcher-stories-G.dat``: stories/store.py). A shard maps its documents to those groups
(its ``story`` column against the table's grouped keys). In round two each shard
collapses its matches by group, keeping the best of each by the merge's order (score
or date key, ties by article id), ranks only those, and reports per group how many of
its matches the group has. The coordinator merges the shards' candidates and keeps
the first of each group (the best of the story over every shard: a story's best in
the whole collection is the best of its shard too, and a shard's list has at most as
many stories ahead of it as the merged one, so the shards' k best suffice), counts
distinct stories from the summed counts, and asks the shards holding a page hit's
other matches for them (its ``copies``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import schema
from ..copies import MAX_COPIES_LISTED, copies
from ..engine.view import IndexView
from ..models import Copy, StoryGroup
from ..stories.keys import story_key
from ..stories.store import load_groups

StorySource = tuple[str, int]
"""(the generation's folder, the generation): where the corpus's story table is."""
U64 = npt.NDArray[np.uint64]


def groups_of(view: IndexView, source: StorySource) -> U64 | None:
    """Each document's story group (0: an article without near-duplicates), built once
    per view; None when the generation has no story table."""
    key = ("cluster stories", source)
    if key not in view.memo:
        view.memo[key] = _groups(view, source)
    found: U64 | None = view.memo[key]
    return found


def _groups(view: IndexView, source: StorySource) -> U64 | None:
    loaded = load_groups(Path(source[0]), source[1])
    keys = view.column(schema.STORY)
    if loaded is None or keys is None:
        return None
    grouped_keys, groups = loaded
    group = np.zeros(view.n, dtype=np.uint64)
    if len(grouped_keys):
        at = np.minimum(np.searchsorted(grouped_keys, keys), len(grouped_keys) - 1)
        hit = grouped_keys[at] == keys
        group[hit] = groups[at[hit]]
    return group


def worse_first(better: Any) -> Any:
    """An ascending sort key that puts the better values first (scores are floats,
    date keys unsigned integers: negating those would wrap)."""
    if better.dtype == np.uint64:
        return np.iinfo(np.uint64).max - better
    return -better


def story_counts(group: U64, found: Any) -> dict[int, int]:
    """Each story group's number of matches among ``found``."""
    numbers, counts = np.unique(group[found & (group > 0)], return_counts=True)
    return dict(zip(numbers.tolist(), counts.tolist(), strict=True))


def collapsed(view: IndexView, group: U64, found: Any, better: Any, k: int) -> Any:
    """``found`` with one document per story group: the best by ``better`` (larger
    first), ties by article id as the merge breaks them; the ids are read only for
    the stories that can be among the shard's ``k`` best (elsewhere which copy stands
    for a story changes no answer: it is not sent)."""
    docs = np.flatnonzero(found & (group > 0))
    if not len(docs):
        return found
    g = group[docs]
    order = np.lexsort((docs, worse_first(better[docs]), g))
    docs, g = docs[order], g[order]
    first = np.ones(len(docs), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(docs)), 0))
    values = better[docs]
    leaders = docs[first].copy()
    shown = found.copy()
    shown[docs] = False
    shown[leaders] = True
    tied = ~first & (values == values[start])
    if tied.any():  # equal best copies: the smaller id, where it can matter
        kept = better[shown]
        kth = np.partition(kept, len(kept) - k)[len(kept) - k] if len(kept) > k \
            else kept.min()
        group_no = np.cumsum(first) - 1
        for at in np.unique(start[tied]).tolist():
            if values[at] < kth:
                continue
            members = [int(docs[at]), *docs[tied & (start == at)].tolist()]
            chosen = min(members, key=lambda d: str(view.stored(d)[schema.ID]))
            shown[leaders[group_no[at]]] = False
            shown[chosen] = True
    return shown


def members(view: IndexView, group: U64, found: Any, wanted: Iterable[int],
            limit: int | None = MAX_COPIES_LISTED + 1) -> dict[int, tuple[Copy, ...]]:
    """Per wanted group, its first ``limit`` documents of ``found`` as copies, earliest
    first (a page hit's own article is then left out of its list)."""
    out: dict[int, tuple[Copy, ...]] = {}
    for g in wanted:
        docs = np.flatnonzero(found & (group == np.uint64(g))).tolist()
        if docs:
            out[g] = copies(view, docs)[:limit]
    return out


def merged_copies(parts: Iterable[tuple[Copy, ...]], shown_id: str,
                  limit: int | None = MAX_COPIES_LISTED) -> tuple[Copy, ...]:
    """An article's copies from every shard's part of its story, earliest first (as
    copies.copies orders them), the article itself left out, the first ``limit``."""
    found = [c for part in parts for c in part if c.id != shown_id]
    found.sort(key=lambda c: (c.published is None,
                              c.published.isoformat() if c.published else "", c.id))
    return tuple(found[:limit])


def group_of(table: StorySource, article_id: str) -> int:
    """The story group of an article (0: it has no near-duplicate)."""
    loaded = load_groups(Path(table[0]), table[1])
    if loaded is None or not len(loaded[0]):
        return 0
    keys, groups = loaded
    key = np.uint64(story_key(article_id))
    at = min(int(np.searchsorted(keys, key)), len(keys) - 1)
    return int(groups[at]) if keys[at] == key else 0


def distinct(total: int, counts: dict[int, int]) -> int:
    """Distinct stories among ``total`` matches, given each group's matches."""
    return total - sum(n - 1 for n in counts.values() if n > 1)


def live_sizes(view: IndexView, group: U64) -> dict[int, int]:
    """Each group's live articles in this shard."""
    live = view.live & (group > 0)
    numbers, counts = np.unique(group[live], return_counts=True)
    return dict(zip(numbers.tolist(), counts.tolist(), strict=True))


def largest(sizes: dict[int, int], firsts: dict[int, Copy], limit: int
            ) -> tuple[StoryGroup, ...]:
    """The largest stories (two or more articles), ties by group, each named by its
    earliest article."""
    ranked = sorted((g for g, n in sizes.items() if n > 1), key=lambda g: (-sizes[g], g))
    return tuple(StoryGroup(firsts[g].id, firsts[g].title, sizes[g]) for g in ranked[:limit])
