"""Library errors as HTTP answers: the status, and the one-line message the CLI prints
(never a traceback), for the API (JSON) and the page (HTML) alike."""

from __future__ import annotations

from pathlib import PurePath

from ..errors import (
    ArticleNotFoundError,
    IndexNotFoundError,
    InvalidArgumentError,
    QuerySyntaxError,
    SchedulerError,
    SearcherError,
    ShardUnavailableError,
)


def status_of(error: Exception) -> int:
    """The caller's fault (400), nothing there (404), no index or shard to answer (503),
    anything else (500: a damaged index, a bug)."""
    if isinstance(error, (QuerySyntaxError, InvalidArgumentError)):
        return 400
    if isinstance(error, ArticleNotFoundError):
        return 404
    if isinstance(error, (IndexNotFoundError, ShardUnavailableError, SchedulerError)):
        return 503
    return 500


def message_of(error: Exception) -> str:
    """The CLI's one line, but an index's path (``error.path``: no index there, damaged,
    locked...) is named by its folder's name only: a web client has no business learning
    where the server keeps its files."""
    if isinstance(error, SearcherError):
        text = f"{error.prefix}{error}"
        path = getattr(error, "path", None)
        if isinstance(path, str) and len(path) > 1:
            text = text.replace(path.rstrip("/"), PurePath(path).name)
        return text
    return "internal error: the server could not answer this request (see its log)"
