"""Wildcard and fuzzy words expanded against the index's words, at a bounded cost.

``missil*``, ``*karabakh``, ``wom?n`` and ``pompeo~`` stand for every index word they
match; a query can only search a bounded number of them (Lucene's max clause count,
Elasticsearch's ``max_expansions``), and finding them must not cost more than the
search. So:

- a pattern with a literal start reads only that stretch of the term dictionary
  (``expand_prefix``); one that starts with a wildcard scans the field's whole word
  list, read once per index reader and kept, with one C-level regular-expression
  pass over it (``\\n``-joined, so a scan of 55,000 words takes milliseconds);
- of the words matched, at most :data:`MAX_CANDIDATES` (the shortest, the likeliest
  to be frequent) have their document frequency looked up, and the caller keeps the
  most frequent; words longer than :data:`MAX_WORD_LENGTH` are never candidates;
- fuzzy words are compared (bounded edit distance, early exit) with the cached words
  that share their first letter and are about as long, for words of at most
  :data:`MAX_FUZZY_WORD_LENGTH` characters; answers are kept per reader.

The reader is duck-typed (``lexicon``, ``expand_prefix``, ``doc_frequency``,
``frequency``), so this module needs no Whoosh import.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .schema import SPELLING_PREFIX

MAX_CANDIDATES = 1000
"""Matched words whose frequency is looked up (each lookup costs ~30 us)."""
MAX_WORD_LENGTH = 64
"""Longer index words (URLs, digit runs) are never wildcard candidates."""
MAX_FUZZY_WORD_LENGTH = 32
"""A longer word is not fuzzy-matched: its automaton would cost seconds."""
MAX_PATTERN_STARS = 4
"""``*`` per wildcard word: each one multiplies the backtracking of a match."""
_MAX_CACHED = 200_000


@dataclass(frozen=True)
class Matches:
    """The index words a pattern reaches: ``words`` (word, document frequency) pairs,
    at most MAX_CANDIDATES of them; ``total`` how many words matched in all."""

    words: list[tuple[str, int]]
    total: int


class _WordList(NamedTuple):
    alphabetical: list[str]  # for prefix ranges (bisect)
    by_length: str  # the words shortest first, one per line, for infix scans


@dataclass
class _ReaderCache:
    words: dict[str, _WordList] = field(default_factory=dict)
    frequency: dict[tuple[str, str], int] = field(default_factory=dict)
    fuzzy: dict[tuple[str, str, int, int], list[str]] = field(default_factory=dict)
    patterns: dict[tuple[str, str], Matches] = field(default_factory=dict)


_CACHES: weakref.WeakKeyDictionary[Any, _ReaderCache] = weakref.WeakKeyDictionary()


def _cache(reader: Any) -> _ReaderCache:
    cache = _CACHES.get(reader)
    if cache is None:
        cache = _CACHES[reader] = _ReaderCache()
    if len(cache.frequency) > _MAX_CACHED or len(cache.fuzzy) + len(cache.patterns) > 10_000:
        cache.frequency.clear()
        cache.fuzzy.clear()
        cache.patterns.clear()
    return cache


def _text(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _word_list(reader: Any, lexfield: str) -> _WordList:
    """The field's words (up to MAX_WORD_LENGTH characters), read once per reader
    (~0.2 s for Reuters' 55,000): a scan of the by-length text finds matches shortest
    first, so the candidates need no sorting; Whoosh's own prefix walk over several
    segments costs more than this for a short prefix."""
    cache = _cache(reader)
    if lexfield not in cache.words:
        words = [w for w in map(_text, reader.lexicon(lexfield))
                 if len(w) <= MAX_WORD_LENGTH and "\n" not in w]
        by_length = sorted(words, key=lambda w: (len(w), w))
        cache.words[lexfield] = _WordList(words, "\n".join(by_length) + "\n")
    return cache.words[lexfield]


def _prefixed(reader: Any, lexfield: str, literal: str) -> list[str]:
    """The field's words starting with ``literal``: a bisection of the cached list, or
    Whoosh's prefix walk for a long prefix while the list is not read yet."""
    if len(literal) >= 3 and lexfield not in _cache(reader).words:
        return [w for w in map(_text, reader.expand_prefix(lexfield, literal))
                if len(w) <= MAX_WORD_LENGTH]
    words = _word_list(reader, lexfield).alphabetical
    start = bisect_left(words, literal)
    end = bisect_left(words, literal + "\U0010ffff", start)
    return words[start:end]


def _frequencies(reader: Any, lexfield: str, words: list[str]) -> list[tuple[str, int]]:
    cache = _cache(reader).frequency
    # A spelling word's postings count documents in their weights (one posting per
    # segment, _whoosh/term_pool.py; one of weight 1 per document in indexes written
    # before), so its document frequency is the sum of weights: reader.frequency.
    count = reader.frequency if lexfield.startswith(SPELLING_PREFIX) else reader.doc_frequency
    out: list[tuple[str, int]] = []
    for w in words:
        key = (lexfield, w)
        df = cache.get(key)
        if df is None:
            df = cache[key] = round(count(lexfield, w))
        if df:
            out.append((w, df))
    return out


def _bounded(reader: Any, lexfield: str, found: list[str], by_length: bool = False) -> Matches:
    """``found`` with frequencies, the MAX_CANDIDATES shortest if there are more
    (``by_length``: ``found`` is shortest first already)."""
    candidates = found
    if len(found) > MAX_CANDIDATES:
        candidates = found if by_length else sorted(found, key=lambda w: (len(w), w))
        candidates = candidates[:MAX_CANDIDATES]
    return Matches(_frequencies(reader, lexfield, candidates), len(found))


def star_count(pattern: str) -> int:
    return len(re.findall(r"\*+", pattern))


def match_pattern(reader: Any, lexfield: str, pattern: str) -> Matches:
    """Index words of ``lexfield`` matching a ``*``/``?`` pattern (already folded as the
    field's words are)."""
    pattern = re.sub(r"\*+", "*", pattern)
    cache = _cache(reader).patterns
    key = (lexfield, pattern)
    if key not in cache:
        cache[key] = _match_pattern(reader, lexfield, pattern)
    return cache[key]


def _match_pattern(reader: Any, lexfield: str, pattern: str) -> Matches:
    literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
    body = "".join("[^\n]*" if ch == "*" else "[^\n]" if ch == "?" else re.escape(ch)
                   for ch in pattern)
    if literal:
        regex = re.compile(body, re.S)
        is_prefix = pattern == literal + "*"
        found = _prefixed(reader, lexfield, literal)
        if not is_prefix:
            found = [w for w in found if regex.fullmatch(w)]
    else:
        found = re.findall(f"^{body}$", _word_list(reader, lexfield).by_length, re.M)
        return _bounded(reader, lexfield, found, by_length=True)
    return _bounded(reader, lexfield, found)


def match_fuzzy(reader: Any, lexfield: str, word: str, distance: int, prefix: int) -> Matches:
    """Index words of ``lexfield`` within ``distance`` edits (insertions, deletions,
    substitutions, transpositions of neighbours) of ``word`` that share its first
    ``prefix`` characters: the words Whoosh's ``terms_within`` finds, 4-10x faster
    (its pure-Python Damerau-Levenshtein runs over every word with the prefix)."""
    key = (lexfield, word, distance, prefix)
    cache = _cache(reader).fuzzy
    if key not in cache:
        cache[key] = [w for w in _prefixed(reader, lexfield, word[:prefix])
                      if abs(len(w) - len(word)) <= distance
                      and within_distance(word, w, distance)]
    return _bounded(reader, lexfield, cache[key])


def within_distance(a: str, b: str, limit: int) -> bool:
    """True when the optimal-string-alignment distance of ``a`` and ``b`` is at most
    ``limit``; gives up as soon as a whole row exceeds it."""
    if abs(len(a) - len(b)) > limit:
        return False
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        lowest = i
        for j in range(1, len(b) + 1):
            cost = previous[j - 1] + (a[i - 1] != b[j - 1])
            cost = min(cost, previous[j] + 1, current[j - 1] + 1)
            if before is not None and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cost = min(cost, before[j - 2] + 1)
            current[j] = cost
            lowest = min(lowest, cost)
        if lowest > limit:
            return False
        before, previous = previous, current
    return previous[-1] <= limit
