"""Index words that complete what a user is typing, each with the number of articles a
search for it finds: the search box's suggestions (``/api/suggest``).

Candidates are the unstemmed words of the title and body spelling fields (the words
as articles wrote them, folded; WHOOSH-NOTES 3-4) that start with the last word typed,
found through ``expansion.match_pattern`` (a bisection of the cached word list, at most
``expansion.MAX_CANDIDATES`` of them, the shortest first). They are ranked by their
spelling frequency (cheap, kept per reader, but it counts deleted articles too), and
only the best few are counted exactly: the live articles whose title or body holds the
word's stem, which is ``total`` of ``Index.search(word)``; of words sharing a stem
(price, prices, priced) only the most frequent is offered, as they find the same.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable

import numpy as np

from . import arguments, schema
from .engine.idsets import places_in
from .engine.view import IndexView
from .expansion import match_pattern
from .folding import fold
from .models import FacetCount

MAX_PREFIX_CHARS = 64
"""A longer last word has no completions (no index word is that long and useful)."""
COUNTED_PER_SHOWN = 3
"""Candidates counted exactly per word shown: the spelling frequency only ranks them."""
_LAST_WORD = re.compile(r"\w+(?:\.\w+)*\.?$")
_TEXT = schema.text_analyzer()


def typed_word(prefix: str) -> str:
    """The folded last word of ``prefix`` (what is being typed), or "" when ``prefix``
    ends in a space, an operator character or a field's colon (nothing to complete)."""
    folded = fold(prefix[-MAX_PREFIX_CHARS * 4:])
    m = _LAST_WORD.search(folded)
    if m is None or len(m.group()) > MAX_PREFIX_CHARS:
        return ""
    return m.group().rstrip(".")


def completed(prefix: str, word: str) -> str:
    """``prefix`` with its last word (the one :func:`typed_word` reads) replaced by
    ``word``: ``oil pr`` and ``price`` give ``oil price``."""
    m = _LAST_WORD.search(prefix)
    return (prefix[:m.start()] if m else prefix) + word


def candidates(view: IndexView, word: str) -> dict[str, int]:
    """Index words starting with ``word``: each with its spelling frequency in title
    and body added up (articles holding it, deleted ones included)."""
    found: dict[str, int] = {}
    if not word:
        return found
    reader = view.searcher.reader()
    for field in schema.TEXT_FIELDS:
        lexfield = schema.SPELLING_PREFIX + field
        if lexfield not in reader.schema:
            continue
        for w, df in match_pattern(reader, lexfield, word + "*").words:
            found[w] = found.get(w, 0) + df
    return found


def best(frequencies: dict[str, int], n: int) -> list[str]:
    """The ``n`` words with the highest frequency (ties: alphabetical)."""
    return heapq.nsmallest(n, frequencies, key=lambda w: (-frequencies[w], w))


def article_counts(view: IndexView, words: Iterable[str]) -> dict[str, int]:
    """Per word, the live articles whose title or body holds its stem: what a search
    for the word alone counts. Words sharing a stem find the same articles: only the
    first of them (the most frequent, in ``words``' order) is kept."""
    out: dict[str, int] = {}
    seen: set[str] = set()
    for w in words:
        stems = _TEXT.phrase(w)[0]
        if len(stems) != 1 or stems[0] in seen:
            continue
        seen.add(stems[0])
        parts = [p.ids for f in schema.TEXT_FIELDS
                 if (p := view.term(f, stems[0])) is not None]
        if not parts:
            continue
        if len(parts) == 2:  # the body's ids not in the title's (both sorted)
            parts[1] = parts[1][~places_in(parts[0], parts[1])[1]]
        count = sum(int(np.count_nonzero(view.live[ids])) for ids in parts)
        if count:
            out[w] = count
    return out


def ranked(counts: dict[str, int], limit: int) -> list[tuple[str, int]]:
    """(word, articles), most articles first (ties: alphabetical), the first ``limit``."""
    return sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:limit]


def word_values(view: IndexView, prefix: str, limit: int) -> list[FacetCount]:
    """The ``limit`` index words completing the last word of ``prefix`` that the most
    articles hold, with those articles' number (most first)."""
    limit = arguments.count("limit", limit, 0)
    typed = typed_word(arguments.text("prefix", prefix))
    chosen = best(candidates(view, typed), limit * COUNTED_PER_SHOWN)
    return [FacetCount(w, n) for w, n in ranked(article_counts(view, chosen), limit)]
