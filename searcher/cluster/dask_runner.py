"""Shard work on a Dask cluster (``--scheduler tcp://HOST:PORT``): imported only then.

Every worker must see the index folder at the same path (a shared filesystem).
A search's shard work goes to **actors**: one :class:`ShardHost` per shard, placed on
one worker (shard number modulo the sorted worker addresses), which keeps the shard
open (``_OPEN``: an ``Index`` follows its newest commit by itself, so the cache is
keyed by path). A call on an actor goes from this process to that worker directly,
not through the scheduler: measured here (2 cores, load 5-8), a trivial task costs
20-30 ms from submission to result and an actor call 2-4 ms, and a search makes
three calls per shard. When the worker holding a shard's host dies (or its call
fails with an OSError), the host is placed on another worker (which opens the shard
there) and the call runs once more. Builds (``each``) run as ordinary tasks, which
the scheduler reruns on another worker when one dies (``allowed-failures``) and
``RETRIES`` times when they raise. What still fails comes back as a ShardFailure,
and a call that gives no answer within ``timeout`` seconds too, so a query's time is
bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from distributed import Client, Future
from distributed.scheduler import KilledWorker

from ..errors import SchedulerError, SearcherError
from .layout import ClusterLayout
from .runner import (
    SHARD_DAMAGE,
    SHARD_FAILURES,
    ShardFailure,
    ShardOpener,
    reason,
    shard_args,
)
from .tasks import Shard

T = TypeVar("T")

CONNECT_TIMEOUT_S = 10  # reaching the scheduler
WORKERS_TIMEOUT_S = 30  # a scheduler with no worker yet: wait this long for one
SHARD_TIMEOUT_S = 120.0  # one shard's search task, from submission to answer
RETRIES = 1  # a task that raised (not the query's own error) runs once more


def connect(address: str) -> Client:
    """A client of the scheduler at ``address``, or SchedulerError in one line."""
    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # errors are ours
    try:
        # direct_to_workers: an actor call goes to its worker, not through the
        # scheduler's proxy (4 shards' trivial calls: 3.4 ms, proxied 6-8 ms, load 11)
        return Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False,
                      direct_to_workers=True)
    except (OSError, ValueError, TypeError) as e:
        raise SchedulerError(address, reason(e)) from e


class DaskRunner:
    """Tasks on the workers of the scheduler at ``address``."""

    remote = True

    def __init__(self, layout: ClusterLayout, opener: ShardOpener | None, address: str,
                 timeout: float | None = SHARD_TIMEOUT_S) -> None:
        self.layout = layout
        self.address = address
        self.timeout = timeout
        self._opener = opener
        self._client = connect(address)
        self._hosts: dict[int, tuple[Future[Any], Any]] = {}  # shard: (its actor's future, actor)

    def switch(self, layout: ClusterLayout) -> None:
        """Search another generation of the index from now on: new hosts for its
        shards' folders (a worker closes the generation it had open for each)."""
        self._hosts.clear()
        self.layout = layout

    def close(self) -> None:
        self._hosts.clear()
        self._client.close()

    def _workers(self) -> list[str]:
        workers = sorted(self._client.nthreads())
        if not workers:
            try:
                self._client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
            except (TimeoutError, OSError) as e:
                raise SchedulerError(self.address, "it has no workers") from e
            workers = sorted(self._client.nthreads())
        return workers

    def _host(self, n: int, avoid: str | None = None) -> Any:
        """Shard ``n``'s actor, placed on its preferred worker (another than ``avoid``,
        the address of a worker that just failed it, when there is another)."""
        if n not in self._hosts:
            self._place([n], avoid)
        return self._hosts[n][1]

    def _place(self, shards: Sequence[int], avoid: str | None = None) -> None:
        """Actors for those of ``shards`` that have none, created together (one wait
        for all, not one scheduler round trip per shard: a one-shot search places
        every shard's). A creation that fails raises (the first shard's error) after
        the others are kept."""
        wanted = [n for n in shards if n not in self._hosts]
        if not wanted:
            return
        if self._opener is None:
            raise SchedulerError(self.address, "no shard opener to search with")
        workers = self._workers()
        if avoid is not None and len(workers) > 1:
            workers = [w for w in workers if w != avoid]
        futures = {n: self._client.submit(
            ShardHost, self._opener, str(self.layout.shard_path(n)), self.layout.slot(n),
            workers=[workers[n % len(workers)]], allow_other_workers=True, actor=True,
            pure=False) for n in wanted}
        failed: BaseException | None = None
        with self._client.as_current():  # the actor's handle calls through our client
            for n, future in futures.items():
                try:
                    self._hosts[n] = (future, future.result(timeout=self.timeout))
                except _MOVED as error:
                    failed = failed or error
        if failed is not None:
            raise failed

    def _call(self, n: int, task: Callable[..., T], args: tuple[Any, ...],
              avoid: str | None = None) -> Any:
        """Start ``task`` on shard ``n``'s host: its ActorFuture, or the error."""
        try:
            return self._host(n, avoid).run(task, *args)
        except _MOVED as error:
            return error

    def run(self, task: Callable[..., T], shards: Sequence[int],
            *args: Any) -> list[T | ShardFailure]:
        """``task(shard, *args)`` on each shard, on the worker that holds it open (the
        calls run at once; a shard whose worker failed is moved and asked again)."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        with contextlib.suppress(*_MOVED):  # such a shard is placed again on its call
            self._place(shards)
        outcomes = self._settle({n: self._call(n, task, shard_args(args, n))
                                 for n in shards}, deadline)
        moved = {n: o for n, o in outcomes.items() if isinstance(o, _Moved)}
        if moved:
            again = {}
            for n in moved:
                failed = self._hosts.pop(n, (None, None))[1]
                again[n] = self._call(n, task, shard_args(args, n),
                                      getattr(failed, "_address", None))
            for n, outcome in self._settle(again, deadline).items():
                if isinstance(outcome, _Moved):
                    self._hosts.pop(n, None)
                    outcome = ShardFailure(n, reason(outcome.error))
                outcomes[n] = outcome
        return [outcomes[n] for n in shards]

    def _settle(self, calls: dict[int, Any], deadline: float | None) -> dict[int, Any]:
        """Each call's result, a ShardFailure, or _Moved (its worker failed: try
        another), waited for together (one hand-over to the client's event loop, not
        one per shard); the query's own errors are raised (every shard says the same)."""
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        started = {n: c for n, c in calls.items() if not isinstance(c, BaseException)}

        async def wait() -> dict[int, Any]:
            waiting = {n: asyncio.ensure_future(_caught(c)) for n, c in started.items()}
            if waiting:
                await asyncio.wait(waiting.values(), timeout=left)
            for pending in waiting.values():
                pending.cancel()
            return {n: w.result() if w.done() and not w.cancelled() else _NO_ANSWER
                    for n, w in waiting.items()}

        settled = self._client.sync(wait) if started else {}
        outcomes: dict[int, Any] = {}
        for n, call in calls.items():
            got = call if isinstance(call, BaseException) else settled[n]
            if got is _NO_ANSWER:
                outcomes[n] = ShardFailure(n, f"no answer within {self.timeout:g} s")
            elif not isinstance(got, BaseException):
                outcomes[n] = got.value
            elif isinstance(got, SHARD_DAMAGE):  # the shard's files: the same everywhere
                outcomes[n] = ShardFailure(n, reason(got))
            elif isinstance(got, SearcherError):
                raise got
            elif isinstance(got, _MOVED):
                outcomes[n] = _Moved(got)
            else:
                raise got
        return outcomes

    def each(self, shards: Sequence[int],
             call: Callable[[int], tuple[Any, ...]]) -> list[Any]:
        """``call(n)`` gives the function and arguments to run for shard ``n`` as a
        task (a build); each runs on shard n's preferred worker. Results in the order
        of ``shards``."""
        workers = self._workers()
        futures = []
        for n in shards:
            fn, *args = call(n)
            futures.append(self._client.submit(
                fn, *args, workers=[workers[n % len(workers)]], allow_other_workers=True,
                retries=RETRIES, pure=False))
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        results: list[Any] = []
        for n, future in zip(shards, futures, strict=True):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                results.append(future.result(timeout=left))
            except Exception as error:
                if not future.done():
                    future.cancel()
                    results.append(ShardFailure(n, f"no answer within {self.timeout:g} s"))
                elif isinstance(error, SearcherError) and \
                        not isinstance(error, SHARD_FAILURES):
                    raise  # the query's own error: every shard says the same
                elif isinstance(error, (KilledWorker, CancelledError, *SHARD_FAILURES)):
                    results.append(ShardFailure(n, reason(error)))
                else:
                    raise
        return results


_MOVED = (OSError, RuntimeError, CancelledError, KilledWorker)
"""A host's worker is gone or unreachable (a closed connection, "Worker holding
Actor was lost", a cancelled or killed creation): the shard moves to another worker."""


@dataclass(frozen=True)
class _Moved:
    error: BaseException


@dataclass(frozen=True)
class _Value:
    value: Any


_NO_ANSWER = object()


async def _caught(call: Any) -> _Value | BaseException:
    """An actor call's result, or what it raised (as a value: settled together)."""
    try:
        return _Value(await call)
    except Exception as error:
        return error


class ShardHost:
    """An actor on a worker: runs the tasks of one shard, opened once per worker
    process (``on_worker``)."""

    def __init__(self, opener: ShardOpener, path: str, slot: str) -> None:
        self.opener = opener
        self.path = path
        self.slot = slot

    def run(self, task: Callable[..., T], *args: Any) -> T:
        return on_worker(self.opener, self.path, self.slot, task, *args)


_OPEN: dict[str, tuple[str, Shard]] = {}  # slot: (the path open, its shard)
_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def on_worker(opener: ShardOpener, path: str, slot: str, task: Callable[..., T],
              *args: Any) -> T:
    """Run on a worker: ``task`` on the shard at ``path``, opened once per worker
    process and kept open; one task at a time per shard (an Index is not shared
    between threads). ``slot`` names the shard in every generation: opening a new
    generation's folder closes the old one's (a build removes it later)."""
    with _GUARD:
        lock = _LOCKS.setdefault(slot, threading.Lock())
    with lock:
        held = _OPEN.get(slot)
        if held is None or held[0] != path:
            if held is not None:
                held[1].close()
            held = _OPEN[slot] = (path, opener(Path(path)))
        return task(held[1], *args)
