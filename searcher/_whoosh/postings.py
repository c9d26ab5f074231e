"""One Whoosh segment read into numpy arrays: posting lists, positions, lengths, columns.

Whoosh's ``W3LeafMatcher`` hands out one posting at a time; here a term's whole
posting list is decoded block by block (one ``pickle.loads`` per block of 128
postings, as Whoosh does) straight into arrays: document numbers (the block's
ids, delta-encoded from 0 in each block), weights (the stored term frequency times the
field's index-time boost, as Whoosh scores them) and, for phrases, positions.
Everything returned is local to the segment (document numbers from 0) and
includes deleted documents: the caller masks them with :func:`live_mask`.

These are private codec internals of whoosh-reloaded 2.7.5 (``check_version``).
"""

from __future__ import annotations

import functools
import io
import pickle
import struct
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import accumulate, chain
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3LeafMatcher,
    W3TermsReader,
    _lenfield,
)
from whoosh.columns import NumericColumn
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.util.times import datetime_to_long

from . import check_version

check_version()

SegmentReader = Any  # whoosh.reading.SegmentReader
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Whoosh stores a field length as one byte (a lossy log scale) and scores with the
# decoded length: the same table, as an array.
LENGTH_OF_BYTE: FloatArray = np.array([byte_to_length(b) for b in range(256)],
                                      dtype=np.float64)
_T = TypeVar("_T")


class SegmentDataError(Exception):
    """Bytes of a segment that do not decode (a damaged file): the caller names the
    index and says how to repair it."""


_BLOCK_LENGTH = struct.Struct("!i")  # whoosh.filedb.structfile's int
_EMPTY_IDS: IntArray = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS: FloatArray = np.zeros(0, dtype=np.float64)


def date_value(moment: datetime) -> int:
    """A naive-UTC datetime as a date column stores it (Whoosh's microseconds count)."""
    return int(datetime_to_long(moment))


def segments(searcher: Any) -> list[tuple[SegmentReader, int]]:
    """(segment reader, first document number) for each segment of the searcher's
    index (none for an empty index, whose EmptyReader has no segment)."""
    return [(r, off) for r, off in searcher.reader().leaf_readers() if hasattr(r, "_segment")]


def segment_key(reader: SegmentReader) -> str:
    """A name for the segment that never changes while the segment exists (its files
    are immutable; deletions live beside them)."""
    return str(reader._segment.segment_id())


def doc_count_all(reader: SegmentReader) -> int:
    return int(reader.doc_count_all())


def live_mask(reader: SegmentReader) -> BoolArray:
    """True for each document of the segment that is not deleted."""
    live = np.ones(doc_count_all(reader), dtype=np.bool_)
    if reader.has_deletions():
        deleted = np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64)
        live[deleted[deleted < len(live)]] = False
    return live


def stored_fields(segments: list[tuple[SegmentReader, int]], docnum: int) -> dict[str, Any]:
    """The stored fields of global document ``docnum``, read from its segment's
    stored column directly (Whoosh's reader also re-checks every key against the
    schema, a quarter of the cost, for fields removed from a schema, which ours
    never are)."""
    k = bisect_right([off for _r, off in segments], docnum) - 1
    reader, offset = segments[k]
    try:
        return dict(reader._perdoc.stored_fields(docnum - offset))
    except Exception as e:  # a damaged stored column
        raise SegmentDataError(f"the stored fields of document {docnum} cannot be read: "
                               f"{type(e).__name__}") from e


def term_bytes(reader: SegmentReader, fieldname: str, text: Any) -> bytes | None:
    """The indexed form of ``text`` in ``fieldname``, or None if it cannot be one."""
    try:
        field = reader.schema[fieldname]
        return text if isinstance(text, bytes) else bytes(field.to_bytes(text))
    except (KeyError, ValueError, TypeError):
        return None


def doc_frequency(reader: SegmentReader, fieldname: str, btext: bytes) -> int:
    """Documents containing the term, deleted ones included (what Whoosh's idf counts)."""
    try:
        return int(reader._terms.doc_frequency(fieldname, btext))
    except (KeyError, TermNotFound):
        return 0


def _decoding(read: Callable[[SegmentReader, str, bytes], _T]
              ) -> Callable[[SegmentReader, str, bytes], _T]:
    """Any failure to decode a term's postings is damage: SegmentDataError."""

    @functools.wraps(read)
    def wrapper(reader: SegmentReader, fieldname: str, btext: bytes) -> _T:
        try:
            return read(reader, fieldname, btext)
        except SegmentDataError:
            raise
        except Exception as e:
            term = btext.decode(errors="replace")
            raise SegmentDataError(f"the postings of {fieldname}:{term!r} cannot be read: "
                                   f"{type(e).__name__}") from e

    return wrapper


def field_ids(reader: SegmentReader, fieldname: str) -> Iterator[tuple[bytes, list[int]]]:
    """(term, document numbers in this segment) of every term of the field, in term
    order, read in one pass over the term list and without numpy per term: looking
    each term up in the term table cost about 0.3 ms a term (200,000 distinct tags, a
    minute for every search with facets)."""
    terms = reader._terms
    try:
        for (name, btext), info in terms.items_from(fieldname, b""):
            if name != fieldname:
                return
            if info._inlined is not None:
                yield btext, list(info._inlined[0])
                continue
            ids: list[int] = []
            for block in _info_blocks(reader, fieldname, btext, info):
                ids.extend(accumulate(block[0]))  # a block's ids are deltas from 0
            yield btext, ids
    except SegmentDataError:
        raise
    except Exception as e:
        raise SegmentDataError(f"the terms of {fieldname} cannot be read: "
                               f"{type(e).__name__}") from e


def _blocks(reader: SegmentReader, fieldname: str, btext: bytes) -> list[tuple[Any, ...]]:
    """Each posting block's decoded (id deltas, weights, values) tuple, in order;
    a term with inlined postings gives one pseudo-block with absolute ids."""
    try:
        info = reader._terms.term_info(fieldname, btext)
    except (KeyError, TermNotFound):
        return []
    return _info_blocks(reader, fieldname, btext, info)


def _info_blocks(reader: SegmentReader, fieldname: str, btext: bytes,
                 info: Any) -> list[tuple[Any, ...]]:
    """``_blocks`` of a term whose TermInfo is at hand."""
    terms = reader._terms
    if info._inlined is not None:
        ids, weights, values = info._inlined
        deltas = np.diff(np.asarray(ids, dtype=np.int64), prepend=0)
        return [(deltas, weights, values)]
    buf = getattr(terms._postfile, "_buf", None)
    if isinstance(buf, memoryview) and type(terms) is W3TermsReader:
        start = info.extent()[0]
        if buf[start:start + len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
            raise ValueError("no posting list where the term list says")
        return _mapped_blocks(buf, start + len(WHOOSH3_HEADER_MAGIC))
    m = terms.matcher(fieldname, btext, reader.schema[fieldname].format, None)
    if type(m) is not W3LeafMatcher:  # pragma: no cover - another codec
        raise RuntimeError(f"unexpected posting reader {type(m).__name__}")
    out: list[tuple[Any, ...]] = []
    while True:
        m._read_data()
        out.append(m._data)
        if m._lastblock:
            return out
        m._goto(m._nextoffset)


def _mapped_blocks(buf: memoryview, offset: int) -> list[tuple[Any, ...]]:
    """What ``W3LeafMatcher`` reads block by block (``_goto`` + ``_read_data``), read
    straight from the segment's memory map: after the list's magic bytes, a block is
    a signed 4-byte length (negative for the last block), a pickled info tuple (its
    fourth item says whether the data is zlib-compressed) and the pickled data
    tuple. Going through
    the matcher costs some twenty small file reads per block, which is most of
    the time a cold search spends on a common word of a large index."""
    out: list[tuple[Any, ...]] = []
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(buf, offset)
        start = offset + _BLOCK_LENGTH.size
        end = start + abs(length)
        block = io.BytesIO(buf[start:end])
        info = pickle.load(block)
        data = block.read()
        out.append(pickle.loads(zlib.decompress(data) if info[3] else data))
        if length < 0:
            return out
        offset = end


@_decoding
def postings(reader: SegmentReader, fieldname: str, btext: bytes
             ) -> tuple[IntArray, FloatArray]:
    """(document numbers, weights) of the term in this segment, ascending."""
    blocks = _blocks(reader, fieldname, btext)
    if not blocks:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    ids, lengths = _block_ids(blocks)
    weights = [data[1] for data in blocks]
    if all(isinstance(w, tuple | list) for w in weights):  # one C pass for all blocks
        return ids, np.fromiter(chain.from_iterable(weights), np.float64, count=len(ids))
    parts: list[FloatArray] = []
    for w, n in zip(weights, lengths.tolist(), strict=True):
        if w is None:
            parts.append(np.ones(n, dtype=np.float64))
        elif isinstance(w, float | int):
            parts.append(np.full(n, float(w), dtype=np.float64))
        else:
            parts.append(np.asarray(w, dtype=np.float64))
    return ids, np.concatenate(parts)


def _block_ids(blocks: list[tuple[Any, ...]]) -> tuple[IntArray, IntArray]:
    """The document numbers of all blocks and each block's length. A block stores its
    ids as deltas from 0, so one running sum over all blocks, less each block's
    starting total, decodes them (one C pass instead of two numpy calls a block)."""
    deltas = [data[0] for data in blocks]
    lengths = np.fromiter(map(len, deltas), np.int64, count=len(deltas))
    total = np.cumsum(np.fromiter(chain.from_iterable(deltas), np.int64,
                                  count=int(lengths.sum())))
    before = np.zeros(len(deltas), np.int64)
    before[1:] = total[np.cumsum(lengths)[:-1] - 1]
    return total - np.repeat(before, lengths), lengths


@_decoding
def positions(reader: SegmentReader, fieldname: str, btext: bytes
              ) -> tuple[IntArray, IntArray, IntArray]:
    """(document numbers, offsets, flat positions): the positions of the term in
    document ``ids[i]`` are ``flat[offsets[i]:offsets[i + 1]]``.

    A Positions value is a 4-byte count and a protocol-2 pickle of the position
    deltas; the values of a block are spliced into one pickle of a list of lists
    and loaded at once (one C call per block instead of one per posting)."""
    blocks = _blocks(reader, fieldname, btext)
    if not blocks:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(1, dtype=np.int64), empty
    ids, _lengths = _block_ids(blocks)
    deltas: list[list[int]] = []
    for data in blocks:
        deltas.extend(_decode_values(data[2], reader.schema[fieldname].format))
    counts = np.fromiter((len(d) for d in deltas), dtype=np.int64, count=len(deltas))
    offsets = np.zeros(len(deltas) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(offsets[-1]))
    # Deltas restart at each document: cumulate, then take away each document's start.
    total = np.cumsum(flat)
    before = np.concatenate((np.zeros(1, dtype=np.int64), total))[offsets[:-1]]
    starts = np.repeat(before, counts)
    return ids, offsets, total - starts


def _decode_values(values: Any, fmt: Any) -> list[list[int]]:
    if not values:
        return []
    parts: list[bytes] = []
    for v in values:
        body = v[4:]
        if body[:2] != b"\x80\x02":
            return [fmt.decode_positions(x) for x in values]
        parts.append(body[2:-1] if body.endswith(b".") else body[2:])
    try:
        decoded = pickle.loads(b"\x80\x02](" + b"".join(parts) + b"e.")
    except Exception:
        decoded = None
    if not isinstance(decoded, list) or len(decoded) != len(values):
        return [fmt.decode_positions(x) for x in values]
    return [d if isinstance(d, list) else [d] for d in decoded]


def numeric_column(reader: SegmentReader, fieldname: str, dtype: str, default: int
                   ) -> npt.NDArray[Any] | None:
    """A fixed-width numeric column as an array over the segment's documents
    (``default`` where the column has no value), or None without such a column."""
    perdoc = reader._perdoc
    if not perdoc.has_column(fieldname):
        return None
    colfile, offset, length = perdoc._get_column_file(fieldname)
    size = np.dtype(dtype).itemsize
    n = doc_count_all(reader)
    count = min(length // size, n)
    out = np.full(n, default, dtype=np.dtype(dtype).newbyteorder("="))
    if count:
        raw = colfile.get(offset, count * size)
        out[:count] = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder(">"))
    return out


def value_column(reader: SegmentReader, fieldname: str) -> npt.NDArray[np.uint64] | None:
    """The schema's 64-bit numeric column for ``fieldname`` (a DATETIME's sortable
    values, ``newest``) over the segment's documents, the column's default where a
    document has no value; None when the segment has no such column."""
    column = reader.schema[fieldname].column_type
    if type(column) is not NumericColumn or column._typecode != "Q":
        return None
    default = int(column._default)
    arr = numeric_column(reader, fieldname, "u8", default)
    return None if arr is None else arr.astype(np.uint64, copy=False)


def field_length_bytes(reader: SegmentReader, fieldname: str) -> npt.NDArray[np.uint8] | None:
    """Each document's length byte in ``fieldname`` (``LENGTH_OF_BYTE`` decodes it as
    Whoosh scores it), or None when the segment stores no lengths for the field."""
    return numeric_column(reader, _lenfield(fieldname), "u1", 0)


def total_field_length(reader: SegmentReader, fieldname: str) -> int:
    return int(reader.field_length(fieldname))
