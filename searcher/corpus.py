"""Which files a build reads: discovery under the given roots, reader choice, fingerprints.

Hidden files and folders (``.git``, ``.DS_Store``) are skipped, as are files no
reader handles (counted, so the summary can say so) and index folders (the one being
built, or any folder holding a searcher/Whoosh index). Symlinked folders are followed,
each real folder once (a symlink loop is reported, not walked forever), and so are
symlinked files, each real file once. Only regular files are read: a FIFO, a device
(``/dev/zero``) or a socket is reported and never opened, so nothing can hang the build.
A file name that is not valid UTF-8 is read under a name with the bad bytes replaced
(reported). A file's ``key`` is its absolute path: the same file built from another
working directory is the same file.

A file's ``name`` (what ids and displayed paths derive from) is its path relative to
the index's *corpus base* (``name_from``), not to the folder a build was given, so
an article keeps its id whichever folder, subfolder or file is built: the base is
fixed when the index is created (``corpus_base``: the folder the first build, or a
``--rebuild``, is given; the first of several) and kept in the index's manifest. A
file outside the base (a sibling folder built later) is named from the folder it and
the base share: ``2025/a.txt`` beside the base ``archive/2024``.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import CorpusError
from .formats import Reader, reader_for
from .formats.base import READ_ERRORS
from .models import Problem

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
    problems: tuple[Problem, ...] = ()  # files and folders left out, names repaired
    # files and folders that exist but cannot be read now (a symlink to an unmounted
    # disk): what was indexed from them is kept, not deleted
    unavailable: tuple[str, ...] = ()
    ignored_kinds: tuple[tuple[str, int], ...] = ()  # (extension, files) no reader takes

    def named_from(self, base: str) -> Discovery:
        """The same files named from the index's corpus base (``name_from``)."""
        return replace(self, files=tuple(replace(f, name=name_from(base, f.key))
                                         for f in self.files))


def is_within(key: str, root: str) -> bool:
    """Is the file ``key`` the root itself or somewhere under it?"""
    return key == root or key.startswith(root.rstrip("/") + "/")


def corpus_base(roots: Sequence[str]) -> str:
    """The corpus base of a new index built from ``roots`` (absolute keys): the first
    folder given (a file's own folder: its name is then its file name). The other paths
    are named as if built after it, so ``build a b`` names what ``build a; build b`` do."""
    if not roots:
        return ""
    return roots[0] if os.path.isdir(roots[0]) else posixpath.dirname(roots[0])


def name_from(base: str, key: str) -> str:
    """The name of the file ``key`` in an index whose corpus base is ``base``: its path
    under the base; for a file outside it, its path under the folder both share."""
    if not base:
        base = posixpath.dirname(key)
    elif not is_within(key, base):
        base = posixpath.commonpath([base, key])
    return safe_name(key[len(base.rstrip("/")) + 1:])


def inferred_base(named: dict[str, str]) -> str:
    """The corpus base of an index recorded before bases were (file key -> name): the
    folder most of its files were named from; "" when none tells."""
    counts: dict[str, int] = {}
    for key, name in named.items():
        if name and key.endswith("/" + name):
            folder = key[:-len(name) - 1] or "/"
            counts[folder] = counts.get(folder, 0) + 1
    return max(counts, key=lambda f: (counts[f], f)) if counts else ""


def discover(paths: Sequence[Path], exclude: Path | None = None) -> Discovery:
    """All readable files under ``paths`` (files or folders), sorted for determinism;
    ``exclude`` (the index being built) is never read, even inside a corpus folder."""
    found: dict[str, CorpusFile] = {}
    roots: list[str] = []
    problems: list[Problem] = []
    unavailable: list[str] = []
    seen: dict[tuple[int, int], str] = {}  # real file -> the name it was found under
    ignored: dict[str, int] = {}  # extension -> files no reader takes
    skip = _identity(exclude) if exclude is not None else None
    for given in paths:
        try:
            present = given.exists()
        except OSError as e:  # a name too long, a loop of symlinks...
            raise CorpusError(f"{given}: {e.strerror or e}") from None
        if not present:
            raise CorpusError(f"{given}: no such file or folder")
        root = given.resolve()
        roots.append(root.as_posix())
        if root.is_dir() and skip is not None and _identity(root) == skip:
            raise CorpusError(f"{given} is the index folder itself: build the articles in "
                              "it into another folder (--index DIR)")
        if root.is_dir() and _is_index(root, _names(root)):
            # A folder given by name that holds an index (a mistyped path, or a corpus
            # folder an earlier build wrote an index into): its articles are not read,
            # and those already indexed from it are kept, not deleted.
            unavailable.append(root.as_posix())
            problems.append(Problem(safe_name(given.as_posix()), "a searcher index, not a "
                                    "folder of articles: not read (its articles already "
                                    "indexed are kept)"))
            continue
        if root.is_dir():
            candidates: Iterator[tuple[Path, str]] = _walk(root, skip, problems)
        else:
            candidates = iter([(root, root.name)])
        for path, raw_name in candidates:
            name = safe_name(raw_name)
            if path.is_symlink() and not path.exists():
                # A symlinked file or folder whose target is gone (an unmounted disk, a
                # moved share): unavailable, not deleted; its articles stay.
                unavailable.append(path.as_posix())
                why = ("the symlinks loop back to themselves" if _loops(path) else
                       "the symlink's target is gone (not mounted?)")
                problems.append(Problem(name, f"cannot read: unavailable, {why}: its articles "
                                        "are kept until it is back or the link is removed"))
                continue
            reader = reader_for(path)
            if reader is None:
                kind = extension(path)
                ignored[kind] = ignored.get(kind, 0) + 1
                continue
            try:
                st = path.stat()
            except OSError as e:  # a file gone meanwhile (deleted), or one we may not see
                if os.path.lexists(path):  # still there: unavailable, its articles stay
                    unavailable.append(path.as_posix())
                problems.append(Problem(name, f"cannot read: {e.strerror or e}"))
                continue
            if not stat.S_ISREG(st.st_mode):
                problems.append(Problem(name, f"not a regular file ({file_kind(st.st_mode)}): "
                                        "not read"))
                continue
            identity = (st.st_dev, st.st_ino)
            if identity in seen and seen[identity] != name:
                problems.append(Problem(name, f"the same file as {seen[identity]} (a link): "
                                        "read once"))
                continue
            seen[identity] = name
            if name != raw_name:
                problems.append(Problem(name, "file name is not valid UTF-8: read under this "
                                        "name (bad bytes replaced by \ufffd)", skipped=False))
            key = path.as_posix()
            found.setdefault(key, CorpusFile(path, name, key, st.st_size, st.st_mtime_ns, reader))
    kinds = tuple(sorted(ignored.items(), key=lambda kv: (-kv[1], kv[0])))
    return Discovery(tuple(found[k] for k in sorted(found)), tuple(roots),
                     sum(ignored.values()), tuple(problems), tuple(unavailable), kinds)


def _loops(path: Path) -> bool:
    """Is ``path`` a loop of symlinks (a -> b -> a), not a link to something gone?"""
    try:
        os.stat(path)
    except OSError as e:
        return e.errno == errno.ELOOP
    return False


def extension(path: Path) -> str:
    """How a file no reader takes is counted: ``.pdf``, ``.pdf.gz``, ``no extension``."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if not suffixes:
        return "no extension"
    return "".join(suffixes) if suffixes[-1] == ".gz" and len(suffixes) == 2 else suffixes[-1]


_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_name(name: str) -> str:
    """``name`` with lone surrogates (undecodable bytes of a file name, as Python
    represents them) replaced by U+FFFD, so it can be shown, stored and hashed."""
    return _SURROGATE.sub("\ufffd", name)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


# A Whoosh TOC file starts with the sizes of int, long and float as varints (Whoosh
# writes the "!"-standard sizes: 4, 8, 4) and the int -12345 (a byte-order check).
_TOC_NAME = re.compile(r"_\w+_[0-9]+\.toc")
_TOC_MAGIC = bytes([4, 8, 4]) + (-12345).to_bytes(4, "big", signed=True)


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []  # the walk reports a folder it cannot read


def _is_index(folder: Path, names: list[str]) -> bool:
    """A searcher/Whoosh index folder: a file named like a TOC that starts like one.
    A name alone is not enough (``_notes.toc``, a stray ``searcher-files-1.json``):
    such a folder's articles would be skipped, and deleted from the index."""
    for name in names:
        if _TOC_NAME.fullmatch(name):
            try:
                with open(folder / name, "rb") as f:
                    if f.read(len(_TOC_MAGIC)) == _TOC_MAGIC:
                        return True
            except OSError:
                continue
    return False


def _walk(root: Path, skip: tuple[int, int] | None,
          problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    """(path, name relative to root) of every non-hidden file, following symlinked
    folders, each real folder once."""
    visited: set[tuple[int, int]] = set()

    def unreadable(error: OSError) -> None:
        where = Path(error.filename or root)
        rel = where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)
        problems.append(Problem(safe_name(rel), f"cannot read folder: {error.strerror or error}"))

    for dirpath, dirnames, filenames in _folders(root, unreadable):
        folder = Path(dirpath)
        identity = _identity(folder)
        if identity is None or identity == skip or _is_index(folder, filenames):
            dirnames[:] = []
            continue
        if identity in visited:
            rel = folder.relative_to(root).as_posix()
            problems.append(Problem(safe_name(rel), "a symlink to a folder already read "
                                    "(a loop or a second path): not read again"))
            dirnames[:] = []
            continue
        visited.add(identity)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith("."):
                path = folder / f
                yield path, path.relative_to(root).as_posix()


def _folders(root: Path, onerror: Callable[[OSError], None]
             ) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(root, followlinks=True)``, top down, without recursion: Python's own walk
    recurses once per level (before 3.12), so a tree 1,000 folders deep raised
    RecursionError and failed the build. The caller prunes ``dirnames`` in place."""
    stack = [os.fspath(root)]
    while stack:
        top = stack.pop()
        dirnames: list[str] = []
        filenames: list[str] = []
        try:
            with os.scandir(top) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirnames if is_dir else filenames).append(entry.name)
        except OSError as error:
            onerror(error)
            continue
        yield top, dirnames, filenames
        stack.extend(os.path.join(top, d) for d in reversed(dirnames))


def file_kind(mode: int) -> str:
    """What a path that is not a regular file is, in two words (``a FIFO``)."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a folder" if stat.S_ISDIR(mode) else "not a file"


def fingerprint(path: Path) -> str:
    """SHA-1 of the file's bytes (content, not mtime, decides "changed")."""
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


ESTIMATE_SAMPLE = 8 * 1024 * 1024  # bytes read to estimate a file's records


def estimate_records(file: CorpusFile) -> int:
    """About how many articles a file holds, for the progress bar's total and ETA.

    The newlines of a JSON Lines file's first ESTIMATE_SAMPLE bytes (gunzipped), scaled
    to the whole file by the share of its bytes read: reading a whole stream before
    indexing started cost a minute for a megabyte of gzipped blank lines.
    """
    suffixes = [s.lower() for s in file.path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes or suffixes[-1] not in LINE_FORMATS:
        return 1
    try:
        with open(file.path, "rb") as raw:
            stream = gzip.GzipFile(fileobj=raw) if file.path.suffix == ".gz" else raw
            sample = stream.read(ESTIMATE_SAMPLE)
            count = sample.count(b"\n")
            if len(sample) == ESTIMATE_SAMPLE:  # more to come: scale by the bytes read
                count = count * file.size // max(raw.tell(), 1)
    except READ_ERRORS:  # the reader reports the file
        return 1
    return max(count, 1)
