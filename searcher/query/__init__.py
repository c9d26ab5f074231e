r"""User query text and filter options -> a query plan (``searcher/plan.py``).

A small tokenizer and recursive-descent parser build the plan the engine runs
instead of configuring Whoosh's QueryParser: that makes the parser
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
- A boost scales a clause's score, never what matches, as in Lucene: ``oil^3``,
  ``"oil prices"^2``, ``title:oil^2``, ``tag:earn^2``, ``(gas OR gold)^4``, ``oil^0.5``
  (a number above 0 and at most :data:`MAX_BOOST`; anything else after ``^`` is an
  error at the ``^``). A ``^`` that follows nothing (``^oil``) is text.
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

Leniency (one rule per case; each repair adds a sentence to ``notes``, the same
repair at several positions one sentence, at most :data:`MAX_NOTES` in all)
------------------------------------------------------------------------------
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
  range, a bad boost, a range on a non-date field, nesting deeper than :data:`MAX_DEPTH`.
- Bounded cost (each cap that bites adds a note): a query longer than
  :data:`MAX_QUERY_CHARS` characters is an error; only the first :data:`MAX_LEAVES`
  words, :data:`MAX_EXPANDED_LEAVES` wildcard/fuzzy words (up to
  :data:`EXPANSION_LIMIT` index words each) and :data:`MAX_PHRASE_LEAVES` phrases
  (later ones: all their words) are searched; a clause repeated is searched once;
  expansion itself is bounded (``expansion.py``).

The path, one way: ``lexer.py`` (tokens) -> ``parser.py`` (syntax tree; each leaf
handed to ``bind.py``, which builds it against the index, with ``dates.py`` for
dates) -> ``compile.py`` (the query plan). ``filters.py`` turns the filter
options into a filter and mask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import plan
from ..engine.scoring import ALL_WORDS_BOOST, ALL_WORDS_MAX_CLAUSES
from ..errors import QuerySyntaxError
from ..models import QueryTerm
from ..sanitize import blank_for_query
from .bind import (
    EXPANSION_LIMIT,
    FUZZY_PREFIX_LENGTH,
    MAX_EXPANDED_LEAVES,
    MAX_FUZZY_DISTANCE,
    MAX_LEAVES,
    MAX_PHRASE_LEAVES,
    Binder,
)
from .compile import compile_tree, positive_terms
from .dates import utc
from .filters import build_filter, parse_date_bound
from .lexer import FIELD_NAMES, MAX_BOOST, MAX_PROXIMITY
from .parser import DEFAULT_FIELDS, MAX_DEPTH, Parser

__all__ = [
    "ALL_WORDS_BOOST", "ALL_WORDS_MAX_CLAUSES", "DEFAULT_FIELDS", "EXPANSION_LIMIT",
    "FIELD_NAMES", "FUZZY_PREFIX_LENGTH", "MAX_BOOST", "MAX_DEPTH", "MAX_EXPANDED_LEAVES",
    "MAX_FUZZY_DISTANCE", "MAX_LEAVES", "MAX_NOTES", "MAX_PHRASE_LEAVES", "MAX_PROXIMITY",
    "MAX_QUERY_CHARS", "ParsedQuery", "build_filter", "parse_date_bound", "parse_query",
]

IndexReader = Any  # whoosh.reading.IndexReader

MAX_QUERY_CHARS = 10_000
"""A longer query is an error: no one types it, and every part of it costs time."""


MAX_NOTES = 8
"""Notes kept from parsing one query: each repair adds one, so 5,000 stray ``)`` made
5,000 notes (half a megabyte on every page of results)."""
_AT_POSITION = re.compile(r" at position \d+")


def bounded_notes(notes: list[str]) -> list[str]:
    """``notes`` without repeats, the same repair at other positions as one note (``The
    unmatched ) at position 1 was ignored (and 4,999 more like it).``), and at most
    MAX_NOTES of them (the last one saying how many more were left out)."""
    groups: dict[str, list[str]] = {}
    for note in dict.fromkeys(notes):
        groups.setdefault(_AT_POSITION.sub(" at position", note), []).append(note)
    kept = [same[0] if len(same) == 1
            else f"{same[0].rstrip('.')} (and {len(same) - 1:,} more like it)."
            for same in groups.values()]
    if len(kept) > MAX_NOTES:
        kept[MAX_NOTES - 1:] = [f"{len(kept) - MAX_NOTES + 1:,} more notes on this query "
                                "were left out."]
    return kept


@dataclass(frozen=True)
class ParsedQuery:
    """What search runs: ``query`` scores and matches; ``match_all`` marks ``*`` or
    empty text (every article, so filters alone browse); ``terms`` are the positive
    leaves in index terms (snippets, why-matched); ``notes`` say what lenient
    parsing assumed, one sentence each."""

    query: plan.Node
    match_all: bool
    terms: tuple[QueryTerm, ...]
    notes: tuple[str, ...] = ()


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
        return ParsedQuery(plan.MatchAll(), True, ())
    notes: list[str] = []
    binder = Binder(text, reader, utc(now), notes)
    tree = Parser(text, norm, notes, binder.leaf).group()
    query = compile_tree(tree)
    notes[:] = bounded_notes(notes)
    if binder.left_out:
        shown = ", ".join(w[:40] for w in binder.left_out[:5])
        more = f" and {len(binder.left_out) - 5:,} more" if len(binder.left_out) > 5 else ""
        notes.append(f"Only the first {MAX_EXPANDED_LEAVES} wildcard and fuzzy words were "
                     f"expanded; {shown}{more} were left out.")
    if query is None:
        notes.append("There is nothing to search for: the query has only stop words or "
                     "punctuation.")
        query = plan.NOTHING
    terms: list[QueryTerm] = []
    positive_terms(tree, True, terms)
    return ParsedQuery(query, False, tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(notes)))
