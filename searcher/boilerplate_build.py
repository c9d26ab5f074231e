"""One build's use of the corpus's line statistics (boilerplate.py): count, re-judge, judge.

Furniture is only known once every file of a source is counted, so a build counts
first: the files it reads (their reader's output is kept for the indexing pass while it
fits in ``CACHE_CHARS``, else read again then), and any unchanged file the stored
statistics lack. Then unchanged files whose sources changed enough to change what is
furniture *in them* are read again, so every file is always judged with the statistics
of the whole corpus as built: files added one build at a time, in any order, give the
bodies one rebuild gives. Then the articles are judged as they are indexed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .boilerplate import (
    FileCounts,
    FurnitureStats,
    judge,
    line_prints,
    source_keys,
    stats_json,
    stats_path,
)
from .corpus import CorpusFile
from .formats import html, markdown, text
from .formats.base import Reader
from .models import Article, Decision, Problem
from .storage import write_atomically

Item = Article | Problem | Decision
Prints = list[int | None]  # an article's line fingerprints (boilerplate.line_prints)
CACHE_CHARS = 64_000_000  # article text kept between counting and indexing (else re-read)
JUDGED_READERS: tuple[Reader, ...] = (text.read, markdown.read, html.read)


def is_judged(reader: Reader) -> bool:
    """Pages (scraped text, Markdown, saved HTML) are judged; structured records not."""
    return reader in JUDGED_READERS


@dataclass
class FurnitureRun:
    """The statistics during one build, and what the build did with them. They are
    loaded (``load``) only when a page is read or deleted: an unchanged re-run, or one
    that changes only JSON records, keeps the ``stored`` file as it is."""

    load: Callable[[], FurnitureStats] = FurnitureStats
    stored: Path | None = None  # the statistics file ``load`` reads, if any
    rejudged: int = 0  # unchanged files read again because their furniture changed
    _stats: FurnitureStats | None = None
    _touched: set[str] = field(default_factory=set)
    _cache: dict[str, list[tuple[Item, Prints | None]]] = field(default_factory=dict)
    _cached_chars: int = 0

    @property
    def stats(self) -> FurnitureStats:
        if self._stats is None:
            self._stats = self.load()
        return self._stats

    def forget(self, key: str) -> None:
        """A deleted file: its lines no longer count."""
        self._touched |= self.stats.remove_file(key)

    def plan(self, to_read: Iterable[CorpusFile], unchanged: Iterable[CorpusFile],
             read: Callable[[CorpusFile], Iterator[Item]],
             tick: Callable[[int, int], None] | None = None) -> list[CorpusFile]:
        """Count the files to read (``tick(done, total)`` after each); return the
        unchanged files to read again (counted by no stored statistics, or judged
        differently now)."""
        to_read = [f for f in to_read if is_judged(f.reader)]
        if not to_read and self._stats is None and self.stored and self.stored.exists():
            return []  # no page read or deleted: the stored statistics stand
        unchanged = [f for f in unchanged if is_judged(f.reader)]
        lost = [f for f in unchanged if f.key not in self.stats.files]
        counted = [*to_read, *lost]
        for done, f in enumerate(counted, start=1):
            self._count(f, read(f))
            if tick is not None:
                tick(done, len(counted))
        stale = [f for f in unchanged if f.key in self.stats.files and f not in lost
                 and self._stale(self.stats.files[f.key])]
        for counts in self.stats.files.values():
            if counts.keys() & self._touched:
                counts.flagged = self.stats.flagged(counts)
        self.rejudged = len(lost) + len(stale)
        return lost + stale

    def items(self, f: CorpusFile, read: Callable[[], Iterator[Item]]) -> Iterator[Item]:
        """The file's items for indexing, its articles without their furniture (each
        dropped line a Decision just before its article)."""
        if not is_judged(f.reader):
            return read()
        kept = self._cache.pop(f.key, None)
        return self._judged(f, iter(kept) if kept is not None else
                            ((item, None) for item in read()))

    def _judged(self, f: CorpusFile,
                items: Iterator[tuple[Item, Prints | None]]) -> Iterator[Item]:
        for item, prints in items:
            if isinstance(item, Article):
                article, decisions = judge(item, source_keys(item, f.key), self.stats, prints)
                yield from decisions
                yield article
            else:
                yield item

    def _count(self, f: CorpusFile, items: Iterator[Item]) -> None:
        counts = FileCounts()
        kept: list[tuple[Item, Prints | None]] = []
        size = 0
        complete = True
        try:
            for item in items:
                prints = line_prints(item.body) if isinstance(item, Article) else None
                kept.append((item, prints))
                if isinstance(item, Article) and prints is not None:
                    counts.add_article(source_keys(item, f.key),
                                       {fp for fp in prints if fp is not None})
                    size += len(item.body)
        except Exception:  # the indexing pass reads it again and reports why it failed
            complete = False
        self._touched |= self.stats.add_file(f.key, counts)
        if complete and self._cached_chars + size <= CACHE_CHARS:
            self._cache[f.key] = kept
            self._cached_chars += size

    def _stale(self, counts: FileCounts) -> bool:
        return bool(counts.keys() & self._touched) and self.stats.flagged(counts) != counts.flagged


    def save(self, index: Path, generation: int) -> None:
        """Store the statistics with ``generation`` (beside its manifest): written if
        loaded, else the stored file carried over; nothing for an index without pages."""
        target = stats_path(index, generation)
        if self._stats is not None:
            if self._stats.files:
                write_atomically(target, json.dumps(stats_json(self._stats), separators=(",", ":")))
        elif self.stored is not None and self.stored != target and self.stored.exists():
            write_atomically(target, self.stored.read_text("utf-8"))

