"""searcher: full-text search for collections of news articles.

    >>> import searcher
    >>> report = searcher.build_index(["corpus"], index="index")
    >>> with searcher.open_index("index") as ix:
    ...     results = ix.search("missile AND ganja")

Importing this package loads the engine only: never click, rich or prompt_toolkit.
"""

from __future__ import annotations

from .errors import (
    ArticleNotFoundError,
    CorpusError,
    FieldMapError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexNotFoundError,
    QuerySyntaxError,
    SearcherError,
)
from .indexer import build_index
from .models import (
    Article,
    ArticleView,
    BuildProgress,
    BuildReport,
    FacetCount,
    Facets,
    Hit,
    IndexStats,
    Problem,
    SearchResults,
    Snippet,
)
from .search import Index, open_index, search

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleNotFoundError",
    "ArticleView",
    "BuildProgress",
    "BuildReport",
    "CorpusError",
    "FacetCount",
    "Facets",
    "FieldMapError",
    "Hit",
    "Index",
    "IndexIncompatibleError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStats",
    "Problem",
    "QuerySyntaxError",
    "SearchResults",
    "SearcherError",
    "Snippet",
    "build_index",
    "open_index",
    "search",
]
