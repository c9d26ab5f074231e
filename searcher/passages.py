"""Snippets: the best passages of an article for a query, and their plain/HTML renderers.

Matches come from ``textmatch.py`` (the same words and phrases the title and full
article highlight). Conventions renderers and tests rely on:

- ``make_snippets`` cleans first (``sanitize.clean_text``): ``Snippet.text`` is a slice
  of the cleaned text that starts and ends at whitespace (never mid-word; a single
  "word" longer than ``size`` is cut at a letter/non-letter edge, or hard as a last
  resort), with every whitespace run collapsed to one space. No ellipsis is added:
  renderers put "…" between passages if they want.
- Spans are sorted and never overlap (``textmatch.merge_spans``).
- Only the first ``textmatch.MAX_ANALYZED_CHARS`` characters of an article are
  looked at, so a huge article costs what its first part costs.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from .models import QueryTerm, Snippet, Span
from .sanitize import clean_text
from .textmatch import Match, head_of, leaves_of, locate, merge_spans

__all__ = ["make_snippets", "to_html", "to_plain"]

# --- passages -------------------------------------------------------------

_SPACE = re.compile(r"\s")
_NON_SPACE = re.compile(r"\S")
_WORD_EDGE = re.compile(r"(?<=\w)(?=\W)|(?<=\W)(?=\w)")
# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace and a
# capital, digit or opening quote/bracket, but not at the dot of an initial or a
# title ("J. Smith", "Mr. Smith"); a paragraph at a blank line or an indented new
# line (Reuters' layout). Two patterns because each alone is several times faster
# than their alternation. The lookbehinds follow the dot, so they are only tried
# at dots; a non-ASCII next character is checked in Python (str.isupper).
_OPENERS = "\"'“‘«([¿¡"
_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "Gen", "Sen", "Rep", "Gov",
                  "Lt", "Col", "Capt", "Sgt", "No", "vs")
_SENTENCE_END = re.compile(
    r"(?:[!?]|\.(?<!\b[A-Z]\.)" + "".join(rf"(?<!\b{a}\.)" for a in _ABBREVIATIONS) + ")"
    r"[\"'”’»)\]]*\s+(?=[A-Z0-9" + re.escape(_OPENERS) + r"]|[^\x00-\x7f])")
_PARAGRAPH_END = re.compile(r"\n(?:[ \t]*\n|[ \t])\s*")
_MAX_WORD_SCAN = 64  # how far to look for whitespace around a cut before cutting at a letter edge


class _Window(NamedTuple):
    start: int
    end: int
    leaves: int  # bit set of the leaves fully inside
    matches: int  # number of hits fully inside
    sentence: bool  # starts at a sentence start


def make_snippets(text: str, terms: Sequence[QueryTerm], *, field: str = "body",
                  max_snippets: int = 3, size: int = 200,
                  strict_phrase: bool = True) -> tuple[Snippet, ...]:
    """The best 1..``max_snippets`` passages of about ``size`` characters, in document order.

    Windows are scored by the number of distinct leaves they hold, then by the
    number of matches, then by starting at a sentence start; each later pick first
    maximizes the leaves not shown yet, so a second passage explains a different
    part of the query. Without any match: the start of the text, unhighlighted.
    """
    if size < 1:
        raise ValueError(f"snippet size must be positive, not {size}")
    leaves = leaves_of(terms, field)
    text, hits = locate(text, leaves, strict_phrase) if leaves else (clean_text(head_of(text)), [])
    first = _NON_SPACE.search(text)
    if first is None or max_snippets < 1:
        return ()
    if not hits:
        return (_snippet(text, first.start(), _cut(text, first.start(), first.start() + size), []),)
    windows = _candidates(text, hits, _sentence_starts(text, first.start(), hits, size), size)
    chosen: list[_Window] = []
    shown = 0
    while windows and len(chosen) < max_snippets:
        best = max(windows, key=lambda w: ((w.leaves & ~shown).bit_count(), w.leaves.bit_count(),
                                           w.matches, w.sentence, -w.start))
        chosen.append(best)
        shown |= best.leaves
        windows = [w for w in windows if w.end <= best.start or w.start >= best.end]
    snippets = []
    for w in sorted(chosen):
        inside = hits[bisect_left(hits, (w.start,)):bisect_left(hits, (w.end,))]
        snippets.append(_snippet(text, w.start, w.end, [h for h in inside if h[1] <= w.end]))
    return tuple(snippets)


def _sentence_starts(text: str, first: int, hits: list[Match], size: int) -> list[int]:
    """Sorted sentence and paragraph starts from ``first`` on, looked for only in the
    ``size`` characters before each hit (the only ones a window can start from)."""
    # The stretches to read: [hit start - size, hit start] for each hit, joined where
    # less than ``size`` apart (fewer, longer scans; a start found in a gap is more
    # than ``size`` before the next hit, so no window starts from it).
    stretches: list[list[int]] = []
    done = first
    for hs, _, _ in hits:
        lo = max(done, hs - size)
        if lo < hs:
            if stretches and lo - stretches[-1][1] < size:
                stretches[-1][1] = hs
            else:
                stretches.append([lo, hs])
        done = max(done, hs)
    starts = [first]
    n = len(text)
    ascii_text = text.isascii()
    for lo, hi in stretches:
        # A few characters back, so that a break straddling ``lo`` is still seen whole.
        lo = max(first, lo - 8)
        found = {m.end() for m in _PARAGRAPH_END.finditer(text, lo, hi)}
        # (one character past ``hi``: the pattern looks at the letter after a break;
        # the letter is checked here only when it is not ASCII)
        ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, hi + 1)]
        found.update(ends if ascii_text else (at for at in ends if _opens_sentence(text[at])))
        last = starts[-1]
        starts.extend(sorted(p for p in found if last < p < n))
    return starts


def _opens_sentence(c: str) -> bool:
    return c.isascii() or c.isupper() or c.isdigit() or c in _OPENERS


MAX_WINDOW_HITS = 200
"""Windows are tried around at most this many hits of each leaf (its first ones): a text
that repeats a query word 250,000 times made as many windows, 11 s of scoring for one
hit, on every search that found the article."""


def _window_hits(hits: list[Match]) -> Iterator[Match]:
    """The hits windows are tried around: each leaf's first MAX_WINDOW_HITS (a window
    still counts every hit inside it)."""
    if len(hits) <= MAX_WINDOW_HITS:
        yield from hits
        return
    seen: dict[int, int] = {}
    for hit in hits:
        n = seen.get(hit[2], 0)
        if n < MAX_WINDOW_HITS:
            seen[hit[2]] = n + 1
            yield hit


def _candidates(text: str, hits: list[Match], starts: list[int], size: int) -> list[_Window]:
    """Windows around the hits (``_window_hits``): from the hit's sentence start if it
    fits, else a little before it."""
    lead = size // 5
    begin: dict[int, bool] = {}
    for hs, he, _ in _window_hits(hits):
        s = starts[bisect_right(starts, hs) - 1]
        if he - s <= size:
            begin.setdefault(s, True)
        if hs - s > lead:
            p = _word_start(text, hs - lead, s, hs)
            if he - p > size:  # backed up over a very long "word": start at the match
                p = hs
            begin.setdefault(p, p == s)
        elif he - s > size:  # the match alone is longer than the window
            begin.setdefault(hs, hs == s)
    return [_score(text, hits, start, size, sentence) for start, sentence in begin.items()]


def _score(text: str, hits: list[Match], start: int, size: int, sentence: bool) -> _Window:
    end = _cut(text, start, start + size)
    leaves = matches = 0
    i = bisect_left(hits, (start,))
    first = True
    while i < len(hits) and (hits[i][0] < end or first):
        he, bits = hits[i][1:]
        # A hit cut by the window edge: take the few characters it needs (always for
        # the first one, so no window is empty), so that highlights are whole.
        if he > end and (first or he - start <= size + size // 4):
            found = _SPACE.search(text, he, he + _MAX_WORD_SCAN)
            end = found.start() if found else he
        if he <= end:
            leaves |= bits
            matches += 1
        first = False
        i += 1
    return _Window(start, end, leaves, matches, sentence)


def _word_start(text: str, pos: int, lo: int, hi: int) -> int:
    """Start of the whitespace-delimited word at ``pos``, kept within [lo, hi]."""
    if text[pos].isspace():
        found = _NON_SPACE.search(text, pos, hi)
        return found.start() if found else hi
    back = max(lo, pos - _MAX_WORD_SCAN)
    found = _SPACE.search(text[back:pos][::-1])
    if found:
        return pos - found.start()
    return lo if back == lo else hi


def _cut(text: str, start: int, limit: int) -> int:
    """End of the passage from ``start``: the last whitespace at or before ``limit``."""
    if limit >= len(text):
        end = len(text)
    elif text[limit].isspace():
        end = limit
    else:
        found = _SPACE.search(text[start:limit][::-1])
        if found:
            end = limit - found.start() - 1
        else:  # one "word" longer than the window: cut at a letter/non-letter edge
            seg = text[start + 1:limit + 1][::-1]
            edge = _WORD_EDGE.search(seg, 1)
            end = limit + 1 - edge.start() if edge else limit
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _snippet(text: str, start: int, end: int, hits: list[Match]) -> Snippet:
    """``text[start:end]`` with whitespace runs collapsed, and the hits' spans moved along."""
    piece = text[start:end]
    collapsed = _collapse(piece)
    if not hits:
        return Snippet(collapsed)
    spans = merge_spans((s - start, e - start) for s, e, _ in hits)
    if len(collapsed) == len(piece):
        return Snippet(collapsed, tuple(spans))
    # A span starts and ends at a word's edge, never inside a whitespace run, so its
    # place in the collapsed text is the collapsed length of the text before it.
    moved: list[int] = []
    at = done = 0
    for edge in (p for span in spans for p in span):
        at += len(_collapse(piece[done:edge]))
        moved.append(at)
        done = edge
    return Snippet(collapsed, tuple(Span(*moved[i:i + 2]) for i in range(0, len(moved), 2)))


def _collapse(piece: str) -> str:
    """``piece`` with each whitespace run one space (``str.split`` knows the same
    whitespace as the regex's ``\\s``, and is several times faster)."""
    if not piece or piece.isspace():
        return " " if piece else ""
    inner = " ".join(piece.split())
    return (" " if piece[0].isspace() else "") + inner + (" " if piece[-1].isspace() else "")


# --- renderers ------------------------------------------------------------

_TAG = re.compile(r"[A-Za-z][A-Za-z0-9-]*\Z")


def _pieces(snippet: Snippet) -> Iterator[tuple[str, bool]]:
    """(cleaned text, highlighted) runs; spans out of range or overlapping are clipped."""
    text, pos = snippet.text, 0
    for s, e in sorted(snippet.highlights):
        s, e = max(s, pos), min(e, len(text))
        if s >= e:
            continue
        if s > pos:
            yield clean_text(text[pos:s]), False
        yield clean_text(text[s:e]), True
        pos = e
    if pos < len(text):
        yield clean_text(text[pos:]), False


def to_html(snippet: Snippet, *, tag: str = "mark") -> str:
    """HTML with every piece escaped and highlights wrapped in ``<tag>`` (a bare element name)."""
    if not _TAG.match(tag):
        raise ValueError(f"not an HTML element name: {tag!r}")
    return "".join(
        f"<{tag}>{html.escape(piece)}</{tag}>" if marked else html.escape(piece)
        for piece, marked in _pieces(snippet) if piece
    )


def to_plain(snippet: Snippet, *, start: str = "[", end: str = "]") -> str:
    """Plain text with highlights between ``start`` and ``end`` markers."""
    return "".join(
        f"{start}{piece}{end}" if marked else piece for piece, marked in _pieces(snippet) if piece
    )
