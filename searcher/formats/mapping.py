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
from .record_keys import SUMMARY, guessed_keys, known_fields, says_day_first
from .record_values import is_empty, longer_text, number_text, text_of, unwrap


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
    plan, known = _plan(field_map)
    guessed = _guessed(record, field_map, known)
    if guessed:
        plan = _with_guesses(plan, guessed)
    for name, keys in plan:
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
                if guessed and key in guessed and (tags if name == "tags" else authors):
                    continue  # a key named by its words only fills an empty field
                items = _items(value, strip_by=name == "authors")
                if items is not None:
                    (tags if name == "tags" else authors).extend(items)
                    consumed.add(top)
            elif name == "published":
                if is_empty(value):
                    consumed.add(top)
                    continue
                when = parse_date(value)
                if when is None and is_ambiguous(value):  # 05/06/2019: the record may say
                    first = _day_first(record, index, field_map)
                    if first is None and says_day_first(key):
                        first = True  # datum, fecha: a language that writes day first
                    when = parse_date(value, first)
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
                text, whole = (value.strip(), True) if type(value) is str else text_of(
                    value, name)
                if text is not None:
                    if whole:  # else (a paragraph object gave no text) it stays in meta
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
        longer = longer_text(record, consumed, texts.get("body", ""))
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
_Plan = tuple[tuple[str, tuple[str, ...]], ...]
_PLANS: dict[int, tuple[FieldMap, _Plan, dict[str, str]]] = {}


def _plan(field_map: FieldMap) -> tuple[_Plan, dict[str, str]]:
    """(field, keys) for every article field, defaults filled in, and each plain key's
    field; cached per map object (the cache holds the map, so its id cannot be reused
    while cached)."""
    cached = _PLANS.get(id(field_map))
    if cached is not None and cached[0] is field_map:
        return cached[1], cached[2]
    plan = tuple((name, tuple(k.lower() for k in field_keys(field_map, name)))
                 for name in ARTICLE_FIELDS)
    if len(_PLANS) > 64:
        _PLANS.clear()
    known = known_fields(plan)
    _PLANS[id(field_map)] = (field_map, plan, known)
    return plan, known


def _guessed(record: Mapping[str, Any], field_map: FieldMap,
             known: dict[str, str]) -> dict[str, str]:
    """Key -> field for the record's keys that name a field by their words (record_keys),
    for the fields the user did not --map."""
    return {key: field for field, key in guessed_keys(record, known)
            if _default_keys(field_map, _OWNER.get(field, field))}


def _default_keys(field_map: FieldMap, name: str) -> bool:
    """Whether the map reads ``name`` from the default keys (perhaps with more after them,
    as Markdown adds ``category`` to the tags): not from keys a user chose instead."""
    default = DEFAULT_FIELD_MAP[name]
    keys = field_map.get(name)
    return keys is None or tuple(keys[:len(default)]) == tuple(default)


_OWNER = {SUMMARY: "body"}


_WEAK_BODY = "description"  # the first known body key that is a summary, not the text


def _with_guesses(plan: _Plan, guessed: dict[str, str]) -> _Plan:
    """The plan with guessed keys after every known key of their field; a key naming the
    text (``inhalt``) before the known summary keys, a summary's after them."""
    out = []
    for name, keys in plan:
        more = tuple(k for k, f in guessed.items() if f == name)
        if name == "body":
            cut = keys.index(_WEAK_BODY) if _WEAK_BODY in keys else len(keys)
            summaries = tuple(k for k, f in guessed.items() if f == SUMMARY)
            keys = keys[:cut] + more + keys[cut:] + summaries
        else:
            keys = keys + more
        out.append((name, keys))
    return tuple(out)


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
        item = unwrap(value)
        if isinstance(item, str):
            for part in _SPLIT.split(item) if split else [item]:
                part = part.strip()
                if strip_by:
                    part = _BY.sub("", part)
                if part:
                    items.append(part)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            text = number_text(item)
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
