"""Query text -> tokens: words, phrases, operators, parentheses and ``field:value``,
each with its boost (``oil^2``, ``"oil prices"^2``, ``title:oil^2``, ``(a OR b)^2``).

A field's value is lexed by that field's rules (a date value may be a range or a
comparison; other fields may not), so the parser never re-reads text. The lexer
adds a note for each repair it makes (an unclosed quote, an unknown field).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import QuerySyntaxError, shown
from ..schema import AUTHORS, BODY, ID, PUBLISHED, SOURCE, TAGS, TITLE
from .dates import COMPARISON, DATE_HINT, small_int

MAX_PROXIMITY = 1000
"""The largest ``"a b"~N`` the language accepts (larger N is this)."""
MAX_BOOST = 1000.0
"""The largest ``word^N`` the language accepts: a larger factor says nothing more about
the ranking, and 1e308 would overflow the scores to infinity."""
BOOST_HINT = f"write a number above 0 and at most {MAX_BOOST:,.0f} right after ^, as in oil^2"

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
_BOOST_VALUE = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_BOOST_TEXT = re.compile(r"\^[^\s()]*")


@dataclass
class Token:
    kind: str  # ( ) AND OR NOT + - FIELD WORD PHRASE DATE RANGE
    pos: int
    end: int
    text: str = ""  # the value (phrase/date contents, field name, word)
    slop: int | None = None
    op: str = ""  # DATE comparison; RANGE brackets
    value_pos: int = 0
    boost: float = 1.0  # word^N, "phrase"^N, field:value^N, (group)^N


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
                i = self.boost_after(i + 1) if c == ")" else i + 1
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
                self.notes.append(f"{shown(name, False)}: is not a field{guess}, so it was "
                                  f"searched as words; the fields are {FIELD_LIST}.")
            return j
        word, head_end, end, boost = self.word_run(i)
        if word in ("AND", "OR", "NOT") and head_end == end:
            self.toks.append(Token(word, i, end, word))
        else:
            if word.endswith(":") and word[:-1].lower() in FIELD_NAMES:
                self.notes.append(f"{word} has no value right after the colon, so it was "
                                  f"searched as a word (write {word}value).")
            self.toks.append(Token("WORD", i, head_end, word, boost=boost))
        return end

    def word_run(self, i: int) -> tuple[str, int, int, float]:
        """The run of text at ``i`` (up to a space or parenthesis) as (word, where the
        word ends, where the run ends, boost): ``oil^2`` is the word oil boosted 2. A
        run that starts with ``^`` is a word (``^`` there boosts nothing)."""
        m = _RUN.match(self.s, i)
        assert m is not None  # i is at a non-space, non-paren character
        run = m.group()
        lead = len(run) - len(run.lstrip("^"))
        caret = run.find("^", lead + 1) if lead < len(run) else -1
        if caret < 0:
            return run, m.end(), m.end(), 1.0
        return run[:caret], i + caret, m.end(), self.boost_value(i + caret, m.end())

    def boost_after(self, j: int) -> int:
        """A ``^N`` right after the token just lexed (a phrase, a range, a ``)``) boosts
        it; returns where the next token starts."""
        if j >= len(self.s) or self.s[j] != "^":
            return j
        m = _BOOST_TEXT.match(self.s, j)
        assert m is not None
        self.toks[-1].boost = self.boost_value(j, m.end())
        return m.end()

    def boost_value(self, caret: int, end: int) -> float:
        """The factor of the ``^...`` from ``caret`` to ``end``; anything but a number
        above 0 and at most :data:`MAX_BOOST` is an error at the ``^``."""
        typed = self.text[caret:end][:40]
        if end == caret + 1:
            raise self.error("a boost needs a number after ^", caret, BOOST_HINT)
        if not _BOOST_VALUE.fullmatch(self.s, caret + 1, end):
            raise self.error(f"{typed} is not a boost (a number after ^)", caret, BOOST_HINT)
        value = float(self.s[caret + 1:end])
        if not 0 < value <= MAX_BOOST:
            raise self.error(f"{typed} is not a boost above 0 and at most {MAX_BOOST:,.0f}",
                             caret, BOOST_HINT)
        return value

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
        return self.boost_after(tok.end)

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
            word, head_end, end, boost = self.word_run(j)
            self.toks.append(Token("WORD", j, head_end, word, boost=boost))
            return end
        if c in "[{":
            m = _RANGE_END.search(s, j + 1)
            if m is None:
                raise self.error(f"missing ] to close the date range of {name}:", j,
                                 "write date:[2020-10-01 TO 2020-10-31]")
            self.toks.append(Token("RANGE", j, m.end(), s[j + 1:m.start()],
                                  op=c + m.group(), value_pos=j + 1))
            return self.boost_after(m.end())
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
            return self.boost_after(m.end()) if m else end
        if _RUN.match(s, k) is None:
            raise self.error(f"{name}:{op} needs a date after it", j, DATE_HINT)
        word, head_end, end, boost = self.word_run(k)
        self.toks.append(Token("DATE", j, head_end, word, op=op, value_pos=k, boost=boost))
        return end


