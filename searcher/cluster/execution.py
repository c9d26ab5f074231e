"""Which runner a sharded index uses: Dask's when a scheduler is named (``scheduler=``,
``--scheduler``, ``$SEARCHER_SCHEDULER``), importing Dask only then; else this
process's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import SchedulerError
from .layout import ClusterLayout
from .runner import LocalRunner, ShardOpener, ShardRunner, scheduler_address

if TYPE_CHECKING:
    from .dask_runner import DaskRunner


def runner_for(layout: ClusterLayout, opener: ShardOpener,
               scheduler: str | None) -> ShardRunner:
    """A DaskRunner when a scheduler is named, else a LocalRunner."""
    address = scheduler_address(scheduler)
    if address is None:
        return LocalRunner(layout, opener)
    return dask_runner(layout, opener, address)


def dask_runner(layout: ClusterLayout, opener: ShardOpener | None,
                address: str) -> DaskRunner:
    """A DaskRunner on ``address`` (SchedulerError when Dask is not installed)."""
    try:
        from .dask_runner import DaskRunner
    except ImportError as e:
        raise SchedulerError(address, "Dask is not installed: pip install "
                                      "'searcher[cluster]'") from e
    return DaskRunner(layout, opener, address)
