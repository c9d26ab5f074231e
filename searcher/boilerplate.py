"""Page furniture found by the corpus itself: body lines that recur across a source.

A scraper leaves the same footer, subscription prompt, menu or market-data line in every
page of a site; no list of phrases keeps up with them, but the corpus does (template
detection, as in web mining). Each body line is normalised (case, digits, whitespace)
and fingerprinted; per *source* we count in how many articles each fingerprint occurs.
An article belongs to the source of its folder and, when it states one, to its site
(its ``source`` field, else its URL's host), so a site's furniture is found across
folders and a scraper's across sites. A line is furniture when it occurs in at least
``MIN_ARTICLES`` articles **and** ``MIN_SHARE`` of its source's articles: a source with
fewer articles never loses text, and a quote shared by a few articles is no template.

Prose in context is kept even then, unless the line is in nearly every article
(``ALWAYS_SHARE``): a recurring sentence (``PROSE_WORDS`` words or more, ending as a
sentence ends) between two article paragraphs that are not furniture is a quote the
stories share; a short dateline (``LONDON (Reuters) -``) before such a paragraph is the
story's dateline, and so is a line stating a date above the first paragraph (``By Jane
Doe - August 25, 2024``: the article's own byline and date, however often they recur).
An article at least half of whose prose recurs is a copy of a story saved again (with
edits or additions), not a template: it keeps its prose (its short recurring lines
still go), and one all of whose lines recur (an exact copy) keeps them all. Every
dropped line is a Decision (``repeated page text dropped``) that names how many
articles of which source hold it.

Bounded: the counts per source are a count-min sketch (``ROWS`` x ``WIDTH`` cells at
most, whatever the source's size; linear, so a file's counts can be taken out again
exactly and the result never depends on the order files came in). Per file the
fingerprints it counted are kept (8 bytes a line) to take them out when it changes.
Only text-like readers are judged (scraped text, Markdown, saved pages): structured
records (JSON, JSON Lines) come from APIs whose fields are already apart, and a
newswire's own closing lines are no furniture of a page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import posixpath
import re
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .dates import DATE_SHAPE
from .models import Article, Decision

KIND = "repeated page text dropped"
MIN_ARTICLES = 5  # a line in fewer articles of its source is never furniture...
MIN_SHARE = 0.1  # ...nor one in a smaller share of them
ALWAYS_SHARE = 0.8  # in this share of a source's articles a line is furniture even as prose
PROSE_WORDS = 8  # a recurring line this long, ending as a sentence, may be a shared quote
DATELINE_WORDS = 6
MAX_LINES = 400  # lines counted and judged per article (the rest kept as they are)
MAX_LINE_CHARS = 1_000  # longer lines are article text, never counted
ROWS = 4  # count-min sketch: rows (16 bits of the 64-bit fingerprint each)...
WIDTH = 8192  # ...and cells per row (a power of two): memory per source is bounded
STATS_VERSION = 1

_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_DATELINE_END = re.compile(r"\s[-–—]+$|[-–—]$")
_WORD = re.compile(r"\w+")


def normalise(line: str) -> str:
    """What makes two lines the same furniture: case, digits and spacing aside."""
    return _SPACE.sub(" ", _DIGITS.sub("0", line.casefold())).strip()


def fingerprint(line: str) -> int | None:
    """64-bit fingerprint of a body line; None for a line never counted (blank, long)."""
    if len(line) > MAX_LINE_CHARS:
        return None
    key = normalise(line)
    if not key:
        return None
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def line_prints(body: str) -> list[int | None]:
    """Each body line's fingerprint (None: blank, too long, or past MAX_LINES)."""
    out: list[int | None] = []
    counted = 0
    for line in body.split("\n"):
        fp = fingerprint(line) if counted < MAX_LINES else None
        if fp is not None:
            counted += 1
        out.append(fp)
    return out


def source_keys(article: Article, file_key: str) -> tuple[str, ...]:
    """The sources an article is counted in: its folder, and its site if it names one."""
    keys = ["folder:" + posixpath.dirname(file_key)]
    site = " ".join(article.source.casefold().split())
    if not site and article.url:
        host = urlsplit(article.url.strip()).hostname or ""
        site = host.removeprefix("www.")
    if site:
        keys.append("site:" + site)
    return tuple(keys)


def _cells(fp: int) -> Iterator[int]:
    for row in range(ROWS):
        yield row * WIDTH + ((fp >> (16 * row)) & (WIDTH - 1))


@dataclass
class SourceCounts:
    """One source: how many articles were counted, and in how many each line occurs
    (a count-min sketch: an estimate never below the truth, at most ROWS*WIDTH cells)."""

    articles: int = 0
    cells: dict[int, int] = field(default_factory=dict)

    def add(self, prints: Iterable[int], sign: int) -> None:
        for fp in prints:
            for c in _cells(fp):
                value = self.cells.get(c, 0) + sign
                if value:
                    self.cells[c] = value
                else:
                    self.cells.pop(c, None)

    def count(self, fp: int, at_least: int = 0) -> int:
        """How many articles hold ``fp`` (never fewer than the truth); 0 as soon as a
        row shows fewer than ``at_least`` (most lines are in one article: one lookup)."""
        cells = self.cells
        least = None
        for row in range(ROWS):
            value = cells.get(row * WIDTH + ((fp >> (16 * row)) & (WIDTH - 1)), 0)
            if value < at_least:
                return 0
            least = value if least is None else min(least, value)
        return least or 0


@dataclass(frozen=True)
class Evidence:
    """Why a line is furniture: ``count`` of the ``articles`` of ``source`` hold it."""

    source: str
    count: int
    articles: int

    @property
    def share(self) -> float:
        return self.count / self.articles

    def describe(self) -> str:
        kind, _, name = self.source.partition(":")
        where = f"folder {posixpath.basename(name) or name}" if kind == "folder" else name
        return f"in {self.count:,} of {self.articles:,} articles of {where}"


@dataclass
class FileCounts:
    """What one file added to the statistics: per group of articles with the same
    sources, how many articles and their line fingerprints (each once per article);
    ``flagged``: its fingerprints that were furniture by count when it was judged."""

    groups: list[tuple[tuple[str, ...], int, list[int]]] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)

    def add_article(self, keys: tuple[str, ...], prints: set[int]) -> None:
        for i, (k, n, fps) in enumerate(self.groups):
            if k == keys:
                fps.extend(sorted(prints))
                self.groups[i] = (k, n + 1, fps)
                return
        self.groups.append((keys, 1, sorted(prints)))

    def prints(self) -> set[int]:
        return {fp for _, _, fps in self.groups for fp in fps}

    def keys(self) -> set[str]:
        return {k for keys, _, _ in self.groups for k in keys}


@dataclass
class FurnitureStats:
    """The corpus's line statistics, stored with the index (one file per generation)."""

    sources: dict[str, SourceCounts] = field(default_factory=dict)
    files: dict[str, FileCounts] = field(default_factory=dict)

    def add_file(self, key: str, counts: FileCounts) -> set[str]:
        """Count a file (replacing what it counted before); returns the sources touched."""
        touched = self.remove_file(key)
        for keys, n, fps in counts.groups:
            for source in keys:
                sc = self.sources.setdefault(source, SourceCounts())
                sc.articles += n
                sc.add(fps, +1)
                touched.add(source)
        self.files[key] = counts
        return touched

    def remove_file(self, key: str) -> set[str]:
        old = self.files.pop(key, None)
        if old is None:
            return set()
        for keys, n, fps in old.groups:
            for source in keys:
                sc = self.sources.get(source)
                if sc is None:
                    continue
                sc.articles -= n
                sc.add(fps, -1)
                if sc.articles <= 0:
                    del self.sources[source]
        return old.keys()

    def evidence(self, fp: int, keys: Iterable[str]) -> Evidence | None:
        """The strongest source evidence that ``fp`` is furniture, or None."""
        best: Evidence | None = None
        for key in keys:
            sc = self.sources.get(key)
            if sc is None or sc.articles < MIN_ARTICLES:
                continue
            needed = max(MIN_ARTICLES, math.ceil(MIN_SHARE * sc.articles))
            count = min(sc.count(fp, needed), sc.articles)
            if count >= needed:
                found = Evidence(key, count, sc.articles)
                if best is None or found.share > best.share:
                    best = found
        return best

    def flagged(self, counts: FileCounts) -> list[int]:
        """The file's fingerprints that are furniture by count now."""
        return sorted(fp for keys, _, fps in counts.groups for fp in set(fps)
                      if self.evidence(fp, keys) is not None)


_EMPTY = SourceCounts()


def judge(article: Article, keys: tuple[str, ...], stats: FurnitureStats,
          prints: list[int | None] | None = None) -> tuple[Article, list[Decision]]:
    """The article without the lines its sources show to be furniture, and one
    Decision per dropped line (the article itself when nothing is dropped); ``prints``:
    its ``line_prints`` if already known."""
    lines = article.body.split("\n")
    if not any(stats.sources.get(k, _EMPTY).articles >= MIN_ARTICLES for k in keys):
        return article, []
    prints = line_prints(article.body) if prints is None else prints
    found = [stats.evidence(fp, keys) if fp is not None else None for fp in prints]
    if not any(found):
        return article, []
    first = next((i for i, line in enumerate(lines) if found[i] is None and _is_prose(line)),
                 len(lines))
    if all(ev is not None for line, ev in zip(lines, found, strict=True) if line.strip()):
        return article, []  # every line recurs: a duplicated article, not a template
    prose = [ev for line, ev in zip(lines, found, strict=True) if _is_prose(line)]
    copy = bool(prose) and 2 * sum(ev is not None for ev in prose) >= len(prose)
    drop = [ev is not None and not (copy and _is_prose(lines[i]))
            and not _kept_in_context(lines, found, i, ev, i < first)
            for i, ev in enumerate(found)]
    decisions = [Decision(article.path, KIND, f"{_shown(line)}  ({ev.describe()})",
                          chars=len(line))
                 for line, d, ev in zip(lines, drop, found, strict=True) if d and ev]
    if not decisions:
        return article, []
    body = _join([line for line, d in zip(lines, drop, strict=True) if not d])
    return replace(article, body=body), decisions


def _kept_in_context(lines: list[str], found: list[Evidence | None], i: int,
                     ev: Evidence, head: bool) -> bool:
    """Is the recurring line ``i`` article text here: a shared quote between article
    paragraphs, a dateline before one, or a date line above the first (``head``)?
    Never (but the date line) when nearly every article holds it."""
    if head and DATE_SHAPE.search(lines[i]):
        return True
    if ev.share >= ALWAYS_SHARE:
        return False
    after = _neighbour(lines, found, i, +1)
    if after is None or not _is_prose(after):
        return False
    line = lines[i].strip()
    if _is_dateline(line):
        return True
    before = _neighbour(lines, found, i, -1)
    return before is not None and _is_prose(before) and _is_prose(line)


def _neighbour(lines: list[str], found: list[Evidence | None], i: int,
               step: int) -> str | None:
    """The nearest non-blank line in direction ``step``, if it is not furniture."""
    j = i + step
    while 0 <= j < len(lines) and not lines[j].strip():
        j += step
    if not 0 <= j < len(lines) or found[j] is not None:
        return None
    return lines[j].strip()


def _is_prose(line: str) -> bool:
    return len(_WORD.findall(line)) >= PROSE_WORDS and bool(_SENTENCE_END.search(line))


def _is_dateline(line: str) -> bool:
    """``LONDON (Reuters) -``, ``NEW YORK —``: a short line of capitals ending in a dash."""
    words = line.split()
    if not words or len(words) > DATELINE_WORDS or not _DATELINE_END.search(line):
        return False
    first = words[0].strip(",")
    return first.isupper() and len(first) > 1


def _shown(line: str) -> str:
    text = " ".join(line.split())
    return text if len(text) <= 80 else text[:79] + "…"


def _join(lines: list[str]) -> str:
    """Lines joined again, without the blank runs a dropped line leaves behind."""
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


# ---- storage: one JSON file per index generation, beside the manifest ------------------

def stats_path(index: Path, generation: int) -> Path:
    return index / f"searcher-files-{generation}.furniture.json"


def load_stats(index: Path, generation: int) -> FurnitureStats | None:
    """The statistics stored with ``generation``; None if absent or unreadable."""
    try:
        raw = json.loads(stats_path(index, generation).read_text("utf-8"))
        if raw.get("version") != STATS_VERSION:
            return None
        sources = {k: SourceCounts(int(v["articles"]), dict(zip(
            _unpack("I", v["cells"]), _unpack("i", v["counts"]), strict=True)))
            for k, v in raw["sources"].items()}
        files = {k: FileCounts([(tuple(g[0]), int(g[1]), list(_unpack("Q", g[2])))
                                for g in v["groups"]], list(_unpack("Q", v["flagged"])))
                 for k, v in raw["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return FurnitureStats(sources, files)


def stats_json(stats: FurnitureStats) -> dict[str, Any]:
    sources = {}
    for key, sc in sorted(stats.sources.items()):
        cells = sorted(sc.cells.items())
        sources[key] = {"articles": sc.articles, "cells": _pack("I", [c for c, _ in cells]),
                        "counts": _pack("i", [n for _, n in cells])}
    files = {key: {"groups": [[list(k), n, _pack("Q", fps)] for k, n, fps in fc.groups],
                   "flagged": _pack("Q", fc.flagged)}
             for key, fc in sorted(stats.files.items())}
    return {"version": STATS_VERSION, "sources": sources, "files": files}


def _pack(code: str, values: list[int]) -> str:
    data = array(code, values)
    if sys.byteorder != "little":
        data.byteswap()
    return base64.b64encode(data.tobytes()).decode("ascii")


def _unpack(code: str, text: str) -> array[int]:
    data = array(code)
    data.frombytes(base64.b64decode(text))
    if sys.byteorder != "little":
        data.byteswap()
    return data
