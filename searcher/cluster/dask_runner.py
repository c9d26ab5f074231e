"""Shard work on a Dask cluster (``--scheduler tcp://HOST:PORT``): imported only then.

Every worker must see the index folder at the same path (a shared filesystem).
A shard's task prefers one worker (shard number modulo the sorted worker addresses)
so the worker that opened the shard keeps serving it from its own cache of open
shards (``_OPEN``: an ``Index`` follows its newest commit by itself, so the cache is
keyed by path); another worker may take it when that one is busy or gone. When a
worker dies mid-task the scheduler runs the task again on another worker (Dask's
``allowed-failures``); a task that raised is retried ``RETRIES`` times. What still
fails comes back as a ShardFailure, and a task that gives no answer within
``timeout`` seconds too, so a query's time is bounded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any, TypeVar

from distributed import Client
from distributed.scheduler import KilledWorker

from ..errors import SchedulerError, SearcherError
from .layout import ClusterLayout
from .runner import SHARD_FAILURES, ShardFailure, ShardOpener, reason
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
        return Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, ValueError, TypeError) as e:
        raise SchedulerError(address, reason(e)) from e


class DaskRunner:
    """Tasks on the workers of the scheduler at ``address``."""

    def __init__(self, layout: ClusterLayout, opener: ShardOpener | None, address: str,
                 timeout: float | None = SHARD_TIMEOUT_S) -> None:
        self.layout = layout
        self.address = address
        self.timeout = timeout
        self._opener = opener
        self._client = connect(address)

    def close(self) -> None:
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

    def run(self, task: Callable[..., T], shards: Sequence[int],
            *args: Any) -> list[T | ShardFailure]:
        """``task(shard, *args)`` on each shard, on the worker that holds it open."""
        paths = {n: str(self.layout.shard_path(n)) for n in shards}
        return self.each(shards, lambda n: (on_worker, self._opener, paths[n], task, *args))

    def each(self, shards: Sequence[int],
             call: Callable[[int], tuple[Any, ...]]) -> list[Any]:
        """``call(n)`` gives the function and arguments to run for shard ``n``; each
        runs on shard n's preferred worker. Results in the order of ``shards``."""
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


_OPEN: dict[str, Shard] = {}
_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def on_worker(opener: ShardOpener, path: str, task: Callable[..., T], *args: Any) -> T:
    """Run on a worker: ``task`` on the shard at ``path``, opened once per worker
    process and kept open; one task at a time per shard (an Index is not shared
    between threads)."""
    with _GUARD:
        lock = _LOCKS.setdefault(path, threading.Lock())
    with lock:
        shard = _OPEN.get(path)
        if shard is None:
            shard = _OPEN[path] = opener(Path(path))
        return task(shard, *args)
