"""What a structured record's value holds as an article field's text.

APIs and scrapers wrap one value in an object (``{"name": ...}``, Mongo's
``{"$oid": ...}``, WordPress's ``{"rendered": ...}``) and give a body as paragraphs in
many shapes: a list of strings, a list of objects each holding one paragraph's text
under a key of its own (``{"text": ...}``, an editor's ``{"type": "paragraph",
"data": {"text": ...}}``, the Guardian's blocks' ``bodyTextSummary``), or an object
holding the paragraphs (``{"paragraphs": [...]}``). A paragraph object's text is found
by its keys' words (record_keys), the way a record's own fields are, never by the
position of a key. An item with no text (an image block) gives none, and the list is
then kept in the article's metadata as well (``text_of`` says so), so nothing is lost.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from .record_keys import BODY, SUMMARY, TITLE, key_field

MAX_PARAGRAPH_DEPTH = 4  # objects inside objects inside a body value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and value.isspace()) or (
        isinstance(value, (list, dict)) and not value)


_UNWRAP_KEYS = ("main", "original", "name", "webTitle", "$oid", "$date", "#text", "text",
                "value", "href", "rendered", "title")  # WordPress REST: {"rendered": "<p>...</p>"}


def unwrap(value: Any) -> Any:
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


def text_of(value: Any, name: str) -> tuple[str | None, bool]:
    """A text field's value ("" when empty, None when the value is not text-like), and
    whether all of the value is in it (False: some paragraph object gave no text)."""
    if isinstance(value, str):
        return value.strip(), True
    if value is None:
        return "", True
    if isinstance(value, bool):
        return None, True
    if isinstance(value, (int, float)):
        return number_text(value), True
    if name == "body" and isinstance(value, (list, Mapping)):
        parts: list[str] = []
        whole = _paragraphs(value, parts, 0)
        if parts:
            return "\n\n".join(parts), whole
        return ("" if not value else None), True
    if isinstance(value, list):
        return ("" if not value else None), True
    if isinstance(value, Mapping):
        inner = unwrap(value)
        return (None, True) if inner is value else text_of(inner, name)
    return None, True


def _paragraphs(value: Any, out: list[str], depth: int) -> bool:
    """Append the paragraphs ``value`` holds to ``out``; False when some part of it
    that could hold text gave none."""
    if isinstance(value, str):
        if value.strip():
            out.append(value.strip())
        return True
    if depth > MAX_PARAGRAPH_DEPTH:
        return False
    if isinstance(value, list):
        whole = True
        for item in value:
            whole = _paragraphs(item, out, depth + 1) and whole
        return whole
    if not isinstance(value, Mapping):
        return value is None or isinstance(value, (bool, int, float))
    ranked: dict[str, list[str]] = {}
    for key, item in value.items():
        field = key_field(key) if isinstance(key, str) else None
        if field in (BODY, SUMMARY, TITLE):
            ranked.setdefault(field, []).append(key)
        elif isinstance(item, (Mapping, list)) and key in _HOLDERS:
            ranked.setdefault(BODY, []).append(key)
    # a section's heading then its text (else its summary); a heading alone is a paragraph
    order = [TITLE, BODY] if BODY in ranked else [TITLE, SUMMARY]
    before = len(out)
    whole = True
    for field in order:
        for key in ranked.get(field, ()):
            whole = _paragraphs(value[key], out, depth + 1) and whole
    if len(out) > before:
        used = {key for field in order for key in ranked.get(field, ())}
        return whole and not any(_wordy(v) for k, v in value.items() if k not in used)
    inner = unwrap(value)
    if isinstance(inner, str):
        if inner.strip():
            out.append(inner.strip())
        return not any(_wordy(v) and v is not inner for v in value.values())
    return not any(_wordy(v) for v in value.values())


_HOLDERS = frozenset({"data", "block", "blocks", "children", "items", "elements"})


def _wordy(value: Any, depth: int = 0) -> bool:
    """Holds text a reader would miss (a caption), not only a type, an id or a URL."""
    if isinstance(value, str):
        return " " in value.strip() and "://" not in value
    if depth > MAX_PARAGRAPH_DEPTH:
        return True
    if isinstance(value, Mapping):
        return any(_wordy(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_wordy(v, depth + 1) for v in value)
    return False


def number_text(value: int | float) -> str | None:
    try:
        return str(value)
    except ValueError:  # an int beyond Python's str() digit limit
        return None


LONGER_TEXT_MIN_CHARS = 400
LONGER_TEXT_RATIO = 2


def longer_text(record: Mapping[str, Any], consumed: set[str | None],
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
