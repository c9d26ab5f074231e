"""Sticky filters: what ``:filter`` reads into a :class:`~searcher.filters.Filters`, and
how the prompt writes one back.

``:filter tag:Mike Pompeo since:last week`` holds values with spaces without quotes
(a value runs to the next known ``name:``), because typing quotes at a prompt is a
chore; ``describe`` writes them back quoted, as the prompt shows them.
"""

from __future__ import annotations

import difflib
import re

from .. import schema
from ..errors import ShellError, shown
from ..filters import Filters
from .lexer import quote_value

# :filter NAME -> Filters field; list-valued fields accumulate (Filters.add).
FILTERS: dict[str, str] = {
    "tag": "tags", "tags": "tags", "any-tag": "any_tags", "not-tag": "exclude_tags",
    "author": "author", "authors": "author", "source": "source",
    "since": "since", "until": "until",
}
FILTER_FIELDS: dict[str, str] = {  # which index field completes a filter's values
    "tags": schema.TAGS, "any_tags": schema.TAGS, "exclude_tags": schema.TAGS,
    "author": schema.AUTHORS, "source": schema.SOURCE,
}
_LABEL = {"tags": "tag", "any_tags": "any-tag", "exclude_tags": "not-tag",
          "author": "author", "source": "source", "since": "since", "until": "until"}
_MORE = re.compile(r"\s*\S")
_FILTER_NAME = re.compile(r"\s*([A-Za-z][A-Za-z-]*):")
# the space before the next ``name:``, taken from the start of its run only: a \s+ tried
# from every space of a long run went quadratic (8,000 spaces: 2.8 s)
_NEXT_FILTER = re.compile(r"(?<!\s)\s+(?=(?:" + "|".join(map(re.escape, FILTERS)) + "):)",
                          re.IGNORECASE)


def describe(filters: Filters) -> list[str]:
    """``['tag:"Mike Pompeo"', 'since:2020-10-01']``, as ``:filter`` takes them back; a
    value over MAX_SHOWN_CHARS is shown cut, with its length (a 200,000-character tag
    filter was drawn whole in the prompt, at every key, and after every search)."""
    return [f"{_LABEL[name]}:{quote_value(shown(value, False))}"
            for name, value in filters.items()]


def parse_filters(text: str) -> list[tuple[str, str]]:
    """``tag:Mike Pompeo since:2020-10-01`` -> [(attr, value)]. A value runs to the next
    ``name:`` (so quotes are optional) or is quoted."""
    out: list[tuple[str, str]] = []
    pos, n = 0, len(text)
    while _MORE.match(text, pos):  # (not text[pos:].strip(): a copy per filter)
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
