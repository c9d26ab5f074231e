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
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where arrays are made: `import searcher.cli` loads none
    import numpy as np

__all__ = ["OffsetMap", "fold", "fold_char", "fold_with_offsets", "folded_prefix",
           "spots_like_ascii"]

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
    is a record (start in the folded text, end there, offset in the original), kept
    as numpy arrays: ``bounds`` maps a whole text's word offsets at once (a 1 MB text
    of ``ß`` and ligatures has a million records and a million offsets: 10 s one by
    one), ``start`` and ``end`` one offset each."""

    __slots__ = ("_ends", "_ends_a", "_sources", "_sources_a", "_starts", "_starts_a")

    def __init__(self, starts: np.ndarray, ends: np.ndarray, sources: np.ndarray) -> None:
        self._starts_a, self._ends_a, self._sources_a = starts, ends, sources
        self._starts: list[int] = starts.tolist()
        self._ends: list[int] = ends.tolist()
        self._sources: list[int] = sources.tolist()

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
        """``[start, end, start, end, ...]`` in the folded text -> the same in the
        original: ``start`` and ``end`` over every offset at once."""
        import numpy as np

        at = np.asarray(offsets, np.int64)
        if not len(self._starts) or not len(at):
            return list(offsets)
        r = np.searchsorted(self._starts_a, at, side="right") - 1
        rc = np.maximum(r, 0)
        starts, ends, sources = self._starts_a[rc], self._ends_a[rc], self._sources_a[rc]
        after = sources + 1 + at - ends  # past record r: shifted as it shifts
        mapped = np.where(r < 0, at, np.where(at < ends, sources, after))
        # an end inside a record (a character folded to several) takes it whole
        cut = (r >= 0) & (starts < at) & (at < ends)
        is_end = (np.arange(len(at)) & 1).astype(bool)
        mapped = np.where(is_end & cut, sources + 1, mapped)
        found: list[int] = mapped.tolist()
        return found


def fold_with_offsets(text: str) -> tuple[str, OffsetMap | None]:
    """``fold(text)`` and the map of its offsets back to ``text`` (None when they are
    the same offsets: ASCII text, or text whose characters all fold one to one).
    ASCII text is returned as it is (not lowercased): callers fold its words."""
    if text.isascii():
        return text, None
    folded = text.translate(_TABLE)
    if len(folded) == len(text) and _CHANGES_LENGTH.isdisjoint(text):
        return folded, None
    # Where each character folding to other than one character is, on the text's code
    # points at once (a million of them in a long non-Latin text: no loop per one).
    import numpy as np

    codes = np.array(sorted(map(ord, _CHANGES_LENGTH.intersection(text))), np.uint32)
    lengths = np.array([len(_TABLE[c]) for c in codes.tolist()], np.int64)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    which = np.minimum(np.searchsorted(codes, points), len(codes) - 1)
    sources = np.flatnonzero(codes[which] == points)
    n = lengths[which[sources]]
    starts = sources + np.cumsum(n - 1) - (n - 1)  # each moved by those before it
    return folded, OffsetMap(starts, starts + n, sources)


_MAX_GROWTH = 18  # the most characters one character folds to (U+FDFA; tests check)


def folded_prefix(text: str, limit: int) -> int:
    """How many leading characters of ``text`` fold to at most ``limit`` characters.
    One character can fold to 18 (U+FDFA, a ligature of a phrase): a megabyte of them
    folded to 18 MB and a search highlighting them peaked at 940 MB. Counted on the
    code points, without folding the text."""
    if text.isascii():
        return min(len(text), limit)
    if len(text) * _MAX_GROWTH <= limit:
        return len(text)
    import numpy as np

    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    counts = np.bincount(points)
    distinct = np.flatnonzero(counts)
    sizes = np.array([len(_TABLE[c]) for c in distinct.tolist()], np.int64)
    if int(counts[distinct] @ sizes) <= limit:
        return len(text)
    size_of = np.ones(len(counts), np.int64)
    size_of[distinct] = sizes
    return int(np.searchsorted(np.cumsum(size_of[points]), limit, side="right"))


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
