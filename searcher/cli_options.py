"""What the click commands share: the index option, the filter options and the one
place library errors become a one-line message and an exit status (cli.py and
cli_serve.py both use them)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import SearcherError
from .storage import INDEX_ENV

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def errors() -> Iterator[None]:
    """Translate library errors into a one-line message and an exit status, once."""
    try:
        yield
    except SearcherError as e:
        click.echo(f"searcher: {e.prefix}{e}", err=True)
        sys.exit(e.exit_code)


def index_option(f: F) -> F:
    return click.option(
        "--index", "index", type=click.Path(file_okay=False, path_type=Path),
        envvar=INDEX_ENV, default=None, show_envvar=True,
        help="Index folder (default: index/).")(f)


def scheduler_option(f: F) -> F:
    return click.option(
        "--scheduler", metavar="tcp://HOST:PORT", envvar="SEARCHER_SCHEDULER",
        show_envvar=True, default=None,
        help="Run a sharded index's shard work on this Dask cluster (searcher[cluster]; "
             "the workers must see the same paths).")(f)


def cluster_options(f: F) -> F:
    """``--scheduler`` and ``--allow-partial``: how a command reads a sharded index."""
    f = click.option("--allow-partial", is_flag=True,
                     help="On a sharded index, answer from the shards that answer (a note "
                          "names the others) instead of failing.")(f)
    return scheduler_option(f)


def filter_options(f: F) -> F:
    """``--tag``, ``--any-tag``, ``--not-tag``, ``--since``, ``--until``, ``--author``,
    ``--source``: ``Index.search``'s filters, under the same names as its arguments."""
    options = [
        click.option("--tag", "tags", multiple=True, metavar="TAG",
                     help="Must have this tag (repeatable: all)."),
        click.option("--any-tag", "any_tags", multiple=True, metavar="TAG",
                     help="Must have at least one of these tags (repeatable)."),
        click.option("--not-tag", "exclude_tags", multiple=True, metavar="TAG",
                     help="Must not have this tag (repeatable)."),
        click.option("--since", metavar="DATE",
                     help="Published on or after (2020-10-01, 'last week')."),
        click.option("--until", metavar="DATE",
                     help="Published on or before (whole day included)."),
        click.option("--author", metavar="NAME", help="Written by this author."),
        click.option("--source", metavar="NAME", help="From this publication."),
    ]
    for option in reversed(options):
        f = option(f)
    return f
