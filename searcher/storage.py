"""The index folder: where it is, open/create, the write lock, the manifest, size,
cleanup of orphan files. The one place that turns Whoosh's open failures and the
operating system's errors into errors a user can act on.

The manifest says what the index was built from: per file, its fingerprint, how it
was read and its records' hashes. Incremental builds compare the corpus with it. It
is stored next to the Whoosh index as ``searcher-files-<generation>.json``, written
*before* the commit that creates that generation: a crash between the two leaves an
orphan for a generation that never happened, and readers always load the manifest of
the index's current generation, so the two never disagree.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, FileIndex, IndexVersionError
from whoosh.searching import Searcher

from . import schema
from ._whoosh import mapped
from .errors import (
    IndexDamagedError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexNotFoundError,
    IndexWriteError,
)

DEFAULT_INDEX = "index"
INDEX_ENV = "SEARCHER_INDEX"
INDEX_NAME = "MAIN"  # Whoosh's default index name: files are _MAIN_<gen>.toc, MAIN_<id>.seg
MANIFEST_VERSION = 3
LOCK_GRACE_SECONDS = 1.0  # how long a build waits for a just-killed build's workers to end
_MANIFEST_PREFIX = "searcher-files-"
_TOC = re.compile(rf"_{INDEX_NAME}_[0-9]+\.toc")
_TOC_TEMP = re.compile(rf"_{INDEX_NAME}_[0-9]+\.toc\..+")

# Every index this module opens reads its compound segments through the memory map
# (WHOOSH-NOTES 14): opening checks every segment, which would otherwise copy each
# one into the heap (the build's open of a 50x index, and an unchanged re-run).
mapped.install()


def index_path(index: str | os.PathLike[str] | None = None) -> Path:
    """The index folder: the argument, else ``$SEARCHER_INDEX``, else ``index/``."""
    if index is not None:
        return Path(index)
    return Path(os.environ.get(INDEX_ENV) or DEFAULT_INDEX)


@dataclass
class FileEntry:
    """One corpus file as last indexed. ``records``: article id -> content hash;
    ``lines``: article id -> line it was read from (line formats), so a line that is
    malformed now keeps the article it held; ``refused``: ids this file also holds
    that another file owned (duplicates), read again when that owner goes away;
    ``reading``: how the file was read (reader code, field map, caps): when it differs,
    the file is read again; ``problems`` and ``kept``: what reading it reported and how
    many articles it kept at their last good version, reported again by every build
    while the file stays as it is (the same bytes read the same way give the same
    problems); ``troubled``: the read did not complete (perhaps a passing cause), so
    the file is read again at the next build."""

    name: str
    size: int
    mtime_ns: int
    sha1: str
    records: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    reading: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    kept: int = 0
    troubled: bool = False


@dataclass
class Manifest:
    schema_version: int
    files: dict[str, FileEntry] = field(default_factory=dict)
    built_at: str = ""
    base: str = ""  # the corpus base file names are relative to (corpus.py); "" unknown

    def owners(self) -> dict[str, str]:
        """article id -> key of the file it came from (to refuse duplicate ids)."""
        return {aid: key for key, entry in self.files.items() for aid in entry.records}


class IndexDir:
    """An index folder. Nothing is touched on disk until a method is called."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def at(cls, index: str | os.PathLike[str] | None = None) -> IndexDir:
        return cls(index_path(index))

    # ---- open / create ---------------------------------------------------------------

    def exists(self) -> bool:
        """Is there an index here (a TOC file, readable or not)?"""
        try:
            return any(_TOC.fullmatch(p.name) for p in self.path.iterdir())
        except OSError:
            return False

    def commit_key(self) -> tuple[int, int, int, int] | None:
        """What identifies the index's current commit, read from the folder alone (no
        file opened): its newest TOC's generation, inode, mtime and size. A rebuild of a
        damaged index restarts the generations but writes a new file, so a key never
        comes back. None when the folder holds no index (removed, or never built)."""
        try:
            names = os.listdir(self.path)
        except OSError:
            return None
        tocs = [(int(n[len(INDEX_NAME) + 2:-4]), n) for n in names if _TOC.fullmatch(n)]
        if not tocs:
            return None
        generation, name = max(tocs)
        try:
            st = os.stat(self.path / name)
        except OSError:  # removed by a commit meanwhile: a key no commit has
            return (generation, -1, -1, -1)
        return (generation, st.st_ino, st.st_mtime_ns, st.st_size)

    def open(self) -> FileIndex:
        """Open the index, having checked that its TOC and every segment can be read.

        IndexNotFoundError when there is none, IndexIncompatibleError when another
        version wrote it, IndexDamagedError when its files are damaged or missing.
        """
        ix, reader = self.open_reader()
        reader.close()
        return ix

    def open_reader(self) -> tuple[FileIndex, Any]:
        """The index and a reader of its newest commit whose every segment opened
        (errors as :meth:`open`). The reader opens every segment afresh: nothing of an
        older commit is reused (Whoosh's ``refresh`` reuses segment readers with their
        old deletions and keeps segments the new commit dropped)."""
        if not self.exists():
            raise IndexNotFoundError(str(self.path))
        try:
            ix = whoosh_index.open_dir(str(self.path))
            stored = ix.schema
        except EmptyIndexError as e:
            raise IndexNotFoundError(str(self.path)) from e
        except IndexVersionError as e:
            raise IndexIncompatibleError(str(self.path), "another Whoosh version wrote it") from e
        except (ImportError, AttributeError) as e:  # the pickled schema names a moved class
            raise IndexIncompatibleError(str(self.path), f"{type(e).__name__}: {e}") from e
        except Exception as e:  # truncated, emptied or overwritten TOC: any decoding error
            # (Whoosh's own words can mislead: random bytes read as "created on a
            # different architecture"), so only the exception's type is named.
            raise self.damaged(f"its table of contents cannot be read: {type(e).__name__}") from e
        if set(stored.names()) != set(schema.build_schema().names()):
            raise IndexIncompatibleError(str(self.path), "it was built with a different schema")
        if stored[schema.TITLE].analyzer != schema.text_analyzer():
            # The analyzer pickled into the index carries the SCHEMA_VERSION it was built
            # with: words or positions indexed another way would silently mismatch.
            raise IndexIncompatibleError(str(self.path),
                                         "it was built by another version of searcher")
        try:
            with self.guard("a segment cannot be read: "):
                reader = ix.reader()  # opens every segment: a missing or truncated one shows
        except IndexDamagedError:
            if not self.exists():  # the folder removed or emptied meanwhile, not damaged
                raise IndexNotFoundError(str(self.path)) from None
            raise
        return ix, reader

    def create(self) -> FileIndex:
        """A new empty index (replacing whatever index was there)."""
        with self.writing():
            self.path.mkdir(parents=True, exist_ok=True)
            return whoosh_index.create_in(str(self.path), schema.build_schema())

    def damaged(self, reason: str) -> IndexDamagedError:
        return IndexDamagedError(str(self.path), reason)

    @contextlib.contextmanager
    def guard(self, context: str = "") -> Iterator[None]:
        """Turn a failure to read the index's files into IndexDamagedError."""
        try:
            yield
        except Exception as e:
            if isinstance(e, (IndexDamagedError, IndexNotFoundError, IndexIncompatibleError)):
                raise
            raise self.damaged(context + describe(e)) from e

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Turn an operating-system error while writing into one IndexWriteError."""
        try:
            yield
        except OSError as e:
            raise IndexWriteError(str(self.path), e.strerror or str(e)) from e

    # ---- lock --------------------------------------------------------------------------

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Whoosh's write lock for the whole build: a second builder fails within
        :data:`LOCK_GRACE_SECONDS`.

        The short wait is for a build that was just killed: its worker processes die
        with it, but the kernel ends them (and closes their copy of the lock, inherited
        through fork) a moment after the parent, so a build started right after
        ``kill -9`` would otherwise be refused by a build that no longer runs.
        Taken without opening the index, so a build can start over on a damaged one."""
        with self.writing():
            self.path.mkdir(parents=True, exist_ok=True)
            lock = FileStorage(str(self.path)).lock(f"{INDEX_NAME}_WRITELOCK")
            deadline = time.monotonic() + LOCK_GRACE_SECONDS
            while not lock.acquire(blocking=False):
                if time.monotonic() >= deadline:
                    raise IndexLockedError(str(self.path))
                time.sleep(0.05)
        try:
            yield
        finally:
            lock.release()

    # ---- manifest ----------------------------------------------------------------------

    def _manifest_path(self, generation: int) -> Path:
        return self.path / f"{_MANIFEST_PREFIX}{generation}.json"

    def manifest(self, generation: int) -> Manifest | None:
        """The manifest of ``generation``, or None when there is none (or unreadable)."""
        try:
            raw: dict[str, Any] = json.loads(self._manifest_path(generation).read_text("utf-8"))
            if raw.get("version") != MANIFEST_VERSION:
                return None
            files = {k: FileEntry(**v) for k, v in raw["files"].items()}
            return Manifest(int(raw["schema_version"]), files, str(raw.get("built_at", "")),
                            str(raw.get("base", "")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save_manifest(self, generation: int, manifest: Manifest) -> None:
        """Write atomically (temp file + rename) so a crash never leaves half a manifest."""
        manifest.built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        data = {
            "version": MANIFEST_VERSION,
            "schema_version": manifest.schema_version,
            "built_at": manifest.built_at,
            "base": manifest.base,
            "files": {k: vars(v) for k, v in sorted(manifest.files.items())},
        }
        with self.writing():
            write_atomically(self._manifest_path(generation),
                             json.dumps(data, separators=(",", ":")))

    # ---- size and cleanup --------------------------------------------------------------

    def size_bytes(self) -> int:
        """Bytes on disk of everything in the index folder."""
        total = 0
        with contextlib.suppress(OSError):
            for p in self.path.iterdir():
                with contextlib.suppress(OSError):
                    if p.is_file():
                        total += p.stat().st_size
        return total

    def clean(self, ix: FileIndex) -> None:
        """Remove what the current generation does not use: segments and TOCs of other
        generations (a killed build, a full disk), Whoosh's temp folder, and manifests
        of other generations. Called under the write lock, so nothing in flight."""
        with contextlib.suppress(Exception):  # best effort: the index itself is fine
            toc = whoosh_index.TOC.read(ix.storage, ix.indexname)
            whoosh_index.clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
            keep = self._manifest_path(toc.generation).name
            beside = keep.removesuffix("json")  # files stored with it (boilerplate.py)
            for p in self.path.iterdir():
                if (p.name.startswith(_MANIFEST_PREFIX) and p.name != keep
                        and not p.name.startswith(beside)):
                    p.unlink()
                elif p.name == f"{ix.indexname}.tmp" and p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                elif _TOC_TEMP.match(p.name):  # a TOC write that never finished
                    p.unlink()


class NewestCommit:
    """A Whoosh searcher that is always on the index's newest commit, exactly what a
    new process would open.

    Each call compares the folder's commit (:meth:`IndexDir.commit_key`, a listing and
    one stat) with the one the searcher was opened on: unchanged, the searcher is kept;
    changed (another process updated, rebuilt, removed or replaced the index), a
    searcher is opened afresh and the old one closed. Whoosh's ``refresh()`` is not
    used: it keeps the old commit's segment readers with their old deletions and adds
    the old segments to the new ones (deleted articles stayed, an updated one showed
    twice, a rebuild doubled every article). A removed index is IndexNotFoundError.
    """

    def __init__(self, idx: IndexDir, weighting: Callable[[], Any]) -> None:
        self._idx = idx
        self._weighting = weighting
        self._searcher: Searcher | None = None
        self.commit: tuple[int, int, int, int] | None = None

    @property
    def generation(self) -> int:
        return self.commit[0] if self.commit else -1

    def searcher(self) -> Searcher:
        commit = self._idx.commit_key()
        if commit is None:
            self.close()
            raise IndexNotFoundError(str(self._idx.path))
        if self._searcher is not None and commit == self.commit:
            return self._searcher
        ix, reader = self._idx.open_reader()
        self.close()
        self._searcher = Searcher(reader, fromindex=ix, weighting=self._weighting())
        self.commit = commit
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self.commit = None


class PinnedCommit(NewestCommit):
    """A searcher on the commit that was newest when it first opened, kept until
    closed: what a long read (an export's batches) needs so that every part of it
    sees one commit. A build committing meanwhile is not seen: the old commit's
    segment files stay readable through the open reader even when the build removes
    them (POSIX keeps an open file's data until it is closed)."""

    def searcher(self) -> Searcher:
        return self._searcher if self._searcher is not None else super().searcher()


def describe(error: BaseException) -> str:
    """A short reason for a damaged file: the OS's words, or the exception's type."""
    if isinstance(error, OSError) and error.strerror:
        name = Path(error.filename).name if error.filename else ""
        return f"{name}: {error.strerror}" if name else error.strerror
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__


def write_atomically(target: Path, text: str) -> None:
    """``text`` into ``target`` as a whole or not at all (see :func:`fill_atomically`)."""
    fill_atomically(target, lambda f: f.write(text.encode("utf-8")))


def fill_atomically(target: Path, fill: Callable[[BinaryIO], object]) -> None:
    """What ``fill`` writes into ``target``, as a whole or not at all (a temporary file,
    synced, then renamed over it): a build killed mid-write leaves the previous file."""
    tmp = target.with_name(target.name + ".tmp")
    try:
        with open(tmp, "wb") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
