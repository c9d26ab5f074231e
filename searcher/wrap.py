"""Text laid out in terminal cells as rich lays it out: widths, cropping, word wrap.

render_plain.py prints results to pipes without rich's console, and must break lines
exactly where rich would on a terminal of the same width (tests/test_render_plain.py
compares them): a word (with the spaces after it) goes to the next line when it does
not fit, a word longer than a whole line is cut, tabs go to the next multiple of 8
cells, each line ends without trailing spaces.

Widths are rich's own: ``rich.cells`` measures each character with the Unicode tables
rich carries (Python's ``unicodedata`` is older: Unicode 14 on 3.11, where the trigram
signs ``☰`` are one cell, and rich 15 says two), and where rich splits text into
grapheme clusters (rich 15: an emoji with U+FE0F, a sequence joined by U+200D) the
cuts follow them. ``rich.cells`` is a small module (about 2-3 ms of CPU to import and
load its table), not the console: a piped one-shot command still loads no renderer.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

from rich import cells

DEFAULT_WIDTH = 80  # when neither COLUMNS nor a terminal says

_WORD = re.compile(r"\s*\S+\s*")  # a word with the spaces around it (rich's rule)
# Text made only of characters one cell wide and never zero (Latin, Greek, Cyrillic,
# punctuation such as "…" and "·", box drawing): measured and cut by its length.
_NARROW = re.compile("[ -~\xa0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2500-\u25fc]*")
# rich 15 splits text into grapheme clusters (start, end, cells); earlier versions
# measure character by character.
_GRAPHEMES: Callable[[str], tuple[list[tuple[int, int, int]], int]] | None = getattr(
    cells, "split_graphemes", None)


def output_width() -> int:
    """The width rich would use for stdout: ``COLUMNS``, else the size of whichever of
    stdin, stdout, stderr is a terminal (so ``searcher search x | less`` wraps at the
    terminal's width), else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns):
        return int(columns)
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            continue
        return width or DEFAULT_WIDTH
    return DEFAULT_WIDTH


def char_width(char: str) -> int:
    """Terminal cells of one character, as rich measures it."""
    return cells.get_character_cell_size(char)


def cell_width(text: str) -> int:
    if _NARROW.fullmatch(text):
        return len(text)
    return cells.cell_len(text)


def _cells(text: str) -> list[tuple[int, int]]:
    """(start, width) of each group of characters that rich keeps together: a grapheme
    cluster (rich 15), else a character with the zero-width ones after it, so nothing
    cuts a letter from its accent."""
    if _GRAPHEMES is not None:
        spans: Any = _GRAPHEMES(text)[0]
        return [(start, width) for start, _end, width in spans]
    groups: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        width = char_width(char)
        if width == 0 and groups:
            continue
        groups.append((i, width))
    return groups


def whole_clusters(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` widened to whole grapheme clusters as rich groups them. rich measures
    each styled piece apart: a highlight ending inside an emoji sequence joined by
    U+200D counts the sequence's pieces (6 cells for a family, not 2) and the line
    wraps early; one ending before an accent leaves the accent unhighlighted."""
    if _NARROW.fullmatch(text):
        return list(spans)
    starts = [start for start, _w in _cells(text)] + [len(text)]
    out = []
    for start, end in spans:
        first = starts[bisect_right(starts, start) - 1]
        out.append((first, starts[bisect_left(starts, end)]))
    return out


def crop(text: str, width: int) -> str:
    """The first ``width`` cells of ``text``; a wide character cut in two becomes a space."""
    if _NARROW.fullmatch(text):
        return text[:width]
    used = 0
    for start, w in _cells(text):
        if used + w > width:
            return text[:start] + (" " if used < width else "")
        used += w
    return text


def _fold(word: str, width: int) -> list[str]:
    """A word longer than a line, cut into pieces of at most ``width`` cells."""
    if _NARROW.fullmatch(word):
        return [word[i:i + width] for i in range(0, len(word), width)]
    pieces: list[str] = []
    line_start = used = 0
    for start, w in _cells(word):
        if used + w > width:
            pieces.append(word[line_start:start])
            line_start, used = start, 0
        used += w
    if used:
        pieces.append(word[line_start:])
    return pieces


def _expand_tabs(line: str, size: int = 8) -> str:
    """Each tab as a space, then spaces to the next multiple of ``size`` cells (rich)."""
    parts = line.split("\t")
    out: list[str] = []
    position = 0
    for part in parts[:-1]:
        position += cell_width(part) + 1
        pad = -position % size
        out.append(part + " " * (1 + pad))
        position += pad
    out.append(parts[-1])
    return "".join(out)


def wrap(text: str, width: int) -> list[str]:
    """``text`` as the lines rich wraps it into at ``width`` cells (overflow "fold"),
    each without trailing spaces."""
    lines: list[str] = []
    for line in text.split("\n"):
        if "\t" in line:
            line = _expand_tabs(line)
        breaks: list[int] = []
        used = 0
        for match in _WORD.finditer(line):
            start, word = match.start(), match.group()
            length = cell_width(word.rstrip())
            if width - used >= length:
                used += cell_width(word)
            elif length > width:
                pieces = _fold(word, width)
                for k, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if k == len(pieces) - 1:
                        used = cell_width(piece)
                    else:
                        start += len(piece)
            elif used and start:
                breaks.append(start)
                used = cell_width(word)
        edges = [0, *breaks, len(line)]
        lines.extend(crop(line[a:b], width).rstrip() for a, b in pairwise(edges))
    return lines
