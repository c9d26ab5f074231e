"""Errors a user can act on. Each message is a sentence that says what to do.

Each class carries the exit status the command line uses for it (``exit_code``, as
click's own exceptions do), so cli.py maps every error in one place: 1 for a problem
with the index or the corpus, 2 for a bad query or argument (a usage error).
"""

from __future__ import annotations

from typing import Any

# A user's value quoted in a message is cut to MAX_SHOWN_CHARS (with its length), and a
# whole message to MAX_MESSAGE_CHARS: an error echoing a 1 MB id or option printed
# the megabyte back (to a terminal, a log, an HTTP answer).
MAX_SHOWN_CHARS = 80
MAX_MESSAGE_CHARS = 1_000
_KEPT_TAIL = 200  # the end of a cut message stays: it says what to do


def shown(value: object, quoted: bool = True) -> str:
    """``value`` for a message, quoted as ``repr`` quotes it (or as it is); a long one
    cut, saying how long it was: ``'xxxx...' (200,000 characters)``."""
    text = str(value)
    show = repr if quoted else str
    if len(text) <= MAX_SHOWN_CHARS:
        return show(text)
    return f"{show(text[:MAX_SHOWN_CHARS])}... ({len(text):,} characters)"


def capped(message: str) -> str:
    """``message`` as it is, or its start and its end around a note of how much was
    left out (the safety net for values no message quotes with ``shown``)."""
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    head = MAX_MESSAGE_CHARS - _KEPT_TAIL
    cut = len(message) - head - _KEPT_TAIL
    return f"{message[:head]} ... ({cut:,} characters left out) ... {message[-_KEPT_TAIL:]}"


class SearcherError(Exception):
    """Base class: anything the CLI shows as a one-line message instead of a traceback.
    The message is ``capped``, whatever a subclass puts in it."""

    exit_code = 1
    prefix = ""  # what the CLI puts before the message ("bad query: ")

    def __init__(self, *args: Any) -> None:
        if args and isinstance(args[0], str):
            args = (capped(args[0]), *args[1:])
        super().__init__(*args)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as it is (message and attributes), not rebuilt by calling the class
        with its message: an error raised by a shard on a Dask worker reaches the
        coordinator as the same error (``IndexNotFoundError(message)`` would wrap the
        message in a second one)."""
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[SearcherError], args: tuple[Any, ...],
             state: dict[str, Any]) -> SearcherError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


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

    exit_code = 2
    prefix = "bad query: "

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
        super().__init__(f"no article with id {shown(article_id)} in the index")
        self.article_id = article_id


class InvalidArgumentError(SearcherError, ValueError):
    """An argument of a library call or option has a wrong value or type (sort, limit,
    page, tags...). Also a ValueError, so Python callers can catch it as one."""

    exit_code = 2


class IndexDamagedError(SearcherError):
    """The index exists but its files are damaged (truncated, missing, unreadable)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"the index at {path} is damaged ({reason}): run "
            f"`searcher build --rebuild --index {path}`"
        )
        self.path = path
        self.reason = reason


class IndexWriteError(SearcherError):
    """The operating system refused a write to the index folder (not writable, disk
    full...). The build stopped; the previous index is unchanged."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"cannot write the index at {path} ({reason}): the previous index is unchanged; "
            "fix the cause (permissions, free space) or choose another folder with --index"
        )
        self.path = path
        self.reason = reason


class ShellError(SearcherError):
    """A line the prompt cannot act on (unknown command, bad filter, missing argument...)."""


class ShardUnavailableError(SearcherError):
    """A shard of a sharded index did not answer (missing, damaged, its worker died
    more often than the scheduler retries, no answer in time)."""

    def __init__(self, index: str, shard: str, reason: str) -> None:
        super().__init__(
            f"shard {shard} of the index at {index} did not answer ({reason}): check it "
            f"with `searcher check --index {index}/{shard}`, or allow partial results "
            "(--allow-partial) to answer from the other shards")
        self.index = index
        self.shard = shard
        self.reason = reason


class SchedulerError(SearcherError):
    """The Dask scheduler named by --scheduler / SEARCHER_SCHEDULER cannot be used."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(
            f"cannot use the Dask scheduler at {address} ({reason}): start one with "
            "`dask scheduler` and `dask worker ADDRESS`, or leave --scheduler out to "
            "work in this process")
        self.address = address
        self.reason = reason
