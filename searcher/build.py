"""The library's build: ``build_index`` updates one index, or every shard of a sharded
one (a sharded index stays sharded whoever builds it: the command line or Python).

One index is built by indexer.py; the shards by cluster/build.py (each an ordinary
index built the same way). This module only chooses, so neither imports the other.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .cluster.layout import read_layout
from .formats import FieldMap
from .indexer import build_part
from .models import BuildReport
from .storage import index_path
from .update import ProgressCallback


def build_index(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    index: str | os.PathLike[str] | None = None,
    field_map: Sequence[str] | FieldMap | None = None,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
) -> BuildReport:
    """Index the articles under ``paths`` (default: ``$SEARCHER_CORPUS`` or ``corpus/``)
    into ``index`` (default: ``$SEARCHER_INDEX`` or ``index/``).

    ``field_map`` overrides how structured records map to article fields
    (``["body=short_description", "tags=topics,places"]``). ``rebuild`` starts
    from an empty index (and always works, even on a damaged one). Raises
    IndexLockedError when another build holds the index, CorpusError for a path that
    does not exist, IndexWriteError when the index folder cannot be written (the
    previous index is then unchanged); bad files and records are reported in the
    returned BuildReport, never raised. A sharded index (``build_sharded``,
    ``searcher build --shards N``) has its shards updated, as many as it has.
    """
    layout = read_layout(index_path(index))
    if layout is not None:
        # (imported here: a build of one index never loads the cluster's search code,
        # a tenth of a second of every build)
        from .cluster.build import build_sharded

        return build_sharded(paths, index=index, shards=layout.shards,
                             field_map=field_map, rebuild=rebuild, progress=progress)
    return build_part(paths, index=index, field_map=field_map, rebuild=rebuild,
                      progress=progress)
