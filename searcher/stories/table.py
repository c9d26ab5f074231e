"""The story table of one index generation, and what one build changes in it.

Per article: its id and key, its story order (publication time), its content (a hash
of its words: exact copies share it) and its group. Per content (one entry for any
number of exact copies): its anchors, what finds the contents a new article may copy.
Not its shingles: exact verification reads them again from the stored text of the
contents a new article is compared with (build.py), which keeps the table at about a
fifth of its size with them. The verified near-duplicate pairs of contents, with their
Jaccard and containment.

A build does not write the table again: it writes its ``Change`` (the articles it
dropped and added, the contents new to the table with their anchors, the pairs it
verified, the articles whose group changed), and ``apply`` makes the new table from
the old one and the change, in the build and when the table is read again (store.py
keeps the files), so both are the same table by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .rows import join_rows, take_rows

MISSING_ORDER = np.iinfo(np.int64).max  # undated articles come last in story order
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]


def _u64() -> U64:
    return np.zeros(0, np.uint64)


def _i64(n: int = 0) -> I64:
    return np.zeros(n, np.int64)


def _f32() -> F32:
    return np.zeros(0, np.float32)


@dataclass(frozen=True)
class Origin:
    """The files a table was read from (store.py): the generation, how many change
    files follow the last full one, and their sizes."""

    generation: int
    changes: int
    full_bytes: int
    change_bytes: int


@dataclass
class StoryTable:
    ids: list[str] = field(default_factory=list)
    keys: U64 = field(default_factory=_u64)
    order: I64 = field(default_factory=_i64)
    content: U64 = field(default_factory=_u64)
    group: U64 = field(default_factory=_u64)
    # per distinct content, sorted by it:
    contents: U64 = field(default_factory=_u64)
    anchor_offsets: I64 = field(default_factory=lambda: _i64(1))
    anchors: U64 = field(default_factory=_u64)
    # verified pairs of contents:
    edge_a: U64 = field(default_factory=_u64)
    edge_b: U64 = field(default_factory=_u64)
    jaccard: F32 = field(default_factory=_f32)
    containment: F32 = field(default_factory=_f32)
    origin: Origin | None = None  # the files it was read from (None: made afresh)
    change: Change | None = None  # what the build that made it changed in its old table

    def __len__(self) -> int:
        return len(self.ids)

    def grouped(self) -> tuple[U64, U64]:
        """(keys, groups) of the articles that share their group, sorted by key (every
        other article's group is its own key)."""
        counts = np.unique(self.group, return_counts=True)
        many = counts[0][counts[1] > 1]
        mask = np.isin(self.group, many)
        keys, groups = self.keys[mask], self.group[mask]
        order = np.argsort(keys)
        return keys[order], groups[order]


@dataclass(frozen=True)
class Change:
    """What one build changed in the table it read; a full table is the change that
    makes it from an empty one."""

    dropped: list[str]  # ids of the old table's articles deleted or replaced
    ids: list[str]  # the articles added, in table order, with their keys, order, content
    keys: U64
    order: I64
    content: U64
    contents: U64  # the contents new to the table, sorted, with their anchors
    anchor_offsets: I64
    anchors: U64
    edge_a: U64  # the pairs verified
    edge_b: U64
    jaccard: F32
    containment: F32
    group_keys: U64  # articles whose group changed: key -> group (0: alone now)
    group_values: U64


def whole(table: StoryTable) -> Change:
    """The change that makes ``table`` from an empty table."""
    keys, groups = table.grouped()
    return Change([], table.ids, table.keys, table.order, table.content, table.contents,
                  table.anchor_offsets, table.anchors, table.edge_a, table.edge_b,
                  table.jaccard, table.containment, keys, groups)


def apply(old: StoryTable, change: Change, groups: tuple[U64, U64] | None = None
          ) -> StoryTable:
    """The table ``change`` makes from ``old``: dropped articles out, new ones added,
    contents no article holds any more out (with their pairs), new contents' anchors
    and new pairs added. Groups: ``old``'s grouped articles (or ``groups``) updated by
    the change's (a build computes them itself and passes none)."""
    gone = set(change.dropped)
    kept = np.array([i for i, aid in enumerate(old.ids) if aid not in gone], dtype=np.int64)
    table = StoryTable(ids=[old.ids[i] for i in kept.tolist()] + list(change.ids),
                       keys=np.concatenate([old.keys[kept], change.keys]),
                       order=np.concatenate([old.order[kept], change.order]),
                       content=np.concatenate([old.content[kept], change.content]))
    old_rows = np.flatnonzero(np.isin(old.contents, table.content))
    contents = np.concatenate([old.contents[old_rows], change.contents])
    by_content = np.argsort(contents)
    anchors = join_rows([take_rows(old.anchor_offsets, old.anchors, old_rows),
                         (change.anchor_offsets, change.anchors)])
    table.contents = contents[by_content]
    table.anchor_offsets, table.anchors = take_rows(*anchors, by_content)
    # Pairs between two contents still held stay.
    alive = np.isin(old.edge_a, table.contents) & np.isin(old.edge_b, table.contents)
    table.edge_a = np.concatenate([old.edge_a[alive], change.edge_a])
    table.edge_b = np.concatenate([old.edge_b[alive], change.edge_b])
    table.jaccard = np.concatenate([old.jaccard[alive], change.jaccard])
    table.containment = np.concatenate([old.containment[alive], change.containment])
    if groups is not None:
        table.group = table.keys.copy()
        keys, values = groups
        at = np.minimum(np.searchsorted(keys, table.keys), max(len(keys) - 1, 0))
        if len(keys):
            found = keys[at] == table.keys
            table.group[found] = values[at[found]]
    return table


def group_changes(old: tuple[U64, U64], new: tuple[U64, U64]) -> tuple[U64, U64]:
    """The (key, group) entries that make grouped articles ``new`` from ``old`` (both
    sorted by key): changed or added ones, and removed ones with group 0."""
    (ok, og), (nk, ng) = old, new
    at = np.minimum(np.searchsorted(ok, nk), max(len(ok) - 1, 0))
    same = (ok[at] == nk) & (og[at] == ng) if len(ok) else np.zeros(len(nk), bool)
    left = ok[~np.isin(ok, nk)]
    keys = np.concatenate([nk[~same], left])
    values = np.concatenate([ng[~same], np.zeros(len(left), np.uint64)])
    order = np.argsort(keys)
    return keys[order], values[order]


def with_changes(base: tuple[U64, U64], changes: tuple[U64, U64]) -> tuple[U64, U64]:
    """Grouped articles ``base`` updated by ``changes`` (group_changes' output)."""
    keys = np.concatenate([base[0], changes[0]])
    values = np.concatenate([base[1], changes[1]])
    order = np.argsort(keys, kind="stable")  # a change comes after the entry it replaces
    keys, values = keys[order], values[order]
    last = np.ones(len(keys), dtype=bool)
    last[:-1] = keys[1:] != keys[:-1]
    keep = last & (values != 0)
    return keys[keep], values[keep]
