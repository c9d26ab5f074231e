"""Each article's signature: its shingles and its anchors, for a batch of articles at once.

Anchors are the shingles chosen by winnowing (Schleimer, Wilkerson & Aiken 2003, the
MOSS fingerprints): the smallest shingle hash in every window of ``WINDOW`` consecutive
shingles. Any run of ``WINDOW`` shingles two texts share gives both the same anchor,
whichever text it sits in and wherever, so a short version *contained* in a longer one
(Jaccard 0.15, containment 1.0 between a wire story and its first paragraphs on
Reuters) shares anchors with it as surely as a full copy does. MinHash with LSH bands
estimates Jaccard only and misses exactly those pairs; anchors are about 2/7 of the
shingles.

The arithmetic is numpy over a whole batch (one array of every article's word hashes,
windows that cross from one article into the next masked out), because a build
computes this for every article it indexes. Shingles are kept in text order (repeats
included: ``similarity.overlap`` takes distinct ones); anchors drop repeats of the same
minimum from one window to the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .rows import offsets_of
from .shingles import _MIX, SHINGLE_WORDS, U64, shingle_sequence

WINDOW = 6
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Signatures:
    """Per article (in batch order): its shingles and its anchors, as offsets into flat
    arrays (article i: ``shingles[shingle_offsets[i]:shingle_offsets[i + 1]]``)."""

    shingle_offsets: I64
    shingles: U64
    anchor_offsets: I64
    anchors: U64


def _windows(flat: U64, row: I64, width: int) -> tuple[npt.NDArray[np.bool_], I64]:
    """Which windows of ``width`` over ``flat`` lie inside one row, and each one's row."""
    first = row[:len(flat) - width + 1]
    return first == row[width - 1:], first


def _batch_shingles(flat: U64, words: I64) -> tuple[U64, I64]:
    """Every article's shingle hashes in text order (flat) and each one's article,
    given every article's word hashes one after another (``flat``, ``words[i]`` of
    article i)."""
    rows = len(words)
    row = np.repeat(np.arange(rows, dtype=np.int64), words)
    if len(flat) >= SHINGLE_WORDS:
        n = len(flat) - SHINGLE_WORDS + 1
        mixed = flat[:n] * _MIX[0]
        for i in range(1, SHINGLE_WORDS):
            mixed = (mixed << np.uint64(7)) | (mixed >> np.uint64(57))
            mixed ^= flat[i:i + n] * _MIX[i]
        valid, first = _windows(flat, row, SHINGLE_WORDS)
        values, owner = mixed[valid], first[valid]
    else:
        values, owner = np.zeros(0, np.uint64), np.zeros(0, np.int64)
    short = np.flatnonzero((words > 0) & (words < SHINGLE_WORDS))
    if len(short):  # a text of fewer than five words is one shingle
        starts = offsets_of(words)
        values = np.concatenate([values, [shingle_sequence(flat[starts[i]:starts[i + 1]])[0]
                                          for i in short.tolist()]])
        owner = np.concatenate([owner, short])
        order = np.argsort(owner, kind="stable")
        values, owner = values[order].astype(np.uint64), owner[order]
    return values, owner


def _window_minima(values: U64) -> U64:
    """The smallest of every WINDOW consecutive values (WINDOW - 1 elementwise minima
    of shifted views: cheaper than a reduction over a strided window view)."""
    n = len(values) - WINDOW + 1
    out: U64 = values[:n].copy()
    for i in range(1, WINDOW):
        np.minimum(out, values[i:i + n], out=out)
    return out


def signatures(flat: U64, words: I64) -> Signatures:
    """The shingles and anchors of each article of a batch, given every article's word
    hashes one after another (``flat``) and how many each has (``words``)."""
    rows = len(words)
    if not rows:
        empty = np.zeros(1, np.int64)
        return Signatures(empty, np.zeros(0, np.uint64), empty, np.zeros(0, np.uint64))
    shingles, owner = _batch_shingles(flat, words)
    counts = np.bincount(owner, minlength=rows).astype(np.int64)
    if len(shingles) >= WINDOW:
        minima = _window_minima(shingles)
        valid, first = _windows(shingles, owner, WINDOW)
        a_vals, a_rows = minima[valid], first[valid]
    else:
        a_vals, a_rows = np.zeros(0, np.uint64), np.zeros(0, np.int64)
    short = np.flatnonzero((counts > 0) & (counts < WINDOW))
    if len(short):  # an article shorter than a window: its smallest shingle
        starts = offsets_of(counts)
        a_vals = np.concatenate([a_vals, [shingles[starts[i]:starts[i + 1]].min()
                                          for i in short.tolist()]]).astype(np.uint64)
        a_rows = np.concatenate([a_rows, short])
        order = np.argsort(a_rows, kind="stable")
        a_vals, a_rows = a_vals[order], a_rows[order]
    keep = np.ones(len(a_vals), dtype=bool)
    keep[1:] = (a_vals[1:] != a_vals[:-1]) | (a_rows[1:] != a_rows[:-1])
    a_vals, a_rows = a_vals[keep], a_rows[keep]
    return Signatures(offsets_of(counts), shingles,
                      offsets_of(np.bincount(a_rows, minlength=rows).astype(np.int64)), a_vals)


__all__ = ["SHINGLE_WORDS", "WINDOW", "Signatures", "signatures"]
