"""The `searcher` command: thin click commands, one library call each.

Data goes to stdout, messages and progress to stderr. Library errors
(SearcherError) become one-line messages; exit status 1, 2 for usage and
query errors.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import json_output
from .arguments import DEFAULT_LIMIT, DEFAULT_TOP_TAGS, MAX_LIMIT, SORTS
from .cli_options import (
    QueryCommand,
    cluster_options,
    filter_options,
    index_option,
    scheduler_option,
)
from .cli_options import errors as _errors
from .cli_serve import export, serve
from .errors import InvalidArgumentError, SearcherError, capped
from .filters import Filters
from .program import forgiving_output, one_blas_thread, one_shot, output_failed
from .storage import IndexDir

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from .searchable import Searchable

# rich (render.py), the build side (indexer, readers) and prompt_toolkit are imported
# by the commands that use them: a one-shot `searcher search`, with --json or to a pipe,
# loads none of them (to a pipe, only rich.cells: wrap.py's widths).

def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _print(renderable: RenderableType) -> None:
    """To a terminal as rich draws it; to a pipe or file as plain lines without the
    trailing spaces rich pads with."""
    from . import render

    console = _stdout()
    if console.is_terminal:
        console.print(renderable)
    else:
        console.file.write(render.plain_text(console, renderable))


def _plain_stdout() -> bool:
    """True when rich would not call stdout a terminal either: not a tty, and neither
    TTY_COMPATIBLE nor FORCE_COLOR set (with those set, rich decides). Then output is
    plain text built without importing rich (render_plain.py)."""
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return False
    try:
        return not sys.stdout.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return True


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _open_any(index: Path | None, scheduler: str | None,
              allow_partial: bool) -> Searchable:
    """One index or a sharded one (on ``scheduler``'s Dask cluster when one is named)."""
    from .index import open_index  # the engine, and numpy: after one_blas_thread

    return open_index(index, scheduler=scheduler or "", allow_partial=allow_partial)


class _Program(click.Group):
    """The ``searcher`` group: run on the process's own command line (the console
    script, ``python -m searcher``: no ``args``), its command runs under
    ``program.one_shot`` (the garbage collector spared); called with ``args`` (click's
    test runner, a Python caller), nothing changes."""

    def invoke(self, ctx: click.Context) -> Any:
        """Click's own usage errors (a bad ``--sort``, ``--limit``, an unknown command)
        quote the value whole: ``capped`` as library errors are."""
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            e.message = capped(e.message)  # type: ignore[misc]  # Final in click's stubs
            raise

    def main(self, *args: Any, **kwargs: Any) -> Any:
        own_command_line = not args and kwargs.get("args") is None
        if not own_command_line:
            return super().main(*args, **kwargs)
        forgiving_output()
        with one_shot(sys.argv[1] if len(sys.argv) > 1 else None):
            try:
                try:
                    return super().main(*args, **kwargs)
                finally:  # a full disk shows when the output is flushed, here or at exit
                    sys.stdout.flush()
            except OSError as e:
                sys.exit(output_failed(e))


@click.group(cls=_Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="searcher")
def main() -> None:
    """Full-text search for collections of news articles."""
    one_blas_thread()


main.add_command(export)
main.add_command(serve)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--map", "field_map", multiple=True, metavar="FIELD=KEY[,KEY]",
              help="Read an article field from other record keys (JSON/JSONL/front matter), "
                   "e.g. --map body=short_description --map tags=topics,places. Repeatable.")
@click.option("--rebuild", is_flag=True, help="Start over instead of updating.")
@click.option("--shards", type=int, default=None, metavar="N",
              help="Build a sharded index: N shard indexes, each article routed by its id.")
@scheduler_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def build(paths: tuple[Path, ...], index: Path | None, field_map: tuple[str, ...],
          rebuild: bool, shards: int | None, scheduler: str | None, quiet: bool,
          as_json: bool) -> None:
    """Index the articles in PATHS (files or folders; default: corpus/).

    Incremental: only new and changed files are read, deleted ones are removed.
    Reads .txt pages, .jsonl/.ndjson, .json, .md with front matter, .html (also .gz).
    """
    from . import render_build
    from .build import build_index
    from .corpus import default_corpus

    err = _stderr()
    show_progress = not quiet and err.is_terminal
    with _errors(), render_build.build_progress(err, enabled=show_progress) as progress:
        if shards is None and scheduler:  # (the shards of an index built with --shards)
            from .cluster.layout import read_layout
            from .storage import index_path

            layout = read_layout(index_path(index))
            shards = layout.shards if layout is not None else None
        if shards is None and scheduler:
            raise InvalidArgumentError("--scheduler builds a sharded index: add --shards N")
        if shards is None:  # build_index keeps a sharded index sharded
            report = build_index(list(paths) or None, index=index, field_map=field_map,
                                 rebuild=rebuild, progress=progress)
        else:
            from .cluster.build import build_sharded

            report = build_sharded(list(paths) or None, index=index, shards=shards,
                                   field_map=field_map, rebuild=rebuild, progress=progress,
                                   scheduler=scheduler or "")
    if as_json:
        click.echo(json_output.json_text({**json_output.to_jsonable(report),
                                          "changed": report.changed}))
    elif not quiet:  # the summary is the command's result: stdout (progress: stderr)
        _print(render_build.build_summary(report))
    if report.documents == 0:
        where = ", ".join(str(p) for p in paths) or str(default_corpus())
        click.echo(f"searcher: no articles could be indexed from {where}", err=True)
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--map", "field_map", multiple=True, metavar="FIELD=KEY[,KEY]",
              help="Read an article field from other record keys, as for build. Repeatable.")
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Also drop repeated page text, judged with the line "
              "statistics of this index (as a build into it would).")
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
def inspect(files: tuple[Path, ...], field_map: tuple[str, ...], index: Path | None,
            as_json: bool) -> None:
    """Show how FILES are read, without indexing: each article's fields, and the text
    dropped or values rejected with the rule that did it (exit status 1 if a file could
    not be read at all)."""
    from . import render_inspect as view
    from .inspect import count_records, read_records

    status = written = 0
    if as_json:
        click.echo('{"files": [', nl=False)
    for file in files:
        try:
            reader, records = read_records(file, field_map, index)
        except SearcherError as e:
            click.echo(f"searcher: {e.prefix}{e}", err=True)
            status = e.exit_code
            continue
        # counted first (they head the output), the records kept only if few: else read again
        counts, kept = count_records(records())
        again = iter(kept) if kept is not None else records()
        status = status or (1 if counts.articles == 0 else 0)
        if as_json:
            click.echo(", " if written else "", nl=False)
            for chunk in view.inspection_json_text(str(file), reader, counts, again):
                click.echo(chunk, nl=False)
            written += 1
        else:
            out = _stdout()
            out.print(view.inspection_head(str(file), reader, counts))
            for n, record in enumerate(again, start=1):
                out.print(view.record_view(n, record))
            if counts.decisions:
                out.print(view.inspection_tail(counts))
    if as_json:
        click.echo("]}")
    sys.exit(status)


@main.command()
@index_option
@click.option("--top", type=click.IntRange(0), default=DEFAULT_TOP_TAGS, show_default=True,
              help="How many top tags to list.")
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
@cluster_options
def stats(index: Path | None, top: int, as_json: bool, scheduler: str | None,
          allow_partial: bool) -> None:
    """Documents, date range, top tags, index size and last build."""
    with _errors(), _open_any(index, scheduler, allow_partial) as ix:
        result = ix.stats(top_tags=top)
    if as_json:
        click.echo(json_output.json_text(result))
    else:
        from . import render_build

        _print(render_build.stats_view(result))


@main.command(cls=QueryCommand)
@click.argument("query", nargs=-1)
@index_option
@filter_options
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", "-n", type=click.IntRange(1, MAX_LIMIT), default=DEFAULT_LIMIT,
              show_default=True, help="Hits per page.")
@click.option("--page", "-p", type=click.IntRange(1), default=1, show_default=True)
@click.option("--facets", is_flag=True,
              help="Count tags, authors, sources and dates of all matches.")
@click.option("--expand", is_flag=True,
              help="Re-rank with words from the best matches (RM3 feedback).")
@click.option("--no-collapse", "no_collapse", is_flag=True,
              help="Show every copy of a story as its own hit (default: one hit per story).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON document.")
@cluster_options
def search(query: tuple[str, ...], index: Path | None, sort: str, limit: int, page: int,
           facets: bool, expand: bool, no_collapse: bool, as_json: bool,
           scheduler: str | None, allow_partial: bool, **filters: Any) -> None:
    """Search the index. QUERY uses the query language in README.md (`*` or nothing with
    filters: every article)."""
    with _errors(), _open_any(index, scheduler, allow_partial) as ix:
        results = ix.search(" ".join(query), filters=Filters(**filters), sort=sort,
                            limit=limit, page=page, facets=facets, expand=expand,
                            collapse=not no_collapse)
    if as_json:
        click.echo(json_output.json_text(results))
    elif _plain_stdout():
        from .render_plain import results_text

        sys.stdout.write(results_text(results))
    else:
        from . import render

        _print(render.results_view(results))


@main.command()
@click.argument("article_id")
@index_option
@click.option("--query", "-q", default="", help="Highlight this query's terms.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as one JSON object.")
@cluster_options
def show(article_id: str, index: Path | None, query: str, as_json: bool,
         scheduler: str | None, allow_partial: bool) -> None:
    """Show the whole article ARTICLE_ID (ids are shown in search results)."""
    with _errors(), _open_any(index, scheduler, allow_partial) as ix:
        view = ix.show(article_id, query)
    if as_json:
        click.echo(json_output.json_text(view))
    elif _plain_stdout():
        from .render_plain import article_text

        sys.stdout.write(article_text(view))
    else:
        from . import render

        _print(render.article_view(view))


@main.command()
@click.argument("article_id")
@click.argument("query")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@cluster_options
def explain(article_id: str, query: str, index: Path | None, as_json: bool,
            scheduler: str | None, allow_partial: bool) -> None:
    """Why ARTICLE_ID scores what it does for QUERY: each clause's score, and each
    word's BM25F parts (idf, tf, length, weight per field; K1, boost)."""
    with _errors(), _open_any(index, scheduler, allow_partial) as ix:
        explanation = ix.explain(article_id, query)
    if as_json:
        click.echo(json_output.json_text(explanation))
    else:
        from . import render

        _print(render.explanation_view(explanation))


@main.command()
@index_option
@click.option("--limit", "-n", type=click.IntRange(1, MAX_LIMIT), default=DEFAULT_LIMIT,
              show_default=True, help="Hits per page.")
@cluster_options
def shell(index: Path | None, limit: int, scheduler: str | None, allow_partial: bool) -> None:
    """Interactive search prompt: completion, history, sticky filters, paging (:help).

    With stdin not a terminal, reads one query or :command per line and prints plain
    results (exit status 1 if a line failed)."""
    from .shell import run  # prompt_toolkit loads only for this command

    with _errors(), _open_any(index, scheduler, allow_partial) as ix:
        status = run(ix, limit=limit)
    sys.exit(status)


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def check(index: Path | None, as_json: bool) -> None:
    """Read the whole index and say what is damaged (exit status 1 if anything is).

    Reads every segment's postings, stored fields and columns, and compares the
    articles in the index with the build's manifest, like SQLite's integrity_check."""
    from .integrity import check as check_index
    from .sanitize import one_line

    with _errors():
        report = check_index(IndexDir.at(index))
    if as_json:
        click.echo(json_output.json_text({**json_output.to_jsonable(report), "ok": report.ok}))
    elif report.ok:
        click.echo(f"ok: {report.index}: {report.documents:,} documents, "
                   f"{report.segments:,} segment(s), {report.postings:,} postings read")
    else:
        for problem in report.problems:
            click.echo(f"damaged: {one_line(problem)}")
        click.echo(f"searcher: the index at {report.index} is damaged: run "
                   f"`searcher build --rebuild --index {report.index}`", err=True)
    sys.exit(0 if report.ok else 1)
