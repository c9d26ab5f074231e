"""Errors a user can act on. Each message is a sentence that says what to do."""

from __future__ import annotations


class SearcherError(Exception):
    """Base class: anything the CLI shows as a one-line message instead of a traceback."""


class IndexNotFoundError(SearcherError):
    """There is no index at the given location."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"no index at {path}: build one with `searcher build [PATH...] --index {path}`"
        )
        self.path = path


class IndexIncompatibleError(SearcherError):
    """The index was written by a different schema/version and cannot be read."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"the index at {path} cannot be read ({reason}): rebuild it with "
            f"`searcher build --rebuild --index {path}`"
        )
        self.path = path


class IndexLockedError(SearcherError):
    """Another process holds the index's write lock."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"the index at {path} is being built by another process; "
            "wait for it to finish and try again"
        )
        self.path = path


class CorpusError(SearcherError):
    """The paths given to build cannot be used (missing, nothing readable)."""


class FieldMapError(SearcherError):
    """A ``--map field=key`` option is malformed or names an unknown field."""


class QuerySyntaxError(SearcherError):
    """A query the parser cannot read; ``position`` is a 0-based offset into it."""

    def __init__(self, message: str, query: str = "", position: int | None = None,
                 hint: str = "") -> None:
        self.query = query
        self.position = position
        self.hint = hint
        self.reason = message
        text = message
        if position is not None:
            text += f" at position {position + 1}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class ArticleNotFoundError(SearcherError):
    """No article with the given id is in the index."""

    def __init__(self, article_id: str) -> None:
        super().__init__(f"no article with id {article_id!r} in the index")
        self.article_id = article_id
