"""The coordinator's side of a sharded search: the shards' answers as one index's.

The shards' candidates merge by score (relevance) or by date key (newest: largest
first; oldest: smallest first), ties by article id, which each shard also used to
choose its own best (tasks._best); the page's hits, made by the shards that hold them,
are put in that order; totals and facet counts are sums, exactly.
"""

from __future__ import annotations

from dataclasses import replace

from ..models import Hit
from .tasks import Answer, merge_order


def merged_page(answers: dict[int, Answer], sort: str, first: int,
                limit: int) -> list[tuple[float, str, int]]:
    """``(score or date key, article id, shard)`` of hits ``first``... ``first + limit``
    of the merged order."""
    entries = [(value, article_id, n) for n, a in answers.items()
               for value, article_id in a.ranked]
    entries.sort(key=merge_order(sort))
    return entries[first:first + limit]


def ranked_hits(page: list[tuple[float, str, int]], made: list[tuple[Hit, ...]],
                first: int) -> tuple[Hit, ...]:
    """The page's hits in its order, ranked from ``first + 1`` (an article removed by
    a build between the rounds is left out)."""
    by_id = {h.id: h for part in made for h in part}
    found = [by_id[article_id] for _v, article_id, _n in page if article_id in by_id]
    return tuple(replace(h, rank=first + n + 1) for n, h in enumerate(found))


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
