"""One article -> the document a build indexes: the caps on its size, its text made
valid, and the content hash that says whether it changed since the last build.

Nothing is cut silently: a cap that bites or text that had to be repaired comes back
as a problem (and, for the cut, a counted reader decision) for the build to report.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from typing import Any

from . import schema
from .models import Article, Problem

MAX_ARTICLE_CHARS = 2_000_000  # article text indexed per article (the rest is cut, counted)
MAX_TITLE_CHARS = 1_000
CUT_KIND = f"article text cut at {MAX_ARTICLE_CHARS // 1_000_000} M characters"
_SURROGATE = re.compile("[\ud800-\udfff]")


def record_hash(doc: dict[str, object]) -> str:
    """Content hash of an article's document: equal hash, nothing to re-index."""
    blob = json.dumps(doc, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


def prepare_document(article: Article, file_name: str
                     ) -> tuple[dict[str, Any], int | None, str, list[Problem], list[str]]:
    """(Whoosh document, line the record came from, content hash, problems to report,
    decisions to count) for an article read from the file ``file_name``.

    The stored path is the file's name: a record of a multi-record file is found by
    its id, and a line number stored with it would go stale (or force rewriting every
    record below an edit). Text past the caps is cut; lone surrogates (valid JSON, not
    valid text) become U+FFFD."""
    problems: list[Problem] = []
    decisions: list[str] = []
    line = None
    suffix = article.path[len(file_name):] if article.path.startswith(file_name) else ""
    if suffix[:1] in (":", "#") and suffix[1:].isdigit():
        line = int(suffix[1:]) if suffix[0] == ":" else None
    where = article.path or file_name
    if len(article.body) > MAX_ARTICLE_CHARS or len(article.title) > MAX_TITLE_CHARS:
        size = len(article.body)
        if size > MAX_ARTICLE_CHARS:
            decisions.append(CUT_KIND)
            problems.append(Problem(where, f"article text is {size:,} characters: indexed "
                                    f"the first {MAX_ARTICLE_CHARS:,}", skipped=False))
        article = replace(article, title=article.title[:MAX_TITLE_CHARS],
                          body=article.body[:MAX_ARTICLE_CHARS])
    doc = schema.article_to_document(article)
    doc[schema.PATH] = file_name
    try:
        digest = record_hash(doc)
    except UnicodeEncodeError:
        doc = _scrub(doc)
        digest = record_hash(doc)
        problems.append(Problem(where, "text holds lone surrogates (\\ud800-\\udfff), not "
                                "valid Unicode: indexed with U+FFFD in their place",
                                skipped=False))
    return doc, line, digest, problems, decisions


def _scrub(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value
