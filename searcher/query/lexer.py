"""Query text -> tokens: words, phrases, operators, parentheses and ``field:value``.

A field's value is lexed by that field's rules (a date value may be a range or a
comparison; other fields may not), so the parser never re-reads text. The lexer
adds a note for each repair it makes (an unclosed quote, an unknown field).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import QuerySyntaxError
from ..schema import AUTHORS, BODY, ID, PUBLISHED, SOURCE, TAGS, TITLE
from .dates import COMPARISON, DATE_HINT, small_int

MAX_PROXIMITY = 1000
"""The largest ``"a b"~N`` the language accepts (larger N is this)."""

FIELD_NAMES: dict[str, str] = {
    "title": TITLE, "body": BODY, "tag": TAGS, "tags": TAGS, "author": AUTHORS,
    "authors": AUTHORS, "source": SOURCE, "date": PUBLISHED, "published": PUBLISHED,
    "id": ID,
}
FIELD_LIST = "title, body, tag, author, source, date, id"


_SPACE = re.compile(r"\s+")
_RUN = re.compile(r"[^\s()]+")
_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?=[^\s)])")
OPEN_QUOTES = "\"“”„"
_CLOSE_QUOTE = re.compile("[\"”“]")
_SLOP = re.compile(r"~(\d*)")
_RANGE_END = re.compile(r"[\]}]")
_WORDLIKE = re.compile(r"\w")


@dataclass
class Token:
    kind: str  # ( ) AND OR NOT + - FIELD WORD PHRASE DATE RANGE
    pos: int
    end: int
    text: str = ""  # the value (phrase/date contents, field name, word)
    slop: int | None = None
    op: str = ""  # DATE comparison; RANGE brackets
    value_pos: int = 0


class Lexer:
    """Splits the query into tokens; field values are lexed by their field's rules."""

    def __init__(self, text: str, norm: str, notes: list[str]) -> None:
        self.text, self.s, self.notes = text, norm, notes
        self.toks: list[Token] = []

    def error(self, message: str, pos: int, hint: str) -> QuerySyntaxError:
        return QuerySyntaxError(message, query=self.text, position=pos, hint=hint)

    def run(self) -> list[Token]:
        s, n, i = self.s, len(self.s), 0
        while True:
            m = _SPACE.match(s, i)
            if m:
                i = m.end()
            if i >= n:
                return self.toks
            c = s[i]
            if c in "()":
                self.toks.append(Token(c, i, i + 1, c))
                i += 1
            elif c in OPEN_QUOTES:
                i = self.phrase(i)
            elif s.startswith("&&", i) or s.startswith("||", i):
                self.toks.append(Token("AND" if c == "&" else "OR", i, i + 2, s[i:i + 2]))
                i += 2
            elif c in "+-!" and i + 1 < n and self.starts_term(s[i + 1], c):
                self.toks.append(Token("NOT" if c == "!" else c, i, i + 1, c))
                i += 1
            else:
                i = self.word_or_field(i)

    @staticmethod
    def starts_term(c: str, op: str) -> bool:
        if c == "(" or c in OPEN_QUOTES:
            return True
        return bool(_WORDLIKE.match(c)) and not (op in "+-" and c.isdigit())

    def word_or_field(self, i: int) -> int:
        s = self.s
        m = _FIELD.match(s, i)
        if m:
            name, j = m.group(1), m.end()
            canon = FIELD_NAMES.get(name.lower())
            if canon is not None:
                self.toks.append(Token("FIELD", i, j, canon))
                return self.value(j, canon, name)
            self.toks.append(Token("WORD", i, i + len(name), name))
            if s[j] != "/":  # URLs are text, not a typo'd field
                close = difflib.get_close_matches(name.lower(), FIELD_NAMES, n=1)
                guess = f" (did you mean {close[0]}:?)" if close else ""
                self.notes.append(f"{name}: is not a field{guess}, so it was searched as "
                                  f"words; the fields are {FIELD_LIST}.")
            return j
        m = _RUN.match(s, i)
        assert m is not None  # i is at a non-space, non-paren character
        word = m.group()
        if word in ("AND", "OR", "NOT"):
            self.toks.append(Token(word, i, m.end(), word))
        else:
            if word.endswith(":") and word[:-1].lower() in FIELD_NAMES:
                self.notes.append(f"{word} has no value right after the colon, so it was "
                                  f"searched as a word (write {word}value).")
            self.toks.append(Token("WORD", i, m.end(), word))
        return m.end()

    def phrase(self, i: int) -> int:
        s = self.s
        m = _CLOSE_QUOTE.search(s, i + 1)
        if m is None:
            self.notes.append(f"The quote at position {i + 1} was not closed, so it was "
                              "closed at the end of the query.")
            self.toks.append(Token("PHRASE", i, len(s), s[i + 1:]))
            return len(s)
        tok = Token("PHRASE", i, m.end(), s[i + 1:m.start()])
        sm = _SLOP.match(s, m.end())
        if sm:
            tok.end = sm.end()
            if sm.group(1):
                tok.slop = small_int(sm.group(1), MAX_PROXIMITY)
        self.toks.append(tok)
        return tok.end

    def value(self, j: int, fieldname: str, name: str) -> int:
        """Lexes the value right after ``name:``; a ``(`` is left to the main loop."""
        s, c = self.s, self.s[j]
        if c == "(":
            return j
        if fieldname != PUBLISHED:
            if c in "[{":
                raise self.error(f"ranges only work on dates, not on {name}:", j,
                                 "write date:[2020-10-01 TO 2020-10-31]")
            if c in OPEN_QUOTES:
                return self.phrase(j)
            m = _RUN.match(s, j)
            assert m is not None
            self.toks.append(Token("WORD", j, m.end(), m.group()))
            return m.end()
        if c in "[{":
            m = _RANGE_END.search(s, j + 1)
            if m is None:
                raise self.error(f"missing ] to close the date range of {name}:", j,
                                 "write date:[2020-10-01 TO 2020-10-31]")
            self.toks.append(Token("RANGE", j, m.end(), s[j + 1:m.start()],
                                  op=c + m.group(), value_pos=j + 1))
            return m.end()
        cm = COMPARISON.match(s, j)
        op = cm.group() if cm else ""
        k = j + len(op)
        if k < len(s) and s[k] in OPEN_QUOTES:
            m = _CLOSE_QUOTE.search(s, k + 1)
            if m is None:
                self.notes.append(f"The quote at position {k + 1} was not closed, so it was "
                                  "closed at the end of the query.")
            end = m.start() if m else len(s)
            self.toks.append(Token("DATE", j, m.end() if m else end, s[k + 1:end], op=op,
                                  value_pos=k + 1))
            return m.end() if m else end
        m = _RUN.match(s, k)
        if m is None:
            raise self.error(f"{name}:{op} needs a date after it", j, DATE_HINT)
        self.toks.append(Token("DATE", j, m.end(), m.group(), op=op, value_pos=k))
        return m.end()


