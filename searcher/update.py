"""One build's work: what changed in the corpus since the manifest, applied to the writer.

Files are compared with the manifest (storage.py) by size and mtime, then content:
unchanged files are not read; deleted files lose their articles; changed files are read
and diffed record by record by content hash (the line a record sits on is not part of
its hash, so deleting one line of a large JSON Lines file deletes one article and
rewrites nothing else). A file is read again, changed or not, when the way it is read
changed (reader code, ``--map``, caps) or when it had bad records last time (so the
warnings repeat until the file is fixed).

Nothing is lost silently: a line that is malformed now keeps the article it held
before (the last good version) and is reported; an unreadable file keeps all its
articles; an article whose id another file already holds is refused (reported) and
remembered, and indexed in the same build when the file that held it lets it go. Any
exception from one record or one file is reported as a problem naming it, and the
build goes on; only operating-system errors while writing stop it (storage.py maps them).

(Past 300 lines on purpose: these rules are one concept, the corpus diffed against its
manifest, and they interact: keeping, refusing and claiming ids must be read together.)
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .boilerplate_build import FurnitureRun
from .corpus import CorpusFile, Discovery, estimate_records, fingerprint, is_within
from .formats import FieldMap, Source, UnreadableFile, reader_for
from .ledger import ProblemLedger, shown_id
from .models import Article, BuildCounts, BuildProgress, Decision, Problem
from .prepare import prepare_document
from .storage import FileEntry, Manifest, describe
from .stories.build import StoryRun

ProgressCallback = Callable[[BuildProgress], None]

PROGRESS_EVERY = 250  # records between progress callbacks


@dataclass
class Update:
    """One build's changes against an open index; the writer opens on first write."""

    ix: Any  # the open Whoosh index, handed to open_writer
    old: Manifest
    field_map: FieldMap
    reading: str  # how files are read this time (FileEntry.reading)
    progress: ProgressCallback | None
    open_writer: Callable[[Any, int], Any]
    furniture: FurnitureRun = field(default_factory=FurnitureRun)  # repeated page text
    # A shard of a sharded index keeps only the ids routed to it (cluster/layout.py);
    # it still reads every file, so readers and repeated-text judgement see the whole
    # corpus and each article is exactly what one index would hold.
    keep_id: Callable[[str], bool] | None = None
    stories: StoryRun = field(default_factory=StoryRun)  # signatures of what is written
    new: Manifest = field(init=False)
    owners: dict[str, str] = field(init=False)
    counts: BuildCounts = field(default_factory=BuildCounts)  # what BuildReport reports
    metadata_changed: bool = False
    ledger: ProblemLedger = field(default_factory=ProblemLedger)  # problems, decisions
    freed: set[str] = field(default_factory=set)  # ids whose owner let them go
    _records_done: int = 0
    _records_total: int = 0
    _files_done: int = 0
    _files_total: int = 0
    _writer: Any = None

    def __post_init__(self) -> None:
        self.new = Manifest(schema.SCHEMA_VERSION, dict(self.old.files), base=self.old.base)
        self.owners = self.old.owners()

    @property
    def writer(self) -> Any:
        """The index writer, opened on first use (sized by the records to read)."""
        if self._writer is None:
            self._writer = self.open_writer(self.ix, self._records_total)
        return self._writer

    @property
    def has_writer(self) -> bool:
        return self._writer is not None

    def _count(self, **more: int) -> None:
        self.counts = self.counts.plus(**more)

    def report(self, problem: Problem, aid: str | None = None) -> None:
        if problem.skipped:
            self._count(skipped=problem.count)
        self.ledger.add(problem, aid)

    def _report_again(self, entry: FileEntry) -> None:
        """An unchanged file's problems, as its last read reported them (ledger.py)."""
        for problem in self.ledger.remembered(entry):
            self.report(problem)
        self._count(kept=entry.kept)

    # ---- the plan ----------------------------------------------------------------------

    def apply(self, found: Discovery) -> None:
        for problem in found.problems:
            self.report(problem)
        present = {f.key for f in found.files}
        for key, entry in sorted(self.old.files.items()):
            if key not in present and any(is_within(key, r) for r in found.roots) and \
                    not any(is_within(key, u) for u in found.unavailable):
                self._delete_file(key, entry)
        to_read: list[tuple[CorpusFile, str]] = []
        unchanged: list[str] = []
        for f in found.files:
            sha = self._changed_sha(f)
            if sha is None:
                self._count(files_unchanged=1, unchanged=len(self.old.files[f.key].records))
                unchanged.append(f.key)
            elif sha:
                to_read.append((f, sha))
        self._judge_furniture(to_read, unchanged, {f.key: f for f in found.files})
        self._files_total = len(to_read)
        self._records_total = sum(estimate_records(f) for f, _ in to_read)
        self._tick()
        for f, sha in to_read:
            self._read_file(f, sha)
            self._files_done += 1
            self._tick()
        self._claim_freed({f.key: f for f in found.files})
        for key in unchanged:
            self._report_again(self.new.files[key])

    def _judge_furniture(self, to_read: list[tuple[CorpusFile, str]], unchanged: list[str],
                         files: dict[str, CorpusFile]) -> None:
        """Count the files to read for repeated page text (boilerplate_build.py); an
        unchanged file whose furniture changed is read again (moved to ``to_read``)."""
        progress = self.progress
        tick = None if progress is None else (lambda done, total: progress(BuildProgress(
            done, total, done, total, "counting page lines")))
        again = self.furniture.plan([f for f, _ in to_read], [files[k] for k in unchanged],
                                    lambda f: _items(f, Source(f.path, f.name, self.field_map)),
                                    tick)
        for f in again:
            entry = self.new.files[f.key]
            unchanged.remove(f.key)
            self._count(files_unchanged=-1, unchanged=-len(entry.records))
            to_read.append((f, entry.sha1))

    def _changed_sha(self, f: CorpusFile) -> str | None:
        """None: nothing to read; "": unreadable (reported); else the new fingerprint."""
        entry = self.old.files.get(f.key)
        same_way = entry is not None and entry.reading == self.reading and not entry.troubled
        if entry and same_way and entry.size == f.size and entry.mtime_ns == f.mtime_ns:
            return None
        try:
            sha = fingerprint(f.path)
        except OSError as e:
            self.report(Problem(f.name, f"cannot read: {e.strerror or e}"))
            return ""
        if entry and same_way and entry.sha1 == sha:
            entry = FileEntry(**{**vars(entry), "size": f.size, "mtime_ns": f.mtime_ns})
            self.new.files[f.key] = entry
            self.metadata_changed = True
            return None
        return sha

    # ---- deleting ----------------------------------------------------------------------

    def _delete(self, aid: str) -> None:
        self.writer.delete_by_term(schema.ID, aid)
        self.stories.remove(aid)
        del self.owners[aid]
        self._count(deleted=1)
        self.freed.add(aid)

    def _delete_file(self, key: str, entry: FileEntry) -> None:
        for aid in entry.records:
            if self.owners.get(aid) == key:
                self._delete(aid)
        del self.new.files[key]
        self.furniture.forget(key)
        self._count(files_deleted=1)

    # ---- reading -----------------------------------------------------------------------

    def _articles(self, f: CorpusFile) -> Iterator[Article | Problem | Decision]:
        """The reader's items; a failure of the reader ends the file with an
        UnreadableFile naming the cause (a bug is reported as one, never raised)."""
        items = self.furniture.items(f, lambda: _items(f, Source(f.path, f.name,
                                                                 self.field_map)))
        while True:
            try:
                item = next(items)
            except StopIteration:
                return
            except UnreadableFile:
                raise
            except OSError as e:
                raise UnreadableFile(f"cannot read: {e.strerror or e}") from e
            except Exception as e:  # a reader bug: report it, keep what the file had
                raise UnreadableFile(f"reader failed ({describe(e)}): kept what was "
                                     "indexed from this file before") from e
            yield item

    def _read_file(self, f: CorpusFile, sha: str) -> None:
        prev = self.new.files.get(f.key)
        prev_records = prev.records if prev else {}
        prev_lines = prev.lines if prev else {}
        entry = FileEntry(f.name, f.size, f.mtime_ns, sha, reading=self.reading)
        # the lines of the file's earlier articles that are bad now (only those: a set of
        # every bad line held 100 bytes a line, 300 MB for 3 M of them)
        watched = sorted(set(prev_lines.values()))
        bad_lines: set[int] = set()
        complete = True
        self.ledger.reading = entry
        try:
            for item in self._articles(f):
                if isinstance(item, Problem):
                    self.report(item)
                    if item.skipped and item.line is not None and watched:
                        last = item.line if item.through is None else item.through
                        at = bisect_left(watched, item.line)
                        while at < len(watched) and watched[at] <= last:
                            bad_lines.add(watched[at])
                            at += 1
                elif isinstance(item, Decision):
                    self.ledger.decisions[item.kind] += 1
                else:
                    self._add_guarded(item, f, prev_records, entry)
        except UnreadableFile as e:
            complete = False
            entry.troubled = True
            self.report(Problem(f.name, str(e)))
        finally:
            self.ledger.reading = None
        self._count(files_read=1)
        self.metadata_changed = True
        for aid in prev_records.keys() - entry.records.keys():
            if self.owners.get(aid) != f.key:
                continue
            line = prev_lines.get(aid)
            if not complete or (line is not None and line in bad_lines):
                entry.records[aid] = prev_records[aid]  # keep the last good version
                if line is not None:
                    entry.lines[aid] = line
                entry.kept += 1
                self._count(kept=1)
            else:
                self._delete(aid)
        self.new.files[f.key] = entry

    def _add_guarded(self, article: Article, f: CorpusFile, prev_records: dict[str, str],
                     entry: FileEntry) -> None:
        """``_add``, with any failure of this one record reported, not raised (except
        the operating system's: a full disk must stop the build)."""
        try:
            self._add(article, f, prev_records, entry)
        except OSError:
            raise
        except Exception as e:
            where = article.path if article.path.startswith(f.name) else f.name
            self.report(Problem(where, f"not indexed: {describe(e)}"))

    def _add(self, article: Article, f: CorpusFile, prev_records: dict[str, str],
             entry: FileEntry) -> None:
        doc, line, digest = self._document(article, f)
        aid = doc[schema.ID]
        if self.keep_id is not None and not self.keep_id(aid):
            return
        owner = self.owners.get(aid)
        if aid in entry.records or (owner is not None and owner != f.key):
            where = "earlier in this file" if aid in entry.records else f"in {self._name(owner)}"
            if owner is not None and owner != f.key and self._name(owner) == f.name:
                where += (f", another file of the same name: {f.key} is outside the index's "
                          f"corpus folder; a --rebuild given a folder holding both names them "
                          f"apart")
            if aid not in entry.records and aid not in entry.refused:
                entry.refused.append(aid)
            self.report(Problem(article.path or f.name,
                                f"duplicate id {shown_id(aid)} (already {where})"),
                        aid=None if aid in entry.records else aid)
            return
        entry.records[aid] = digest
        if line is not None:
            entry.lines[aid] = line
        self._records_done += 1
        if self._records_done % PROGRESS_EVERY == 0:
            self._tick()
        if prev_records.get(aid) == digest and owner == f.key:
            self._count(unchanged=1)
            return
        if owner == f.key:
            self.writer.delete_by_term(schema.ID, aid)
            self.stories.remove(aid)
            self._count(updated=1)
        else:
            self._count(added=1)
            self.owners[aid] = f.key
            self.freed.discard(aid)
        self.writer.add_document(**doc)
        self.stories.add(aid, doc.get(schema.PUBLISHED))  # its words: the writer's

    def _document(self, article: Article, f: CorpusFile) -> tuple[dict[str, Any], int | None, str]:
        """(Whoosh document, line the record came from, content hash): prepare.py's,
        with what its caps cut and its scrubbing replaced counted and reported."""
        doc, line, digest, problems, decisions = prepare_document(article, f.name)
        for problem in problems:
            self.report(problem)
        for kind in decisions:
            self.ledger.decisions[kind] += 1
        return doc, line, digest

    def _claim_freed(self, present: dict[str, CorpusFile]) -> None:
        """Index the refused copies of ids whose owner let them go in this build."""
        while self.freed:
            freed, self.freed = self.freed, set()
            for key, entry in sorted(self.new.files.items()):
                wanted = {a for a in entry.refused if a in freed and a not in self.owners}
                if wanted:
                    self._claim(present.get(key) or _file_of(key, entry), entry, wanted)

    def _claim(self, f: CorpusFile | None, entry: FileEntry, wanted: set[str]) -> None:
        if f is None:
            return
        try:
            for item in self._articles(f):
                if isinstance(item, Article) and item.id in wanted:
                    wanted.discard(item.id)
                    self._add_guarded(item, f, {}, entry)
        except UnreadableFile as e:
            self.report(Problem(f.name, str(e)))
        entry.refused = [a for a in entry.refused if a not in entry.records]

    def _name(self, key: str | None) -> str:
        entry = self.new.files.get(key or "") or self.old.files.get(key or "")
        return entry.name if entry else str(key)

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(BuildProgress(self._files_done, self._files_total,
                                        self._records_done,
                                        max(self._records_total, self._records_done)))


def _items(f: CorpusFile, source: Source) -> Iterator[Article | Problem | Decision]:
    yield from f.reader(source)  # a reader failing when called fails at the first next()


def _file_of(key: str, entry: FileEntry) -> CorpusFile | None:
    """A file indexed by an earlier build from another root, if it is still there."""
    path = Path(key)
    reader = reader_for(path)
    if reader is None or not path.is_file():
        return None
    return CorpusFile(path, entry.name, key, entry.size, entry.mtime_ns, reader)
