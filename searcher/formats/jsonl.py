"""JSON Lines (one article object per line) and JSON files (one object, or a list).

JSONL is how large archives ship, so ``read_jsonl`` streams line by line (gzip
included) and keeps going past a bad line: one malformed record must not cost
the other twenty thousand. A JSON file is one document, so it is parsed whole
and an error in it makes the file unreadable.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..models import Article, Decision, Problem
from .base import FieldMap, Source, UnreadableFile, decode, iter_lines, read_chunks
from .mapping import field_keys, record_to_article
from .record_cleanup import clean_record_article
from .record_keys import BODY, TITLE, key_field

# Keys under which JSON APIs and exports wrap their list of articles, in order of preference.
WRAPPER_KEYS = ("articles", "items", "data", "results", "entries", "documents", "docs",
                "records", "posts", "stories", "news", "hits")


MAX_BAD_LINES_LISTED = 100  # per file; the rest are counted, a problem per run of them
_BAD = object()
# json.loads' own (C) scanner, without the error it makes of a StopIteration
_scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
    json.JSONDecoder())  # type: ignore[arg-type]  # (typeshed: a decoder is what it takes)
_SPACE = " \t\n\r"  # what json skips around a value


def read_jsonl(source: Source) -> Iterator[Article | Problem | Decision]:
    """One Article per line; a Problem (and go on) for each line that is not one. The
    first MAX_BAD_LINES_LISTED lines that are not JSON objects are listed one by one;
    later ones make one counted Problem per run of them (lines N to M)."""
    name = source.name
    field_map = source.field_map
    listed = 0
    run: list[int] = []  # [first, last, count] of unlisted bad lines
    for number, line, problems in iter_lines(source):
        if problems:
            yield from problems
        if not line or line.isspace():
            continue
        if len(line) > CHECKED_LINE_CHARS and (reason := too_many_values(line)):
            yield Problem(name, f"{reason}: line skipped", line=number)
            continue
        try:  # json.loads(line) without the error it makes (its line and column worked
            # out for each of three million bad lines took minutes)
            text = line.strip(_SPACE)
            record, end = _scan(text, 0)
            if end != len(text):
                record = _BAD
        except (StopIteration, ValueError, RecursionError):
            record = _BAD
        if record is _BAD or type(record) is not dict:
            if listed < MAX_BAD_LINES_LISTED:
                listed += 1
                yield _bad_line(name, line, number)
            elif run:
                run[1], run[2] = number, run[2] + 1
            else:
                run = [number, number, 1]
            continue
        if run:
            yield _unlisted(name, *run)
            run = []
        where = f"{name}:{number}"
        yield from _convert(record, field_map, where, where, name, number)
    if run:
        yield _unlisted(name, *run)


def _bad_line(name: str, line: str, number: int) -> Problem:
    """What is wrong with a line that is not a JSON object, in full."""
    try:
        record = json.loads(line)
    except ValueError as e:  # JSONDecodeError, or an int past Python's digit limit
        return Problem(name, f"invalid JSON: {_json_error(e, line)}", line=number)
    except RecursionError:
        return Problem(name, "invalid JSON: nested too deeply", line=number)
    return Problem(name, f"not a JSON object but {_kind(record)}: each line must be "
                   "one article object", line=number)


def _unlisted(name: str, first: int, last: int, count: int) -> Problem:
    return Problem(name, f"invalid JSON or not an object: {count:,} more line(s), not listed "
                   f"one by one past the first {MAX_BAD_LINES_LISTED}", line=first,
                   count=count, through=last)


# A JSON document parsed whole becomes Python objects of 20 times its size and more (100 MB
# of small objects: 2.6 GB): the values one may hold are capped, counted by the brackets
# and commas that separate them (prose commas count too: Reuters' 25 MB hold 0.67 M). A
# JSON Lines file is never parsed whole: only each of its lines is capped so.
MAX_JSON_VALUES = 3_000_000
CHECKED_LINE_CHARS = 1 << 20  # JSON Lines lines shorter than this cannot reach the cap


def _values(text: str | bytes) -> int:
    if isinstance(text, bytes):
        return text.count(b"{") + text.count(b"[") + text.count(b",")
    return text.count("{") + text.count("[") + text.count(",")


def too_many_values(text: str | bytes, values: int | None = None) -> str | None:
    """Why ``text`` (or a text of ``values`` values) is not parsed (more than
    MAX_JSON_VALUES values), or None."""
    values = _values(text) if values is None else values
    if values <= MAX_JSON_VALUES:
        return None
    return (f"too many JSON values to read in one go (about {values:,}; the bound on memory "
            f"is {MAX_JSON_VALUES:,})")


def _json_bytes(source: Source) -> bytes:
    """The file's bytes, counted a megabyte at a time and let go once they hold too many
    values (counted on to the end, for the message): a refused file is never held whole
    (100 MB of small objects peaked at 150 MB to be refused)."""
    chunks: list[bytes] = []
    values = 0
    for chunk in read_chunks(source.path):
        values += _values(chunk)
        if values <= MAX_JSON_VALUES:
            chunks.append(chunk)
        else:
            chunks.clear()
    if reason := too_many_values(b"", values):
        raise UnreadableFile(f"{reason}: not read (split it, or use JSON Lines)")
    data = b"".join(chunks)
    chunks.clear()
    return data


def read_json(source: Source) -> Iterator[Article | Problem | Decision]:
    """Articles from a JSON object (one article, or a wrapped list) or an array of objects."""
    data = _json_bytes(source)
    text, problems = decode(data, source)
    del data
    yield from problems
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise UnreadableFile(f"invalid JSON: {e.msg} at line {e.lineno} column {e.colno}") from e
    except (ValueError, RecursionError) as e:
        raise UnreadableFile(f"invalid JSON: {e or 'nested too deeply'}") from e
    name = source.name
    field_map = source.field_map
    text_keys = field_keys(field_map, "title") + field_keys(field_map, "body")
    items = _article_list(document, text_keys)
    if items is None:
        if isinstance(document, dict):
            yield from _convert(document, field_map, name, name, name, None)
            return
        raise UnreadableFile(f"JSON holds {_kind(document)}, not articles: expected an object "
                             "or an array of objects")
    placeholders = shared_placeholders(items, field_keys(field_map, "body"))
    for number, item in enumerate(items, start=1):
        where = f"{name}#{number}"
        if isinstance(item, dict):
            for key in [k for k, v in item.items()
                        if placeholders and type(v) is str and (k, v) in placeholders]:
                yield Decision(name, PLACEHOLDER_DROPPED, f"{key}: {item[key]}"[:80],
                               chars=len(item[key]))
                item = {k: v for k, v in item.items() if k != key}
            yield from _convert(item, field_map, where, where, name, None)
        else:
            yield Problem(name, f"item {number} is {_kind(item)}, not an article object")


PLACEHOLDER_DROPPED = "placeholder text dropped"
PLACEHOLDER_MIN_RECORDS = 3
PLACEHOLDER_MAX_WORDS = 12


def shared_placeholders(items: list[Any], body_keys: tuple[str, ...]) -> set[tuple[str, str]]:
    """(key, value) pairs of a body key that hold one short text in most records: an
    API's stand-in for text it did not send (NewsData.io's ``ONLY AVAILABLE IN PAID
    PLANS`` under ``content``), not any article's text. The evidence is the dump
    itself: the same value under that key in at least PLACEHOLDER_MIN_RECORDS records
    and half of those that have the key. Such a value is dropped from the record (a
    counted Decision) so that the next body key (``description``) gives the text."""
    wanted = set(body_keys)
    held: dict[str, int] = {}
    same: dict[tuple[str, str], int] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if type(value) is str and key.lower() in wanted and value.strip():
                held[key] = held.get(key, 0) + 1
                if len(value.split()) <= PLACEHOLDER_MAX_WORDS:
                    same[key, value] = same.get((key, value), 0) + 1
    return {pair for pair, n in same.items()
            if n >= PLACEHOLDER_MIN_RECORDS and 2 * n >= held[pair[0]]}


def _article_list(document: Any, text_keys: tuple[str, ...], depth: int = 0) -> list[Any] | None:
    """The list of articles in a document, or None when it is a single article.

    An array is the list; so is a list of objects under a wrapper key (even next to a
    feed-level "title", as in JSON Feed). An object without title/body keys is searched
    two levels down, for API shapes like {"response": {"docs": [...]}}.
    """
    if isinstance(document, list):
        return document
    if not isinstance(document, dict) or depth > 2:
        return None
    lowered = {key.lower(): value for key, value in document.items()}
    for key in WRAPPER_KEYS:
        value = lowered.get(key)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value
    if any(lowered.get(key) for key in text_keys):
        return None
    if any(lowered.get(key) == [] for key in WRAPPER_KEYS):
        return []
    found = _listed_articles(document, text_keys)
    if found is not None:
        return found
    for value in document.values():
        if isinstance(value, dict):
            found = _article_list(value, text_keys, depth + 1)
            if found is not None:
                return found
    return None


LISTED_SAMPLE = 20


def _listed_articles(document: Mapping[str, Any], text_keys: tuple[str, ...]) -> list[Any] | None:
    """The longest list under a key no wrapper list names (Bing's ``value``, a site's
    ``headlines``) at least half of whose first objects hold a title or a body, by a
    mapped key or by their keys' words (record_keys)."""
    known = set(text_keys)
    if any(isinstance(k, str) and key_field(k) in (TITLE, BODY) for k in document):
        return None  # an article of its own (its comments are a list of objects too)
    best: list[Any] | None = None
    for value in document.values():
        if not (isinstance(value, list) and value and isinstance(value[0], dict)):
            continue
        sample = value[:LISTED_SAMPLE]
        held = sum(1 for item in sample if isinstance(item, dict) and any(
            isinstance(k, str) and (k.lower() in known or key_field(k) in (TITLE, BODY))
            for k in item))
        if 2 * held >= len(sample) and (best is None or len(value) > len(best)):
            best = value
    return best


def _convert(record: Mapping[str, Any], field_map: FieldMap, default_id: str, path: str,
             name: str, line: int | None) -> Iterator[Article | Problem | Decision]:
    result = record_to_article(record, field_map, default_id=default_id, path=path)
    if isinstance(result, str):
        yield Problem(name, result, line=line)
        return
    for warning in result.warnings:
        yield Problem(name, warning, line=line, skipped=False)
    for note in result.notes:
        yield replace(note, path=name, line=line)
    article, decisions, skipped = clean_record_article(result.article, name, line)
    yield from decisions
    if article is None:
        yield Problem(name, skipped, line=line)
    else:
        yield article


def _json_error(error: ValueError, line: str) -> str:
    """The decoder's reason and the column in the line (not past its newline)."""
    if isinstance(error, json.JSONDecodeError):
        column = min(error.pos, len(line.rstrip("\r\n"))) + 1
        # some messages end in " at" ("Invalid control character at"): no "at at"
        return f"{error.msg.removesuffix(' at')} at column {column}"
    return str(error)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else "an object"
