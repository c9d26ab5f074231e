"""One build's part in story groups: signatures of the articles it adds, the pairs
they form with every article of the index, and the groups of the new generation.

The build calls ``add`` for every article it writes and ``remove`` for every one it
deletes (an update is both); ``finish`` returns the new generation's table. Only new
articles are compared (with every article, old and new), pairs between articles that
did not change are kept from the previous table, and the groups are recomputed from
all pairs (cheap: only articles with a near-duplicate take part), so an incremental
build gives the groups a rebuild gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import schema
from .candidates import candidate_pairs
from .groups import story_groups
from .keys import story_key
from .shingles import U64, text_hashes
from .similarity import THRESHOLD, verify
from .table import I64, MISSING_ORDER, StoryTable
from .words import StoryPart, StoryWords, join_rows

_EPOCH = datetime(1970, 1, 1)


def _micros(when: datetime) -> int:
    """Microseconds since 1970 (a naive time is UTC, as the index stores it)."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return (when - _EPOCH) // timedelta(microseconds=1)


def _take(offsets: I64, flat: U64, rows: I64) -> tuple[I64, U64]:
    """The rows ``rows`` of a flat per-article array, as new offsets and flat array."""
    lengths = np.diff(offsets)[rows]
    new_off = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_off[1:])
    if not len(rows) or not new_off[-1]:
        return new_off, np.zeros(0, np.uint64)
    starts = np.repeat(offsets[rows] - new_off[:-1], lengths)
    return new_off, flat[np.arange(new_off[-1], dtype=np.int64) + starts]


class StoryRun:
    """The articles one build writes and deletes; the table of the generation it commits.

    Signatures come from the writers (words.py: made from the words the index's
    analysis found) and reach ``finish`` as their parts; ``add_text`` makes them here
    for an article given with its text (an index whose table is missing)."""

    def __init__(self, load_old: Callable[[], StoryTable] | None = None,
                 threshold: float = THRESHOLD) -> None:
        self._load_old = load_old
        self.threshold = threshold
        self.ids: list[str] = []
        self.order: list[int] = []
        self._latest: dict[str, int] = {}  # id -> its row in self.ids, if still written
        self.removed: set[str] = set()
        self._words = StoryWords()

    def add(self, article_id: str, published: datetime | None) -> int:
        """Note an article the build writes (its signature comes from the writer's
        part); its story key (the ``story`` column)."""
        self._latest[article_id] = len(self.ids)
        self.ids.append(article_id)
        self.order.append(MISSING_ORDER if published is None else _micros(published))
        return story_key(article_id)

    def add_text(self, article_id: str, title: str, body: str,
                 published: datetime | None) -> int:
        """``add``, with the article's signature made here from its text."""
        self._words.add(len(self.ids), article_id, text_hashes(title, body))
        return self.add(article_id, published)

    def remove(self, article_id: str) -> None:
        """Note an article the build deletes (or replaces)."""
        self.removed.add(article_id)
        self._latest.pop(article_id, None)

    def finish(self, parts: Sequence[StoryPart] = ()) -> StoryTable:
        """The new generation's table, given the writers' parts: the old one without
        what was removed or replaced, the new articles added, pairs of new contents
        verified, groups recomputed from all pairs."""
        written = StoryPart.join([*parts, self._words.part()])
        old = self._load_old() if self._load_old is not None else StoryTable()
        # The last version of an id written twice in one build wins, as in the index.
        new_rows = np.array(sorted(self._latest.values()), dtype=np.int64)
        last: dict[str, int] = {}
        for i in np.argsort(written.seqs, kind="stable").tolist():
            last[written.ids[i]] = i
        try:
            rows = np.array([last[self.ids[r]] for r in new_rows.tolist()], dtype=np.int64)
        except KeyError as e:  # never expected: every writer reports what it wrote
            raise RuntimeError(f"no story signature for article {e}") from None
        gone = self.removed | self._latest.keys()
        kept = np.array([i for i, aid in enumerate(old.ids) if aid not in gone], dtype=np.int64)
        ids = [old.ids[i] for i in kept.tolist()] + [self.ids[i] for i in new_rows.tolist()]
        keys = np.concatenate([old.keys[kept], np.array(
            [story_key(self.ids[i]) for i in new_rows.tolist()], dtype=np.uint64)])
        order = np.concatenate([old.order[kept], np.array(self.order, np.int64)[new_rows]])
        content = np.concatenate([old.content[kept], written.content[rows]])
        table = StoryTable(ids=ids, keys=keys, order=order, content=content)
        is_new = _contents(old, table, written, rows)
        # Pairs between two unchanged contents stay; new ones are verified exactly.
        alive = np.isin(old.edge_a, table.contents) & np.isin(old.edge_b, table.contents)
        ca, cb = candidate_pairs(table.anchor_offsets, table.anchors, is_new)
        ok, jac, con = verify(table.shingle_offsets, table.shingles, ca, cb, self.threshold)
        table.edge_a = np.concatenate([old.edge_a[alive], table.contents[ca[ok]]])
        table.edge_b = np.concatenate([old.edge_b[alive], table.contents[cb[ok]]])
        table.jaccard = np.concatenate([old.jaccard[alive], jac[ok]])
        table.containment = np.concatenate([old.containment[alive], con[ok]])
        table.group = _groups(table)
        return table



def _contents(old: StoryTable, table: StoryTable, written: StoryPart, rows: I64
              ) -> npt.NDArray[np.bool_]:
    """Fill ``table``'s per-content arrays (sorted by content): the old table's for
    contents it had, the writers' signatures (``written``, rows ``rows`` new) for new
    ones; which are new."""
    present = np.unique(table.content)
    had = np.isin(old.contents, present)
    fresh = present[~np.isin(present, old.contents)]
    sig = written.signatures
    new_content = written.content[rows]
    sorter = np.argsort(new_content, kind="stable")
    first = rows[sorter[np.searchsorted(new_content[sorter], fresh)]]
    old_rows = np.flatnonzero(had)
    contents = np.concatenate([old.contents[old_rows], fresh])
    by_content = np.argsort(contents)
    sh = join_rows([_take(old.shingle_offsets, old.shingles, old_rows),
                _take(sig.shingle_offsets, sig.shingles, first)])
    an = join_rows([_take(old.anchor_offsets, old.anchors, old_rows),
                _take(sig.anchor_offsets, sig.anchors, first)])
    table.contents = contents[by_content]
    table.shingle_offsets, table.shingles = _take(*sh, by_content)
    table.anchor_offsets, table.anchors = _take(*an, by_content)
    is_new: npt.NDArray[np.bool_] = (by_content >= len(old_rows))
    return is_new


def _groups(table: StoryTable) -> U64:
    """Each article's group key. Exact copies (one content) always share a group; the
    groups of contents come from their verified pairs (groups.py), each content in
    story order by its first article."""
    group: U64 = table.keys.copy()
    if not len(table.ids):
        return group
    cls = np.searchsorted(table.contents, table.content)
    sizes = np.bincount(cls, minlength=len(table.contents))
    edge_a = np.searchsorted(table.contents, table.edge_a)
    edge_b = np.searchsorted(table.contents, table.edge_b)
    involved = sizes > 1
    involved[edge_a] = True
    involved[edge_b] = True
    rows = np.flatnonzero(involved[cls])
    if not len(rows):
        return group
    # The first article of each involved content in story order (time, then id).
    ids = np.array([table.ids[i] for i in rows.tolist()])
    ranked = rows[np.lexsort((ids, table.order[rows], cls[rows]))]
    firsts = ranked[np.r_[True, cls[ranked][1:] != cls[ranked][:-1]]]
    nodes = cls[firsts]  # involved contents, ascending
    node_of = np.full(len(table.contents), -1, dtype=np.int64)
    node_of[nodes] = np.arange(len(nodes))
    ordering = [(int(table.order[r]), table.ids[r]) for r in firsts.tolist()]
    node_group = story_groups(table.keys[firsts], ordering, node_of[edge_a], node_of[edge_b])
    group[rows] = node_group[node_of[cls[rows]]]
    return group


def table_from_index(ix: Any) -> StoryTable:
    """The table of an index that has none (its file lost): every live article's
    signature from its stored text, its pairs found and verified as a rebuild would."""
    run = StoryRun()
    with ix.searcher() as s:
        for stored in s.all_stored_fields():
            run.add_text(stored[schema.ID], stored.get(schema.TITLE, ""),
                    stored.get(schema.BODY, ""), stored.get(schema.PUBLISHED))
    return run.finish()
