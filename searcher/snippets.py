"""Highlighted passages of article text: plain text plus (start, end) spans.

Not Whoosh's highlighter: that re-analyzes the stored text with the whole
filter chain per hit and marks every query word wherever it occurs
(WHOOSH-NOTES 13). Here the text is split with the index's tokenizer and each
distinct word is analyzed once per process, phrases are marked only where they
really occur, and the result is plain data that any renderer escapes itself.

Conventions (what renderers and tests can rely on):

- Spans of ``highlight_spans`` index the text exactly as given, so that a
  renderer can show ``blank_controls(text)`` (same length, escapes and control
  characters turned into spaces) and style the spans without any mapping.
- ``make_snippets`` cleans first (``clean_text``): ``Snippet.text`` is a slice of
  the cleaned text that starts and ends at
  whitespace (never mid-word; a single "word" longer than ``size`` is cut at a
  letter/non-letter edge, or hard as a last resort), with every whitespace run
  collapsed to one space. No ellipsis is added: renderers put "…" between
  passages if they want.
- A phrase occurrence is highlighted as ONE span from its first word to its
  last word (stop words and slop gaps inside it included); any other leaf
  highlights each matching word. Overlapping spans are merged, so spans are
  sorted and never overlap.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, compress
from typing import NamedTuple

from .models import QueryTerm, Snippet
from .schema import text_analyzer

__all__ = [
    "blank_controls",
    "clean_text",
    "highlight_spans",
    "make_snippets",
    "matched_terms",
    "to_html",
    "to_plain",
]

# --- cleaning -------------------------------------------------------------

_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
    # OSC/DCS/SOS/PM/APC strings (hyperlinks, window titles) up to their terminator;
    # an unterminated one only loses its introducer below, its text stays visible.
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"  # two-byte escapes (reset, charset selection, keypad modes)
)
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    r"""``text`` without ANSI escape sequences and control characters, keeping ``\n`` and ``\t``.

    Article text is untrusted: an escape sequence printed to a terminal can clear
    the screen, retitle the window or plant a hyperlink. Line-breaking controls
    (``\r``, ``\v``, ``\f``, file/group/record separators, NEL) become ``\n`` so that
    the words on either side stay apart; every other control is dropped. Markup such as
    ``[red]x[/red]`` is plain text and is left alone (rich output builds ``Text``).
    """
    if not _CONTROLS.search(text):
        return text
    text = _ESCAPES.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub("", text)


def blank_controls(text: str) -> str:
    r"""``text`` with every escape sequence and control character except ``\n`` and ``\t``
    turned into spaces: safe to display, and the same length, so spans still line up."""
    if not _CONTROLS.search(text):
        return text
    text = _ESCAPES.sub(lambda m: " " * len(m.group()), text)
    return _CONTROLS.sub(" ", text)


# --- analysis -------------------------------------------------------------

# schema.NewsAnalyzer's tokenizer pattern with its group made non-capturing (same
# matches), so that re.split returns [gap, word, gap, word, ..., gap] and offsets
# come from a C-level running sum instead of one match object per word.
# tests/test_snippets.py checks that the result equals text_analyzer().terms().
_SPLIT_WORDS = re.compile(r"(\w+(?:\.?\w+)*)")
_ANALYZER = text_analyzer()
_MAX_CACHED_WORDS = 200_000


class _WordTerms(dict[str, str]):
    """Raw word -> its index term ("" for stop words), via the index's own analyzer."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _MAX_CACHED_WORDS:
            self.clear()
        found = _ANALYZER.terms(word)
        term = self[word] = found[0][0] if found else ""
        return term


_WORD_TERMS = _WordTerms()


class _Tokens(NamedTuple):
    text: str  # the cleaned text all offsets refer to
    terms: list[str]  # index term of every raw word, "" where the index drops it
    bounds: list[int]  # raw word k is text[bounds[2k]:bounds[2k + 1]]


def _analyze(text: str, same_length: bool = False) -> _Tokens:
    """The words of ``clean_text(text)``, or of ``blank_controls(text)`` for offsets
    into ``text`` itself (the same thing unless ``text`` holds control characters)."""
    return _analyze_cached(text, same_length and _CONTROLS.search(text) is not None)


@lru_cache(maxsize=32)
def _analyze_cached(text: str, same_length: bool) -> _Tokens:
    """Cached because a results page asks for snippets and matched terms of the same text."""
    text = blank_controls(text) if same_length else clean_text(text)
    parts = _SPLIT_WORDS.split(text)
    terms = list(map(_WORD_TERMS.__getitem__, parts[1::2]))
    return _Tokens(text, terms, list(accumulate(map(len, parts))))


# --- matching -------------------------------------------------------------

_Hit = tuple[int, int, int]  # start char, end char, bit set of the leaves it matches


def _leaves(terms: Sequence[QueryTerm], field: str) -> list[QueryTerm]:
    """The distinct leaves of ``field`` that have something to look for, in query order."""
    return list(dict.fromkeys(qt for qt in terms if qt.field == field and any(qt.terms)))


def _find_hits(tok: _Tokens, leaves: list[QueryTerm], strict_phrase: bool) -> list[_Hit]:
    """Every word and phrase occurrence in the text, sorted by position; leaf i is bit 1 << i."""
    terms, bounds = tok.terms, tok.bounds
    singles: dict[str, int] = {}
    hits: list[_Hit] = []
    rank: list[int] = []
    for i, qt in enumerate(leaves):
        words = tuple(t for t in qt.terms if t)
        if qt.kind == "phrase" and strict_phrase and len(words) > 1:
            if not rank:  # Whoosh positions: index among the words the analyzer keeps
                rank = list(accumulate(map(int, map(bool, terms))))
            # Proximity leaves ("a b"~3) match in any order (query.py): a QueryTerm
            # field ``ordered`` says so; models without it are read as ordered.
            ordered = qt.ordered
            found = _phrase_occurrences(terms, rank, words, max(1, qt.slop), ordered)
            if found is not None:
                hits += [(bounds[2 * a], bounds[2 * b + 1], 1 << i) for a, b in found]
                continue
        for w in words:
            singles[w] = singles.get(w, 0) | (1 << i)
    found_words = compress(range(len(terms)), map(singles.__contains__, terms))
    words_hits = [(bounds[2 * k], bounds[2 * k + 1], singles[terms[k]]) for k in found_words]
    if not hits:
        return words_hits
    hits += words_hits
    hits.sort()
    return hits


_MAX_UNORDERED_STEPS = 100_000


class _TooCostly(Exception):
    pass


def _phrase_occurrences(terms: list[str], rank: list[int], words: tuple[str, ...], slop: int,
                        ordered: bool) -> list[tuple[int, int]] | None:
    """(first, last) raw word indexes covering the occurrences that start at each first word.

    Whoosh matches a phrase with SpanNear2(mindist=1): from a position of the first
    word, each next word must lie outside the span matched so far, at most ``slop``
    positions from it, and after it when ``ordered``. Each result is the union of the
    occurrences from one start, so every occurrence lies inside one result. None when
    an unordered search would be too costly (a huge slop over very common words): the
    caller then marks the words one by one.
    """
    wanted = set(words)
    raw: dict[int, int] = {}
    where: dict[str, list[int]] = {}
    for k in compress(range(len(terms)), map(wanted.__contains__, terms)):
        raw[rank[k]] = k
        where.setdefault(terms[k], []).append(rank[k])
    if len(where) < len(wanted):
        return []
    if not ordered:
        try:
            found = _unordered(where, words, slop)
        except (_TooCostly, RecursionError):
            return None
        return [(raw[a], raw[b]) for a, b in found]
    # Ordered: walking backwards, ``far`` maps each position that can still complete
    # the phrase from word j on to the farthest last word it can reach.
    far = {p: p for p in where[words[-1]]}
    for word in reversed(words[:-1]):
        reachable = sorted(far)
        step: dict[int, int] = {}
        for p in where[word]:
            lo, hi = bisect_right(reachable, p), bisect_right(reachable, p + slop)
            if lo < hi:
                step[p] = max(far[q] for q in reachable[lo:hi])
        far = step
    return [(raw[p], raw[q]) for p, q in far.items()]


def _unordered(where: dict[str, list[int]], words: tuple[str, ...],
               slop: int) -> list[tuple[int, int]]:
    """Unordered occurrences: a depth-first search over (next word, span so far), memoized."""
    memo: dict[tuple[int, int, int], tuple[int, int] | None] = {}
    steps = _MAX_UNORDERED_STEPS

    def reach(j: int, lo: int, hi: int) -> tuple[int, int] | None:
        nonlocal steps
        if j == len(words):
            return lo, hi
        key = (j, lo, hi)
        if key in memo:
            return memo[key]
        best: tuple[int, int] | None = None
        ps = where[words[j]]
        for a, b in ((lo - slop, lo - 1), (hi + 1, hi + slop)):
            for q in ps[bisect_left(ps, a):bisect_right(ps, b)]:
                steps -= 1
                if steps < 0:
                    raise _TooCostly
                found = reach(j + 1, min(lo, q), max(hi, q))
                if found is not None:
                    best = found if best is None else (min(best[0], found[0]),
                                                       max(best[1], found[1]))
        memo[key] = best
        return best

    return [span for p in where[words[0]] if (span := reach(1, p, p)) is not None]


def _merge(spans: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def highlight_spans(text: str, terms: Sequence[QueryTerm], *, field: str = "title",
                    strict_phrase: bool = True) -> tuple[tuple[int, int], ...]:
    """Spans over the whole of ``text`` as given (titles, full articles), sorted, never
    overlapping: ``text[start:end]`` is the match (escapes inside it included)."""
    leaves = _leaves(terms, field)
    if not leaves or not text:
        return ()
    hits = _find_hits(_analyze(text, same_length=True), leaves, strict_phrase)
    return tuple(_merge((s, e) for s, e, _ in hits))


def matched_terms(text: str, terms: Sequence[QueryTerm], *, field: str) -> tuple[QueryTerm, ...]:
    """The leaves of ``field`` found in ``text`` (phrases only where they occur), in query order."""
    leaves = _leaves(terms, field)
    if not leaves or not text:
        return ()
    found = 0
    for _, _, bits in _find_hits(_analyze(text), leaves, strict_phrase=True):
        found |= bits
    return tuple(qt for i, qt in enumerate(leaves) if found >> i & 1)


# --- passages -------------------------------------------------------------

_SPACE = re.compile(r"\s")
_NON_SPACE = re.compile(r"\S")
_WS_TO_COLLAPSE = re.compile(r"\s\s+|[^\S ]")
_WORD_EDGE = re.compile(r"(?<=\w)(?=\W)|(?<=\W)(?=\w)")
# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace; a
# paragraph at a blank line or an indented new line (Reuters' layout). Two
# patterns because each alone is several times faster than their alternation.
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)\]]*\s+")
_PARAGRAPH_END = re.compile(r"\n(?:[ \t]*\n|[ \t])\s*")
_OPENERS = "\"'“‘«([¿¡"
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|No|vs))\Z"
)
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
    tok = _analyze(text)
    text = tok.text
    first = _NON_SPACE.search(text)
    if first is None or max_snippets < 1:
        return ()
    leaves = _leaves(terms, field)
    hits = _find_hits(tok, leaves, strict_phrase) if leaves else []
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


def _sentence_starts(text: str, first: int, hits: list[_Hit], size: int) -> list[int]:
    """Sorted sentence and paragraph starts from ``first`` on, looked for only in the
    ``size`` characters before each hit (the only ones a window can start from)."""
    starts = [first]
    n = len(text)
    done = first
    for hs, _, _ in hits:
        lo = max(done, hs - size)
        if lo >= hs:
            continue
        found: set[int] = set()
        # A few characters back, so that a break straddling ``lo`` is still seen whole.
        for m in _PARAGRAPH_END.finditer(text, max(first, lo - 8), hs):
            found.add(m.end())
        for m in _SENTENCE_END.finditer(text, max(first, lo - 8), hs):
            at = m.end()
            if at < n and (text[at].isupper() or text[at].isdigit() or text[at] in _OPENERS) \
                    and not (text[m.start()] == "."
                             and _ABBREVIATION.search(text, max(0, m.start() - 8), m.start())):
                found.add(at)
        starts.extend(sorted(p for p in found if p > starts[-1] and p < n))
        done = hs
    return starts


def _candidates(text: str, hits: list[_Hit], starts: list[int], size: int) -> list[_Window]:
    """Windows around every hit: from its sentence start if it fits, else a little before it."""
    lead = size // 5
    begin: dict[int, bool] = {}
    for hs, he, _ in hits:
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


def _score(text: str, hits: list[_Hit], start: int, size: int, sentence: bool) -> _Window:
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


def _snippet(text: str, start: int, end: int, hits: list[_Hit]) -> Snippet:
    """``text[start:end]`` with whitespace runs collapsed, and the hits' spans moved along."""
    piece = text[start:end]
    if not hits:
        return Snippet(_WS_TO_COLLAPSE.sub(" ", piece))
    spans = _merge((s - start, e - start) for s, e, _ in hits)
    runs = list(_WS_TO_COLLAPSE.finditer(piece))
    if not runs:
        return Snippet(piece, tuple(spans))
    parts: list[str] = []
    after: list[int] = []  # end of each collapsed run
    removed: list[int] = []  # characters removed up to and including that run
    last = total = 0
    for m in runs:
        a, z = m.span()
        parts += (piece[last:a], " ")
        total += z - a - 1
        after.append(z)
        removed.append(total)
        last = z
    parts.append(piece[last:])

    def moved(p: int) -> int:
        i = bisect_right(after, p)
        return p - removed[i - 1] if i else p

    return Snippet("".join(parts), tuple((moved(s), moved(e)) for s, e in spans))


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
