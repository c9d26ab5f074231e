"""Search results and articles as plain text for pipes and files, without rich's console.

``searcher search ... | grep`` (and ``searcher show``) prints the same lines a terminal
shows, without styles. Drawing them through rich costs a one-shot run about 30 ms
(importing rich, then laying out Text objects; issue 10), so this module builds the
lines with string operations, wrapped as rich wraps them (wrap.py, which measures with
rich.cells alone). render.py draws the
same layout with styles for terminals, from the same strings (meta lines, totals,
facet values); tests/test_render_plain.py checks both give the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from .models import Article, ArticleView, Copy, Facets, Hit, SearchResults
from .sanitize import blank_controls, blank_line_breaks, escape_controls, one_line
from .wrap import cell_width, crop, output_width, wrap

INDENT = 5  # a hit's meta line, snippets and reasons sit under its title
TITLE_MAX = 160  # cells of a title; a longer one ends with "…"
VALUE_MAX = 80  # cells of a tag, author, source or url shown; a longer one ends with "…"
ID_MAX = TITLE_MAX  # cells of an id shown (ids are typed back, so they get a title's room)
PROBLEM_MAX = 500  # cells of a problem line of a build summary or inspect
SPARK = " ▁▂▃▄▅▆▇█"
SPARK_MAX = 60  # a timeline wider than this sums neighbouring buckets
TAGS_SHOWN = 8  # tags (and authors) on a hit's meta line
CHUNK = 8_000
"""Characters per piece when a long article is drawn: rich wraps one Text in time
quadratic in its length (a 4 MB one-paragraph article took 11 s), so the body is cut
into lines, and lines longer than this at a space (render.long_text, body_pieces)."""

def day(moment: datetime) -> str:
    """``0001-01-01``: ``%Y`` drops the leading zeros of years before 1000 on Linux."""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"


def sparkline(counts: Sequence[int]) -> str:
    """One bar per bucket; more than SPARK_MAX buckets (a year-1 date beside 1987 makes
    1,987 years) are summed in equal runs so the line stays one screen line."""
    if len(counts) > SPARK_MAX:
        step = -(-len(counts) // SPARK_MAX)
        counts = [sum(counts[i:i + step]) for i in range(0, len(counts), step)]
    top = max(counts) if counts else 0
    if not top:
        return ""
    return "".join(SPARK[0 if c == 0 else max(1, round(c / top * 8))] for c in counts)


def title_text(title: str) -> str:
    """A hit's title on one line, cut to TITLE_MAX cells with "…" (spans still index it)."""
    safe = blank_line_breaks(blank_controls(title))
    if len(safe) > TITLE_MAX and cell_width(safe) > TITLE_MAX:
        width = TITLE_MAX - 1
        return crop(safe, width) + "…"
    return safe


def value_text(value: str, limit: int = VALUE_MAX) -> str:
    """A tag, author, source, url or path on one line, cut to ``limit`` cells with "…" as
    titles are (a 1 MB tag shows as its first 80 cells; ``--json`` keeps it whole). Only
    the first ``4 * limit`` characters are looked at: a value's cost is bounded too."""
    head = value[:4 * limit]
    safe = one_line(head)
    if len(head) == len(value) and cell_width(safe) <= limit:
        return safe
    return crop(safe, limit - 1).rstrip() + "…"


def id_text(article_id: str) -> str:
    """An id as shown: controls escaped (``searcher show`` reads that form back), cut to
    ID_MAX cells."""
    return value_text(escape_controls(article_id[:4 * ID_MAX + 1]), ID_MAX)


def values_text(values: Sequence[str], shown: int | None = None) -> str:
    """Values joined by ", ", each cut (value_text); past ``shown`` of them, " …"."""
    kept = values if shown is None else values[:shown]
    return ", ".join(map(value_text, kept)) + (" …" if len(kept) < len(values) else "")


def meta_text(hit: Hit) -> str:
    """Date · source · authors · tags · score · id: the line under a hit's title."""
    parts = []
    if hit.published:
        parts.append(day(hit.published))
    if hit.source:
        parts.append(value_text(hit.source))
    if hit.authors:
        parts.append(values_text(hit.authors, TAGS_SHOWN))
    if hit.tags:
        parts.append("tags: " + values_text(hit.tags, TAGS_SHOWN))
    if hit.score is not None:
        parts.append(f"score {hit.score:.2f}")
    parts.append(f"id {id_text(hit.id)}")
    return one_line(" · ".join(parts))


def matched_text(hit: Hit) -> str:
    return "matched: " + one_line("; ".join(hit.matched))


def facet_values_text(facets: Facets) -> list[tuple[str, str]]:
    """(label, values) of each non-empty tag/author/source facet."""
    return [(label, ", ".join(f"{value_text(fc.value)} ({fc.count:,})" for fc in values))
            for label, values in (("tags", facets.tags), ("authors", facets.authors),
                                  ("sources", facets.sources)) if values]


def total_text(results: SearchResults) -> str:
    """``1-10 of 1,234 results (12 ms)`` (empty when nothing matched); when some
    results are copies of one story, ``1-10 of 1,200 stories, 1,234 results (12 ms)``
    collapsed (one hit per story), ``... of 1,234 results in 1,200 stories ...`` not."""
    if not results.total:
        return ""
    first = (results.page - 1) * results.limit + 1
    last = first + len(results.hits) - 1
    shown = f"{first}-{last} of " if results.hits else f"page {results.page} of "
    ms = f"{results.elapsed_ms:.0f} ms"
    stories = results.stories
    if stories is None or stories == results.total:
        return f"{shown}{results.total:,} results ({ms})"
    if results.collapsed:
        return f"{shown}{stories:,} stories, {results.total:,} results ({ms})"
    return f"{shown}{results.total:,} results in {stories:,} stories ({ms})"


COPIES_SHOWN = 3  # copies named on a hit's copies line


def copies_text(hit: Hit) -> str:
    """``+2 copies: 5169 (1987-03-16), 5170 (1987-03-16)``: the matches collapsed behind
    a hit (``searcher show ID`` lists them, ``--no-collapse`` shows them as hits)."""
    n = hit.copy_count
    named = ", ".join(_copy_name(c) for c in hit.copies[:COPIES_SHOWN])
    more = " …" if n > COPIES_SHOWN else ""
    return one_line(f"+{n:,} {'copy' if n == 1 else 'copies'}: {named}{more}")


def _copy_name(copy: Copy) -> str:
    when = f" ({day(copy.published)})" if copy.published else ""
    return f"{id_text(copy.id)}{when}"


def copy_lines(copies: Sequence[Copy]) -> list[str]:
    """``searcher show``'s list of an article's copies: one line each."""
    if not copies:
        return []
    lines = [f"copies of this story ({len(copies):,}):"]
    for c in copies:
        parts = [f"id {id_text(c.id)}"]
        if c.published:
            parts.append(day(c.published))
        if c.source:
            parts.append(value_text(c.source))
        parts.append(title_text(c.title or "(untitled)"))
        lines.append("  " + one_line(" · ".join(parts)))
    return lines


def _hit_lines(hit: Hit, width: int) -> Iterable[str]:
    yield from wrap(f"{hit.rank:>3}. " + title_text(hit.title or "(untitled)"), width)
    body = [meta_text(hit)]
    body.extend(f"… {blank_controls(s.text)} …" for s in hit.snippets)
    if hit.matched:
        body.append(matched_text(hit))
    if hit.copy_count:
        body.append(copies_text(hit))
    inner = max(width - INDENT, 10)  # under 15 columns the indented lines are cropped
    for text in body:
        for line in wrap(text, inner):
            yield crop(" " * INDENT + line, width).rstrip()
    yield ""


def body_pieces(safe: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``safe`` (newlines left out), lines longer than
    CHUNK cut after a space in their second half (or at CHUNK when there is none), and
    one blank line for a run of them: a terminal draws each line at tens of
    microseconds, and a body of 500,000 newlines took 23 s to show."""
    pieces: list[tuple[int, int]] = []
    start = 0
    blank = False  # the last piece was a blank line
    while start <= len(safe):
        end = safe.find("\n", start)
        end = len(safe) if end < 0 else end
        if not safe[start:end].strip():
            if blank:
                start = end + 1
                continue
            blank = True
        else:
            blank = False
        while end - start > CHUNK:
            cut = safe.rfind(" ", start + CHUNK // 2, start + CHUNK)
            cut = start + CHUNK if cut < 0 else cut + 1
            pieces.append((start, cut))
            start = cut
        pieces.append((start, end))
        start = end + 1
    return pieces


def article_meta_text(a: Article) -> str:
    """Id · date and time · source · authors · url · path: the line under a title."""
    meta = [f"id {id_text(a.id)}"]
    if a.published:
        meta.append(f"{day(a.published)} {a.published:%H:%M}")
    for value in (value_text(a.source), values_text(a.authors), value_text(a.url, ID_MAX),
                  value_text(a.path, ID_MAX) if a.path != a.id else ""):
        if value:
            meta.append(value)
    return " · ".join(meta)


def article_text(view: ArticleView, width: int | None = None) -> str:
    """A whole article as render.article_view draws it, as plain lines."""
    width = output_width() if width is None else width
    a = view.article
    texts = [blank_line_breaks(blank_controls(a.title or "(untitled)")), article_meta_text(a)]
    if a.tags:
        texts.append("tags: " + values_text(a.tags))
    texts.extend(copy_lines(view.copies))
    texts.append("")
    safe = blank_controls(a.body)
    texts.extend(safe[lo:hi] for lo, hi in body_pieces(safe))
    return "".join(line + "\n" for text in texts for line in wrap(text, width))


def results_text(results: SearchResults, width: int | None = None) -> str:
    """A page of results as render.results_view draws it, as plain lines."""
    width = output_width() if width is None else width
    lines: list[str] = []
    for hit in results.hits:
        lines.extend(_hit_lines(hit, width))
    texts = ["note: " + one_line(note) for note in results.notes]
    if results.total == 0:
        texts.append("no results")
    if results.suggestion:
        texts.append("did you mean: " + one_line(results.suggestion))
    if results.facets is not None:
        f = results.facets
        if f.dates:
            texts.append(f"timeline ({f.date_unit}) {f.dates[0].value} "
                         f"{sparkline([fc.count for fc in f.dates])} {f.dates[-1].value}")
        texts.extend(f"{label}: {values}" for label, values in facet_values_text(f))
    if results.total:
        texts.append(total_text(results))
    for text in texts:
        lines.extend(wrap(text, width))
    return "".join(line + "\n" for line in lines)
