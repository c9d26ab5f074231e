"""What the index was built from: per file, its fingerprint and its records' hashes.

Incremental builds compare the corpus with this. It is stored next to the Whoosh
index as ``searcher-files-<generation>.json``, written *before* the commit that
creates that generation: a crash between the two leaves an orphan for a
generation that never happened, and open always reads the manifest of the
index's current generation, so the two never disagree.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MANIFEST_VERSION = 1
_PREFIX = "searcher-files-"


@dataclass
class FileEntry:
    name: str
    size: int
    mtime_ns: int
    sha1: str
    records: dict[str, str] = field(default_factory=dict)  # article id -> content hash


@dataclass
class Manifest:
    schema_version: int
    files: dict[str, FileEntry] = field(default_factory=dict)
    built_at: str = ""

    def owners(self) -> dict[str, str]:
        """article id -> key of the file it came from (to refuse duplicate ids)."""
        return {aid: key for key, entry in self.files.items() for aid in entry.records}


def _path(index_dir: Path, generation: int) -> Path:
    return index_dir / f"{_PREFIX}{generation}.json"


def load(index_dir: Path, generation: int) -> Manifest | None:
    """The manifest of ``generation``, or None when there is none (or it is unreadable)."""
    try:
        raw: dict[str, Any] = json.loads(_path(index_dir, generation).read_text("utf-8"))
        if raw.get("version") != MANIFEST_VERSION:
            return None
        files = {k: FileEntry(**v) for k, v in raw["files"].items()}
        return Manifest(int(raw["schema_version"]), files, str(raw.get("built_at", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(index_dir: Path, generation: int, manifest: Manifest) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a manifest."""
    manifest.built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    data = {
        "version": MANIFEST_VERSION,
        "schema_version": manifest.schema_version,
        "built_at": manifest.built_at,
        "files": {k: vars(v) for k, v in sorted(manifest.files.items())},
    }
    target = _path(index_dir, generation)
    tmp = target.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)


def prune(index_dir: Path, keep_generation: int) -> None:
    """Remove manifests of other generations (after a successful commit)."""
    for p in index_dir.glob(f"{_PREFIX}*"):
        if p.name != _path(index_dir, keep_generation).name:
            with contextlib.suppress(OSError):
                p.unlink()
