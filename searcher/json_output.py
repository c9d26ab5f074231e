"""Results as JSON text, without rich: ``searcher search --json`` and pipes load no
terminal library (the one-shot CLI imports only what it uses)."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from .models import OMIT_DEFAULT
from .sanitize import escape_json


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, tuples and datetimes as JSON-ready values (ISO dates)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(value) for f in dataclasses.fields(obj)
                if (value := getattr(obj, f.name)) != f.default or f.metadata != OMIT_DEFAULT}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj


def json_text(obj: Any, indent: int | None = None) -> str:
    """``obj`` as JSON that is safe to print: ``json`` escapes C0 controls, this also
    escapes DEL and C1 controls (``\\x9b`` is a CSI on some terminals)."""
    text = json.dumps(to_jsonable(obj), ensure_ascii=False, indent=indent)
    return escape_json(text)
