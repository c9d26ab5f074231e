"""The exact check every candidate pair passes: Jaccard and containment of the two
articles' shingle sets. Story groups are built from verified pairs only, so a group
never holds a pair the exact measure puts below the threshold (precision is exact by
construction; only recall depends on the candidates)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .rows import I64, offsets_of, take_rows
from .shingles import U64

# Jaccard or containment at or above this makes two articles copies of one story.
# bench/dedup.py measures it on Reuters, BBC News and AG News: at 0.9 and above the
# pairs are re-sends, corrections, retitled and shortened versions of one story; just
# below come different stories written on one template (the Fed's daily repurchase
# notes, USDA monthly estimates, two quarters of one company's earnings table).
THRESHOLD = 0.9


def overlap(a: U64, b: U64) -> tuple[float, float]:
    """(Jaccard, containment) of two articles' shingle sets (given as arrays of shingle
    hashes, repeats allowed); containment is the share of the smaller set found in the
    other (a short version in a longer one)."""
    a, b = np.unique(a), np.unique(b)
    if not len(a) or not len(b):
        return 0.0, 0.0
    inter = int(np.intersect1d(a, b, assume_unique=True).size)
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def _distinct(offsets: I64, shingles: U64) -> tuple[I64, U64]:
    """Each row's distinct shingles, sorted (offsets, flat): one sort for all rows."""
    rows = len(offsets) - 1
    owner = np.repeat(np.arange(rows, dtype=np.int64), np.diff(offsets))
    order = np.lexsort((shingles, owner))
    values, owner = shingles[order], owner[order]
    first = np.ones(len(values), dtype=bool)
    first[1:] = (values[1:] != values[:-1]) | (owner[1:] != owner[:-1])
    return offsets_of(np.bincount(owner[first], minlength=rows).astype(np.int64)), values[first]


def verify(offsets: I64, shingles: U64, a: I64, b: I64, threshold: float = THRESHOLD
           ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """For each pair (a[i], b[i]) of rows of ``shingles``: is it a near-duplicate, its
    Jaccard, its containment (``overlap``'s, for all pairs at once: each row's distinct
    shingles found once, then every pair's two sets sorted together and the values met
    twice counted)."""
    if not len(a):
        return np.zeros(0, bool), np.zeros(0, np.float32), np.zeros(0, np.float32)
    off, distinct = _distinct(offsets, shingles)
    sizes = np.diff(off)
    na, nb = sizes[a], sizes[b]
    left, right = take_rows(off, distinct, a), take_rows(off, distinct, b)
    pair = np.concatenate([np.repeat(np.arange(len(a), dtype=np.int64), na),
                           np.repeat(np.arange(len(a), dtype=np.int64), nb)])
    values = np.concatenate([left[1], right[1]])
    order = np.lexsort((values, pair))
    values, pair = values[order], pair[order]
    twice = (values[1:] == values[:-1]) & (pair[1:] == pair[:-1])
    inter = np.bincount(pair[1:][twice], minlength=len(a)).astype(np.float64)
    empty = (na == 0) | (nb == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(empty, 0.0, inter / (na + nb - inter))
        con = np.where(empty, 0.0, inter / np.minimum(na, nb))
    ok = (jac >= threshold) | (con >= threshold)  # compared in float64, stored as float32
    return ok, jac.astype(np.float32), con.astype(np.float32)
