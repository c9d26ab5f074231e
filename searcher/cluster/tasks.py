"""The work one shard does for a sharded search: plain functions of an open shard.

Each takes the shard first and plain, picklable values after it, and returns plain
data, so the same function runs in the coordinator's process (runner.LocalRunner)
or on the Dask worker that holds the shard open (dask_runner.DaskRunner).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from .. import schema
from ..articles import read_articles
from ..engine import facets as engine_facets
from ..engine.execute import Executor
from ..engine.explain import explain_query
from ..engine.filtermask import allowed as allowed_documents
from ..engine.stats import CollectionStats, TermKey
from ..engine.view import IndexView
from ..errors import ArticleNotFoundError
from ..filters import Filters
from ..hits import hits_of
from ..models import Article, ArticleView, Copy, Explanation, Hit, IndexStats
from ..plan import AllOf, AnyOf, Exclude, Node, Phrase, RankBy, Word
from ..query import ParsedQuery, build_filter, parse_query
from ..word_values import article_counts, candidates
from .stories import StorySource, collapsed, groups_of, live_sizes, members, story_counts

KEYWORD_FIELDS = (schema.TAGS, schema.AUTHORS, schema.SOURCE)
PARSES_KEPT = 64  # a shard's parsed queries kept per view: round one's for round two


class Shard(Protocol):
    """What a shard is to its tasks (an ``index.Index``, not imported here:
    ``index.open_index`` opens a sharded index, so the import flows that way)."""

    def _engine(self) -> IndexView: ...
    def get(self, article_id: str) -> Article: ...
    def show(self, article_id: str, query: str = "") -> ArticleView: ...
    def stats(self, top_tags: int = ...) -> IndexStats: ...
    def __len__(self) -> int: ...
    def close(self) -> None: ...


Version = tuple[tuple[str, int], ...]
"""What a shard's statistics depend on: its segments and their deletions
(``engine.view.signature``); equal versions, equal statistics for any word."""


@dataclass(frozen=True)
class Gathered:
    """A shard's round one: its statistics for the query's words, and its version."""

    stats: CollectionStats
    version: Version


@dataclass(frozen=True)
class Answer:
    """A shard's round two: its best ``(score or date key, article id)``, its exact
    total and facet counts (the hits themselves are made for the merged page only:
    :func:`hits`)."""

    total: int
    ranked: tuple[tuple[float, str], ...]
    keywords: dict[str, list[tuple[str, int]]]
    months: dict[int, int]
    version: Version  # of the shard it scored (the statistics must be of this version)
    notes: tuple[str, ...] = ()  # the parser's
    match_all: bool = False
    allows_any: bool = True  # the filters leave some article of the shard
    hits: tuple[Hit, ...] = ()  # of its best, made ahead (page one: merge.best_hits)
    # with the corpus's story table: the story group of each ranked entry (0: none),
    # and per group its number of matches in this shard (None: no table)
    groups: tuple[int, ...] = ()
    story_counts: dict[int, int] | None = None
    docnums: tuple[int, ...] = ()  # of each ranked entry in the shard's ``version``


def gather(shard: Shard, query: str, now: datetime | None,
           extra: Node | None = None) -> Gathered:
    """Round one: this shard's statistics for every word its plan (and ``extra``, the
    words an expansion adds) may score."""
    view = shard._engine()
    parsed = _parsed(view, query, now)
    keys = set(term_keys(parsed.query)) | set(() if extra is None else term_keys(extra))
    return Gathered(CollectionStats.of(view, keys), view.key)


def term_keys(q: Node) -> Iterator[TermKey]:
    """Each word over its fields together and over each field alone (the executor
    scores a word one way or the other, by the fields' kinds): a superset is exact."""
    words: list[tuple[tuple[str, ...], str]] = []
    if isinstance(q, Word):
        words = [(q.fields, q.text)]
    elif isinstance(q, Phrase):
        words = [(q.fields, w) for w in q.words]
    elif isinstance(q, (AnyOf, AllOf)):
        for sub in q.children:
            yield from term_keys(sub)
    elif isinstance(q, Exclude):
        yield from term_keys(q.base)
    elif isinstance(q, RankBy):
        yield from term_keys(q.required)
        yield from term_keys(q.ranking)
    for fields, text in words:
        yield fields, text
        for f in fields:
            yield (f,), text


def answer(shard: Shard, query: str | ParsedQuery, now: datetime | None,
           stats: CollectionStats,
           chosen: Filters, k: int, facets: bool, sort: str = "relevance",
           after: tuple[float, str] | None = None,
           story_table: StorySource | None = None, collapse: bool = False,
           extra: Node | None = None) -> Answer:
    """Round two: the shard's ``k`` best hits scored with the global statistics (or
    its ``k`` first by date, with their sort keys), in the merge's order (the hits
    themselves: :func:`hits`, or ``merge.best_hits`` in the same call). With
    ``after`` (the last ``(score or date key, id)`` an export took), the ``k`` best
    that come after it; the total still counts every match. With ``story_table``
    each story group's matches are counted, and with ``collapse`` only the best of
    each group is ranked (cluster/stories.py). ``extra`` (an expansion's words:
    cluster/expansion.py) adds its score to the matches' (relevance order)."""
    view = shard._engine()
    parsed = _parsed(view, query, now)
    allowed = allowed_documents(view, *build_filter(chosen, now=now))
    matched = Executor(view, stats=stats, scored=sort == "relevance").run(parsed.query)
    found = matched.mask if allowed is None else matched.mask & allowed
    score = matched.score
    if extra is not None and score is not None:
        added = Executor(view, stats=stats).run(extra).score
        assert added is not None  # scored
        score = score + np.where(found, added, 0.0)
    total = int(np.count_nonzero(found))
    keywords: dict[str, list[tuple[str, int]]] = {}
    months: dict[int, int] = {}
    if facets:
        keywords = {f: engine_facets.keyword_counts(view, f, found) for f in KEYWORD_FIELDS}
        months = engine_facets.month_counts(view, found)
    if after is not None:
        found = found & ~_taken(view, found, score if sort == "relevance"
                                else _sort_column(view, sort), after, sort)
    column = None if sort == "relevance" else _sort_column(view, sort)
    # larger is better: the score, or the date key (oldest: inverted, exactly)
    rank: Any = score if column is None else \
        column if sort == "newest" else np.iinfo(np.uint64).max - column
    group = None if story_table is None else groups_of(view, story_table)
    counts = None
    if group is not None:
        counts = story_counts(group, found)
        if collapse:
            found = collapsed(view, group, found, rank, k)
    best = np.flatnonzero(_best(view, found, rank, k))
    entries = [(float(rank[d]) if column is None else int(column[d]), _id(view, d), int(d))
               for d in best]
    entries.sort(key=merge_order(sort))
    ranked = tuple((value, article_id) for value, article_id, _d in entries)
    return Answer(total, ranked, keywords, months, view.key,
                  parsed.notes, parsed.match_all, allowed is None or bool(allowed.any()),
                  (), () if group is None else tuple(int(group[d]) for _v, _i, d in entries),
                  counts, tuple(d for _v, _i, d in entries))


def merge_order(sort: str) -> Callable[[tuple[Any, ...]], tuple[Any, str]]:
    """The key of ``(score or date key, article id, ...)`` in a sharded search's order:
    best score or newest first (oldest: smallest key first), ties by id."""
    if sort == "oldest":
        return lambda e: (e[0], e[1])
    return lambda e: (-e[0], e[1])


def _taken(view: IndexView, found: Any, keys: Any, after: tuple[float, str],
           sort: str) -> Any:
    """The documents of ``found`` at or before ``after`` in the merge's order (an
    export took them): a better key, or the same key and an id not after its id
    (ids are read for the documents tied with it only)."""
    value, last_id = after
    key = np.float64(value) if sort == "relevance" else np.uint64(value)
    better = keys < key if sort == "oldest" else keys > key
    taken = found & better
    for d in np.flatnonzero(found & (keys == key)):
        if _id(view, d) <= last_id:
            taken[d] = True
    return taken


def _parsed(view: IndexView, query: str | ParsedQuery, now: datetime | None) -> ParsedQuery:
    """The query parsed against this shard (a plan made elsewhere as it is: similar),
    kept for the view's next rounds of the same search (a parse depends only on the
    query, the time and the shard's words)."""
    if isinstance(query, ParsedQuery):
        return query
    kept: OrderedDict[tuple[str, datetime | None], ParsedQuery] = \
        view.memo.setdefault("parsed", OrderedDict())
    parsed = kept.get((query, now))
    if parsed is None:
        parsed = kept[query, now] = parse_query(query, view.searcher.reader(), now=now)
        while len(kept) > PARSES_KEPT:
            kept.popitem(last=False)
    return parsed


def _id(view: IndexView, docnum: Any) -> str:
    return str(view.stored(int(docnum))[schema.ID])


def hits(shard: Shard, query: str | ParsedQuery, now: datetime | None,
         wanted: list[tuple[float, str, int]], version: Version, sort: str,
         snippets: bool) -> tuple[Hit, ...]:
    """Round three: the hits (title, snippets, why matched) of the merged page's
    articles this shard ranked in round two, ``(score or date key, id, document)``
    with its scores (or date keys) from then; their document numbers hold while the
    shard is still at ``version``, else each id is looked up (an article a build
    removed meanwhile is left out)."""
    view = shard._engine()
    parsed = _parsed(view, query, now)
    if view.key == version:
        held = [(value, docnum) for value, _i, docnum in wanted]
    else:
        held = [(value, docnum) for value, article_id, _d in wanted
                if (docnum := view.searcher.document_number(**{schema.ID: article_id}))
                is not None]
    return _made(view, parsed, held, sort, snippets)


def _made(view: IndexView, parsed: ParsedQuery, chosen: list[tuple[float, int]],
          sort: str, snippets: bool) -> tuple[Hit, ...]:
    """The hits of these ``(score or date key, document)`` of this shard, in their
    order (the coordinator ranks them: merge.ranked_hits), scored with the scores
    given (a date order: none)."""
    if not chosen:
        return ()
    docnums = np.array([d for _v, d in chosen], np.int64)
    scores = {d: v for v, d in chosen} if sort == "relevance" else None
    return hits_of(view, docnums, scores, 0, parsed, snippets)


def _sort_column(view: IndexView, sort: str) -> Any:
    """The date column a sort reads (a shard with no dated article: every document
    holds the column's missing value, so its articles sort as undated ones)."""
    name = schema.NEWEST if sort == "newest" else schema.PUBLISHED
    column = view.column(name)
    if column is None:
        return np.full(view.n, view.column_missing(name), np.uint64)
    return column


def _best(view: Any, found: Any, scores: Any, k: int) -> Any:
    """The shard's ``k`` best documents by (score or date key, article id) as a mask:
    the merge's order, so ties at the k-th are decided by id here too (one index
    decides them by insertion order, which shards do not share). Reads the ids of the
    documents tied with the k-th only."""
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


def spellings(shard: Shard, wanted: dict[str, list[str]]) -> dict[str, list[str | None]]:
    """How this shard spells each folded keyword value of each field, None for a value
    no live article of it holds (the coordinator takes the first shard's that has one)."""
    view = shard._engine()
    found: dict[str, list[str | None]] = {}
    for field, folded in wanted.items():
        held = [v for v in folded
                if (p := view.term(field, v)) is not None and view.live[p.ids].any()]
        shown = dict(zip(held, engine_facets.display_values(view, field, held),
                         strict=True))
        found[field] = [shown.get(v) for v in folded]
    return found


def fetch(shard: Shard, article_id: str) -> Article | None:
    """The article with this id if this shard holds it."""
    try:
        return shard.get(article_id)
    except ArticleNotFoundError:
        return None


def fetch_many(shard: Shard, article_ids: list[str]) -> list[Article | None]:
    """The articles with these ids this shard holds (None for the others), read in
    the shard's document order."""
    return read_articles(shard._engine(), article_ids)


def word_candidates(shard: Shard, typed: str) -> dict[str, int]:
    """This shard's words starting with ``typed``, with their spelling frequencies."""
    return candidates(shard._engine(), typed)


def word_counts(shard: Shard, words: list[str]) -> dict[str, int]:
    """Per word (the first of each stem, in ``words``' order), this shard's live
    articles holding it in title or body."""
    return article_counts(shard._engine(), words)


def documents(shard: Shard) -> int:
    """The shard's live articles."""
    return len(shard)


def show(shard: Shard, article_id: str, query: str) -> ArticleView | None:
    """The article with this id and the query's terms located in it, if this shard
    holds it (the terms are this shard's: the article's words are all in it)."""
    try:
        return shard.show(article_id, query)
    except ArticleNotFoundError:
        return None


def explain(shard: Shard, article_id: str, query: str,
            stats: CollectionStats) -> Explanation | None:
    """Why the article scores what it does for ``query`` with the global statistics
    (as :meth:`Index.explain`), if this shard holds it."""
    try:
        article = shard.get(article_id)
    except ArticleNotFoundError:
        return None
    view = shard._engine()
    docnum = view.searcher.document_number(**{schema.ID: article.id})
    parsed = parse_query(query, view.searcher.reader())
    return replace(explain_query(Executor(view, stats=stats), parsed.query, docnum),
                   clause=query)


def story_copies(shard: Shard, query: str | ParsedQuery, now: datetime | None,
                 chosen: Filters, story_table: StorySource, wanted: list[int]
                 ) -> dict[int, tuple[Copy, ...]]:
    """Round three of a collapsed search: the matches of each wanted story group this
    shard holds, as copies (the first ``MAX_COPIES_LISTED + 1``, earliest first)."""
    view = shard._engine()
    group = groups_of(view, story_table)
    if group is None:
        return {}
    parsed = _parsed(view, query, now)
    allowed = allowed_documents(view, *build_filter(chosen, now=now))
    found = Executor(view, scored=False).run(parsed.query).mask
    return members(view, group, found if allowed is None else found & allowed, wanted)


def story_members(shard: Shard, story_table: StorySource, wanted: list[int],
                  limit: int | None) -> dict[int, tuple[Copy, ...]]:
    """The live articles of each wanted story group this shard holds, as copies,
    earliest first (the first ``limit``)."""
    view = shard._engine()
    group = groups_of(view, story_table)
    if group is None:
        return {}
    return {g: c[:limit] for g, c in members(view, group, view.live, wanted, None).items()}


def story_sizes(shard: Shard, story_table: StorySource) -> dict[int, int] | None:
    """Each story group's live articles in this shard (None: no story table)."""
    view = shard._engine()
    group = groups_of(view, story_table)
    return None if group is None else live_sizes(view, group)


def describe(shard: Shard) -> IndexStats:
    """The shard's documents, date range, size and last build (no tags: counted apart)."""
    return shard.stats(top_tags=0)


def keyword_counts(shard: Shard, field: str, folded_prefix: str) -> list[tuple[str, int]]:
    """(folded value, live articles) of every value of ``field`` with this prefix."""
    return engine_facets.keyword_counts(shard._engine(), field, prefix=folded_prefix)
