"""One Unicode normalisation for every word the index, a query or a highlight sees.

A word typed one way must find the same word written another way: decomposed
accents (NFD ``e`` + U+0301) and precomposed ones, ``İstanbul`` and ``istanbul``,
``Straße`` and ``strasse``, the ligature ``ﬁ`` and ``fi``, ``CO₂`` and ``co2``, a
soft hyphen or a zero-width space inside a word and none. Each character is folded
on its own: compatibility decomposition (NFKD), full case folding
(``str.casefold``), nonspacing and enclosing combining marks (Mn, Me) and
Default_Ignorable_Code_Point characters removed, then recomposed (NFKC). With the
marks gone this is NFKC_Casefold plus accent removal, and because it works
character by character, a text's offsets can be mapped back exactly
(:func:`fold_with_offsets`): highlights index the original text.

The analyzer (schema.py), the query binder and highlighting all fold through this
module, so the three can never disagree. ASCII text is only lowercased, in C.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

__all__ = ["OffsetMap", "fold", "fold_char", "fold_with_offsets", "spots_like_ascii"]

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): Python's
# unicodedata does not expose the property. Soft hyphen, combining grapheme joiner,
# Arabic letter mark, Hangul fillers, Khmer inherent vowels, Mongolian selectors,
# zero-width space/joiners and direction marks, bidi controls, word joiner and
# invisible operators, variation selectors, BOM, tags.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_REMOVED_MARKS = frozenset({"Mn", "Me"})


def is_ignorable(c: str) -> bool:
    o = ord(c)
    return any(lo <= o <= hi for lo, hi in _IGNORABLE_RANGES)


def _kept(c: str) -> bool:
    return unicodedata.category(c) not in _REMOVED_MARKS and not is_ignorable(c)


def fold_char(c: str) -> str:
    """The folded form of one character ("" when it is removed)."""
    if c.isascii():
        return c.lower()
    if not _kept(c):
        return ""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", c).casefold())
    kept = "".join(filter(_kept, decomposed))
    return unicodedata.normalize("NFKC", kept).lower()


class _FoldTable(dict[int, str]):
    """Code point -> folded string, for ``str.translate``; filled as characters are met."""

    def __missing__(self, key: int) -> str:
        folded = self[key] = fold_char(chr(key))
        if len(folded) != 1:
            _CHANGES_LENGTH.add(chr(key))
        return folded


_CHANGES_LENGTH: set[str] = set()
_TABLE = _FoldTable({c: chr(c).lower() for c in range(128)})


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_TABLE)


def fold(text: str) -> str:
    """``text`` with every character folded (see the module docstring). Only the runs
    of non-ASCII characters go through the table (news text in Latin scripts has a
    few per line), the rest is lowercased in C; folded characters are lowercase
    already (no capital sigma is left for ``lower`` to treat by context)."""
    if text.isascii():
        return text.lower()
    return _NON_ASCII_RUN.sub(_fold_run, text).lower()


class OffsetMap:
    """Maps offsets into a folded text back to the text it was folded from.

    Only characters whose folded form is not one character long move offsets; each
    is a record (start in the folded text, end there, offset in the original)."""

    __slots__ = ("_ends", "_sources", "_starts")

    def __init__(self, starts: list[int], ends: list[int], sources: list[int]) -> None:
        self._starts, self._ends, self._sources = starts, ends, sources

    def start(self, j: int) -> int:
        """Where the character at folded offset ``j`` comes from (removed characters
        just before it are left out)."""
        r = bisect_right(self._starts, j) - 1
        if r < 0:
            return j
        if j < self._ends[r]:
            return self._sources[r]
        return self._sources[r] + 1 + j - self._ends[r]

    def end(self, e: int) -> int:
        """The original end of a stretch ending at folded offset ``e`` (exclusive):
        a character cut in the middle (``½`` -> ``1⁄2``) is taken whole, and removed
        characters right after it (a trailing combining accent) are included."""
        r = bisect_right(self._starts, e) - 1
        if r >= 0 and self._starts[r] < e < self._ends[r]:
            return self._sources[r] + 1
        return self.start(e)

    def bounds(self, offsets: list[int]) -> list[int]:
        """``[start, end, start, end, ...]`` in the folded text -> the same in the original."""
        start, end = self.start, self.end
        return [end(o) if i & 1 else start(o) for i, o in enumerate(offsets)]


def fold_with_offsets(text: str) -> tuple[str, OffsetMap | None]:
    """``fold(text)`` and the map of its offsets back to ``text`` (None when they are
    the same offsets: ASCII text, or text whose characters all fold one to one).
    ASCII text is returned as it is (not lowercased): callers fold its words."""
    if text.isascii():
        return text, None
    folded = text.translate(_TABLE)
    if len(folded) == len(text) and _CHANGES_LENGTH.isdisjoint(text):
        return folded, None
    starts: list[int] = []
    ends: list[int] = []
    sources: list[int] = []
    shift = 0
    for m in _length_changers(frozenset(_CHANGES_LENGTH.intersection(text))).finditer(text):
        src = m.start()
        n = len(_TABLE[ord(m.group())])
        starts.append(src + shift)
        ends.append(src + shift + n)
        sources.append(src)
        shift += n - 1
    return folded, OffsetMap(starts, ends, sources)


@lru_cache(maxsize=64)
def _length_changers(chars: frozenset[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]")


_HARMLESS: dict[str, bool] = {}
_WORDISH = re.compile(r"[\w.'’]")


def spots_like_ascii(text: str) -> bool:
    """Do the ASCII words of ``text`` alone make its words? True when every non-ASCII
    character folds to one character that cannot be part of a word (a curly quote, a
    dash, a no-break space): then a byte-level scan for ASCII words finds exactly
    the words the analyzer would."""
    if text.isascii():
        return True
    harmless = _HARMLESS
    for c in set(text):
        ok = harmless.get(c)
        if ok is None:
            if len(harmless) > 100_000:
                harmless.clear()
            f = fold_char(c)
            ok = harmless[c] = c.isascii() or (len(f) == 1 and not _WORDISH.match(f))
        if not ok:
            return False
    return True
