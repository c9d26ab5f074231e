"""Import Whoosh without three modules it loads at import and a search never uses.

Measured on whoosh-reloaded 2.7.5 (``python -X importtime``), about 40 of the 70 ms that
importing ``whoosh.query`` costs go to:

- ``whoosh/compat.py`` does ``from urllib.request import urlretrieve`` (``urllib.request``
  loads http.client, email and ssl: about 23 ms) for a function Whoosh never calls;
- ``whoosh/reading.py`` imports ``cached_property``, whose module imports asyncio (about
  13 ms) to ask, when a cached property is first read, whether it wraps a coroutine;
- ``whoosh/query/terms.py`` imports ``whoosh.lang.morph_en`` (about 4 ms of regular
  expressions) for the ``Variations`` query, which searcher never builds.

:func:`import_whoosh_lean` imports those modules first, and while (only while) their
bodies run, in this thread only, their ``import urllib.request`` / ``import asyncio`` /
``from whoosh.lang.morph_en import variations`` get a stand-in instead of the package:
attributes read from the stand-in come from the real package, imported then. So
``whoosh.compat.urlretrieve`` downloads as before (it imports urllib.request on its
first call), ``cached_property`` asks asyncio only about a callable asyncio marked
(:func:`_iscoroutinefunction`), and
``sys.modules`` is never touched: any later ``import asyncio`` or
``import urllib.request`` anywhere in the process (other threads included, at any
time) gets the real, complete package. A package already imported, or an importer
already imported, is left as it is.

tests/test_lean_imports.py checks all of that; a third-party release that imports
something else from these packages at import time just loads them as before.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

# importer module -> (package it imports but does not need yet, functions it takes with
# `from package import name` at import time)
DEFERRED: dict[str, tuple[str, tuple[str, ...]]] = {
    "cached_property": ("asyncio", ()),
    "whoosh.compat": ("urllib.request", ("urlretrieve",)),
    "whoosh.query.terms": ("whoosh.lang.morph_en", ("variations",)),
}


def _iscoroutinefunction(func: Any) -> bool:
    """``asyncio.iscoroutinefunction(func)`` without importing asyncio when the answer
    cannot depend on it: asyncio answers ``inspect.iscoroutinefunction(func)``, or True
    for a callable carrying its private ``_is_coroutine`` mark (asyncio's own wrappers,
    AsyncMock), which only such callables have. So Whoosh reading its cached
    properties (``searcher show``, ``explain``) needs no asyncio either."""
    if inspect.iscoroutinefunction(func):
        return True
    if not hasattr(func, "_is_coroutine"):
        return False
    return bool(importlib.import_module("asyncio").iscoroutinefunction(func))


# Functions a stand-in answers itself, exactly, without importing their package.
ANSWERED: dict[tuple[str, str], Callable[..., Any]] = {
    ("asyncio", "iscoroutinefunction"): _iscoroutinefunction,
}


def _imported_on_call(package: str, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(package), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{package}.{name}, imported on its first call."
    return call


class _StandIn:
    """What ``import package`` returns inside one importer's body: any attribute comes
    from the real package (imported then), except the functions the importer takes at
    import time, which are wrappers that import it when called, and those in ANSWERED."""

    def __init__(self, package: str, functions: Sequence[str]) -> None:
        self._package = package
        self._functions = {name: _imported_on_call(package, name) for name in functions}

    def __getattr__(self, name: str) -> Any:
        if name in self._functions:
            return self._functions[name]
        answered = ANSWERED.get((self._package, name))
        if answered is not None:
            return answered
        return getattr(importlib.import_module(self._package), name)

    def __repr__(self) -> str:
        return f"<{self._package}, imported on first use>"


def import_whoosh_lean() -> None:
    """Import the modules in DEFERRED (those not imported yet) without the packages
    they import for later; see the module docstring."""
    pending = {importer: spec for importer, spec in DEFERRED.items()
               if importer not in sys.modules and spec[0] not in sys.modules}
    if not pending:
        return
    stand_ins = {importer: _StandIn(*spec) for importer, spec in pending.items()}
    real_import = builtins.__import__
    thread = threading.get_ident()

    def lean_import(name: str, globals: Mapping[str, Any] | None = None,
                    locals: Mapping[str, Any] | None = None, fromlist: Sequence[str] | None = (),
                    level: int = 0) -> Any:
        importer = (globals or {}).get("__name__")
        if (level == 0 and importer in stand_ins and threading.get_ident() == thread
                and name == pending[importer][0] and name not in sys.modules):
            return stand_ins[importer]
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = lean_import
    try:
        for importer in pending:
            importlib.import_module(importer)
    finally:
        builtins.__import__ = real_import
