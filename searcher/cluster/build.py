"""Build or update a sharded index: the corpus read once, each article routed to its
shard, the shards committed into a new generation that one rename makes current.

One build reads every file once (update.Update, as one index's build): the readers'
decisions, the problems, repeated page text and duplicate ids are the whole corpus's,
decided once; each added, changed or deleted article goes to the writer of the shard
that owns its id (routing.py). The shards are written into the next generation's
folder (hard-linked copies of the current shards: generations.py) and committed
there; then the corpus's manifest is stored with the generation, every new file is
synced, and ``cluster.json`` is replaced naming it. Until that rename every search
reads the previous generation, whole; a killed or failed build leaves it current.

With a scheduler (``--scheduler``), the shards' writers (analysis, segment writing)
run on the Dask cluster's workers (dask_build.py), fed by this process's one reading.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import schema
from .._whoosh.parallel import ParallelWriter
from .._whoosh.segment_writer import FastSegmentWriter
from ..boilerplate import FurnitureStats, load_stats, stats_path
from ..boilerplate_build import FurnitureRun
from ..corpus import corpus_base, default_corpus, discover, inferred_base
from ..errors import IndexIncompatibleError, InvalidArgumentError
from ..formats import FieldMap, parse_field_map
from ..indexer import (
    MAX_WORKERS,
    PARALLEL_MIN_RECORDS,
    WRITER_LIMIT_MB,
    _merge_policy,
    reading_key,
)
from ..models import BuildReport
from ..storage import IndexDir, Manifest, index_path
from ..stories.build import StoryRun, stored_texts
from ..stories.store import load_table, save_table
from ..stories.table import StoryTable
from ..stories.words import StoryPart, StoryWords
from ..update import ProgressCallback, Update
from . import generations
from .layout import ClusterLayout, check_shards, generation_path, read_layout, shard_of
from .routing import RoutedWriter, ShardWriterOpener
from .runner import scheduler_address

MAX_SHARD_PROCESSES = 8  # up to this many shards, each large build's shard has a process


def build_sharded(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    index: str | os.PathLike[str] | None = None,
    shards: int,
    field_map: Sequence[str] | FieldMap | None = None,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
) -> BuildReport:
    """Index ``paths`` into ``shards`` shard indexes under ``index`` (a new folder,
    or a sharded index with that many shards): one report, as one index's build of
    the same corpus gives (its documents and size summed over the shards).

    ``scheduler`` (default ``$SEARCHER_SCHEDULER``; ``tcp://HOST:PORT``) writes the
    shards on that Dask cluster's workers, which must see ``index`` at the same path
    (a shared filesystem); the files are read here."""
    started = time.perf_counter()
    path = index_path(index)
    check_shards(shards)
    existing = read_layout(path)
    if existing is not None and existing.shards != shards:
        raise InvalidArgumentError(
            f"{path} has {existing.shards} shards, not {shards}: changing the "
            "number of shards is not supported yet (build into a new folder)")
    if existing is None and IndexDir(path).exists():
        raise InvalidArgumentError(
            f"{path} is an index that is not sharded: build the sharded index "
            "into a new folder")
    roots = [Path(p) for p in paths] if paths else [default_corpus()]
    fmap = field_map if isinstance(field_map, Mapping) else parse_field_map(list(field_map or ()))
    found = discover(roots, exclude=path)
    address = scheduler_address(scheduler)
    lock = IndexDir(path)
    with lock.write_lock(), lock.writing():
        current = read_layout(path)
        # numbered past a killed build's folder too (removed now): a number is never reused
        layout = ClusterLayout(path, shards, generations.next_generation(path, current))
        generations.clean(current, path)
        old = generations.corpus_manifest(current) if current is not None and not rebuild \
            else None
        if old is not None and old.schema_version != schema.SCHEMA_VERSION:
            raise IndexIncompatibleError(str(path), "it was built by another version")
        rebuild = old is None  # asked for, a new index, or one without a corpus manifest
        old = old or Manifest(schema.SCHEMA_VERSION)
        if not old.base:
            old.base = inferred_base({k: e.name for k, e in old.files.items()}) or \
                corpus_base(found.roots)
        found = found.named_from(old.base)
        run: Update | None = None
        table: StoryTable | None = None
        switched = False
        try:
            indexes = _shards(layout, current, rebuild)
            stories = StoryRun() if rebuild else _stories(current, indexes)
            writers = _writer_opener(layout, indexes, address)
            run = Update(None, old, fmap, reading_key(fmap), progress,
                         lambda _ix, records: RoutedWriter(shards, writers, records,
                                                           _in_processes(records, shards)),
                         _furniture(current, old), stories=stories)
            run.apply(found)
            if rebuild:
                for n in range(shards):  # a rebuild commits every shard, even an empty one
                    run.writer.writer(n)
            if run.has_writer:
                table = stories.finish(_commit(layout, run, rebuild))
            if run.has_writer or run.metadata_changed:
                _switch(layout, run, table, current)
                switched = True
            documents = sum(ix.doc_count() for ix in indexes)  # their newest commits
        except BaseException:
            if run is not None and run.has_writer:
                run.writer.cancel()
            raise
        finally:
            close = getattr(writers, "close", None) if run is not None else None
            if close is not None:
                close()
            if switched:
                generations.clean(layout, path)
            else:
                generations.remove_generation(path, layout.generation)
    effective = layout if switched else read_layout(path) or layout
    return BuildReport(
        **vars(run.counts), index=str(path), problems=tuple(run.ledger.problems),
        files_ignored=found.ignored, documents=documents, index_bytes=_size(effective),
        elapsed_s=time.perf_counter() - started, rebuilt=rebuild,
        decisions=dict(run.ledger.decisions),
        problem_kinds=dict(run.ledger.kinds.most_common()),
        rejudged=run.furniture.rejudged, ignored_kinds=dict(found.ignored_kinds))


def _shards(layout: ClusterLayout, current: ClusterLayout | None,
            rebuild: bool) -> list[Any]:
    """The new generation's shard indexes: hard-linked copies of the current ones
    (new empty ones for a rebuild or a new index)."""
    indexes = []
    for n, target in enumerate(layout.shard_paths):
        shard = IndexDir(target)
        if rebuild or current is None:
            indexes.append(shard.create())
        else:
            generations.link_shard(current.shard_path(n), target)
            indexes.append(shard.open())
    return indexes


def _stories(current: ClusterLayout | None, indexes: list[Any]) -> StoryRun:
    """The corpus's story groups as the current generation holds them (made again from
    the shards' stored text when it has no table), updated by this build as one
    index's are: the groups span shards."""
    def old_table() -> StoryTable:
        if current is not None and current.generation:
            found = load_table(generation_path(current.path, current.generation),
                               current.generation)
            if found is not None:
                return found
        return table_from_shards(indexes)

    def old_text(ids: list[str]) -> list[tuple[str, str]]:
        texts: list[tuple[str, str]] = [("", "")] * len(ids)
        owners = [shard_of(i, len(indexes)) for i in ids]
        for n in sorted(set(owners)):
            mine = [k for k, owner in enumerate(owners) if owner == n]
            for k, text in zip(mine, stored_texts(indexes[n], [ids[k] for k in mine]),
                               strict=True):
                texts[k] = text
        return texts

    return StoryRun(old_table, old_text=old_text)


def table_from_shards(indexes: list[Any]) -> StoryTable:
    """The story table of shards that have none for the whole corpus: every live
    article's signature from its stored text (stories.build.table_from_index over
    every shard)."""
    run = StoryRun()
    for ix in indexes:
        with ix.searcher() as s:
            for stored in s.all_stored_fields():
                run.add_text(stored[schema.ID], stored.get(schema.TITLE, ""),
                             stored.get(schema.BODY, ""), stored.get(schema.PUBLISHED))
    return run.finish()


def _furniture(current: ClusterLayout | None, old: Manifest) -> FurnitureRun:
    """The corpus's line statistics as the current generation stored them."""
    if current is None or not old.files:
        return FurnitureRun()
    folder = generation_path(current.path, current.generation)
    return FurnitureRun(lambda: load_stats(folder, current.generation) or FurnitureStats(),
                        stats_path(folder, current.generation))


def _in_processes(records: int, shards: int) -> bool:
    """Whether each shard's articles are analysed and written by a process of its own
    (a large build, not inside a daemonic process such as a Dask worker)."""
    return (records >= PARALLEL_MIN_RECORDS and shards <= MAX_SHARD_PROCESSES
            and (os.cpu_count() or 1) >= 2 and not multiprocessing.current_process().daemon)


def _writer_opener(layout: ClusterLayout, indexes: list[Any],
                   address: str | None) -> ShardWriterOpener:
    if address is not None:
        from .dask_build import RemoteWriters

        return RemoteWriters(layout, address)
    shards = layout.shards

    def open_writer(n: int, records: int) -> Any:
        if _in_processes(records * shards, shards):
            return ParallelWriter(indexes[n], procs=max(1, MAX_WORKERS // shards),
                                  stories=True)
        writer = FastSegmentWriter(indexes[n], limitmb=max(16, WRITER_LIMIT_MB // shards),
                                   _lk=False)
        writer.stories = StoryWords()
        return writer

    return open_writer


def _commit(layout: ClusterLayout, run: Update, rebuild: bool) -> list[StoryPart]:
    """Commit every shard the build wrote to, in the new generation (each with its
    share of the manifest, written before its commit); the writers' story parts."""
    routed: RoutedWriter = run.writer
    parts: list[StoryPart] = []
    for n, writer in sorted(routed.writers.items()):
        parts += writer.story_parts()
        shard = IndexDir(layout.shard_path(n))
        shard.save_manifest(writer.generation,
                            generations.shard_share(run.new, n, layout.shards))
        writer.commit(mergetype=_as_written if rebuild else _merge_policy, optimize=False)
        del routed.writers[n]  # committed: nothing to cancel
    return parts


def _as_written(_writer: Any, segments: list[Any]) -> list[Any]:
    """A rebuild's merge policy: its shards are new, empty indexes (nothing to drop,
    as Whoosh's CLEAR drops the old segments of one index's rebuild) and the new
    segments stay as written."""
    return segments


def _switch(layout: ClusterLayout, run: Update, table: StoryTable | None,
            current: ClusterLayout | None) -> None:
    """Store the corpus's manifest and story table with the new generation (the
    current one's table when no article changed), sync it all, and make it the
    current one (the rename of ``cluster.json``)."""
    generations.save_corpus_manifest(layout.path, layout.generation, run.new)
    folder = generation_path(layout.path, layout.generation)
    run.furniture.save(folder, layout.generation)
    if table is not None:
        save_table(folder, layout.generation, table)
    elif current is not None and current.generation:
        generations.keep_table(current, layout)
    generations.sync_tree(folder)
    layout.save()


def _size(layout: ClusterLayout) -> int:
    """Bytes of the layout's generation: its shards and what is stored with them."""
    folder = generation_path(layout.path, layout.generation)
    own = sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) \
        if layout.generation else 0
    return own + sum(IndexDir(p).size_bytes() for p in layout.shard_paths)
