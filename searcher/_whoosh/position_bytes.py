"""Many postings' positions encoded at once as Whoosh's Positions format encodes one
posting's: ``pack_uint(n) + pickle.dumps(deltas, 2)``, the bytes assembled in numpy
(text_postings.py writes a batch of articles' postings with it)."""

from __future__ import annotations

import pickle
from collections import deque

import numpy as np
import numpy.typing as npt
from whoosh.system import pack_uint

I64 = npt.NDArray[np.int64]

_PICKLED_LIST = np.frombuffer(b"\x80\x02]q\x00(", dtype=np.uint8)  # protocol 2: a list, MARK
_MAX_APPENDS = 1000  # pickle writes a list's items in batches of this many


def encode_positions(deltas: I64, starts: I64, counts: I64) -> list[bytes]:
    """``pack_uint(n) + pickle.dumps(deltas[s:s + n], 2)`` for each start ``s`` and count
    ``n`` (2 or more): the bytes pickle writes (PROTO 2, EMPTY_LIST, BINPUT 0, MARK,
    each int as BININT1/BININT2/BININT, APPENDS, STOP), assembled for all postings at
    once in numpy instead of a pickle call each (a list of over 1000 items, which
    pickle splits into batches, is pickled)."""
    out: list[bytes] = [b""] * len(starts)
    big = counts > _MAX_APPENDS
    for i in np.flatnonzero(big).tolist():
        a, n = int(starts[i]), int(counts[i])
        out[i] = pack_uint(n) + pickle.dumps(deltas[a:a + n].tolist(), 2)
    small = np.flatnonzero(~big)
    if not len(small):
        return out
    starts, counts = starts[small], counts[small]
    before = np.cumsum(counts) - counts  # each posting's first item among all items
    total = int(counts.sum())
    item = np.repeat(starts - before, counts) + np.arange(total)
    v = deltas[item]
    width = np.where(v < 256, 2, np.where(v < 65536, 3, 5))
    ends = np.cumsum(width)
    item_bytes = ends[before + counts - 1] - ends[before] + width[before]
    length = 4 + len(_PICKLED_LIST) + item_bytes + 2
    offset = np.cumsum(length) - length
    buf = np.zeros(int(length.sum()), dtype=np.uint8)
    for k in range(4):  # pack_uint: big-endian unsigned 32 bits
        buf[offset + k] = (counts >> (8 * (3 - k))) & 255
    for k, byte in enumerate(_PICKLED_LIST.tolist()):
        buf[offset + 4 + k] = byte
    at = np.repeat(offset + 4 + len(_PICKLED_LIST) - (ends - width)[before], counts) + \
        (ends - width)
    buf[at] = np.where(width == 2, ord("K"), np.where(width == 3, ord("M"), ord("J")))
    for k in range(4):  # little-endian
        has = width > k + 1
        buf[at[has] + 1 + k] = (v[has] >> (8 * k)) & 255
    end = offset + length
    buf[end - 2] = ord("e")
    buf[end - 1] = ord(".")
    raw = buf.tobytes()
    encoded = list(map(raw.__getitem__, map(slice, offset.tolist(), end.tolist())))
    deque(map(out.__setitem__, small.tolist(), encoded), maxlen=0)
    return out
