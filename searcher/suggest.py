"""Did-you-mean: respell the words of a query that finds little, from the index's own words.

Words are looked up in the *unstemmed* spelling fields (WHOOSH-NOTES 3-4: the
stemmed lexicon would suggest stems such as "elect"). Candidates within edit
distance 1, then 2, are ranked by how many articles contain them; the respelled
query is offered only if it finds more than the original.
"""

from __future__ import annotations

import re
from typing import Any

from whoosh.searching import Searcher

from . import schema
from .errors import QuerySyntaxError
from .query import parse_query

MAX_DISTANCE = 2
_WORD = re.compile(r"(?<![\w:])([^\W\d_]{3,})(?![\w:*?~])")
_OPERATORS = {"AND", "OR", "NOT", "TO"}
_SPELL_FIELDS = tuple(schema.SPELLING_PREFIX + f for f in schema.TEXT_FIELDS)


def respell(word: str, s: Searcher) -> str | None:
    """The most common indexed word closest to ``word``, or None if it is known or hopeless."""
    reader = s.reader()
    folded = schema.text_analyzer(stem=False).terms(word)
    if len(folded) != 1:
        return None
    key = folded[0][0]
    if any((f, key) in reader for f in _SPELL_FIELDS):
        return None
    for distance in range(1, MAX_DISTANCE + 1):
        candidates: set[str] = set()
        for field in _SPELL_FIELDS:
            candidates.update(reader.terms_within(field, key, distance, prefix=1))
        if candidates:
            return max(sorted(candidates), key=lambda c: reader.doc_frequency(
                schema.BODY, schema.stem_word(c)) + reader.doc_frequency(
                schema.TITLE, schema.stem_word(c)))
    return None


def suggest_query(text: str, s: Searcher, filt: Any, mask: Any, *,
                  better_than: int) -> str | None:
    """``text`` with unknown words respelled, if that finds more than ``better_than`` hits."""
    changed = False

    def replace(m: re.Match[str]) -> str:
        nonlocal changed
        word = m.group(1)
        if word in _OPERATORS:
            return word
        better = respell(word, s)
        if better is None:
            return word
        changed = True
        return better

    candidate = _WORD.sub(replace, text)
    if not changed:
        return None
    try:
        parsed = parse_query(candidate, s.reader())
    except QuerySyntaxError:
        return None
    found = s.search(parsed.query, limit=1, filter=filt, mask=mask, terms=False)
    return candidate if len(found) > better_than else None
