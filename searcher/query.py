r"""User query text and filter options -> a Whoosh query.

A small tokenizer and recursive-descent parser build ``whoosh.query`` objects
directly instead of configuring Whoosh's QueryParser: that makes the parser
total (any string gives a :class:`ParsedQuery` or a :class:`QuerySyntaxError`
with a position), and it fixes three Whoosh traps at their source: ``a NOT b``
(WHOOSH-NOTES 5), ISO date ranges (2) and fuzzy terms on stemmed fields (3).

The language (Lucene/Elasticsearch habits carry over)
-----------------------------------------------------
- Words are searched in title and body, stemmed, case- and accent-insensitive.
  A word the analyzer splits (``Nagorno-Karabakh``, ``10:30``) is a phrase of
  its parts. Stop words and punctuation are ignored.
- ``"missile strike"`` is a phrase (words in order); ``"armenia ceasefire"~5``
  finds the words within 5 words of each other, in either order.
- ``AND``/``&&``, ``OR``/``||``, ``NOT``/``!``/``-word``, ``+word``, ``( )``.
  Operators are uppercase (``and``/``or`` are words). AND binds tighter than OR.
- Words side by side use the default operator: articles with any of the words
  match, ranked by BM25F (engine/scoring.py: more of the words, rarer words and
  words in the title rank higher; an all-words clause, off by default).
  ``+word`` must match (the other words then only rank).
- Exclusion applies to its group (the enclosing parentheses or the whole query),
  as in Lucene: ``a NOT b``, ``a -b c``, ``a OR NOT b`` and ``a NOT b OR c`` never
  return articles containing b. Only ``x AND NOT y`` is local to its AND.
  A group with nothing but exclusions matches every other article.
- ``field:value`` with the value directly after the colon: ``title:``, ``body:``,
  ``tag:``/``tags:``, ``author:``/``authors:``, ``source:``, ``date:``/``published:``,
  ``id:`` (field names are case-insensitive); ``title:(missile OR rocket)``
  scopes a group. Tag, author and source values are whole values:
  ``tag:"Mike Pompeo"`` (quote values with spaces). Tag/author/source/date
  clauses beside words restrict the result (``missile date:2020-10`` is the
  missile articles of October 2020) instead of widening it.
- ``missil*`` and ``wom?n`` expand against the index's unstemmed words;
  ``pompeo~`` / ``pompeo~1`` are fuzzy (edit distance 0-2; bare ``~`` picks it
  from the word length). Expansions are capped at :data:`EXPANSION_LIMIT`, most
  frequent first. A ``?`` at the end of a word is punctuation (questions are
  text). ``*`` alone matches everything (beside words: everything, ranked by
  the words). A wildcard word the analyzer splits (``nagorno-kar*``) becomes
  its parts, all required.
- Dates: ``date:2020``, ``date:2020-10``, ``date:2020-10-05``, ``date:2020-10-05T14:30``,
  ``date:[2020-10-01 TO 2020-10-31]`` (``[ ]`` include the whole end days,
  ``{ }`` exclude them, ``*`` is open), ``date:>=2020-10-01``, ``date:<2021``,
  ``date:today``, ``date:yesterday``, ``date:"this week"``, ``date:"last week"``
  (the previous Monday-Sunday; likewise month and year), ``date:"last 30 days"``
  (rolling), ``date:>now-7d`` (units h d w m y; m is months). A bare moment
  ``date:now-7d`` means from then until now. All times are naive UTC.

Leniency (one rule per case; each repair adds a sentence to ``notes``)
------------------------------------------------------------------------
- Natural-language text never raises: punctuation, apostrophes and quotes
  inside words, ``U.S.``, ``50%``, slashes, emoji and control characters are
  searched as the words they contain; ``-``/``+`` before a digit belong to the
  number (``-5``), and a lone ``-`` or ``!`` is punctuation. Text with nothing
  searchable (stop words only) gives ``NullQuery`` (no results) and a note.
- ``name:value`` with an unknown name is searched as the words name and value
  (a note lists the fields). A known field not followed directly by a value
  (``title: missile``) is searched as a word too.
- An unbalanced ``"`` is closed at the end of the query.
- A binary operator with nothing on one side (``missile AND``, ``OR rocket``,
  ``(a OR)``) and a NOT with nothing after it are ignored.
- Unbalanced parentheses: without AND/OR in the query they only group words,
  so an unmatched ``)`` is ignored and an unclosed ``(`` is closed at the end.
  With AND/OR, where a group ends changes the meaning, so it is an error.
- Errors (``QuerySyntaxError`` with a 0-based position and a hint): unbalanced
  parentheses with AND/OR, two binary operators in a row, a bad date or date
  range, a range on a non-date field, nesting deeper than :data:`MAX_DEPTH`.
- Bounded cost (each cap that bites adds a note): a query longer than
  :data:`MAX_QUERY_CHARS` characters is an error; only the first :data:`MAX_LEAVES`
  words, :data:`MAX_EXPANDED_LEAVES` wildcard/fuzzy words (up to
  :data:`EXPANSION_LIMIT` index words each) and :data:`MAX_PHRASE_LEAVES` phrases
  (later ones: all their words) are searched; a clause repeated is searched once;
  expansion itself is bounded (``expansion.py``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from whoosh import query as wq
from whoosh.support.charset import accent_map

from .engine.scoring import ALL_WORDS_BOOST, ALL_WORDS_MAX_CLAUSES
from .errors import InvalidArgumentError, QuerySyntaxError
from .expansion import (
    MAX_FUZZY_WORD_LENGTH,
    MAX_PATTERN_STARS,
    Matches,
    match_fuzzy,
    match_pattern,
    star_count,
)
from .models import QueryTerm
from .query_dates import DATE_HINT, DATE_TRIM, TICK, date_span, small_int, utc
from .sanitize import blank_for_query
from .schema import (
    AUTHORS,
    BODY,
    ID,
    PUBLISHED,
    SOURCE,
    SPELLING_PREFIX,
    TAGS,
    TITLE,
    normalize_keyword,
    text_analyzer,
)

Query = Any  # whoosh.query.Query (Whoosh ships no type hints)
IndexReader = Any  # whoosh.reading.IndexReader

# Relevance knobs (bench/eval.py tunes these; the all-words clause's live in engine/scoring.py).
DEFAULT_FIELDS: tuple[str, ...] = (TITLE, BODY)

# Expansion and safety limits.
EXPANSION_LIMIT = 64
FUZZY_PREFIX_LENGTH = 1
"""Fuzzy candidates share this many first letters: typos rarely hit the first one."""
MAX_FUZZY_DISTANCE = 2
MAX_PROXIMITY = 1000
MAX_LEAVES = 1024
MAX_DEPTH = 40
MAX_QUERY_CHARS = 10_000
"""A longer query is an error: no one types it, and every part of it costs time."""
MAX_EXPANDED_LEAVES = 8
"""Wildcard and fuzzy words expanded per query (each reaches up to EXPANSION_LIMIT
words); later ones are left out with a note."""
MAX_PHRASE_LEAVES = 64
"""Phrases checked word by word per query; later ones are searched as all their words."""

FIELD_NAMES: dict[str, str] = {
    "title": TITLE, "body": BODY, "tag": TAGS, "tags": TAGS, "author": AUTHORS,
    "authors": AUTHORS, "source": SOURCE, "date": PUBLISHED, "published": PUBLISHED,
    "id": ID,
}
_FIELD_LIST = "title, body, tag, author, source, date, id"

_TEXT = text_analyzer()
_PLAIN = text_analyzer(stem=False)


@dataclass(frozen=True)
class ParsedQuery:
    """What search runs: ``query`` scores and matches; ``match_all`` marks ``*`` or
    empty text (every article, so filters alone browse); ``terms`` are the positive
    leaves in index terms (snippets, why-matched); ``notes`` say what lenient
    parsing assumed, one sentence each."""

    query: Query
    match_all: bool
    terms: tuple[QueryTerm, ...]
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- tokens

_SPACE = re.compile(r"\s+")
_RUN = re.compile(r"[^\s()]+")
_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?=[^\s)])")
_OPEN_QUOTES = "\"“”„"
_CLOSE_QUOTE = re.compile("[\"”“]")
_SLOP = re.compile(r"~(\d*)")
_RANGE_END = re.compile(r"[\]}]")
_COMPARISON = re.compile(r">=|<=|>|<|=")
_WORDLIKE = re.compile(r"\w")


@dataclass
class _Tok:
    kind: str  # ( ) AND OR NOT + - FIELD WORD PHRASE DATE RANGE
    pos: int
    end: int
    text: str = ""  # the value (phrase/date contents, field name, word)
    slop: int | None = None
    op: str = ""  # DATE comparison; RANGE brackets
    value_pos: int = 0


class _Lexer:
    """Splits the query into tokens; field values are lexed by their field's rules."""

    def __init__(self, text: str, norm: str, notes: list[str]) -> None:
        self.text, self.s, self.notes = text, norm, notes
        self.toks: list[_Tok] = []

    def error(self, message: str, pos: int, hint: str) -> QuerySyntaxError:
        return QuerySyntaxError(message, query=self.text, position=pos, hint=hint)

    def run(self) -> list[_Tok]:
        s, n, i = self.s, len(self.s), 0
        while True:
            m = _SPACE.match(s, i)
            if m:
                i = m.end()
            if i >= n:
                return self.toks
            c = s[i]
            if c in "()":
                self.toks.append(_Tok(c, i, i + 1, c))
                i += 1
            elif c in _OPEN_QUOTES:
                i = self.phrase(i)
            elif s.startswith("&&", i) or s.startswith("||", i):
                self.toks.append(_Tok("AND" if c == "&" else "OR", i, i + 2, s[i:i + 2]))
                i += 2
            elif c in "+-!" and i + 1 < n and self.starts_term(s[i + 1], c):
                self.toks.append(_Tok("NOT" if c == "!" else c, i, i + 1, c))
                i += 1
            else:
                i = self.word_or_field(i)

    @staticmethod
    def starts_term(c: str, op: str) -> bool:
        if c == "(" or c in _OPEN_QUOTES:
            return True
        return bool(_WORDLIKE.match(c)) and not (op in "+-" and c.isdigit())

    def word_or_field(self, i: int) -> int:
        s = self.s
        m = _FIELD.match(s, i)
        if m:
            name, j = m.group(1), m.end()
            canon = FIELD_NAMES.get(name.lower())
            if canon is not None:
                self.toks.append(_Tok("FIELD", i, j, canon))
                return self.value(j, canon, name)
            self.toks.append(_Tok("WORD", i, i + len(name), name))
            if s[j] != "/":  # URLs are text, not a typo'd field
                close = difflib.get_close_matches(name.lower(), FIELD_NAMES, n=1)
                guess = f" (did you mean {close[0]}:?)" if close else ""
                self.notes.append(f"{name}: is not a field{guess}, so it was searched as "
                                  f"words; the fields are {_FIELD_LIST}.")
            return j
        m = _RUN.match(s, i)
        assert m is not None  # i is at a non-space, non-paren character
        word = m.group()
        if word in ("AND", "OR", "NOT"):
            self.toks.append(_Tok(word, i, m.end(), word))
        else:
            if word.endswith(":") and word[:-1].lower() in FIELD_NAMES:
                self.notes.append(f"{word} has no value right after the colon, so it was "
                                  f"searched as a word (write {word}value).")
            self.toks.append(_Tok("WORD", i, m.end(), word))
        return m.end()

    def phrase(self, i: int) -> int:
        s = self.s
        m = _CLOSE_QUOTE.search(s, i + 1)
        if m is None:
            self.notes.append(f"The quote at position {i + 1} was not closed, so it was "
                              "closed at the end of the query.")
            self.toks.append(_Tok("PHRASE", i, len(s), s[i + 1:]))
            return len(s)
        tok = _Tok("PHRASE", i, m.end(), s[i + 1:m.start()])
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
            if c in _OPEN_QUOTES:
                return self.phrase(j)
            m = _RUN.match(s, j)
            assert m is not None
            self.toks.append(_Tok("WORD", j, m.end(), m.group()))
            return m.end()
        if c in "[{":
            m = _RANGE_END.search(s, j + 1)
            if m is None:
                raise self.error(f"missing ] to close the date range of {name}:", j,
                                 "write date:[2020-10-01 TO 2020-10-31]")
            self.toks.append(_Tok("RANGE", j, m.end(), s[j + 1:m.start()],
                                  op=c + m.group(), value_pos=j + 1))
            return m.end()
        cm = _COMPARISON.match(s, j)
        op = cm.group() if cm else ""
        k = j + len(op)
        if k < len(s) and s[k] in _OPEN_QUOTES:
            m = _CLOSE_QUOTE.search(s, k + 1)
            if m is None:
                self.notes.append(f"The quote at position {k + 1} was not closed, so it was "
                                  "closed at the end of the query.")
            end = m.start() if m else len(s)
            self.toks.append(_Tok("DATE", j, m.end() if m else end, s[k + 1:end], op=op,
                                  value_pos=k + 1))
            return m.end() if m else end
        m = _RUN.match(s, k)
        if m is None:
            raise self.error(f"{name}:{op} needs a date after it", j, DATE_HINT)
        self.toks.append(_Tok("DATE", j, m.end(), m.group(), op=op, value_pos=k))
        return m.end()


# --------------------------------------------------------------------------- syntax tree

@dataclass
class _Leaf:
    query: Query | None  # None: nothing searchable (stop words); NullQuery: matches nothing
    terms: tuple[QueryTerm, ...] = ()
    filter: bool = False  # a tag/author/source/date/id clause: restricts, never widens


@dataclass
class _Not:
    child: _Node


@dataclass
class _Req:
    child: _Node


@dataclass
class _And:
    children: list[_Node]


@dataclass
class _Or:
    children: list[_Node]


@dataclass
class _Group:
    clauses: list[_Node] = field(default_factory=list)


_Node = _Leaf | _Not | _Req | _And | _Or | _Group


@dataclass(frozen=True)
class _Scope:
    kind: str  # text, keyword, id, date
    fields: tuple[str, ...]


_DEFAULT_SCOPE = _Scope("text", DEFAULT_FIELDS)
_SCOPES = {TITLE: _Scope("text", (TITLE,)), BODY: _Scope("text", (BODY,)),
           TAGS: _Scope("keyword", (TAGS,)), AUTHORS: _Scope("keyword", (AUTHORS,)),
           SOURCE: _Scope("keyword", (SOURCE,)), ID: _Scope("id", (ID,)),
           PUBLISHED: _Scope("date", (PUBLISHED,))}


class _Parser:
    """Recursive descent: group := clause*; clause := or; or := and (OR and)*;
    and := unary (AND unary)*; unary := (NOT|!|-|+)* primary;
    primary := ( group ) | field:value | "phrase" | word."""

    def __init__(self, text: str, norm: str, reader: IndexReader, now: datetime) -> None:
        self.text, self.reader, self.now = text, reader, now
        self.notes: list[str] = []
        self.toks = self.balance(_Lexer(text, norm, self.notes).run())
        self.i = 0
        self.depth = 0
        self.leaves = 0
        self.expanded = 0  # wildcard/fuzzy leaves expanded
        self.left_out: list[str] = []  # wildcard/fuzzy leaves past MAX_EXPANDED_LEAVES
        self.phrases = 0
        self.scope = _DEFAULT_SCOPE

    def error(self, message: str, pos: int, hint: str = "") -> QuerySyntaxError:
        return QuerySyntaxError(message, query=self.text, position=pos, hint=hint)

    def balance(self, toks: list[_Tok]) -> list[_Tok]:
        binary = any(t.kind in ("AND", "OR") for t in toks)
        opened: list[int] = []
        stray: list[int] = []
        for k, t in enumerate(toks):
            if t.kind == "(":
                opened.append(k)
            elif t.kind == ")":
                if opened:
                    opened.pop()
                else:
                    stray.append(k)
        if not opened and not stray:
            return toks
        if binary:
            if stray and (not opened or stray[0] < opened[0]):
                raise self.error(") has no matching (", toks[stray[0]].pos,
                                 "remove it or add a ( before it")
            raise self.error("missing ) to close the group opened here", toks[opened[-1]].pos,
                             "add a ) where the group ends")
        for k in stray:
            self.notes.append(f"The unmatched ) at position {toks[k].pos + 1} was ignored.")
        for k in opened:
            self.notes.append(f"The ( at position {toks[k].pos + 1} was closed at the end "
                              "of the query.")
        end = len(self.text)
        dropped = set(stray)
        return [t for k, t in enumerate(toks) if k not in dropped] + [
            _Tok(")", end, end, ")") for _ in opened]

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def group(self) -> _Group:
        clauses: list[_Node] = []
        while (t := self.peek()) is not None and t.kind != ")":
            if t.kind in ("AND", "OR"):
                self.notes.append(f"The {t.text} at position {t.pos + 1} has nothing before "
                                  "it, so it was ignored.")
                self.i += 1
                continue
            node = self.or_()
            if node is not None:
                clauses.append(node)
        return _Group(clauses)

    def missing_operand(self, op: _Tok) -> bool:
        """True (and a note) when nothing follows a binary operator in its group."""
        t = self.peek()
        if t is None or t.kind == ")":
            self.notes.append(f"The {op.text} at position {op.pos + 1} has nothing after it, "
                              "so it was ignored.")
            return True
        if t.kind in ("AND", "OR"):
            raise self.error(f"{t.text} cannot follow {op.text}", t.pos,
                             "put a word between them or remove one")
        return False

    def or_(self) -> _Node | None:
        children = [self.and_()]
        while (t := self.peek()) is not None and t.kind == "OR":
            op = self.take()
            if self.missing_operand(op):
                break
            children.append(self.and_())
        kept = [c for c in children if c is not None]
        return None if not kept else kept[0] if len(kept) == 1 else _Or(kept)

    def and_(self) -> _Node | None:
        children = [self.unary()]
        while (t := self.peek()) is not None and t.kind == "AND":
            op = self.take()
            if self.missing_operand(op):
                break
            children.append(self.unary())
        kept = [c for c in children if c is not None]
        return None if not kept else kept[0] if len(kept) == 1 else _And(kept)

    def unary(self) -> _Node | None:
        negate = required = False
        while (t := self.peek()) is not None and t.kind in ("NOT", "-", "+"):
            self.i += 1
            if t.kind == "+":
                required = True
            else:
                negate = not negate
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "AND", "OR"):
                self.notes.append(f"The {t.text} at position {t.pos + 1} has nothing after "
                                  "it, so it was ignored.")
                return None
        node = self.primary()
        if node is None:
            return None
        return _Not(node) if negate else _Req(node) if required else node

    def primary(self) -> _Node | None:
        t = self.take()
        if t.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error("the query nests parentheses too deeply", t.pos,
                                 f"use at most {MAX_DEPTH} levels")
            node = self.group()
            self.take()  # the ")" (balance() guarantees it)
            self.depth -= 1
            return node if node.clauses else None
        if t.kind == "FIELD":
            outer, self.scope = self.scope, _SCOPES[t.text]
            try:
                return self.primary()
            finally:
                self.scope = outer
        return self.leaf(t)

    # ---------------------------------------------------------------- leaves

    def leaf(self, t: _Tok) -> _Leaf:
        if self.leaves >= MAX_LEAVES:
            if self.leaves == MAX_LEAVES:
                self.notes.append(f"The query is long: only its first {MAX_LEAVES} words "
                                  "were searched.")
                self.leaves += 1
            return _Leaf(None)
        self.leaves += 1
        label = self.text[t.pos:t.end]
        scope = self.scope
        if scope.kind == "date" or t.kind in ("DATE", "RANGE"):
            return _Leaf(self.date_leaf(t), filter=True)
        filt = scope.kind != "text"
        if t.kind == "PHRASE":
            if scope.kind == "text":
                return self.phrase_leaf(t.text, label, t.slop)
            return self.value_leaf(t.text, label, filt)
        return self.word_leaf(t.text, label)

    def word_leaf(self, raw: str, label: str) -> _Leaf:
        scope = self.scope
        filt = scope.kind != "text"
        fuzzy = re.fullmatch(r"(.+?)~(\d+(?:\.\d*)?)?", raw)
        if fuzzy:
            return self.fuzzy_leaf(fuzzy.group(1), fuzzy.group(2), raw, label)
        core = raw.rstrip("?.,;:!")
        if "*" in core or "?" in core:
            if not core.strip("*?"):
                # id:* is every article (each has an id): no walk over every id term
                everything = wq.Every() if scope.kind in ("text", "id") \
                    else wq.Every(scope.fields[0])
                return _Leaf(everything, filter=filt)
            return self.pattern_leaf(core, raw, label)
        return self.value_leaf(raw, label, filt)

    def value_leaf(self, raw: str, label: str, filt: bool) -> _Leaf:
        """A plain value: analyzed words for text, one whole value for keywords."""
        scope = self.scope
        if scope.kind == "text":
            return self.phrase_leaf(raw, label, None)
        value = raw if scope.kind == "id" else normalize_keyword(raw)
        if not value:
            return _Leaf(None, filter=filt)
        f = scope.fields[0]
        return _Leaf(wq.Term(f, value), (QueryTerm(f, "keyword", label, (value,)),), filt)

    def phrase_leaf(self, raw: str, label: str, slop: int | None) -> _Leaf:
        words = tuple(w for w, _s, _e in _TEXT.terms(raw))
        if not words:
            return _Leaf(None)
        if len(words) > 1:
            self.phrases += 1
            if self.phrases > MAX_PHRASE_LEAVES:
                if self.phrases == MAX_PHRASE_LEAVES + 1:
                    self.notes.append(f"The query has many phrases: after the first "
                                      f"{MAX_PHRASE_LEAVES}, each was searched as all of "
                                      "its words, in any order.")
                return _Leaf(_or([_and([wq.Term(f, w) for w in words])
                                  for f in self.scope.fields]),
                             tuple(QueryTerm(f, "term", label, (w,))
                                   for f in self.scope.fields for w in words))
        queries, terms = [], []
        for f in self.scope.fields:
            if len(words) == 1:
                queries.append(wq.Term(f, words[0]))
                terms.append(QueryTerm(f, "term", label, words))
            elif slop:  # Lucene proximity: within `slop` words, any order
                near = min(slop, MAX_PROXIMITY) + 1
                span = wq.SpanNear2([wq.Term(f, w) for w in words], slop=near, ordered=False)
                span.boost = 1.0  # Whoosh forgets it; Or.normalize() reads it
                queries.append(span)
                terms.append(QueryTerm(f, "phrase", label, words, near, ordered=False))
            else:
                queries.append(wq.Phrase(f, list(words)))
                terms.append(QueryTerm(f, "phrase", label, words))
        return _Leaf(_or(queries), tuple(terms))

    def fuzzy_leaf(self, base: str, dist_text: str | None, raw: str, label: str) -> _Leaf:
        scope = self.scope
        if scope.kind == "text":
            plain = [w for w, _s, _e in _PLAIN.terms(base)]
            word = plain[0] if len(plain) == 1 else _fold(base)
        else:
            word = base if scope.kind == "id" else normalize_keyword(base)
            if not word:
                return _Leaf(None, filter=True)
        if not re.fullmatch(r"\w+(\.\w+)*", word) and scope.kind == "text":
            self.notes.append(f"Fuzzy matching works on single words, so {raw} was searched "
                              "as written.")
            return self.value_leaf(base, label, False)
        if len(word) > MAX_FUZZY_WORD_LENGTH:
            self.notes.append(f"Fuzzy matching works on words of at most "
                              f"{MAX_FUZZY_WORD_LENGTH} characters, so {raw[:40]}… was "
                              "searched as written.")
            return self.value_leaf(base, label, scope.kind != "text")
        if not dist_text or "." in dist_text:
            dist = 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2
        else:
            dist = small_int(dist_text, MAX_FUZZY_DISTANCE)
            if dist > MAX_FUZZY_DISTANCE:
                self.notes.append(f"Fuzzy matching allows at most {MAX_FUZZY_DISTANCE} edits, "
                                  f"so {raw} was searched with {MAX_FUZZY_DISTANCE}.")
                dist = MAX_FUZZY_DISTANCE

        def matches(lexfield: str) -> Matches:
            return match_fuzzy(self.reader, lexfield, word, dist, FUZZY_PREFIX_LENGTH)

        return self.expanded_leaf("fuzzy", matches, label, raw)

    def pattern_leaf(self, core: str, raw: str, label: str) -> _Leaf:
        scope = self.scope
        pattern = core if scope.kind == "id" else (
            _fold(core) if scope.kind == "text" else normalize_keyword(core))
        if scope.kind == "text" and not re.fullmatch(r"[\w.*?]+", pattern):
            self.notes.append(f"Wildcards work within single words, so {raw} was searched "
                              "as separate words that must all match.")
            parts = [p for p in re.split(r"[^\w.*?]+", pattern) if p.strip("*?.")]
            leaves = [self.pattern_leaf(p, p, p) if re.search(r"[*?]", p)
                      else self.phrase_leaf(p, p, None) for p in parts]
            queries = [leaf.query for leaf in leaves if leaf.query is not None]
            if any(q is wq.NullQuery for q in queries):
                return _Leaf(wq.NullQuery)
            return _Leaf(_and(queries) if queries else None,
                         tuple(t for leaf in leaves for t in leaf.terms))
        pattern = re.sub(r"\*+", "*", pattern)
        if star_count(pattern) > MAX_PATTERN_STARS:
            self.notes.append(f"A wildcard word may hold at most {MAX_PATTERN_STARS} *, so "
                              f"{raw[:40]} was left out.")
            return _Leaf(None, filter=scope.kind != "text")
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        is_prefix = pattern == literal + "*"

        def matches(lexfield: str) -> Matches:
            return match_pattern(self.reader, lexfield, pattern)

        return self.expanded_leaf("prefix" if is_prefix else "wildcard", matches, label, raw)

    def expanded_leaf(self, kind: str, matches: Callable[[str], Matches], label: str,
                      raw: str) -> _Leaf:
        """ORs the index terms a pattern/fuzzy word reaches, most frequent first.

        Text fields are expanded against their unstemmed spelling words and each
        word is then stemmed: Whoosh's own fuzzy/prefix queries on a stemmed field
        compare the user's word with stems (WHOOSH-NOTES 3). Only the first
        MAX_EXPANDED_LEAVES of a query are expanded."""
        scope, reader = self.scope, self.reader
        filt = scope.kind != "text"
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_LEAVES:
            self.left_out.append(raw)
            return _Leaf(None, filter=filt)
        counts: dict[str, int] = {}
        total = 0
        for f in scope.fields:
            lexfield = f
            if scope.kind == "text" and SPELLING_PREFIX + f in reader.schema:
                lexfield = SPELLING_PREFIX + f
            if lexfield not in reader.schema:
                continue
            found = matches(lexfield)
            total = max(total, found.total)
            for w, df in found.words:
                counts[w] = counts.get(w, 0) + df
        if not counts:
            self.notes.append(f"No word in the index matches {label}.")
            return _Leaf(wq.NullQuery, filter=filt)
        # Most frequent words first; for text, their stems until EXPANSION_LIMIT differ.
        chosen: dict[str, None] = {}
        for w in sorted(counts, key=lambda w: (-counts[w], w)):
            term = _stem_one(w) if scope.kind == "text" else w
            if term:
                chosen[term] = None
                if len(chosen) == EXPANSION_LIMIT:
                    break
        if not chosen:
            self.notes.append(f"No word in the index matches {label}.")
            return _Leaf(wq.NullQuery, filter=filt)
        if (len(chosen) == EXPANSION_LIMIT and total > EXPANSION_LIMIT) \
                or total > len(counts):
            self.notes.append(f"{label} matches {total:,} words; only the "
                              f"{len(chosen)} most frequent were searched.")
        words = tuple(chosen)
        queries = [_or([wq.Term(f, w) for w in words]) for f in scope.fields]
        terms = tuple(QueryTerm(f, kind, label, words) for f in scope.fields)
        return _Leaf(_or(queries), terms, filt)

    def date_leaf(self, t: _Tok) -> Query:
        if t.kind == "RANGE":
            return self.range_query(t)
        if t.kind == "DATE":
            op, value, pos = t.op, t.text, t.value_pos
        else:  # a word or phrase inside date:( ... )
            m = _COMPARISON.match(t.text) if t.kind == "WORD" else None
            op = m.group() if m else ""
            value, pos = t.text[len(op):], t.pos + len(op) + (t.kind == "PHRASE")
        if value.strip() == "*" and not op:
            return wq.DateRange(PUBLISHED, None, None)
        start, end, instant = date_span(value, pos, self.text, self.now)
        if op in ("", "=") and instant:
            if value.strip().lower() == "now":
                raise self.error("date:now is a single moment", pos,
                                 "use date:today or date:>now-1d")
            assert start is not None  # a moment is never open
            start, end = min(start, self.now), max(start, self.now) + TICK
        elif op == ">":
            if end is None:  # after the year 9999
                return wq.NullQuery
            start, end = end, None
        elif op == ">=":
            end = None
        elif op == "<":
            start, end = None, start
        elif op == "<=":
            start = None
        return self.date_query(start, end, self.text[t.pos:t.end])

    def range_query(self, t: _Tok) -> Query:
        inner, base = t.text, t.value_pos
        seps = list(re.finditer(r"\s+TO\s+", inner, re.I))
        if len(seps) != 1:
            raise self.error("a date range needs two dates joined by TO", t.pos,
                             "write date:[2020-10-01 TO 2020-10-31] (* leaves a side open)")
        sep = seps[0]
        lo_text, hi_text = inner[:sep.start()], inner[sep.end():]
        lo_pos, hi_pos = base, base + sep.end()
        bounds: list[datetime | None] = []
        for part, pos, inclusive, is_low in ((lo_text, lo_pos, t.op[0] == "[", True),
                                              (hi_text, hi_pos, t.op[1] == "]", False)):
            lead = len(part) - len(part.lstrip(DATE_TRIM))
            part = part.strip(DATE_TRIM)
            if part == "*":
                bounds.append(None)
                continue
            if not part:
                raise self.error("a date range needs a date on each side of TO", t.pos,
                                 "write * to leave a side open")
            start, end, _ = date_span(part, pos + lead, self.text, self.now)
            if is_low and not inclusive and end is None:  # after the year 9999
                return wq.NullQuery
            if is_low:
                bounds.append(start if inclusive else end)
            else:
                bounds.append(end if inclusive else start)
        return self.date_query(bounds[0], bounds[1], self.text[t.pos:t.end])

    def date_query(self, start: datetime | None, end: datetime | None, label: str) -> Query:
        """[start, end) on the published field; Whoosh's own ISO parsing is wrong (NOTES 2)."""
        if start is not None and end is not None and start >= end:
            self.notes.append(f"The date range {label} is empty.")
            return wq.NullQuery
        return wq.DateRange(PUBLISHED, start, end, endexcl=end is not None)


@lru_cache(maxsize=100_000)
def _stem_one(word: str) -> str | None:
    """The index term of one unstemmed index word (None if the analyzer splits or drops it)."""
    stems = [s for s, _a, _b in _TEXT.terms(word)]
    return stems[0] if len(stems) == 1 else None


def _fold(word: str) -> str:
    return word.lower().translate(accent_map)


def _or(queries: Sequence[Query]) -> Query:
    return queries[0] if len(queries) == 1 else wq.Or(list(queries))


def _and(queries: Sequence[Query], boost: float = 1.0) -> Query:
    """And without match-everything members: Whoosh's And.normalize() turns an And
    holding Every() into Every(), which would silently drop the other clauses."""
    kept = [q for q in queries if not (isinstance(q, wq.Every) and q.fieldname is None)]
    kept = kept or list(queries[:1])
    if len(kept) == 1:
        return kept[0] if boost == 1.0 else kept[0].with_boost(kept[0].boost * boost)
    return wq.And(kept, boost=boost)


# --------------------------------------------------------------------------- compiling

def _is_filter(node: _Node) -> bool:
    if isinstance(node, _Leaf):
        return node.filter
    if isinstance(node, _Req):
        return _is_filter(node.child)
    if isinstance(node, _Not):
        return False
    kids = node.clauses if isinstance(node, _Group) else node.children
    positive = [k for k in kids if not isinstance(k, _Not)]
    return bool(positive) and all(_is_filter(k) for k in positive)


def _compile(node: _Node) -> Query | None:
    """Whoosh query for a node; None when it holds nothing searchable (ignored)."""
    if isinstance(node, _Leaf):
        return node.query
    if isinstance(node, _Req):
        return _compile(node.child)
    if isinstance(node, _Group):
        return _compile_group(node)
    if isinstance(node, _Not):
        return _exclude(None, [node.child])
    positive = [c for c in node.children if not isinstance(c, _Not)]
    negative = [c.child for c in node.children if isinstance(c, _Not)]
    if isinstance(node, _And):
        qs = [q for q in map(_compile, positive) if q is not None]
        if any(q is wq.NullQuery for q in qs):
            return wq.NullQuery
        return _exclude(_and(qs) if qs else None, negative)
    # An OR outside a group's clause list (not reachable from the parser): plain logic.
    alts = [q for q in map(_compile, positive) if q is not None]
    alts += [q for q in (_exclude(None, [n]) for n in negative) if q is not None]
    alts = [q for q in alts if q is not wq.NullQuery]
    return _or(alts) if alts else wq.NullQuery


def _exclude(base: Query | None, negative: list[_Node]) -> Query | None:
    """``base`` minus the negative nodes; negations alone mean every other article."""
    excluded = [q for q in map(_compile, negative) if q is not None]
    if base is None:
        if not excluded:
            return None
        base = wq.Every()
    live = [q for q in excluded if q is not wq.NullQuery]
    if not live or base is wq.NullQuery:
        return base
    return wq.AndNot(base, _or(live))


def _compile_group(group: _Group) -> Query | None:
    filters: list[_Node] = []
    required: list[_Node] = []
    shoulds: list[_Node] = []
    excluded: list[_Node] = []
    for c in group.clauses:
        if isinstance(c, _Not):
            excluded.append(c.child)
        elif isinstance(c, _Or):  # exclusions under an OR apply to the whole group
            excluded += [k.child for k in c.children if isinstance(k, _Not)]
            alts: list[_Node] = [k for k in c.children if not isinstance(k, _Not)]
            if alts:
                (filters if _is_filter(c) else shoulds).append(
                    alts[0] if len(alts) == 1 else _Or(alts))
        elif isinstance(c, _Req):
            required.append(c.child)
        elif _is_filter(c):
            filters.append(c)
        else:
            shoulds.append(c)
    must = _unique(q for q in map(_compile, filters) if q is not None)
    needed = _unique(q for q in map(_compile, required) if q is not None)
    must = _unique([*must, *needed])
    if any(q is wq.NullQuery for q in must):
        return wq.NullQuery
    optional = _counted(q for q in map(_compile, shoulds) if q is not None)
    live = [q for q in optional if q is not wq.NullQuery]
    if optional and not live:
        return wq.NullQuery
    base: Query | None = None
    if needed and live:  # Lucene: beside a +clause the other words only rank
        base = wq.AndMaybe(_and(must), _default_operator(live))
    elif live:
        base = _and([*must, _default_operator(live)])
    elif must:
        base = _and(must)
    return _exclude(base, excluded)


def _counted(queries: Iterable[Query]) -> list[Query]:
    """Optional clauses searched once each, a repeated one weighted by its count: the
    score is what the repeats summed to (a word a long question repeats is a word it
    is about: without the count CISI lost 0.08 nDCG@10, bench/eval.py), at the cost
    of one clause."""
    counts: dict[Query, int] = {}
    for q in queries:
        counts[q] = counts.get(q, 0) + 1
    return [q if n == 1 or q is wq.NullQuery else q.with_boost(q.boost * n)
            for q, n in counts.items()]


def _unique(queries: Iterable[Query]) -> list[Query]:
    """``queries`` without repeats (``oil oil oil`` searches oil once; Whoosh queries
    compare and hash by value), in order."""
    return list(dict.fromkeys(queries))


def _default_operator(queries: list[Query]) -> Query:
    """Any word matches; for short queries an extra AND clause ranks all-words articles first."""
    if len(queries) == 1:
        return queries[0]
    words = [q for q in queries if not (isinstance(q, wq.Every) and q.fieldname is None)]
    if len(words) < len(queries):  # `*` beside words: everything, ranked by the words
        return wq.AndMaybe(wq.Every(), _default_operator(words)) if words else wq.Every()
    if len(queries) > ALL_WORDS_MAX_CLAUSES or not ALL_WORDS_BOOST:
        return wq.Or(queries)
    return wq.Or([*queries, _and(queries, boost=ALL_WORDS_BOOST)])


def _positive_terms(node: _Node, positive: bool, out: list[QueryTerm]) -> None:
    if isinstance(node, _Leaf):
        if positive:
            out.extend(node.terms)
    elif isinstance(node, _Not):
        _positive_terms(node.child, not positive, out)
    elif isinstance(node, _Req):
        _positive_terms(node.child, positive, out)
    else:
        for k in node.clauses if isinstance(node, _Group) else node.children:
            _positive_terms(k, positive, out)


# --------------------------------------------------------------------------- public API

def parse_query(text: str, reader: IndexReader, *, now: datetime | None = None) -> ParsedQuery:
    """Parses user query text (see the module docstring for the language).

    ``reader`` is used only to expand wildcard and fuzzy words against the index's
    words; ``now`` (naive UTC, default the current time) anchors relative dates.
    Raises :class:`QuerySyntaxError` for queries whose meaning cannot be guessed.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"the query is {len(text):,} characters long", query=text[:80],
                               hint=f"queries may have at most {MAX_QUERY_CHARS:,}")
    norm = blank_for_query(text)
    if norm.strip() in ("", "*"):
        return ParsedQuery(wq.Every(), True, ())
    parser = _Parser(text, norm, reader, utc(now))
    tree = parser.group()
    query = _compile(tree)
    notes = parser.notes
    if parser.left_out:
        shown = ", ".join(w[:40] for w in parser.left_out[:5])
        more = f" and {len(parser.left_out) - 5:,} more" if len(parser.left_out) > 5 else ""
        notes.append(f"Only the first {MAX_EXPANDED_LEAVES} wildcard and fuzzy words were "
                     f"expanded; {shown}{more} were left out.")
    if query is None:
        notes.append("There is nothing to search for: the query has only stop words or "
                     "punctuation.")
        query = wq.NullQuery
    terms: list[QueryTerm] = []
    _positive_terms(tree, True, terms)
    return ParsedQuery(query, False, tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(notes)))


def build_filter(*, tags: Sequence[str] = (), any_tags: Sequence[str] = (),
                 exclude_tags: Sequence[str] = (),
                 since: str | date | datetime | None = None,
                 until: str | date | datetime | None = None,
                 author: str | None = None, source: str | None = None,
                 now: datetime | None = None) -> tuple[Query | None, Query | None]:
    """``(filter, mask)`` for ``searcher.search(filter=..., mask=...)``.

    ``tags`` must all be present, one of ``any_tags`` must be, none of
    ``exclude_tags`` may be (the mask). ``since``/``until`` include their whole
    unit: a string is parsed by :func:`parse_date_bound` (``--until 2020-10`` keeps
    October 31 at 18:00), a date is a whole day, a datetime an exact inclusive moment.
    """
    parts: list[Query] = [wq.Term(TAGS, v) for v in _keywords(tags)]
    any_values = _keywords(any_tags)
    if any_values:
        parts.append(_or([wq.Term(TAGS, v) for v in any_values]))
    for fieldname, value in ((AUTHORS, author), (SOURCE, source)):
        folded = _keywords([value] if value else [])
        if folded:
            parts.append(wq.Term(fieldname, folded[0]))
    start = _bound("since", since, end=False, now=now)
    stop = _bound("until", until, end=True, now=now)
    if start is not None or stop is not None:
        parts.append(wq.DateRange(PUBLISHED, start, stop))
    excluded = _keywords(exclude_tags)
    mask = _or([wq.Term(TAGS, v) for v in excluded]) if excluded else None
    return (_and(parts) if parts else None), mask


def parse_date_bound(text: str, *, end: bool, now: datetime | None = None) -> datetime:
    """A ``--since``/``--until`` value as an inclusive bound: the first moment of
    the unit (``end=False``) or its last microsecond (``end=True``), so
    ``--until 2020-10-31`` keeps an article published that day at 18:00.
    Accepts every form ``date:`` accepts except comparisons and ranges."""
    value = blank_for_query(text)
    lead = len(value) - len(value.lstrip(DATE_TRIM))
    value = value.strip(DATE_TRIM)
    if not value or value == "*":
        raise QuerySyntaxError("a date is missing", query=text, position=0, hint=DATE_HINT)
    start, stop, instant = date_span(value, lead, text, utc(now))
    if instant:
        assert start is not None  # a moment is never open
        return start
    if end:
        return datetime.max if stop is None else stop - TICK
    return datetime.min if start is None else start


def _keywords(values: Sequence[str]) -> list[str]:
    return [v for v in (normalize_keyword(x) for x in values) if v]


def _bound(name: str, value: str | date | datetime | None, *, end: bool,
           now: datetime | None) -> datetime | None:
    """A since/until argument as an inclusive bound; a string that is no date is an
    InvalidArgumentError naming the argument (it is not part of the query)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return utc(value)
    if isinstance(value, date):
        day = datetime(value.year, value.month, value.day)
        return day + timedelta(days=1) - TICK if end else day
    try:
        return parse_date_bound(value, end=end, now=now)
    except QuerySyntaxError as e:
        raise InvalidArgumentError(f"{name}: {e.reason} (write a date such as 2020-10-01, "
                                   "2020-10, today, \"last week\" or now-7d)") from None
