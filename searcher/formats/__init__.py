"""Readers, one module per input format, chosen by file extension.

Every reader maps a ``Source`` to a stream of ``Article`` (and ``Problem`` for a
record it had to skip). ``reader_for`` is the only place extensions are known.
"""

from __future__ import annotations

from pathlib import Path

from . import html, jsonl, markdown, text
from .base import FieldMap, Reader, Source, UnreadableFile
from .mapping import DEFAULT_FIELD_MAP, parse_field_map

READERS: dict[str, Reader] = {
    ".txt": text.read,
    ".text": text.read,
    ".jsonl": jsonl.read_jsonl,
    ".ndjson": jsonl.read_jsonl,
    ".json": jsonl.read_json,
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".html": html.read,
    ".htm": html.read,
}


def reader_for(path: Path) -> Reader | None:
    """The reader for a file name (``x.jsonl.gz`` reads as JSON Lines), or None."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return READERS.get(suffixes[-1]) if suffixes else None


__all__ = [
    "DEFAULT_FIELD_MAP",
    "READERS",
    "FieldMap",
    "Reader",
    "Source",
    "UnreadableFile",
    "parse_field_map",
    "reader_for",
]
