"""Terms written in bulk: the bytes Whoosh writes for them, without Whoosh's per-term
and per-posting machinery.

For each term Whoosh's W3FieldWriter starts a posting writer and a term info, fills a
block buffer a posting at a time, pickles the block and its info, asks the postings
file where it is twice and the terms file twice (``tell()``), packs the term info and
adds a hash-table entry: about 40 Python calls for a term that has, on Reuters, three
postings or fewer 83 % of the time. ``SmallTerms.write`` makes the same block (the same
minified ids, weights and values, the same info tuple, compressed as
segment_writer's blocks are), the same term info and the same hash entry from the
term's whole posting list at once, writes up to HELD_TERMS terms' bytes with one write
to each file, and counts the files' positions itself. A term of several blocks (the
frequent words: few terms, most postings) is cut into blocks the same way and its
term info summed as Whoosh sums it; only one with a block of no field lengths goes
through Whoosh's writer (``flush`` first; ``sync`` reads the positions again after one).
``write_hashes`` is the terms file's hash tables, written by table instead of by slot.
tests/test_segment_writer.py checks the files byte for byte against Whoosh's path.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from collections.abc import Iterator
from hashlib import md5
from operator import sub
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import _length_byte_cache

_TERMINFO = W3TermInfo._struct
HELD_TERMS = 4096  # terms whose bytes SmallTerms holds before writing them
# length_to_byte (a bisect in Python) as a table: every length below _LONG is exact
# (one numpy searchsorted: 106,374 bisect calls took 0.1 s of every build's start)
_LONG = 106374  # length_to_byte gives 255 from here on
_LENGTH_BYTES = np.searchsorted(np.array(_length_byte_cache), np.arange(_LONG),
                                side="left").astype(np.uint8).tobytes()


def _length_byte(length: int) -> int:
    return _LENGTH_BYTES[length] if length < _LONG else 255


class SmallTerms:
    """Writes one field's single-block terms for a W3FieldWriter (between its
    ``start_field`` and ``finish_field``)."""

    def __init__(self, fw: Any, compression: int, small_block: int, protocol: int) -> None:
        self._fw = fw
        self._postfile = fw._postfile
        self._tindex = fw._tindex
        self._prefix = pack_ushort(fw._fieldid)
        fixed = fw._format.fixed_value_size()
        # how a block stores its values: a tuple, nothing, or joined fixed-size bytes
        self._values = "tuple" if fixed is None or fixed < 0 else ("none" if fixed == 0
                                                                     else "join")
        self._compression = compression
        self._small_block = small_block
        self._protocol = protocol
        self.blocklimit: int = fw._postwriter._blocklimit
        self._f32: dict[float, float] = {}  # a weight as the block's float32 array holds it
        # what write() made and flush() writes: postings blocks, terms file entries
        self._blocks: list[bytes] = []
        self._entries: list[bytes] = []
        self.sync()

    def sync(self) -> None:
        """Read where the two files are (after Whoosh's own writer wrote to them)."""
        self._ppos = self._postfile.tell()
        self._tpos = self._tindex.dbfile.tell()

    def flush(self) -> None:
        """Write the blocks and term entries held so far (one write to each file): call
        before Whoosh's own writer writes to the files, and at the field's end."""
        if self._blocks:
            self._postfile.write(b"".join(self._blocks))
            self._tindex.dbfile.write(b"".join(self._entries))
            self._blocks, self._entries = [], []

    def write(self, tbytes: bytes, lst: list[Any], lens: list[int] | None) -> bool:
        """One term: ``lst`` its postings, flat (docnum, weight, value or None) in
        docnum order; ``lens`` the field's lengths. False (nothing written) for a term
        of several blocks that Whoosh's own writer must write (a block without a
        length, which Whoosh's term info cannot sum)."""
        if len(lst) == 3:  # one posting: 80 % of the terms of a Reuters build (spelling too)
            self._write_one(tbytes, lst, lens)
            return True
        ids = lst[0::3]
        n = len(ids)
        if n > self.blocklimit:
            return lens is not None and self._write_blocks(tbytes, lst, ids, lens)
        ws = lst[1::3]
        weights = array("f", ws)
        top = max(ws)
        maxweight = top if top > 0 else 0  # the first maximal weight, as add_posting keeps
        minbyte = maxbyte = 0
        if lens is not None:
            found = list(filter(None, map(lens.__getitem__, ids)))
            if found:
                minbyte, maxbyte = _length_byte(min(found)), _length_byte(max(found))
        data, comp = self._data(ids, weights, lst[2::3])
        info = pickle.dumps((n, ids[-1], maxweight, comp, minbyte, maxbyte), self._protocol)
        self._finish(tbytes, WHOOSH3_HEADER_MAGIC + self._block(info, data, True),
                     sum(weights), n, minbyte, maxbyte, maxweight, ids[0], ids[-1])
        return True

    def _write_blocks(self, tbytes: bytes, lst: list[Any], ids: list[int],
                      lens: list[int]) -> bool:
        """``write`` for a term of several blocks: each block as W3PostingsWriter's
        ``_write_block`` makes it (its last one's length negative), the term info
        summed over them as W3TermInfo.add_block sums it."""
        ws = lst[1::3]
        vs = lst[2::3]
        lengths = list(map(lens.__getitem__, ids))
        n = len(ids)
        step = self.blocklimit
        parts = []
        total: float = 0
        maxweight: float = 0
        minlength: int | None = None
        maxlength = 0
        for i in range(0, n, step):
            j = i + step
            found = list(filter(None, lengths[i:j]))
            if not found:
                return False
            low, high = min(found), max(found)
            bids = ids[i:j]
            bws = ws[i:j]
            weights = array("f", bws)
            top = max(bws)
            bmax = top if top > 0 else 0
            data, comp = self._data(bids, weights, vs[i:j])
            info = pickle.dumps((len(bids), bids[-1], bmax, comp, _length_byte(low),
                                 _length_byte(high)), self._protocol)
            parts.append(self._block(info, data, j >= n))
            total += sum(weights)
            maxweight = max(maxweight, bmax)
            minlength = low if minlength is None else min(minlength, low)
            maxlength = max(maxlength, high)
        assert minlength is not None
        self._finish(tbytes, WHOOSH3_HEADER_MAGIC + b"".join(parts), total, n,
                     _length_byte(minlength), _length_byte(maxlength), maxweight, ids[0],
                     ids[-1])
        return True

    def _data(self, ids: list[int], weights: array[float], vals: list[Any]
              ) -> tuple[bytes, int]:
        """A block's pickled (ids as deltas, weights, values), compressed as
        segment_writer's blocks are, and its compression level."""
        n = len(ids)
        first = weights[0]
        if first == 1.0 and weights.count(first) == n:
            mini_weights: Any = None
        elif weights.count(first) == n:
            mini_weights = first
        else:
            mini_weights = tuple(weights)
        if self._values == "none":
            values: Any = None
        else:
            kept = list(filter(None, vals))
            values = tuple(kept) if self._values == "tuple" else b"".join(kept)
        deltas = tuple(map(sub, ids, [0, *ids[:-1]]))
        data = pickle.dumps((deltas, mini_weights, values), self._protocol)
        comp = self._compression if n > self._small_block else 0
        if comp:
            data = zlib.compress(data, comp)
        return data, comp

    @staticmethod
    def _block(info: bytes, data: bytes, last: bool) -> bytes:
        """A block with its length first (negative for a term's last block)."""
        size = len(info) + len(data)
        return b"".join((pack_int(-size if last else size), info, data))

    def _write_one(self, tbytes: bytes, lst: list[Any], lens: list[int] | None) -> None:
        """``write`` for a term with one posting (the same bytes, fewer steps)."""
        docnum, weight, value = lst
        f32 = self._f32.get(weight)
        if f32 is None:
            f32 = self._f32[weight] = array("f", (weight,))[0]
        maxweight = weight if weight > 0 else 0
        minbyte = maxbyte = 0
        if lens is not None:
            length = lens[docnum]
            if length:
                minbyte = maxbyte = _length_byte(length)
        kind = self._values
        values: Any = None if kind == "none" else (
            ((value,) if value else ()) if kind == "tuple" else (value or b""))
        data = pickle.dumps(((docnum,), None if f32 == 1.0 else f32, values), self._protocol)
        info = pickle.dumps((1, docnum, maxweight, 0, minbyte, maxbyte), self._protocol)
        self._finish(tbytes, b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-(len(info) + len(data))),
                                       info, data)),
                     0 + f32, 1, minbyte, maxbyte, maxweight, docnum, docnum)

    def _finish(self, tbytes: bytes, block: bytes, total: float, n: int, minbyte: int,
                maxbyte: int, maxweight: float, first: int, last: int) -> None:
        """The term's blocks (``block``, from the header on) to the postings file, its
        entry to the terms file."""
        self._blocks.append(block)
        terminfo = _TERMINFO.pack(False, total, n, minbyte, maxbyte, maxweight,
                                  first, last) + pack_long(self._ppos) + pack_int(len(block))
        self._ppos += len(block)
        key = self._prefix + tbytes
        tindex = self._tindex
        if key <= tindex.lastkey:
            raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{key!r}")
        pos = self._tpos
        tindex.index.append(pos)
        entry = b"".join((_lengths.pack(len(key), len(terminfo)), key, terminfo))
        self._entries.append(entry)
        self._tpos += len(entry)
        h = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
        tindex.buckets[h & 255].append((h, pos))
        tindex.lastkey = key
        if len(self._blocks) >= HELD_TERMS:
            self.flush()


class HashBucket:
    """One of the terms file's 256 hash buckets (HashWriter.buckets) as two arrays, 12
    bytes an entry where a list of (hash, position) tuples takes about 120: a
    segment's buckets hold an entry per term until the file closes (18 MB for
    Reuters' 151,922 terms, at the writer's peak)."""

    __slots__ = ("hashes", "positions")

    def __init__(self) -> None:
        self.hashes = array("I")  # md5's last 4 bytes
        self.positions = array("q")

    def append(self, entry: tuple[int, int]) -> None:
        self.hashes.append(entry[0])
        self.positions.append(entry[1])

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.hashes, self.positions, strict=True)


def compact_buckets(tindex: Any) -> None:
    """Give a terms file that holds no entry yet HashBucket buckets."""
    if not any(tindex.buckets):
        tindex.buckets = [HashBucket() for _ in range(256)]


def write_hashes(tindex: Any) -> None:
    """What ``HashWriter._write_hashes`` writes when the terms file closes: each of the
    256 buckets' open-addressing table (twice as many slots as entries, linear probing
    in the entries' order, an empty slot (0, 0)), one packed write per table instead
    of a tuple comparison and a write per slot."""
    dbfile = tindex.dbfile
    pos = dbfile.tell()
    for entries in tindex.buckets:
        numslots = 2 * len(entries)
        tindex.directory.append((pos, numslots))
        if not numslots:
            continue
        flat = [0] * (2 * numslots)
        taken = bytearray(numslots)
        for h, p in entries:
            slot = (h >> 8) % numslots
            while taken[slot]:
                slot = slot + 1 if slot + 1 < numslots else 0
            taken[slot] = 1
            flat[2 * slot] = h
            flat[2 * slot + 1] = p
        table = struct.pack("!" + "Iq" * numslots, *flat)
        dbfile.write(table)
        pos += len(table)
