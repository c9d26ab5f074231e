"""Reader for plain-text articles scraped from a web page (the seed article's shape).

Such a file is a page flattened to lines, so the reader tells the article from the page
around it, by rules about lines (text_lines.py), never about a publisher:

* **Title**: the first content line (<= 300 characters) that is not furniture, a
  copyright, tag or date line. A headline broken over two lines before the first blank
  line is joined; a site name after it (``... | Site``, ``... - Site Name``) is dropped.
* **Header**: between the title and the first line of prose (a line ending like a
  sentence, or a long one), lines are metadata or furniture: bylines (``By A and B``,
  ``By`` alone then the names, ``by A, Staff Writer | date``; a name line just before
  a date line), dates (``Published: ...``, a bare date line, ``Published:`` then the date
  on the next line; ``Updated ...`` never counts; dates.py reads them), credits, tags.
  One lone deck line (five words or more) is kept; everything else is dropped and counted.
* **Body**: from the first prose line. Dropped and counted: navigation and prompts
  addressed to the reader (share/follow/comment, newsletter sign-ups, ``Click here``,
  ``posted with permission``, donation appeals, cookie notices), polls (``take our poll``
  to ``Completing this poll ...``), ``READ MORE:`` lines, photo credits (a ``©`` line with
  prose after it is a caption, not the footer) and runs of three or more short lines that
  do not end like sentences (lists of other pages' headlines). A heading introducing
  other pages' links (``Related Stories``) ends the body; so does a copyright line
  followed by nothing but furniture (the footer: its holder is the ``source``).
* **Tags**: ``Tags: ...``/``Filed under: ...`` anywhere after the title (or the label
  alone with the tags on the following lines); the colon-less ``Tags A B`` only as the
  last content line. See text_tags.split_tags.
* **Sign-off**: a closing ``— Jane Doe and John Roe`` (or ``By Jane Doe``) line gives
  the authors when the header named none; a short name line after it (the paper) the
  source. Paragraphs are joined with blank lines; a first paragraph repeating the
  title is dropped.

Every dropped line is a ``Decision`` (counted by the build, listed by ``inspect``); a body
keeping under half of the page's prose, and an empty title, are warned about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ..dates import vetted
from ..models import Article, Decision, Problem
from . import text_lines as tl
from .base import Source, UnreadableFile, read_text
from .record_cleanup import MARKUP_REMOVED, html_to_text_dropping
from .text_blocks import split_blank_separated
from .text_body import drop_link_runs, paragraphs, read_body, read_sign_off
from .text_head import read_header, read_title
from .text_labels import RECORD_SEPARATOR, is_labelled, is_rule, read_labels, split_records
from .text_markdown import holds_markdown, rendered_markdown
from .text_page import Page, content_lines, next_nonblank
from .text_pages import split_repeated_pages
from .text_tags import split_tags

# Re-exported: what callers (and tests) use to classify lines.
is_boilerplate = tl.is_boilerplate
is_copyright_line = tl.is_copyright_line
__all__ = ["is_boilerplate", "is_copyright_line", "parse", "read", "split_tags"]

_MARKUP_START = re.compile(r"\s*<(?:div|p|article|section|h[1-6]|body|html|main)\b",
                           re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</(?:p|div|h[1-6]|li|section|article)>", re.IGNORECASE)
_HEADING = re.compile(r"<h[1-3]\b", re.IGNORECASE)
_PARAGRAPH = re.compile(r"<p\b", re.IGNORECASE)
KEPT_PROSE_MIN = 0.5
WARN_MIN_CHARS = 400  # pages with less prose than this are not judged


def _counts_as_prose(line: str) -> bool:
    return len(line.split()) >= 10 and not tl.is_copyright_line(line) \
        and not tl.furniture(line)


def parse(text: str, name: str) -> tuple[Article | None, list[Decision | Problem]]:
    """The article in a scraped page's text (None if it has neither title nor body),
    with the decisions that dropped text and the warnings about the result (the first
    record of a file holding several: see parse_records)."""
    return parse_records(text, name)[0]


def parse_records(text: str, name: str) -> list[tuple[Article | None, list[Decision | Problem]]]:
    """Every article in a text file: one per labelled record (text_labels.py), per
    block of a list of articles set apart by blank runs (text_blocks.py) or per page of
    page dumps that open the same way (text_pages.py), else one."""
    if _MARKUP_START.match(text) and _BLOCK_TAG.search(text):
        return [_parse_markup(text, name)]
    if holds_markdown(text):  # a scraper's Markdown: read as the text a reader sees
        text, rendered, links = rendered_markdown(text, name)
        out = parse_records(text, name) if not holds_markdown(text) else [
            _parse_page(Page(name), content_lines(text), name, name, labelled=False)]
        for article, notes in out:
            notes[:0] = rendered
            if article is not None and links:
                article.meta.setdefault("links", links)
        return out
    lines = content_lines(text)
    labelled = is_labelled(lines)
    records = split_records(lines) if labelled else (
        split_blank_separated(lines) or split_repeated_pages(lines))
    if records is None:
        return [_parse_page(Page(name), lines, name, name, labelled=False)]
    out = []
    for number, record in enumerate(records, start=1):
        page = Page(name)
        for i, line in enumerate(record.lines):
            if line and is_rule(line):
                page.drop(RECORD_SEPARATOR, i, line)
                record.lines[i] = ""
        several = len(records) > 1
        article, notes = _parse_page(page, record.lines, f"{name}#{number}" if several else name,
                                     f"{name}:{record.start + 1}" if several else name,
                                     labelled=labelled, headline=record.headline)
        if record.offset:  # a record's lines from its start: decisions name the file's line
            notes = [replace(n, line=n.line + record.offset)
                     if isinstance(n, Decision) and n.line is not None else n for n in notes]
        out.append((article, notes))
    return out


def _parse_markup(text: str, name: str) -> tuple[Article | None, list[Decision | Problem]]:
    """A page's article markup saved as text (``<div><p>...</p>``: evidence the kod.ru
    scraper, dev half): read as the text a browser shows, paragraphs as lines. Only a
    heading element is a title; without one every paragraph is the body's."""
    plain, dropped = html_to_text_dropping(text)
    page = Page(name)
    for kind, detail in dropped:
        page.drop(kind, 0, detail)
    page.decisions.append(Decision(name, MARKUP_REMOVED, line=1, chars=max(
        0, len(text) - len(plain) - sum(len(d) for _, d in dropped))))
    lines = [line for raw in plain.split("\n") for line in (raw, "")]
    heading = _HEADING.search(text)
    titled = heading is not None and heading.start() <= min(
        (m.start() for m in _PARAGRAPH.finditer(text)), default=len(text))
    return _parse_page(page, content_lines("\n".join(lines)), name, name, labelled=False,
                       titled=titled)


def _parse_page(page: Page, lines: list[str], article_id: str, path: str, *,
                labelled: bool, titled: bool = True, headline: bool = False,
                ) -> tuple[Article | None, list[Decision | Problem]]:
    name = page.name
    all_lines = list(lines)
    if not titled:
        start = 0
    elif headline:  # the file's structure says which line is the headline (text_blocks)
        first = next_nonblank(lines, 0)
        page.title, lines[first] = lines[first], ""
        start = read_header(page, lines, first + 1)
    elif labelled:
        start, titled, body_label = read_labels(page, lines)
        if not titled:
            start = read_title(page, lines)
        if not body_label:
            start = read_header(page, lines, start)
    else:
        start = read_header(page, lines, read_title(page, lines))
    read_body(page, lines, start)
    drop_link_runs(page)
    read_sign_off(page)
    kept = paragraphs(page)
    if page.title and kept and kept[0] == page.title:
        page.drop("repeated title dropped", 0, kept.pop(0))
    if page.standfirst and len(kept) > 1 and kept[0] == page.standfirst \
            and kept[1].startswith(page.standfirst):
        kept.pop(0)  # the body's first paragraph repeats the labelled summary: kept there
    body = "\n\n".join(kept)
    notes: list[Decision | Problem] = list(page.decisions)
    if not page.title and not body:
        return None, notes
    tags: list[str] = []
    for tag_text in page.tag_texts:
        for tag in split_tags(tag_text, page.title, body):
            if tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
    published, date_notes = vetted(page.published, page.raw_date, name)
    notes += date_notes
    if not page.title:
        notes.append(Problem(name, "no title found: the article is indexed without one",
                             skipped=False))
    page_prose = sum(len(line) for line in all_lines if _counts_as_prose(line))
    body_prose = sum(len(line) for line in body.split("\n") if _counts_as_prose(line))
    if page_prose >= WARN_MIN_CHARS and body_prose < KEPT_PROSE_MIN * page_prose:
        notes.append(Problem(name, f"body keeps {body_prose * 100 // page_prose}% of the page's "
                             "prose: check what was dropped with searcher inspect",
                             skipped=False))
    return Article(id=article_id, title=page.title, body=body, tags=tuple(tags),
                   authors=page.authors, published=published,
                   source=page.footer_holder or page.early_holder, url=page.url, path=path,
                   meta=dict(page.meta)), notes


def read(source: Source) -> Iterator[Article | Problem | Decision]:
    """Read one scraped-page text file: its Article(s) (with their decisions), or a
    skipped Problem for a record with no text."""
    text, problems = read_text(source)
    if not text.strip():
        raise UnreadableFile("empty file")
    yield from problems
    for article, notes in parse_records(text, source.name):
        yield from notes
        if article is None:
            yield Problem(source.name, "no title or body text found")
        else:
            yield article
