"""How a file is read, without indexing it: ``searcher inspect FILE...``.

A user checks a new source with this, and a bug report starts from it: every article
the reader makes from the file, with the decisions (text dropped, values rejected)
and problems that came with it, in the order the reader made them. It runs the same
reader with the same field map as a build, so what it shows is what a build indexes.
Given an index, repeated page text is judged too, with the line statistics stored in
that index (the file's own lines counted as a build into it would count them).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .boilerplate import FurnitureStats, load_stats
from .boilerplate_build import FurnitureRun
from .corpus import CorpusFile
from .errors import CorpusError
from .formats import Source, UnreadableFile, parse_field_map, reader_for
from .formats.base import FieldMap, Reader
from .models import Article, Decision, Problem


@dataclass(frozen=True)
class ReadRecord:
    """One article and what the reader decided or warned while making it (``article`` is
    None for what concerns no article: a skipped record, or the file as a whole)."""

    article: Article | None
    notes: tuple[Decision | Problem, ...] = ()


@dataclass(frozen=True)
class FileInspection:
    """Everything a reader made from one file, grouped per article."""

    path: str
    reader: str
    records: tuple[ReadRecord, ...]

    @property
    def articles(self) -> list[Article]:
        return [r.article for r in self.records if r.article is not None]

    @property
    def decisions(self) -> dict[str, int]:
        """Decisions counted per kind, as the build summary counts them."""
        counts: Counter[str] = Counter(
            note.kind for r in self.records for note in r.notes if isinstance(note, Decision))
        return dict(counts.most_common())

    @property
    def problems(self) -> list[Problem]:
        return [n for r in self.records for n in r.notes if isinstance(n, Problem)]


def inspect_file(path: str | Path, field_map: FieldMap | Sequence[str] = (),
                 index: str | os.PathLike[str] | None = None) -> FileInspection:
    """Read ``path`` as a build would (``field_map``: ``--map`` specs or a parsed map)
    and return what came out; with ``index``, also drop repeated page text as a build
    into that index would. Raises CorpusError for a missing file or unknown format,
    the index's errors (IndexNotFoundError...) for an index that cannot be opened."""
    file = Path(path)
    if not file.is_file():
        raise CorpusError(f"{path}: no such file")
    reader = reader_for(file)
    if reader is None:
        raise CorpusError(f"{path}: not a format searcher reads (.txt, .md, .html, .json, "
                          ".jsonl, .ndjson, also .gz)")
    parsed = field_map if isinstance(field_map, Mapping) else parse_field_map(list(field_map))
    source = Source(file, file.name, parsed)
    records: list[ReadRecord] = []
    pending: list[Decision | Problem] = []
    try:
        items = reader(source) if index is None else _judged(file, source, reader, index)
        for item in items:
            if isinstance(item, Article):
                records.append(ReadRecord(item, tuple(pending)))
                pending = []
            elif isinstance(item, Problem) and item.skipped:  # a record left out: its own row
                records.append(ReadRecord(None, (*pending, item)))
                pending = []
            else:
                pending.append(item)
    except (UnreadableFile, OSError) as e:
        pending.append(Problem(file.name, f"file skipped: {e}"))
    if pending:
        records.append(ReadRecord(None, tuple(pending)))
    return FileInspection(str(path), reader.__module__.rsplit(".", 1)[-1], tuple(records))


def _judged(file: Path, source: Source, reader: Reader,
            index: str | os.PathLike[str]) -> Iterator[Article | Problem | Decision]:
    """The reader's items with repeated page text dropped by the index's statistics."""
    stats = _index_stats(index)
    real = file.resolve()
    st = real.stat()
    corpus_file = CorpusFile(real, source.name, real.as_posix(), st.st_size, st.st_mtime_ns,
                             reader)
    run = FurnitureRun(lambda: stats)
    run.plan([corpus_file], [], lambda f: reader(source))
    return run.items(corpus_file, lambda: reader(source))


def _index_stats(index: str | os.PathLike[str]) -> FurnitureStats:
    from .storage import IndexDir  # Whoosh: only when an index is asked for

    idx = IndexDir.at(index)
    ix = idx.open()
    try:
        return load_stats(idx.path, ix.latest_generation()) or FurnitureStats()
    finally:
        ix.close()
