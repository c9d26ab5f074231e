"""Syntax-tree leaves built against the index: words analyzed (stemmed, folded),
wildcard and fuzzy words expanded through ``expansion.py``, keyword values
normalized, dates turned into spans (``dates.py``).

Every cap on a query's cost lives here, and each one that bites adds a note:
only the first :data:`MAX_LEAVES` leaves, :data:`MAX_EXPANDED_LEAVES` wildcard or
fuzzy words (each reaching up to :data:`EXPANSION_LIMIT` index words) and
:data:`MAX_PHRASE_LEAVES` phrases are searched as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from itertools import pairwise
from typing import Any

from ..errors import shown
from ..expansion import (
    MAX_FUZZY_WORD_LENGTH,
    MAX_PATTERN_STARS,
    Matches,
    match_fuzzy,
    match_pattern,
    star_count,
)
from ..folding import fold
from ..models import QueryTerm
from ..plan import NOTHING, MatchAll, Node, Nothing, Phrase, Word
from ..schema import SPELLING_PREFIX, normalize_keyword, text_analyzer
from .compile import all_of, any_of
from .date_clauses import date_clause
from .dates import small_int
from .lexer import MAX_PROXIMITY, Token
from .parser import Leaf, Scope

IndexReader = Any  # whoosh.reading.IndexReader

EXPANSION_LIMIT = 64
FUZZY_PREFIX_LENGTH = 1
"""Fuzzy candidates share this many first letters: typos rarely hit the first one."""
MAX_FUZZY_DISTANCE = 2
MAX_LEAVES = 1024
MAX_EXPANDED_LEAVES = 8
"""Wildcard and fuzzy words expanded per query (each reaches up to EXPANSION_LIMIT
words); later ones are left out with a note."""
MAX_PHRASE_LEAVES = 64
"""Phrases checked word by word per query; later ones are searched as all their words."""

_TEXT = text_analyzer()
_PLAIN = text_analyzer(stem=False)


class Binder:
    """Builds leaves for one query; counts what the caps leave out."""

    def __init__(self, text: str, reader: IndexReader, now: datetime, notes: list[str]) -> None:
        self.text, self.reader, self.now, self.notes = text, reader, now, notes
        self.leaves = 0
        self.expanded = 0  # wildcard/fuzzy leaves expanded
        self.left_out: list[str] = []  # wildcard/fuzzy leaves past MAX_EXPANDED_LEAVES
        self.phrases = 0

    def leaf(self, t: Token, scope: Scope) -> Leaf:
        """The leaf for one word/phrase/value token in its field scope."""
        if self.leaves >= MAX_LEAVES:
            if self.leaves == MAX_LEAVES:
                self.notes.append(f"The query is long: only its first {MAX_LEAVES} words "
                                  "were searched.")
                self.leaves += 1
            return Leaf(None)
        self.leaves += 1
        label = self.text[t.pos:t.end]
        if scope.kind == "date" or t.kind in ("DATE", "RANGE"):
            return Leaf(date_clause(t, self.text, self.now, self.notes), filter=True)
        filt = scope.kind != "text"
        if t.kind == "PHRASE":
            if scope.kind == "text":
                return self.phrase_leaf(t.text, label, t.slop, scope)
            return self.value_leaf(t.text, label, filt, scope)
        return self.word_leaf(t.text, label, scope)

    def word_leaf(self, raw: str, label: str, scope: Scope) -> Leaf:
        filt = scope.kind != "text"
        fuzzy = re.fullmatch(r"(.+?)~(\d+(?:\.\d*)?)?", raw)
        if fuzzy:
            return self.fuzzy_leaf(fuzzy.group(1), fuzzy.group(2), raw, label, scope)
        core = raw.rstrip("?.,;:!")
        if "*" in core or "?" in core:
            if not core.strip("*?"):
                # id:* is every article (each has an id): no walk over every id term
                everything = MatchAll() if scope.kind in ("text", "id") \
                    else MatchAll(scope.fields[0])
                return Leaf(everything, filter=filt)
            return self.pattern_leaf(core, raw, label, scope)
        return self.value_leaf(raw, label, filt, scope)

    def value_leaf(self, raw: str, label: str, filt: bool, scope: Scope) -> Leaf:
        """A plain value: analyzed words for text, one whole value for keywords."""
        if scope.kind == "text":
            return self.phrase_leaf(raw, label, None, scope)
        value = raw if scope.kind == "id" else normalize_keyword(raw)
        if not value:
            return Leaf(None, filter=filt)
        f = scope.fields[0]
        return Leaf(Word((f,), value), (QueryTerm(f, "keyword", label, (value,)),), filt)

    def phrase_leaf(self, raw: str, label: str, slop: int | None, scope: Scope) -> Leaf:
        """Words, a phrase or a proximity clause. A stop word inside a phrase stands for
        one word in its place (the index keeps the gaps of removed words): ``"bank of
        japan"`` is bank, then japan two positions later."""
        words, offsets = _TEXT.phrase(raw)
        if not words:
            return Leaf(None)
        if len(words) > 1:
            self.phrases += 1
            if self.phrases > MAX_PHRASE_LEAVES:
                if self.phrases == MAX_PHRASE_LEAVES + 1:
                    self.notes.append(f"The query has many phrases: after the first "
                                      f"{MAX_PHRASE_LEAVES}, each was searched as all of "
                                      "its words, in any order.")
                return Leaf(any_of([all_of([Word((f,), w) for w in words])
                                  for f in scope.fields]),
                             tuple(QueryTerm(f, "term", label, (w,))
                                   for f in scope.fields for w in words))
        queries: list[Node] = []
        terms: list[QueryTerm] = []
        gapped = offsets[-1] != len(words) - 1
        for f in scope.fields:
            if len(words) == 1:
                queries.append(Word((f,), words[0]))
                terms.append(QueryTerm(f, "term", label, words))
            elif slop:  # Lucene proximity: within `slop` words, any order
                # (a stop word of the query widens by its place, so that the phrase
                # itself is always within its own proximity)
                near = min(slop, MAX_PROXIMITY) + max(b - a for a, b in pairwise(offsets))
                queries.append(Phrase((f,), words, slop=near, ordered=False))
                terms.append(QueryTerm(f, "phrase", label, words, near, ordered=False))
            elif gapped:
                queries.append(Phrase((f,), words, offsets=offsets))
                terms.append(QueryTerm(f, "phrase", label, words, offsets=offsets))
            else:
                queries.append(Phrase((f,), words))
                terms.append(QueryTerm(f, "phrase", label, words))
        return Leaf(any_of(queries), tuple(terms))

    def fuzzy_leaf(self, base: str, dist_text: str | None, raw: str, label: str,
                   scope: Scope) -> Leaf:
        if scope.kind == "text":
            plain = [w for w, _s, _e in _PLAIN.terms(base)]
            word = plain[0] if len(plain) == 1 else _fold(base)
        else:
            word = base if scope.kind == "id" else normalize_keyword(base)
            if not word:
                return Leaf(None, filter=True)
        if not re.fullmatch(r"\w+(\.\w+)*", word) and scope.kind == "text":
            self.notes.append(f"Fuzzy matching works on single words, so {shown(raw, False)} was "
                              "searched as written.")
            return self.value_leaf(base, label, False, scope)
        if len(word) > MAX_FUZZY_WORD_LENGTH:
            self.notes.append(f"Fuzzy matching works on words of at most "
                              f"{MAX_FUZZY_WORD_LENGTH} characters, so {raw[:40]}… was "
                              "searched as written.")
            return self.value_leaf(base, label, scope.kind != "text", scope)
        if not dist_text or "." in dist_text:
            dist = 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2
        else:
            dist = small_int(dist_text, MAX_FUZZY_DISTANCE)
            if dist > MAX_FUZZY_DISTANCE:
                self.notes.append(f"Fuzzy matching allows at most {MAX_FUZZY_DISTANCE} edits, "
                                  f"so {shown(raw, False)} was searched with {MAX_FUZZY_DISTANCE}.")
                dist = MAX_FUZZY_DISTANCE

        def matches(lexfield: str) -> Matches:
            return match_fuzzy(self.reader, lexfield, word, dist, FUZZY_PREFIX_LENGTH)

        return self.expanded_leaf("fuzzy", matches, label, raw, scope)

    def pattern_leaf(self, core: str, raw: str, label: str, scope: Scope) -> Leaf:
        pattern = core if scope.kind == "id" else (
            _fold(core) if scope.kind == "text" else normalize_keyword(core))
        if scope.kind == "text" and not re.fullmatch(r"[\w.*?]+", pattern):
            self.notes.append(f"Wildcards work within single words, so {shown(raw, False)} was "
                              "searched as separate words that must all match.")
            parts = [p for p in re.split(r"[^\w.*?]+", pattern) if p.strip("*?.")]
            leaves = [self.pattern_leaf(p, p, p, scope) if re.search(r"[*?]", p)
                      else self.phrase_leaf(p, p, None, scope) for p in parts]
            queries = [leaf.query for leaf in leaves if leaf.query is not None]
            if any(isinstance(q, Nothing) for q in queries):
                return Leaf(NOTHING)
            return Leaf(all_of(queries) if queries else None,
                         tuple(t for leaf in leaves for t in leaf.terms))
        pattern = re.sub(r"\*+", "*", pattern)
        if star_count(pattern) > MAX_PATTERN_STARS:
            self.notes.append(f"A wildcard word may hold at most {MAX_PATTERN_STARS} *, so "
                              f"{raw[:40]} was left out.")
            return Leaf(None, filter=scope.kind != "text")
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        is_prefix = pattern == literal + "*"

        def matches(lexfield: str) -> Matches:
            return match_pattern(self.reader, lexfield, pattern)

        return self.expanded_leaf("prefix" if is_prefix else "wildcard", matches, label, raw,
                                  scope)

    def expanded_leaf(self, kind: str, matches: Callable[[str], Matches], label: str,
                      raw: str, scope: Scope) -> Leaf:
        """ORs the index terms a pattern/fuzzy word reaches, most frequent first.

        Text fields are expanded against their unstemmed spelling words and each
        word is then stemmed: Whoosh's own fuzzy/prefix queries on a stemmed field
        compare the user's word with stems (WHOOSH-NOTES 3). Only the first
        MAX_EXPANDED_LEAVES of a query are expanded."""
        reader = self.reader
        filt = scope.kind != "text"
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_LEAVES:
            self.left_out.append(raw)
            return Leaf(None, filter=filt)
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
            self.notes.append(f"No word in the index matches {shown(label, False)}.")
            return Leaf(NOTHING, filter=filt)
        # Most frequent words first; for text, their stems until EXPANSION_LIMIT differ.
        chosen: dict[str, None] = {}
        for w in sorted(counts, key=lambda w: (-counts[w], w)):
            term = _stem_one(w) if scope.kind == "text" else w
            if term:
                chosen[term] = None
                if len(chosen) == EXPANSION_LIMIT:
                    break
        if not chosen:
            self.notes.append(f"No word in the index matches {shown(label, False)}.")
            return Leaf(NOTHING, filter=filt)
        if (len(chosen) == EXPANSION_LIMIT and total > EXPANSION_LIMIT) \
                or total > len(counts):
            self.notes.append(f"{shown(label, False)} matches {total:,} words; only the "
                              f"{len(chosen)} most frequent were searched.")
        words = tuple(chosen)
        queries = [any_of([Word((f,), w) for w in words]) for f in scope.fields]
        terms = tuple(QueryTerm(f, kind, label, words) for f in scope.fields)
        return Leaf(any_of(queries), terms, filt)


@lru_cache(maxsize=100_000)
def _stem_one(word: str) -> str | None:
    """The index term of one unstemmed index word (None if the analyzer splits or drops it)."""
    stems = [s for s, _a, _b in _TEXT.terms(word)]
    return stems[0] if len(stems) == 1 else None


def _fold(word: str) -> str:
    return fold(word)
