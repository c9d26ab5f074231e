"""Story groups from verified near-duplicate pairs: every two articles of a group are
a verified pair, so collapsing a group behind its best-scoring copy never hides an
article that is not a near-duplicate of the one shown.

Groups are a function of the articles and their pairs alone (never of the order a
build met them), so an incremental build and a rebuild give the same groups: articles
are taken in story order (earliest published first, undated last, then by id), and
each joins the earliest group whose every member it is a near-duplicate of, or starts
one. A group is named by its first article (its key); when that article is deleted,
the rest stay together under the next one's name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def story_groups(keys: npt.NDArray[np.uint64], order: Sequence[tuple[int, str]],
                 edge_a: npt.NDArray[np.int64], edge_b: npt.NDArray[np.int64]
                 ) -> npt.NDArray[np.uint64]:
    """Each article's group key (its own key when it has no near-duplicate).
    ``order[i]`` is article i's story-order key; edges are article numbers."""
    group: npt.NDArray[np.uint64] = keys.copy()
    if not len(edge_a):
        return group
    neighbours: dict[int, set[int]] = defaultdict(set)
    for x, y in zip(edge_a.tolist(), edge_b.tolist(), strict=True):
        neighbours[x].add(y)
        neighbours[y].add(x)
    members: list[list[int]] = []  # groups in the order they were started
    group_of: dict[int, int] = {}
    for v in sorted(neighbours, key=order.__getitem__):
        near = neighbours[v]
        chosen = None
        for g in sorted({group_of[u] for u in near if u in group_of}):
            if all(m in near for m in members[g]):
                chosen = g
                break
        if chosen is None:
            chosen = len(members)
            members.append([])
        members[chosen].append(v)
        group_of[v] = chosen
    for m in members:
        if len(m) > 1:
            group[m] = keys[m[0]]
    return group
