"""The coordinator's side of a sharded search: the shards' answers as one index's.

The shards' candidates merge by score (relevance) or by date key (newest: largest
first; oldest: smallest first), ties by article id, which each shard also used to
choose its own best (tasks._best); the page's hits, made by the shards that hold them,
are put in that order; totals and facet counts are sums, exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from ..models import Hit
from ..query import ParsedQuery
from . import tasks
from .tasks import Answer, Version, merge_order

K = TypeVar("K")


def merged_page(answers: dict[int, Answer], sort: str, first: int, limit: int,
                collapse: bool = False) -> list[tuple[float, str, int]]:
    """``(score or date key, article id, shard)`` of hits ``first``... ``first + limit``
    of the merged order; with ``collapse``, only the first of each story group."""
    entries = [(value, article_id, n) for n, a in answers.items()
               for value, article_id in a.ranked]
    entries.sort(key=merge_order(sort))
    if collapse:
        group = {i: g for a in answers.values()
                 for (_v, i), g in zip(a.ranked, a.groups, strict=True) if g}
        seen: set[int] = set()
        kept = []
        for entry in entries:
            g = group.get(entry[1])
            if g is None or g not in seen:
                kept.append(entry)
                if g is not None:
                    seen.add(g)
        entries = kept
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


def added_up(parts: Iterable[dict[K, int]]) -> dict[K, int]:
    """Each key's numbers over the shards (a word's, a story group's), added up."""
    total: dict[K, int] = {}
    for part in parts:
        for key, n in part.items():
            total[key] = total.get(key, 0) + n
    return total


def made_ahead(limit: int, shards: int, held: int = 1) -> int:
    """How many of their best ``held`` of the ``shards`` make into hits in round two of
    page one: their expected share of the page plus two standard deviations (an
    article's shard is a hash of its id, so they hold Binomial(limit, held/shards) of
    the page's hits: for 10 hits, more than 6 of one of 4 shards, or more than 9 of 2
    of them, about once in 250 and 1,000 pages). Shards holding more make the rest in
    round three."""
    share = held / shards
    return min(limit, math.ceil(limit * share + 2 * math.sqrt(limit * share * (1 - share))))


def best_hits(answers: dict[int, Answer], on: Callable[..., tuple[Hit, ...]], limit: int,
              shards: int, query: str | ParsedQuery, now: datetime | None, sort: str,
              snippets: bool, collapse: bool) -> dict[int, Answer]:
    """Round two's finish on page one where round three is a round trip (a runner's
    ``finish``: run where these shards ran, after them): the hits of their best
    ``made_ahead`` in the merge's order (with ``collapse``, the first of each story
    group), each made by its own shard (``on(n, task, *args)``). The shards one Dask
    worker runs share one count: 4 shards on 2 workers make 9 hits each worker (18 for
    a page of 10), 6 each shard made 24; 8 shards 18, not 32."""
    make = made_ahead(limit, shards, len(answers))
    docnum = {i: d for a in answers.values()
              for (_v, i), d in zip(a.ranked, a.docnums, strict=True)}
    mine: dict[int, list[tuple[float, str, int]]] = {}
    for value, article_id, n in merged_page(answers, sort, 0, make, collapse):
        mine.setdefault(n, []).append((value, article_id, docnum[article_id]))
    made = dict(answers)
    for n, wanted in mine.items():
        made[n] = replace(answers[n], hits=on(n, tasks.hits, query, now, wanted,
                                                answers[n].version, sort, snippets))
    return made


def same_versions(found: dict[int, Answer], versions: dict[int, Version]) -> bool:
    """Whether every shard scored the version its statistics were gathered from."""
    return all(a.version == versions.get(n) for n, a in found.items())
