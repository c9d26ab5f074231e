"""How a file is read, without indexing it: ``searcher inspect FILE...``.

A user checks a new source with this, and a bug report starts from it: every article
the reader makes from the file, with the decisions (text dropped, values rejected)
and problems that came with it, in the order the reader made them. It runs the same
reader with the same field map as a build, so what it shows is what a build indexes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError
from .formats import Source, UnreadableFile, parse_field_map, reader_for
from .formats.base import FieldMap
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


def inspect_file(path: str | Path, field_map: FieldMap | Sequence[str] = ()) -> FileInspection:
    """Read ``path`` as a build would (``field_map``: ``--map`` specs or a parsed map)
    and return what came out. Raises CorpusError for a missing file or unknown format."""
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
        for item in reader(source):
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
