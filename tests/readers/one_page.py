"""One page written to a test's folder and read: its article and the reader's notes."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from searcher.formats.base import Source
from searcher.formats.html import read as read_html
from searcher.formats.text import read as read_text
from searcher.models import Article

Item = TypeVar("Item")


def read_page(folder: Path, name: str, text: str, kind: type[Item]
              ) -> tuple[Article, list[Item]]:
    """The one article of ``text`` saved as ``folder/name`` (an ``.html`` name is read as
    a saved page, any other as text) and the reader's items of ``kind`` (its decisions
    or its problems)."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    read = read_html if path.suffix == ".html" else read_text
    items = list(read(Source(path, path.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    return article, [i for i in items if isinstance(i, kind)]
