"""The page header a text extractor leaves above a saved page's first paragraph.

trafilatura keeps what sits between the ``<h1>`` and the text when it is plain text in
the article's container: the headline again under a section kicker (``America`` /
``Steve Forbes: Trump is indeed a billionaire.``), the byline (``von Klaus-Peter
Schöppner, 8.5.12``), the date line (``Datum: 22.12.2012, Rubrik: USA``), also as list
items (``- 27 juin 2019``). They are the article's fields, not its text: the reader
takes the byline and date from them and drops them from the body, counted as the text
reader counts its header lines (``header lines dropped``).

Only a leading run of such lines is dropped, at most ``HEADER_LINES_MAX`` of them, and
never the body's last line: the first line that is none of these ends the header.
The same line rules as the text reader's (``bylines.byline``, ``text_lines.date_line``).
"""

from __future__ import annotations

import unicodedata

from . import bylines as bl
from . import text_lines as tl
from .titles import normalized

HEADER_LINES_MAX = 6
KICKER_MAX_WORDS = 3
HEADER_DROPPED = tl.HEADER
_BULLETS = ("- ", "• ", "* ", "· ")


def drop_header_lines(body: str, title: str) -> tuple[str, list[str]]:
    """``body`` without the header lines above its first paragraph (module docstring),
    and the lines dropped (none: ``body`` unchanged)."""
    lines = body.split("\n")
    key = _key(title)
    i = 0
    while i < min(len(lines) - 1, HEADER_LINES_MAX):
        line = _bare(lines[i])
        if not line or _is_title(line, key) or bl.byline(line) or tl.date_line(line)[0]:
            i += 1
        elif (i + 2 < len(lines) and _is_title(_bare(lines[i + 1]), key)
              and len(line.split()) <= KICKER_MAX_WORDS and line[-1:] not in ".!?:;,"):
            i += 2  # a section kicker right above the headline
        else:
            break
    if not any(lines[n].strip() for n in range(i)):
        return body, []
    return "\n".join(lines[i:]).strip(), [line for line in lines[:i] if line.strip()]


def _bare(line: str) -> str:
    line = line.strip()
    return line[2:].strip() if line[:2] in _BULLETS else line


def _key(text: str) -> str:
    """A title compared without case, punctuation or accents (``adé?!`` = ``ade``)."""
    folded = unicodedata.normalize("NFKD", normalized(text))
    return "".join(c for c in folded if not unicodedata.combining(c))


def _is_title(line: str, key: str) -> bool:
    """The headline again: the same words, or the title's first three words or more when
    the page title adds a suffix (``DOW Jones – Jahresendrally adé?!`` for ``DOW Jones -
    Jahresendrally ade?! - Tagesanalyse``)."""
    if not key or not line or len(line) > 2 * len(key) + 20:
        return False
    mine = _key(line)
    return bool(mine) and (mine == key or (
        len(mine.split()) >= 3 and key.startswith(mine + " ")))
