"""Where a sharded index's shard work runs: in this process (LocalRunner, here) or on
Dask workers (dask_runner.DaskRunner, loaded only when a scheduler is named).

A runner runs one task (a function of tasks.py) on each chosen shard and returns,
per shard, its result or a :class:`ShardFailure` (the shard is missing or damaged,
its worker died more often than Dask retries, it gave no answer in time); whether a
failure is an error or a partial answer is the coordinator's decision
(search.ShardedIndex). An error of the query itself (a syntax error, a bad argument)
is raised as it is: every shard would say the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ..errors import (
    IndexDamagedError,
    IndexIncompatibleError,
    IndexNotFoundError,
)
from .layout import ClusterLayout
from .tasks import Shard

T = TypeVar("T")

SCHEDULER_ENV = "SEARCHER_SCHEDULER"

SHARD_DAMAGE: tuple[type[BaseException], ...] = (
    IndexNotFoundError, IndexDamagedError, IndexIncompatibleError)
"""A shard's files are missing or damaged: every process sees the same."""
SHARD_FAILURES: tuple[type[BaseException], ...] = (*SHARD_DAMAGE, OSError)
"""What makes a shard fail (rather than the query): it cannot be opened or read."""


@dataclass(frozen=True)
class ShardFailure:
    """Shard ``shard`` (its number) did not answer, and why (one line)."""

    shard: int
    reason: str


@dataclass(frozen=True)
class PerShard:
    """A task argument with a value of its own for each shard (by shard number)."""

    values: dict[int, Any]


def shard_args(args: tuple[Any, ...], n: int) -> tuple[Any, ...]:
    """The arguments shard ``n``'s task gets: each PerShard replaced by its value."""
    return tuple(a.values[n] if isinstance(a, PerShard) else a for a in args)


Finish = tuple[Any, ...]
"""A step after a round's task, run where the round's shards ran, over the results of
those shards together: ``(fn, *args)``, called as ``fn(results, on, *args)`` with the
results by shard number and ``on(n, task, *args)`` running ``task`` on shard ``n``; it
returns the results, to which it only adds (merge.best_hits: the hits of their best,
in the same call). A finish that fails leaves the results as they were: what it
would have added is asked for again (round three), which reports any failure."""


def finished(results: dict[int, Any], on: Callable[..., Any],
             finish: Finish | None) -> dict[int, Any]:
    """``results`` after ``finish`` (as they were without one, or if it failed)."""
    if finish is None or not results:
        return results
    fn, *args = finish
    try:
        return dict(fn(results, on, *args))
    except Exception:  # only additions: the caller asks again for what is missing
        return results


class ShardRunner(Protocol):
    remote: bool  # a round costs a round trip to other processes

    def run(self, task: Callable[..., T], shards: Sequence[int], *args: Any,
            finish: Finish | None = None) -> list[T | ShardFailure]: ...
    def switch(self, layout: ClusterLayout) -> None: ...
    def close(self) -> None: ...


ShardOpener = Callable[[Path], Shard]
"""Opens one shard (``index.Index``: passed in by ``index.open_index``)."""


def reason(error: BaseException) -> str:
    """One line saying why a shard failed."""
    text = str(error).splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class LocalRunner:
    """The shards opened in this process (each once, on first use), tasks run one
    shard after the other."""

    remote = False

    def __init__(self, layout: ClusterLayout, opener: ShardOpener) -> None:
        self.layout = layout
        self._opener = opener
        self._open: dict[int, Shard] = {}

    def run(self, task: Callable[..., T], shards: Sequence[int], *args: Any,
            finish: Finish | None = None) -> list[T | ShardFailure]:
        results: dict[int, Any] = {}
        for n in shards:
            try:
                results[n] = task(self._shard(n), *shard_args(args, n))
            except SHARD_FAILURES as e:
                results[n] = ShardFailure(n, reason(e))
        answered = {n: r for n, r in results.items() if not isinstance(r, ShardFailure)}
        results.update(finished(answered, lambda n, t, *a: t(self._shard(n), *a), finish))
        return [results[n] for n in shards]

    def _shard(self, n: int) -> Shard:
        shard = self._open.get(n)
        if shard is None:
            shard = self._open[n] = self._opener(self.layout.shard_path(n))
        return shard

    def switch(self, layout: ClusterLayout) -> None:
        """Search another generation of the index from now on (its shards' folders)."""
        self.close()
        self.layout = layout

    def close(self) -> None:
        for shard in self._open.values():
            shard.close()
        self._open.clear()


def scheduler_address(scheduler: str | None) -> str | None:
    """The scheduler to run on: the argument, else ``$SEARCHER_SCHEDULER``, else None
    (run in this process). An empty value means none."""
    chosen = scheduler if scheduler is not None else os.environ.get(SCHEDULER_ENV)
    return chosen.strip() or None if chosen is not None else None
