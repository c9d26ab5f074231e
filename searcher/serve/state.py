"""A search's whole state as URL parameters: read from a request, checked, and turned
back into links, so every view of the page (and every API call) is a URL to share.

The parameters are ``Index.search``'s arguments under short names: ``q``, ``tag``,
``any_tag``, ``not_tag`` (repeatable), ``since``, ``until``, ``author``, ``source``,
``sort``, ``page``, ``limit``, ``expand``, ``collapse`` (``off``: every copy of a story
as its own hit). A value that is not a whole number, or out of
the library's bounds, is an InvalidArgumentError (a 400), never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from ..arguments import DEFAULT_LIMIT, MAX_LIMIT, SORTS, count
from ..errors import InvalidArgumentError, shown
from ..filters import Filters

MAX_QUERY_CHARS = 10_000  # the query language's own cap (README "Query language")
MAX_VALUES = 50  # tag values per filter in one URL
LIST_PARAMS = {"tag": "tags", "any_tag": "any_tags", "not_tag": "exclude_tags"}
TEXT_PARAMS = ("since", "until", "author", "source")


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    tags: tuple[str, ...] = ()
    any_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    since: str = ""
    until: str = ""
    author: str = ""
    source: str = ""
    sort: str = "relevance"
    page: int = 1
    limit: int = DEFAULT_LIMIT
    expand: bool = False
    collapse: bool = True

    @classmethod
    def from_params(cls, params: Any) -> SearchState:
        q = params.get("q", "") or ""
        if len(q) > MAX_QUERY_CHARS:
            raise InvalidArgumentError(f"the query is longer than {MAX_QUERY_CHARS:,} "
                                       "characters: shorten it")
        lists: dict[str, tuple[str, ...]] = {}
        for param, name in LIST_PARAMS.items():
            values = tuple(dict.fromkeys(v.strip() for v in params.getlist(param) if v.strip()))
            if len(values) > MAX_VALUES:
                raise InvalidArgumentError(f"{param}: at most {MAX_VALUES} values")
            lists[name] = values
        sort = params.get("sort") or "relevance"
        if sort not in SORTS:
            raise InvalidArgumentError(f"unknown sort {shown(sort)}: use relevance, newest or "
                                       "oldest")
        text = {name: (params.get(name) or "").strip() for name in TEXT_PARAMS}
        return cls(q=q, tags=lists["tags"], any_tags=lists["any_tags"],
                   exclude_tags=lists["exclude_tags"], since=text["since"],
                   until=text["until"], author=text["author"], source=text["source"],
                   sort=sort, page=_number(params, "page", 1, 1),
                   limit=_number(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                   expand=(params.get("expand") or "") in ("1", "true", "on"),
                   collapse=(params.get("collapse") or "") not in ("0", "false", "off"))

    @property
    def active(self) -> bool:
        """A query or a filter was given (an empty state shows the bare search box)."""
        return bool(self.q.strip() or self.filtered)

    @property
    def filtered(self) -> bool:
        return bool(self.tags or self.any_tags or self.exclude_tags or self.since or self.until
                    or self.author or self.source)

    def filters(self) -> Filters:
        """The filters of ``Index.search``, ``similar`` and exports."""
        return Filters(tags=self.tags, any_tags=self.any_tags, exclude_tags=self.exclude_tags,
                       since=self.since or None, until=self.until or None,
                       author=self.author or None, source=self.source or None)

    def search_options(self) -> dict[str, Any]:
        """``Index.search``'s keyword arguments but the query (and ``facets``)."""
        return {"filters": self.filters(), "sort": self.sort, "limit": self.limit,
                "page": self.page, "expand": self.expand, "collapse": self.collapse}

    def pairs(self) -> list[tuple[str, str]]:
        """The state as URL parameters, defaults left out."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for param, name in LIST_PARAMS.items():
            out += [(param, v) for v in getattr(self, name)]
        out += [(name, getattr(self, name)) for name in TEXT_PARAMS if getattr(self, name)]
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.limit != DEFAULT_LIMIT:
            out.append(("limit", str(self.limit)))
        if self.expand:
            out.append(("expand", "1"))
        if not self.collapse:
            out.append(("collapse", "off"))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def url(self, path: str = "/", **extra: str) -> str:
        query = urlencode(self.pairs() + list(extra.items()))
        return f"{path}?{query}" if query else path

    def but(self, **changes: Any) -> SearchState:
        """This state with ``changes``; back to page 1 unless a page is given."""
        return replace(self, **{"page": 1, **changes})

    def toggle(self, name: str, value: str) -> SearchState:
        """Add ``value`` to a list filter (``tags``...), or remove it if present."""
        values: tuple[str, ...] = getattr(self, name)
        folded = value.casefold()
        kept = tuple(v for v in values if v.casefold() != folded)
        return self.but(**{name: kept if len(kept) < len(values) else (*values, value)})

    def has(self, name: str, value: str) -> bool:
        current = getattr(self, name)
        folded = value.casefold()
        if isinstance(current, tuple):
            return any(v.casefold() == folded for v in current)
        return bool(current) and current.casefold() == folded


def _number(params: Any, name: str, default: int, low: int,
            high: int | None = None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidArgumentError(f"{name} must be a whole number, not {raw[:40]!r}") from None
    return count(name, value, low, high)
