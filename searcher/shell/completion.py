"""Completion as you type: commands, field names, and tag/author/source values with counts.

Values come from the index (``Shell.keyword_values``, i.e. ``Index.keyword_values``,
cached per commit) with their article counts in the menu (``Mike Pompeo (12)``)
and are inserted the way the query language reads them back (quoted when they
have spaces). Only the text before the cursor is looked at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from .. import schema
from ..arguments import SORTS
from ..models import FacetCount, Hit
from ..query import FIELD_NAMES
from ..render_plain import value_text
from ..sanitize import one_line
from .commands import COMMANDS
from .filters import FILTER_FIELDS, FILTERS
from .lexer import QUOTES, current_token, quote_value

MAX_VALUES = 100  # a menu longer than this is noise: type more letters
FIELDS = ("title", "body", "tag", "author", "source", "date", "id")
VALUE_FIELDS: dict[str, str] = {name: canon for name, canon in FIELD_NAMES.items()
                                if canon in schema.KEYWORD_FIELDS}
DATE_WORDS = ("today", "yesterday", "this week", "last week", "this month", "last month",
              "this year", "last year", "last 30 days", "now-7d")
OPERATORS = ("AND", "OR", "NOT")
_FILTER_START = re.compile(r"(?<!\S)([A-Za-z][A-Za-z-]*):")

Values = Callable[[str, str, int], Sequence[FacetCount]]  # field, prefix, at most


class ShellCompleter(Completer):
    """``values(field, prefix)`` lists a keyword field's values; ``hits()`` the results on
    screen (for ``:open N``)."""

    def __init__(self, values: Values, hits: Callable[[], Sequence[Hit]]) -> None:
        self.values = values
        self.hits = hits

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor
        if text.lstrip().startswith(":"):
            yield from self._command(text.lstrip())
        else:
            yield from self._query(current_token(text))

    # ---- queries

    def _query(self, token: str) -> Iterable[Completion]:
        token = token.lstrip("+-!")
        name, colon, value = token.partition(":")
        if colon:
            canon = VALUE_FIELDS.get(name.lower())
            if canon is not None:
                yield from self._values(canon, value, quote=True)
            elif FIELD_NAMES.get(name.lower()) == schema.PUBLISHED:
                yield from _dates(value, quote=True)
            return
        if not token:
            return
        for field in FIELDS:
            if field.startswith(token.lower()) and field != token.lower():
                yield Completion(f"{field}:", -len(token), display_meta="field")
        if token.isupper():
            for op in OPERATORS:
                if op.startswith(token) and op != token:
                    yield Completion(op, -len(token), display_meta="operator")

    def _values(self, field: str, typed: str, quote: bool) -> Iterable[Completion]:
        prefix = typed.lstrip(QUOTES)
        for fc in self.values(field, prefix, MAX_VALUES):
            yield Completion(quote_value(fc.value) if quote else fc.value, -len(typed),
                             display=f"{value_text(fc.value)} ({fc.count:,})")

    # ---- :commands

    def _command(self, text: str) -> Iterable[Completion]:
        name, space, args = text[1:].partition(" ")
        if not space:
            for c in COMMANDS:
                if c.name.startswith(name.lower()):
                    yield Completion(f":{c.name}", -len(text), display_meta=c.help)
            return
        args = args.lstrip()
        if name == "sort":
            yield from (Completion(s, -len(args)) for s in SORTS if s.startswith(args))
        elif name == "tags":
            yield from self._values(schema.TAGS, args, quote=False)
        elif name in ("open", "similar"):
            for hit in self.hits():
                if str(hit.rank).startswith(args):
                    yield Completion(str(hit.rank), -len(args),
                                     display_meta=one_line(hit.title)[:60])
        elif name == "clear":
            token = args.rpartition(" ")[2]
            yield from (Completion(f, -len(token)) for f in FILTERS if f.startswith(token))
        elif name == "filter":
            yield from self._filter(args)

    def _filter(self, args: str) -> Iterable[Completion]:
        """``:filter`` values may hold spaces unquoted (``tag:Mike Pompeo``), so the value
        being typed runs from the last known ``name:`` to the cursor."""
        token = args.rpartition(" ")[2]
        if ":" not in token:
            for f in FILTERS:
                if f.startswith(token.lower()):
                    yield Completion(f"{f}:", -len(token), display_meta="filter")
        last = None
        for m in _FILTER_START.finditer(args):
            if m.group(1).lower() in FILTERS:
                last = m
        if last is None:
            return
        attr, value = FILTERS[last.group(1).lower()], args[last.end():]
        if attr in FILTER_FIELDS:
            yield from self._values(FILTER_FIELDS[attr], value, quote=True)
        elif attr in ("since", "until"):
            yield from _dates(value, quote=False)


def _dates(typed: str, quote: bool) -> Iterable[Completion]:
    prefix = typed.lstrip(QUOTES)
    for word in DATE_WORDS:
        if word.startswith(prefix):
            yield Completion(quote_value(word) if quote else word, -len(typed),
                             display_meta="date")
