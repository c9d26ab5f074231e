"""Use both cores for large builds: worker processes write segments, the parent adopts them.

``ParallelWriter`` looks like a Whoosh writer to the indexer (add_document,
delete_by_term, commit, cancel, generation). Added documents go in batches to
worker processes, each writing its own segment into the index folder with
``FastSegmentWriter`` (no lock: the parent holds it). Deletions stay in the
parent's writer. ``commit`` lists the workers' finished segments in the parent's
single TOC commit without re-merging postings (Whoosh's MpWriter with
``multisegment=True``, without its job files), so nothing is visible before it:
a crash at any point leaves the last commit intact, and the next commit removes
the orphan segment files. Workers die with their parent, so a killed build never
leaves a process holding the index lock.

Measured on Reuters-21578 (bench/build.py, /work/notes/perf in the session that
added it): 2.9x the obvious Whoosh loop with 2 workers, 1.6x with one process.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import queue
import threading
import time
import traceback
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import clean_files

from ..stories.words import StoryPart, StoryWords
from .segment_writer import FastSegmentWriter

BATCH_SIZE = 100  # documents per message to a worker
WORKER_LIMIT_MB = 96  # posting memory per worker before it spills a sorted run


class ParallelWriter:
    """A writer whose added documents are indexed by ``procs`` worker processes."""

    def __init__(self, ix: Any, procs: int = 2, limitmb: int = WORKER_LIMIT_MB,
                 stories: bool = False) -> None:
        self.writer = FastSegmentWriter(ix, limitmb=limitmb, _lk=False)
        self.generation = self.writer.generation
        self._batch: list[bytes] = []
        self._finished: tuple[list[Any], list[StoryPart]] | None = None
        ctx: Any = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        # One queue per worker, batch k to worker k % procs: which articles each
        # segment holds, and so their document numbers (the tie-break of equal scores,
        # which copy of a story is shown), is the same in every build of the same
        # records, whichever worker happens to be free first.
        self._jobs: list[Any] = [ctx.Queue(4) for _ in range(procs)]
        self._results: Any = ctx.Queue()
        self._sent = 0
        self._batches = 0
        self._workers = [
            ctx.Process(target=_worker, daemon=True,
                        args=(ix.storage.folder, ix.indexname, limitmb, self._jobs[i],
                              self._results, os.getpid(), i, stories))
            for i in range(procs)]
        for p in self._workers:
            p.start()

    def add_document(self, **doc: Any) -> None:
        # Pickled here, not by the queue's feeder thread: a document that cannot be
        # pickled fails this call, for this record (as the one-process writer's does),
        # where the feeder thread would print a traceback and drop its whole batch.
        self._batch.append(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
        if len(self._batch) >= BATCH_SIZE:
            self._flush()

    def delete_by_term(self, fieldname: str, text: str) -> None:
        self.writer.delete_by_term(fieldname, text)

    def _flush(self) -> None:
        if self._batch:
            # with the number of its first document in the build's order (story_seq)
            jobs = self._jobs[self._batches % len(self._jobs)]
            _put(jobs, (self._sent, self._batch), self._workers)
            self._batches += 1
            self._sent += len(self._batch)
            self._batch = []

    def _finish_workers(self) -> tuple[list[Any], list[StoryPart]]:
        """Wait for the workers to write their segments: the segments (in worker
        order) and the story parts, once."""
        if self._finished is not None:
            return self._finished
        self._flush()
        for jobs in self._jobs:
            _put(jobs, None, self._workers)
        segments: list[tuple[int, Any]] = []
        parts: list[StoryPart] = []
        errors: list[str] = []
        os_error: OSError | None = None
        done = 0
        for _ in self._workers:
            wid, segment, count, error, wparts = _get(self._results, self._workers)
            if isinstance(error, tuple):  # the OS refused a write (disk full...)
                os_error = OSError(*error)
            elif error:
                errors.append(error)
            elif segment is not None:
                segments.append((wid, segment))
                parts += wparts
                done += count
        for p in self._workers:
            p.join()
        if os_error is not None:
            raise os_error
        if errors:
            raise RuntimeError("an index worker failed:\n" + "\n".join(errors))
        if done != self._sent:  # never expected: every batch is pickled before sending
            raise OSError(0, f"index workers wrote {done} of {self._sent} documents")
        self._finished = ([seg for _wid, seg in sorted(segments, key=lambda ws: ws[0])],
                          parts)
        return self._finished

    def story_parts(self) -> list[StoryPart]:
        """The workers' story signatures (waits for them to finish writing)."""
        try:
            return self._finish_workers()[1]
        except BaseException:
            self.cancel()
            raise

    def commit(self, mergetype: Any = None, optimize: bool = False) -> None:
        """Wait for the workers, then one commit listing their segments."""
        writer = self.writer
        try:
            segments = self._finish_workers()[0]
            final = writer._merge_segments(mergetype, optimize, True)
            final += segments
            if writer._added:
                final.append(writer._finalize_segment())
            else:
                writer._close_segment()
            writer._commit_toc(final)
            writer._finish()
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        """Stop the workers and remove every file the last commit does not list."""
        for p in self._workers:
            if p.is_alive():
                p.terminate()
        for p in self._workers:
            p.join()
        for q in (*self._jobs, self._results):
            q.cancel_join_thread()  # never hang at exit on a pipe nobody reads
        writer = self.writer
        if not writer.is_closed:
            try:
                writer._close_segment()
                clean_files(writer.storage, writer.indexname, writer.generation - 1,
                            writer.segments)
            finally:
                writer._finish()


def _die_with_parent(parent_pid: int) -> None:
    """A worker never outlives its parent: if the parent is killed mid-message, a
    worker blocked on the half-written pipe would otherwise hold the index lock
    (inherited through fork) forever. PR_SET_PDEATHSIG on Linux, plus a watchdog."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    parent = os.getppid()
    if parent != parent_pid:
        os._exit(3)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def _drop_inherited_lock(lock_name: str) -> None:
    """Close this process's copy of the parent's lock file descriptor (inherited by
    fork): the lock then belongs to the parent alone and goes away with it."""
    fd_dir = "/proc/self/fd"
    if not os.path.isdir(fd_dir):
        return
    for entry in os.listdir(fd_dir):
        with contextlib.suppress(OSError, ValueError):
            if os.readlink(f"{fd_dir}/{entry}").endswith(lock_name):
                os.close(int(entry))


def _worker(ix_dir: str, indexname: str, limitmb: int, jobs: Any, results: Any,
            parent_pid: int, wid: int, stories: bool) -> None:
    """Index batches from ``jobs`` into one new segment; report it on ``results``."""
    _die_with_parent(parent_pid)
    _drop_inherited_lock(f"{indexname}_WRITELOCK")
    writer = None
    finished = False  # the parent's end-of-jobs sentinel was received
    try:
        ix = whoosh_index.open_dir(ix_dir, indexname=indexname)
        writer = FastSegmentWriter(ix, _lk=False, limitmb=limitmb)
        if stories:
            writer.stories = StoryWords()
        while True:
            try:
                job = jobs.get(timeout=1.0)
            except queue.Empty:
                continue
            if job is None:
                finished = True
                break
            writer.story_seq, batch = job
            for doc in batch:
                writer.add_document(**pickle.loads(doc))
        count = writer.doc_count()
        if writer._added:
            segment = writer._finalize_segment()  # flush, close, compound file
        else:
            writer._close_segment()
            segment = None
        results.put((wid, segment, count, None, writer.story_parts()))
    except BaseException as e:  # report everything; the parent decides
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.pool.cleanup()
        error: Any = traceback.format_exc()
        if isinstance(e, OSError) and e.errno is not None:
            error = (e.errno, e.strerror or str(e))
        # Keep taking (and dropping) jobs until the parent's sentinel, so that the
        # parent never blocks on a full queue; it reads the error once it is done.
        while not finished and not isinstance(e, (KeyboardInterrupt, SystemExit)):
            with contextlib.suppress(queue.Empty):
                finished = jobs.get(timeout=1.0) is None
        results.put((wid, None, 0, error, []))


def _alive_or_raise(workers: list[Any]) -> None:
    for p in workers:
        if p.exitcode not in (None, 0):
            raise RuntimeError(f"index worker {p.pid} exited with status {p.exitcode}")


def _put(jobs: Any, item: Any, workers: list[Any]) -> None:
    while True:
        try:
            jobs.put(item, timeout=1.0)
            return
        except queue.Full:
            _alive_or_raise(workers)


def _get(results: Any, workers: list[Any]) -> Any:
    while True:
        try:
            return results.get(timeout=1.0)
        except queue.Empty:
            _alive_or_raise(workers)
