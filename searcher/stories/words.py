"""Story signatures made where the index's analysis runs: in the segment writer, in each
worker process of a parallel build, from the tokens the writer already found for the
article's title and body (shingles.indexed_hashes), so a build reads each article's
words once. Each writer hands its part (ids, content hashes, signatures) to the
build's ``StoryRun`` (build.py), which makes the generation's table from them.

A part numbers its articles in the order the build wrote them (``seq``): when one
build writes an id twice, the later version wins, as it does in the index, whichever
worker wrote each.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .shingles import U64
from .signature import Signatures, signatures

BATCH = 512  # articles whose signatures are computed together (numpy per batch)
I64 = npt.NDArray[np.int64]


def content_hash(hashes: U64) -> int:
    """An article's content: a hash of its words (exact copies share it)."""
    digest = hashlib.blake2b(hashes.tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def join_rows(parts: list[tuple[I64, U64]]) -> tuple[I64, U64]:
    """Per-article flat arrays (offsets, values) one after another, as one."""
    offsets, flats, base = [np.zeros(1, np.int64)], [], 0
    for off, flat in parts:
        offsets.append(off[1:] + base)
        flats.append(flat)
        base += int(off[-1])
    return (np.concatenate(offsets),
            np.concatenate(flats) if flats else np.zeros(0, np.uint64))


@dataclass(frozen=True)
class StoryPart:
    """One writer's articles: per article (in the order written) its id, its number in
    the build's order, its content hash, and its signature (``signatures`` row i)."""

    ids: list[str]
    seqs: I64
    content: U64
    signatures: Signatures

    @staticmethod
    def join(parts: list[StoryPart]) -> StoryPart:
        sh = join_rows([(p.signatures.shingle_offsets, p.signatures.shingles) for p in parts])
        an = join_rows([(p.signatures.anchor_offsets, p.signatures.anchors) for p in parts])
        return StoryPart([i for p in parts for i in p.ids],
                         np.concatenate([np.zeros(0, np.int64), *(p.seqs for p in parts)]),
                         np.concatenate([np.zeros(0, np.uint64), *(p.content for p in parts)]),
                         Signatures(sh[0], sh[1], an[0], an[1]))


class StoryWords:
    """The articles one writer writes, turned into signatures a batch at a time."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.seqs: list[int] = []
        self.content: list[int] = []
        self._pending: list[U64] = []
        self._done: list[Signatures] = []

    def add(self, seq: int, article_id: str, hashes: U64) -> None:
        """Note article ``article_id`` (the ``seq``-th the build writes) with the hashes
        of its words (shingles.indexed_hashes or text_hashes)."""
        self.ids.append(article_id)
        self.seqs.append(seq)
        self.content.append(content_hash(hashes))
        self._pending.append(hashes)
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._done.append(signatures(self._pending))
            self._pending = []

    def part(self) -> StoryPart:
        """Everything noted so far, as one part."""
        self._flush()
        parts = [StoryPart([], np.zeros(0, np.int64), np.zeros(0, np.uint64), s)
                 for s in self._done]
        joined = StoryPart.join(parts)
        return StoryPart(list(self.ids), np.array(self.seqs, dtype=np.int64),
                         np.array(self.content, dtype=np.uint64), joined.signatures)
