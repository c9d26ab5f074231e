"""Where the index lives and how it is opened: the one place that turns Whoosh's
open/create failures into errors a user can act on."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError, FileIndex

from . import schema
from .errors import IndexIncompatibleError, IndexNotFoundError

DEFAULT_INDEX = "index"
INDEX_ENV = "SEARCHER_INDEX"


def index_path(index: str | os.PathLike[str] | None = None) -> Path:
    """The index folder: the argument, else ``$SEARCHER_INDEX``, else ``index/``."""
    if index is not None:
        return Path(index)
    return Path(os.environ.get(INDEX_ENV) or DEFAULT_INDEX)


def exists(path: Path) -> bool:
    return path.is_dir() and whoosh_index.exists_in(str(path))


def open_existing(path: Path) -> FileIndex:
    """Open a built index, or say how to build it / that it must be rebuilt."""
    if not exists(path):
        raise IndexNotFoundError(str(path))
    try:
        ix = whoosh_index.open_dir(str(path))
        stored = ix.schema
    except EmptyIndexError as e:
        raise IndexNotFoundError(str(path)) from e
    except (pickle.UnpicklingError, AttributeError, ImportError, ModuleNotFoundError,
            EOFError, ValueError, TypeError) as e:
        raise IndexIncompatibleError(str(path), f"{type(e).__name__}: {e}") from e
    if set(stored.names()) != set(schema.build_schema().names()):
        raise IndexIncompatibleError(str(path), "it was built with a different schema")
    return ix


def create(path: Path) -> FileIndex:
    """A new empty index (replacing whatever index was there)."""
    path.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(path), schema.build_schema())


def size_bytes(path: Path) -> int:
    """Bytes on disk of everything in the index folder."""
    total = 0
    for p in path.iterdir() if path.is_dir() else ():
        if p.is_file():
            total += p.stat().st_size
    return total
