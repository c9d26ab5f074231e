"""Plain data that crosses module boundaries: articles in, results out.

Frozen dataclasses, stdlib only, so that callers never hold a Whoosh object and
results can be pickled, compared and turned into JSON without the index open.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple

# A field left out of JSON output while it holds its default (added without changing the
# output of everything that has it so).
OMIT_DEFAULT = {"json": "omit-default"}


@dataclass(frozen=True)
class Article:
    """One news article as read from the corpus.

    ``tags``, ``authors`` keep their original spelling for display; matching is
    case-insensitive (schema.py). ``published`` is naive UTC or None: readers
    never invent a date. ``meta`` holds fields of structured inputs we have no
    column for, so nothing the user had is dropped.
    """

    id: str
    title: str
    body: str
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    source: str = ""
    url: str = ""
    path: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input, reported in the build summary.

    ``skipped`` is True when a record (or a whole file) was left out; False for
    a warning about something that was still indexed (e.g. a decoding fallback).
    ``line`` is 1-based for line-oriented formats, else None. One problem may stand for
    ``count`` lines, ``line`` to ``through`` (a file's bad lines past the first hundred
    are counted, not listed: 3 M of them held 300 MB).
    """

    path: str
    message: str
    line: int | None = None
    skipped: bool = True
    count: int = field(default=1, metadata=OMIT_DEFAULT)
    through: int | None = field(default=None, metadata=OMIT_DEFAULT)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.through is not None and self.through != self.line:
            where += f"-{self.through}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Decision:
    """A reader's decision that dropped text or rejected a value, so nothing is lost
    silently: the build counts them per ``kind`` (``boilerplate lines dropped``,
    ``footer cut``, ``date rejected as placeholder``...) and ``searcher inspect`` lists
    them one by one. ``detail`` is the text or value concerned (shortened), ``chars``
    how many characters of article text the decision removed (0 for a rejected value).
    """

    path: str
    kind: str
    detail: str = ""
    line: int | None = None
    chars: int = 0

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.kind}" + (f": {self.detail}" if self.detail else "")


class Span(NamedTuple):
    """A highlighted stretch of a text: ``text[start:end]`` (a tuple, so JSON has
    ``[start, end]``)."""

    start: int
    end: int


@dataclass(frozen=True)
class Snippet:
    """A passage of plain text with highlight spans as (start, end) offsets into ``text``.

    Renderers (rich, HTML, plain) take it from here and escape the text themselves.
    """

    text: str
    highlights: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Copy:
    """Another article of the same story: a near-duplicate (issue 21) of the one it is
    listed under (word 5-shingle Jaccard or containment at or above the threshold)."""

    id: str
    title: str
    source: str
    published: datetime | None


@dataclass(frozen=True)
class Hit:
    """One matching article, with everything a result list shows.

    ``matched`` says why it matched: the query clauses found in it, as
    ``field: term`` strings (``title: missile``, ``body: "missile strike"``).
    """

    id: str
    title: str
    published: datetime | None
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    source: str
    url: str
    path: str
    score: float | None  # BM25F relevance; None when sorted by date
    rank: int
    title_highlights: tuple[Span, ...] = ()
    snippets: tuple[Snippet, ...] = ()
    matched: tuple[str, ...] = ()
    # The other matches of this story, collapsed behind this one (the first
    # MAX_COPIES_LISTED of them; ``copy_count`` counts them all). Empty when the search
    # was not collapsed or the story has no other match.
    copies: tuple[Copy, ...] = ()
    copy_count: int = 0


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts over the whole result set, not just the page shown.

    ``dates`` buckets are labelled ``YYYY`` or ``YYYY-MM`` (``date_unit`` says which).
    """

    tags: tuple[FacetCount, ...] = ()
    authors: tuple[FacetCount, ...] = ()
    sources: tuple[FacetCount, ...] = ()
    dates: tuple[FacetCount, ...] = ()
    date_unit: str = "month"


@dataclass(frozen=True)
class SearchResults:
    """A page of hits plus the exact total; ``suggestion`` is a did-you-mean query or None."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    page: int
    limit: int
    elapsed_ms: float
    facets: Facets | None = None
    suggestion: str | None = None
    notes: tuple[str, ...] = ()  # what a lenient parse assumed (e.g. a missing quote)
    # Distinct stories among the ``total`` matching articles (near-duplicates counted
    # once); None when the index has no story groups (a sharded index, for now).
    stories: int | None = None
    collapsed: bool = False  # one hit per story (copies under each hit)


@dataclass(frozen=True)
class QueryTerm:
    """One positive leaf of a parsed query, in index terms: what snippets highlight
    and what "why it matched" reports.

    ``field`` is a schema field name (title, body, tags, ...). ``kind`` is one of
    "term", "phrase", "prefix", "wildcard", "fuzzy", "keyword". ``label`` is how the
    user wrote it (``"missile strike"``, ``pompeo~``). ``terms`` are the analyzed
    index terms: for a phrase, the words in order (``slop`` = allowed gap, 1 = exact;
    ``offsets``, when set, each word's position after the first: a stop word of the
    query leaves a gap, ``"bank of japan"`` is bank and japan at (0, 2)); for
    prefix/wildcard/fuzzy, every index term it expanded to (any one matches).
    """

    field: str
    kind: str
    label: str
    terms: tuple[str, ...]
    slop: int = 1
    ordered: bool = True  # False: the words may come in any order (proximity "a b"~N)
    offsets: tuple[int, ...] = ()  # a phrase's word positions after the first; () = adjacent


@dataclass(frozen=True)
class BuildProgress:
    """A snapshot for progress displays; ``records_total`` is an estimate (line counts).
    ``stage``: ``indexing``, or ``counting page lines`` while a build first reads the
    pages it will judge for repeated text (then the records are the files counted)."""

    files_done: int
    files_total: int
    records_done: int
    records_total: int
    stage: str = "indexing"


@dataclass(frozen=True)
class BuildCounts:
    """What a build did to articles and files, counted while it runs (update.py keeps
    one, ``plus`` gives the next) and reported as is: a ``BuildReport`` is these counts
    and the rest. Record counts are articles; ``skipped`` counts records and files left
    out with errors (details in ``BuildReport.problems``, warnings included)."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    kept: int = 0
    """Articles kept at their last good version because their record is malformed now."""
    files_read: int = 0
    files_unchanged: int = 0
    files_deleted: int = 0

    def plus(self, **more: int) -> BuildCounts:
        """These counts with ``more`` added (``plus(added=1)``)."""
        return replace(self, **{name: getattr(self, name) + n for name, n in more.items()})


@dataclass(frozen=True, kw_only=True)
class BuildReport(BuildCounts):
    """What a build did: its ``BuildCounts``, the problems met and the index it left."""

    index: str
    problems: tuple[Problem, ...]
    files_ignored: int
    documents: int
    index_bytes: int
    elapsed_s: float
    rebuilt: bool = False
    decisions: dict[str, int] = field(default_factory=dict)
    """Reader decisions that dropped text or rejected a value, counted per kind."""
    problem_kinds: dict[str, int] = field(default_factory=dict)
    """Every problem of the build counted per kind (``problems`` lists the first 1,000)."""
    rejudged: int = 0
    """Unchanged files read again: their source's repeated page text changed."""
    ignored_kinds: dict[str, int] = field(default_factory=dict)
    """``files_ignored`` (files no reader takes) counted per extension: {".pdf": 10}."""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)


@dataclass(frozen=True)
class StoryGroup:
    """A story with its copies: its first article and how many articles it has."""

    id: str
    title: str
    articles: int


@dataclass(frozen=True)
class IndexStats:
    """What ``searcher stats`` shows: size, coverage and the most used tags."""

    path: str
    documents: int
    earliest: datetime | None
    latest: datetime | None
    undated: int
    top_tags: tuple[FacetCount, ...]
    index_bytes: int
    last_build: str | None
    story_groups: int = 0  # stories with two or more articles (near-duplicates)
    grouped_articles: int = 0  # articles in those stories
    largest_stories: tuple[StoryGroup, ...] = ()


@dataclass(frozen=True)
class ArticleView:
    """A whole article with the spans of a query's terms in its title and body."""

    article: Article
    title_highlights: tuple[Span, ...] = ()
    body_highlights: tuple[Span, ...] = ()
    copies: tuple[Copy, ...] = ()  # the other articles of its story (near-duplicates)


@dataclass(frozen=True)
class Explanation:
    """Why an article scored what it did under one clause of a query (``searcher
    explain``): the clause, its score for the article, the numbers the score is
    made of (``details``: idf, tf, length, boost...), and its sub-clauses.

    A clause that combines sub-clauses (OR, AND, a phrase's words) scores the sum
    of its children's scores times its ``boost`` detail; a word over several
    fields is BM25F: its children are the fields, whose ``score`` is their share of
    the word's combined frequency (``pseudo_tf``), which is saturated once.
    """

    clause: str
    score: float
    matched: bool
    details: tuple[tuple[str, float], ...] = ()
    children: tuple[Explanation, ...] = ()
