"""The documents a search's filters allow, as one boolean array, cached per view.

Filters (tags, dates, author, source) never score: they are a filter plan the
documents must match and a mask plan they must not (``query/filters.py``). The
same filter over many queries (a shell session, an export's pages, a server's
visitors) is computed once per commit.
"""

from __future__ import annotations

from typing import Any

from ..plan import Node
from .execute import BoolArray, Executor
from .view import IndexView

MAX_CACHED = 64
"""Filters kept per view (each is one byte per document: 1 MB at a million)."""


def allowed(view: IndexView, filt: Node | None, mask: Node | None) -> BoolArray | None:
    """The live documents matching ``filt`` and not ``mask`` (None: no filter at all)."""
    if filt is None and mask is None:
        return None
    key: Any = ("filter", filt, mask)
    found: BoolArray | None = view.memo.get(key)
    if found is None:
        ex = Executor(view, scored=False)
        found = view.live.copy()
        if filt is not None:
            found &= ex.run(filt).mask
        if mask is not None:
            found &= ~ex.run(mask).mask
        if len(view.memo) > MAX_CACHED:
            view.memo.clear()
        view.memo[key] = found
    return found
