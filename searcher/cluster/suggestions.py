"""Did you mean on a sharded index, as one index offers it: each unknown word of the
query respelled from the words of every shard (their candidates' frequencies added
up), kept if the respelled query finds more articles within the filters. Two rounds
whatever the number of words: every word's candidates in one, the respelled
query's count in the other."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import numpy as np

from ..engine.execute import Executor
from ..engine.filtermask import allowed as allowed_documents
from ..errors import QuerySyntaxError
from ..filters import Filters
from ..query import build_filter, parse_query
from ..suggest import best_candidate, respelled, spelling_candidates
from .tasks import Shard


class Coordinator(Protocol):
    """What this needs of search.ShardedIndex (not imported: it imports this)."""

    def _each(self, task: Any, *args: Any, shards: Any = None) -> Any: ...


def suggestion(ix: Coordinator, query: str, chosen: Filters, now: datetime | None,
               total: int) -> str | None:
    """The respelled query if it finds more than ``total`` articles, else None."""
    words: list[str] = []
    respelled(query, lambda word: words.append(word))  # the words it looks up, in order
    if not words:
        return None
    parts, _failures = ix._each(spellings_of, words)
    by_word = {w: best_candidate([parts[n][k] for n in sorted(parts)])
               for k, w in enumerate(words)}
    candidate = respelled(query, by_word.get)
    if candidate is None:
        return None
    counts, _failures = ix._each(count, candidate, chosen, now)
    if any(n is None for n in counts.values()):
        return None
    return candidate if sum(n or 0 for n in counts.values()) > total else None


def spellings_of(shard: Shard, words: list[str]
                 ) -> list[tuple[int, dict[str, int]] | None]:
    """Did-you-mean's candidates for each word in this shard
    (suggest.spelling_candidates)."""
    reader = shard._engine().searcher.reader()
    return [spelling_candidates(word, reader) for word in words]


def count(shard: Shard, query: str, chosen: Filters, now: datetime | None) -> int | None:
    """The shard's matches of ``query`` within the filters (None: it does not parse).
    Parsed as one index parses a did-you-mean candidate (at the current time)."""
    view = shard._engine()
    try:
        parsed = parse_query(query, view.searcher.reader())
    except QuerySyntaxError:
        return None
    allowed = allowed_documents(view, *build_filter(chosen, now=now))
    mask = Executor(view, scored=False).run(parsed.query).mask
    return int(np.count_nonzero(mask if allowed is None else mask & allowed))
