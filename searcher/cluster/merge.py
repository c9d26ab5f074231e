"""The coordinator's side of a sharded search: the shards' answers as one index's.

Hits merge by score (relevance) or by date key (newest: largest first; oldest:
smallest first), ties by article id, which each shard also used to choose its own
best (tasks._best); totals and facet counts are sums, exactly.
"""

from __future__ import annotations

from dataclasses import replace

from ..models import Hit
from .tasks import Answer


def merged_hits(answers: list[Answer], sort: str, first: int, limit: int) -> tuple[Hit, ...]:
    """Hits ``first``... ``first + limit`` of the merged order, ranked from ``first + 1``."""
    if sort == "relevance":
        ordered = sorted((h for a in answers for h in a.hits),
                         key=lambda h: (-(h.score or 0.0), h.id))
    else:
        keyed = [(key, h) for a in answers for key, h in zip(a.keys, a.hits, strict=True)]
        sign = -1 if sort == "newest" else 1
        ordered = [h for _k, h in sorted(keyed, key=lambda kh: (sign * kh[0], kh[1].id))]
    return tuple(replace(h, rank=first + n + 1)
                 for n, h in enumerate(ordered[first:first + limit]))


def summed(parts: list[list[tuple[str, int]]]) -> list[tuple[str, int]]:
    """Value counts of every shard added up, most used first, then by value (as
    engine.facets.keyword_counts orders one index's)."""
    counts: dict[str, int] = {}
    for part in parts:
        for value, n in part:
            counts[value] = counts.get(value, 0) + n
    return sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))


def summed_months(parts: list[dict[int, int]]) -> dict[int, int]:
    months: dict[int, int] = {}
    for part in parts:
        for m, n in part.items():
            months[m] = months.get(m, 0) + n
    return months
