"""Whoosh imported without urllib.request and asyncio (searcher/_whoosh/lean_imports.py),
and everything that uses them still works: each check runs in a fresh interpreter, the
only place where "not imported yet" means something."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_searcher_loads_neither_package() -> None:
    out = run("import sys, searcher, searcher.index\n"
              "print(sorted(m for m in ('asyncio', 'urllib.request', 'http.client', 'email',"
              " 'whoosh.lang.morph_en') if m in sys.modules))")
    assert out == "[]"


def test_a_later_import_gets_the_real_packages() -> None:
    out = run(
        "import sys, searcher\n"
        "import asyncio, urllib.request, cached_property, whoosh.compat\n"
        "assert sys.modules['asyncio'] is asyncio and asyncio.__file__.endswith('__init__.py')\n"
        "assert sys.modules['urllib.request'] is urllib.request\n"
        "import urllib\n"
        "assert urllib.request is urllib.request and callable(urllib.request.urlopen)\n"
        "import asyncio.subprocess\n"
        "print(asyncio.run(asyncio.sleep(0, 'ran')))\n")
    assert out == "ran"


def test_whoosh_urlretrieve_still_downloads(tmp_path: Path) -> None:
    source = tmp_path / "page.txt"
    source.write_text("fetched", encoding="utf-8")
    out = run(
        "import sys, searcher\n"
        "from whoosh.compat import urlretrieve\n"
        f"name, _headers = urlretrieve({source.as_uri()!r}, {str(tmp_path / 'copy.txt')!r})\n"
        "print(open(name).read(), 'urllib.request' in sys.modules)")
    assert out == "fetched True"


def test_whoosh_variations_still_expand() -> None:
    out = run("import sys, searcher\n"
              "from whoosh.query import Variations\n"
              "from whoosh.query.terms import variations\n"
              "print('rendering' in variations('rendered'), Variations('body', 'x').text,"
              " 'whoosh.lang.morph_en' in sys.modules)")
    assert out == "True x True"


def test_cached_property_still_caches_and_wraps_coroutines() -> None:
    out = run(
        "import sys, searcher\n"
        "from cached_property import cached_property\n"
        "class A:\n"
        "    calls = 0\n"
        "    @cached_property\n"
        "    def x(self):\n"
        "        A.calls += 1\n"
        "        return 41 + A.calls\n"
        "    @cached_property\n"
        "    async def y(self):\n"
        "        return 'awaited'\n"
        "a = A()\n"
        "assert a.x == a.x == 42 and A.calls == 1\n"
        "import asyncio\n"
        "async def main():\n"
        "    return await a.y\n"
        "print(asyncio.run(main()))")
    assert out == "awaited"


@pytest.mark.parametrize("first", ["asyncio", "urllib.request", "whoosh.compat"])
def test_nothing_changes_when_imported_before_searcher(first: str) -> None:
    out = run(
        f"import {first}\n"
        "import searcher, cached_property, whoosh.compat, asyncio, urllib.request\n"
        "print(cached_property.asyncio is asyncio,"
        " whoosh.compat.urlretrieve is urllib.request.urlretrieve)")
    expected = {"asyncio": "True False", "urllib.request": "False True",
                "whoosh.compat": "False True"}
    assert out == expected[first]


def test_a_reader_uses_its_cached_property(seed_index: Path) -> None:
    """Whoosh's own cached property (SegmentReader.deleted_docs_set) through a Whoosh
    matcher: it works, and asyncio is not needed to tell it is no coroutine."""
    out = run(
        "import sys, searcher\n"
        "from whoosh.index import open_dir\n"
        f"ix = open_dir({str(seed_index)!r})\n"
        "with ix.reader() as r:\n"
        "    word = next(iter(r.lexicon('body'))).decode()\n"
        "    print(sum(1 for _ in r.postings('body', word).all_ids()) > 0,"
        " 'asyncio' in sys.modules)")
    assert out == "True False"


def test_iscoroutinefunction_answers_as_asyncio_does() -> None:
    import asyncio
    import functools
    from unittest.mock import AsyncMock, MagicMock

    from searcher._whoosh.lean_imports import _iscoroutinefunction

    async def coroutine() -> None:
        pass

    def marked() -> None:
        pass

    def mismarked() -> None:
        pass

    marked._is_coroutine = getattr(asyncio.coroutines, "_is_coroutine", None)  # type: ignore[attr-defined]
    mismarked._is_coroutine = object()  # type: ignore[attr-defined]
    callables = [len, lambda: 1, coroutine, functools.partial(coroutine), marked, mismarked,
                 AsyncMock(), MagicMock(), object(), None, staticmethod(coroutine)]
    for f in callables:
        assert _iscoroutinefunction(f) == asyncio.iscoroutinefunction(f), f


def test_another_thread_importing_meanwhile_gets_the_real_packages() -> None:
    """The stand-ins are handed only to the importing thread's three importers: a thread
    importing asyncio or urllib.request while searcher is being imported gets the
    package itself, whatever the timing."""
    out = run(
        "import importlib, sys, threading, types\n"
        "seen = []\n"
        "def other():\n"
        "    for name in ('asyncio', 'urllib.request', 'whoosh.lang.morph_en') * 50:\n"
        "        seen.append(type(importlib.import_module(name)) is types.ModuleType)\n"
        "t = threading.Thread(target=other)\n"
        "t.start()\n"
        "import searcher, searcher.index\n"
        "t.join()\n"
        "import asyncio, urllib.request\n"
        "print(all(seen), len(seen), callable(asyncio.run), callable(urllib.request.urlopen),"
        " all(type(sys.modules[m]) is types.ModuleType for m in ('asyncio', 'urllib.request')))")
    assert out == "True 150 True True True"
