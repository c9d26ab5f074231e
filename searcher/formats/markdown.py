"""Markdown files, with or without front matter (YAML ``---`` or TOML ``+++``).

The front matter is a record like a JSON object, so it goes through the same field
map (``record_to_article``): one ``--map`` works for every structured format, with the
static-site conventions added: Jekyll's singular ``category`` is a tag key, a
``categories`` string is space-separated, and when the front matter has no date the
date in a Jekyll file name (``2020-08-31-some-slug.md``) or in the front matter's
``path``/``permalink``/``url``/``slug`` (``2014/12/12/...``) is used. CRLF line endings and a
BOM are read like LF. Dates go through dates.py (``2020-08-31-20-02-06`` is a time,
not an offset; placeholders rejected and counted).

The body is the text a reader of the rendered page sees (markdown_text.py): link text
without URLs (the links are kept in ``meta["links"]``), no markup, no kramdown
attribute lists, template tags or images. A front-matter ``description``/``summary``
stays in meta. Invalid front matter does not cost the article (front_matter.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from ..dates import vetted
from ..models import Article, Decision, Problem
from .base import Source, read_text
from .front_matter import split_front_matter
from .mapping import DEFAULT_FIELD_MAP, record_to_article
from .markdown_text import to_text

# Where the text is put in the record: not a key any front matter can have.
_CONTENT_KEY = "\0markdown"
_ATX = re.compile(r"#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_SETEXT_RULE = re.compile(r"=+[ \t]*")
_FILE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_]|$)")
_PATH_DATE = re.compile(r"(?<!\d)(\d{4})[/-](\d{2})[/-](\d{2})(?!\d)")
_DATE_PATH_KEYS = ("path", "permalink", "url", "slug")


def read(source: Source) -> Iterator[Article | Problem | Decision]:
    """One Article per file (front matter fields + the text of the Markdown), or a
    skipped Problem if there is neither title nor text."""
    text, problems = read_text(source)
    yield from problems
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    front, content, warning = split_front_matter(text)
    if warning is not None:
        message, line = warning
        yield Problem(source.name, message, line=line, skipped=False)
    title_heading, content = take_heading(content) if not _has_title(front) else (None, content)
    rendered = to_text(content)
    for kind, count in rendered.removed.items():
        yield Decision(source.name, kind, f"{count} in the Markdown")
    record: dict[str, Any] = {**_static_site_keys(front), _CONTENT_KEY: rendered.text}
    if title_heading:
        record.setdefault("title", to_text(title_heading).text)
    if rendered.links:
        record["links"] = rendered.links
    tag_keys = tuple(source.field_map.get("tags") or DEFAULT_FIELD_MAP["tags"])
    field_map = {**source.field_map, "body": (_CONTENT_KEY,),
                 "tags": tag_keys + (("category",) if "category" not in tag_keys else ())}
    result = record_to_article(record, field_map, default_id=source.name, path=source.name)
    if isinstance(result, str):
        yield Problem(source.name, "empty Markdown file: no title and no text")
        return
    yield from (Problem(source.name, w, skipped=False) for w in result.warnings)
    yield from result.notes
    article = result.article
    first, _, rest = article.body.partition("\n\n")
    if article.title and first == article.title:  # the heading that repeats the title
        article = replace(article, body=rest)
    if article.published is None and not result.notes:
        when, raw = _implied_date(source.name, front)
        published, notes = vetted(when, raw, source.name)
        yield from notes
        if published is not None:
            article = replace(article, published=published)
    if not article.title:
        yield Problem(source.name, "no title found: the article is indexed without one",
                      skipped=False)
    yield article


def _has_title(front: dict[str, Any]) -> bool:
    return any(isinstance(front.get(k), str) and front[k].strip()
               for k in ("title", "headline", "name"))


def _static_site_keys(front: dict[str, Any]) -> dict[str, Any]:
    """Jekyll's ``categories: news politics`` (a space-separated string) as a list."""
    categories = front.get("categories")
    if isinstance(categories, str) and not re.search(r"[,;]", categories):
        return {**front, "categories": categories.split()}
    return front


def _implied_date(name: str, front: dict[str, Any]) -> tuple[datetime | None, str]:
    """The date a static site gives a post without a ``date``: its file name's
    (``2020-08-31-slug.md``), else one in its path/permalink/url/slug (``2014/12/12/x``)."""
    stem = PurePosixPath(name).name
    candidates = [(_FILE_DATE.match(stem), stem)]
    candidates += [(_PATH_DATE.search(front[k]), front[k]) for k in _DATE_PATH_KEYS
                   if isinstance(front.get(k), str)]
    for match, raw in candidates:
        if match:
            try:
                return datetime(*map(int, match.groups())), raw  # type: ignore[arg-type]
            except ValueError:
                continue
    return None, ""


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


