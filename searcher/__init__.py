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
import sys
import types
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

if TYPE_CHECKING:
    from .filters import Filters
    from .indexer import build_index
    from .search import Index, open_index, search

__version__ = "0.1.0"

# Loaded on first use: the build side (readers, trafilatura...), which `searcher search`
# and a program that only searches never import, and the engine (numpy), so that the
# command line decides how numpy starts before it loads (cli.py: _one_blas_thread).
_LAZY = {"build_index": "indexer", "Index": "search", "open_index": "search",
         "search": "search", "Filters": "filters"}


class _Package(types.ModuleType):
    """This package's module type: ``searcher.search`` stays the function. Importing
    the submodule ``searcher.search`` (from anywhere, first) makes the import system set
    the package's ``search`` attribute to that module; that one assignment is dropped,
    as it was overwritten when this package imported the function eagerly."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "search" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
    "SearchResults",
    "SearcherError",
    "Snippet",
    "build_index",
    "open_index",
    "search",
]
