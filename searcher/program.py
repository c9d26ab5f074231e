"""How the ``searcher`` program starts and ends: what a one-shot command need not pay.

A one-shot ``searcher search`` is mostly interpreter, imports and exit, not the query
(issue 10: <= 150 ms at 1x). Besides importing only what it uses (cli.py, render_plain,
_whoosh/lean_imports), the program avoids two costs that are not searcher's at all:
numpy's BLAS thread pool, and Python's cyclic garbage collector walking the objects
imports create, during the command and at exit. Both are process-wide, so both apply
only to the program itself, never to a Python caller importing searcher.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def one_blas_thread() -> None:
    """numpy's OpenBLAS starts a pool of threads when it loads (about 55 ms of a one-shot
    command here, on 2 cores) for matrix products, which searcher never computes: unless
    the user set a thread count, the command loads it with one thread. Runs before any
    command imports the engine (cli._open_any); build workers inherit the setting."""
    if "numpy" not in sys.modules and not any(v in os.environ for v in BLAS_THREADS):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


READ_ONLY = frozenset({"search", "show", "stats", "explain", "check", "inspect"})
ONE_QUERY = frozenset({"search", "show", "stats", "explain"})


@contextmanager
def one_shot(command: str | None) -> Iterator[None]:
    """Run ``command`` (the program's subcommand, None for anything else) sparing it
    Python's cyclic garbage collector, which frees nothing in a one-shot command:

    - a command that answers one query (ONE_QUERY) runs with the collector off: it
      would walk the objects Whoosh, numpy and the engine create on import ~30 times
      (~5 ms); the garbage of one query is small (peak RSS of a 50x search unchanged);
    - a command that writes nothing (READ_ONLY) marks the objects left permanent
      (``gc.freeze``) as it ends: the last collections at exit would walk them all
      only for the process to free them anyway (~20 ms).

    Output, exit status and atexit handlers are as before. Commands that write (build,
    the shell's history) are left alone, so anything of theirs that only a collection
    would close still is; check and inspect, which read whole indexes and files, keep
    the collector on. cli.py runs a command this way only on the process's own
    command line."""
    if command in ONE_QUERY:
        gc.disable()
    try:
        yield
    finally:
        if command in READ_ONLY:
            gc.freeze()


class _Closed(io.TextIOBase):
    """The standard output of a process started without one: writing fails as writing
    to a closed descriptor does, so the command reports it (output_failed)."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def forgiving_output() -> None:
    """Output the console cannot encode is replaced, not a traceback: under a non-UTF-8
    locale (ISO-8859-1, ASCII, a cp1252 console) searcher's own ``…`` and ``·`` and an
    article's letters print as ``?``. Only for the program's own streams."""
    if sys.stdout is None:  # started with stdout closed (``>&-``): say so when written
        sys.stdout = _Closed()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            with suppress(OSError, ValueError):  # closed or detached: nothing to print to
                reconfigure(errors="replace")


def output_failed(error: OSError) -> int:
    """The output could not be written (a full disk, a closed stdout): one line on
    stderr, exit status 1, and nothing left for the interpreter to fail on at exit."""
    reason = error.strerror or str(error)
    with suppress(OSError, ValueError):
        sys.stderr.write(f"searcher: cannot write the output ({reason})\n")
        sys.stderr.flush()
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (until exit)
    return 1

