"""Saved web pages: the article's main text and the metadata the page states.

trafilatura finds the main text (navigation, ads, footers left out). Everything else
comes from what the page states (``html_meta``), checked by rule: dates are vetted
(a placeholder such as ``0001-01-01`` falls through to the next stated date),
titles lose the site's name (``titles``), bylines are cut down to names
(``bylines``), tags like ``null`` are rejected. trafilatura's own date guess is not
used: it infers 2023-01-01 from a footer's "© 2023", and a reader never invents a date.
A body much shorter than the page's article text is re-extracted or rebuilt
(``html_body``), and warned about if that fails. Every such decision is yielded
as a ``Decision``, so the build counts it and ``searcher inspect`` shows it.

trafilatura costs ~120 ms to import, so it is imported on the first page read,
not by ``import searcher``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..date_names import label_day_first
from ..dates import is_ambiguous, parse_date, parse_prose_date, vetted, without_day
from ..models import Article, Decision, Problem
from .base import Source, UnreadableFile, decode, read_bytes
from .bylines import AUTHOR_REJECTED, byline_names, clean_name, split_names
from .html_body import (
    BODY_RECOVERED,
    BODY_SHORT,
    HOVER_CARD_REMOVED,
    LEAD_ADDED,
    TRAILING_FURNITURE,
    article_paragraphs,
    drop_leading_furniture,
    drop_trailing_furniture,
    is_short,
    lead_outside_paragraphs,
    link_texts,
    remove_hover_cards,
)
from .html_head import HEADER_DROPPED, drop_header_lines
from .html_meta import GUESSED_DATE_PLACES, StatedMeta, page_meta
from .html_tail import in_small_print, small_print
from .titles import (
    SITE_NAME_REMOVED,
    UNREPEATED_TITLE,
    best_title,
    normalized,
    removed_part,
    repeated_headline,
)

TAG_REJECTED = "tag rejected"
SOURCE_REJECTED = "source rejected"
DATE_UNREADABLE = "date rejected as unreadable"
TITLE_LINE_DROPPED = "title line dropped from body"
FURNITURE_LEFT_OUT = "page furniture left out"
# A page's elements, counted by their start tags before it is parsed, cost time and memory
# trafilatura's passes do not bound (300,000 <b>x</b>: 11.5 s and 415 MB from 2 MB of page;
# 30,000 paragraphs: 3 s). The 48 real pages in ../shared have at most 2,028.
MAX_PAGE_ELEMENTS = 30_000
_NO_TAG = frozenset({"null", "none", "undefined", "nan", "n/a", "false", "[]", "{}"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""", re.IGNORECASE)


def read(source: Source) -> Iterator[Article | Problem | Decision]:
    """One Article per page, or a Problem when the page has no article text."""
    import trafilatura  # lazy: see the module docstring

    name = source.name
    data = read_bytes(source.path)
    if (elements := data.count(b"<") - data.count(b"</")) > MAX_PAGE_ELEMENTS:
        raise UnreadableFile(f"too many HTML elements to read (about {elements:,}; the bound "
                             f"on time and memory is {MAX_PAGE_ELEMENTS:,}): not read")
    text, problems = decode_page(data, source)
    del data
    yield from problems
    tree = trafilatura.load_html(text)
    if tree is None:
        yield Problem(name, "not an HTML page (nothing to parse)")
        return
    stated = page_meta(tree)
    for card, chars in remove_hover_cards(tree):
        yield Decision(name, HOVER_CARD_REMOVED, _short(card), chars=chars)
    reference = article_paragraphs(tree, stated.article_body)
    page_chars = len(" ".join(tree.xpath("string(//body)").split()))
    found = _extract(trafilatura, tree, precision=True)
    sites = [*stated.site_names, _clean(found.get("sitename")), _host(found.get("url"))]
    title = best_title(stated.titles, stated.headings, stated.page_title,
                       [s for s in sites if s]) or _clean(found.get("title"))
    if stated.section_heading and not (stated.headings or stated.titles) and any(
            normalized(title) == normalized(s)
            for s in (*stated.site_names, _host(found.get("url"))) if s):
        # No og:title/headline, no <h1>, a <title> that is only the site's name
        # (evidence carta.info, validation half): the page's first <h2> names it.
        title = stated.section_heading
    headline = repeated_headline(title, [*stated.headings, stated.section_heading],
                                 _clean(found.get("text")), sites)
    if headline:
        yield Decision(name, UNREPEATED_TITLE, _short(title))
        title = headline
    raw_title = next(iter(stated.titles), "") or stated.page_title
    if raw_title and len(title) < len(raw_title) and normalized(title) in normalized(raw_title):
        yield Decision(name, SITE_NAME_REMOVED, _short(removed_part(raw_title, title)))
    body, leading = drop_leading_furniture(_paragraph_lines(found.get("text")))
    body, dropped_title = _drop_title_line(body, title)
    if is_short(body, reference):
        recall = _drop_title_line(_paragraph_lines(
            _extract(trafilatura, tree, precision=False).get("text")), title)[0]
        if len(recall) > len(body):
            body = recall
        if is_short(body, reference):
            body = "\n".join(reference)
            yield Decision(name, BODY_RECOVERED, _short(reference[0]) if reference else "")
    if not body:
        yield Problem(name, "no article text found in the page")
        return
    if is_short(body, reference):  # pragma: no cover - recovery above makes this rare
        yield Decision(name, BODY_SHORT, chars=sum(map(len, reference)) - len(body))
        yield Problem(name, f"{BODY_SHORT}: kept {len(body):,} of about "
                      f"{sum(map(len, reference)):,} characters", skipped=False)
    if dropped_title:
        yield Decision(name, TITLE_LINE_DROPPED, _short(dropped_title))
    body, header = drop_header_lines(body, title)
    for line in header:
        yield Decision(name, HEADER_DROPPED, _short(line), chars=len(line))
    if lead := lead_outside_paragraphs(tree, body):
        body = f"{lead}\n{body}"
        yield Decision(name, LEAD_ADDED, _short(lead))
    body, furniture = drop_trailing_furniture(body, link_texts(tree),
                                              in_small_print(small_print(tree, body)))
    for line in leading + furniture:
        yield Decision(name, TRAILING_FURNITURE, _short(line), chars=len(line))
    if page_chars > len(body):
        yield Decision(name, FURNITURE_LEFT_OUT, chars=page_chars - len(body))
    if not title:
        yield Problem(name, "empty title: the page states none", skipped=False)
    meta: dict[str, Any] = {k: v for k in ("description", "language", "hostname")
                            if (v := _clean(found.get(k)))}
    published = None
    for item in _published(stated, name, meta):
        if isinstance(item, (Decision, Problem)):
            yield item
        else:
            published = item
    tags: list[str] = []
    for item in _tags(stated, title, sites, name):
        if isinstance(item, Decision):
            yield item
        else:
            tags.append(item)
    authors: list[str] = []
    owners = _copyright_text(tree)
    # Each source in turn until one names a person: what the page states (meta, JSON-LD,
    # microdata), what the extractor guessed (it took a teaser's author over the page's
    # microdata one: evidence futurezone.at, validation half; every other real page
    # keeps its authors), a byline at the top of the article text (a menu label or the
    # site's domain rejected must not leave the article without its author: evidence
    # tagesausblick.de, meta author "tagesausblick.de", text "von Nicolas Schlippe").
    for raw_authors in (split_names(stated.authors),
                        split_names([_clean(found.get("author"))]),
                        byline_names("\n".join([*header, body]))):
        for raw in raw_authors:
            author, kind = clean_name(raw, [s for s in sites if s])
            if author and author.casefold() in owners:  # "© 2023 Condé Nast": the company
                author, kind = "", AUTHOR_REJECTED
            if kind:
                yield Decision(name, kind, _short(raw))
            if author and author.casefold() not in {a.casefold() for a in authors}:
                authors.append(author)
        if authors:
            break
    site = _clean(found.get("sitename"))
    if site and (normalized(site) == normalized(title) or len(site.split()) > 6):
        yield Decision(name, SOURCE_REJECTED, _short(site))
        site = ""
    site = site or next((s for s in stated.site_names if s and len(s.split()) <= 6), "")
    yield Article(
        id=name, title=title, body=body, tags=tuple(tags), authors=tuple(authors),
        published=published, source=site, url=_clean(found.get("url")), path=name,
        meta=meta)


def _extract(trafilatura: Any, tree: Any, *, precision: bool) -> dict[str, Any]:
    """trafilatura's reading of the page. favor_precision first: a page that is all
    navigation (a saved 404, an index page) gives no text instead of its menu; recall
    only when that lost most of the article."""
    document = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=precision, favor_recall=not precision,
        date_extraction_params={"extensive_search": False, "original_date": True})
    if document is None:
        return {}
    return document.as_dict() if hasattr(document, "as_dict") else dict(document)


def _published(stated: StatedMeta, name: str,
               meta: dict[str, Any]) -> Iterator[Any]:
    """The first stated date that reads and passes ``vet``, with a Decision for each one
    rejected before it; a Problem when the page states dates but none can be used."""
    unreadable: list[str] = []
    day_less: tuple[datetime, list[Decision | Problem]] | None = None
    for where, raw in stated.dates:
        when = parse_date(raw)
        if when is None and where.startswith(GUESSED_DATE_PLACES):
            when = parse_prose_date(raw)
        order = stated.day_first if stated.day_first is not None else label_day_first(raw)
        if when is None and order is not None and is_ambiguous(raw):
            when = parse_date(raw, order) or parse_prose_date(raw, order)
        if when is None:
            if not where.startswith(GUESSED_DATE_PLACES):
                unreadable.append(raw)
            continue
        accepted, notes = vetted(when, raw, name)
        if accepted is not None and without_day(raw):
            day_less = day_less or (accepted, notes)  # a later source may state the day
            continue
        yield from notes
        if accepted is not None:
            for value in unreadable:
                yield Decision(name, DATE_UNREADABLE, _short(value))
            yield accepted
            return
    if day_less is not None:
        yield from day_less[1]
        for value in unreadable:
            yield Decision(name, DATE_UNREADABLE, _short(value))
        yield day_less[0]
        return
    if unreadable:
        meta["published_raw"] = unreadable[0]
        yield Problem(name, f"unreadable date {unreadable[0]!r} in the page's meta tags: "
                      "indexed without a date", skipped=False)


def _tags(stated: StatedMeta, title: str, sites: list[str],
          name: str) -> Iterator[str | Decision]:
    """Tags the page states: meta tags (``article:tag`` may hold ``Health, China``),
    else JSON-LD keywords. ``null`` and the site's own name are rejected, and so is a
    keywords list that only repeats the title's words."""
    from_meta = [(w, t) for w, t in stated.tags if not w.startswith("JSON-LD")]
    chosen = from_meta or stated.tags
    site_keys = {normalized(s) for s in sites if s}
    title_words = set(normalized(title).split())
    keywords = [" ".join(t.split()) for w, t in chosen if w != "article:tag" and t.strip()]
    if len(keywords) >= 5 and sum(k.casefold() in title_words for k in keywords) >= 0.8 * len(
            keywords):
        yield Decision(name, TAG_REJECTED, _short("keywords repeat the title: "
                                                   + ", ".join(keywords)))
        chosen = [(w, t) for w, t in chosen if w == "article:tag"]
    seen: set[str] = set()
    for _, raw in chosen:
        tag = " ".join(raw.split())
        if not tag:
            continue
        if tag.casefold() in _NO_TAG or normalized(tag) in site_keys:
            yield Decision(name, TAG_REJECTED, _short(tag))
            continue
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            yield tag


def decode_page(data: bytes, source: Source) -> tuple[str, list[Problem]]:
    """Text of a saved page: UTF-8 if it is valid UTF-8, else the charset the page
    declares (legacy pages are often windows-1252 or Shift_JIS, and say so), else the
    shared fallback, which reports the guess."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(data[:4096])
    if match and b"\0" not in data[:8192]:
        charset = (match.group(1) or match.group(2)).decode("ascii", "replace")
        try:
            return data.decode(charset), []
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, source)


def _copyright_text(tree: Any) -> str:
    """The page's copyright lines, folded: whoever they name is a company, not an author."""
    lines = tree.xpath("//body//text()[contains(., '©') or contains(., 'Copyright')]")
    return " ".join(str(line) for line in lines[:20]).casefold()


def _clean(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _paragraph_lines(value: Any) -> str:
    """The extracted text one paragraph a line: a line of the page's indentation or
    non-breaking spaces alone (an empty ``<p>&nbsp;</p>``, a layout cell) is no
    paragraph, and the spaces around one are the markup's, not the text's."""
    lines = value.split("\n") if isinstance(value, str) else []
    return "\n".join(line.strip() for line in lines if line.strip())


def _host(url: Any) -> str:
    """``https://www.cnn.com/...`` -> ``cnn.com`` (a site name the title may carry)."""
    if not isinstance(url, str) or "//" not in url:
        return ""
    host = urlsplit(url.strip()).hostname or ""
    return host.removeprefix("www.")


def _drop_title_line(body: str, title: str) -> tuple[str, str]:
    """trafilatura repeats the page's <h1> as the body's first line; the title has it.
    Returns the body and the line dropped ("" if none)."""
    if not title:
        return body, ""
    first, _, rest = body.partition("\n")
    if " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest.strip(), first
    return body, ""


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
