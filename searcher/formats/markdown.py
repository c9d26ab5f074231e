"""Markdown files, with or without YAML front matter.

The front matter is a record like a JSON object, so it goes through the same
field map (``record_to_article``): one ``--map`` works for every structured
format. The body is always the Markdown text itself (kept as written, minus the
front matter), never a front-matter ``description``/``summary``, which stay in meta.

Invalid front matter does not cost the article: the file is read as plain
Markdown after the block, the block's raw text is kept in ``meta["front_matter"]``,
and a non-skipping Problem says where the YAML broke, so the user can fix it
and still find the article meanwhile.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from ..models import Article, Problem
from .base import Source, read_text
from .mapping import record_to_article

# Where the Markdown text is put in the record: not a key any front matter can have.
_CONTENT_KEY = "\0markdown"
_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)
_ATX = re.compile(r"#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_SETEXT_RULE = re.compile(r"=+[ \t]*")


def read(source: Source) -> Iterator[Article | Problem]:
    """One Article per file (front matter fields + Markdown body), or a Problem if empty."""
    text, problems = read_text(source)
    yield from problems
    front, content, warning = split_front_matter(text)
    if warning is not None:
        message, line = warning
        yield Problem(source.name, message, line=line, skipped=False)
    record: dict[str, Any] = {**front, _CONTENT_KEY: content}
    field_map = {**source.field_map, "body": (_CONTENT_KEY,)}
    result = record_to_article(record, field_map, default_id=source.name, path=source.name)
    if isinstance(result, str):
        yield Problem(source.name, "empty Markdown file: no title and no text")
        return
    yield from (Problem(source.name, w, skipped=False) for w in result.warnings)
    article = result.article
    if not article.title:
        heading, rest = take_heading(article.body)
        if heading:
            article = replace(article, title=heading, body=rest)
    yield article


def split_front_matter(text: str) -> tuple[dict[str, Any], str, tuple[str, int | None] | None]:
    """(front matter, Markdown content, warning and its line) for a file's text.

    Front matter is a ``---`` line at the very top and the next ``---`` line. A block
    that is YAML but not a mapping (prose between two horizontal rules) is content.
    """
    import frontmatter  # python-frontmatter: kept out of ``import searcher``'s cost
    import yaml

    stripped = text.lstrip()
    if not stripped.startswith("---") or not _BOUNDARY.match(stripped):
        return {}, text.strip(), None
    parts = _BOUNDARY.split(stripped, 2)
    if len(parts) < 3:
        return {}, text.strip(), None
    _, block, content = parts
    try:
        data = frontmatter.default_handlers.YAMLHandler().load(block)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as e:
        # ValueError: a timestamp-shaped value that is no date (2024-02-30).
        first_line = text[: len(text) - len(stripped)].count("\n") + 1
        mark = getattr(e, "problem_mark", None)
        line = None if mark is None else first_line + mark.line
        reason = getattr(e, "problem", None) or str(e).splitlines()[0]
        raw = block.strip("\n")
        return {"front_matter": raw}, content.strip(), (
            f"invalid YAML front matter ({reason}): read as plain Markdown, the front matter "
            "is kept as text in meta; fix the YAML to get its fields", line)
    if data is None:
        return {}, content.strip(), None
    if not isinstance(data, dict):
        if isinstance(data, str):
            return {}, text.strip(), None
        return {"front_matter": block.strip("\n")}, content.strip(), (
            "front matter is not a YAML mapping of field: value lines: read as plain "
            "Markdown, the front matter is kept as text in meta", None)
    return {str(k): _jsonable(v) for k, v in data.items()}, content.strip(), None


def take_heading(content: str) -> tuple[str | None, str]:
    """(title, rest) when the text opens with a level-1 heading (``# T`` or ``T`` over ``===``).

    Only an opening heading is a title: a ``#`` section further down is structure.
    """
    lines = content.lstrip("\n").split("\n", 2)
    first = lines[0].strip()
    match = _ATX.fullmatch(first)
    if match and match.group(1).strip():
        return match.group(1).strip(), "\n".join(lines[1:]).strip()
    if len(lines) > 1 and first and not first.startswith("#") and _SETEXT_RULE.fullmatch(
            lines[1].strip()):
        return first, "\n".join(lines[2:]).strip()
    return None, content


def _jsonable(value: Any) -> Any:
    """YAML values as JSON-serialisable meta: dates as ISO text, binary as base64."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value
