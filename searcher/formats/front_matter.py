"""Front matter at the top of a Markdown file: YAML between ``---`` lines (Jekyll, Hugo,
Hexo...) or TOML between ``+++`` lines (Hugo, Zola). CRLF line endings and a BOM are
read like LF (the caller normalises them).

A block that does not parse does not cost the article: the caller reads the file as
plain Markdown after it, keeps the raw block in ``meta["front_matter"]`` and warns.
"""

from __future__ import annotations

import base64
import re
import sys
from datetime import date, time
from typing import Any

_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)
_TOML_BOUNDARY = re.compile(r"^\+{3}[ \t]*$", re.MULTILINE)

def split_front_matter(text: str) -> tuple[dict[str, Any], str, tuple[str, int | None] | None]:
    """(front matter, Markdown content, warning and its line) for a file's text.

    Front matter is a ``---`` (YAML) or ``+++`` (TOML) line at the very top and the next
    such line. A block
    that is YAML but not a mapping (prose between two horizontal rules) is content.
    """
    import yaml

    from . import safe_yaml

    stripped = text.lstrip()
    if stripped.startswith("+++"):
        return _split_toml(text)
    if not stripped.startswith("---") or not _BOUNDARY.match(stripped):
        return {}, text.strip(), None
    parts = _BOUNDARY.split(stripped, 2)
    if len(parts) < 3:
        return {}, text.strip(), None
    _, block, content = parts
    try:
        data = safe_yaml.load(block)  # bounded: an alias bomb is refused
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
    try:
        return {str(k): _jsonable(v) for k, v in data.items()}, content.strip(), None
    except RecursionError:  # a self-referencing alias (a: &a [*a])
        return {"front_matter": block.strip("\n")}, content.strip(), (
            "front matter refers to itself (a YAML alias inside its own value): read as "
            "plain Markdown, the front matter is kept as text in meta", None)


def _split_toml(text: str) -> tuple[dict[str, Any], str, tuple[str, int | None] | None]:
    """``+++`` TOML front matter (tomllib on Python 3.11+, else the tomli backport)."""
    parts = _TOML_BOUNDARY.split(text.lstrip(), 2)
    if len(parts) < 3:
        return {}, text.strip(), None
    _, block, content = parts
    if sys.version_info >= (3, 11):
        import tomllib as toml
    else:  # Python 3.10: the tomli backport (a conditional dependency)
        try:
            import tomli as toml  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            return {"front_matter": block.strip("\n")}, content.strip(), (
                "TOML front matter needs Python 3.11 or the tomli package: read as plain "
                "Markdown, the front matter is kept as text in meta", None)
    try:
        data = toml.loads(block)
    except (toml.TOMLDecodeError, ValueError, RecursionError) as e:
        return {"front_matter": block.strip("\n")}, content.strip(), (
            f"invalid TOML front matter ({str(e).splitlines()[0]}): read as plain Markdown, "
            "the front matter is kept as text in meta", None)
    return {str(k): _jsonable(v) for k, v in data.items()}, content.strip(), None


def _jsonable(value: Any) -> Any:
    """YAML values as JSON-serialisable meta: dates as ISO text, binary as base64."""
    if isinstance(value, (date, time)):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value
