"""Where a sharded index keeps its shards, and which shard owns an article.

A sharded index is a folder holding ``cluster.json`` and ``shard-000``...
``shard-NNN``, each an ordinary searcher index (``searcher check`` or Whoosh can
open one alone). An article belongs to the shard picked by a stable hash of its id
(BLAKE2b, not Python's salted ``hash``), so every build, process and machine routes
it the same way: an edit or deletion of a record reaches the shard that holds it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidArgumentError

MANIFEST = "cluster.json"
FORMAT = 1
ROUTING = "blake2b-64(id utf-8) mod shards"
MAX_SHARDS = 256


def shard_of(article_id: str, shards: int) -> int:
    """The shard that owns ``article_id`` among ``shards``."""
    digest = hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big") % shards


@dataclass(frozen=True)
class ClusterLayout:
    """A sharded index folder: its shard count and the shards' folders."""

    path: Path
    shards: int

    def shard_path(self, n: int) -> Path:
        return self.path / f"shard-{n:03d}"

    @property
    def shard_paths(self) -> list[Path]:
        return [self.shard_path(n) for n in range(self.shards)]

    def save(self) -> None:
        """Write the manifest (atomically: a reader sees the old or the new one)."""
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.path / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"format": FORMAT, "shards": self.shards,
                                   "routing": ROUTING}) + "\n", encoding="utf-8")
        os.replace(tmp, self.path / MANIFEST)


def check_shards(shards: int) -> int:
    if isinstance(shards, bool) or not isinstance(shards, int) or \
            not 1 <= shards <= MAX_SHARDS:
        raise InvalidArgumentError(f"shards must be a whole number from 1 to {MAX_SHARDS}, "
                                   f"got {shards!r}")
    return shards


def read_layout(path: Path) -> ClusterLayout | None:
    """The sharded index at ``path``, or None when ``path`` is not one."""
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("routing") != ROUTING or \
            not isinstance(data.get("shards"), int) or not 1 <= data["shards"] <= MAX_SHARDS:
        return None
    return ClusterLayout(path, data["shards"])
