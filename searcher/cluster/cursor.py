"""An export of a sharded index: every match in the search's order, a batch at a time,
each shard walked with a cursor (``ShardedIndex.batches``)."""

from __future__ import annotations

import time
from collections.abc import Generator
from datetime import datetime
from typing import Any, Protocol

from .. import arguments
from ..filters import Filters
from ..models import SearchResults
from .merge import merged_page, ranked_hits


class ShardedIndex(Protocol):
    """What an export needs of search.ShardedIndex (not imported: it imports this)."""

    def _scored(self, query: str, now: datetime | None, *args: Any) -> Any: ...
    def _hits(self, query: str, now: datetime | None, *args: Any) -> Any: ...
    def _partial_note(self, failures: Any) -> tuple[str, ...]: ...


def batches(ix: ShardedIndex, query: str = "", *, filters: Filters | None = None,
            sort: str = "relevance", batch: int = arguments.MAX_LIMIT,
            now: datetime | None = None) -> Generator[SearchResults, None, None]:
    """Every match of the search in its order, ``batch`` hits at a time, without
    snippets or facets (``export.Export`` on a sharded index). Each shard sends
    its next ``batch`` candidates after the last hit taken (a cursor), so an export
    of n matches moves about shards x n candidates; page p of a search would ask
    each shard for p x batch, which grows with the square of n. ``total`` is every
    batch's count of all matches (a build between batches changes it)."""
    chosen = Filters.given(filters)
    query, sort, batch, _page, now = arguments.check_search(
        query, sort=sort, limit=batch, page=1, now=now)
    after: tuple[float, str] | None = None
    taken = 0
    while True:
        started = time.perf_counter()
        found, failed = ix._scored(query, now, chosen, batch, False, sort, after)
        answers = [found[n] for n in sorted(found)]
        chosen_page = merged_page(found, sort, 0, batch)
        made, lost = ix._hits(query, now, found, chosen_page, sort, False)
        yield SearchResults(
            query=query, total=sum(a.total for a in answers),
            hits=ranked_hits(chosen_page, [made[n] for n in sorted(made)], taken),
            page=taken // batch + 1, limit=batch,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            notes=answers[0].notes + ix._partial_note(failed + lost))
        if len(chosen_page) < batch:
            return
        after = chosen_page[-1][:2]
        taken += len(chosen_page)
