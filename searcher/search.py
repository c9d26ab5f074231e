"""The library's read side: open an index, search it, fetch articles, describe it.

Every public method returns plain dataclasses (models.py) built while the Whoosh
searcher is open; no Whoosh object escapes. Reading never blocks on a build: a
Whoosh searcher sees the last commit, and ``Index`` refreshes to the newest
commit at each call.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from whoosh import collectors, scoring
from whoosh import query as wq
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from . import arguments, schema
from .arguments import DEFAULT_LIMIT, DEFAULT_TOP_TAGS, DateArg
from .errors import ArticleNotFoundError
from .facets import compute_facets, display_value, matching_docs
from .highlight import (
    MAX_ANALYZED_CHARS,
    highlight_spans,
    keyword_phrases,
    surface_words,
    why_matched,
)
from .models import Article, ArticleView, FacetCount, Hit, IndexStats, QueryTerm, SearchResults
from .passages import make_snippets
from .query import ParsedQuery, build_filter, parse_query
from .sanitize import unescape_controls
from .storage import IndexDir, index_path
from .suggest import suggest_query

# More-like-this: the best SIMILAR_TERMS of SIMILAR_CANDIDATES key terms, leaving out
# words in more than SIMILAR_MAX_DF of articles (they make the OR slow and vague).
# WHOOSH-NOTES 10: Whoosh's default of 5 terms finds too little.
SIMILAR_CANDIDATES = 40
SIMILAR_TERMS = 15
SIMILAR_MAX_DF = 0.02
SUGGEST_BELOW = 3  # offer did-you-mean when a query finds fewer hits than this
# BM25F parameters (bench/eval.py tunes them on Cranfield, CISI and NFCorpus).
BM25_B = 0.75
BM25_K1 = 1.6  # 1.2 (Whoosh's default) -> 1.6: +0.001 mean, CISI and NFCorpus up


class Index:
    """An open index. Use as a context manager, or call ``close()``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._dir = IndexDir(path)
        self._ix = self._dir.open()
        self._searcher: Searcher | None = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _current(self) -> Searcher:
        """A searcher on the newest commit (cheap when nothing changed)."""
        current = self._searcher
        if current is not None and current.reader().segments() is not None:
            self._searcher = current.refresh()
            return self._searcher
        # First call, or an empty index: Whoosh's EmptyReader has no segments to reuse
        # and its refresh() raises TypeError, so open a new searcher (cheap when empty).
        if current is not None:
            current.close()
        self._searcher = self._ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
        return self._searcher

    def __len__(self) -> int:
        return int(self._current().doc_count())

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

    def show(self, article_id: str, query: str = "") -> ArticleView:
        """The full article, with ``query``'s terms located in its title and body
        (the body's first ``highlight.MAX_ANALYZED_CHARS`` characters)."""
        article = self.get(article_id)
        if not arguments.text("query", query).strip():
            return ArticleView(article)
        terms = parse_query(query, self._current().reader()).terms
        terms += keyword_phrases(terms)
        return ArticleView(
            article,
            highlight_spans(article.title, terms, field=schema.TITLE),
            highlight_spans(article.body, terms, field=schema.BODY),
        )

    def keyword_values(self, field: str, prefix: str = "") -> list[FacetCount]:
        """Every value of a keyword field (tags, authors, source) starting with ``prefix``
        (case-insensitive), with its number of articles, most used first."""
        field = arguments.keyword_field(field)
        prefix = arguments.text("prefix", prefix)
        s = self._current()
        reader = s.reader()
        folded_prefix = schema.normalize_keyword(prefix) if prefix.strip() else ""
        counts: list[tuple[str, int]] = []
        for term in reader.expand_prefix(field, folded_prefix):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            n = reader.doc_frequency(field, text)
            if n:
                counts.append((text, n))
        counts.sort(key=lambda tc: (-tc[1], tc[0]))
        return [FacetCount(display_value(s, field, t), n) for t, n in counts]

    def search(
        self,
        query: str = "",
        *,
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
        now: datetime | None = None,
    ) -> SearchResults:
        """Run ``query`` (the query language in README.md) with filters kept out of the score.

        ``tags`` must all be present, ``any_tags`` at least one, ``exclude_tags`` none;
        ``since``/``until`` are inclusive dates (``2020-10-01``, ``last week``...).
        ``sort`` is relevance, newest or oldest. ``total`` is exact. ``facets`` counts
        tags, authors, sources and dates over every match, not just this page.
        ``tags``/``any_tags``/``exclude_tags`` take one string or a list (None: none).
        ``snippets=False`` skips reading the bodies (``matched`` then covers the title
        and the tag/author/source values only).
        Raises QuerySyntaxError for a query it cannot read, InvalidArgumentError for
        a wrong argument (type, range, a ``since``/``until`` that is not a date).
        """
        started = time.perf_counter()
        (query, tags, any_tags, exclude_tags, since, until, author, source, sort, limit, page,
         now) = arguments.check_search(
            query, tags=tags, any_tags=any_tags, exclude_tags=exclude_tags, since=since,
            until=until, author=author, source=source, sort=sort, limit=limit, page=page,
            now=now)
        s = self._current()
        parsed = parse_query(query, s.reader(), now=now)
        filt, mask = build_filter(tags=tags, any_tags=any_tags, exclude_tags=exclude_tags,
                                  since=since, until=until, author=author, source=source,
                                  now=now)
        sortedby, reverse = {"relevance": (None, False), "newest": (schema.NEWEST, True),
                             "oldest": (schema.PUBLISHED, False)}[sort]
        if sortedby is not None and not s.reader().has_column(sortedby):
            sortedby = None  # nothing in the index is dated: every key ties
        # The exact matches first, as set operations on posting lists (query_docs), then
        # Whoosh ranks within them. Whoosh alone is slower: len(results) runs the whole
        # query again, and a date filter is an OR of hundreds of trie terms.
        matched = matching_docs(s, parsed.query, filt, mask)
        total = len(matched)
        hits: tuple[Hit, ...] = ()
        if matched:  # (Whoosh reads an empty filter set as "no filter")
            ranked = rank_query(parsed.query)
            if sortedby is None and page * limit < s.doc_count() and _has_and(ranked):
                # Score every match: Whoosh's top-N pruning (matcher.replace() against the
                # heap's lowest score) goes wrong under an AND: an AndMaybe it builds loses
                # its optional score after skip_to(), and an AND whose side drops out turns
                # into the other side. `offer AND share` lost its best article, `sales car`
                # its 7th. Queries without an AND pruned right in 900 of 900: kept.
                collector = collectors.FilterCollector(
                    collectors.TopCollector(page * limit, usequality=False, replace=0),
                    matched, None)
                s.search_with_collector(ranked, collector)
                results = collector.results()
            else:
                results = s.search(ranked, limit=page * limit, filter=matched,
                                   sortedby=sortedby, reverse=reverse, terms=False)
            first = (page - 1) * limit
            hits = tuple(self._hit(s, results[i], i + 1, parsed, snippets,
                                   scored=sortedby is None)
                         for i in range(first, min(first + limit, results.scored_length())))
        facet_counts = compute_facets(s, parsed.query, filt, mask, docs=matched) \
            if facets else None
        suggestion = None
        if total < SUGGEST_BELOW and not parsed.match_all:
            allowed = None if filt is None and mask is None else matching_docs(
                s, wq.Every(), filt, mask)
            if allowed is None or allowed:
                suggestion = suggest_query(query, s, allowed, None, better_than=total)
        return SearchResults(query=query, total=total, hits=hits, page=page, limit=limit,
                             elapsed_ms=(time.perf_counter() - started) * 1000,
                             facets=facet_counts, suggestion=suggestion, notes=parsed.notes)

    def _hit(self, s: Searcher, hit: Any, rank: int, parsed: ParsedQuery,
             with_snippets: bool, *, scored: bool = True) -> Hit:
        stored = hit.fields()
        article = schema.document_to_article(stored)
        terms = parsed.terms + keyword_phrases(parsed.terms)  # what to highlight
        return Hit(
            id=article.id,
            title=article.title,
            published=article.published,
            tags=article.tags,
            authors=article.authors,
            source=article.source,
            url=article.url,
            path=article.path,
            # A sorted search's "score" is the sort key: no relevance to show.
            score=float(hit.score) if hit.score is not None and scored else None,
            rank=rank,
            title_highlights=highlight_spans(article.title, terms, field=schema.TITLE),
            snippets=make_snippets(article.body, terms, field=schema.BODY)
            if with_snippets else (),
            matched=why_matched(article, parsed.terms, body=with_snippets),
        )

    def similar(self, article_id: str, *, limit: int = DEFAULT_LIMIT, page: int = 1,
                tags: str | Sequence[str] | None = (), any_tags: str | Sequence[str] | None = (),
                exclude_tags: str | Sequence[str] | None = (), since: DateArg = None,
                until: DateArg = None, author: str | None = None,
                source: str | None = None) -> SearchResults:
        """Articles most like this one, best first: its most distinctive body terms
        (Bo1 key terms, minus words common across the index) as an OR query. Pages and
        filters as in :meth:`search`; ``total`` counts every similar article."""
        started = time.perf_counter()
        args = arguments.check_search("", tags=tags, any_tags=any_tags,
                                      exclude_tags=exclude_tags, since=since, until=until,
                                      author=author, source=source, sort="relevance",
                                      limit=limit, page=page, now=None)
        article = self.get(article_id)
        s = self._current()
        text = f"{article.title}\n{article.body}"[:MAX_ANALYZED_CHARS]
        candidates = s.key_terms_from_text(schema.BODY, text, numterms=SIMILAR_CANDIDATES)
        common = max(int(s.doc_count() * SIMILAR_MAX_DF), 3)
        reader = s.reader()
        distinctive = [(t, w) for t, w in candidates if reader.doc_frequency(schema.BODY, t)
                       <= common]
        chosen = (distinctive if len(distinctive) >= 5 else candidates)[:SIMILAR_TERMS]
        filt, mask = build_filter(tags=args.tags, any_tags=args.any_tags,
                                  exclude_tags=args.exclude_tags, since=args.since,
                                  until=args.until, author=args.author, source=args.source)
        itself = wq.Term(schema.ID, article.id)
        mask = itself if mask is None else wq.Or([itself, mask])
        hits: tuple[Hit, ...] = ()
        total = 0
        if chosen:
            q = wq.Or([wq.Term(schema.BODY, t, boost=w) for t, w in chosen])
            results = s.search(q, limit=args.page * args.limit, filter=filt, mask=mask,
                               terms=False)
            total = len(results)
            words = surface_words(text, [t for t, _w in chosen])
            # One leaf per key term, labelled with the word as the article wrote it,
            # so "matched" says which of them each hit shares.
            terms = tuple(QueryTerm(schema.BODY, "term", words[t], (t,)) for t, _w in chosen)
            parsed = ParsedQuery(query=q, match_all=False, terms=terms)
            first = (args.page - 1) * args.limit
            hits = tuple(self._hit(s, results[i], i + 1, parsed, True)
                         for i in range(first, min(first + args.limit,
                                                   results.scored_length())))
        return SearchResults(query=f"similar:{article.id}", total=total, hits=hits,
                             page=args.page, limit=args.limit,
                             elapsed_ms=(time.perf_counter() - started) * 1000)

    def stats(self, top_tags: int = DEFAULT_TOP_TAGS) -> IndexStats:
        """Documents, date range, the most used tags, size and when it was built."""
        top_tags = arguments.count("top_tags", top_tags, 0)
        s = self._current()
        reader = s.reader()
        dates = _published_values(s)
        built = self._dir.manifest(self._ix.latest_generation())
        return IndexStats(
            path=str(self.path),
            documents=int(s.doc_count()),
            earliest=min(dates) if dates else None,
            latest=max(dates) if dates else None,
            undated=int(s.doc_count()) - len(dates),
            top_tags=tuple(self.keyword_values(schema.TAGS)[:top_tags]) if reader else (),
            index_bytes=self._dir.size_bytes(),
            last_build=built.built_at if built else None,
        )


def _published_values(s: Searcher) -> list[datetime]:
    """The published date of every live document that has one, from the sortable column."""
    field = s.schema[schema.PUBLISHED]
    missing = field.column_type.default_value(False)  # the column's "no value" sentinel
    values: list[datetime] = []
    for reader, _offset in s.reader().leaf_readers():
        if not reader.has_column(schema.PUBLISHED):
            continue
        column = reader.column_reader(schema.PUBLISHED, translate=False)
        values.extend(long_to_datetime(raw) for docnum in reader.all_doc_ids()
                      if (raw := column[docnum]) != missing)
    return values


def rank_query(q: Any, boost: float = 1.0) -> Any:
    """The query Whoosh ranks with: the same matches and scores (up to float rounding)
    as ``q``, in a shape Whoosh handles faster and correctly.

    - ORs nested in ORs are spliced into their parent: a shallower, better balanced
      matcher tree ranks OR queries ~40% faster on Reuters.
    - The boost of an AND/OR group is moved onto its leaves. Whoosh's
      ``WrappingMatcher.replace()`` prunes a boosted group against the unboosted
      score threshold, so the top 10 of a query with the all-words clause missed
      better documents (8 of bench/query.py's 200 queries; ``mcdonnell douglas``
      lost its best two). A boosted leaf is safe: leaves prune nothing.
    """
    kind = type(q)
    if kind is wq.Or and q.scale is None:
        subs: list[Any] = []
        for sub in q.subqueries:
            sub = rank_query(sub, boost * q.boost)
            nested = type(sub) is wq.Or and sub.boost == 1.0 and sub.scale is None
            subs.extend(sub.subqueries if nested else [sub])
        return wq.Or(subs)
    if kind is wq.And:
        return wq.And([rank_query(sub, boost * q.boost) for sub in q.subqueries])
    if kind is wq.AndMaybe and q.boost == 1.0:
        return wq.AndMaybe(rank_query(q.a, boost), rank_query(q.b, boost))
    if kind is wq.AndNot and q.boost == 1.0:  # only the positive side scores
        return wq.AndNot(rank_query(q.a, boost), rank_query(q.b))
    if boost == 1.0 or q is wq.NullQuery:
        return q
    return q.with_boost(q.boost * boost)


def _has_and(q: Any) -> bool:
    if isinstance(q, (wq.And, wq.AndMaybe)):
        return True
    return isinstance(q, (wq.Or, wq.AndNot)) and any(map(_has_and, q.subqueries))


def open_index(path: str | os.PathLike[str] | None = None) -> Index:
    """Open the index at ``path`` (default ``$SEARCHER_INDEX`` or ``index/``)."""
    return Index(index_path(path))


def search(query: str = "", *, index: str | os.PathLike[str] | None = None,
           **options: Any) -> SearchResults:
    """One-shot search: open the index, run ``Index.search(query, **options)``, close."""
    with open_index(index) as ix:
        return ix.search(query, **options)
