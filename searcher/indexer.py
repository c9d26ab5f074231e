"""Build or update the index from a corpus: incremental, atomic, one writer at a time.

A build takes the index's write lock first (a second build fails at once), then
compares the corpus with the manifest (storage.py): unchanged files are not
read, deleted files lose their articles, changed files are read and diffed
record by record (by content hash), so editing one line of a large JSON Lines
file re-indexes one article. Everything lands in a single Whoosh commit (the
manifest of the new generation is written just before it), so a crash at any
point leaves the index exactly as of the last commit. Nothing changed means no
writer commit at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.writing import CLEAR

from . import schema
from ._whoosh.parallel import ParallelWriter
from ._whoosh.segment_writer import FastSegmentWriter
from .corpus import (
    CorpusFile,
    Discovery,
    default_corpus,
    discover,
    estimate_records,
    fingerprint,
    is_within,
)
from .errors import CorpusError, IndexIncompatibleError, SearcherError
from .formats import FieldMap, Source, UnreadableFile, parse_field_map
from .models import Article, BuildProgress, BuildReport, Decision, Problem
from .storage import FileEntry, IndexDir, Manifest

ProgressCallback = Callable[[BuildProgress], None]

WRITER_LIMIT_MB = 128  # Whoosh's in-memory posting pool per process before spilling to disk
MAX_PROBLEMS_KEPT = 1000  # the report lists this many; counts stay exact
PROGRESS_EVERY = 250  # records between progress callbacks
# Builds reading at least this many records index in worker processes (_whoosh/parallel.py):
# below it, starting workers costs more than it saves.
PARALLEL_MIN_RECORDS = 2000
MAX_WORKERS = 2


def build_index(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    index: str | os.PathLike[str] | None = None,
    field_map: Sequence[str] | FieldMap | None = None,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
) -> BuildReport:
    """Index the articles under ``paths`` (default: ``$SEARCHER_CORPUS`` or ``corpus/``)
    into ``index`` (default: ``$SEARCHER_INDEX`` or ``index/``).

    ``field_map`` overrides how structured records map to article fields
    (``["body=short_description", "tags=topics,places"]``). ``rebuild`` starts
    from an empty index. Raises IndexLockedError when another build holds the
    index, CorpusError for a path that does not exist; bad files and records are
    reported in the returned BuildReport, never raised.
    """
    started = time.perf_counter()
    roots = [Path(p) for p in paths] if paths else [default_corpus()]
    fmap = field_map if isinstance(field_map, Mapping) else parse_field_map(list(field_map or ()))
    found = discover(roots)
    idx = IndexDir.at(index)
    # The write lock covers the whole build (planning included) so a second build fails
    # at once; the writer itself is only opened once there is something to write, so a
    # no-change run leaves the index folder untouched.
    with idx.write_lock():
        ix, old, rebuild = _open_for_build(idx, rebuild)
        run = _Run(ix, old, fmap, progress)
        try:
            run.apply(found)
            if rebuild:
                run.writer  # noqa: B018 (open it: a rebuild always commits, even if empty)
        except BaseException:
            run.cancel()
            raise
        if run.has_writer:
            idx.save_manifest(run.writer.generation, run.new)
            run.writer.commit(mergetype=CLEAR if rebuild else None, optimize=False)
        elif run.metadata_changed:  # e.g. same content, new mtimes: remember, no index write
            idx.save_manifest(ix.latest_generation(), run.new)
        idx.clean(ix)
        documents = idx.open().doc_count()

    return BuildReport(
        index=str(idx.path),
        added=run.added,
        updated=run.updated,
        deleted=run.deleted,
        unchanged=run.unchanged,
        skipped=run.skipped,
        problems=tuple(run.problems),
        files_read=run.files_read,
        files_unchanged=run.files_unchanged,
        files_deleted=run.files_deleted,
        files_ignored=found.ignored,
        documents=documents,
        index_bytes=idx.size_bytes(),
        elapsed_s=time.perf_counter() - started,
        rebuilt=rebuild,
        decisions=dict(run.decisions),
    )


def _open_for_build(idx: IndexDir, rebuild: bool) -> tuple[FileIndex, Manifest, bool]:
    """The index to update, what it was built from, and whether this is a rebuild
    (asked for, no index yet, or an index without a manifest to update from)."""
    if not idx.exists():
        return idx.create(), Manifest(schema.SCHEMA_VERSION), True
    if rebuild:
        # Keep the old index readable until the rebuild commits (CLEAR), unless it
        # cannot be opened at all: then start from a new empty one.
        try:
            return idx.open(), Manifest(schema.SCHEMA_VERSION), True
        except SearcherError:
            return idx.create(), Manifest(schema.SCHEMA_VERSION), True
    ix = idx.open()
    stored = idx.manifest(ix.latest_generation())
    if stored is not None and stored.schema_version != schema.SCHEMA_VERSION:
        raise IndexIncompatibleError(str(idx.path), "it was built by another version")
    if stored is None:
        # Built by something that left no manifest: start over safely.
        return ix, Manifest(schema.SCHEMA_VERSION), ix.doc_count() > 0
    return ix, stored, False


def _open_writer(ix: FileIndex, records: int) -> Any:
    """Worker processes for large builds (both cores), one process otherwise."""
    procs = min(os.cpu_count() or 1, MAX_WORKERS)
    if records >= PARALLEL_MIN_RECORDS and procs >= 2:
        return ParallelWriter(ix, procs=procs)
    return FastSegmentWriter(ix, limitmb=WRITER_LIMIT_MB, _lk=False)


def record_hash(doc: dict[str, object]) -> str:
    """Content hash of an article's document: equal hash, nothing to re-index."""
    blob = json.dumps(doc, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Run:
    """One build's work and counters against an open writer."""

    ix: FileIndex
    old: Manifest
    field_map: FieldMap
    progress: ProgressCallback | None
    new: Manifest = field(init=False)
    owners: dict[str, str] = field(init=False)
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    files_read: int = 0
    files_unchanged: int = 0
    files_deleted: int = 0
    metadata_changed: bool = False
    problems: list[Problem] = field(default_factory=list)
    decisions: Counter[str] = field(default_factory=Counter)
    _records_done: int = 0
    _records_total: int = 0
    _files_done: int = 0
    _files_total: int = 0
    _writer: Any = None

    def __post_init__(self) -> None:
        self.new = Manifest(schema.SCHEMA_VERSION, dict(self.old.files))
        self.owners = self.old.owners()

    @property
    def writer(self) -> Any:
        """The index writer, opened on first use."""
        if self._writer is None:
            self._writer = _open_writer(self.ix, self._records_total)
        return self._writer

    @property
    def has_writer(self) -> bool:
        return self._writer is not None

    def cancel(self) -> None:
        """Drop everything this build wrote (the last commit stays as it was)."""
        if self._writer is not None:
            self._writer.cancel()

    def report(self, problem: Problem) -> None:
        if problem.skipped:
            self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)

    def apply(self, found: Discovery) -> None:
        present = {f.key for f in found.files}
        for key, entry in sorted(self.old.files.items()):
            if key not in present and any(is_within(key, r) for r in found.roots):
                self._delete_file(key, entry)
        to_read: list[tuple[CorpusFile, str]] = []
        for f in found.files:
            sha = self._changed_sha(f)
            if sha is None:
                self.files_unchanged += 1
                self.unchanged += len(self.old.files[f.key].records)
            elif sha:
                to_read.append((f, sha))
        self._files_total = len(to_read)
        self._records_total = sum(estimate_records(f) for f, _ in to_read)
        self._tick()
        for f, sha in to_read:
            self._read_file(f, sha)
            self._files_done += 1
            self._tick()

    def _changed_sha(self, f: CorpusFile) -> str | None:
        """None: unchanged; "": unreadable (reported); else the new fingerprint."""
        entry = self.old.files.get(f.key)
        if entry and entry.size == f.size and entry.mtime_ns == f.mtime_ns:
            return None
        try:
            sha = fingerprint(f.path)
        except OSError as e:
            self.report(Problem(f.name, f"cannot read: {e.strerror or e}"))
            return ""
        if entry and entry.sha1 == sha:
            self.new.files[f.key] = FileEntry(f.name, f.size, f.mtime_ns, sha, entry.records)
            self.metadata_changed = True
            return None
        return sha

    def _delete_file(self, key: str, entry: FileEntry) -> None:
        for aid in entry.records:
            if self.owners.get(aid) == key:
                self.writer.delete_by_term(schema.ID, aid)
                del self.owners[aid]
                self.deleted += 1
        del self.new.files[key]
        self.files_deleted += 1

    def _read_file(self, f: CorpusFile, sha: str) -> None:
        old_records = self.old.files[f.key].records if f.key in self.old.files else {}
        records: dict[str, str] = {}
        complete = True
        source = Source(f.path, f.name, self.field_map)
        try:
            for item in _read(f, source):
                if isinstance(item, Problem):
                    self.report(item)
                    continue
                if isinstance(item, Decision):
                    self.decisions[item.kind] += 1
                    continue
                self._add(item, f, old_records, records)
        except UnreadableFile as e:
            complete = False
            self.report(Problem(f.name, str(e)))
        self.files_read += 1
        self.metadata_changed = True
        if complete:
            for aid in old_records.keys() - records.keys():
                if self.owners.get(aid) == f.key:
                    self.writer.delete_by_term(schema.ID, aid)
                    del self.owners[aid]
                    self.deleted += 1
        else:  # keep what we had: an unreadable file loses nothing already indexed
            records = {**old_records, **records}
        self.new.files[f.key] = FileEntry(f.name, f.size, f.mtime_ns, sha, records)

    def _add(self, article: Article, f: CorpusFile, old_records: dict[str, str],
             records: dict[str, str]) -> None:
        aid = article.id
        owner = self.owners.get(aid)
        if aid in records or (owner is not None and owner != f.key):
            where = "earlier in this file" if aid in records else f"in {self._name(owner)}"
            self.report(Problem(article.path or f.name, f"duplicate id {aid!r} (already {where})"))
            return
        doc = schema.article_to_document(article)
        digest = record_hash(doc)
        records[aid] = digest
        self._records_done += 1
        if self._records_done % PROGRESS_EVERY == 0:
            self._tick()
        previous = old_records.get(aid)
        if previous == digest and owner == f.key:
            self.unchanged += 1
            return
        if owner == f.key:
            self.writer.delete_by_term(schema.ID, aid)
            self.updated += 1
        else:
            self.added += 1
            self.owners[aid] = f.key
        self.writer.add_document(**doc)

    def _name(self, key: str | None) -> str:
        entry = self.new.files.get(key or "") or self.old.files.get(key or "")
        return entry.name if entry else str(key)

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(BuildProgress(self._files_done, self._files_total,
                                        self._records_done,
                                        max(self._records_total, self._records_done)))


def _read(f: CorpusFile, source: Source) -> Iterator[Article | Problem | Decision]:
    try:
        yield from f.reader(source)
    except OSError as e:
        raise UnreadableFile(f"cannot read: {e.strerror or e}") from e


__all__ = ["CorpusError", "ProgressCallback", "build_index", "record_hash"]
