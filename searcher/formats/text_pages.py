"""A text file of several page dumps one after another, with no separator: what a
scraper writes when it appends each page's visible text to one file.

Nothing marks where a page ends (the last page's related-story lists run straight into
the next page's menu), but every page opens the same way, and that is the evidence:

* the file's first line is the first page's opening line. Its *frame* is what would be
  the same on every page of the site: a breadcrumb trail's root (``Home`` in ``Home  Our
  Success Stories  <this page's title>``: cells set apart by two spaces or more, the
  root first, the page's own title last; other sections' pages share only the root) or,
  for a line of one cell, the whole line (``Skip to content``);
* that frame opens at least ``MIN_PAGES`` lines of the file;
* the same header shape follows it on the pages: a byline or a date line among the
  first ``HEADER_LINES`` lines (on at least ``SHAPED_SHARE`` of them, the first page
  always), then prose (a line of ``PROSE_MIN_WORDS`` words or more);
* the pages differ (a page saved twice whole is one page's copy, not a template).

A file where any of that fails stays one article: a single page's menu that repeats in
its footer has no byline after it, and a list of teasers has no prose under each. Each
page is then read as a page of its own (text.py), ids ``name#n`` in file order, like
labelled records (text_labels.py) and blank-separated articles (text_blocks.py).
"""

from __future__ import annotations

import re
from itertools import pairwise

from . import bylines as bl
from . import text_lines as tl
from .text_labels import Record

MIN_PAGES = 3
SHAPED_SHARE = 0.8
HEADER_LINES = 8
PROSE_MIN_WORDS = 20
FRAME_MAX_CHARS = 120

_CELLS = re.compile(r"\s{2,}")


def frame(line: str) -> str:
    """What a page's opening line shares with the other pages' (its first cell: see the
    module docstring), normalised; "" for a line too long to be a menu or breadcrumb."""
    text = " ".join(_CELLS.split(line.strip())[0].casefold().split())
    return text if 0 < len(text) <= FRAME_MAX_CHARS else ""


def _opens(line: str, key: str, cells: int) -> bool:
    """Whether ``line`` opens a page the way the first page opens (same frame, and for a
    breadcrumb the same number of leading cells or more)."""
    if not line or frame(line) != key:
        return False
    return len(_CELLS.split(line.strip())) >= cells


def _header_shaped(page: list[str]) -> bool:
    """A byline or date line near the top, then prose below it."""
    head = page[:HEADER_LINES]
    at = next((n for n, line in enumerate(head) if bl.byline(line) or tl.date_line(line)[0]),
              None)
    return at is not None and any(len(line.split()) >= PROSE_MIN_WORDS
                                  for line in page[at + 1:])


def split_repeated_pages(lines: list[str]) -> list[Record] | None:
    """The file's pages when it is page dumps opening the same way, else None."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        return None
    key = frame(lines[first])
    if not key:
        return None
    cells = min(2, len(_CELLS.split(lines[first].strip())))
    starts = [i for i in range(first, len(lines)) if _opens(lines[i], key, cells)]
    if len(starts) < MIN_PAGES:
        return None
    spans = list(pairwise([*starts, len(lines)]))
    pages = [[x for x in lines[a:b] if x] for a, b in spans]
    if not _header_shaped(pages[0]):
        return None
    shaped = sum(map(_header_shaped, pages))
    if shaped < SHAPED_SHARE * len(pages) or len({tuple(p) for p in pages}) < SHAPED_SHARE * len(
            pages):
        return None
    return [Record(a, lines[a:b], offset=a) for a, b in spans]
