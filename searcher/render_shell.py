"""Rich renderables for the interactive prompt's own lines: the header, hints and
errors, value counts (``:tags``), the command table (``:help``), JSON (``:json``), and
the prompt line's styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .json_output import json_text
from .models import FacetCount, IndexStats
from .render import ERROR, META, TITLE
from .render_build import dates_covered
from .render_plain import value_text
from .sanitize import one_line

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
        table.add_row(Text(value_text(fc.value)), f"{fc.count:,}")
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
