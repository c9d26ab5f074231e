"""Syntax highlighting for the prompt line, and how to quote a value in the query language.

A deliberately light tokenizer, not the parser (the query package owns the language): it
only has to colour what the user is typing, on every keystroke, and never fail.
It marks operators, ``field:`` names, phrases, ranges and wildcards, and flags what
will surprise the user as an error: a quote or ``[`` left open, a parenthesis
without its partner. The parser stays lenient about some of these; the colour is
a hint, the parser decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer

from ..query import FIELD_NAMES

QUOTES = "\"“”„"
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<phrase>["“”„][^"“”]*["”“](?:~\d*)?)
  | (?P<open_quote>["“”„].*)
  | (?P<paren>[()])
  | (?P<operator>(?:&&|\|\||AND|OR|NOT)(?=[\s()]|$)|[+\-!](?=[^\W\d]|[(\"“”„]))
  | (?P<field>[A-Za-z_][A-Za-z0-9_]*:(?=[^\s)]))
  | (?P<range>[\[{][^\]}]*[\]}])
  | (?P<open_range>[\[{].*)
  | (?P<word>[^\s()"“”„]+)
""", re.VERBOSE | re.DOTALL)
_WILDCARD = re.compile(r"[*?]|~\d*$")
_UNSAFE = re.compile(r"[\s()\[\]{}\"“”„^]|^[+\-!]|^(?:AND|OR|NOT)$|^&&$|^\|\|$")

OPERATOR = "class:query.operator"
FIELD = "class:query.field"
PHRASE = "class:query.phrase"
WILDCARD = "class:query.wildcard"
RANGE = "class:query.range"
PAREN = "class:query.paren"
ERROR = "class:query.error"
COMMAND = "class:query.command"
ARGUMENT = "class:query.argument"


def tokens(text: str, fields: frozenset[str] = frozenset(FIELD_NAMES)) -> StyleAndTextTuples:
    """``text`` as (style, fragment) pairs whose fragments concatenate back to ``text``.

    ``fields`` are the names that get the field style (case-insensitive); an unknown
    ``name:`` is searched as words, so it stays plain.
    """
    out: StyleAndTextTuples = []
    opened: list[int] = []  # indexes in `out` of "(" not closed yet
    for m in _TOKEN.finditer(text):
        kind, frag = m.lastgroup, m.group()
        style = ""
        if kind == "paren":
            style = PAREN
            if frag == "(":
                opened.append(len(out))
            elif opened:
                opened.pop()
            else:
                style = ERROR
        elif kind == "operator":
            style = OPERATOR
        elif kind == "field":
            style = FIELD if frag[:-1].lower() in fields else ""
        elif kind in ("phrase", "range"):
            style = PHRASE if kind == "phrase" else RANGE
        elif kind in ("open_quote", "open_range"):
            style = ERROR
        elif kind == "word" and _WILDCARD.search(frag):
            style = WILDCARD
        out.append((style, frag))
    for i in opened:
        out[i] = (ERROR, out[i][1])
    return out


def command_tokens(text: str, commands: frozenset[str]) -> StyleAndTextTuples:
    """A ``:command args`` line: the command name styled (an unknown one as an error)."""
    m = re.match(r"(\s*)(\S+)(.*)", text, re.DOTALL)
    if m is None:
        return [("", text)]
    lead, name, rest = m.groups()
    return [("", lead), (COMMAND if name in commands else ERROR, name), (ARGUMENT, rest)]


class QueryLexer(Lexer):
    """Colours the prompt line: queries by :func:`tokens`, command lines by name."""

    def __init__(self, commands: frozenset[str]) -> None:
        self.commands = commands

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        lines = document.lines

        def line(lineno: int) -> StyleAndTextTuples:
            if lineno >= len(lines):
                return []
            text = lines[lineno]
            if text.lstrip().startswith(":"):
                return command_tokens(text, self.commands)
            return tokens(text)

        return line


def quote_value(value: str) -> str:
    """A tag/author/source value as the query language reads it back as one value:
    quoted when it has spaces, parentheses, quotes, a ``^`` (a boost) or looks like an
    operator."""
    return f'"{value}"' if _UNSAFE.search(value) else value


def current_token(text: str) -> str:
    """The token the cursor is in: from the last space or parenthesis outside quotes."""
    start, quoted = 0, False
    for i, c in enumerate(text):
        if c in QUOTES:
            quoted = not quoted
        elif not quoted and (c.isspace() or c in "()"):
            start = i + 1
    return text[start:]
