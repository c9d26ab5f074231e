"""Sorted, duplicate-free arrays of document numbers: intersection and union.

A term's postings are its documents in ascending order; combining words over
fields (union) and finding phrase candidates (intersection) work on these arrays
by binary search, never by a pass over every document of the index.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def intersect(sorted_ids: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The ids in every one of these sorted arrays, shortest first: each step costs
    a binary search per id still in, not a pass over every document."""
    arrays = sorted(sorted_ids, key=len)
    found = arrays[0]
    for other in arrays[1:]:
        if not len(found):
            break
        found = found[places_in(other, found)[1]]
    return found


def places_in(ids: npt.NDArray[Any], values: npt.NDArray[Any]
               ) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """Where each of ``values`` is or would go in the sorted ``ids``, and whether it is there."""
    at = np.searchsorted(ids, values)
    present = at < len(ids)
    present[present] = ids[at[present]] == values[present]
    return at, present


def union_size(sorted_ids: list[npt.NDArray[Any]]) -> int:
    """How many ids the union of these sorted, duplicate-free arrays holds (a word's
    document frequency over title and body): the largest array's length plus the
    others' ids not in an earlier one, by binary search. ``np.unique`` of the
    concatenation sorts every id (26 ms for a word in 60,000 of 270,000 articles,
    this 0.2 ms)."""
    arrays = sorted(sorted_ids, key=len, reverse=True)
    if not arrays:
        return 0
    size = len(arrays[0])
    for k in range(1, len(arrays)):
        new = arrays[k]
        for earlier in arrays[:k]:
            if not len(new):
                break
            new = new[~places_in(earlier, new)[1]]
        size += len(new)
    return size


def union(sorted_ids: list[npt.NDArray[Any]]
           ) -> tuple[npt.NDArray[Any], list[npt.NDArray[Any] | None]]:
    """The sorted union of sorted, duplicate-free id arrays, and where each array's
    ids are in it (None: the union is that array). Two arrays (a word in title and
    body) are merged by rank, without sorting: an id's place in the union is its
    place in its own array plus the number of the other array's new ids before it."""
    if len(sorted_ids) == 1:
        return sorted_ids[0], [None]
    if len(sorted_ids) != 2:
        ids = np.unique(np.concatenate(sorted_ids))
        return ids, [None if len(a) == len(ids) else np.searchsorted(ids, a)
                     for a in sorted_ids]
    first, second = sorted_ids
    swap = len(second) > len(first)
    big, small = (second, first) if swap else (first, second)
    at, present = places_in(big, small)
    if present.all():  # the usual case: the title's documents all have the word in the body
        places: list[npt.NDArray[Any] | None] = [None, at]
        return big, places[::-1] if swap else places
    new = small[~present]
    big_at = np.arange(len(big)) + np.searchsorted(new, big)
    new_at = at[~present] + np.arange(len(new))
    ids = np.empty(len(big) + len(new), dtype=np.result_type(big, new))
    ids[big_at] = big
    ids[new_at] = new
    small_at = np.empty(len(small), dtype=np.int64)
    small_at[present] = big_at[at[present]]
    small_at[~present] = new_at
    places = [big_at, small_at]
    return ids, places[::-1] if swap else places
