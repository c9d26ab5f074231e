"""The no-silent-loss check any line reader's tests can run (issue 15): every non-blank
line of the input is either in a field of an article read from it or in a counted
Decision. Nothing about a publisher; only what the reader returned is consulted.

A line is accounted for when
* a Decision names its line (``footer cut`` covers its line and every line after it);
* its text (or, for ``Label: value``, the value) is inside a field's text: title, body,
  tags, authors, url, source, metadata values;
* it is markup (a page's HTML saved as text) whose shown text is in a field;
* it is a label with no value (``Headlines:``, ``By``: the value is the next line);
* it gives the publication date the article has, or names one of its authors or tags
  (a date line, a byline, a tag line: their value is the field, not the words).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from searcher.dates import parse_prose_date
from searcher.formats.bylines import is_author_label, is_byline_word
from searcher.formats.text_labels import label
from searcher.formats.text_lines import date_line, is_date_label, is_tag_heading
from searcher.models import Article, Decision, Problem

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
BYLINE_MAX_WORDS = 25


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def unaccounted(text: str, items: Iterable[Article | Decision | Problem]) -> list[tuple[int, str]]:
    """(1-based line number, line) of every non-blank input line nothing accounts for."""
    items = list(items)
    articles = [i for i in items if isinstance(i, Article)]
    decided: set[int] = set()
    cut_from: int | None = None
    for d in items:
        if isinstance(d, Decision) and d.line is not None:
            decided.add(d.line)
            if d.kind == "footer cut":
                cut_from = d.line if cut_from is None else min(cut_from, d.line)
    markup = any(isinstance(d, Decision) and d.kind == "HTML markup removed from body"
                 for d in items)
    fields = " \n ".join(_norm(t) for a in articles for t in (
        a.title, a.body, *a.tags, *a.authors, a.url, a.source,
        *(str(v) for v in a.meta.values())))
    names = {_norm(n) for a in articles for n in (*a.authors, *a.tags) if n}
    dates = {a.published for a in articles if a.published}
    missing = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().strip(_INVISIBLE).strip()
        if not any(c.isalnum() for c in line):
            continue
        if number in decided or (cut_from is not None and number >= cut_from):
            continue
        if _norm(line) in fields or _accounted_as_metadata(line, fields, names, dates):
            continue
        if markup and _norm(_text_of(line)) in fields:
            continue
        missing.append((number, line))
    return missing


def _text_of(line: str) -> str:
    """A line of markup as the text it shows (tags as spaces, entities decoded); an
    image's alt text is not shown."""
    return html.unescape(re.sub(r"<[^>]*>", " ", line))


def _accounted_as_metadata(line: str, fields: str, names: set[str],
                           dates: set[object]) -> bool:
    if is_byline_word(line) or is_tag_heading(line) or is_date_label(line) \
            or is_author_label(line):
        return True  # "By" / "Filed under" alone: the value is on the next lines
    lab = label(line)
    if lab is not None and (not lab[2] or _norm(lab[2]) in fields):
        return True
    value = lab[2] if lab is not None else line
    when = date_line(line)[1] or parse_prose_date(value) if len(value) < 80 else None
    if when is not None and when in dates:
        return True
    words = _norm(line)
    return len(line.split()) <= BYLINE_MAX_WORDS and any(
        re.search(rf"(?<!\w){re.escape(n)}(?!\w)", words) for n in names)
