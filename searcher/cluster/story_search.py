"""The coordinator's side of story groups on a sharded index (cluster/stories.py says
how a story spanning shards collapses): a page's copies, an article's copies, the
story counts of ``stats``."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from ..copies import LARGEST_STORIES
from ..filters import Filters
from ..models import ArticleView, Hit
from . import tasks
from .merge import added_up
from .runner import ShardFailure
from .stories import StorySource, group_of, largest, merged_copies


class Coordinator(Protocol):
    """What this needs of search.ShardedIndex (not imported: it imports this)."""

    def _each(self, task: Any, *args: Any, shards: Any = None) -> Any: ...


def with_copies(ix: Coordinator, hits: tuple[Hit, ...], found: dict[int, tasks.Answer],
                counts: dict[int, int], query: str, now: datetime | None, chosen: Filters,
                table: StorySource) -> tuple[tuple[Hit, ...], list[ShardFailure]]:
    """Each page hit with its story's other matches as its copies, asked of the shards
    that hold some (a round only for a page showing such a story)."""
    group = {i: g for a in found.values()
             for (_v, i), g in zip(a.ranked, a.groups, strict=True)}
    wanted = sorted({g for h in hits if counts.get(g := group.get(h.id, 0), 0) > 1})
    if not wanted:
        return hits, []
    holders = sorted(n for n, a in found.items()
                     if any((a.story_counts or {}).get(g) for g in wanted))
    parts, lost = ix._each(tasks.story_copies, query, now, chosen, table, wanted,
                           shards=holders)
    shown = []
    for h in hits:
        g = group.get(h.id, 0)
        if counts.get(g, 0) > 1:
            h = replace(h, copies=merged_copies(
                [p.get(g, ()) for _n, p in sorted(parts.items())], h.id),
                        copy_count=counts[g] - 1)
        shown.append(h)
    return tuple(shown), lost


def with_article_copies(ix: Coordinator, view: ArticleView,
                        table: StorySource | None) -> ArticleView:
    """An article (``show``) with every other live article of its story, from every
    shard."""
    group = 0 if table is None else group_of(table, view.article.id)
    if not group:
        return view
    parts, _failures = ix._each(tasks.story_members, table, [group], None)
    return replace(view, copies=merged_copies(
        [p.get(group, ()) for _n, p in sorted(parts.items())], view.article.id, None))


def story_stats(ix: Coordinator, table: StorySource | None) -> dict[str, Any]:
    """``stats``' story fields over every shard (their groups span shards): stories of
    two or more live articles, their articles, the largest, each named by its earliest
    article ({}: no story table)."""
    if table is None:
        return {}
    parts, _failures = ix._each(tasks.story_sizes, table)
    if not parts or any(p is None for p in parts.values()):
        return {}
    sizes = added_up(p for p in parts.values() if p is not None)
    many = {g: n for g, n in sizes.items() if n > 1}
    top = sorted(many, key=lambda g: (-many[g], g))[:LARGEST_STORIES]
    firsts: dict[int, Any] = {}
    if top:
        firsts, _failures = ix._each(tasks.story_members, table, top, 1)
    earliest = {g: found[0] for g in top
                if (found := merged_copies([f.get(g, ()) for _n, f in sorted(firsts.items())],
                                           "", 1))}
    return {"story_groups": len(many), "grouped_articles": sum(many.values()),
            "largest_stories": largest({g: many[g] for g in earliest}, earliest,
                                       LARGEST_STORIES)}
