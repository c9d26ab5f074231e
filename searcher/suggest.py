"""Did-you-mean: respell the words of a query that finds little, from the index's own words.

Words are looked up in the *unstemmed* spelling fields (WHOOSH-NOTES 3-4: the
stemmed lexicon would suggest stems such as "elect"). Candidates within edit
distance 1, then 2, are ranked by how many articles contain them; the respelled
query is offered only if it finds more than the original. A short word is not
respelled far: as Lucene's AUTO fuzziness, 3-5 letters take one edit and only 6 or
more take two (``oil`` two edits from ``one`` is another word, not a typo of it:
"did you mean: one" was offered for ``oil`` on an index without it).

Bounded like every query: only queries of at most :data:`MAX_QUERY_CHARS` characters
get a suggestion, at most :data:`MAX_RESPELLED` words of at most
:data:`MAX_WORD_LENGTH` letters are looked up, with ``expansion.match_fuzzy`` (4-10x
faster than Whoosh's ``terms_within``), and each word's answer is kept per reader.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Any

from whoosh.searching import Searcher

from . import schema
from .errors import QuerySyntaxError
from .expansion import match_fuzzy
from .query import parse_query

MAX_DISTANCE = 2
MAX_QUERY_CHARS = 200
MAX_RESPELLED = 3
MAX_WORD_LENGTH = 20
_RESPELLED: weakref.WeakKeyDictionary[Any, dict[str, str | None]] = (
    weakref.WeakKeyDictionary())
_WORD = re.compile(r"(?<![\w:])([^\W\d_]{3,})(?![\w:*?~])")
_OPERATORS = {"AND", "OR", "NOT", "TO"}
_SPELL_FIELDS = tuple(schema.SPELLING_PREFIX + f for f in schema.TEXT_FIELDS)


def respell(word: str, s: Searcher) -> str | None:
    """The most common indexed word closest to ``word``, or None if it is known or hopeless."""
    known = _RESPELLED.setdefault(s.reader(), {})
    if word not in known:
        if len(known) > 10_000:
            known.clear()
        known[word] = _respell(word, s)
    return known[word]


def _respell(word: str, s: Searcher) -> str | None:
    return best_candidate([spelling_candidates(word, s.reader())])


def spelling_candidates(word: str, reader: Any) -> tuple[int, dict[str, int]] | None:
    """None when ``word`` is an indexed word here (or cannot be respelled: not one
    word); else the smallest edit distance that has indexed words (1, then 2) and
    those words, each with its title and body document frequency (none: an empty
    dict). Shards of one collection add these up (:func:`best_candidate`)."""
    folded = schema.text_analyzer(stem=False).terms(word)
    if len(folded) != 1:
        return None
    key = folded[0][0]
    if any((f, key) in reader for f in _SPELL_FIELDS):
        return None
    for distance in range(1, max_distance(key) + 1):
        candidates: set[str] = set()
        for field in _SPELL_FIELDS:
            if field in reader.schema:  # the bounded, cached edit-distance search
                candidates.update(w for w, _df in
                                  match_fuzzy(reader, field, key, distance, prefix=1).words)
        if candidates:
            return distance, {c: reader.doc_frequency(schema.BODY, schema.stem_word(c))
                              + reader.doc_frequency(schema.TITLE, schema.stem_word(c))
                              for c in candidates}
    return MAX_DISTANCE + 1, {}


def best_candidate(parts: list[tuple[int, dict[str, int]] | None]) -> str | None:
    """The respelling from every part's :func:`spelling_candidates` (one index: one
    part; a sharded index: one per shard): none if any part knows the word; else the
    most frequent word at the smallest distance any part found (a part with nearer
    candidates did not look further: its are the nearest)."""
    found = [p for p in parts if p is not None]
    if len(found) < len(parts) or not any(c for _d, c in found):
        return None
    nearest = min(d for d, c in found if c)
    counts: dict[str, int] = {}
    for d, candidates in found:
        if d == nearest:
            for c, n in candidates.items():
                counts[c] = counts.get(c, 0) + n
    return max(sorted(counts), key=lambda c: counts[c])


def max_distance(word: str) -> int:
    """Edits a misspelling of ``word`` may hold: 1 for 3-5 letters, 2 from 6 on (Lucene
    and Elasticsearch's AUTO fuzziness), never more than :data:`MAX_DISTANCE`."""
    return min(MAX_DISTANCE, 0 if len(word) < 3 else 1 if len(word) < 6 else 2)


def suggest_query(text: str, s: Searcher, count: Callable[[Any], int], *,
                  better_than: int) -> str | None:
    """``text`` with unknown words respelled, if that finds more than ``better_than`` hits
    (``count`` counts the matches of a parsed query within the caller's filters)."""
    candidate = respelled(text, lambda word: respell(word, s))
    if candidate is None:
        return None
    try:
        parsed = parse_query(candidate, s.reader())
    except QuerySyntaxError:
        return None
    return candidate if count(parsed.query) > better_than else None


def respelled(text: str, respell_word: Callable[[str], str | None]) -> str | None:
    """``text`` with its first MAX_RESPELLED lookable words respelled by
    ``respell_word`` (None: kept), or None when nothing changed or it is too long."""
    if len(text) > MAX_QUERY_CHARS:
        return None
    changed = False
    looked_up = 0

    def replace(m: re.Match[str]) -> str:
        nonlocal changed, looked_up
        word = m.group(1)
        if word in _OPERATORS or len(word) > MAX_WORD_LENGTH or looked_up >= MAX_RESPELLED:
            return word
        looked_up += 1
        better = respell_word(word)
        if better is None:
            return word
        changed = True
        return better

    candidate = _WORD.sub(replace, text)
    return candidate if changed else None
