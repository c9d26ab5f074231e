"""Per-article arrays kept flat: article i's values are ``flat[offsets[i]:offsets[i + 1]]``
(shingles, anchors). Joining and picking rows are array operations, never a loop over
articles, because a build does them for every article it writes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def offsets_of(counts: I64) -> I64:
    """The offsets of rows holding ``counts`` values each."""
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def join_rows(parts: list[tuple[I64, U64]]) -> tuple[I64, U64]:
    """Per-article flat arrays (offsets, values) one after another, as one."""
    offsets, flats, base = [np.zeros(1, np.int64)], [], 0
    for off, flat in parts:
        offsets.append(off[1:] + base)
        flats.append(flat)
        base += int(off[-1])
    return (np.concatenate(offsets),
            np.concatenate(flats) if flats else np.zeros(0, np.uint64))


def take_rows(offsets: I64, flat: U64, rows: I64) -> tuple[I64, U64]:
    """The rows ``rows`` of a flat per-article array, as new offsets and flat array."""
    lengths = np.diff(offsets)[rows]
    new_off = offsets_of(lengths)
    if not len(rows) or not new_off[-1]:
        return new_off, np.zeros(0, np.uint64)
    starts = np.repeat(offsets[rows] - new_off[:-1], lengths)
    return new_off, flat[np.arange(new_off[-1], dtype=np.int64) + starts]
