"""Rich renderables for building and describing an index: the build's progress bar and
summary (``searcher build``), the index's statistics (``searcher stats``).

Untrusted values (problem messages, tag names, paths) go into ``Text`` objects after
``sanitize.one_line``, never into markup strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console, Group, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from .models import BuildProgress, BuildReport, IndexStats
from .render_plain import PROBLEM_MAX, day, value_text
from .sanitize import escape_controls, one_line


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} docs/s" if speed else "", style="progress.data.speed")


@contextmanager
def build_progress(console: Console, enabled: bool) -> Iterator[Callable[[BuildProgress], None]]:
    """A progress callback for build_index that draws a bar with docs/s and ETA."""
    if not enabled:
        yield lambda _p: None
        return
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=console, transient=True,
    )
    task = progress.add_task("indexing", total=None)

    def update(p: BuildProgress) -> None:
        if p.stage != progress.tasks[0].description:  # a new stage: its own rate and ETA
            progress.reset(task, description=p.stage)
        progress.update(task, completed=p.records_done, total=p.records_total or None)

    with progress:
        yield update


SUMMARY_PROBLEMS = 20  # problems listed after a build; the rest are counted per kind


def build_summary(report: BuildReport) -> RenderableType:
    """The table printed after a build, plus the problems (one line each)."""
    if not report.changed and not report.rebuilt:
        head = Text("Nothing changed", style="bold green")
        head.append(f": {report.documents:,} documents in {report.index}", style="")
    else:
        head = Text("Index updated", style="bold green")
        head.append(f": {report.index}", style="")
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column(justify="right")
    rows = [
        ("added", f"{report.added:,}"),
        ("updated", f"{report.updated:,}"),
        ("deleted", f"{report.deleted:,}"),
        ("unchanged", f"{report.unchanged:,}"),
        ("skipped (errors)", f"{report.skipped:,}"),
        *([("kept (record malformed now)", f"{report.kept:,}")] if report.kept else []),
        *([("files re-read (repeated page text changed)", f"{report.rejudged:,}")]
          if report.rejudged else []),
        ("documents in index", f"{report.documents:,}"),
        ("files read / unchanged / deleted", f"{report.files_read:,} / "
         f"{report.files_unchanged:,} / {report.files_deleted:,}"),
        ("elapsed", f"{report.elapsed_s:.2f} s"),
        ("index size", human_bytes(report.index_bytes)),
    ]
    for label, value in rows:
        table.add_row(label, value)
    parts: list[RenderableType] = [head, table]
    if report.files_ignored:
        parts.append(Text(ignored_text(report), style="yellow"))
    if report.decisions:
        parts.append(Text("reader decisions (text dropped or values rejected; "
                          "see `searcher inspect FILE`):", style="dim"))
        decisions = Table.grid(padding=(0, 2))
        decisions.add_column()
        decisions.add_column(justify="right")
        for kind, count in sorted(report.decisions.items(), key=lambda kv: (-kv[1], kv[0])):
            decisions.add_row("  " + one_line(kind), f"{count:,}")
        parts.append(decisions)
    if report.problems:
        total = sum(report.problem_kinds.values()) or len(report.problems)
        parts.append(Text(f"{total:,} problem(s):", style="yellow"))
        for p in report.problems[:SUMMARY_PROBLEMS]:
            line = Text("  skipped " if p.skipped else "  warning ",
                        style="red" if p.skipped else "yellow")
            line.append(value_text(str(p), PROBLEM_MAX))
            parts.append(line)
        if total > SUMMARY_PROBLEMS:
            parts.append(Text(f"  ... {total - SUMMARY_PROBLEMS:,} more (all with --json); "
                              "per kind:", style="yellow"))
            for kind, count in report.problem_kinds.items():
                parts.append(Text(f"  {count:>8,}  {one_line(kind)}"))
    return Group(*parts)


def ignored_text(report: BuildReport) -> str:
    """``skipped 12 files no reader takes (.pdf 10, .docx 2)``."""
    kinds = list(report.ignored_kinds.items())
    shown = ", ".join(f"{one_line(kind)[:20]} {count:,}" for kind, count in kinds[:8])
    more = f", {len(kinds) - 8:,} more kinds" if len(kinds) > 8 else ""
    plural = "" if report.files_ignored == 1 else "s"
    return (f"skipped {report.files_ignored:,} file{plural} no reader takes ({shown}{more})"
            if shown else f"skipped {report.files_ignored:,} file{plural} no reader takes")


def dates_covered(stats: IndexStats) -> str:
    """``2020-10-01 to 2020-10-31 (3 undated)``: what dates an index covers."""
    span = "none dated"
    if stats.earliest and stats.latest:
        span = f"{day(stats.earliest)} to {day(stats.latest)}"
    return span + (f" ({stats.undated:,} undated)" if stats.undated else "")


def stats_view(stats: IndexStats) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    for label, value in [
        ("index", stats.path),
        ("documents", f"{stats.documents:,}"),
        ("dates", dates_covered(stats)),
        ("size", human_bytes(stats.index_bytes)),
        ("last build", stats.last_build or "unknown"),
        ("stories", stories_covered(stats)),
    ]:
        table.add_row(label, Text(one_line(value)))
    tags = Table(title="top tags", title_justify="left", show_edge=False, box=None)
    tags.add_column("tag")
    tags.add_column("articles", justify="right")
    for fc in stats.top_tags:
        tags.add_row(Text(value_text(fc.value)), f"{fc.count:,}")
    parts: list[RenderableType] = [table, Text(""), tags]
    if stats.largest_stories:
        largest = Table(title="largest stories (near-duplicates)", title_justify="left",
                        show_edge=False, box=None)
        largest.add_column("first article")
        largest.add_column("title")
        largest.add_column("articles", justify="right")
        for g in stats.largest_stories:
            largest.add_row(Text(escape_controls(g.id)), Text(value_text(g.title)),
                            f"{g.articles:,}")
        parts += [Text(""), largest]
    return Group(*parts)


def stories_covered(stats: IndexStats) -> str:
    """``588 stories with copies (1,181 articles)``: the index's near-duplicate groups."""
    if not stats.story_groups:
        return "no copies of one story"
    return (f"{stats.story_groups:,} stories with copies "
            f"({stats.grouped_articles:,} articles)")
