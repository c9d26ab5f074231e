"""Rich renderables for everything the terminal shows: the only place styles live.

Untrusted text (titles, snippets, tags, file names) is never put inside markup
strings: it goes into ``Text`` objects after ``sanitize.clean_text`` strips escapes,
control characters and bidi overrides, so `[red]` shows as typed and `\\x1b[2J` does
nothing. Article ids are shown with ``sanitize.escape_controls``, the form
``searcher show`` reads back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
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
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from .json_output import json_text as json_text  # re-exported: callers use render.*
from .json_output import to_jsonable as to_jsonable
from .models import (
    ArticleView,
    BuildProgress,
    BuildReport,
    Explanation,
    FacetCount,
    Facets,
    Hit,
    IndexStats,
    SearchResults,
    Snippet,
    Span,
)
from .render_plain import CHUNK as CHUNK  # re-exported: the size long_text cuts at
from .render_plain import (
    TITLE_MAX,
    article_meta_text,
    body_pieces,
    day,
    facet_values_text,
    matched_text,
    meta_text,
    sparkline,
    total_text,
)
from .sanitize import blank_controls, blank_line_breaks, one_line


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
        TextColumn("[bold]indexing"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=console, transient=True,
    )
    task = progress.add_task("build", total=None)

    def update(p: BuildProgress) -> None:
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
            line.append(one_line(str(p)))
            parts.append(line)
        if total > SUMMARY_PROBLEMS:
            parts.append(Text(f"  ... {total - SUMMARY_PROBLEMS:,} more (all with --json); "
                              "per kind:", style="yellow"))
            for kind, count in report.problem_kinds.items():
                parts.append(Text(f"  {count:>8,}  {one_line(kind)}"))
    return Group(*parts)


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
    ]:
        table.add_row(label, Text(one_line(value)))
    tags = Table(title="top tags", title_justify="left", show_edge=False, box=None)
    tags.add_column("tag")
    tags.add_column("articles", justify="right")
    for fc in stats.top_tags:
        tags.add_row(Text(one_line(fc.value)), f"{fc.count:,}")
    return Group(table, Text(""), tags)


HIGHLIGHT = "bold yellow"
TITLE = "bold"
META = "dim"


def highlighted(text: str, spans: Sequence[Span], style: str = "",
                limit: int | None = None, single_line: bool = False) -> Text:
    """Untrusted ``text`` as a Text with ``spans`` styled; control characters become
    spaces (same length, so spans stay aligned), markup stays literal."""
    safe = blank_controls(text)
    if single_line:
        safe = blank_line_breaks(safe)
    out = Text(safe, style=style)
    for start, end in spans:
        if 0 <= start < end <= len(safe):
            out.stylize(HIGHLIGHT, start, end)
    if limit is not None and len(safe) > limit:
        out.truncate(limit, overflow="ellipsis")
    return out


def snippet_text(snippet: Snippet) -> Text:
    out = Text()  # not Text("… ", style=META): a Text's style is the base of all it holds
    out.append("… ", style=META)
    out.append_text(highlighted(snippet.text, snippet.highlights))
    out.append(" …", style=META)
    return out


def hit_meta(hit: Hit) -> Text:
    return Text(meta_text(hit), style=META)


class Indented:
    """``renderable`` shifted right, wrapped lines included, without trailing padding
    (rich's Padding fills lines to the width, which litters piped output with spaces)."""

    def __init__(self, renderable: RenderableType, indent: int) -> None:
        self.renderable = renderable
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.indent, 10)
        lines = console.render_lines(self.renderable, options.update_width(width), pad=False)
        for line in lines:
            yield Segment(" " * self.indent)
            yield from line
            yield Segment.line()


def hit_view(hit: Hit) -> RenderableType:
    head = Text(f"{hit.rank:>3}. ", style=TITLE)
    head.append_text(highlighted(hit.title or "(untitled)", hit.title_highlights, TITLE,
                                 limit=TITLE_MAX, single_line=True))
    body: list[RenderableType] = [hit_meta(hit)]
    body.extend(snippet_text(snip) for snip in hit.snippets)
    if hit.matched:
        body.append(Text(matched_text(hit), style="italic dim"))
    return Group(head, Indented(Group(*body), 5))


def facets_view(facets: Facets) -> RenderableType:
    lines: list[RenderableType] = []
    if facets.dates:
        line = Text(f"timeline ({facets.date_unit}) ", style=META)
        line.append(f"{facets.dates[0].value} ")
        line.append(sparkline([fc.count for fc in facets.dates]), style="cyan")
        line.append(f" {facets.dates[-1].value}")
        lines.append(line)
    for label, values in facet_values_text(facets):
        line = Text(f"{label}: ", style=META)
        line.append(values)
        lines.append(line)
    return Group(*lines)


def results_view(results: SearchResults) -> RenderableType:
    """A page of results: hits, then facets, then the total and time."""
    parts: list[RenderableType] = []
    for hit in results.hits:
        parts.append(hit_view(hit))
        parts.append(Text(""))
    for note in results.notes:
        parts.append(Text("note: " + one_line(note), style="yellow"))
    if results.total == 0:
        parts.append(Text("no results", style="bold red"))
    if results.suggestion:
        line = Text("did you mean: ", style="yellow")
        line.append(one_line(results.suggestion), style="bold")
        parts.append(line)
    if results.facets is not None:
        parts.append(facets_view(results.facets))
    if results.total:
        parts.append(Text(total_text(results), style=META))
    return Group(*parts)


def article_view(view: ArticleView) -> RenderableType:
    a = view.article
    parts: list[RenderableType] = [
        highlighted(a.title or "(untitled)", view.title_highlights, TITLE, single_line=True),
        Text(article_meta_text(a), style=META),
    ]
    if a.tags:
        parts.append(Text("tags: " + one_line(", ".join(a.tags)), style=META))
    parts.append(Text(""))
    parts.extend(long_text(a.body, view.body_highlights))
    return Group(*parts)


def long_text(text: str, spans: Sequence[Span]) -> list[Text]:
    """``highlighted(text, spans)`` as one Text per line (per CHUNK of a longer line),
    so drawing costs time linear in the length."""
    safe = blank_controls(text)
    pieces = body_pieces(safe)
    out: list[Text] = []
    ordered = sorted(spans)
    first = 0
    for lo, hi in pieces:
        line = Text(safe[lo:hi])
        while first < len(ordered) and ordered[first][1] <= lo:
            first += 1
        k = first
        while k < len(ordered) and ordered[k][0] < hi:
            s_, e_ = max(ordered[k][0], lo), min(ordered[k][1], hi)
            if s_ < e_:
                line.stylize(HIGHLIGHT, s_ - lo, e_ - lo)
            k += 1
        out.append(line)
    return out


def explanation_view(e: Explanation) -> RenderableType:
    """An explain tree: each clause with its score, the numbers it is made of, and
    its sub-clauses; clauses that did not match are dimmed."""
    from rich.tree import Tree

    def label(node: Explanation) -> Text:
        text = Text(f"{node.score:.4f}  ", style="bold" if node.matched else META)
        text.append(one_line(node.clause), style="" if node.matched else META)
        if not node.matched:
            text.append("  (no match)", style=META)
        if node.details:
            text.append("  " + "  ".join(f"{k} {v:g}" for k, v in node.details), style=META)
        return text

    def grow(tree: Tree, node: Explanation) -> None:
        for child in node.children:
            grow(tree.add(label(child)), child)

    root = Tree(label(e))
    grow(root, e)
    return root


# ---- the interactive prompt (shell.py) ---------------------------------------------------

ERROR = "bold red"
PROMPT_STYLES: dict[str, str] = {
    # prompt_toolkit style classes for the prompt line (shell_lexer.py emits them). Plain
    # strings so that this module does not import prompt_toolkit; errors are underlined
    # too so that they still show under NO_COLOR.
    "prompt": "bold",
    "prompt.filters": "ansicyan",
    "query.operator": "bold ansimagenta",
    "query.field": "ansicyan",
    "query.phrase": "ansigreen",
    "query.wildcard": "ansiyellow",
    "query.range": "ansigreen",
    "query.paren": "bold",
    "query.error": "ansired underline",
    "query.command": "bold ansiblue",
    "query.argument": "",
}


def plain_console(file: IO[str] | None = None, width: int | None = None) -> Console:
    """A console that writes text only, never an escape code (pipes, scripts, tests):
    ``color_system=None`` drops colours and bold/dim alike."""
    return Console(file=file, width=width, color_system=None, force_terminal=False,
                   force_interactive=False, highlight=False, soft_wrap=False)


def plain_text(console: Console, renderable: RenderableType) -> str:
    """``renderable`` as ``console`` (a plain_console) prints it, lines right-stripped:
    rich pads wrapped lines and table cells with spaces that a script should not see."""
    with console.capture() as capture:
        console.print(renderable)
    return "\n".join(line.rstrip() for line in capture.get().split("\n"))


def index_header(stats: IndexStats) -> Text:
    """The line the shell opens with: which index, how many articles, which dates."""
    out = Text("searcher", style=TITLE)
    out.append(one_line(f" · {stats.path} · {stats.documents:,} "
                     f"document{'' if stats.documents == 1 else 's'} · {dates_covered(stats)}"),
               style=META)
    return out


def meta_line(text: str) -> Text:
    """A dim informational line (hints, active filters); the text may be untrusted."""
    return Text(one_line(text), style=META)


def error_line(message: str) -> Text:
    return Text(one_line(message), style=ERROR)


def counts_view(counts: Sequence[FacetCount], label: str, shown: int) -> RenderableType:
    """The first ``shown`` values with their article counts, and how many more there are."""
    if not counts:
        return Text(f"no {label}s", style=META)
    table = Table(show_edge=False, box=None, padding=(0, 1))
    table.add_column(label)
    table.add_column("articles", justify="right")
    for fc in counts[:shown]:
        table.add_row(Text(one_line(fc.value)), f"{fc.count:,}")
    if len(counts) <= shown:
        return table
    return Group(table, meta_line(f"… and {len(counts) - shown:,} more"))


def help_view(rows: Sequence[tuple[str, str]]) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for usage, text in rows:
        table.add_row(usage, text)
    return table


def json_view(obj: Any) -> Text:
    """Indented, syntax-coloured JSON (a Text, so no markup is read from the data)."""
    from rich.highlighter import JSONHighlighter

    return JSONHighlighter()(Text(json_text(obj, indent=2)))
