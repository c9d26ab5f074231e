"""Story signatures made where the index's analysis runs: in the segment writer, in each
worker process of a parallel build, from the token numbers the writer's analysis
already gave the article's title and body (_whoosh/text_postings.py), so a build
reads each article's words once and does no Python work per token for its stories.
Each writer hands its part (ids, content hashes, signatures) to the build's
``StoryRun`` (build.py), which makes the generation's table from them.

A part numbers its articles in the order the build wrote them (``seq``): when one
build writes an id twice, the later version wins, as it does in the index, whichever
worker wrote each.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .rows import join_rows, offsets_of, take_rows
from .shingles import U64, WordHashes, glued_dots, text_hashes
from .signature import Signatures, signatures

BATCH = 512  # articles whose signatures are computed together (numpy per batch)
I64 = npt.NDArray[np.int64]


def content_hash(hashes: U64) -> int:
    """An article's content: a hash of its words (exact copies share it)."""
    return int(content_hashes(hashes, np.array([len(hashes)], dtype=np.int64))[0])


def content_hashes(flat: U64, counts: I64) -> U64:
    """Each article's content, a hash of its words (exact copies share it), given every
    article's word hashes one after another (``flat``) and how many each has."""
    data = memoryview(flat.tobytes())
    ends = (np.cumsum(counts) * 8).tolist()
    out = np.zeros(len(ends), dtype=np.uint64)
    start = 0
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    for i, end in enumerate(ends):
        out[i] = from_bytes(blake2b(data[start:end], digest_size=8).digest(), "little")
        start = end
    return out


@dataclass(frozen=True)
class StoryPart:
    """One writer's articles: per article (in the order written) its id, its number in
    the build's order and its content hash; their signatures as the writer made them,
    a batch at a time (row i is the i-th article of the part), never copied into one
    array: a build only reads the anchors of its new contents and the shingles of
    those in a candidate pair."""

    ids: list[str]
    seqs: I64
    content: U64
    batches: tuple[Signatures, ...]

    @staticmethod
    def join(parts: list[StoryPart]) -> StoryPart:
        return StoryPart([i for p in parts for i in p.ids],
                         np.concatenate([np.zeros(0, np.int64), *(p.seqs for p in parts)]),
                         np.concatenate([np.zeros(0, np.uint64), *(p.content for p in parts)]),
                         tuple(b for p in parts for b in p.batches))

    def _located(self, rows: I64) -> tuple[I64, I64]:
        """Each row's batch and its row within that batch."""
        sizes = np.array([len(b.anchor_offsets) - 1 for b in self.batches], dtype=np.int64)
        starts = offsets_of(sizes)
        batch = np.searchsorted(starts, rows, side="right") - 1
        return batch, rows - starts[batch]

    def anchors(self, rows: I64) -> tuple[I64, U64]:
        """The anchors of the articles ``rows``, in that order (offsets, flat)."""
        batch, local = self._located(rows)
        by_batch = np.argsort(batch, kind="stable")
        cuts = np.searchsorted(batch[by_batch], np.arange(len(self.batches) + 1))
        pieces = [take_rows(b.anchor_offsets, b.anchors, local[by_batch[cuts[k]:cuts[k + 1]]])
                  for k, b in enumerate(self.batches) if cuts[k] < cuts[k + 1]]
        gathered = join_rows(pieces)
        if not len(rows) or np.all(by_batch[1:] > by_batch[:-1]):
            return gathered  # already in the order asked (rows of increasing batch)
        back = np.empty_like(by_batch)
        back[by_batch] = np.arange(len(by_batch), dtype=np.int64)
        return take_rows(*gathered, back)

    def shingles(self, rows: list[int]) -> list[U64]:
        """The shingles of each of the articles ``rows``."""
        batch, local = self._located(np.array(rows, dtype=np.int64))
        out = []
        for k, i in zip(batch.tolist(), local.tolist(), strict=True):
            sig = self.batches[k]
            out.append(sig.shingles[sig.shingle_offsets[i]:sig.shingle_offsets[i + 1]])
        return out


class Vocabulary(Protocol):
    """What a writer's analysis knows of the tokens it numbered (_whoosh/text_postings.py):
    each token number's word number (``array("word")``) and each word (``words``)."""

    words: list[str]

    def array(self, name: str) -> I64: ...


class StoryWords:
    """The articles one writer writes, turned into signatures a batch at a time: an
    article's token numbers are kept as plain ints (no token objects for the garbage
    collector to walk); BATCH articles' are turned into word hashes, shingled and
    anchored together (numpy per batch)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.seqs: list[int] = []
        self._vocabulary: Vocabulary | None = None  # the one that numbered the waiting
        self._hashes = WordHashes()  # ... and its words' hashes
        self._numbers = array("q")  # the waiting articles' token numbers, one after another
        self._tokens: list[int] = []  # how many each waiting article has
        self._given: dict[int, U64] = {}  # a waiting article's hashes, made from its text
        self._content: list[U64] = []
        self._done: list[Signatures] = []

    def add(self, seq: int, article_id: str, hashes: U64) -> None:
        """Note article ``article_id`` (the ``seq``-th the build writes) with the hashes
        of its words (shingles.text_hashes)."""
        self._given[len(self._tokens)] = hashes
        self._note(seq, article_id, 0)

    def add_numbers(self, seq: int, article_id: str, title: str, body: str,
                    numbers: Sequence[list[int]], vocabulary: Vocabulary) -> None:
        """``add``, given the numbers of the tokens the index's analysis found in the
        article's title and in its body, and the vocabulary that numbered them."""
        if glued_dots(title, body):
            self.add(seq, article_id, text_hashes(title, body))
            return
        if vocabulary is not self._vocabulary:  # (a writer starts a new one now and then)
            self._flush()
            self._vocabulary, self._hashes = vocabulary, WordHashes()
        before = len(self._numbers)
        for field in numbers:
            self._numbers.extend(field)
        self._note(seq, article_id, len(self._numbers) - before)

    def _note(self, seq: int, article_id: str, tokens: int) -> None:
        self.ids.append(article_id)
        self.seqs.append(seq)
        self._tokens.append(tokens)
        if len(self._tokens) >= BATCH:
            self._flush()

    def _word_hashes(self) -> tuple[U64, I64]:
        """The waiting articles' word hashes (flat) and how many each has."""
        tokens = np.array(self._tokens, dtype=np.int64)
        if not self._numbers or self._vocabulary is None:
            return np.zeros(0, np.uint64), np.zeros(len(tokens), np.int64)
        vocabulary = self._vocabulary
        words = vocabulary.array("word")[np.frombuffer(self._numbers, dtype=np.int64)]
        hashes = self._hashes.of(words, vocabulary.words)
        kept = hashes != 0
        article = np.repeat(np.arange(len(tokens), dtype=np.int64), tokens)
        return hashes[kept], np.bincount(article[kept], minlength=len(tokens)).astype(np.int64)

    def _flush(self) -> None:
        if not self._tokens:
            return
        flat, counts = self._word_hashes()
        if self._given:  # texts hashed on their own, put in their places
            offsets = offsets_of(counts)
            rows = [self._given.get(i, flat[offsets[i]:offsets[i + 1]])
                    for i in range(len(counts))]
            counts = np.array([len(r) for r in rows], dtype=np.int64)
            flat = np.concatenate([np.zeros(0, np.uint64), *rows])
        self._content.append(content_hashes(flat, counts))
        self._done.append(signatures(flat, counts))
        self._numbers, self._tokens, self._given = array("q"), [], {}

    def part(self) -> StoryPart:
        """Everything noted so far, as one part (the writer's vocabulary is let go: it
        is asked for once the writer has added its articles)."""
        self._flush()
        self._vocabulary, self._hashes = None, WordHashes()
        return StoryPart(list(self.ids), np.array(self.seqs, dtype=np.int64),
                         np.concatenate([np.zeros(0, np.uint64), *self._content]),
                         tuple(self._done))
