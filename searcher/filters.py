"""The filter options of a search, as one value: tags, dates, author, source.

Filters are not part of the query text and never change a score: they only say
which articles may match. One frozen :class:`Filters` is what the library
(``Index.search(filters=...)``, ``Index.similar``), the command line (``--tag``,
``--since`` ...), the shell's sticky ``:filter`` and, next, a server or a cluster
pass around, so a new filter is one field here and one rule in
``query/filters.py`` (which turns a value into what the engine runs).

Its fields are checked once, when the value is made: a wrong type is an
:class:`InvalidArgumentError` naming the field, and the lenient forms a Python
caller writes naturally (``tags="earn"``, ``tags=None``, a list) become the one
stored form (a tuple). Date strings (``"last week"``) are kept as written and read
at search time, against the search's ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .arguments import DateArg, date_bound, optional_text, values
from .errors import InvalidArgumentError

LIST_FIELDS = ("tags", "any_tags", "exclude_tags")
"""The fields that hold several values (all, any, none of them)."""


@dataclass(frozen=True)
class Filters:
    """Which articles a search may return (every field empty: all of them).

    ``tags`` must all be present, one of ``any_tags`` must be, none of
    ``exclude_tags`` may be; ``since``/``until`` are inclusive dates (a string in
    any form ``date:`` takes, a date for a whole day, a datetime for a moment);
    ``author``/``source`` one whole value each (case-insensitive)."""

    tags: tuple[str, ...] = ()
    any_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    author: str | None = None
    source: str | None = None
    since: DateArg = None
    until: DateArg = None

    def __post_init__(self) -> None:
        checked = {
            "tags": values("tags", self.tags),
            "any_tags": values("any_tags", self.any_tags),
            "exclude_tags": values("exclude_tags", self.exclude_tags),
            "since": date_bound("since", self.since),
            "until": date_bound("until", self.until),
            "author": optional_text("author", self.author),
            "source": optional_text("source", self.source),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def __bool__(self) -> bool:
        """True when any filter is set."""
        return self != _NONE

    @classmethod
    def given(cls, filters: Filters | None, **keywords: Any) -> Filters:
        """``filters``, or the filter keywords of ``Index.search`` as one value (a
        caller gives one or the other, not both)."""
        from_keywords = cls(**keywords)
        if filters is None:
            return from_keywords
        if not isinstance(filters, Filters):
            raise InvalidArgumentError(f"filters must be a searcher.Filters, not "
                                       f"{type(filters).__name__}")
        if from_keywords:
            raise InvalidArgumentError("give filters=Filters(...) or the filter keywords "
                                       "(tags, since...), not both")
        return filters

    def add(self, name: str, value: str) -> Filters:
        """This value added: tag filters accumulate (all must hold), the others
        replace the old value."""
        current = getattr(self, name)
        changes: dict[str, Any] = {name: value}
        if name in LIST_FIELDS:
            changes[name] = current if value in current else (*current, value)
        return replace(self, **changes)

    def without(self, name: str) -> Filters:
        """This filter removed."""
        changes: dict[str, Any] = {name: () if name in LIST_FIELDS else None}
        return replace(self, **changes)

    def items(self) -> list[tuple[str, Any]]:
        """``[(field, value)]`` of every value set, one pair per tag, in field order."""
        out: list[tuple[str, Any]] = []
        for f in fields(self):
            value = getattr(self, f.name)
            for v in value if isinstance(value, tuple) else ([value] if value else []):
                out.append((f.name, v))
        return out


_NONE = Filters()
