"""The story table of one index generation, stored beside its manifest as
``searcher-files-<generation>.stories.npz`` (written before the commit, like the
manifest, so a crash never leaves a table that disagrees with its index).

Per article: its id and key, its story order (publication time), its content (a hash
of its words: exact copies share it) and its group. Per content (one entry for any
number of exact copies): its anchors, what finds the contents a new article may copy.
Not its shingles: exact verification reads them again from the stored text of the
contents a new article is compared with (build.py), which keeps the table at about a
fifth of its size with them (2.3 instead of 10.3 bytes per word of text; version 2
held them, and reads as version 3). The verified near-duplicate pairs of contents,
with their Jaccard and containment. Incremental builds load it, drop what was
deleted, add what is new; searches read only the grouped articles' keys and groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from ..storage import fill_atomically
from .similarity import THRESHOLD

TABLE_VERSION = 3
READABLE_VERSIONS = (2, 3)  # 2 also held each content's shingles
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

    def __len__(self) -> int:
        return len(self.ids)

    def grouped(self) -> tuple[U64, U64]:
        """(keys, groups) of the articles that share their group, sorted by key."""
        counts = np.unique(self.group, return_counts=True)
        many = counts[0][counts[1] > 1]
        mask = np.isin(self.group, many)
        keys, groups = self.keys[mask], self.group[mask]
        order = np.argsort(keys)
        return keys[order], groups[order]


def table_path(index: Path, generation: int) -> Path:
    return index / f"searcher-files-{generation}.stories.npz"


def save_table(index: Path, generation: int, table: StoryTable) -> None:
    """Write atomically (temp file, fsync, rename)."""
    encoded = [i.encode("utf-8", "surrogatepass") for i in table.ids]
    blob = b"".join(encoded)
    gkeys, ggroups = table.grouped()
    target = table_path(index, generation)

    def fill(f: BinaryIO) -> None:
        np.savez(f, version=np.array([TABLE_VERSION]), threshold=np.array([THRESHOLD]),
                 ids=np.frombuffer(blob, dtype=np.uint8),
                 id_lengths=np.array([len(e) for e in encoded], dtype=np.int64),
                 keys=table.keys, order=table.order, content=table.content,
                 contents=table.contents, anchor_offsets=table.anchor_offsets,
                 anchors=table.anchors, edge_a=table.edge_a, edge_b=table.edge_b,
                 jaccard=table.jaccard, containment=table.containment,
                 group=table.group, grouped_keys=gkeys, grouped_groups=ggroups)

    fill_atomically(target, fill)


def _current(data: np.lib.npyio.NpzFile) -> bool:
    return (int(data["version"][0]) in READABLE_VERSIONS
            and float(data["threshold"][0]) == THRESHOLD)


def load_table(index: Path, generation: int) -> StoryTable | None:
    """The whole table of ``generation``; None if absent, unreadable or of another
    version or threshold."""
    try:
        with np.load(table_path(index, generation)) as data:
            if not _current(data):
                return None
            blob = data["ids"].tobytes()
            ends = np.cumsum(data["id_lengths"]).tolist()
            starts = [0, *ends][:len(ends)]
            ids = [blob[s:e].decode("utf-8", "surrogatepass")
                   for s, e in zip(starts, ends, strict=True)]
            return StoryTable(
                ids=ids, keys=data["keys"], order=data["order"], content=data["content"],
                contents=data["contents"], anchor_offsets=data["anchor_offsets"],
                anchors=data["anchors"],
                edge_a=data["edge_a"], edge_b=data["edge_b"], jaccard=data["jaccard"],
                containment=data["containment"], group=data["group"])
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return None


def load_groups(index: Path, generation: int) -> tuple[U64, U64] | None:
    """(keys, groups) of the grouped articles of ``generation``, sorted by key: all a
    search needs. None when the generation has no readable table."""
    try:
        with np.load(table_path(index, generation)) as data:
            if not _current(data):
                return None
            return data["grouped_keys"], data["grouped_groups"]
    except (OSError, ValueError, KeyError):
        return None
