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
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from .. import schema
from .candidates import candidate_pairs
from .groups import story_groups
from .keys import story_key
from .shingles import U64, shingle_sequence, text_hashes
from .similarity import THRESHOLD, verify
from .table import I64, MISSING_ORDER, Change, StoryTable, apply, group_changes
from .words import StoryPart, StoryWords

_EPOCH = datetime(1970, 1, 1)
# (title, body) of each of the given articles of the index before this build
OldText = Callable[[list[str]], list[tuple[str, str]]]


def _micros(when: datetime) -> int:
    """Microseconds since 1970 (a naive time is UTC, as the index stores it)."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return (when - _EPOCH) // timedelta(microseconds=1)


class StoryRun:
    """The articles one build writes and deletes; the table of the generation it commits.

    Signatures come from the writers (words.py: made from the words the index's
    analysis found) and reach ``finish`` as their parts; ``add_text`` makes them here
    for an article given with its text (an index whose table is missing)."""

    def __init__(self, load_old: Callable[[], StoryTable] | None = None,
                 threshold: float = THRESHOLD, old_text: OldText | None = None) -> None:
        self._load_old = load_old
        self._old_text = old_text
        self.threshold = threshold
        self.ids: list[str] = []
        self.order: list[int] = []
        self.keys: list[int] = []
        self._latest: dict[str, int] = {}  # id -> its row in self.ids, if still written
        self.removed: set[str] = set()
        self._words = StoryWords()

    def add(self, article_id: str, published: datetime | None) -> int:
        """Note an article the build writes (its signature comes from the writer's
        part); its story key (the ``story`` column)."""
        self._latest[article_id] = len(self.ids)
        self.ids.append(article_id)
        self.order.append(MISSING_ORDER if published is None else _micros(published))
        self.keys.append(story_key(article_id))
        return self.keys[-1]

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
        verified, groups recomputed from all pairs; with the change that makes it
        from the old one (``table.change``, what store.py writes)."""
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
        new_content = written.content[rows]
        fresh = np.setdiff1d(new_content, old.contents)  # contents new to the table
        sorter = np.argsort(new_content, kind="stable")
        ordered = new_content[sorter]
        anchors = written.anchors(rows[sorter[np.searchsorted(ordered, fresh)]])
        none = np.zeros(0, np.uint64), np.zeros(0, np.float32)
        change = Change([aid for aid in old.ids if aid in gone],
                        [self.ids[i] for i in new_rows.tolist()],
                        np.array(self.keys, np.uint64)[new_rows],
                        np.array(self.order, np.int64)[new_rows], new_content, fresh, *anchors,
                        none[0], none[0], none[1], none[1], none[0], none[0])
        table = apply(old, change)
        is_new = np.isin(table.contents, fresh)
        at = np.minimum(np.searchsorted(ordered, table.contents), max(len(ordered) - 1, 0))
        source: I64 = np.full(len(table.contents), -1, dtype=np.int64)  # a row in written
        if len(ordered):
            found = ordered[at] == table.contents
            source[found] = rows[sorter[at[found]]]
        # Pairs between two unchanged contents stay (apply); new ones are verified exactly.
        ca, cb = candidate_pairs(table.anchor_offsets, table.anchors, is_new)
        need = np.unique(np.concatenate([ca, cb]))
        offsets, shingles = self._shingles(table, need, source, written,
                                           len(table.ids) - len(new_rows))
        local = np.searchsorted(need, ca), np.searchsorted(need, cb)
        ok, jac, con = verify(offsets, shingles, *local, self.threshold)
        pairs = table.contents[ca[ok]], table.contents[cb[ok]], jac[ok], con[ok]
        table.edge_a = np.concatenate([table.edge_a, pairs[0]])
        table.edge_b = np.concatenate([table.edge_b, pairs[1]])
        table.jaccard = np.concatenate([table.jaccard, pairs[2]])
        table.containment = np.concatenate([table.containment, pairs[3]])
        table.group = _groups(table)
        group_keys, group_values = group_changes(old.grouped(), table.grouped())
        table.change = replace(change, edge_a=pairs[0], edge_b=pairs[1], jaccard=pairs[2],
                               containment=pairs[3], group_keys=group_keys,
                               group_values=group_values)
        table.origin = old.origin
        return table

    def _shingles(self, table: StoryTable, need: I64, source: I64, written: StoryPart,
                  old_articles: int) -> tuple[I64, U64]:
        """The shingles of the contents ``need`` (indexes into ``table.contents``), as
        offsets and a flat array in that order: a new content's from the writer's
        signature (``source``: its row there), an old one's made again from the stored
        text of one of its articles (the table keeps anchors, not shingles: a fifth of
        the size; only contents in a candidate pair are read)."""
        new = need[source[need] >= 0]
        old_need = need[source[need] < 0]
        parts = dict(zip(new.tolist(), written.shingles(source[new].tolist()), strict=True))
        if len(old_need):
            # one article (written before this build, still there) per old content
            cls = np.searchsorted(table.contents, table.content[:old_articles])
            where = np.full(len(table.contents), -1, dtype=np.int64)
            where[cls] = np.arange(old_articles, dtype=np.int64)  # any one of them
            ids = [table.ids[r] for r in where[old_need].tolist()]
            if self._old_text is None:  # never expected: an old table comes with its index
                raise RuntimeError("no text for the contents of the previous story table")
            texts = self._old_text(ids)
            for c, (title, body) in zip(old_need.tolist(), texts, strict=True):
                parts[int(c)] = shingle_sequence(text_hashes(title, body))
        arrays = [parts[c] for c in need.tolist()]
        offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
        np.cumsum([len(a) for a in arrays], out=offsets[1:])
        return offsets, np.concatenate([np.zeros(0, np.uint64), *arrays])


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


def stored_texts(ix: Any, ids: list[str]) -> list[tuple[str, str]]:
    """The stored (title, body) of each of ``ids`` in the index ``ix`` (empty for an
    id it does not hold)."""
    out = []
    with ix.searcher() as s:
        for aid in ids:
            stored = s.document(**{schema.ID: aid}) or {}
            out.append((stored.get(schema.TITLE, ""), stored.get(schema.BODY, "")))
    return out
