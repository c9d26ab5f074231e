"""Where query words and phrases occur in a text: the one home of that rule.

The text is split with the index's tokenizer and each distinct word analysed once per
process (stemmed and folded as the index is), so a text's words compare with the
query's index terms; plain ASCII text is spotted by word starts instead of analysed
word by word; a phrase occurs where its words sit at their offsets (the gaps of the
query's stop words kept), a proximity clause where its words fall within its slop.
Highlighting (highlight.py: spans and why a hit matched) and snippets (passages.py)
both read their matches here, so a phrase is highlighted exactly where it is found; the
engine checks proximity clauses with ``spans_within`` too (engine/phrases.py), so an
article matches ``"a b"~5`` exactly when its text is highlighted for it.

At most :data:`MAX_ANALYZED_CHARS` characters of a text are looked at: a
multi-megabyte article costs the same as its first part, and matches stop there.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, compress
from typing import NamedTuple

from . import schema
from .folding import fold_with_offsets, folded_prefix, spots_like_ascii
from .models import QueryTerm, Span
from .sanitize import blank_controls, clean_text, is_clean

MAX_ANALYZED_CHARS = 1_000_000
"""How much of one text is analysed for highlights, snippets and why-matched (characters,
folded: a text folding to more is cut sooner)."""

# --- analysis -------------------------------------------------------------

# schema.NewsAnalyzer's tokenizer pattern with its group made non-capturing (same
# matches), so that re.split returns [gap, word, gap, word, ..., gap] and offsets
# come from a C-level running sum instead of one match object per word.
# tests/test_snippets.py checks that the result equals text_analyzer().terms().
_SPLIT_WORDS = re.compile(r"(\w+(?:\.?\w+)*)")
_ANALYZER = schema.text_analyzer()
_MAX_CACHED_WORDS = 200_000


class _WordTerms(dict[str, str]):
    """Raw word -> its index term ("" for stop words), via the index's own analyzer."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _MAX_CACHED_WORDS:
            self.clear()
        found = _ANALYZER.terms(word)
        term = self[word] = found[0][0] if found else ""
        return term


_WORD_TERMS = _WordTerms()


class Tokens(NamedTuple):
    text: str  # the cleaned text all offsets refer to
    terms: list[str]  # index term of every raw word, "" where the index drops it
    bounds: list[int]  # raw word k is text[bounds[2k]:bounds[2k + 1]]
    fragments: list[int]  # raw words that take no position ("s" of "Japan's")

    def positions(self) -> list[int]:
        """The index position of every raw word (schema.NewsAnalyzer's numbering:
        removed words keep their place, apostrophe fragments share the one before)."""
        if not self.fragments:
            return list(range(len(self.terms)))
        step = [1] * len(self.terms)
        for k in self.fragments:
            step[k] = 0
        return [p - 1 for p in accumulate(step)]


def analyze(text: str, same_length: bool = False) -> Tokens:
    """The words of ``clean_text(text)``, or of ``blank_controls(text)`` for offsets
    into ``text`` itself (the same thing unless ``text`` holds control characters).
    Only the first :data:`MAX_ANALYZED_CHARS` characters (cut at a space) are read."""
    head = head_of(text)
    return _analyze_cached(head, same_length and not is_clean(head))


def head_of(text: str) -> str:
    """The part of ``text`` that is analysed: its first MAX_ANALYZED_CHARS characters,
    fewer when they fold to more than that (a character can fold to 18), cut at a
    space."""
    size = folded_prefix(text, MAX_ANALYZED_CHARS)
    if size >= len(text):
        return text
    cut = text.rfind(" ", max(size - 200, 0), size)
    return text[:cut if cut > 0 else size]


@lru_cache(maxsize=32)
def _analyze_cached(text: str, same_length: bool) -> Tokens:
    """Cached because a results page asks for snippets and matched terms of the same text.

    The words are those of the folded text (folding.py: what the index saw), their
    offsets mapped back to ``text``."""
    text = blank_controls(text) if same_length else clean_text(text)
    folded, offsets = fold_with_offsets(text)
    parts = _SPLIT_WORDS.split(folded)
    terms = list(map(_WORD_TERMS.__getitem__, parts[1::2]))
    bounds = list(accumulate(map(len, parts)))
    if offsets is not None:
        bounds = offsets.bounds(bounds)
    fragments: list[int] = []
    if "'" in folded or "\u2019" in folded:
        gaps = parts[0:-1:2]
        fragments = [k for k in compress(range(len(terms)), map(_APOSTROPHES.__contains__, gaps))
                     if k and not terms[k]]
    return Tokens(text, terms, bounds, fragments)


_APOSTROPHES = frozenset({"'", "\u2019"})


# --- word spotting ----------------------------------------------------------

# Most queries look for a few words in a text of hundreds. Rather than analysing
# every word, ``_spot`` lets C-level scans (``bytes.find``) find the words that can
# be one of them and analyses only those. A word can only stem to ``t`` if it starts
# with t's first len(t) - _STEM_REWRITE letters: Snowball English rewrites at most
# the last two letters of what it keeps (``dying`` -> ``die``, ``happy`` ->
# ``happi``; tests/test_spotting.py checks this on every word of the shared
# corpora), so three is a margin. Only for text whose words are ASCII and whose
# other characters cannot join or make words when folded (folding.spots_like_ascii:
# no soft hyphen inside a word, no ligature) and leaves without strict
# phrases (those need every word's position): anything else is analysed in full.
_STEM_REWRITE = 3
_WORD_AT = re.compile(r"\w+(?:\.\w+)*")


# ASCII letters lowercased, digits, "_" and "." kept, every other byte a space: in
# this form a word starts after a space, or after a dot that follows no letter.
_SPOT_BYTES = bytes(
    (c | 0x20 if chr(c).isalpha() else c) if c < 128 and (chr(c).isalnum() or c in b"_.")
    else 0x20 for c in range(256))


@lru_cache(maxsize=256)
def _prefixes(terms: frozenset[str]) -> tuple[bytes, ...]:
    return tuple(sorted({t[:max(1, len(t) - _STEM_REWRITE)].encode() for t in terms}))


def _word_starts(text: str, prefixes: tuple[bytes, ...]) -> list[int]:
    """Sorted offsets where a word beginning with one of ``prefixes`` starts (ASCII
    case-insensitively). ``bytes.find`` on a translated copy: no regex to compile
    per query, and each scan is C (non-ASCII characters become one "?" byte each,
    so offsets are unchanged)."""
    buf = text.encode("ascii", "replace").translate(_SPOT_BYTES)
    found: set[int] = set()
    for p in prefixes:
        if buf.startswith(p):
            found.add(0)
        needle = b" " + p
        i = buf.find(needle)
        while i >= 0:
            found.add(i + 1)
            i = buf.find(needle, i + 1)
        needle = b"." + p
        i = buf.find(needle)
        while i >= 0:
            if i == 0 or buf[i - 1] in b" .":  # not "U.S" (one word)
                found.add(i + 1)
            i = buf.find(needle, i + 1)
    return sorted(found)


def _spottable(text: str, singles: dict[str, int]) -> bool:
    return bool(singles) and all(t.isascii() for t in singles) and spots_like_ascii(text)


def _spot(text: str, singles: dict[str, int]) -> list[Match]:
    """The words of ``text`` whose index term is in ``singles`` (term -> leaf bits).

    Only called for text whose word characters are all ASCII (``_spottable``)."""
    hits: list[Match] = []
    word_at, word_terms = _WORD_AT.match, _WORD_TERMS
    for start in _word_starts(text, _prefixes(frozenset(singles))):
        word = word_at(text, start)
        assert word is not None  # a term starts with a letter or digit
        bits = singles.get(word_terms[word.group()])
        if bits:
            hits.append((start, word.end(), bits))
    return hits


def locate(text: str, leaves: list[QueryTerm], strict_phrase: bool = True, *,
           same_length: bool = False) -> tuple[str, list[Match]]:
    """``find_matches`` over ``analyze(text, same_length)``: the text the offsets
    refer to and the matches, spotted without analysing every word when that gives
    the same answer (see ``_spot``)."""
    head = head_of(text)
    return _locate_cached(head, tuple(leaves), strict_phrase, same_length and not is_clean(head))


@lru_cache(maxsize=32)
def _locate_cached(head: str, leaves: tuple[QueryTerm, ...], strict_phrase: bool,
                   same_length: bool) -> tuple[str, list[Match]]:
    """Cached because a results page asks for snippets and matched terms of the same text."""
    singles = _single_words(leaves) if not (strict_phrase and _has_phrase(leaves)) else {}
    if _spottable(head, singles):
        clean = blank_controls(head) if same_length else clean_text(head)
        return clean, _spot(clean, singles)
    tok = _analyze_cached(head, same_length)
    return tok.text, find_matches(tok, list(leaves), strict_phrase)


def _has_phrase(leaves: Sequence[QueryTerm]) -> bool:
    return any(qt.kind == "phrase" and sum(map(bool, qt.terms)) > 1 for qt in leaves)


def _single_words(leaves: Sequence[QueryTerm]) -> dict[str, int]:
    singles: dict[str, int] = {}
    for i, qt in enumerate(leaves):
        for w in qt.terms:
            if w:
                singles[w] = singles.get(w, 0) | (1 << i)
    return singles


# --- matching -------------------------------------------------------------

Match = tuple[int, int, int]  # start char, end char, bit set of the leaves it matches


def leaves_of(terms: Sequence[QueryTerm], field: str) -> list[QueryTerm]:
    """The distinct leaves of ``field`` that have something to look for, in query order."""
    return list(_leaves_of(tuple(terms), field))


@lru_cache(maxsize=64)
def _leaves_of(terms: tuple[QueryTerm, ...], field: str) -> tuple[QueryTerm, ...]:
    """Cached: every hit of a results page asks for the same query's leaves, per field."""
    return tuple(dict.fromkeys(qt for qt in terms if qt.field == field and any(qt.terms)))


def find_matches(tok: Tokens, leaves: list[QueryTerm], strict_phrase: bool) -> list[Match]:
    """Every word and phrase occurrence in the text, sorted by position; leaf i is bit 1 << i."""
    terms, bounds = tok.terms, tok.bounds
    singles: dict[str, int] = {}
    hits: list[Match] = []
    rank: list[int] = []
    for i, qt in enumerate(leaves):
        words = tuple(t for t in qt.terms if t)
        if qt.kind == "phrase" and strict_phrase and len(words) > 1:
            if not rank:  # the index's positions (removed words keep their place)
                rank = tok.positions()
            found: list[tuple[int, int]] | None
            if qt.offsets and len(qt.offsets) == len(words):
                found = _gapped_occurrences(terms, rank, words, qt.offsets)
            else:  # proximity leaves ("a b"~3) match in any order (query/bind.py)
                found = _phrase_occurrences(terms, rank, words, max(1, qt.slop), qt.ordered)
            if found is not None:
                hits += [(bounds[2 * a], bounds[2 * b + 1], 1 << i) for a, b in found]
                continue
        for w in words:
            singles[w] = singles.get(w, 0) | (1 << i)
    found_words = compress(range(len(terms)), map(singles.__contains__, terms))
    words_hits = [(bounds[2 * k], bounds[2 * k + 1], singles[terms[k]]) for k in found_words]
    if not hits:
        return words_hits
    hits += words_hits
    hits.sort()
    return hits


MAX_UNORDERED_STEPS = 100_000
"""Steps an unordered proximity search takes on one text before highlighting gives up on
it (and marks the words one by one): a huge slop over very common words."""


def _gapped_occurrences(terms: list[str], rank: list[int], words: tuple[str, ...],
                        offsets: tuple[int, ...]) -> list[tuple[int, int]]:
    """(first, last) raw word indexes of each occurrence of a phrase whose words sit at
    ``offsets`` from the first (any words in the gaps)."""
    wanted = set(words)
    raw: dict[tuple[str, int], int] = {}
    for k in compress(range(len(terms)), map(wanted.__contains__, terms)):
        raw.setdefault((terms[k], rank[k]), k)
    found = []
    for (term, p), k in raw.items():
        if term == words[0] and all((w, p + o) in raw for w, o in zip(words, offsets, strict=True)):
            found.append((k, raw[words[-1], p + offsets[-1]]))
    return found


class TooCostly(Exception):
    """An unordered proximity search went past its step budget."""


def _phrase_occurrences(terms: list[str], rank: list[int], words: tuple[str, ...], slop: int,
                        ordered: bool) -> list[tuple[int, int]] | None:
    """(first, last) raw word indexes covering the occurrences that start at each first
    word (``spans_within`` on the text's positions). None when an unordered search would
    be too costly: the caller then marks the words one by one."""
    wanted = set(words)
    raw: dict[int, int] = {}
    where: dict[str, list[int]] = {}
    for k in compress(range(len(terms)), map(wanted.__contains__, terms)):
        raw[rank[k]] = k
        where.setdefault(terms[k], []).append(rank[k])
    if len(where) < len(wanted):
        return []
    try:
        found = spans_within([where[w] for w in words], slop, ordered)
    except (TooCostly, RecursionError):
        return None
    return [(raw[a], raw[b]) for a, b in found]


def spans_within(positions: Sequence[Sequence[int]], slop: int, ordered: bool, *,
                 max_steps: int | None = MAX_UNORDERED_STEPS,
                 first_only: bool = False) -> list[tuple[int, int]]:
    """Where words occur within ``slop`` positions of each other: the one definition of
    proximity, for the engine's check of a document (engine/phrases.py) and for the
    highlights and why-matched of a text, so that the two always agree.

    ``positions[j]`` holds the sorted positions of the query's j-th word. Whoosh's
    SpanNear2 rule (mindist 1): from a position of the first word, each next word lies
    outside the span matched so far, at most ``slop`` positions from it, and after it
    when ``ordered``. Each result is (first, last) position of the union of the
    occurrences from one start, so every occurrence lies inside one result;
    ``first_only`` stops at the first (all a yes/no check needs). An unordered search
    past ``max_steps`` raises TooCostly (None: no bound, for an exact answer)."""
    if any(not ps for ps in positions):
        return []
    if not ordered:
        return _unordered(positions, slop, max_steps, first_only)
    # Ordered: walking backwards, ``far`` maps each position that can still complete
    # the phrase from word j on to the farthest last word it can reach.
    far = {p: p for p in positions[-1]}
    for ps in reversed(positions[:-1]):
        reachable = sorted(far)
        step: dict[int, int] = {}
        for p in ps:
            lo, hi = bisect_right(reachable, p), bisect_right(reachable, p + slop)
            if lo < hi:
                step[p] = max(far[q] for q in reachable[lo:hi])
        far = step
    return list(far.items())[:1] if first_only else list(far.items())


def _unordered(positions: Sequence[Sequence[int]], slop: int, max_steps: int | None,
               first_only: bool) -> list[tuple[int, int]]:
    """Unordered occurrences: a depth-first search over (next word, span so far), memoized."""
    memo: dict[tuple[int, int, int], tuple[int, int] | None] = {}
    steps = max_steps
    count = len(positions)

    def reach(j: int, lo: int, hi: int) -> tuple[int, int] | None:
        nonlocal steps
        if j == count:
            return lo, hi
        key = (j, lo, hi)
        if key in memo:
            return memo[key]
        best: tuple[int, int] | None = None
        ps = positions[j]
        for a, b in ((lo - slop, lo - 1), (hi + 1, hi + slop)):
            for q in ps[bisect_left(ps, a):bisect_right(ps, b)]:
                if steps is not None:
                    steps -= 1
                    if steps < 0:
                        raise TooCostly
                found = reach(j + 1, min(lo, q), max(hi, q))
                if found is not None:
                    best = found if best is None else (min(best[0], found[0]),
                                                       max(best[1], found[1]))
        memo[key] = best
        return best

    found: list[tuple[int, int]] = []
    for p in positions[0]:
        span = reach(1, p, p)
        if span is not None:
            found.append(span)
            if first_only:
                break
    return found


def merge_spans(spans: Iterator[tuple[int, int]]) -> list[Span]:
    """Sorted (start, end) pairs as sorted spans, overlapping ones merged."""
    merged: list[Span] = []
    for s, e in spans:
        if merged and s <= merged[-1].end:
            if e > merged[-1].end:
                merged[-1] = Span(merged[-1].start, e)
        else:
            merged.append(Span(s, e))
    return merged
