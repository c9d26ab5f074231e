"""Search a sharded index with the answers of one index: two rounds over the shards.

Round one: every shard parses the query against its own words and reports the
collection statistics (documents, field lengths, document frequencies) of the words
its plan scores; summed, they are the whole collection's (a word a shard's plan
lacks occurs in none of its documents). They change only when a shard's segments
do, so the coordinator keeps them per query with the shards' versions
(``STATS_CACHED`` queries) and skips round one for a query it has seen (and for a
date order, which scores nothing): round two reports each shard's version, and a
shard that changed since sends the search through round one again. Round two: every
shard runs its plan scored with those global statistics (``Executor(view,
stats=...)``) and returns the scores and ids of its best ``page * limit``, its exact
total and its facet counts; the coordinator merges them by score (ties: article id)
and sums totals and counts. Hits (titles, snippets, why matched) are made for the
page only, by round three on the shards holding them; on Dask each worker makes those
of the few best of its shards in round two already on page one (``merge.best_hits``:
most often the page's, so no third round trip). The shard work (tasks.py) runs where the runner
puts it: this process, or Dask workers.

A shard that does not answer is an error naming it (ShardUnavailableError), or with
``allow_partial`` an answer from the other shards with a note naming the missing
ones (the statistics are then those of the shards that answered).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Generator, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from .. import arguments, schema
from ..engine.stats import CollectionStats
from ..errors import ArticleNotFoundError, ShardUnavailableError
from ..filters import Filters
from ..models import (
    Article,
    ArticleView,
    Explanation,
    FacetCount,
    Hit,
    IndexStats,
    SearchResults,
)
from ..query import ParsedQuery
from ..word_values import COUNTED_PER_SHOWN, best, ranked, typed_word
from . import cursor, similar, suggestions, tasks
from .expansion import expansion
from .layout import ClusterLayout, generation_path, manifest_key, read_layout, shard_of
from .merge import (
    added_up,
    best_hits,
    merged_page,
    ranked_hits,
    same_versions,
    summed,
)
from .runner import Finish, PerShard, ShardFailure, ShardRunner
from .spellings import merged_facets, spelled
from .stories import StorySource, distinct
from .story_search import story_stats, with_article_copies, with_copies

SUGGEST_BELOW = 3  # as index.SUGGEST_BELOW: did-you-mean below this many matches
VERSION_ATTEMPTS = 3  # round one again when a build changed a shard between the rounds
STATS_CACHED = 4096  # queries whose merged statistics the coordinator keeps (a few KB each)

T = TypeVar("T")

UNSCORED = CollectionStats(0, {})  # round two's statistics where nothing is scored


class ShardedIndex:
    """An open sharded index: a :class:`~searcher.searchable.Searchable`, as
    :class:`~searcher.index.Index` is (search, get, show, explain, stats...)."""

    def __init__(self, layout: ClusterLayout, runner: ShardRunner, *,
                 allow_partial: bool = False) -> None:
        self.path = layout.path
        self.layout = layout
        self.runner = runner
        self.allow_partial = allow_partial
        self._manifest = manifest_key(layout.path)
        # query: (each shard's version, the statistics summed over them), newest last
        self._stats: OrderedDict[str, tuple[dict[int, tasks.Version], CollectionStats]] = \
            OrderedDict()

    def __enter__(self) -> ShardedIndex:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.runner.close()

    def _each(self, task: Callable[..., T], *args: Any, shards: Sequence[int] | None = None,
              finish: Finish | None = None) -> tuple[dict[int, T], list[ShardFailure]]:
        """``task`` on every shard (or ``shards``; then ``finish``: runner.Finish): the
        answers by shard number, and the failures (ShardUnavailableError for the first
        unless ``allow_partial``)."""
        self._follow()
        chosen = list(range(self.layout.shards)) if shards is None else list(shards)
        answers: dict[int, T] = {}
        failures: list[ShardFailure] = []
        for n, outcome in zip(chosen, self.runner.run(task, chosen, *args, finish=finish),
                              strict=True):
            if isinstance(outcome, ShardFailure):
                failures.append(outcome)
            else:
                answers[n] = outcome
        if failures and not (self.allow_partial and answers):
            raise ShardUnavailableError(str(self.path), self._name(failures[0].shard),
                                        failures[0].reason)
        return answers, failures

    def _follow(self) -> None:
        """Search the generation ``cluster.json`` names now (a build made another one
        current): a stat when nothing changed."""
        key = manifest_key(self.path)
        if key == self._manifest or key is None:
            return
        self._manifest = key
        layout = read_layout(self.path)
        if layout is not None and layout != self.layout:
            self.layout = layout
            self.runner.switch(layout)

    def _name(self, n: int) -> str:
        return self.layout.shard_path(n).name

    def _partial_note(self, failures: list[ShardFailure]) -> tuple[str, ...]:
        if not failures:
            return ()
        missing = ", ".join(f"{self._name(f.shard)} ({f.reason})" for f in failures)
        answered = self.layout.shards - len(failures)
        return (f"Partial results: from {answered} of {self.layout.shards} shards; "
                f"did not answer: {missing}.",)

    def __len__(self) -> int:
        counts, _failures = self._each(tasks.documents)
        return sum(counts.values())

    def _owned(self, task: Callable[..., T | None], article_id: str, *args: Any) -> T:
        """``task`` on the shard that owns ``article_id``; an id typed in its escaped
        display form routes elsewhere, so then every shard is asked."""
        article_id = arguments.text("article_id", article_id)
        owner = shard_of(article_id, self.layout.shards)
        found, failures = self._each(task, article_id, *args, shards=[owner])
        answer = found.get(owner)
        if answer is not None:
            return answer
        found, failures = self._each(task, article_id, *args)
        for n in sorted(found):
            answer = found[n]
            if answer is not None:
                return answer
        if failures:
            raise ShardUnavailableError(str(self.path), self._name(failures[0].shard),
                                        failures[0].reason)
        raise ArticleNotFoundError(article_id)

    def get(self, article_id: str) -> Article:
        """The article with this id, from the shard that owns it."""
        return self._owned(tasks.fetch, article_id)

    def articles(self, article_ids: Sequence[str]) -> list[Article | None]:
        """As :meth:`Index.articles`: each shard reads the ids routed to it."""
        ids = [arguments.text("article_id", i) for i in article_ids]
        owners = [shard_of(i, self.layout.shards) for i in ids]
        found: list[Article | None] = [None] * len(ids)
        for n in sorted(set(owners)):
            mine = [k for k, owner in enumerate(owners) if owner == n]
            read, _failures = self._each(tasks.fetch_many, [ids[k] for k in mine], shards=[n])
            for k, article in zip(mine, read[n], strict=True):
                found[k] = article
        return found

    def show(self, article_id: str, query: str = "") -> ArticleView:
        """As :meth:`Index.show`, on the shard that owns the article; its story's other
        articles from every shard."""
        view = self._owned(tasks.show, article_id, arguments.text("query", query))
        return with_article_copies(self, view, self._story_table())

    def explain(self, article_id: str, query: str) -> Explanation:
        """As :meth:`Index.explain`: on the shard that owns the article, scored with
        the whole collection's statistics for the query (round one of a search)."""
        query = arguments.text("query", query)
        stats = self._collection_stats(query, None)[1]
        return self._owned(tasks.explain, article_id, query, stats)

    def _collection_stats(self, query: str, now: datetime | None
                          ) -> tuple[dict[int, tasks.Version], CollectionStats,
                                     list[ShardFailure]]:
        """Round one: the query's statistics summed over the shards that answered,
        and each one's version (kept for the query when every shard answered)."""
        gathered, failed = self._each(tasks.gather, query, now)
        parts = [g.stats for _n, g in sorted(gathered.items())]
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        versions = {n: g.version for n, g in gathered.items()}
        if not failed:
            self._stats[query] = (versions, total)
            self._stats.move_to_end(query)
            while len(self._stats) > STATS_CACHED:
                self._stats.popitem(last=False)
        return versions, total, failed

    def _scored(self, query: str, now: datetime | None, *args: Any,
                finish: Finish | None = None
                ) -> tuple[dict[int, tasks.Answer], list[ShardFailure]]:
        """Rounds one and two: every shard's best, scored with the whole collection's
        statistics of the versions the shards scored (kept statistics when every
        shard still has the versions they were summed over; else round one first,
        and again if a build changed a shard between the rounds)."""
        if args[3] != "relevance":  # a date order scores nothing: no statistics needed
            return self._each(tasks.answer, query, now, UNSCORED, *args, finish=finish)
        kept = self._stats.get(query)
        if kept is not None:
            found, failed = self._each(tasks.answer, query, now, kept[1], *args,
                                       finish=finish)
            if not failed and same_versions(found, kept[0]):
                self._stats.move_to_end(query)
                return found, failed
            del self._stats[query]
        for _attempt in range(VERSION_ATTEMPTS):
            versions, stats, failed = self._collection_stats(query, now)
            found, more = self._each(tasks.answer, query, now, stats, *args,
                                     shards=sorted(versions), finish=finish)
            if same_versions(found, versions):
                break
        return found, failed + more

    def stats(self, top_tags: int = arguments.DEFAULT_TOP_TAGS) -> IndexStats:
        """As :meth:`Index.stats`: documents and sizes summed, the date range and the
        last build over every shard, the top tags counted over all of them."""
        top_tags = arguments.count("top_tags", top_tags, 0)
        parts, _failures = self._each(tasks.describe)
        earliest = [p.earliest for p in parts.values() if p.earliest is not None]
        latest = [p.latest for p in parts.values() if p.latest is not None]
        built = [p.last_build for p in parts.values() if p.last_build is not None]
        return IndexStats(
            path=str(self.path), documents=sum(p.documents for p in parts.values()),
            earliest=min(earliest, default=None), latest=max(latest, default=None),
            undated=sum(p.undated for p in parts.values()),
            top_tags=tuple(self.keyword_values(schema.TAGS, limit=top_tags)),
            index_bytes=sum(p.index_bytes for p in parts.values()),
            last_build=max(built, default=None),
            **story_stats(self, self._story_table()))

    def _story_table(self) -> StorySource | None:
        """Where the current generation's story table is (None: an index written
        before generations, which has none across shards)."""
        self._follow()
        if not self.layout.generation:
            return None
        return str(generation_path(self.path, self.layout.generation)), self.layout.generation

    def keyword_values(self, field: str, prefix: str = "", *,
                       limit: int | None = None) -> list[FacetCount]:
        """As :meth:`Index.keyword_values`: counts summed over the shards."""
        field = arguments.keyword_field(field)
        prefix = arguments.text("prefix", prefix)
        folded = schema.normalize_keyword(prefix) if prefix.strip() else ""
        parts, _failures = self._each(tasks.keyword_counts, field, folded)
        counts = summed([parts[n] for n in sorted(parts)])
        if limit is not None:
            counts = counts[:arguments.count("limit", limit, 0)]
        shown = spelled(self, {field: [v for v, _n in counts]})[field]
        return [FacetCount(v, n) for v, (_t, n) in zip(shown, counts, strict=True)]

    def word_values(self, prefix: str, *, limit: int = 10) -> list[FacetCount]:
        """As :meth:`Index.word_values`: the candidates' frequencies summed over the
        shards rank them, and the best are counted on every shard and summed."""
        limit = arguments.count("limit", limit, 0)
        typed = typed_word(arguments.text("prefix", prefix))
        found, _failures = self._each(tasks.word_candidates, typed)
        chosen = best(added_up(found.values()), limit * COUNTED_PER_SHOWN)
        counts, _failures = self._each(tasks.word_counts, chosen)
        return [FacetCount(w, n) for w, n in ranked(added_up(counts.values()), limit)]

    def search(self, query: str = "", *, filters: Filters | None = None,
               sort: str = "relevance", limit: int = arguments.DEFAULT_LIMIT, page: int = 1,
               facets: bool = False, snippets: bool = True, expand: bool = False,
               collapse: bool = True, now: datetime | None = None,
               **filter_options: Any) -> SearchResults:
        """As :meth:`Index.search` (``expand``: cluster/expansion.py). Equal scores (and
        equal dates) rank by article id: one index ranks them in the order it added
        them; so does the copy shown for a story whose best copies tie, and the best
        matches an expansion reads when they tie at its tenth."""
        started = time.perf_counter()
        chosen = Filters.given(filters, **filter_options)
        query, sort, limit, page, now = arguments.check_search(
            query, sort=sort, limit=limit, page=page, now=now)
        table = self._story_table()
        ahead = self._ahead(query, now, limit, page, sort, snippets, collapse)
        args = (chosen, page * limit, facets, sort, None, table, collapse)
        expanded = expansion(self, query, now, chosen) if expand and sort == "relevance" \
            else None
        if expanded is None:
            found, failed = self._scored(query, now, *args, finish=ahead)
        else:  # round two with the expansion's words and their statistics
            found, failed = self._each(tasks.answer, query, now, expanded.stats, *args,
                                       expanded.extra, finish=ahead)
        answers = [found[n] for n in sorted(found)]
        counts = None if any(a.story_counts is None for a in answers) else \
            added_up(a.story_counts or {} for a in answers)
        collapsed = collapse and counts is not None
        hits, lost = self._page(query, now, found, sort, (page - 1) * limit, limit, snippets,
                                collapsed)
        if collapsed and counts is not None and table is not None:
            hits, more = with_copies(self, hits, found, counts, query, now, chosen, table)
            lost += more
        notes = answers[0].notes
        if expanded is not None and expanded.note:
            notes += (expanded.note,)
        notes += self._partial_note(failed + lost)
        total = sum(a.total for a in answers)
        suggestion = None
        if total < SUGGEST_BELOW and not answers[0].match_all \
                and any(a.allows_any for a in answers):
            suggestion = suggestions.suggestion(self, query, chosen, now, total)
        return SearchResults(
            query=query, total=total, hits=hits, page=page, limit=limit,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            facets=merged_facets(self, answers) if facets else None, suggestion=suggestion,
            notes=notes, stories=None if counts is None else distinct(total, counts),
            collapsed=collapsed)

    def _ahead(self, query: str | ParsedQuery, now: datetime | None, limit: int, page: int,
               sort: str, snippets: bool, collapse: bool) -> Finish | None:
        """Round two's finish on page one of a remote runner, where round three is a
        round trip: the hits of the best of the shards each worker runs, made in the
        same call (merge.best_hits); else none (in this process a shard's extra hits
        were most of a search's time)."""
        if page != 1 or not self.runner.remote:
            return None
        return (best_hits, limit, self.layout.shards, query, now, sort, snippets, collapse)

    def _page(self, query: str | ParsedQuery, now: datetime | None,
              found: dict[int, tasks.Answer], sort: str, first: int, limit: int,
              snippets: bool, collapse: bool = False
              ) -> tuple[tuple[Hit, ...], list[ShardFailure]]:
        """The merged page's hits (the first of each story with ``collapse``): those the
        shards made in round two, the others made now by the shards holding them
        (round three)."""
        chosen_page = merged_page(found, sort, first, limit, collapse)
        ready = {h.id for a in found.values() for h in a.hits}
        missing = [(v, i, n) for v, i, n in chosen_page if i not in ready]
        made, lost = self._hits(query, now, found, missing, sort, snippets)
        return ranked_hits(chosen_page, [a.hits for _n, a in sorted(found.items())] +
                           [made[n] for n in sorted(made)], first), lost

    def _hits(self, query: str | ParsedQuery, now: datetime | None,
              found: dict[int, tasks.Answer], wanted: list[tuple[float, str, int]],
              sort: str, snippets: bool
              ) -> tuple[dict[int, tuple[Hit, ...]], list[ShardFailure]]:
        """Round three: the hits of ``wanted`` ``(value, id, shard)`` (ranked in round
        two, ``found``), each shard asked for its own, by document number."""
        if not wanted:
            return {}, []
        docnum = {i: d for a in found.values()
                  for (_v, i), d in zip(a.ranked, a.docnums, strict=True)}
        mine: dict[int, list[tuple[float, str, int]]] = {}
        for v, i, n in wanted:
            mine.setdefault(n, []).append((v, i, docnum[i]))
        return self._each(tasks.hits, query, now, PerShard(mine),
                          PerShard({n: found[n].version for n in mine}), sort, snippets,
                          shards=sorted(mine))

    def similar(self, article_id: str, *, limit: int = arguments.DEFAULT_LIMIT,
                page: int = 1, filters: Filters | None = None,
                **filter_options: Any) -> SearchResults:
        """As :meth:`Index.similar`: the article's key terms chosen from the whole
        collection's counts (cluster/similar.py), run on every shard with its
        statistics; equal scores rank by article id."""
        started = time.perf_counter()
        chosen = Filters.given(filters, **filter_options)
        _q, _s, limit, page, _now = arguments.check_search(
            "", sort="relevance", limit=limit, page=page, now=None)
        article = self.get(article_id)
        counted, failed = self._each(similar.word_counts, similar.article_text(article))
        terms, stats = similar.key_terms([counted[n] for n in sorted(counted)])
        query = f"similar:{article.id}"
        if not terms:
            return SearchResults(query=query, total=0, hits=(), page=page, limit=limit,
                                 elapsed_ms=(time.perf_counter() - started) * 1000)
        parsed = similar.similar_query(article, terms)
        found, more = self._each(tasks.answer, parsed, None, stats, chosen, page * limit,
                                 False, "relevance", shards=sorted(counted),
                                 finish=self._ahead(parsed, None, limit, page, "relevance",
                                                    True, False))
        hits, lost = self._page(parsed, None, found, "relevance", (page - 1) * limit, limit,
                                True)
        return SearchResults(query=query, total=sum(a.total for a in found.values()), hits=hits,
                             page=page, limit=limit,
                             elapsed_ms=(time.perf_counter() - started) * 1000,
                             notes=self._partial_note(failed + more + lost))

    def batches(self, query: str = "", *, filters: Filters | None = None,
                sort: str = "relevance", batch: int = arguments.MAX_LIMIT,
                now: datetime | None = None) -> Generator[SearchResults, None, None]:
        """Every match of the search in its order, ``batch`` hits at a time, without
        snippets or facets (``export.Export`` on a sharded index): cursor.py."""
        return cursor.batches(self, query, filters=filters, sort=sort, batch=batch, now=now)
