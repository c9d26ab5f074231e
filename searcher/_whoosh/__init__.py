"""Everything that touches Whoosh's internals (private methods, codec classes, file
layout) lives in this package, and nowhere else.

Those internals are not Whoosh's public API: they were read from, and tested against,
exactly one Whoosh release (:data:`WRITTEN_FOR`). ``check_version`` says so clearly when
another one is installed, instead of failing somewhere deep in a build or a query.
"""

from __future__ import annotations

import whoosh

from .lean_imports import import_whoosh_lean

# Before any other module imports Whoosh's modules (searcher/__init__.py imports this
# package first): Whoosh without urllib.request and asyncio, ~35 ms of every start.
import_whoosh_lean()

WRITTEN_FOR = (2, 7, 5)
"""The whoosh-reloaded release this package was written for (pinned in pyproject.toml)."""


def check_version(found: tuple[int, ...] | None = None) -> None:
    """Raise RuntimeError naming both versions unless Whoosh is the pinned release."""
    found = tuple(whoosh.__version__[:3]) if found is None else found
    if found != WRITTEN_FOR:
        have = ".".join(map(str, found))
        want = ".".join(map(str, WRITTEN_FOR))
        raise RuntimeError(
            f"searcher reads Whoosh {want}'s internals but Whoosh {have} is installed: "
            f"install the pinned release (pip install whoosh-reloaded=={want})"
        )
