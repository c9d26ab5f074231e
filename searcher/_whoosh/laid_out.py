"""A large build in one process, its articles laid out as the parallel build lays them out.

``ParallelWriter`` sends batch k of ``BATCH_SIZE`` added documents to worker k % procs,
and the workers' segments follow each other in worker order: the index holds batches
0, 2, 4... then 1, 3, 5... (for two workers). Document numbers break ties between equal
scores and pick the copy of a story that is shown, so a build must not lay out the
same records differently because the machine was busy when it started (indexer.py
then writes in one process: a second worker does not pay without a free core).
``LaidOutWriter`` writes the batches worker 0 would take as they come and keeps the
others, pickled, in a temporary file (unlinked at once: nothing is left if the build
dies), and writes them in worker order before the segment is finished: the same
document numbers and story sequence numbers as the parallel build, in one segment.
"""

from __future__ import annotations

import pickle
import tempfile
from typing import IO, Any

from ..stories.words import StoryPart
from .parallel import BATCH_SIZE
from .segment_writer import FastSegmentWriter


class LaidOutWriter(FastSegmentWriter):
    """FastSegmentWriter whose added documents land where ``procs`` workers put them."""

    def __init__(self, ix: Any, procs: int = 2, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._procs = procs
        self._seen = 0  # documents added, in the build's order
        # per later worker: its batches as (sequence number of the first, pickled docs)
        # (closed once written, or by cancel)
        self._kept: list[IO[bytes]] = [
            tempfile.TemporaryFile(dir=ix.storage.folder)  # noqa: SIM115
            for _ in range(procs - 1)]
        self._batch: list[bytes] = []
        self._batch_seq = 0

    def add_document(self, **fields: Any) -> None:
        seq = self._seen
        worker = (seq // BATCH_SIZE) % self._procs
        if worker == 0:
            self.story_seq = seq
            super().add_document(**fields)
        else:
            if not self._batch:
                self._batch_seq = seq
            # pickled now: a document that cannot be pickled fails this call, as in
            # ParallelWriter
            self._batch.append(pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL))
            if (seq + 1) % BATCH_SIZE == 0:
                self._keep(worker)
        self._seen += 1

    def _keep(self, worker: int) -> None:
        pickle.dump((self._batch_seq, self._batch), self._kept[worker - 1],
                    protocol=pickle.HIGHEST_PROTOCOL)
        self._batch = []

    def _write_kept(self) -> None:
        """The other workers' batches, worker by worker (once)."""
        if self._batch:
            self._keep((self._batch_seq // BATCH_SIZE) % self._procs)
        kept, self._kept = self._kept, []
        for f in kept:
            with f:
                f.seek(0)
                while True:
                    try:
                        seq, batch = pickle.load(f)
                    except EOFError:
                        break
                    self.story_seq = seq
                    for doc in batch:
                        super().add_document(**pickle.loads(doc))

    def story_parts(self) -> list[StoryPart]:
        self._write_kept()
        return super().story_parts()

    def commit(self, *args: Any, **kwargs: Any) -> None:
        self._write_kept()
        super().commit(*args, **kwargs)

    def cancel(self) -> None:
        for f in self._kept:
            f.close()
        self._kept = []
        super().cancel()
