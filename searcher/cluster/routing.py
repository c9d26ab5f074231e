"""One build's writes routed to the shards: what the build (update.Update) takes for
one writer, each article sent to the writer of the shard owning its id.

The build reads every file once; each added, replaced or deleted article goes to its
shard's writer (layout.shard_of), so each shard ends with
exactly the articles one index would hold of its share. A shard's writer opens on its
first write (a shard nothing touched keeps its files), or all at once when they are
worker processes (opened before any is fed, so no process forks with work in flight).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import schema
from .layout import shard_of

ShardWriterOpener = Callable[[int, int], Any]
"""(shard, articles expected) -> a writer for that shard (as indexer's writers)."""


class RoutedWriter:
    """A writer whose work goes to per-shard writers, each opened on first use."""

    def __init__(self, shards: int, open_writer: ShardWriterOpener, records: int,
                 all_at_once: bool = False) -> None:
        self.shards = shards
        self._open_writer = open_writer
        self._records = records
        self.writers: dict[int, Any] = {}
        if all_at_once:
            for n in range(shards):
                self.writer(n)

    def writer(self, n: int) -> Any:
        found = self.writers.get(n)
        if found is None:
            found = self.writers[n] = self._open_writer(n, self._records // self.shards + 1)
        return found

    def add_document(self, **doc: Any) -> None:
        self.writer(shard_of(doc[schema.ID], self.shards)).add_document(**doc)

    def delete_by_term(self, fieldname: str, text: str) -> None:
        assert fieldname == schema.ID, fieldname  # the build deletes by id only
        self.writer(shard_of(text, self.shards)).delete_by_term(fieldname, text)

    def cancel(self) -> None:
        """Cancel every opened writer (all of them, whatever one raises)."""
        errors = []
        for w in self.writers.values():
            try:
                w.cancel()
            except Exception as e:  # each writer must be cancelled
                errors.append(e)
        if errors:
            raise errors[0]

