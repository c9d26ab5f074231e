"""Structured records (JSON objects, front matter, page metadata) -> Article.

Every structured reader goes through ``record_to_article`` so that one field map
(``--map``, field_map.py) means the same thing for JSONL, JSON and Markdown, and so
that the rules nobody wants to re-learn per format live once: how dates are read
(never invented, placeholders rejected), how wrapped values (``{"name": ...}``)
unwrap, and that every key we did not use is kept in ``Article.meta``.

This is in the build's hot path (one call per JSONL line), so the common case
(lower-case keys, ISO dates, string values) takes the short road; the lenient
date parsers are imported only when a date needs them.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..date_names import day_first
from ..dates import is_ambiguous, now_utc, parse_date, vetted, without_day
from ..models import Article, Decision, Problem
from .base import FieldMap
from .field_map import (
    ARTICLE_FIELDS,
    DEFAULT_FIELD_MAP,
    LIST_FIELDS,
    field_keys,
    field_map_specs,
    parse_field_map,
)


@dataclass(frozen=True)
class Mapped:
    """A record that became an article, with warnings about what could not be read
    (e.g. an unparseable date, kept raw in meta): the caller reports them as
    non-skipping Problems. ``notes`` are the Decisions (and warnings) for values rejected
    by rule, such as a placeholder date."""

    article: Article
    warnings: tuple[str, ...] = ()
    notes: tuple[Decision | Problem, ...] = ()  # values rejected (a placeholder date...)


def record_to_article(record: Mapping[str, Any], field_map: FieldMap, *, default_id: str,
                      path: str) -> Mapped | str:
    """Map one record to an Article, or return why it cannot be one.

    Scalar fields take the first key holding a usable non-empty value; tags and
    authors concatenate all their keys (deduplicated, first spelling kept). A key
    is consumed when its value was used or empty; every other key, including one
    whose value could not be read (a date we cannot parse), stays in ``meta``.
    Dotted keys (``meta.author``) reach into nested objects, which stay in meta whole.
    """
    joined = "".join(record)
    index: dict[str, str] | None = None
    if joined.lower() != joined:  # rare: only then pay for case-insensitive lookups
        index = {}
        for key in record:
            index.setdefault(key.lower(), key)
    get = record.get
    consumed: set[str | None] = set()
    texts: dict[str, str] = {}
    tags: list[str] = []
    authors: list[str] = []
    published: datetime | None = None
    bad_dates: list[str] = []
    notes: list[Decision | Problem] = []
    day_less: tuple[datetime, list[Decision | Problem], str | None] | None = None
    body_top: str | None = None
    for name, keys in _plan(field_map):
        for key in keys:
            if index is None:
                top: str | None = key
                value = get(key, _MISSING)
            else:
                top = index.get(key)
                value = _MISSING if top is None else record[top]
            if value is _MISSING:
                if "." not in key:
                    continue
                head = key.partition(".")[0]
                if (get(head) if index is None else index.get(head)) is None:
                    continue  # the common case: no such nested object at all
                value, top = _nested(record, index, key)
                if value is _MISSING:
                    continue
            if name == "tags" or name == "authors":
                items = _items(value, strip_by=name == "authors")
                if items is not None:
                    (tags if name == "tags" else authors).extend(items)
                    consumed.add(top)
            elif name == "published":
                if _is_empty(value):
                    consumed.add(top)
                    continue
                when = parse_date(value)
                if when is None and is_ambiguous(value):  # 05/06/2019: the record may say
                    when = parse_date(value, _day_first(record, index, field_map))
                if when is None:
                    bad_dates.append(f"{top or key}={_short(value)}")
                    continue
                accepted, said = vetted(when, value, path, now=_recent_now())
                if accepted is not None and without_day(value):
                    if day_less is None:  # a year alone: a later key may state the day
                        day_less = (accepted, said, top)
                    continue
                notes.extend(said)  # a placeholder (1970-01-01T00:00:00Z)...
                if accepted is not None:
                    published = accepted
                    consumed.add(top)
                    break  # else: try the next key
            else:
                text = value.strip() if type(value) is str else _text(value, name)
                if text is not None:
                    consumed.add(top)
                    if text:
                        texts[name] = text
                        body_top = top if name == "body" else body_top
                        break
    if published is None and day_less is not None:
        published, said, top = day_less
        notes.extend(said)
        consumed.add(top)
    if field_map.get("body", DEFAULT_FIELD_MAP["body"]) == DEFAULT_FIELD_MAP["body"]:
        longer = _longer_text(record, consumed, texts.get("body", ""))
        if longer is not None:  # the article text under a key no map names
            consumed.discard(body_top)
            consumed.add(longer[0])
            texts["body"] = longer[1]
    title = texts.get("title", "")
    body = texts.get("body", "")
    article_id = texts.get("id", default_id)
    if not title and not body:
        named = f"record {article_id!r}" if "id" in texts else "record"
        looked = field_keys(field_map, "title") + field_keys(field_map, "body")
        shown = ", ".join(looked[:8]) + (f" and {len(looked) - 8} more" if len(looked) > 8 else "")
        return (f"{named} has neither a title nor a body (looked for keys {shown}; "
                "use --map body=KEY if the text is under another key)")
    meta = {k: v for k, v in record.items() if k not in consumed}
    dropped = bound_meta(meta)
    if dropped:
        notes.extend(Decision(path, META_DROPPED, why) for why in dropped)
    article = Article(
        article_id, title, body, _dedupe(tags), _dedupe(authors), published,
        texts.get("source", ""), texts.get("url", ""), path, meta)
    if bad_dates and published is None:
        return Mapped(article, (f"unreadable date ({'; '.join(bad_dates)}): indexed without a "
                                "date, the raw value is kept in meta",), tuple(notes))
    return Mapped(article, (), tuple(notes))


META_DROPPED = "metadata value dropped"
MAX_META_DEPTH = 16  # levels of nesting inside one kept value ({"a": {"b": 1}} is 2)
MAX_META_VALUES = 20_000  # strings, numbers, lists and objects kept per record
MAX_META_CHARS = 1_000_000  # characters of keys and strings kept per record


def bound_meta(meta: dict[str, Any]) -> list[str]:
    """Drop (in place) the kept values that are nested too deep or too big, and say
    which and why. Stored metadata is pickled with the article and walked when it is
    hashed or shown: a value nested 500 deep broke every build (RecursionError at
    commit), and a million small values cost memory no cap bounded. Walked with a
    stack, never recursion; the budget is shared by the record's values in order."""
    values, chars = MAX_META_VALUES, MAX_META_CHARS
    dropped: list[str] = []
    for key in list(meta):
        budget = values, chars  # a dropped value gives its share back
        stack: list[tuple[Any, int]] = [(key, 0), (meta[key], 1)]
        why = ""
        while stack and not why:
            value, depth = stack.pop()
            values -= 1
            if depth > MAX_META_DEPTH:
                why = f"nested deeper than {MAX_META_DEPTH} levels"
            elif values < 0:
                why = f"the record's metadata holds over {MAX_META_VALUES:,} values"
            elif isinstance(value, str):
                chars -= len(value)
                if chars < 0:
                    why = f"the record's metadata holds over {MAX_META_CHARS:,} characters"
            elif isinstance(value, dict):
                stack.extend((k, depth + 1) for k in value)
                stack.extend((v, depth + 1) for v in value.values())
            elif isinstance(value, (list, tuple)):
                stack.extend((v, depth + 1) for v in value)
        if why:
            values, chars = budget
            del meta[key]
            dropped.append(f"{_short(str(key))}: {why}")
    return dropped


_MISSING: Any = object()
_NOW: list[Any] = [-1e9, None]  # (monotonic time, naive UTC now) refreshed each minute


def _recent_now() -> datetime:
    """The current time for ``vet``, read once a minute (this runs once per record)."""
    tick = time.monotonic()
    if tick - _NOW[0] > 60:
        _NOW[0], _NOW[1] = tick, now_utc()
    return _NOW[1]  # type: ignore[no-any-return]
_PLANS: dict[int, tuple[FieldMap, tuple[tuple[str, tuple[str, ...]], ...]]] = {}


def _plan(field_map: FieldMap) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(field, keys) for every article field, defaults filled in; cached per map object
    (the cache holds the map, so its id cannot be reused while cached)."""
    cached = _PLANS.get(id(field_map))
    if cached is not None and cached[0] is field_map:
        return cached[1]
    plan = tuple((name, tuple(k.lower() for k in field_keys(field_map, name)))
                 for name in ARTICLE_FIELDS)
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[id(field_map)] = (field_map, plan)
    return plan


def _day_first(record: Mapping[str, Any], index: Mapping[str, str] | None,
               field_map: FieldMap) -> bool | None:
    """What the record's language (``language``, ``lang``, ``locale``, ``inLanguage``),
    else its URL's country, says about the order of an ambiguous numeric date."""
    def value(key: str) -> str:
        found = record.get(key if index is None else index.get(key, key))
        return found if isinstance(found, str) else ""

    verdicts = [day_first(value(key)) for key in ("language", "lang", "locale", "inlanguage")]
    verdicts += [day_first(url=value(key.lower())) for key in field_keys(field_map, "url")]
    return next((v for v in verdicts if v is not None), None)


def _nested(record: Mapping[str, Any], index: Mapping[str, str] | None,
            key: str) -> tuple[Any, None]:
    """The value at a dotted key (``meta.author``), or _MISSING. The top-level key is
    reported as None: the nested object is only partly used, so it stays in meta whole."""
    head, _, rest = key.partition(".")
    top = head if index is None else index.get(head)
    value: Any = record.get(top, _MISSING) if top is not None else _MISSING
    for part in rest.split("."):
        if not isinstance(value, Mapping):
            return _MISSING, None
        found = next((k for k in value if isinstance(k, str) and k.lower() == part), None)
        if found is None:
            return _MISSING, None
        value = value[found]
    return value, None


LONGER_TEXT_MIN_CHARS = 400
LONGER_TEXT_RATIO = 2


def _longer_text(record: Mapping[str, Any], consumed: set[str | None],
                 body: str) -> tuple[str, str] | None:
    """(key, text) of a string field no map names that holds the article text: prose at
    least twice as long as the body the known keys gave (and LONGER_TEXT_MIN_CHARS). An
    API that puts a summary under ``description`` and the text under a key of its own
    (``maintext``, ``article_text``...) has its text indexed, not the summary. Prose: a
    space every 12 characters or more often (not a URL, an id or base64) and little
    markup (not a whole page's HTML)."""
    best: tuple[str, str] | None = None
    least = max(LONGER_TEXT_MIN_CHARS, LONGER_TEXT_RATIO * len(body))
    for key, value in record.items():
        if (type(value) is not str or len(value) < least or key in consumed
                or value.count(" ") * 12 < len(value) or value.count("<") * 100 > len(value)):
            continue
        best, least = (key, value.strip()), len(value)
    return best


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and value.isspace()) or (
        isinstance(value, (list, dict)) and not value)


_UNWRAP_KEYS = ("main", "original", "name", "webTitle", "$oid", "$date", "#text", "text",
                "value", "href", "rendered")  # WordPress REST: {"rendered": "<p>...</p>"}


def _unwrap(value: Any) -> Any:
    """A dict standing for one value ({"name": ...}, Mongo's {"$oid": ...}, the NYT's
    {"main": headline} and {"original": byline}) -> that value. A {"name": kind,
    "value": ...} pair (NYT keywords) stands for its value."""
    if isinstance(value, Mapping):
        if isinstance(value.get("value"), str) and isinstance(value.get("name"), str):
            return value["value"]
        for key in _UNWRAP_KEYS:
            inner = value.get(key)
            if key == "rendered" and isinstance(inner, str) and "<" not in inner:
                return html.unescape(inner)  # WordPress renders "Bridge &#8211; council"
            if isinstance(inner, (str, int, float)) and not isinstance(inner, bool):
                return inner
    return value


def _text(value: Any, name: str) -> str | None:
    """A text field's value: "" when empty, None when the value is not text-like."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, list):
        if name == "body":  # paragraphs: strings, or objects each holding one's text
            parts = [_unwrap(v) for v in value]
            if all(isinstance(p, str) for p in parts):
                return "\n\n".join(p.strip() for p in parts if p.strip())
        return "" if not value else None
    if isinstance(value, Mapping):
        inner = _unwrap(value)
        return None if inner is value else _text(inner, name)
    return None


def _number(value: int | float) -> str | None:
    try:
        return str(value)
    except ValueError:  # an int beyond Python's str() digit limit
        return None


_SPLIT = re.compile(r"[,;]")
_BY = re.compile(r"^by\s+", re.IGNORECASE)


def _items(value: Any, *, strip_by: bool) -> list[str] | None:
    """A list field's items from a list or a ``,``/``;`` string; None when unreadable."""
    if type(value) is list:
        items = []
        for item in value:
            if type(item) is not str:
                return _mixed_items(value, strip_by)
            item = item.strip()
            if item:
                items.append(item)
        return [_BY.sub("", item) for item in items] if strip_by else items
    if value is None:
        return []
    return _mixed_items([value], strip_by, split=type(value) is str)


def _mixed_items(values: list[Any], strip_by: bool, split: bool = False) -> list[str] | None:
    items: list[str] = []
    for value in values:
        item = _unwrap(value)
        if isinstance(item, str):
            for part in _SPLIT.split(item) if split else [item]:
                part = part.strip()
                if strip_by:
                    part = _BY.sub("", part)
                if part:
                    items.append(part)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            text = _number(item)
            if text is None:
                return None
            items.append(text)
        elif item is not None:
            return None
    return items


def _dedupe(items: list[str]) -> tuple[str, ...]:
    if len(items) < 2:
        return tuple(items)
    seen: set[str] = set()
    result = []
    for item in items:
        folded = item.casefold()
        if folded not in seen:
            seen.add(folded)
            result.append(item)
    return tuple(result)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["ARTICLE_FIELDS", "DEFAULT_FIELD_MAP", "LIST_FIELDS", "Mapped", "field_keys",
           "field_map_specs", "parse_date", "parse_field_map", "record_to_article"]
