"""Which files a build reads: discovery under the given roots, reader choice, fingerprints.

Hidden files and folders (``.git``, ``.DS_Store``) are skipped, as are files no
reader handles (counted, so the summary can say so). A file's ``key`` is its
absolute path: the same file built from another working directory is the same file.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError
from .formats import Reader, reader_for

DEFAULT_CORPUS = "corpus"
CORPUS_ENV = "SEARCHER_CORPUS"
LINE_FORMATS = (".jsonl", ".ndjson")


def default_corpus() -> Path:
    """``$SEARCHER_CORPUS`` or ``corpus/`` in the current directory."""
    return Path(os.environ.get(CORPUS_ENV) or DEFAULT_CORPUS)


@dataclass(frozen=True)
class CorpusFile:
    """A file to index: ``name`` is relative to the root it was found under
    (what ids and displayed paths derive from); ``key`` identifies it across builds."""

    path: Path
    name: str
    key: str
    size: int
    mtime_ns: int
    reader: Reader


@dataclass(frozen=True)
class Discovery:
    files: tuple[CorpusFile, ...]
    roots: tuple[str, ...]  # absolute keys of the roots: what "deleted" is scoped to
    ignored: int  # files with no reader


def is_within(key: str, root: str) -> bool:
    """Is the file ``key`` the root itself or somewhere under it?"""
    return key == root or key.startswith(root.rstrip("/") + "/")


def discover(paths: Sequence[Path]) -> Discovery:
    """All readable files under ``paths`` (files or folders), sorted for determinism."""
    found: dict[str, CorpusFile] = {}
    roots: list[str] = []
    ignored = 0
    for given in paths:
        if not given.exists():
            raise CorpusError(f"{given}: no such file or folder")
        root = given.resolve()
        roots.append(root.as_posix())
        if root.is_file():
            candidates = [(root, root.name)]
        else:
            candidates = [(p, p.relative_to(root).as_posix()) for p in _walk(root)]
        for path, name in candidates:
            reader = reader_for(path)
            if reader is None:
                ignored += 1
                continue
            try:
                st = path.stat()
            except OSError:
                st = None
            key = path.as_posix()
            found.setdefault(key, CorpusFile(path, name, key, st.st_size if st else -1,
                                             st.st_mtime_ns if st else -1, reader))
    return Discovery(tuple(found[k] for k in sorted(found)), tuple(roots), ignored)


def _walk(root: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath, f) for f in sorted(filenames) if not f.startswith("."))
    return out


def fingerprint(path: Path) -> str:
    """SHA-1 of the file's bytes (content, not mtime, decides "changed")."""
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def estimate_records(file: CorpusFile) -> int:
    """About how many articles a file holds, for the progress bar's total and ETA.

    Counting newlines of a JSON Lines file (gzip included) is fast next to indexing.
    """
    suffixes = [s.lower() for s in file.path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes or suffixes[-1] not in LINE_FORMATS:
        return 1
    opener = gzip.open if file.path.suffix == ".gz" else open
    count = 0
    try:
        with opener(file.path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                count += block.count(b"\n")
    except (OSError, EOFError):
        return 1
    return max(count, 1)
