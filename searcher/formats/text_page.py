"""The state of one scraped page being read (text.py), shared by its head and body readers:
what was kept, what metadata was found, and every Decision that dropped text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..models import Decision
from . import bylines as bl
from . import text_lines as tl

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass
class Page:
    name: str
    title: str = ""
    kept: list[tuple[int, str]] = field(default_factory=list)  # (line index, line); -1 = break
    tag_texts: list[str] = field(default_factory=list)
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    raw_date: str = ""
    early_holder: str = ""
    footer_holder: str = ""
    url: str = ""
    standfirst: str = ""  # a labelled summary, kept as the body's first paragraph
    meta: dict[str, str] = field(default_factory=dict)  # labels no field uses
    decisions: list[Decision] = field(default_factory=list)

    def drop(self, kind: str, index: int, line: str) -> None:
        detail = line if len(line) <= 80 else line[:77] + "..."
        self.decisions.append(Decision(self.name, kind, detail, index + 1, len(line)))

    def drop_value(self, kind: str, index: int, value: str) -> None:
        """A rejected value (no article text lost: chars 0)."""
        detail = value if len(value) <= 80 else value[:77] + "..."
        self.decisions.append(Decision(self.name, kind, detail, index + 1, 0))

    def date(self, when: datetime | None, line: str, index: int | None = None) -> None:
        """The first date given is the publication date; a later different one is
        counted when its line is known (nothing ignored silently)."""
        if when is not None and self.published is None:
            self.published, self.raw_date = when, line
        elif when is not None and when != self.published and index is not None:
            self.drop_value(tl.SECOND_VALUE, index, line)


def content_lines(text: str) -> list[str]:
    """Stripped lines; "" for blank or decoration-only lines (no letter or digit)."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip().strip(_INVISIBLE).strip()
        lines.append(line if any(c.isalnum() for c in line) else "")
    return lines


META_MAX_CHARS = 5_000
"""A longer line is text, never a byline, date, credit, copyright, furniture or tag line
(those are a few hundred characters): their rules cost microseconds per character."""


def is_meta(line: str) -> bool:
    if len(line) > META_MAX_CHARS:
        return False
    return bool(bl.byline(line) or tl.date_line(line)[0] or tl.is_credit(line)
                or tl.is_copyright_line(line) or tl.furniture(line) or tl.tag_line(line))


def next_nonblank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i]:
        i += 1
    return i


