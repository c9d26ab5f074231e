"""Saved web pages: the article's main text and the metadata the page states.

trafilatura finds the main text (navigation, ads, footers left out), the title,
authors, site name and canonical URL. Dates and tags are read here from the
page's own meta tags / JSON-LD instead, because trafilatura (via htmldate)
guesses a date when the page states none, e.g. 2023-01-01 from a footer's
"© 2023", and a reader must never invent a date.

trafilatura costs ~120 ms to import, so it is imported on the first page read,
not by ``import searcher``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..dates import parse_date
from ..models import Article, Problem
from .base import Source, decode, read_bytes

# Meta names/properties/itemprops stating when an article was published, best first.
DATE_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "published_time", "article.published", "publishdate", "publish-date",
    "publish_date", "pubdate", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "dc.date", "dcterms.date", "date", "sailthru.date", "parsely-pub-date",
    "citation_publication_date",
)
TAG_META = ("article:tag", "keywords", "news_keywords")
_SPLIT = re.compile(r"[,;]")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""", re.IGNORECASE)


def read(source: Source) -> Iterator[Article | Problem]:
    """One Article per page, or a Problem when the page has no article text."""
    import trafilatura  # lazy: see the module docstring

    text, problems = decode_page(read_bytes(source.path), source)
    yield from problems
    tree = trafilatura.load_html(text)
    if tree is None:
        yield Problem(source.name, "not an HTML page (nothing to parse)")
        return
    stated = page_meta(tree)
    # favor_precision: a page that is all navigation (a saved 404, an index page) gives
    # no text instead of its menu as an "article".
    document = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True})
    found: dict[str, Any] = {}
    if document is not None:
        found = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    title = _clean(found.get("title"))
    body = _drop_title_line(_clean(found.get("text")), title)
    if not body:
        yield Problem(source.name, "no article text found in the page")
        return
    meta: dict[str, Any] = {k: v for k in ("description", "language", "hostname")
                            if (v := _clean(found.get(k)))}
    published = None
    if stated.date_raw:
        published = parse_date(stated.date_raw)
        if published is None:
            meta["published_raw"] = stated.date_raw
            yield Problem(source.name, f"unreadable date {stated.date_raw!r} in the page's "
                          "meta tags: indexed without a date", skipped=False)
    yield Article(
        id=source.name, title=title, body=body, tags=stated.tags,
        authors=_split_names(_clean(found.get("author"))), published=published,
        source=_clean(found.get("sitename")), url=_clean(found.get("url")),
        path=source.name, meta=meta)


def decode_page(data: bytes, source: Source) -> tuple[str, list[Problem]]:
    """Text of a saved page: UTF-8 if it is valid UTF-8, else the charset the page
    declares (legacy pages are often windows-1252 or Shift_JIS, and say so), else the
    shared fallback, which reports the guess."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(data[:4096])
    if match and b"\0" not in data[:8192]:
        name = (match.group(1) or match.group(2)).decode("ascii", "replace")
        try:
            return data.decode(name), []
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, source)


@dataclass(frozen=True)
class StatedMeta:
    """What the page's head says about itself (only what it says, nothing inferred)."""

    date_raw: str
    tags: tuple[str, ...]


def page_meta(tree: Any) -> StatedMeta:
    """The publication date (raw text) and tags stated by meta tags, JSON-LD or microdata."""
    dates: dict[str, str] = {}
    tags: list[str] = []
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop")
               or "").strip().lower()
        content = (element.get("content") or "").strip()
        if not key or not content:
            continue
        if key in TAG_META:
            tags.extend([content] if key == "article:tag" else _SPLIT.split(content))
        elif key in DATE_META:
            dates.setdefault(key, content)
    date_raw = next((dates[k] for k in DATE_META if k in dates), "")
    if not date_raw:
        date_raw = _json_ld_date(tree) or _microdata_date(tree)
    return StatedMeta(date_raw, _dedupe(tags))


def _json_ld_date(tree: Any) -> str:
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        found = _find_key(data, "datePublished", 0)
        if found:
            return found
    return ""


def _find_key(data: Any, key: str, depth: int) -> str:
    if depth > 6:
        return ""
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            found = _find_key(item, key, depth + 1)
            if found:
                return found
    return ""


def _microdata_date(tree: Any) -> str:
    for element in tree.xpath("//*[@itemprop='datePublished'] | //time[@pubdate]"):
        value = element.get("datetime") or element.get("content") or element.text_content()
        if value and value.strip():
            return str(value).strip()
    return ""


def _clean(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _drop_title_line(body: str, title: str) -> str:
    """trafilatura repeats the page's <h1> as the body's first line; the title has it."""
    if not title:
        return body
    first, _, rest = body.partition("\n")
    if " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest.strip()
    return body


def _split_names(text: str) -> tuple[str, ...]:
    """trafilatura joins several authors with "; "."""
    return _dedupe(_SPLIT.split(text)) if text else ()


def _dedupe(items: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    result = []
    for item in items:
        item = " ".join(item.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            result.append(item)
    return tuple(result)
