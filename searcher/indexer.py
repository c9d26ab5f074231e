"""Build or update the index from a corpus: incremental, atomic, one writer at a time.

A build takes the index's write lock first (a second build fails at once), then
compares the corpus with the manifest and applies the differences (update.py).
Everything lands in a single Whoosh commit (the manifest of the new generation is
written just before it), so a crash at any point leaves the index exactly as of the
last commit; files a failed or killed build left behind are removed by the next
build. Nothing changed means no writer commit at all. Segments whose share of
deleted articles passes ``PURGE_SHARE`` are rewritten without them at the commit, so
repeated edits do not grow the index without bound.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.reading import SegmentReader
from whoosh.writing import CLEAR, MERGE_SMALL

from . import schema
from ._whoosh.laid_out import LaidOutWriter
from ._whoosh.parallel import ParallelWriter
from ._whoosh.segment_writer import FastSegmentWriter
from .boilerplate import FurnitureStats, load_stats, stats_path
from .boilerplate_build import FurnitureRun
from .corpus import corpus_base, default_corpus, discover, inferred_base
from .errors import CorpusError, IndexIncompatibleError, SearcherError
from .formats import FieldMap, parse_field_map
from .formats.mapping import ARTICLE_FIELDS, field_keys
from .models import BuildReport
from .prepare import MAX_ARTICLE_CHARS, record_hash
from .storage import IndexDir, Manifest
from .stories.build import StoryRun, stored_texts, table_from_index
from .stories.store import clean_tables, load_table, save_table
from .stories.words import StoryWords
from .update import ProgressCallback, Update

WRITER_LIMIT_MB = 128  # Whoosh's in-memory posting pool per process before spilling to disk
# Builds reading at least this many records index in worker processes (_whoosh/parallel.py):
# below it, starting workers costs more than it saves.
PARALLEL_MIN_RECORDS = 2000
MAX_WORKERS = 2
# ...when at least this much of a core is idle as the writer opens: measured on Reuters
# (bench/build.py's build, 2 cores, load average 5.5), two workers took 16.2/18.0 CPU s
# and 24.8/30.5 s wall against one process's 14.3/16.3 CPU s and 21.6/29.1 s wall; on
# a quiet machine 8 s wall against 12. A busy machine's build is written in one process
# with the parallel build's layout (_whoosh/laid_out.py).
MIN_IDLE_CORES = 0.5
IDLE_SAMPLE_S = 0.1
PURGE_SHARE = 0.25  # a segment with more deleted articles than this is rewritten...
PURGE_MIN_DOCS = 500  # ...if it is this big (Whoosh's MERGE_SMALL merges smaller ones)


def build_part(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    index: str | os.PathLike[str] | None = None,
    field_map: Sequence[str] | FieldMap | None = None,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    keep_id: Callable[[str], bool] | None = None,
    exclude: Path | None = None,
) -> BuildReport:
    """Build one index (``build.build_index`` says how), keeping only the articles
    whose id ``keep_id`` accepts (one shard of a sharded index: cluster/build.py) and
    not reading under ``exclude`` (the whole sharded index, not just this shard's
    folder)."""
    started = time.perf_counter()
    roots = [Path(p) for p in paths] if paths else [default_corpus()]
    fmap = field_map if isinstance(field_map, Mapping) else parse_field_map(list(field_map or ()))
    idx = IndexDir.at(index)
    found = discover(roots, exclude=exclude or idx.path)
    # The write lock covers the whole build (planning included) so a second build fails
    # at once; the writer itself is only opened once there is something to write, so a
    # no-change run leaves the index untouched.
    with idx.write_lock():
        ix, old, rebuild = _open_for_build(idx, rebuild)
        if not old.base:  # a new index, a rebuild, or one recorded before bases were
            old.base = inferred_base({k: e.name for k, e in old.files.items()}) or \
                corpus_base(found.roots)
        found = found.named_from(old.base)
        run = Update(ix, old, fmap, reading_key(fmap), progress, _open_writer,
                     _furniture(idx, ix, old), keep_id=keep_id,
                     stories=_stories(idx, ix, rebuild))
        committed = False
        try:
            with idx.writing():
                run.apply(found)
                if rebuild:
                    run.writer  # noqa: B018 (open it: a rebuild always commits, even if empty)
                if run.has_writer:
                    idx.save_manifest(run.writer.generation, run.new)
                    run.furniture.save(idx.path, run.writer.generation)
                    save_table(idx.path, run.writer.generation,
                               run.stories.finish(run.writer.story_parts()))
                    run.writer.commit(mergetype=CLEAR if rebuild else _merge_policy,
                                      optimize=False)
                    committed = True
                elif run.metadata_changed:  # same content, new mtimes: remember, no commit
                    idx.save_manifest(ix.latest_generation(), run.new)
                    run.furniture.save(idx.path, ix.latest_generation())
        except BaseException:
            if run.has_writer and not committed:
                with contextlib.suppress(Exception):
                    run.writer.cancel()
            raise
        finally:
            idx.clean(ix)  # partial files of a failed build, orphans of a killed one
            with contextlib.suppress(Exception):  # best effort, as idx.clean
                clean_tables(idx.path, ix.latest_generation())
        documents = ix.doc_count()  # of the newest commit (Whoosh reads its TOC again)

    return BuildReport(
        **vars(run.counts),
        index=str(idx.path),
        problems=tuple(run.ledger.problems),
        files_ignored=found.ignored,
        documents=documents,
        index_bytes=idx.size_bytes(),
        elapsed_s=time.perf_counter() - started,
        rebuilt=rebuild,
        decisions=dict(run.ledger.decisions),
        problem_kinds=dict(run.ledger.kinds.most_common()),
        rejudged=run.furniture.rejudged,
        ignored_kinds=dict(found.ignored_kinds),
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


def _furniture(idx: IndexDir, ix: FileIndex, old: Manifest) -> FurnitureRun:
    """The line statistics the index was built with, loaded when first needed (none for
    a new index or a rebuild; files they lack are counted again by the build)."""
    if not old.files:
        return FurnitureRun()
    generation = ix.latest_generation()
    return FurnitureRun(lambda: load_stats(idx.path, generation) or FurnitureStats(),
                        stats_path(idx.path, generation))


def _stories(idx: IndexDir, ix: FileIndex, rebuild: bool) -> StoryRun:
    """The story groups the index was built with, loaded when the build commits (none
    for a rebuild; an index whose table is missing gets its articles' signatures from
    their stored text)."""
    if rebuild:
        return StoryRun()
    generation = ix.latest_generation()
    return StoryRun(lambda: load_table(idx.path, generation) or table_from_index(ix),
                    old_text=functools.partial(stored_texts, ix))


def _open_writer(ix: FileIndex, records: int) -> Any:
    """Worker processes for large builds when a core is idle, one process otherwise;
    a large build lays its articles out as the workers would either way."""
    procs = min(os.cpu_count() or 1, MAX_WORKERS)
    # a daemonic process (a Dask worker building a shard) may not start children
    writer: FastSegmentWriter
    if records >= PARALLEL_MIN_RECORDS and procs >= 2 and \
            not multiprocessing.current_process().daemon:
        if idle_cores() >= MIN_IDLE_CORES:
            return ParallelWriter(ix, procs=procs, stories=True)
        writer = LaidOutWriter(ix, procs=procs, limitmb=WRITER_LIMIT_MB, _lk=False)
    else:
        writer = FastSegmentWriter(ix, limitmb=WRITER_LIMIT_MB, _lk=False)
    writer.stories = StoryWords()  # story signatures from the writer's own analysis
    return writer


def idle_cores(seconds: float = IDLE_SAMPLE_S) -> float:
    """How many cores were idle over the next ``seconds`` (/proc/stat); as many as the
    machine has where that cannot be read."""
    def times() -> list[int]:
        with open("/proc/stat", encoding="ascii") as f:
            return [int(x) for x in f.readline().split()[1:]]

    try:
        before = times()
        time.sleep(seconds)
        after = times()
    except (OSError, ValueError):
        return float(os.cpu_count() or 1)
    # user nice system idle iowait irq softirq steal (guest time is within user's)
    spent = [b - a for a, b in zip(before[:8], after[:8], strict=False)]
    total = sum(spent)
    idle = sum(spent[3:5])  # idle, iowait
    return (os.cpu_count() or 1) * idle / total if total > 0 else 0.0


def _merge_policy(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's MERGE_SMALL, after dropping big segments with no live article and
    rewriting those with more than PURGE_SHARE deleted (Lucene's TieredMergePolicy does the
    same with deletesPctAllowed), so the index size stays bounded over edits."""
    keep = []
    for segment in segments:
        if segment.doc_count_all() < PURGE_MIN_DOCS:
            keep.append(segment)
        elif segment.doc_count() == 0:
            continue
        elif segment.deleted_count() > PURGE_SHARE * segment.doc_count_all():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
        else:
            keep.append(segment)
    merged: list[Any] = MERGE_SMALL(writer, keep)
    return merged


def reading_key(field_map: FieldMap) -> str:
    """How files are read: the reader code, the field map and the caps. A file indexed
    another way is read again (changing ``--map`` or upgrading searcher re-reads)."""
    plan = [(name, [k.lower() for k in field_keys(field_map, name)]) for name in ARTICLE_FIELDS]
    blob = json.dumps([_code_version(), plan, MAX_ARTICLE_CHARS, schema.SCHEMA_VERSION])
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


@functools.cache
def _code_version() -> str:
    """A hash of the source of everything that decides what a file becomes (readers,
    dates, schema, the update rules); the package version where sources are absent."""
    root = Path(__file__).parent
    files = sorted(root.glob("formats/*.py")) + [root / n for n in (
        "schema.py", "dates.py", "analysis.py", "sanitize.py", "update.py", "prepare.py",
        "boilerplate.py")]
    h = hashlib.sha1()
    try:
        for path in files:
            if path.exists():
                h.update(path.read_bytes())
    except OSError:
        return importlib.metadata.version("searcher")
    return h.hexdigest()[:16]


__all__ = ["CorpusError", "ProgressCallback", "build_part", "record_hash"]
