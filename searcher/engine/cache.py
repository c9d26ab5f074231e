"""A least-recently-used cache bounded by the bytes of the arrays it holds.

Decoded posting lists are the engine's working set: a common word's list at a
million articles is megabytes, so the bound is on bytes, not entries.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

V = TypeVar("V")

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
"""Decoded postings kept in memory per open index (SEARCHER_CACHE_MB overrides)."""


class ByteLRU(Generic[V]):
    """``get(key, load)``: the cached value, or ``load()``'s, remembered with its size."""

    def __init__(self, max_bytes: int, size_of: Callable[[V], int]) -> None:
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found[0]
        value = load()
        size = self._size_of(value)
        with self._lock:
            if key not in self._items and size <= self.max_bytes:
                self._items[key] = (value, size)
                self._bytes += size
                while self._bytes > self.max_bytes:
                    _k, (_v, s) = self._items.popitem(last=False)
                    self._bytes -= s
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
