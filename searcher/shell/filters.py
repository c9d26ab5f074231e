"""Sticky filters: what ``:filter`` reads, and the ``Index.search`` arguments they become.

``:filter tag:Mike Pompeo since:last week`` holds values with spaces without quotes
(a value runs to the next known ``name:``), because typing quotes at a prompt is a
chore; ``describe`` writes them back quoted, as the prompt shows them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Any

from .. import schema
from ..errors import ShellError
from .lexer import quote_value

# :filter NAME -> Filters attribute; list-valued attributes accumulate.
FILTERS: dict[str, str] = {
    "tag": "tags", "tags": "tags", "any-tag": "any_tags", "not-tag": "exclude_tags",
    "author": "author", "authors": "author", "source": "source",
    "since": "since", "until": "until",
}
FILTER_FIELDS: dict[str, str] = {  # which index field completes a filter's values
    "tags": schema.TAGS, "any_tags": schema.TAGS, "exclude_tags": schema.TAGS,
    "author": schema.AUTHORS, "source": schema.SOURCE,
}
_LABELS = (("tags", "tag"), ("any_tags", "any-tag"), ("exclude_tags", "not-tag"),
           ("author", "author"), ("source", "source"), ("since", "since"), ("until", "until"))
_FILTER_NAME = re.compile(r"\s*([A-Za-z][A-Za-z-]*):")
_NEXT_FILTER = re.compile(r"\s+(?=(?:" + "|".join(map(re.escape, FILTERS)) + "):)",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Filters:
    """Sticky filters: ``Index.search`` keyword arguments, kept between queries."""

    tags: tuple[str, ...] = ()
    any_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    author: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None

    def kwargs(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name, _label in _LABELS}

    def add(self, attr: str, value: str) -> Filters:
        """Tag filters accumulate (all must hold); the others replace the old value."""
        current = getattr(self, attr)
        changes: dict[str, Any] = {attr: value}
        if isinstance(current, tuple):
            changes[attr] = current if value in current else (*current, value)
        return replace(self, **changes)

    def without(self, attr: str) -> Filters:
        changes: dict[str, Any] = {attr: () if isinstance(getattr(self, attr), tuple) else None}
        return replace(self, **changes)

    def describe(self) -> list[str]:
        """``['tag:"Mike Pompeo"', 'since:2020-10-01']``, as ``:filter`` takes them back."""
        out: list[str] = []
        for attr, label in _LABELS:
            value = getattr(self, attr)
            for v in value if isinstance(value, tuple) else ([value] if value else []):
                out.append(f"{label}:{quote_value(v)}")
        return out


def parse_filters(text: str) -> list[tuple[str, str]]:
    """``tag:Mike Pompeo since:2020-10-01`` -> [(attr, value)]. A value runs to the next
    ``name:`` (so quotes are optional) or is quoted."""
    out: list[tuple[str, str]] = []
    pos, n = 0, len(text)
    while text[pos:].strip():
        m = _FILTER_NAME.match(text, pos)
        name = m.group(1).lower() if m else ""
        if m is None or name not in FILTERS:
            guess = difflib.get_close_matches(name, FILTERS, n=1) if name else []
            hint = f" (did you mean {guess[0]}:?)" if guess else ""
            raise ShellError(f"cannot read filter {text[pos:].strip()!r}{hint}: write "
                             ":filter NAME:VALUE with NAME one of tag, any-tag, not-tag, "
                             "author, source, since, until")
        pos = m.end()
        if text[pos:pos + 1] == '"':
            end = text.find('"', pos + 1)
            if end < 0:
                raise ShellError(f"the quote after {name}: is not closed")
            value, pos = text[pos + 1:end], end + 1
        else:
            nxt = _NEXT_FILTER.search(text, pos)
            end = nxt.start() if nxt else n
            value, pos = text[pos:end].strip(), end
        if not value.strip():
            raise ShellError(f"{name}: needs a value, e.g. :filter {name}:"
                             + ("2020-10-01" if name in ("since", "until") else "VALUE"))
        out.append((FILTERS[name], value.strip()))
    return out
