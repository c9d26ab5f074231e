"""One open index (a Whoosh searcher's segments) seen as arrays.

Document numbers are Whoosh's global ones (segment offset + local number), so a
match set is one boolean array over ``n`` documents (a million articles: 1 MB)
and results map back to stored fields directly. Term postings are decoded once
into the shared :class:`ByteLRU` (keyed by the segments they came from, so a new
commit reuses what did not change); lengths, columns and the live mask are kept
per view, and a view lives until the index changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .._whoosh import postings as wp
from .cache import ByteLRU

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TermPostings:
    """A term's documents (ascending, global numbers, deleted ones included) and weights."""

    ids: npt.NDArray[np.int32] | IntArray
    weights: npt.NDArray[np.float32] | FloatArray
    doc_frequency: int

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.weights.nbytes) + 64


@dataclass(frozen=True)
class TermPositions:
    """A term's documents with the positions of the term in each (see wp.positions)."""

    ids: IntArray
    offsets: IntArray
    flat: npt.NDArray[np.int32] | IntArray

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.offsets.nbytes + self.flat.nbytes) + 64


def _nbytes(value: Any) -> int:
    return int(value.nbytes)


def new_cache(max_bytes: int) -> ByteLRU[Any]:
    return ByteLRU(max_bytes, _nbytes)


def signature(searcher: Any) -> tuple[tuple[str, int], ...]:
    """What a view depends on: each segment and its number of deletions."""
    return tuple((wp.segment_key(r), int(r.doc_count_all() - r.doc_count()))
                 for r, _off in wp.segments(searcher))


@dataclass
class IndexView:
    """Arrays over one generation of the index."""

    searcher: Any
    cache: ByteLRU[Any]
    segments: list[tuple[Any, int]] = field(init=False)
    n: int = field(init=False)
    live: BoolArray = field(init=False)
    dead: IntArray = field(init=False)
    key: tuple[tuple[str, int], ...] = field(init=False)
    _lengths: dict[str, npt.NDArray[np.uint8] | None] = field(init=False, default_factory=dict)
    _columns: dict[str, npt.NDArray[np.uint64] | None] = field(init=False, default_factory=dict)
    _totals: dict[str, int] = field(init=False, default_factory=dict)
    memo: dict[Any, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.segments = wp.segments(self.searcher)
        self.key = signature(self.searcher)
        self.n = sum(wp.doc_count_all(r) for r, _o in self.segments)
        self.live = (np.concatenate([wp.live_mask(r) for r, _o in self.segments])
                     if self.segments else np.zeros(0, dtype=np.bool_))
        # Deleted documents by number: clearing them from a match costs what they
        # number (usually none), not a pass over every document.
        self.dead = np.flatnonzero(~self.live)
        self.schema = self.searcher.schema
        self._segkeys = tuple(k for k, _d in self.key)

    def stored(self, docnum: int) -> dict[str, Any]:
        """The stored fields of a document."""
        return wp.stored_fields(self.segments, docnum)

    @property
    def live_count(self) -> int:
        return int(self.searcher.doc_count())

    # ---------------------------------------------------------------- terms

    def term(self, fieldname: str, text: Any) -> TermPostings | None:
        """The term's postings over the whole index, or None if no segment has it."""
        if fieldname not in self.schema:
            return None
        btext = self._bytes(fieldname, text)
        if btext is None:
            return None
        found: TermPostings | None = self.cache.get(
            ("p", self._segkeys, fieldname, btext), lambda: self._load(fieldname, btext))
        return found if found is not None and found.doc_frequency else None

    def _bytes(self, fieldname: str, text: Any) -> bytes | None:
        if not self.segments:
            return None
        return wp.term_bytes(self.segments[0][0], fieldname, text)

    def _load(self, fieldname: str, btext: bytes) -> TermPostings:
        ids_parts, w_parts, df = [], [], 0
        for reader, offset in self.segments:
            f = wp.doc_frequency(reader, fieldname, btext)
            if not f:
                continue
            df += f
            ids, w = wp.postings(reader, fieldname, btext)
            ids_parts.append(ids + offset)
            w_parts.append(w)
        if not ids_parts:
            return TermPostings(np.zeros(0, np.int32), np.zeros(0, np.float32), 0)
        ids = np.concatenate(ids_parts)
        weights = np.concatenate(w_parts)
        small = weights.astype(np.float32)
        return TermPostings(ids.astype(np.int32) if self.n < 2**31 else ids,
                            small if np.array_equal(small, weights) else weights, df)

    def positions(self, fieldname: str, text: Any) -> TermPositions | None:
        btext = self._bytes(fieldname, text)
        if btext is None:
            return None
        return self.cache.get(("q", self._segkeys, fieldname, btext),  # type: ignore[no-any-return]
                              lambda: self._load_positions(fieldname, btext))

    def _load_positions(self, fieldname: str, btext: bytes) -> TermPositions:
        ids_parts, off_parts, flat_parts = [], [], []
        base = 0
        for reader, offset in self.segments:
            if not wp.doc_frequency(reader, fieldname, btext):
                continue
            ids, offsets, flat = wp.positions(reader, fieldname, btext)
            ids_parts.append(ids + offset)
            off_parts.append(offsets[:-1] + base)
            flat_parts.append(flat)
            base += len(flat)
        if not ids_parts:
            empty = np.zeros(0, np.int64)
            return TermPositions(empty, np.zeros(1, np.int64), empty)
        flat = np.concatenate(flat_parts)
        return TermPositions(np.concatenate(ids_parts),
                             np.concatenate([*off_parts, np.array([base], np.int64)]),
                             flat.astype(np.int32) if base and flat.max() < 2**31 else flat)

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        btext = self._bytes(fieldname, text)
        if btext is None:
            return 0
        return sum(wp.doc_frequency(r, fieldname, btext) for r, _o in self.segments)

    # ---------------------------------------------------------------- per document

    def lengths(self, fieldname: str) -> npt.NDArray[np.uint8] | None:
        """Each document's length byte in ``fieldname`` (None: the index keeps none)."""
        if fieldname not in self._lengths:
            parts: list[npt.NDArray[np.uint8]] = []
            for reader, _o in self.segments:
                arr = wp.field_length_bytes(reader, fieldname)
                if arr is None:
                    parts = []
                    break
                parts.append(arr)
            self._lengths[fieldname] = np.concatenate(parts) if parts else None
        return self._lengths[fieldname]

    def total_length(self, fieldname: str) -> int:
        if fieldname not in self._totals:
            self._totals[fieldname] = sum(wp.total_field_length(r, fieldname)
                                          for r, _o in self.segments)
        return self._totals[fieldname]

    def column(self, fieldname: str) -> npt.NDArray[np.uint64] | None:
        """A numeric (uint64) column over every document (its default where a segment
        has none), or None when no segment has the column."""
        if fieldname not in self._columns:
            found = [wp.value_column(r, fieldname) for r, _o in self.segments]
            parts = [np.full(wp.doc_count_all(r), self.column_missing(fieldname), np.uint64)
                     if p is None else p for p, (r, _o) in zip(found, self.segments, strict=True)]
            self._columns[fieldname] = (np.concatenate(parts) if any(
                p is not None for p in found) else None)
        return self._columns[fieldname]

    def column_missing(self, fieldname: str) -> int:
        """The value a column holds for documents without one."""
        return int(self.schema[fieldname].column_type.default_value(False))
