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

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import schema
from .candidates import candidate_pairs
from .groups import story_groups
from .keys import story_key
from .shingles import U64, text_hashes
from .signature import Signatures, signatures
from .similarity import THRESHOLD, verify
from .table import I64, MISSING_ORDER, StoryTable

BATCH = 512  # articles whose signatures are computed together (numpy per batch)


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


def _join(parts: list[tuple[I64, U64]]) -> tuple[I64, U64]:
    offsets, flats, base = [np.zeros(1, np.int64)], [], 0
    for off, flat in parts:
        offsets.append(off[1:] + base)
        flats.append(flat)
        base += int(off[-1])
    return (np.concatenate(offsets),
            np.concatenate(flats) if flats else np.zeros(0, np.uint64))


class StoryRun:
    """Signatures for the articles one build adds; the table of the generation it commits."""

    def __init__(self, load_old: Callable[[], StoryTable] | None = None,
                 threshold: float = THRESHOLD) -> None:
        self._load_old = load_old
        self.threshold = threshold
        self.ids: list[str] = []
        self.order: list[int] = []
        self.content: list[int] = []
        self._pending: list[U64] = []
        self._done: list[Signatures] = []
        self._latest: dict[str, int] = {}  # id -> its row in self.ids, if still written
        self.removed: set[str] = set()

    def add(self, article_id: str, title: str, body: str, published: datetime | None) -> int:
        """Note an article the build writes; its story key (the ``story`` column)."""
        self._latest[article_id] = len(self.ids)
        self.ids.append(article_id)
        self.order.append(MISSING_ORDER if published is None else _micros(published))
        words = text_hashes(title, body)
        digest = hashlib.blake2b(words.tobytes(), digest_size=8).digest()
        self.content.append(int.from_bytes(digest, "little"))
        self._pending.append(words)
        if len(self._pending) >= BATCH:
            self._flush()
        return story_key(article_id)

    def remove(self, article_id: str) -> None:
        """Note an article the build deletes (or replaces)."""
        self.removed.add(article_id)
        self._latest.pop(article_id, None)

    def _flush(self) -> None:
        if self._pending:
            self._done.append(signatures(self._pending))
            self._pending = []

    def finish(self) -> StoryTable:
        """The new generation's table: the old one without what was removed or
        replaced, the new articles added, pairs of new contents verified, groups
        recomputed from all pairs."""
        self._flush()
        old = self._load_old() if self._load_old is not None else StoryTable()
        # The last version of an id written twice in one build wins, as in the index.
        new_rows = np.array(sorted(self._latest.values()), dtype=np.int64)
        gone = self.removed | self._latest.keys()
        kept = np.array([i for i, aid in enumerate(old.ids) if aid not in gone], dtype=np.int64)
        ids = [old.ids[i] for i in kept.tolist()] + [self.ids[i] for i in new_rows.tolist()]
        keys = np.concatenate([old.keys[kept], np.array(
            [story_key(self.ids[i]) for i in new_rows.tolist()], dtype=np.uint64)])
        order = np.concatenate([old.order[kept], np.array(self.order, np.int64)[new_rows]])
        content = np.concatenate([old.content[kept],
                                  np.array(self.content, np.uint64)[new_rows]])
        table = StoryTable(ids=ids, keys=keys, order=order, content=content)
        is_new = self._contents(old, table, new_rows)
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

    def _contents(self, old: StoryTable, table: StoryTable, new_rows: I64
                  ) -> npt.NDArray[np.bool_]:
        """Fill ``table``'s per-content arrays (sorted by content): the old table's
        for contents it had, this build's signatures for new ones; which are new."""
        present = np.unique(table.content)
        had = np.isin(old.contents, present)
        fresh = present[~np.isin(present, old.contents)]
        sh_new = _join([(s.shingle_offsets, s.shingles) for s in self._done])
        an_new = _join([(s.anchor_offsets, s.anchors) for s in self._done])
        written = np.array(self.content, np.uint64)[new_rows]
        sorter = np.argsort(written, kind="stable")
        first = new_rows[sorter[np.searchsorted(written[sorter], fresh)]]
        old_rows = np.flatnonzero(had)
        contents = np.concatenate([old.contents[old_rows], fresh])
        by_content = np.argsort(contents)
        sh = _join([_take(old.shingle_offsets, old.shingles, old_rows), _take(*sh_new, first)])
        an = _join([_take(old.anchor_offsets, old.anchors, old_rows), _take(*an_new, first)])
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
            run.add(stored[schema.ID], stored.get(schema.TITLE, ""),
                    stored.get(schema.BODY, ""), stored.get(schema.PUBLISHED))
    return run.finish()
