"""Text laid out in terminal cells as rich lays it out: widths, cropping, word wrap.

render_plain.py prints results to pipes without rich, and must break lines exactly
where rich would on a terminal of the same width (tests/test_render_plain.py compares
them): a word (with the spaces after it) goes to the next line when it does not fit,
a word longer than a whole line is cut, tabs go to the next multiple of 8 cells, each
line ends without trailing spaces.

Widths are terminal cells: East Asian wide and fullwidth characters take two,
combining marks and other zero-width characters none (rich's tables agree on these,
for the characters this Python's Unicode tables know; on emoji sequences joined by
U+200D or U+FE0F the two may differ by a cell).
"""

from __future__ import annotations

import os
import re
import unicodedata
from itertools import pairwise

DEFAULT_WIDTH = 80  # when neither COLUMNS nor a terminal says

_WORD = re.compile(r"\s*\S+\s*")  # a word with the spaces around it (rich's rule)
# Text made only of characters one cell wide and never zero (Latin, Greek, Cyrillic,
# punctuation such as "…" and "·", box drawing): measured and cut by its length.
_NARROW = re.compile("[ -~\xa0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2500-\u25fc]*")
_ZERO_WIDTH = frozenset(("Mn", "Me", "Mc", "Cf", "Zl", "Zp"))
# Format characters that show as a sign before a number: one cell.
_PREFIX_MARKS = frozenset("\xad\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
                          "\U000110bd\U000110cd")



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
    """Terminal cells of one character, by the rules rich's tables follow: 0 for
    controls, combining marks, format characters (but the soft hyphen and the marks
    that prefix a number), line/paragraph separators, Hangul medial and final jamo and
    emoji skin-tone modifiers; 2 for East Asian wide and fullwidth; else 1."""
    if char < "\u0300":
        return 0 if char < " " or "\x7f" <= char < "\xa0" else 1
    category = unicodedata.category(char)
    if category == "Cn":  # unassigned in this Python's Unicode tables
        return 1
    if ((category in _ZERO_WIDTH and char not in _PREFIX_MARKS)
            or "\u1160" <= char <= "\u11ff" or "\ud7b0" <= char <= "\ud7ff"
            or char in "\u3164\uffa0" or "\U0001f3fb" <= char <= "\U0001f3ff"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    if _NARROW.fullmatch(text):
        return len(text)
    return sum(map(char_width, text))


def _cells(text: str) -> list[tuple[int, int]]:
    """(start, width) of each character group: a zero-width character joins the one
    before it, so nothing cuts a letter from its accent."""
    groups: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        width = char_width(char)
        if width == 0 and groups:
            continue
        groups.append((i, width))
    return groups


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
