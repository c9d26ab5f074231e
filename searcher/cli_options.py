"""What the click commands share: the index option, the filter options, the one
place library errors become a one-line message and an exit status, and the command
class whose words are a query (cli.py and cli_serve.py both use them)."""

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


class QueryCommand(click.Command):
    """A command whose words are a query: a word starting with ``-`` (``-drone``, an
    exclusion in the query language) is a query word unless it is one of the command's
    options, so ``searcher search -drone missile`` works as README's table says."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: set[str] = set()
        flags: set[str] = set()
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                names = {*param.opts, *param.secondary_opts}
                (flags if param.is_flag or param.count else takes_value).update(names)
        options: list[str] = []
        words: list[str] = []
        pending = False  # the previous token was an option that takes a value
        for k, token in enumerate(args):
            if pending:
                options.append(token)
                pending = False
            elif token == "--":
                words.extend(args[k + 1:])
                break
            elif token in flags or token.split("=", 1)[0] in takes_value:
                options.append(token)
                pending = token in takes_value
            elif token[:2] in takes_value and token[2:].isdigit():  # -n5
                options.append(token)
            else:
                words.append(token)
        return super().parse_args(ctx, [*options, "--", *words] if words else options)
