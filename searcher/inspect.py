"""How a file is read, without indexing it: ``searcher inspect FILE...``.

A user checks a new source with this, and a bug report starts from it: every article
the reader makes from the file, with the decisions (text dropped, values rejected)
and problems that came with it, in the order the reader made them. It runs the same
reader with the same field map as a build, so what it shows is what a build indexes.
Given an index, repeated page text is judged too, with the line statistics stored in
that index (the file's own lines counted as a build into it would count them).
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .boilerplate import FurnitureStats, load_stats
from .boilerplate_build import FurnitureRun
from .corpus import CorpusFile, file_kind
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


@dataclass(frozen=True)
class InspectionCounts:
    """What a file's records add up to (the heading of ``searcher inspect``)."""

    articles: int
    decisions: dict[str, int]
    problems: int


KEEP_RECORDS = 2000  # records kept by count_records, so that a small file is read once
KEEP_CHARS = 8 << 20  # and their article text


def count_records(records: Iterable[ReadRecord]
                  ) -> tuple[InspectionCounts, list[ReadRecord] | None]:
    """The records' counts, and the records themselves if they are at most KEEP_RECORDS
    with KEEP_CHARS of text (None past that: they were let go as they streamed past)."""
    articles = problems = chars = 0
    decisions: Counter[str] = Counter()
    kept: list[ReadRecord] | None = []
    for record in records:
        articles += record.article is not None
        for note in record.notes:
            if isinstance(note, Decision):
                decisions[note.kind] += 1
            else:
                problems += note.count
        if kept is not None:
            if record.article is not None:
                chars += len(record.article.body) + len(record.article.title)
            kept.append(record)
            if len(kept) > KEEP_RECORDS or chars > KEEP_CHARS:
                kept = None
    return InspectionCounts(articles, dict(decisions.most_common()), problems), kept


def inspect_file(path: str | Path, field_map: FieldMap | Sequence[str] = (),
                 index: str | os.PathLike[str] | None = None) -> FileInspection:
    """Read ``path`` as a build would (``field_map``: ``--map`` specs or a parsed map)
    and return what came out; with ``index``, also drop repeated page text as a build
    into that index would. Raises CorpusError for a missing file or unknown format,
    the index's errors (IndexNotFoundError...) for an index that cannot be opened.
    Holds every record: ``read_records`` streams them (what ``searcher inspect`` uses)."""
    reader, records = read_records(path, field_map, index)
    return FileInspection(str(path), reader, tuple(records()))


def read_records(path: str | Path, field_map: FieldMap | Sequence[str] = (),
                 index: str | os.PathLike[str] | None = None
                 ) -> tuple[str, Callable[[], Iterator[ReadRecord]]]:
    """(the reader's name, a function that reads the file's records afresh each time it
    is called, one at a time). Raises as ``inspect_file`` does, before any reading."""
    file = Path(path)
    try:
        mode = file.stat().st_mode
    except OSError as e:
        why = "no such file" if e.errno == errno.ENOENT else e.strerror or str(e)
        raise CorpusError(f"{path}: {why}") from None  # ENAMETOOLONG, ELOOP, EACCES...
    if not stat.S_ISREG(mode):  # never opened: a FIFO would block, /dev/zero never end
        raise CorpusError(f"{path}: not a regular file ({file_kind(mode)}): not read")
    reader = reader_for(file)
    if reader is None:
        raise CorpusError(f"{path}: not a format searcher reads (.txt, .md, .html, .json, "
                          ".jsonl, .ndjson, also .gz)")
    parsed = field_map if isinstance(field_map, Mapping) else parse_field_map(list(field_map))
    source = Source(file, file.name, parsed)
    stats = _index_stats(index) if index is not None else None

    def records() -> Iterator[ReadRecord]:
        pending: list[Decision | Problem] = []
        try:
            items = reader(source) if stats is None else _judged(file, source, reader, stats)
            for item in items:
                if isinstance(item, Article):
                    yield ReadRecord(item, tuple(pending))
                    pending = []
                elif isinstance(item, Problem) and item.skipped:  # a record left out
                    yield ReadRecord(None, (*pending, item))
                    pending = []
                else:
                    pending.append(item)
        except (UnreadableFile, OSError) as e:
            pending.append(Problem(file.name, f"file skipped: {e}"))
        except Exception as e:  # a reader bug: reported as a build reports it, never raised
            what = " ".join(str(e).split())[:120]
            pending.append(Problem(file.name, "file skipped: reader failed "
                                   f"({type(e).__name__}{': ' if what else ''}{what})"))
        if pending:
            yield ReadRecord(None, tuple(pending))

    return reader.__module__.rsplit(".", 1)[-1], records


def _judged(file: Path, source: Source, reader: Reader,
            stats: FurnitureStats) -> Iterator[Article | Problem | Decision]:
    """The reader's items with repeated page text dropped by the index's statistics."""
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
