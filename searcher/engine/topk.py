"""The best k documents of a match set: by score, or by a column (newest/oldest).

``argpartition`` finds the k best in linear time; only those (and any document
tied with the k-th) are then sorted. Ties go to the lower document number, as
in Whoosh, so a ranking is the same on every run.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def top_by_score(docs: IntArray, scores: npt.NDArray[np.float64], k: int) -> IntArray:
    """Indexes into ``docs`` of the ``k`` highest scores, best first (``docs`` ascending)."""
    if k <= 0 or not len(docs):
        return np.zeros(0, np.int64)
    if k < len(docs):
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = np.flatnonzero(scores >= kth)  # the k best and whatever ties the k-th
    else:
        keep = np.arange(len(docs))
    order = np.lexsort((docs[keep], -scores[keep]))
    return keep[order[:k]]


def top_by_key(docs: IntArray, keys: npt.NDArray[np.uint64], k: int, *,
               descending: bool) -> IntArray:
    """Indexes into ``docs`` of the first ``k`` by ``keys`` (ties: lower document first)."""
    if k <= 0 or not len(docs):
        return np.zeros(0, np.int64)
    signed = keys.astype(np.float64) if not descending else -keys.astype(np.float64)
    if k < len(docs):
        kth = np.partition(signed, k - 1)[k - 1]
        keep = np.flatnonzero(signed <= kth)
    else:
        keep = np.arange(len(docs))
    if descending:
        order = np.lexsort((docs[keep], np.iinfo(np.uint64).max - keys[keep]))
    else:
        order = np.lexsort((docs[keep], keys[keep]))
    return keep[order[:k]]
