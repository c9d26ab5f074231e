"""Phrases and proximity, checked on positions for the candidate documents only.

The candidates are the documents holding every word (an AND the executor has
already computed); positions are decoded once per term (view.positions, cached).
A phrase (ordered, each word at its offset from the first) is vectorised: word i
at position p is written as the key (candidate, p - offset i), and the documents
whose keys are shared by every word are the matches. Offsets are 0, 1, 2... for
adjacent words; a stop word of the query leaves a gap (plan.Phrase's offsets), as
the index's positions do. Unordered proximity (``"a b"~5``) follows Whoosh's SpanNear2
rule exactly, span by span, in Python: it is rarer and its candidates fewer.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

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
             slop: int = 1, ordered: bool = True, mindist: int = 1,
             offsets: Sequence[int] | None = None) -> IntArray:
    """The documents of ``docs`` (which hold every word) where the words occur as a
    phrase (``ordered``, ``slop`` 1; each at its offset, adjacent by default) or near
    each other (Whoosh's SpanNear2 rules)."""
    if not len(docs) or not words:
        return docs[:0]
    if offsets is not None:
        return _phrase(view, fieldname, words, docs, offsets)
    if ordered and slop == 1 and mindist == 1:
        return _phrase(view, fieldname, words, docs, range(len(words)))
    found = []
    per_word = [_by_doc(view, fieldname, w, docs) for w in words]
    for i, doc in enumerate(docs):
        if _spans_match([pw[i] for pw in per_word], slop, ordered, mindist):
            found.append(doc)
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


def _spans_match(word_positions: list[list[int]], slop: int, ordered: bool,
                 mindist: int) -> bool:
    """Whoosh's ``SpanNear2Matcher._get_spans``: grow spans word by word; the next
    word must start after the span (ordered) or anywhere, at distance mindist..slop
    from it (0 when it falls inside the span)."""
    spans = sorted({(p, p) for p in word_positions[0]})
    for positions in word_positions[1:]:
        bspans = sorted(set(positions))
        starts = [b for b in bspans]
        grown: set[tuple[int, int]] = set()
        for a_start, a_end in spans:
            j = bisect_left(starts, a_start if ordered else max(0, a_start - slop))
            while j < len(bspans):
                b = bspans[j]
                j += 1
                if b < a_start - slop or (ordered and a_start > b):
                    continue
                if b > a_end + slop:
                    break
                if a_start <= b <= a_end:
                    dist = 0
                elif a_end < b:
                    dist = b - a_end
                else:
                    dist = a_start - b
                if mindist <= dist <= slop:
                    grown.add((min(a_start, b), max(a_end, b)))
        spans = sorted(grown)
        if not spans:
            return False
    return bool(spans)
