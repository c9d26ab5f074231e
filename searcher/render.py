"""Rich renderables for search output: results, articles, explanations (render_build.py
draws builds and stats, render_shell.py the prompt's lines; render*.py are the only
place styles live).

Untrusted text (titles, snippets, tags, file names) is never put inside markup
strings: it goes into ``Text`` objects after ``sanitize.clean_text`` strips escapes,
control characters and bidi overrides, so `[red]` shows as typed and `\\x1b[2J` does
nothing. Article ids are shown with ``sanitize.escape_controls``, the form
``searcher show`` reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from .models import (
    ArticleView,
    Explanation,
    Facets,
    Hit,
    SearchResults,
    Snippet,
    Span,
)
from .render_plain import CHUNK as CHUNK  # re-exported: the size long_text cuts at
from .render_plain import (
    TITLE_MAX,
    article_meta_text,
    body_pieces,
    copies_text,
    copy_lines,
    facet_values_text,
    matched_text,
    meta_text,
    sparkline,
    total_text,
    values_text,
)
from .sanitize import blank_controls, blank_line_breaks, one_line
from .wrap import whole_clusters

HIGHLIGHT = "bold yellow"
TITLE = "bold"
META = "dim"
COPIES = "cyan"
ERROR = "bold red"


def highlighted(text: str, spans: Sequence[Span], style: str = "",
                limit: int | None = None, single_line: bool = False) -> Text:
    """Untrusted ``text`` as a Text with ``spans`` styled; control characters become
    spaces (same length, so spans stay aligned), markup stays literal."""
    safe = blank_controls(text)
    if single_line:
        safe = blank_line_breaks(safe)
    out = Text(safe, style=style)
    for start, end in whole_clusters(safe, [s for s in spans if 0 <= s[0] < s[1] <= len(safe)]):
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
    if hit.copy_count:
        body.append(Text(copies_text(hit), style=COPIES))
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
        parts.append(Text("tags: " + values_text(a.tags), style=META))
    parts.extend(Text(line, style=COPIES) for line in copy_lines(view.copies))
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
        inside = []
        while k < len(ordered) and ordered[k][0] < hi:
            s_, e_ = max(ordered[k][0], lo), min(ordered[k][1], hi)
            if s_ < e_:
                inside.append((s_ - lo, e_ - lo))
            k += 1
        for s_, e_ in whole_clusters(line.plain, inside):
            line.stylize(HIGHLIGHT, s_, e_)
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


