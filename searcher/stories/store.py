"""The story table's files: written once, never rewritten, so a build that adds ten
articles writes a few kilobytes, not the whole table again.

Each build that commits generation G writes ``searcher-stories-<G>.dat`` before the
commit (atomically, like the manifest: a crash never leaves a file that disagrees
with its index): either a *change file* (table.Change: what the build changed,
naming the generation it read, its parent) or, now and then, a *full file* (the whole
table as the change from an empty one). A table is read by following the parents
back to a full file and applying the changes in order (table.apply). A full file is
written when the change files since the last one would add up to more than a quarter
of it, or number MAX_CHANGES, so a read applies at most that many and the bytes
written stay within a constant factor of the changes. After a build, the files no
generation's chain needs any more are removed (``clean_tables``).

File layout: a magic line, a little-endian uint32 header length, the header (JSON:
version, threshold, parent, and each array's dtype, length and offset), then the
arrays, 8-byte aligned. Searches read the header and the group arrays only.
"""

from __future__ import annotations

import contextlib
import json
import struct
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from ..storage import fill_atomically
from .similarity import THRESHOLD
from .table import U64, Change, Origin, StoryTable, apply, whole, with_changes

STORE_VERSION = 4
MAX_CHANGES = 32  # change files after a full one
CHANGE_SHARE = 0.25  # change files may add up to this share of the full one
_MAGIC = b"searcher stories\n"
_PREFIX = "searcher-stories-"
_STRINGS = ("dropped", "ids")
_GROUPS = ("group_keys", "group_values")


def table_path(index: Path, generation: int) -> Path:
    return index / f"{_PREFIX}{generation}.dat"


def _encode(change: Change) -> dict[str, npt.NDArray[Any]]:
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name in _STRINGS:
        encoded = [s.encode("utf-8", "surrogatepass") for s in getattr(change, name)]
        arrays[name] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        arrays[name + "_lengths"] = np.array([len(e) for e in encoded], dtype=np.int64)
    for name in Change.__dataclass_fields__:
        if name not in _STRINGS:
            arrays[name] = np.ascontiguousarray(getattr(change, name))
    return arrays


def _decode(arrays: dict[str, npt.NDArray[Any]]) -> Change:
    fields: dict[str, Any] = {}
    for name in _STRINGS:
        blob = arrays[name].tobytes()
        ends = np.cumsum(arrays[name + "_lengths"]).tolist()
        fields[name] = [blob[s:e].decode("utf-8", "surrogatepass")
                        for s, e in zip([0, *ends], ends, strict=False)]
    for name in Change.__dataclass_fields__:
        if name not in _STRINGS:
            fields[name] = arrays[name]
    return Change(**fields)


def _write(target: Path, parent: int | None, arrays: dict[str, npt.NDArray[Any]]) -> int:
    """Write one file atomically; its size."""
    spec, offset = {}, 0
    for name, a in arrays.items():
        spec[name] = [a.dtype.str, len(a), offset]
        offset += -(-a.nbytes // 8) * 8
    header = json.dumps({"version": STORE_VERSION, "threshold": THRESHOLD, "parent": parent,
                         "arrays": spec}).encode("utf-8")
    head = _MAGIC + struct.pack("<I", len(header)) + header
    head += b"\0" * (-len(head) % 8)

    def fill(f: BinaryIO) -> None:
        f.write(head)
        for a in arrays.values():
            f.write(a.tobytes())
            f.write(b"\0" * (-a.nbytes % 8))

    fill_atomically(target, fill)
    return len(head) + offset


def _header(f: BinaryIO) -> tuple[dict[str, Any], int]:
    """The file's header and where its arrays start; ValueError for anything else."""
    if f.read(len(_MAGIC)) != _MAGIC:
        raise ValueError("not a story file")
    (size,) = struct.unpack("<I", f.read(4))
    header: dict[str, Any] = json.loads(f.read(size))
    if header.get("version") != STORE_VERSION or header.get("threshold") != THRESHOLD:
        raise ValueError("another version or threshold")
    start = len(_MAGIC) + 4 + size
    return header, start + (-start % 8)


def _read(path: Path, names: tuple[str, ...] | None = None
          ) -> tuple[int | None, dict[str, npt.NDArray[Any]], int]:
    """A file's parent, its arrays (``names`` only, if given) and its size."""
    with open(path, "rb") as f:
        header, start = _header(f)
        arrays = {}
        for name, (dtype, length, offset) in header["arrays"].items():
            if names is not None and name not in names:
                continue
            dt = np.dtype(dtype)
            f.seek(start + offset)
            data = bytearray(length * dt.itemsize)
            if f.readinto(data) != len(data):
                raise ValueError("truncated story file")
            arrays[name] = np.frombuffer(data, dtype=dt)
        size = f.seek(0, 2)
    parent = header["parent"]
    return (None if parent is None else int(parent)), arrays, size


def _chain(index: Path, generation: int, names: tuple[str, ...] | None = None
           ) -> list[tuple[int, dict[str, npt.NDArray[Any]], int]]:
    """The files generation's table is read from, the full one first: (generation,
    arrays, size) each. OSError or ValueError when one is missing or unreadable."""
    found: list[tuple[int, dict[str, npt.NDArray[Any]], int]] = []
    g: int | None = generation
    while g is not None:
        if len(found) > MAX_CHANGES:
            raise ValueError("story file chain too long")
        parent, arrays, size = _read(table_path(index, g), names)
        found.append((g, arrays, size))
        g = parent
    return found[::-1]


def _legacy(index: Path, generation: int, groups_only: bool = False
            ) -> tuple[StoryTable, tuple[U64, U64]] | None:
    """The table written whole by the builds before story files (table versions 2
    and 3, ``searcher-files-<generation>.stories.npz``): read as it is, so an index
    keeps its stories until its next build writes a full file. None if absent."""
    path = index / f"searcher-files-{generation}.stories.npz"
    if not path.exists():
        return None
    with np.load(path) as data:
        if (int(data["version"][0]) not in (2, 3)
                or float(data["threshold"][0]) != THRESHOLD):
            raise ValueError("another version or threshold")
        groups = (data["grouped_keys"], data["grouped_groups"])
        if groups_only:
            return StoryTable(), groups
        change = _decode({name: data[name] for name in data.files if name != "ids"}
                         | {"ids": data["ids"], "ids_lengths": data["id_lengths"],
                            "dropped": np.zeros(0, np.uint8),
                            "dropped_lengths": np.zeros(0, np.int64),
                            "group_keys": groups[0], "group_values": groups[1]})
    return apply(StoryTable(), change, groups), groups


def load_table(index: Path, generation: int) -> StoryTable | None:
    """The table of ``generation``; None if a file of it is absent, unreadable or of
    another version or threshold."""
    try:
        legacy = _legacy(index, generation) if not table_path(index, generation).exists() \
            else None
        if legacy is not None:
            return legacy[0]
        chain = _chain(index, generation)
        table, groups = StoryTable(), (np.zeros(0, np.uint64), np.zeros(0, np.uint64))
        for _g, arrays, _size in chain:
            change = _decode(arrays)
            groups = with_changes(groups, (change.group_keys, change.group_values))
            table = apply(table, change, groups)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, struct.error):
        return None
    sizes = [size for _g, _a, size in chain]
    table.origin = Origin(generation, len(chain) - 1, sizes[0], sum(sizes[1:]))
    return table


def load_groups(index: Path, generation: int) -> tuple[U64, U64] | None:
    """(keys, groups) of the grouped articles of ``generation``, sorted by key: all a
    search needs (the group arrays of its files only). None when it has no readable
    table."""
    try:
        legacy = _legacy(index, generation, True) if not table_path(index, generation).exists() \
            else None
        if legacy is not None:
            return legacy[1]
        groups = (np.zeros(0, np.uint64), np.zeros(0, np.uint64))
        for _g, arrays, _size in _chain(index, generation, _GROUPS):
            groups = with_changes(groups, (arrays["group_keys"], arrays["group_values"]))
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return None
    return groups


def save_table(index: Path, generation: int, table: StoryTable) -> int:
    """Write ``generation``'s file: the build's change when it read its table from
    this folder's files and the changes since the last whole one stay small, the
    whole table otherwise (a sharded index's generation folders hold whole ones). The
    bytes written."""
    origin, change = table.origin, table.change
    if (origin is not None and change is not None and origin.changes < MAX_CHANGES
            and table_path(index, origin.generation).exists()):  # (not another folder's)
        arrays = _encode(change)
        size = sum(a.nbytes for a in arrays.values())
        if origin.change_bytes + size <= CHANGE_SHARE * origin.full_bytes:
            return _write(table_path(index, generation), origin.generation, arrays)
    return _write(table_path(index, generation), None, _encode(whole(table)))


def chain_files(index: Path, generation: int) -> set[str]:
    """The names of the story files the table of ``generation`` is read from (those
    found, up to the first missing or unreadable one)."""
    names: set[str] = set()
    g: int | None = generation
    with contextlib.suppress(OSError, ValueError, KeyError, struct.error):
        while g is not None and len(names) <= MAX_CHANGES:
            names.add(table_path(index, g).name)
            g = _read(table_path(index, g), ())[0]
    return names


def clean_tables(index: Path, generation: int) -> None:
    """Remove the story files the table of ``generation`` is not read from (those of
    other generations, of a build that never committed, a temporary file)."""
    keep = chain_files(index, generation)
    for p in index.glob(f"{_PREFIX}*"):
        if p.name not in keep:
            with contextlib.suppress(OSError):
                p.unlink()
