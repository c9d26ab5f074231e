"""A sharded build's writers on a Dask cluster's workers (``--scheduler``).

The build reads the corpus once in the coordinator's process (cluster/build.py);
each shard's writer (analysis, segment writing into the new generation's shard
folder, which the workers see at the same path) is a Dask actor on a worker, placed
as a search's shard is (shard number modulo the sorted worker addresses). The
coordinator sends each shard its articles and deletions in order, in batches, with
one batch in flight per shard, so its memory stays bounded while every worker
writes. A worker that dies fails the build (SchedulerError naming the shard); the
generation it was writing is never made current, so searches keep the last one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import schema
from .._whoosh.segment_writer import FastSegmentWriter
from ..errors import SchedulerError
from ..indexer import WRITER_LIMIT_MB
from ..storage import IndexDir
from ..stories.words import StoryPart, StoryWords
from .dask_runner import WORKERS_TIMEOUT_S, connect
from .layout import ClusterLayout
from .runner import reason

BATCH = 200  # articles and deletions per message to a shard's writer


class ShardWriterHost:
    """An actor on a worker: one shard's writer of the generation being built."""

    def __init__(self, path: str, limitmb: int) -> None:
        self.writer = FastSegmentWriter(IndexDir(Path(path)).open(), limitmb=limitmb,
                                        _lk=False)
        self.writer.stories = StoryWords()

    def generation(self) -> int:
        return int(self.writer.generation)

    def apply(self, ops: list[tuple[bool, Any]]) -> int:
        """Add (True, document) and delete (False, id) in order."""
        for add, value in ops:
            if add:
                self.writer.add_document(**value)
            else:
                self.writer.delete_by_term(schema.ID, value)
        return len(ops)

    def story_parts(self) -> list[StoryPart]:
        return self.writer.story_parts()

    def commit(self, mergetype: Any) -> None:
        self.writer.commit(mergetype=mergetype, optimize=False)

    def cancel(self) -> None:
        if not self.writer.is_closed:
            self.writer.cancel()


class RemoteWriter:
    """The coordinator's side of a shard's writer actor (a writer to the build)."""

    def __init__(self, name: str, address: str, actor: Any) -> None:
        self.name = name
        self.address = address
        self._actor = actor
        self._ops: list[tuple[bool, Any]] = []
        self._sent: Any = None
        self.generation = self._wait(actor.generation())

    def _wait(self, call: Any) -> Any:
        try:
            return call.result()
        except SchedulerError:
            raise
        except Exception as e:
            raise SchedulerError(self.address, f"the writer of {self.name} failed: "
                                               f"{reason(e)}") from e

    def add_document(self, **doc: Any) -> None:
        self._ops.append((True, doc))
        if len(self._ops) >= BATCH:
            self._send()

    def delete_by_term(self, fieldname: str, text: str) -> None:
        self._ops.append((False, text))
        if len(self._ops) >= BATCH:
            self._send()

    def _send(self) -> None:
        if self._sent is not None:
            self._wait(self._sent)  # one batch in flight: bounded memory, kept order
            self._sent = None
        if self._ops:
            self._sent, self._ops = self._actor.apply(self._ops), []

    def story_parts(self) -> list[StoryPart]:
        self._send()
        self._send()
        parts: list[StoryPart] = self._wait(self._actor.story_parts())
        return parts

    def commit(self, mergetype: Any = None, optimize: bool = False) -> None:
        self._send()
        self._send()
        self._wait(self._actor.commit(mergetype))

    def cancel(self) -> None:
        self._ops = []
        self._wait(self._actor.cancel())


class RemoteWriters:
    """Opens shard n's writer as an actor on its preferred worker (a ShardWriterOpener);
    ``close`` lets the actors go."""

    def __init__(self, layout: ClusterLayout, address: str) -> None:
        self.layout = layout
        self.address = address
        self._client = connect(address)
        try:
            self._client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except (TimeoutError, OSError) as e:
            self._client.close()
            raise SchedulerError(address, "it has no workers") from e
        self._workers = sorted(self._client.nthreads())

    def __call__(self, n: int, _records: int) -> RemoteWriter:
        path = self.layout.shard_path(n)
        future = self._client.submit(
            ShardWriterHost, str(path), max(16, WRITER_LIMIT_MB // self.layout.shards),
            workers=[self._workers[n % len(self._workers)]], allow_other_workers=True,
            actor=True, pure=False)
        with self._client.as_current():  # the actor's handle calls through our client
            try:
                actor = future.result()
            except Exception as e:
                raise SchedulerError(self.address, f"the writer of {path.name} did not "
                                                   f"start: {reason(e)}") from e
        return RemoteWriter(path.name, self.address, actor)

    def close(self) -> None:
        self._client.close()
