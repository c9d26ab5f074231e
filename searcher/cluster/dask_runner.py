"""Shard work on a Dask cluster (``--scheduler tcp://HOST:PORT``): imported only then.

Every worker must see the index folder at the same path (a shared filesystem).
A search's shard work goes to **actors**: one :class:`HostActor` per worker, running
the shards placed on that worker (shard number modulo the sorted worker addresses),
each kept open there (``_OPEN``: an ``Index`` follows its newest commit by itself,
so the cache is keyed by path). A round is one call per worker carrying all its
shards' work (4 shards on 2 workers: 2 calls, not 4; coordinator CPU per repeated
query 7.3-7.9 -> 4.1-4.7 ms, wall 30-41 -> 22 ms at load 9-11), made from this
process to the worker directly, not through the scheduler: measured here (2 cores,
load 5-8), a trivial task costs 20-30 ms from submission to result and an actor call
2-4 ms. When a worker dies (or a shard's task fails with an OSError), its shards are
placed on another worker (which opens them there) and asked once more. Builds
(``each``) run as ordinary tasks, which the scheduler reruns on another worker when
one dies (``allowed-failures``) and ``RETRIES`` times when they raise. What still
fails comes back as a ShardFailure, and a call that gives no answer within
``timeout`` seconds too, so a query's time is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
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
    Finish,
    ShardFailure,
    ShardOpener,
    finished,
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
        # worker address: the host actor placed there (and its future: the actor
        # lives as long as the future is held)
        self._hosts: dict[str, tuple[Future[Any], Any]] = {}
        self._placed: dict[int, str] = {}  # shard: the address of the host running it

    def switch(self, layout: ClusterLayout) -> None:
        """Search another generation of the index from now on (each host opens the new
        folders of its shards, closing the old ones)."""
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

    def _place(self, shards: Sequence[int], avoid: set[str]) -> None:
        """A host for each of ``shards`` that has none: shard n's preferred worker
        (n modulo the workers not in ``avoid``, those that just failed it, when there
        are others). New hosts are created together (one wait, not one scheduler
        round trip each); one that cannot be leaves its shards unplaced."""
        wanted = [n for n in shards if self._placed.get(n) not in self._hosts]
        if not wanted:
            return
        if self._opener is None:
            raise SchedulerError(self.address, "no shard opener to search with")
        workers = [w for w in self._workers() if w not in avoid] or self._workers()
        chosen = {n: workers[n % len(workers)] for n in wanted}
        futures = {w: self._client.submit(HostActor, self._opener, workers=[w],
                                          allow_other_workers=True, actor=True, pure=False)
                   for w in sorted(set(chosen.values()) - set(self._hosts))}
        with self._client.as_current():  # the actor's handle calls through our client
            for w, future in futures.items():
                with contextlib.suppress(*_MOVED):
                    self._hosts[w] = (future, future.result(timeout=self.timeout))
        self._placed.update({n: w for n, w in chosen.items() if w in self._hosts})

    def run(self, task: Callable[..., T], shards: Sequence[int], *args: Any,
            finish: Finish | None = None) -> list[T | ShardFailure]:
        """``task(shard, *args)`` on each shard, on the worker that holds it open: one
        call per worker for all its shards (and ``finish`` over them there), the calls
        at once. A shard whose worker failed (or whose task met an OSError) is moved to
        another worker and asked once more."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        outcomes: dict[int, Any] = {}
        pending = list(shards)
        avoid: set[str] = set()
        for attempt in range(2):
            self._place(pending, avoid)
            moved: dict[int, BaseException] = {}
            groups: dict[str, list[int]] = {}
            for n in pending:
                if n in self._placed:
                    groups.setdefault(self._placed[n], []).append(n)
                else:
                    moved[n] = OSError("no worker could host it")
            calls = {w: self._call(w, task, [
                (n, str(self.layout.shard_path(n)), self.layout.slot(n), shard_args(args, n))
                for n in ns], finish) for w, ns in groups.items()}
            for w, got in self._settle(calls, deadline).items():
                if isinstance(got, BaseException):  # the host's worker is gone
                    self._hosts.pop(w, None)
                    avoid.add(w)
                    moved.update({n: got for n in groups[w]})
                    continue
                for n in groups[w]:
                    one = got[n] if isinstance(got, dict) else got
                    if isinstance(one, BaseException) and isinstance(one, _MOVED) \
                            and not isinstance(one, SHARD_DAMAGE):
                        avoid.add(w)
                        moved[n] = one
                    else:
                        outcomes[n] = self._outcome(n, one)
            for n, error in moved.items():
                self._placed.pop(n, None)
                if attempt:
                    outcomes[n] = ShardFailure(n, reason(error))
            pending = sorted(moved)
            if not pending:
                break
        return [outcomes[n] for n in shards]

    def _call(self, w: str, task: Callable[..., Any],
              calls: list[tuple[int, str, str, tuple[Any, ...]]],
              finish: Finish | None) -> Any:
        """Start ``task`` on the host at ``w`` for its shards: its ActorFuture, or the
        error. (Run in the actor's thread, as Dask does by default: run on the worker's
        event loop instead, ``separate_thread=False``, a round's calls took less CPU
        but searches took twice as long on the loaded machine.)"""
        try:
            return self._hosts[w][1].run(task, calls, finish)
        except _MOVED as error:
            return error

    def _outcome(self, n: int, got: Any) -> Any:
        """Shard ``n``'s result, or its failure; the query's own errors are raised
        (every shard says the same)."""
        if got is _NO_ANSWER:
            return ShardFailure(n, f"no answer within {self.timeout:g} s")
        if not isinstance(got, BaseException):
            return got.value
        if isinstance(got, SHARD_DAMAGE):  # the shard's files: the same everywhere
            return ShardFailure(n, reason(got))
        raise got

    def _settle(self, calls: dict[str, Any], deadline: float | None) -> dict[str, Any]:
        """Each host call's results by shard (or what it raised, or _NO_ANSWER), waited
        for together: one hand-over to the client's event loop, not one per call."""
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        started = {w: c for w, c in calls.items() if not isinstance(c, BaseException)}

        async def wait() -> dict[str, Any]:
            waiting = {w: asyncio.ensure_future(_caught(c)) for w, c in started.items()}
            if waiting:
                await asyncio.wait(waiting.values(), timeout=left)
            for pending in waiting.values():
                pending.cancel()
            return {w: t.result() if t.done() and not t.cancelled() else _NO_ANSWER
                    for w, t in waiting.items()}

        settled = self._client.sync(wait) if started else {}
        return {w: c if isinstance(c, BaseException) else
                (settled[w].value if isinstance(settled[w], _Value) else settled[w])
                for w, c in calls.items()}

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
class _Value:
    value: Any


_NO_ANSWER = object()


async def _caught(call: Any) -> _Value | BaseException:
    """An actor call's result, or what it raised (as a value: settled together)."""
    try:
        return _Value(await call)
    except Exception as error:
        return error


class HostActor:
    """An actor on a worker: runs a task on each of the shards given to it, each
    opened once per worker process (``on_worker``), and returns per shard its result
    (``_Value``) or what it raised: one shard's failure is not its neighbours'."""

    def __init__(self, opener: ShardOpener) -> None:
        self.opener = opener
        keep_freed_memory()

    def run(self, task: Callable[..., Any], calls: list[tuple[int, str, str, tuple[Any, ...]]],
            finish: Finish | None = None) -> dict[int, Any]:
        done: dict[int, Any] = {}
        for n, path, slot, args in calls:
            try:
                done[n] = _Value(on_worker(self.opener, path, slot, task, *args))
            except Exception as error:
                done[n] = error
        where = {n: (path, slot) for n, path, slot, _args in calls}
        answered = {n: v.value for n, v in done.items() if isinstance(v, _Value)}
        for n, value in finished(answered, lambda n, t, *a: on_worker(
                self.opener, *where[n], t, *a), finish).items():
            done[n] = _Value(value)
        return done


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
MMAP_THRESHOLD = 32 << 20  # arrays up to this size come from the heap (glibc's largest)
TRIM_THRESHOLD = 256 << 20  # freed memory kept for the next query's arrays


def keep_freed_memory() -> None:
    """Let a worker's allocator keep what a query frees for the next one. A Dask nanny
    starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536`` (Dask's
    ``distributed.nanny.pre-spawn-environ``), which also pins glibc's mmap threshold at
    128 KB: every array over a shard's documents (2 MB for 270,000) was then a new
    mapping whose pages fault in zeroed, and a shard's round two took 6.5-7.6 ms of CPU
    where the same process without that variable took 3-4 (a quarter of the 50x copy,
    the bench mix). Set here, in the worker process: arrays up to MMAP_THRESHOLD come
    from the heap, which keeps up to TRIM_THRESHOLD freed (2.4-2.8 ms). Where glibc's
    ``mallopt`` is missing (another C library or system), nothing changes."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)


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
