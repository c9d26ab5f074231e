"""Phrases and proximity, checked on positions for the candidate documents only.

The candidates are the documents holding every word (an AND the executor has
already computed); positions are decoded once per term (view.positions, cached).
A phrase (ordered, each word at its offset from the first) is vectorised: word i
at position p is written as the key (candidate, p - offset i), and the documents
whose keys are shared by every word are the matches. Offsets are 0, 1, 2... for
adjacent words; a stop word of the query leaves a gap (plan.Phrase's offsets), as
the index's positions do. Proximity (``"a b"~5``) is checked document by document with
``textmatch.spans_within``, the rule highlighting uses too (Whoosh's SpanNear2), so an
article matches a proximity clause exactly when its text is highlighted for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..textmatch import spans_within
from .view import IndexView

IntArray = npt.NDArray[np.int64]


def _gather(view: IndexView, fieldname: str, word: Any, docs: IntArray
            ) -> tuple[IntArray, IntArray]:
    """(candidate index, position) for every position of ``word`` in ``docs``."""
    tp = view.positions(fieldname, word)
    if tp is None or not len(docs):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows = np.searchsorted(tp.ids, docs)
    starts = tp.offsets[rows]
    counts = tp.offsets[rows + 1] - starts
    owner = np.repeat(np.arange(len(docs), dtype=np.int64), counts)
    first = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    index = first + np.arange(int(counts.sum()), dtype=np.int64)
    return owner, tp.flat[index].astype(np.int64)


def matching(view: IndexView, fieldname: str, words: Sequence[Any], docs: IntArray, *,
             slop: int = 1, ordered: bool = True,
             offsets: Sequence[int] | None = None) -> IntArray:
    """The documents of ``docs`` (which hold every word) where the words occur as a
    phrase (``ordered``, ``slop`` 1; each at its offset, adjacent by default) or within
    ``slop`` positions of each other (``textmatch.spans_within``, exactly: no step
    budget, the answer is the query's)."""
    if not len(docs) or not words:
        return docs[:0]
    if offsets is not None:
        return _phrase(view, fieldname, words, docs, offsets)
    if ordered and slop == 1:
        return _phrase(view, fieldname, words, docs, range(len(words)))
    per_word = [_by_doc(view, fieldname, w, docs) for w in words]
    found = [doc for i, doc in enumerate(docs.tolist())
             if spans_within([pw[i] for pw in per_word], slop, ordered, max_steps=None,
                             first_only=True)]
    return np.array(found, dtype=np.int64)


def _phrase(view: IndexView, fieldname: str, words: Sequence[Any], docs: IntArray,
            offsets: Sequence[int]) -> IntArray:
    """Keys (candidate, position - offset in the phrase) are sorted and unique per word
    (candidates ascend, positions ascend within one), so the words' key sets are
    intersected with binary searches, rarest word first."""
    stride = np.int64(1 << 32)
    per_word = []
    last = offsets[-1]
    for word, offset in zip(words, offsets, strict=True):
        owner, pos = _gather(view, fieldname, word, docs)
        per_word.append(owner * stride + (pos - offset + last + 1))
    per_word.sort(key=len)
    keys = per_word[0]
    for other in per_word[1:]:
        if not len(keys):
            break
        at = np.minimum(np.searchsorted(other, keys), len(other) - 1)
        keys = keys[other[at] == keys]
    owners = keys // stride
    if not len(owners):
        return docs[:0]
    first = np.concatenate(([True], owners[1:] != owners[:-1]))
    found: IntArray = docs[owners[first]]
    return found


def _by_doc(view: IndexView, fieldname: str, word: Any, docs: IntArray) -> list[list[int]]:
    owner, pos = _gather(view, fieldname, word, docs)
    out: list[list[int]] = [[] for _ in range(len(docs))]
    for o, p in zip(owner.tolist(), pos.tolist(), strict=True):
        out[o].append(p)
    return out
