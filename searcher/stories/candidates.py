"""Pairs of articles worth comparing exactly: those sharing enough anchors.

Whether a pair is a candidate depends on the two articles alone (their anchors), never
on the rest of the collection or on the order articles arrived in, so an incremental
build proposes exactly the pairs a rebuild proposes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .shingles import U64

I64 = npt.NDArray[np.int64]
# A pair is compared when they share at least this share of the smaller anchor set.
# Near-duplicates at containment 0.9 share nearly all of the smaller one's anchors;
# measured on Reuters (bench/dedup.py), 0.5 keeps every oracle pair but one at 0.9 and
# cuts pairs to verify from 65,000 (any shared anchor) to about 3,000.
MIN_SHARED = 0.5
# An anchor held by more contents than this (a boilerplate sentence in thousands of
# articles) proposes no pairs: its pairs would grow with the square of its count, and a
# true near-duplicate pair shares many anchors, nearly all of them rare. (Exact copies
# are one content already.) Reuters' most shared anchor is in 95 contents.
MAX_ANCHOR_CONTENTS = 1000


def _pairs_within_groups(members: I64, starts: I64, sizes: I64) -> tuple[I64, I64]:
    """Every pair (i < j by position) of entries inside each group of ``members``."""
    pos = np.arange(len(members), dtype=np.int64)
    group_end = np.repeat(starts + sizes, sizes)
    counts = group_end - pos - 1
    total = int(counts.sum())
    if not total:
        empty = np.zeros(0, np.int64)
        return empty, empty
    first = np.repeat(pos, counts)
    step = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return members[first], members[first + 1 + step]


def candidate_pairs(anchor_offsets: I64, anchors: U64, is_new: npt.NDArray[np.bool_]
                    ) -> tuple[I64, I64]:
    """Pairs (a < b, article numbers) sharing at least MIN_SHARED of the smaller anchor
    set, at least one of them new."""
    rows = len(anchor_offsets) - 1
    counts = np.diff(anchor_offsets)
    if not len(anchors):
        empty = np.zeros(0, np.int64)
        return empty, empty
    owner = np.repeat(np.arange(rows, dtype=np.int64), counts)
    order = np.argsort(anchors, kind="stable")  # ties stay in article order (owner rises)
    values, owner = anchors[order], owner[order]
    bounds = np.flatnonzero(np.r_[True, values[1:] != values[:-1], True])
    starts, sizes = bounds[:-1], np.diff(bounds)
    news = np.add.reduceat(is_new[owner].astype(np.int64), starts)
    chosen = (sizes >= 2) & (sizes <= MAX_ANCHOR_CONTENTS) & (news > 0)
    members = owner[np.repeat(chosen, sizes)]
    sizes = sizes[chosen]
    new_starts = np.zeros(len(sizes), dtype=np.int64)
    if len(sizes):
        np.cumsum(sizes[:-1], out=new_starts[1:])
    a, b = _pairs_within_groups(members, new_starts, sizes)
    a, b = np.minimum(a, b), np.maximum(a, b)
    wanted = (is_new[a] | is_new[b]) & (a != b)  # (an anchor repeated in one article)
    a, b = a[wanted], b[wanted]
    key, n_shared = np.unique(a * rows + b, return_counts=True)
    a, b = key // rows, key % rows
    need = MIN_SHARED * np.minimum(counts[a], counts[b])
    ok = n_shared >= need
    return a[ok], b[ok]
