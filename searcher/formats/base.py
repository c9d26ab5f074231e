"""What every reader shares: the Source it is given, decoding, and the Reader type.

A reader is a function ``Source -> Iterator[Article | Problem | Decision]``. It yields
a Problem (and goes on) for a bad record, a Decision for each piece of text it drops
or value it rejects (counted by the build, listed by ``searcher inspect``), and raises
``UnreadableFile`` when the whole file cannot be used (binary, undecodable, not the
format at all).
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import Article, Decision, Problem

# Article field -> the record keys (in order of preference) to read it from.
FieldMap = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Source:
    """A file to read. ``name`` is how it is shown and what ids derive from
    (the path relative to the build root it was found under, with "/")."""

    path: Path
    name: str
    field_map: FieldMap = field(default_factory=dict)


Reader = Callable[[Source], Iterator["Article | Problem | Decision"]]


class UnreadableFile(Exception):
    """The whole file is skipped; the message says why in a few words."""


# What reading a file can raise for a file that is damaged or gone: a gzip stream cut
# short is an EOFError, one whose deflate data is garbage a zlib.error (not an OSError).
READ_ERRORS = (OSError, EOFError, zlib.error)

MAX_FILE_BYTES = 256 * 1024 * 1024  # a file read whole (not JSON Lines), gunzipped
MAX_LINE_BYTES = 64 * 1024 * 1024  # one line of a JSON Lines file


# gzip that inflates past this many times its size is not an archive of text but a bomb
# (1 MB of gzipped blank lines is 1 GB): news text compresses 3-8 times (Reuters: 3.3),
# one record repeated with only its number changing 92 times, blank lines 1,000 times.
MAX_GZIP_RATIO = 200
GZIP_RATIO_AFTER = 1 << 20  # inflated bytes before the ratio is judged
_CHUNK = 1 << 20


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped if its name ends in .gz; UnreadableFile past
    MAX_FILE_BYTES (a huge file never fills the memory) or for a gzip bomb."""
    try:
        if path.suffix != ".gz":
            with open(path, "rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)
        else:
            inflated = bytearray()
            with gzip.open(path, "rb") as g:
                while len(inflated) <= MAX_FILE_BYTES and (chunk := g.read(_CHUNK)):
                    inflated += chunk
                    check_gzip_ratio(g)
            data = bytes(inflated)
    except READ_ERRORS as e:
        raise UnreadableFile(f"cannot read: {reason(e)}") from e
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"larger than {MAX_FILE_BYTES >> 20} MB, the limit for a file "
                             "read whole: not read (split it, or use JSON Lines)")
    return data


def read_chunks(path: Path) -> Iterator[bytes]:
    """The file's bytes as read_bytes reads them (gunzipped, the same caps), a megabyte at
    a time: a reader that can judge the file from its bytes (too many JSON values) need
    not hold them all to refuse it."""
    total = 0
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")) as f:
            while chunk := f.read(_CHUNK):
                total += len(chunk)
                if total > MAX_FILE_BYTES:
                    raise UnreadableFile(f"larger than {MAX_FILE_BYTES >> 20} MB, the limit "
                                         "for a file read whole: not read (split it, or use "
                                         "JSON Lines)")
                if isinstance(f, gzip.GzipFile):
                    check_gzip_ratio(f)
                yield chunk
    except READ_ERRORS as e:
        raise UnreadableFile(f"cannot read: {reason(e)}") from e


def reason(error: BaseException) -> str:
    """A read error in a few words: the OS's own (``No such file or directory``), else the
    error's message (a damaged gzip stream's)."""
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def check_gzip_ratio(g: gzip.GzipFile, line: int | None = None) -> None:
    """UnreadableFile when the gzip stream read so far inflates more than MAX_GZIP_RATIO
    times: reading on would cost a minute and a gigabyte for a megabyte of file."""
    inflated = g.tell()
    packed: int = getattr(g.fileobj, "tell", lambda: 0)()
    if inflated > GZIP_RATIO_AFTER and inflated > MAX_GZIP_RATIO * packed:
        where = f" past line {line:,}" if line else ""
        raise UnreadableFile(f"gzip data inflates more than {MAX_GZIP_RATIO} times its size "
                             f"(a gzip bomb, or blank padding): not read{where}")


def _capped_lines(f: Any) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) of the file's lines but empty ones; None for a line longer than
    MAX_LINE_BYTES (skipped unread). Runs of empty lines are skipped a buffer at a time,
    not a line at a time (1 GB of newlines was a billion turns of a Python loop)."""
    number = 0
    gz = f if isinstance(f, gzip.GzipFile) else None
    while True:
        raw = f.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if raw == b"\n" or raw == b"\r\n":
            while (ahead := f.peek(_CHUNK)) and ahead[:1] in (b"\n", b"\r"):
                run = len(ahead) - len(ahead.lstrip(b"\r\n"))
                run = ahead.rfind(b"\n", 0, run) + 1  # whole lines only
                if not run:
                    break
                number += ahead.count(b"\n", 0, run)
                f.read(run)
                if gz is not None:
                    check_gzip_ratio(gz, number)
            continue
        if gz is not None and not number & 4095:
            check_gzip_ratio(gz, number)
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, raw


def decode(data: bytes, source: Source) -> tuple[str, list[Problem]]:
    """Text from bytes: UTF-8 (BOM allowed), else cp1252, else Latin-1, saying so.

    A UTF-32 or UTF-16 byte order mark (what Windows tools write for "Unicode") says how
    the rest is encoded; without one, NUL bytes mean a binary file, which is refused
    rather than indexed as noise.
    """
    if (wide := wide_encoding(data)) is not None:
        try:
            return data.decode(wide), []
        except UnicodeDecodeError as e:
            if data.startswith(codecs.BOM_UTF32_LE):  # also UTF-16-LE's mark, then a NUL
                try:
                    return data.decode("utf-16"), []
                except UnicodeDecodeError:
                    pass
            raise UnreadableFile(f"invalid {wide.upper()} at byte {e.start}") from e
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        bad_at = e.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, [Problem(source.name, f"invalid UTF-8 at byte {bad_at}; "
                              f"decoded as {encoding}", skipped=False)]
    raise UnreadableFile("cannot decode text")  # unreachable: latin-1 decodes anything


# Byte order marks of the encodings whose text is full of NUL bytes, longest first
# (UTF-32-LE's mark begins with UTF-16-LE's); Python's utf-16/utf-32 codecs drop the mark.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def wide_encoding(head: bytes) -> str | None:
    """``utf-16`` or ``utf-32`` when ``head`` starts with that encoding's byte order mark."""
    return next((name for bom, name in _WIDE_BOMS if head.startswith(bom)), None)


MAX_LINE_CHARS = 2_000_000
"""prepare.MAX_ARTICLE_CHARS: a line longer than an article may be is cut to it (the
article it belongs to would be cut there anyway). The line rules of the text readers
cost microseconds per character, so a 200 MB one-line page took a quarter of an hour."""
LINE_CUT = f"line cut at {MAX_LINE_CHARS // 1_000_000} M characters"


def read_text(source: Source) -> tuple[str, list[Problem | Decision]]:
    """Read and decode a whole text file (see ``decode``), each line cut to
    MAX_LINE_CHARS (a Decision for each line cut)."""
    text, problems = decode(read_bytes(source.path), source)
    text, cuts = cut_long_lines(text, source.name)
    return text, [*problems, *cuts]


def cut_long_lines(text: str, name: str) -> tuple[str, list[Decision]]:
    """``text`` with every line longer than MAX_LINE_CHARS cut to that length. Jumps a
    line-free stretch at a time (the last break within MAX_LINE_CHARS of a line's start),
    so a text of short lines costs a few searches per MAX_LINE_CHARS, not a step a line."""
    if len(text) <= MAX_LINE_CHARS:
        return text, []
    kept: list[str] = []
    cuts: list[Decision] = []
    start = pos = 0  # start: what is not yet copied to kept; pos: a line's start
    while len(text) - pos > MAX_LINE_CHARS:
        window = pos + MAX_LINE_CHARS + 1
        last_break = max(text.rfind("\n", pos, window), text.rfind("\r", pos, window))
        if last_break >= 0:
            pos = last_break + 1
            continue
        end = min((e for e in (text.find("\n", window), text.find("\r", window)) if e >= 0),
                  default=len(text))
        kept.append(text[start:pos + MAX_LINE_CHARS])
        cuts.append(Decision(name, LINE_CUT, text[
                                   pos + MAX_LINE_CHARS:min(end, pos + MAX_LINE_CHARS + 60)],
                             line=text.count("\n", 0, pos) + 1,
                             chars=end - pos - MAX_LINE_CHARS))
        start = pos = end
    if not cuts:
        return text, []
    kept.append(text[start:])
    return "".join(kept), cuts


_NONE: list[Problem] = []  # a line's problems when it has none (shared: never changed)


def iter_lines(source: Source) -> Iterator[tuple[int, str, list[Problem]]]:
    """(1-based line number, decoded line, problems) streaming, for line formats.

    Streams so that a multi-GB JSONL file never sits in memory whole.
    """
    opener = gzip.open if source.path.suffix == ".gz" else open
    try:
        with opener(source.path, "rb") as f:
            for number, raw in _capped_lines(f):
                if raw is None:
                    yield number, "", [Problem(source.name, f"line longer than "
                                               f"{MAX_LINE_BYTES >> 20} MB: skipped",
                                               line=number)]
                    continue
                if number == 1 and (wide := wide_encoding(raw)) is not None:
                    raise UnreadableFile(f"{wide.upper()} text: a line format is read as "
                                         f"UTF-8 (iconv -f {wide.upper()} -t UTF-8 converts)")
                if b"\x00" in raw:
                    if number == 1:
                        raise UnreadableFile("binary file (contains NUL bytes)")
                    yield number, "", [Problem(source.name, "binary data in line",
                                               line=number)]
                    continue
                try:
                    yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8"), _NONE
                except UnicodeDecodeError as e:
                    text = raw.decode("cp1252", errors="replace")
                    yield number, text, [Problem(
                        source.name, f"invalid UTF-8 at byte {e.start} of the line; "
                        "decoded as cp1252", line=number, skipped=False)]
    except READ_ERRORS as e:
        raise UnreadableFile(f"cannot read: {reason(e)}") from e
