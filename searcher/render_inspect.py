"""Rendering for ``searcher inspect``: each article's fields and what the reader dropped.

Article text is untrusted (scraped pages): it only ever goes into ``Text`` objects,
cleaned of control characters and escapes, never into markup strings. Styles come
from ``render``, the one place they are defined.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .inspect import FileInspection, InspectionCounts, ReadRecord, count_records
from .json_output import to_jsonable
from .models import Article, Decision, Problem
from .render import META, TITLE
from .render_plain import ID_MAX, PROBLEM_MAX, id_text, value_text
from .sanitize import clean_text as clean

EXCERPT = 240  # characters of the first and last paragraph shown


def inspection_view(inspection: FileInspection) -> RenderableType:
    """One file: a heading line, then each article with its decisions and problems."""
    counts, _ = count_records(inspection.records)
    parts = [inspection_head(inspection.path, inspection.reader, counts)]
    parts += [record_view(n, r) for n, r in enumerate(inspection.records, start=1)]
    return Group(*parts, inspection_tail(counts))


def inspection_head(path: str, reader: str, counts: InspectionCounts) -> RenderableType:
    """The file's name and what its records add up to."""
    decided = sum(counts.decisions.values())
    return Group(Text(clean(path), style="bold"), Text(
        f"{reader} reader: {counts.articles:,} article(s), {decided:,} decision(s), "
        f"{counts.problems:,} problem(s)", style=META))


def inspection_tail(counts: InspectionCounts) -> RenderableType:
    """The decisions counted per kind (nothing when there are none)."""
    if not counts.decisions:
        return Group()
    return Group(Text("decisions in this file:", style=META), _counts(counts.decisions))


def record_view(number: int, record: ReadRecord) -> RenderableType:
    parts: list[RenderableType] = []
    if record.article is not None:
        parts.append(Text(f"\n{number}. ", style=TITLE) + Text(
            clean(record.article.title) or "(untitled)", style=TITLE))
        parts.append(_fields(record.article))
    else:
        parts.append(Text(f"\n{number}. (no article)", style=META))
    decisions = [n for n in record.notes if isinstance(n, Decision)]
    problems = [n for n in record.notes if isinstance(n, Problem)]
    if decisions:
        parts.append(Text("   dropped or rejected:", style=META))
        table = Table.grid(padding=(0, 2))
        table.add_column(style="yellow")
        table.add_column()
        for d in decisions[:SHOWN_NOTES]:
            detail = clean(d.detail)
            if d.chars:
                detail = (detail + "  " if detail else "") + f"({d.chars:,} chars)"
            table.add_row("    " + d.kind, Text(detail))
        parts.append(table)
        parts.extend(_more(len(decisions), "decision"))
    for p in problems[:SHOWN_NOTES]:
        line = Text("   skipped: " if p.skipped else "   warning: ",
                    style="red" if p.skipped else "yellow")
        lines = "" if p.line is None else f"line {p.line}" if p.through in (None, p.line) \
            else f"lines {p.line}-{p.through}"
        line.append(value_text(f"{lines}: {p.message}" if lines else p.message, PROBLEM_MAX))
        parts.append(line)
    parts.extend(_more(len(problems), "problem"))
    return Group(*parts)


SHOWN_NOTES = 50
"""Decisions (and problems) listed one by one per article; the rest are counted. One
record of 300,000 keys made as many 'metadata value dropped' rows: 4 minutes and
580,000 lines for one file."""


def _more(count: int, what: str) -> list[Text]:
    if count <= SHOWN_NOTES:
        return []
    return [Text(f"    ... and {count - SHOWN_NOTES:,} more {what}s (counted below)",
                 style=META)]


def _fields(article: Article) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style=META)
    table.add_column()
    rows = [
        ("id", id_text(article.id)),
        ("published", f"{article.published:%Y-%m-%d %H:%M:%S}" if article.published
         else "(none)"),
        ("authors", "; ".join(map(value_text, article.authors)) or "(none)"),
        ("source", value_text(article.source) or "(none)"),
        ("url", value_text(article.url, ID_MAX) or "(none)"),
        ("tags", "; ".join(map(value_text, article.tags)) or "(none)"),
    ]
    if article.meta:
        keys = sorted(map(clean, map(str, article.meta)))
        more = f" and {len(keys) - SHOWN_NOTES:,} more" if len(keys) > SHOWN_NOTES else ""
        rows.append(("kept in meta", ", ".join(keys[:SHOWN_NOTES]) + more))
    paragraphs = [p for p in article.body.split("\n") if p.strip()]
    rows.append(("body", f"{len(article.body):,} chars, {len(paragraphs):,} paragraph(s)"))
    for label, value in rows:
        table.add_row("   " + label, Text(clean(value)))
    if paragraphs:
        table.add_row("   first", Text(_excerpt(paragraphs[0])))
    if len(paragraphs) > 1:  # its end: where a lost ending shows
        table.add_row("   last", Text(_excerpt(paragraphs[-1], from_end=True)))
    return table


def _excerpt(paragraph: str, *, from_end: bool = False) -> str:
    text = clean(" ".join(paragraph.split()))
    if len(text) <= EXCERPT:
        return text
    return "…" + text[-(EXCERPT - 1):].lstrip() if from_end else text[:EXCERPT - 1] + "…"


def _counts(counts: dict[str, int]) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column()
    table.add_column(justify="right")
    for kind, count in counts.items():
        table.add_row("  " + kind, f"{count:,}")
    return table


def inspection_json(inspection: FileInspection) -> dict[str, Any]:
    """A file's inspection as JSON-ready data (articles whole, decisions one by one)."""
    return {**inspection_head_json(inspection.path, inspection.reader,
                                   count_records(inspection.records)[0]),
            "records": [record_json(r) for r in inspection.records]}


def inspection_head_json(path: str, reader: str, counts: InspectionCounts) -> dict[str, Any]:
    """A file's inspection as JSON-ready data, but its records (``record_json`` each)."""
    return {"path": path, "reader": reader, "articles": counts.articles,
            "decisions": counts.decisions}


def inspection_json_text(path: str, reader: str, counts: InspectionCounts,
                         records: Iterable[ReadRecord]) -> Iterator[str]:
    """``json.dumps(inspection_json(...))`` a record at a time (none of them held)."""
    head = json.dumps(inspection_head_json(path, reader, counts), ensure_ascii=False)
    yield head[:-1] + ', "records": ['
    for n, record in enumerate(records):
        yield ("" if n == 0 else ", ") + json.dumps(record_json(record), ensure_ascii=False)
    yield "]}"


def record_json(record: ReadRecord) -> dict[str, Any]:
    return {
        "article": to_jsonable(record.article) if record.article is not None else None,
        "decisions": [to_jsonable(n) for n in record.notes if isinstance(n, Decision)],
        "problems": [to_jsonable(n) for n in record.notes if isinstance(n, Problem)],
    }
