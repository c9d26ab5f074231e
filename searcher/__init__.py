"""searcher: full-text search for collections of news articles.

    >>> import searcher
    >>> report = searcher.build_index(["corpus"], index="index")
    >>> with searcher.open_index("index") as ix:
    ...     results = ix.search("missile AND ganja")

Importing this package loads Whoosh and the result types; the engine (numpy) loads on
first use of ``open_index``, ``search`` or ``Index``, the build side on first use of
``build_index``; never click, rich or prompt_toolkit.
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
    SchedulerError,
    SearcherError,
    ShardUnavailableError,
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

if TYPE_CHECKING:
    from .build import build_index
    from .filters import Filters
    from .index import Index, open_index, search
    from .searchable import Searchable

__version__ = "0.1.0"

# Loaded on first use: the build side (readers, trafilatura...), which `searcher search`
# and a program that only searches never import, and the engine (numpy), so that the
# command line decides how numpy starts before it loads (cli.py: _one_blas_thread).
_LAZY = {"build_index": "build", "Index": "index", "open_index": "index",
         "search": "index", "Filters": "filters", "Searchable": "searchable"}


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
    "Copy",
    "CorpusError",
    "FacetCount",
    "Facets",
    "FieldMapError",
    "Filters",
    "Hit",
    "Index",
    "IndexIncompatibleError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStats",
    "InvalidArgumentError",
    "Problem",
    "QuerySyntaxError",
    "SchedulerError",
    "SearchResults",
    "Searchable",
    "SearcherError",
    "ShardUnavailableError",
    "Snippet",
    "build_index",
    "open_index",
    "search",
]
