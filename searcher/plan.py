"""The query plan: what a parsed query asks the engine to do, as plain frozen values.

``query/`` builds a plan from the user's text (``query/compile.py``) and from the
filter options (``query/filters.py``); ``engine/`` runs it (``engine/execute.py``)
and explains it (``engine/explain.py``). Nodes are frozen dataclasses of strings,
numbers and datetimes: they compare and hash by value (a node is its own memo key,
and a repeated clause is found by equality), pickle (a cluster ships a plan to its
workers), and need no Whoosh and no numpy to build or read.

How each node scores (engine/scoring.py has the formula):

- :class:`Word`: one index term over one or more fields, BM25F over those fields
  together (the default search's word is one ``Word`` over title and body); a field
  that BM25 does not score (tags, authors...) scores the term's frequency.
- :class:`Phrase`: the words in order at their offsets (next to each other, or with
  the gaps the query's stop words leave), or within ``slop`` positions in any order,
  in any one of the fields; scored as its words are (each a ``Word`` over the
  phrase's fields), summed.
- :class:`AllOf` / :class:`AnyOf`: every / any child matches; the scores of the
  children that match, summed, times the boost. One child is that child (its group's
  boost is dropped, as Whoosh did).
- :class:`Exclude`: ``base`` without the documents of ``excluded``; scores as ``base``.
- :class:`RankBy`: the documents of ``required``, scored as it plus ``ranking``
  where that matches too (Lucene's ``+a b``).
- :class:`MatchAll` (every document, or those with a term in ``field``) and
  :class:`DateRange`: a constant score, their boost.
- :class:`Nothing`: no document.

``str(node)`` is a short label in the query language's spirit (``body:oil``,
``title:"oil prices"``), what ``searcher explain`` shows for a clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def _boost_label(boost: float) -> str:
    return "" if boost == 1 else f"^{boost}"


@dataclass(frozen=True)
class Word:
    """One index term (analysed: stemmed, folded) over ``fields``."""

    fields: tuple[str, ...]
    text: str
    boost: float = 1.0

    def __str__(self) -> str:
        terms = [f"{f}:{self.text}{_boost_label(self.boost)}" for f in self.fields]
        return terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"


@dataclass(frozen=True)
class Phrase:
    """Index terms in order, each at its offset from the first (``offsets``; empty:
    next to each other), or (``slop`` above 1, not ``ordered``) within ``slop``
    positions of each other in any order; in one of ``fields``. A stop word of the
    query leaves a gap, as the index's positions do: ``"bank of japan"`` is bank,
    then japan two positions later, offsets (0, 2)."""

    fields: tuple[str, ...]
    words: tuple[str, ...]
    slop: int = 1
    ordered: bool = True
    offsets: tuple[int, ...] = ()
    boost: float = 1.0

    @property
    def exact(self) -> bool:
        """Words in order at their offsets (not a proximity clause)."""
        return self.slop == 1 and self.ordered

    def positions(self) -> tuple[int, ...]:
        """Each word's offset from the first (0, 1, 2... without gaps)."""
        return self.offsets or tuple(range(len(self.words)))

    def __str__(self) -> str:
        near = "" if self.exact else f"~{self.slop - 1}"
        phrase = phrase_text(self.words, self.offsets)
        return " OR ".join(f'{f}:"{phrase}"{near}' for f in self.fields)


def phrase_text(words: tuple[str, ...] | list[str], offsets: tuple[int, ...] = ()) -> str:
    """The words of a phrase with a ``?`` for each gap (Lucene's way): ``bank ? japan``."""
    if not offsets:
        return " ".join(words)
    out = [words[0]]
    for word, before, at in zip(words[1:], offsets[:-1], offsets[1:], strict=True):
        out.extend(["?"] * (at - before - 1) + [word])
    return " ".join(out)


@dataclass(frozen=True)
class AllOf:
    children: tuple[Node, ...]
    boost: float = 1.0

    def __str__(self) -> str:
        return f"({' AND '.join(map(str, self.children))})"


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Node, ...]
    boost: float = 1.0

    def __str__(self) -> str:
        return f"({' OR '.join(map(str, self.children))})"


@dataclass(frozen=True)
class Exclude:
    base: Node
    excluded: Node

    def __str__(self) -> str:
        return f"({self.base} ANDNOT {self.excluded})"


@dataclass(frozen=True)
class RankBy:
    required: Node
    ranking: Node

    def __str__(self) -> str:
        return f"({self.required} ANDMAYBE {self.ranking})"


@dataclass(frozen=True)
class MatchAll:
    """Every document (``field`` None), or every one with a term in ``field``."""

    field: str | None = None
    boost: float = 1.0

    def __str__(self) -> str:
        return f"{self.field or ''}{':' if self.field else ''}*{_boost_label(self.boost)}"


@dataclass(frozen=True)
class DateRange:
    """Documents whose date column ``field`` lies between ``start`` and ``end``
    (naive UTC; None: open), each end included unless excluded."""

    field: str
    start: datetime | None
    end: datetime | None
    start_excluded: bool = False
    end_excluded: bool = False
    boost: float = 1.0

    def __str__(self) -> str:
        start = "" if self.start is None else self.start.isoformat()
        end = "" if self.end is None else self.end.isoformat()
        return (f"{self.field}:{'{' if self.start_excluded else '['}{start} TO {end}"
                f"{'}' if self.end_excluded else ']'}{_boost_label(self.boost)}")


@dataclass(frozen=True)
class Nothing:
    """No document (a query of stop words only, a wildcard that reaches no word)."""

    def __str__(self) -> str:
        return "nothing"


NOTHING = Nothing()

Node = Word | Phrase | AllOf | AnyOf | Exclude | RankBy | MatchAll | DateRange | Nothing
"""A plan node."""


def any_of(nodes: list[Node] | tuple[Node, ...]) -> Node:
    """The node itself when alone, else an :class:`AnyOf`."""
    return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))
