"""The collection statistics BM25F scores with, as a value a caller can pass in.

A score depends on the document (its term frequencies and field lengths) and on
the collection: how many documents there are, each field's total length (for the
average) and in how many documents each word occurs. By default the engine reads
the latter from the open index (``Executor(view)``); ``Executor(view,
stats=...)`` scores with a :class:`CollectionStats` instead, so an index that is
one shard of a larger collection ranks its documents exactly as the whole
collection would: the statistics of the shards add up (``a + b``) to those of
one index holding all their documents.

A word over several fields (title and body) has one document frequency: the
documents with it in any of them. So frequencies are keyed by the fields and the
word, ``(("title", "body"), "oil")``; a word in one field is ``(("title",), "oil")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .idsets import union_size
from .view import IndexView

TermKey = tuple[tuple[str, ...], str]
"""The fields a word is scored over, and the word (an index term)."""


@dataclass(frozen=True)
class CollectionStats:
    """``documents`` (N, deleted ones included, as Lucene and Whoosh count them),
    each field's total length, and the document frequency of each scored word. A
    word it does not list occurs in no document of the collection."""

    documents: int
    field_lengths: Mapping[str, int]
    doc_frequencies: Mapping[TermKey, int] = field(default_factory=dict)

    def field_length(self, fieldname: str) -> int:
        return int(self.field_lengths.get(fieldname, 0))

    def doc_frequency(self, fields: tuple[str, ...], text: str) -> int:
        return int(self.doc_frequencies.get((fields, text), 0))

    def __add__(self, other: CollectionStats) -> CollectionStats:
        """The statistics of both collections as one (their documents are disjoint)."""
        lengths = dict(self.field_lengths)
        for name, n in other.field_lengths.items():
            lengths[name] = lengths.get(name, 0) + n
        frequencies = dict(self.doc_frequencies)
        for key, df in other.doc_frequencies.items():
            frequencies[key] = frequencies.get(key, 0) + df
        return CollectionStats(self.documents + other.documents, lengths, frequencies)

    @classmethod
    def of(cls, view: IndexView, terms: Iterable[TermKey]) -> CollectionStats:
        """The open index's own statistics for these words (and every field)."""
        frequencies = {(fields, text): _doc_frequency(view, fields, text)
                       for fields, text in terms}
        lengths = {name: view.total_length(name) for name in view.schema.names()
                   if view.schema[name].scorable}
        return cls(view.n, lengths, frequencies)


def _doc_frequency(view: IndexView, fields: tuple[str, ...], text: Any) -> int:
    """Documents (deleted ones included) with ``text`` in any of ``fields``."""
    found = [p.ids for f in fields if (p := view.term(f, text)) is not None]
    if not found:
        return 0
    return union_size(found)
