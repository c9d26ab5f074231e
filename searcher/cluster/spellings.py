"""Keyword values on a sharded index as one index shows them: counts summed over the
shards, each folded value spelled as the first shard holding a live article with it
spells it (facets, ``keyword_values``)."""

from __future__ import annotations

from typing import Any, Protocol

from .. import schema
from ..engine import facets as engine_facets
from ..models import FacetCount, Facets
from . import tasks
from .merge import summed, summed_months


class Coordinator(Protocol):
    """What this needs of search.ShardedIndex (not imported: it imports this)."""

    def _each(self, task: Any, *args: Any, shards: Any = None) -> Any: ...


def merged_facets(ix: Coordinator, answers: list[tasks.Answer]) -> Facets:
    """The facets of a search from the shards' counts."""
    tops = {f: summed([a.keywords[f] for a in answers])[:engine_facets.TOP_VALUES]
            for f in tasks.KEYWORD_FIELDS}
    shown = spelled(ix, {f: [v for v, _n in top] for f, top in tops.items()})

    def top(field: str) -> tuple[FacetCount, ...]:
        return tuple(FacetCount(s, n) for s, (_v, n) in
                     zip(shown[field], tops[field], strict=True))

    dates, unit = engine_facets.month_histogram(summed_months([a.months for a in answers]))
    return Facets(tags=top(schema.TAGS), authors=top(schema.AUTHORS),
                  sources=top(schema.SOURCE), dates=tuple(dates), date_unit=unit)


def spelled(ix: Coordinator, wanted: dict[str, list[str]]) -> dict[str, list[str]]:
    """How the first shard holding a live article with each value spells it."""
    if not any(wanted.values()):
        return {f: [] for f in wanted}
    found, _failures = ix._each(tasks.spellings, wanted)
    shown: dict[str, list[str]] = {}
    for field, folded in wanted.items():
        shown[field] = []
        for i, value in enumerate(folded):
            spelled = [s for n in sorted(found) if (s := found[n][field][i]) is not None]
            shown[field].append(spelled[0] if spelled else value)
    return shown
