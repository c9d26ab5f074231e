"""Search a sharded index with the answers of one index: two rounds over the shards.

Round one: every shard parses the query against its own words and reports the
collection statistics (documents, field lengths, document frequencies) of the words
its plan scores; summed, they are the whole collection's (a word a shard's plan
lacks occurs in none of its documents). Round two: every shard runs its plan scored
with those global statistics (``Executor(view, stats=...)``) and returns its best
``page * limit`` hits, its exact total and its facet counts; the coordinator merges
the hits by score (ties: article id), sums totals and counts. Runs in-process; Dask
execution is not done yet.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

import numpy as np

from .. import arguments, schema
from ..engine import facets as engine_facets
from ..engine.execute import Executor
from ..engine.filtermask import allowed as allowed_documents
from ..engine.stats import CollectionStats, TermKey
from ..engine.view import IndexView
from ..errors import ArticleNotFoundError, InvalidArgumentError
from ..filters import Filters
from ..hits import page_hits
from ..models import Article, FacetCount, Facets, Hit, SearchResults
from ..plan import AllOf, AnyOf, Exclude, Node, Phrase, RankBy, Word
from ..query import build_filter, parse_query
from .layout import ClusterLayout, shard_of

_KEYWORD_FIELDS = (schema.TAGS, schema.AUTHORS, schema.SOURCE)


class Shard(Protocol):
    """What a shard is to the coordinator (an ``index.Index``, not imported here:
    ``index.open_index`` opens a sharded index, so the import flows that way)."""

    def _engine(self) -> IndexView: ...
    def get(self, article_id: str) -> Article: ...
    def __len__(self) -> int: ...
    def close(self) -> None: ...


class ShardedIndex:
    """An open sharded index: ``search``, ``get`` and ``len`` as :class:`Index` has them."""

    def __init__(self, layout: ClusterLayout, shards: list[Shard]) -> None:
        self.path = layout.path
        self.layout = layout
        self.shards = shards  # index.Index of each shard (opened by index.open_index)

    def __enter__(self) -> ShardedIndex:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        for shard in self.shards:
            shard.close()

    def __len__(self) -> int:
        return sum(len(s) for s in self.shards)

    def get(self, article_id: str) -> Article:
        """The article with this id, from the shard that owns it."""
        article_id = arguments.text("article_id", article_id)
        try:
            return self.shards[shard_of(article_id, self.layout.shards)].get(article_id)
        except ArticleNotFoundError:
            # an id typed in its escaped display form routes elsewhere: ask every shard
            for shard in self.shards:
                try:
                    return shard.get(article_id)
                except ArticleNotFoundError:
                    continue
            raise

    def search(self, query: str = "", *, filters: Filters | None = None,
               sort: str = "relevance", limit: int = arguments.DEFAULT_LIMIT, page: int = 1,
               facets: bool = False, snippets: bool = True,
               now: datetime | None = None, **filter_options: Any) -> SearchResults:
        """As :meth:`Index.search` (relevance order; date sorts, ``expand`` and
        did-you-mean are not available on a sharded index yet)."""
        started = time.perf_counter()
        chosen = Filters.given(filters, **filter_options)
        query, sort, limit, page, now = arguments.check_search(
            query, sort=sort, limit=limit, page=page, now=now)
        if sort != "relevance":
            raise InvalidArgumentError("a sharded index sorts by relevance only (for now)")
        parsed = [_parse(s, query, now) for s in self.shards]
        stats = _summed([_stats(s, plan) for s, (plan, _n) in zip(self.shards, parsed,
                                                                    strict=True)])
        answers = [_answer(s, query, chosen, now, stats, page * limit, facets, snippets)
                   for s in self.shards]
        merged = sorted((h for a in answers for h in a.hits),
                        key=lambda h: (-(h.score or 0.0), h.id))
        first = (page - 1) * limit
        hits = tuple(replace(h, rank=first + n + 1)
                     for n, h in enumerate(merged[first:first + limit]))
        return SearchResults(
            query=query, total=sum(a.total for a in answers), hits=hits, page=page,
            limit=limit, elapsed_ms=(time.perf_counter() - started) * 1000,
            facets=self._facets(answers) if facets else None, notes=parsed[0][1])

    def _facets(self, answers: list[_Answer]) -> Facets:
        def top(field: str) -> tuple[FacetCount, ...]:
            counts: dict[str, int] = {}
            for a in answers:
                for value, n in a.keywords[field]:
                    counts[value] = counts.get(value, 0) + n
            best = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
            return tuple(FacetCount(self._display(field, v), n)
                         for v, n in best[:engine_facets.TOP_VALUES])

        months: dict[int, int] = {}
        for a in answers:
            for m, n in a.months.items():
                months[m] = months.get(m, 0) + n
        dates, unit = engine_facets.month_histogram(months)
        return Facets(tags=top(schema.TAGS), authors=top(schema.AUTHORS),
                      sources=top(schema.SOURCE), dates=tuple(dates), date_unit=unit)

    def _display(self, field: str, folded: str) -> str:
        """How the first shard holding a live article with the value spells it."""
        for shard in self.shards:
            view = shard._engine()
            postings = view.term(field, folded)
            if postings is not None and view.live[postings.ids].any():
                return engine_facets.display_values(view, field, [folded])[0]
        return folded


class _Answer:
    """One shard's round-two answer: its best hits, exact total and facet counts."""

    def __init__(self, total: int, hits: tuple[Hit, ...],
                 keywords: dict[str, list[tuple[str, int]]], months: dict[int, int]) -> None:
        self.total, self.hits, self.keywords, self.months = total, hits, keywords, months


def _parse(shard: Shard, query: str, now: datetime | None) -> tuple[Node, tuple[str, ...]]:
    parsed = parse_query(query, shard._engine().searcher.reader(), now=now)
    return parsed.query, parsed.notes


def _stats(shard: Shard, plan: Node) -> CollectionStats:
    """Round one: this shard's statistics for every word its plan may score."""
    return CollectionStats.of(shard._engine(), set(_term_keys(plan)))


def _summed(parts: list[CollectionStats]) -> CollectionStats:
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _term_keys(q: Node) -> Iterator[TermKey]:
    """Each word over its fields together and over each field alone (the executor
    scores a word one way or the other, by the fields' kinds): a superset is exact."""
    words: list[tuple[tuple[str, ...], str]] = []
    if isinstance(q, Word):
        words = [(q.fields, q.text)]
    elif isinstance(q, Phrase):
        words = [(q.fields, w) for w in q.words]
    elif isinstance(q, (AnyOf, AllOf)):
        for sub in q.children:
            yield from _term_keys(sub)
    elif isinstance(q, Exclude):
        yield from _term_keys(q.base)
    elif isinstance(q, RankBy):
        yield from _term_keys(q.required)
        yield from _term_keys(q.ranking)
    for fields, text in words:
        yield fields, text
        for f in fields:
            yield (f,), text


def _answer(shard: Shard, query: str, chosen: Filters, now: datetime | None,
            stats: CollectionStats, k: int, facets: bool, snippets: bool) -> _Answer:
    """Round two on one shard, scored with the global statistics."""
    view = shard._engine()
    parsed = parse_query(query, view.searcher.reader(), now=now)
    allowed = allowed_documents(view, *build_filter(chosen, now=now))
    matched = Executor(view, stats=stats).run(parsed.query)
    found = matched.mask if allowed is None else matched.mask & allowed
    best = _best(view, found, matched.score, k)
    hits = page_hits(view, best, matched.score, None, False, 1, k, parsed, snippets)
    keywords: dict[str, list[tuple[str, int]]] = {}
    months: dict[int, int] = {}
    if facets:
        keywords = {f: engine_facets.keyword_counts(view, f, found) for f in _KEYWORD_FIELDS}
        months = engine_facets.month_counts(view, found)
    return _Answer(int(np.count_nonzero(found)), hits, keywords, months)


def _best(view: Any, found: Any, scores: Any, k: int) -> Any:
    """The shard's ``k`` best documents by (score, article id) as a mask: the merge's
    order, so ties at the k-th score are decided by id here too (one index decides
    them by insertion order, which shards do not share). Reads the ids of the
    documents tied with the k-th score only."""
    docs = np.flatnonzero(found)
    if len(docs) <= k:
        return found
    kth = np.partition(scores[docs], len(docs) - k)[len(docs) - k]
    above = docs[scores[docs] > kth]
    tied = docs[scores[docs] == kth]
    ids = sorted((str(view.stored(int(d))[schema.ID]), int(d)) for d in tied)
    keep = np.concatenate([above, np.array([d for _i, d in ids[:k - len(above)]],
                                           np.int64)])
    mask = np.zeros_like(found)
    mask[keep] = True
    return mask

