"""Build or update a sharded index: each shard is an ordinary searcher build that
keeps only the articles routed to it (layout.shard_of).

First cut: every shard's build reads every file (one after the other), so the
readers' and the repeated-text decisions are the whole corpus's and each shard's
articles are exactly what one index would hold; incremental builds stay exact for
added, changed and deleted records because a record's id always routes to the same
shard. Reading once for all shards, and one commit across shards, are not done yet.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from ..corpus import default_corpus
from ..errors import InvalidArgumentError, SchedulerError
from ..formats import FieldMap
from ..indexer import build_part
from ..ledger import MAX_PROBLEMS_KEPT, problem_kind
from ..models import BuildReport
from ..storage import IndexDir, index_path
from ..update import ProgressCallback
from .execution import dask_runner
from .layout import ClusterLayout, check_shards, read_layout, shard_of
from .runner import scheduler_address


def build_sharded(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    index: str | os.PathLike[str] | None = None,
    shards: int,
    field_map: Sequence[str] | FieldMap | None = None,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
) -> BuildReport:
    """Index ``paths`` into ``shards`` shard indexes under ``index`` (a new folder,
    or a sharded index with that many shards). One report for the whole index: the
    articles added, changed, deleted and held are summed over the shards; problems,
    decisions and files are the corpus's (every shard reads the same files).

    ``scheduler`` (default ``$SEARCHER_SCHEDULER``; ``tcp://HOST:PORT``) builds the
    shards on that Dask cluster's workers, which must see ``paths`` and ``index`` at
    the same paths (a shared filesystem); ``progress`` is then not called."""
    started = time.perf_counter()
    layout = ClusterLayout(index_path(index), check_shards(shards))
    existing = read_layout(layout.path)
    if existing is not None and existing.shards != shards:
        raise InvalidArgumentError(
            f"{layout.path} has {existing.shards} shards, not {shards}: changing the "
            "number of shards is not supported yet (build into a new folder)")
    if existing is None and IndexDir(layout.path).exists():
        raise InvalidArgumentError(
            f"{layout.path} is an index that is not sharded: build the sharded index "
            "into a new folder")
    layout.save()
    address = scheduler_address(scheduler)
    if address is None:
        reports = [build_part(paths, index=shard_path, field_map=field_map, rebuild=rebuild,
                              progress=progress, keep_id=partial(_routed, n, shards),
                              exclude=layout.path)
                   for n, shard_path in enumerate(layout.shard_paths)]
    else:
        reports = _on_cluster(layout, address, paths, field_map, rebuild)
    return _combined(layout.path, reports, time.perf_counter() - started)


def _on_cluster(layout: ClusterLayout, address: str,
                paths: Sequence[str | os.PathLike[str]] | None,
                field_map: Sequence[str] | FieldMap | None, rebuild: bool) -> list[BuildReport]:
    """Each shard's build as a task on the Dask cluster (paths made absolute: a worker's
    working folder is not ours). A shard whose build fails fails the build."""
    roots = [Path(p).resolve() for p in (paths or [default_corpus()])]
    runner = dask_runner(layout, None, address)
    runner.timeout = None  # a build takes as long as it takes (a search's is bounded)
    try:
        outcomes = runner.each(range(layout.shards), lambda n: (partial(
            build_part, roots, index=layout.shard_path(n), field_map=field_map,
            rebuild=rebuild, keep_id=partial(_routed, n, layout.shards),
            exclude=layout.path),))
    finally:
        runner.close()
    for n, outcome in enumerate(outcomes):
        if not isinstance(outcome, BuildReport):
            raise SchedulerError(address, f"the build of {layout.shard_path(n).name} "
                                          f"failed: {outcome.reason}")
    return outcomes


def _routed(n: int, shards: int, article_id: str) -> bool:
    return shard_of(article_id, shards) == n


_ROUTED_KINDS = ("duplicate id", "not indexed")  # problems of one routed record


def _routed_problem(message: str) -> bool:
    return problem_kind(message) in _ROUTED_KINDS


def _combined(path: Path, reports: list[BuildReport], elapsed: float) -> BuildReport:
    """One report: a routed record's problem (a duplicate id, a record that failed to
    index) comes from the shard that owns the id; every other problem and decision
    every shard met alike, so it is counted once (from the first shard)."""
    first = reports[0]

    def total(name: str) -> int:
        return sum(int(getattr(r, name)) for r in reports)

    problems = [p for p in first.problems if not _routed_problem(p.message)]
    problems += [p for r in reports for p in r.problems if _routed_problem(p.message)]
    skipped = first.skipped - sum(p.skipped for p in first.problems
                                  if _routed_problem(p.message))
    skipped += sum(p.skipped for p in problems if _routed_problem(p.message))
    kinds: Counter[str] = Counter({k: n for k, n in first.problem_kinds.items()
                                   if k not in _ROUTED_KINDS})
    for r in reports:
        kinds.update({k: n for k, n in r.problem_kinds.items() if k in _ROUTED_KINDS})
    return BuildReport(
        index=str(path), added=total("added"), updated=total("updated"),
        deleted=total("deleted"), unchanged=total("unchanged"), skipped=skipped,
        problems=tuple(problems[:MAX_PROBLEMS_KEPT]), files_read=first.files_read,
        files_unchanged=first.files_unchanged, files_deleted=first.files_deleted,
        files_ignored=first.files_ignored, documents=total("documents"),
        index_bytes=total("index_bytes"), elapsed_s=elapsed,
        rebuilt=first.rebuilt, decisions=dict(first.decisions),
        problem_kinds=dict(kinds.most_common()), kept=total("kept"),
        rejudged=first.rejudged, ignored_kinds=dict(first.ignored_kinds))
