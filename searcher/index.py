"""The library's facade: open an index, search it, fetch articles, describe it.

``Index.search`` is the recipe a newcomer can read top to bottom: check the
arguments, parse the query (``query/``), the filters as allowed documents
(``engine/filtermask.py``), run the plan (``engine/execute.py``), take a page of
hits (``hits.py``), facets and did-you-mean. More-like-this is ``similar.py``.
Every public method returns plain dataclasses (models.py) built while the Whoosh
searcher is open; no Whoosh object escapes. Reading never blocks on a build: a
Whoosh searcher sees the last commit, and ``Index`` moves to the newest commit at
each call (a long-lived Index sees what a new process would).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar, cast

import numpy as np
from whoosh.searching import Searcher

from . import arguments, schema, search_steps
from ._whoosh.postings import SegmentDataError
from .arguments import DEFAULT_LIMIT, DEFAULT_TOP_TAGS, DateArg
from .articles import read_articles
from .copies import article_copies, largest_stories, view_stories
from .engine import facets as engine_facets
from .engine.cache import DEFAULT_CACHE_BYTES
from .engine.execute import Executor
from .engine.explain import explain_query
from .engine.scoring import K1 as BM25_K1
from .engine.scoring import B as BM25_B
from .engine.view import IndexView, new_cache, signature
from .errors import ArticleNotFoundError, IndexNotFoundError, SearcherError
from .filters import Filters
from .highlight import highlight_spans, keyword_phrases
from .hits import hits_of, page_hits, ranked
from .models import Article, ArticleView, Explanation, FacetCount, IndexStats, SearchResults
from .query import build_filter, parse_query
from .sanitize import unescape_controls
from .searchable import Searchable
from .similar import similar_hits
from .storage import IndexDir, NewestCommit, PinnedCommit, index_path
from .word_values import word_values

SUGGEST_BELOW = 3  # offer did-you-mean when a query finds fewer hits than this

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _reports_damage(method: _Method) -> _Method:
    """Segment bytes that do not decode mid-query (a damaged file the open did not
    touch) are IndexDamagedError, one line naming the index and the repair; files that
    vanish mid-call because the index was removed or replaced are what a new process
    would meet (IndexNotFoundError, or the call again on the new commit). The method
    keeps its own signature (for readers, ``help()`` and type checkers)."""

    @functools.wraps(method)
    def wrapper(self: Index, /, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except SegmentDataError as e:
            raise self._dir.damaged(str(e)) from e
        except (OSError, EOFError, ValueError, KeyError) as e:
            # The index removed or replaced under the call (its files went away while
            # read): what a new process would say, never a Whoosh traceback.
            if isinstance(e, SearcherError) or self._dir.commit_key() == self._newest.commit:
                raise
            if self._dir.commit_key() is None:
                raise IndexNotFoundError(str(self.path)) from e
            return method(self, *args, **kwargs)  # once more, on the newest commit

    return cast(_Method, wrapper)


class Index:
    """An open index. Use as a context manager, or call ``close()``."""

    def __init__(self, path: Path, *, pinned: bool = False) -> None:
        self.path = path
        self._dir = IndexDir(path)
        self._pinned = pinned
        self._newest = (PinnedCommit if pinned else NewestCommit)(self._dir, _weighting)
        self._view: IndexView | None = None
        mb = os.environ.get("SEARCHER_CACHE_MB", "")
        self._cache = new_cache(int(mb) * 2**20 if mb.isdigit() else DEFAULT_CACHE_BYTES)
        self._current()  # IndexNotFoundError, IndexDamagedError... now, not at first use

    def __enter__(self) -> Index:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._newest.close()
        self._view = None
        self._cache.clear()

    def pinned(self) -> Index:
        """Another Index on the commit that is newest now, which keeps to it whatever
        builds commit later (the parts of one long read, such as an export, agree);
        close it when done."""
        return Index(self.path, pinned=True)

    def _current(self) -> Searcher:
        """A searcher on the newest commit, what a new process would open (see
        storage.NewestCommit: a build elsewhere, a rebuild, a removed index)."""
        return self._newest.searcher()

    def _engine(self) -> IndexView:
        """The engine's arrays for the newest commit (rebuilt only when it changed)."""
        s = self._current()
        if self._view is None or self._view.searcher is not s or \
                self._view.key != signature(s):
            self._view = IndexView(s, self._cache)
        return self._view

    def __len__(self) -> int:
        return int(self._current().doc_count())

    @_reports_damage
    def get(self, article_id: str) -> Article:
        """The full article with this id (ArticleNotFoundError if there is none).

        An id with control characters is shown escaped (``sanitize.escape_controls``);
        that form is accepted too, so what a listing displays can be typed back."""
        s = self._current()
        stored = s.document(**{schema.ID: arguments.text("article_id", article_id)})
        if stored is None:
            unescaped = unescape_controls(article_id)
            if unescaped != article_id:
                stored = s.document(**{schema.ID: unescaped})
        if stored is None:
            raise ArticleNotFoundError(article_id)
        return schema.document_to_article(stored)

    @_reports_damage
    def articles(self, article_ids: Sequence[str]) -> list[Article | None]:
        """The articles with these ids (None: no such one), read in index order (articles.py)."""
        return read_articles(self._engine(), article_ids)

    @_reports_damage
    def explain(self, article_id: str, query: str) -> Explanation:
        """Why ``article_id`` scores what it does for ``query`` (``searcher explain``):
        each clause's score for it, the BM25F parts of every word (idf, each field's
        tf, length and weight, K1, boost), the clauses that did not match. The root's
        score is the article's score in ``search(query)``; a combining clause's is the
        sum of its children's (times its boost)."""
        article = self.get(article_id)  # ArticleNotFoundError, escaped ids
        s = self._current()
        docnum = s.document_number(**{schema.ID: article.id})
        parsed = parse_query(arguments.text("query", query), s.reader())
        root = explain_query(Executor(self._engine()), parsed.query, docnum)
        return replace(root, clause=query)

    @_reports_damage
    def show(self, article_id: str, query: str = "") -> ArticleView:
        """The full article, with ``query``'s terms located in its title and body
        (the body's first ``highlight.MAX_ANALYZED_CHARS`` characters)."""
        article = self.get(article_id)
        view = self._engine()
        docnum = view.searcher.document_number(**{schema.ID: article.id})
        copies = article_copies(view, self._stories(view), docnum)
        if not arguments.text("query", query).strip():
            return ArticleView(article, copies=copies)
        terms = parse_query(query, self._current().reader()).terms
        terms += keyword_phrases(terms)
        return ArticleView(
            article,
            highlight_spans(article.title, terms, field=schema.TITLE),
            highlight_spans(article.body, terms, field=schema.BODY),
            copies=copies,
        )

    def _stories(self, view: IndexView) -> Any:
        """The story groups of the view's commit (None: no story table)."""
        return view_stories(view, self.path, self._newest.generation)

    @_reports_damage
    def keyword_values(self, field: str, prefix: str = "", *,
                       limit: int | None = None) -> list[FacetCount]:
        """Every value of a keyword field (tags, authors, source) starting with ``prefix``
        (case-insensitive), with its number of live articles, most used first; the first
        ``limit`` of them when given (completion, the top tags)."""
        field = arguments.keyword_field(field)
        prefix = arguments.text("prefix", prefix)
        view = self._engine()
        folded_prefix = schema.normalize_keyword(prefix) if prefix.strip() else ""
        key = ("values", field, folded_prefix)  # per commit: completion asks per keystroke
        counts: list[tuple[str, int]] | None = view.memo.get(key)
        if counts is None:
            counts = engine_facets.keyword_counts(view, field, prefix=folded_prefix)
            view.memo[key] = counts
        chosen = counts if limit is None else counts[:arguments.count("limit", limit, 0)]
        shown = engine_facets.display_values(view, field, [t for t, _n in chosen])
        return [FacetCount(v, n) for v, (_t, n) in zip(shown, chosen, strict=True)]

    @_reports_damage
    def word_values(self, prefix: str, *, limit: int = 10) -> list[FacetCount]:
        """The search box's suggestions: index words completing ``prefix`` (word_values.py)."""
        return word_values(self._engine(), prefix, limit)

    @_reports_damage
    def search(
        self,
        query: str = "",
        *,
        filters: Filters | None = None,
        tags: str | Sequence[str] | None = (),
        any_tags: str | Sequence[str] | None = (),
        exclude_tags: str | Sequence[str] | None = (),
        since: DateArg = None,
        until: DateArg = None,
        author: str | None = None,
        source: str | None = None,
        sort: str = "relevance",
        limit: int = DEFAULT_LIMIT,
        page: int = 1,
        facets: bool = False,
        snippets: bool = True,
        expand: bool = False,
        collapse: bool = True,
        now: datetime | None = None,
    ) -> SearchResults:
        """Run ``query`` (the query language in README.md) with filters kept out of the score.

        ``filters`` (a :class:`~searcher.filters.Filters`) says which articles may
        match; the keywords ``tags`` ... ``source`` are the same fields given one by
        one (not both): ``tags`` must all be present, ``any_tags`` at least one,
        ``exclude_tags`` none; ``since``/``until`` are inclusive dates
        (``2020-10-01``, ``last week``...). ``sort`` is relevance, newest or oldest.
        ``total`` is exact. ``facets`` counts tags, authors, sources and dates over
        every match, not just this page.
        ``tags``/``any_tags``/``exclude_tags`` take one string or a list (None: none).
        ``snippets=False`` skips reading the bodies (``matched`` then covers the title
        and the tag/author/source values only).
        ``expand=True`` re-ranks the matches with words from the best of them (RM3
        pseudo-relevance feedback, engine/feedback.py; relevance order only): the
        matches and ``total`` stay the query's, a note names the words added.
        ``collapse`` (the default) shows one hit per story: of near-duplicate articles
        (a re-send, a correction, a shorter version: README, "Near-duplicate stories")
        only the best in the page's order, the others as its ``copies``; ``stories``
        counts distinct stories, ``total`` every matching article, facets articles too.
        Raises QuerySyntaxError for a query it cannot read, InvalidArgumentError for
        a wrong argument (type, range, a ``since``/``until`` that is not a date).
        """
        started = time.perf_counter()
        chosen = Filters.given(filters, tags=tags, any_tags=any_tags,
                               exclude_tags=exclude_tags, since=since, until=until,
                               author=author, source=source)
        query, sort, limit, page, now = arguments.check_search(
            query, sort=sort, limit=limit, page=page, now=now)
        view = self._engine()
        parsed, allowed, found, scores, column = search_steps.matches(view, query, chosen,
                                                                      sort, now)
        notes = parsed.notes
        if expand and scores is not None and not parsed.match_all:
            scores, note = search_steps.expanded(view, found, scores, parsed)
            notes += (note,) if note else ()
        by_story = search_steps.by_story(self._stories(view), found, scores, column,
                                         sort == "newest")
        shown = by_story.shown if collapse and by_story is not None else found
        hits = page_hits(view, shown, scores, column, sort == "newest", page, limit, parsed,
                         snippets, by_story if collapse else None)
        total = int(np.count_nonzero(found))
        facet_counts = engine_facets.compute_facets(view, found) if facets else None
        suggestion = None
        if total < SUGGEST_BELOW and not parsed.match_all \
                and (allowed is None or allowed.any()):
            suggestion = search_steps.suggestion(view, query, allowed, total)
        return SearchResults(query=query, total=total, hits=hits, page=page, limit=limit,
                             elapsed_ms=(time.perf_counter() - started) * 1000,
                             facets=facet_counts, suggestion=suggestion, notes=notes,
                             stories=None if by_story is None else by_story.stories,
                             collapsed=collapse and by_story is not None)

    def batches(self, query: str = "", *, filters: Filters | None = None,
                sort: str = "relevance", batch: int = arguments.MAX_LIMIT,
                now: datetime | None = None) -> Generator[SearchResults, None, None]:
        """Every match of the search in its order (copies not collapsed), ``batch``
        hits at a time, without snippets or facets (``export.Export``). The query runs
        and its matches are ordered once, on one commit (this index if ``pinned()``,
        else a pinned copy), and each batch reads only its own articles: an export
        of n matches costs one search and n hits, not one search per batch."""
        chosen = Filters.given(filters)
        query, sort, batch, _page, now = arguments.check_search(
            query, sort=sort, limit=batch, page=1, now=now)
        snapshot = self if self._pinned else self.pinned()
        try:
            started = time.perf_counter()
            view = snapshot._engine()
            parsed, _allowed, found, scores, column = search_steps.matches(
                view, query, chosen, sort, now)
            order = ranked(found, scores, column, sort == "newest", len(found))
            for first in range(0, max(len(order), 1), batch):
                hits = hits_of(view, order[first:first + batch],
                               scores if column is None else None, first, parsed, False)
                yield SearchResults(query=query, total=len(order), hits=hits,
                                    page=first // batch + 1, limit=batch,
                                    elapsed_ms=(time.perf_counter() - started) * 1000,
                                    notes=parsed.notes)
                started = time.perf_counter()
        finally:
            if snapshot is not self:
                snapshot.close()

    @_reports_damage
    def similar(self, article_id: str, *, limit: int = DEFAULT_LIMIT, page: int = 1,
                filters: Filters | None = None, tags: str | Sequence[str] | None = (),
                any_tags: str | Sequence[str] | None = (),
                exclude_tags: str | Sequence[str] | None = (), since: DateArg = None,
                until: DateArg = None, author: str | None = None,
                source: str | None = None) -> SearchResults:
        """Articles most like this one, best first: its most distinctive body terms
        (Bo1 key terms, minus words common across the index) as an OR query. Pages and
        filters as in :meth:`search`; ``total`` counts every similar article."""
        started = time.perf_counter()
        wanted = Filters.given(filters, tags=tags, any_tags=any_tags,
                               exclude_tags=exclude_tags, since=since, until=until,
                               author=author, source=source)
        args = arguments.check_search("", sort="relevance", limit=limit, page=page, now=None)
        article = self.get(article_id)
        total, hits = similar_hits(self._engine(), article, *build_filter(wanted),
                                   args.page, args.limit)
        return SearchResults(query=f"similar:{article.id}", total=total, hits=hits,
                             page=args.page, limit=args.limit,
                             elapsed_ms=(time.perf_counter() - started) * 1000)

    @_reports_damage
    def stats(self, top_tags: int = DEFAULT_TOP_TAGS) -> IndexStats:
        """Documents, date range, the most used tags, size and when it was built."""
        top_tags = arguments.count("top_tags", top_tags, 0)
        view = self._engine()
        documents = view.live_count
        dated, earliest, latest = engine_facets.date_range(view)
        built = self._dir.manifest(self._newest.generation)
        stories = self._stories(view)
        groups, grouped = stories.count(view.live) if stories is not None else (0, 0)
        return IndexStats(
            path=str(self.path), documents=documents, earliest=earliest, latest=latest,
            undated=documents - dated,
            top_tags=tuple(self.keyword_values(schema.TAGS, limit=top_tags)),
            index_bytes=self._dir.size_bytes(), last_build=built.built_at if built else None,
            story_groups=groups, grouped_articles=grouped,
            largest_stories=largest_stories(view, stories) if stories is not None else ())


def _weighting() -> Any:
    """Whoosh's own BM25F, which only serves key_terms (similar): the engine scores."""
    from whoosh import scoring

    return scoring.BM25F(B=BM25_B, K1=BM25_K1)


def open_index(path: str | os.PathLike[str] | None = None, *, scheduler: str | None = None,
               allow_partial: bool = False) -> Searchable:
    """Open the index at ``path`` (default ``$SEARCHER_INDEX`` or ``index/``); a sharded
    index (``searcher build --shards N``) opens as a ``cluster.search.ShardedIndex``:
    both are a :class:`~searcher.searchable.Searchable` (search, get, show, explain,
    stats, keyword_values, len); ``similar`` is one index's (``Index``) so far. On a
    sharded index, ``scheduler`` (default ``$SEARCHER_SCHEDULER``; ``tcp://HOST:PORT``)
    runs the shards' work on that Dask cluster's workers, and ``allow_partial``
    answers from the shards that answer (a note names the others) instead of raising
    ShardUnavailableError."""
    where = index_path(path)
    from .cluster.layout import read_layout

    layout = read_layout(where)
    if layout is not None:
        from .cluster.execution import runner_for
        from .cluster.search import ShardedIndex

        runner = runner_for(layout, Index, scheduler)
        return ShardedIndex(layout, runner, allow_partial=allow_partial)
    return Index(where)


def search(query: str = "", *, index: str | os.PathLike[str] | None = None,
           **options: Any) -> SearchResults:
    """One-shot search: open the index, run ``Index.search(query, **options)``, close."""
    with open_index(index) as ix:
        return ix.search(query, **options)
