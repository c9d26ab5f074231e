"""A text file of several articles with no labels, one after another, set apart by runs of
blank lines: what a scraper writes when it appends each article's headline and paragraphs
to one file (``Headline``, blank, paragraphs separated by one blank line, then two or more
blank lines before the next headline).

The evidence is the file's own structure, not any wording: its paragraphs are separated by
one blank line, and the longer runs cut it into blocks that have the shape of an article
(a headline-shaped first line, then prose). A page flattened to text also has headings
and double blank lines, so every condition below must hold:

* at least ``MIN_RECORDS`` blocks; the runs of two blank lines or more are mostly
  (``SHAPED_SHARE``) of one length, the separator: a page dump's irregular runs of 3, 5,
  6 blank lines are not a list of articles;
* at least ``SHAPED_SHARE`` of the blocks (the first one always) open with a headline:
  at most ``tl.TITLE_MAX_CHARS``, not ending like a sentence (a question or exclamation
  mark may end a headline), not a label, date, byline or furniture line; and hold prose
  after it (a line of ``PROSE_MIN_WORDS`` words or more);
* the headlines of different blocks are different (blocks opening with one line are a
  page's repeated furniture; a block saved twice whole is one article's copy).

Each block is then read as a page of its own (text.py), with the id ``name#n`` in file
order and its first line in ``path``, like labelled records (text_labels.py). The first
line of a block of that shape is its headline as written (``WATCH: ...`` too), never
furniture: the file's structure says so.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from . import text_lines as tl
from .text_labels import Record, label
from .text_page import is_meta

MIN_RECORDS = 3
SHAPED_SHARE = 0.8
PROSE_MIN_WORDS = 20
HEADLINE_MAX_WORDS = 40
HEADLINE_MIN_WORDS = 4


def split_blank_separated(lines: list[str]) -> list[Record] | None:
    """The file's articles when it is a list of them set apart by blank runs, else None."""
    runs: Counter[int] = Counter()
    starts: list[int] = []
    blank = 0
    for i, line in enumerate(lines):
        if not line:
            blank += 1
            continue
        if not starts:
            starts.append(i)
        elif blank:
            runs[blank] += 1
            if blank >= 2:
                starts.append(i)
        blank = 0
    separators = [runs[n] for n in runs if n >= 2]
    if len(starts) < MIN_RECORDS or max(separators) < SHAPED_SHARE * sum(separators):
        return None
    bounds = [*starts, len(lines)]
    spans = list(pairwise(bounds))
    blocks = [[x for x in lines[a:b] if x] for a, b in spans]
    if not _article_shaped(blocks[0]):
        return None
    shaped = sum(map(_article_shaped, blocks))
    distinct = {tuple(b) for b in blocks}  # an article saved twice is a copy, not furniture
    heads = {b[0] for b in distinct}
    if shaped < SHAPED_SHARE * len(blocks) or len(heads) < SHAPED_SHARE * len(distinct):
        return None
    return [Record(a, lines[a:b], headline=_article_shaped(block, furniture=False), offset=a)
            for block, (a, b) in zip(blocks, spans, strict=True)]


def _ends_sentence(line: str) -> bool:
    """Ends on a full stop (inside closing quotes too), a colon or a comma: a paragraph
    or a line leading into one, not a headline (``?``, ``!`` and ``...`` may end one)."""
    end = line.rstrip("\"'\u201d\u2019)]")
    return end.endswith((":", ",", ";")) or (end.endswith(".") and not end.endswith("..."))


def _field_label(line: str) -> bool:
    """``Title: ...``, ``By: ...``; a headline with a colon (``Brexit: what next``) is not."""
    lab = label(line)
    return lab is not None and lab[1] != "meta"


def _article_shaped(block: list[str], *, furniture: bool = True) -> bool:
    """A headline then prose. With furniture=False, a first line of four words or more
    that reads like furniture (``WATCH: Genius! Messi scores ...``) is still a headline:
    once the file is known to be a list of articles, its blocks open with headlines."""
    head = block[0]
    words = len(head.split())
    meta = is_meta(head) if furniture or words < HEADLINE_MIN_WORDS else (
        is_meta(head) and not tl.furniture(head))
    if (len(head) > tl.TITLE_MAX_CHARS or words > HEADLINE_MAX_WORDS
            or _ends_sentence(head)
            or _field_label(head) or meta):
        return False
    return any(len(line.split()) >= PROSE_MIN_WORDS for line in block[1:])
