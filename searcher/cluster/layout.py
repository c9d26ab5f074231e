"""Where a sharded index keeps its shards, and which shard owns an article.

A sharded index is a folder holding ``cluster.json`` and, per generation (one per
build that changed something), ``gen-G/shard-000``... ``gen-G/shard-NNN``, each an
ordinary searcher index (``searcher check`` or Whoosh can open one alone).
``cluster.json`` names the current generation: a build writes the next generation
beside it and switches the manifest in one rename, so a search sees every shard of
one build, never half of one (generations.py). An index written before generations
(format 1) keeps its shards in ``shard-000``... at the top: its generation 0.

An article belongs to the shard picked by a stable hash of its id (BLAKE2b, not
Python's salted ``hash``), so every build, process and machine routes it the same
way: an edit or deletion of a record reaches the shard that holds it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidArgumentError
from ..storage import write_atomically

MANIFEST = "cluster.json"
FORMAT = 2  # 1: no generations, shards at the top (read as generation 0)
ROUTING = "blake2b-64(id utf-8) mod shards"
MAX_SHARDS = 256
GENERATION_PREFIX = "gen-"


def shard_of(article_id: str, shards: int) -> int:
    """The shard that owns ``article_id`` among ``shards``."""
    digest = hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big") % shards


def generation_path(path: Path, generation: int) -> Path:
    """The folder holding generation ``generation``'s shards (0: the index folder)."""
    return path / f"{GENERATION_PREFIX}{generation}" if generation else path


@dataclass(frozen=True)
class ClusterLayout:
    """A sharded index folder: its shard count, its current generation and the
    shards' folders."""

    path: Path
    shards: int
    generation: int = 0

    def shard_path(self, n: int) -> Path:
        return generation_path(self.path, self.generation) / f"shard-{n:03d}"

    @property
    def shard_paths(self) -> list[Path]:
        return [self.shard_path(n) for n in range(self.shards)]

    def slot(self, n: int) -> str:
        """What names shard ``n`` of this index in every generation (a worker keeps
        one generation of each slot open)."""
        return f"{self.path}#{n}"

    def save(self) -> None:
        """Write the manifest: synced, then renamed over the old one (a reader sees
        the old or the new one, a crash leaves one of them)."""
        self.path.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path / MANIFEST, json.dumps(
            {"format": FORMAT, "shards": self.shards, "routing": ROUTING,
             "generation": self.generation}) + "\n")
        sync_folder(self.path)


def sync_folder(path: Path) -> None:
    """Make a folder's entries (renames, new files) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_shards(shards: int) -> int:
    if isinstance(shards, bool) or not isinstance(shards, int) or \
            not 1 <= shards <= MAX_SHARDS:
        raise InvalidArgumentError(f"shards must be a whole number from 1 to {MAX_SHARDS}, "
                                   f"got {shards!r}")
    return shards


def manifest_key(path: Path) -> tuple[int, int, int] | None:
    """What changes when ``cluster.json`` is replaced (inode, mtime, size): a stat,
    so an open sharded index notices a new generation cheaply."""
    try:
        st = os.stat(path / MANIFEST)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def read_layout(path: Path) -> ClusterLayout | None:
    """The sharded index at ``path``, or None when ``path`` is not one."""
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("routing") != ROUTING or \
            not isinstance(data.get("shards"), int) or not 1 <= data["shards"] <= MAX_SHARDS:
        return None
    generation = data.get("generation", 0)
    if isinstance(generation, bool) or not isinstance(generation, int) or generation < 0:
        return None
    return ClusterLayout(path, data["shards"], generation)
