"""``searcher export`` and ``searcher serve``: the commands that hand the index to
others, as a file of every match or as a web page and HTTP API. Thin, like cli.py: the
work is in export.py and serve/ (Starlette and uvicorn load only for ``serve``)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from .arguments import SORTS
from .cli_options import cluster_options, errors, filter_options, index_option
from .errors import SearcherError
from .export import DEFAULT_FIELDS, FIELDS, FORMATS


@click.command()
@click.argument("query", nargs=-1)
@index_option
@filter_options
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="CSV with a header row, or JSON Lines (one object per match).")
@click.option("--fields", default=",".join(DEFAULT_FIELDS), show_default=True,
              metavar="F,F,...", help="Columns, from: " + ", ".join(FIELDS) + ".")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: stdout).")
@cluster_options
def export(query: tuple[str, ...], index: Path | None, sort: str, fmt: str, fields: str,
           output: Path | None, scheduler: str | None, allow_partial: bool,
           **filters: Any) -> None:
    """Write every match of QUERY (not one page), in ranked order, as CSV or JSON Lines.

    Same query language, filters and sort as `searcher search`; streams in batches, so
    memory does not grow with the number of matches. Put `--` before a query word
    that starts with a dash."""
    from .export import Export
    from .filters import Filters
    from .index import open_index

    with errors(), open_index(index, scheduler=scheduler or "",
                              allow_partial=allow_partial) as ix:
        rows = Export(ix, " ".join(query), fmt=fmt, fields=fields, sort=sort,
                      filters=Filters(**filters))
        if output is None:
            _write(rows, sys.stdout)
        else:
            partial = output.with_name(output.name + ".part")
            try:
                with partial.open("w", encoding="utf-8", errors="replace", newline="") as f:
                    _write(rows, f)
                partial.replace(output)
            except OSError as e:  # a folder that is not there or not writable, a full disk
                rows.close()
                raise SearcherError(f"cannot write {output} ({e.strerror or e}): nothing "
                                    "was written") from e
            finally:
                with contextlib.suppress(OSError):  # never made, or already renamed
                    partial.unlink()
    if output is not None:
        click.echo(f"{rows.rows:,} matches written to {output}", err=True)


def _write(rows: Any, out: Any) -> None:
    """The export's chunks to ``out``, with a progress bar on a terminal's stderr."""
    if not sys.stderr.isatty():
        for chunk in rows:
            out.write(chunk)
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("exporting", total=rows.total)
        for chunk in rows:
            out.write(chunk)
            progress.update(task, completed=rows.rows)


@click.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (anything but loopback exposes the index).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (each opens the index).")
def serve(index: Path | None, host: str, port: int, workers: int) -> None:
    """Serve the index as a search page and a JSON API (read-only, no authentication)."""
    from .index import open_index
    from .serve.server import is_loopback, run

    with errors(), open_index(index) as ix:  # a missing or damaged index fails here
        path = ix.path
    if not is_loopback(host):
        click.echo(f"searcher: warning: listening on {host}: anyone who can reach it can "
                   "read the whole index (no authentication)", err=True)
    os.environ["SEARCHER_INDEX"] = str(path)  # for the worker processes
    run(path, host=host, port=port, workers=workers)
