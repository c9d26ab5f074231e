"""searcher: full-text search for collections of news articles.

    >>> import searcher
    >>> report = searcher.build_index(["corpus"], index="index")
    >>> with searcher.open_index("index") as ix:
    ...     results = ix.search("missile AND ganja")

Importing this package loads the engine only: never click, rich or prompt_toolkit.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# First: imports Whoosh without what a search never uses (_whoosh/lean_imports.py).
from . import _whoosh  # noqa: F401
from .errors import (
    ArticleNotFoundError,
    CorpusError,
    FieldMapError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexNotFoundError,
    InvalidArgumentError,
    QuerySyntaxError,
    SearcherError,
)
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

if TYPE_CHECKING:
    from .indexer import build_index

__version__ = "0.1.0"

# The build side (readers, trafilatura...) loads on first use: `searcher search` and a
# program that only searches never import it.
_LAZY = {"build_index": "indexer"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'searcher' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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
    "InvalidArgumentError",
    "Problem",
    "QuerySyntaxError",
    "SearchResults",
    "SearcherError",
    "Snippet",
    "build_index",
    "open_index",
    "search",
]
