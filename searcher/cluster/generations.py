"""A sharded index's generations: how a build makes the next one beside the current
one, and how old ones go.

A build never writes into the shards searches read. It makes the next generation's
folder, ``gen-G``, with each shard as a copy of the current one made of hard links
(Whoosh never rewrites a file: a commit adds segment files and a new table of
contents, and deletes only its own folder's names, so the current generation's files
stay as they are), commits the shards there, syncs every file and folder, and only
then replaces ``cluster.json`` naming ``G`` (layout.ClusterLayout.save). A build
killed at any point leaves the manifest naming the generation before it, whose files
are all there: every search sees one whole build. The generation before the current
one stays too (a search that read the manifest just before a switch can still open
its shards); older ones, and a killed build's unfinished folder, are removed under
the build's lock.

The whole corpus's manifest (storage.Manifest: files, fingerprints, every shard's
records) and the repeated-text statistics are the generation's, stored in
``gen-G`` as one index stores them beside its commit; each shard also keeps its own
share of the manifest, so each shard stays an index ``searcher check`` accepts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from ..storage import FileEntry, IndexDir, Manifest
from ..stories.store import table_path
from .layout import GENERATION_PREFIX, ClusterLayout, generation_path, shard_of, sync_folder

_NOT_LINKED = ("_WRITELOCK", ".tmp")  # a lock file is not shared; temporaries are not kept


def generations(path: Path) -> list[int]:
    """The generation folders under a sharded index (0: shards at the top)."""
    found = []
    with contextlib.suppress(OSError):
        for p in path.iterdir():
            number = p.name.removeprefix(GENERATION_PREFIX)
            if p.name.startswith(GENERATION_PREFIX) and number.isdigit() and p.is_dir():
                found.append(int(number))
            elif p.name.startswith("shard-") and p.is_dir() and 0 not in found:
                found.append(0)
    return sorted(found)


def remove_generation(path: Path, generation: int) -> None:
    """Remove one generation's folders (best effort: an open file stays readable)."""
    if generation:
        shutil.rmtree(generation_path(path, generation), ignore_errors=True)
        return
    for p in path.glob("shard-*"):
        shutil.rmtree(p, ignore_errors=True)


def clean(layout: ClusterLayout | None, path: Path) -> None:
    """Keep the current generation and the one before it; remove the others (older
    ones, and folders of killed builds newer than the current one)."""
    current = layout.generation if layout is not None else None
    found = generations(path)
    keep = {current} if current is not None else set()
    earlier = [g for g in found if current is not None and g < current]
    if earlier:
        keep.add(earlier[-1])
    for g in found:
        if g not in keep:
            remove_generation(path, g)


def next_generation(path: Path, current: ClusterLayout | None) -> int:
    """A generation number no folder has had (above the current one and any left)."""
    return max([current.generation if current else 0, *generations(path)]) + 1


def link_shard(source: Path, target: Path) -> None:
    """``target`` as a copy of the shard index at ``source`` made of hard links."""
    target.mkdir(parents=True)
    for p in source.iterdir():
        if p.is_file() and not p.name.endswith(_NOT_LINKED):
            os.link(p, target / p.name)


def sync_tree(path: Path) -> None:
    """Sync every file and folder under ``path`` (a generation, before the switch)."""
    for folder, _dirs, files in os.walk(path):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        sync_folder(Path(folder))


def corpus_manifest(layout: ClusterLayout) -> Manifest | None:
    """The whole corpus's manifest of the layout's generation (None: none stored)."""
    if not layout.generation:
        return None
    return IndexDir(generation_path(layout.path, layout.generation)).manifest(layout.generation)


def keep_table(current: ClusterLayout, layout: ClusterLayout) -> None:
    """The current generation's story table, linked into the new one (no article
    changed: the same groups)."""
    source = table_path(generation_path(current.path, current.generation), current.generation)
    if source.exists():
        os.link(source, table_path(generation_path(layout.path, layout.generation),
                                   layout.generation))


def save_corpus_manifest(path: Path, generation: int, manifest: Manifest) -> None:
    IndexDir(generation_path(path, generation)).save_manifest(generation, manifest)


def shard_share(manifest: Manifest, n: int, shards: int) -> Manifest:
    """The part of the corpus's manifest shard ``n`` holds: every file, with the
    records, lines and refused ids routed to it."""
    files = {}
    for key, entry in manifest.files.items():
        mine = {aid: h for aid, h in entry.records.items() if shard_of(aid, shards) == n}
        files[key] = FileEntry(**{
            **vars(entry), "records": mine,
            "lines": {aid: line for aid, line in entry.lines.items() if aid in mine},
            "refused": [aid for aid in entry.refused if shard_of(aid, shards) == n]})
    return Manifest(manifest.schema_version, files, base=manifest.base)
