"""Reader for plain-text articles scraped from a web page (the seed article's shape).

Such a file is a page flattened to lines, so the reader has to tell the article
from the page around it. The rules, all general (no publisher is special):

* Lines are stripped; lines with no letter or digit (``* * *``) are decoration.
* **Title**: the first content line (at most 300 characters) that is not page
  boilerplate, a copyright line, a tag line or a labelled date line.
* **Header**: right after the title, up to six lines that are metadata are
  consumed: a photo credit (dropped), a byline ``By A B and C D`` (authors), a
  date line (``Published: ...``, ``Date: ...``, or a bare ``October 17, 2020``;
  only a date with day, month and year counts, parsed with dateutil to naive
  UTC, a zone abbreviation it does not know read as UTC; ``Updated: ...`` is
  dropped, never used as the publication date).
  A credit is a short line (<= 12 words, not ending like a sentence) that either
  starts with ``Photo:``/``Credit:``/``Courtesy``... or is all capitalised words
  (plus via/by/for/of...) and names an agency or ``Images``/``Photo``, or has a
  ``Name/Agency`` slash. A deck like ``Officials say talks will go on`` is kept.
* **Footer**: a copyright line (``©``..., or ``Copyright``/``(c)`` + year, or any
  short line with ``All rights reserved``) ends the article once body text has
  started (before that it is just dropped). Its holder, with year, ``©`` and
  ``All rights reserved`` and later sentences removed, is the ``source``.
  Section headings that introduce other pages' links (``Most Popular``,
  ``Related Stories``, ``You may also like``...) also end the body; navigation
  lines (``Load more``, ``Read more``, ``Advertisement``, ``Share``...) are
  dropped wherever they are. The copyright year is not a publication date.
* **Tags**: a line ``Tags: ...``/``Topics: ...``/``Keywords: ...``/``Filed
  under: ...`` anywhere after the title; the colon-less form (``Tags A B``) only
  as the last content line, so that prose starting with "Topics" is not taken.
  See ``split_tags`` for how the list is split.
* **Body**: the remaining lines; blank lines separate paragraphs (joined with
  ``"\\n\\n"``), lines within a paragraph keep their ``"\\n"``. A first
  paragraph repeating the title is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from ..dates import DATE_SHAPE, parse_prose_date
from ..models import Article, Problem
from .base import Source, UnreadableFile, read_text

TITLE_MAX_CHARS = 300
HEADER_MAX_LINES = 6
PHRASE_MAX_WORDS = 6
TAG_LINE_MAX_WORDS = 60

_NAV = re.compile(
    r"advertisements?|ad|sponsored|share|share this( article| story| post| page)?|"
    r"share (on|via) \w+|tweet|email|print|facebook|twitter|linkedin|whatsapp|reddit|"
    r"(load|read|show|see|view) more|continue reading|read (the )?full (story|article)|"
    r"skip to( main)? content|back to top|scroll to (continue|top)|"
    r"(sign up|subscribe)( now| today| here)?|follow us( on .{1,30})?|"
    r"listen( to (this )?(article|story))?|menu|search|close|log ?in|sign in|"
    r"(next|previous) (article|story)|image \d+ of \d+")
_END_OF_ARTICLE = re.compile(
    r"most (popular|read|viewed|shared)|trending( now| stories| news)?|"
    r"related( articles| stories| coverage| content| posts| news| links| reading)?|"
    r"recommended( for you| stories| articles)?|you (may|might) (also )?like|"
    r"more (stories|news|articles|from( \S+){1,3})|latest( news| stories)?|top stories|"
    r"editor'?s picks|popular( stories| now)?|in other news|around the web|"
    r"sponsored (content|stories|links)|what to read next|up next|(\d+ )?comments?")
_COPYRIGHT = re.compile(r"^(?:(?:copyright|©|\(c\))\s*)+(?P<year>\d{4}(?:\s*[-–]\s*\d{4})?\b)?",
                        re.IGNORECASE)
_RIGHTS = re.compile(r"\s*all rights reserved.*$", re.IGNORECASE)
_COMPANY_SUFFIXES = {"inc", "ltd", "co", "corp", "llc", "plc", "bros", "s.a", "n.v", "gmbh", "ag"}
_ABBREVIATIONS = _COMPANY_SUFFIXES | {"jr", "sr", "st", "mr", "mrs", "ms", "dr"}
_TAG_LABEL = re.compile(
    r"^(?P<label>tags?|topics?|keywords?|categories|category|filed under|subjects?|"
    r"related topics)(?:\s*(?P<colon>[:：])|\s+(?=\S))\s*(?P<rest>.*)$", re.IGNORECASE)
_TAG_LABEL_BARE = {"Tags", "TAGS", "Topics", "TOPICS", "Keywords", "Filed under", "Filed Under"}
_DELIMITERS = re.compile(r"\s*[,;|•·]\s*")
_CREDIT_PREFIX = re.compile(
    r"^\(?\s*(?:file\s+)?(?:(?:photo(?:graph)?s?|image|picture|illustration|video)\s*(?::|by\b|"
    r"credit\b|courtesy\b)|credits?\s*:|courtesy\b)", re.IGNORECASE)
_CREDIT_WORDS = {"Images", "Image", "Photo", "Photos", "Photography", "Pictures", "AP", "AFP",
                 "EPA", "Reuters", "Getty", "Shutterstock", "iStock", "Alamy", "Bloomberg",
                 "Xinhua", "Pool", "Handout", "Wire"}
_CREDIT_GLUE = {"via", "by", "for", "of", "the", "and", "file", "staff", "photo", "photos",
                "image", "images", "handout", "pool", "courtesy"}
_NAME_PARTICLES = {"de", "da", "del", "der", "di", "du", "la", "le", "van", "von", "bin", "al"}
_BYLINE = re.compile(r"^by\s+(?P<names>.+)$", re.IGNORECASE)
_DATE_LABEL = re.compile(
    r"^(?P<label>published|posted|date|dated|first published|updated|last updated|modified)"
    r"(?:\s+(?:on|at))?\s*:?\s+(?P<value>.+)$", re.IGNORECASE)
# What may stand beside the date on a bare date line: weekday, time, am/pm, separators.
_DATE_EXTRA = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|\d{1,2}[:.]\d{2}(?::\d{2})?|"
                         r"[ap]\.?m\.?|at|on|[|\-–—•·/]", re.IGNORECASE)
# Lowercase words that sit inside names and phrases ("Bank of England") and never end a tag.
_CONNECTORS = _NAME_PARTICLES | {"of", "the", "and", "for", "in", "on", "at", "to", "y", "&",
                                 "-", "–"}


def _normalise(line: str) -> str:
    return line.casefold().strip(" \t:»›>→….!*-–—|•·[]()").strip()


def is_boilerplate(line: str) -> bool:
    """Whether a whole line is page furniture (navigation or a links-section heading)."""
    norm = _normalise(line)
    return bool(_NAV.fullmatch(norm) or _END_OF_ARTICLE.fullmatch(norm))


def is_copyright_line(line: str) -> bool:
    """``© Holder``, ``Copyright|(c) 2023 Holder``, or a short line saying All rights reserved."""
    m = _COPYRIGHT.match(line)
    if m and ("©" in m.group(0) or m.group("year")):
        return True
    return len(line) <= TITLE_MAX_CHARS and "all rights reserved" in line.casefold()


def copyright_holder(line: str) -> str:
    """The holder named by a copyright line, without year, symbols or later sentences."""
    marker = _COPYRIGHT.match(line)
    rest = _RIGHTS.sub("", line[marker.end():] if marker else line).strip(" ,©")
    rest = re.sub(r"^\d{4}(?:\s*[-–]\s*\d{4})?\s*", "", rest)
    for m in re.finditer(r"\.(?=\s+\S)", rest):  # cut at the first real sentence end
        word = (re.findall(r"[\w.]+$", rest[:m.start()]) or [""])[0].casefold()
        if word in _COMPANY_SUFFIXES:  # "Foo Ltd. This material..." keeps "Ltd."
            rest = rest[:m.end()]
            break
        if len(word) > 1 and word not in _ABBREVIATIONS:
            rest = rest[:m.start()]
            break
    rest = re.sub(r"[\s,;:]*(?:\d{4}\s*)?$", "", rest)
    word = re.findall(r"([\w.]+)\.$", rest)
    if word and word[0].casefold() not in _ABBREVIATIONS:
        rest = rest[:-1]
    return rest.strip()


def _is_credit(line: str) -> bool:
    words = line.split()
    if len(words) > 12 or len(line) > 120 or line.endswith((".", "!", "?", ";", ",")):
        return False
    if _CREDIT_PREFIX.match(line):
        return True
    bare = [w.strip("()[],:") for w in words]
    if not all(w.casefold() in _CREDIT_GLUE or not any(c.isalpha() for c in w)
               or any(c.isupper() for c in w) for w in bare):
        return False
    return bool(_CREDIT_WORDS & {p for w in bare for p in w.split("/")}) or bool(
        re.search(r"\w/\w", line))


def _byline(line: str) -> tuple[str, ...] | None:
    m = _BYLINE.match(line)
    if not m or len(line) > 120 or line.endswith((".", "!", "?")):
        return None
    names = [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", m["names"])]
    for name in names:
        parts = name.split()
        if not 2 <= len(parts) <= 4 or not all(
                p[:1].isupper() or p in _NAME_PARTICLES for p in parts):
            return None
    return tuple(names)


def _date_line(line: str) -> tuple[bool, datetime | None]:
    """(is a date line, the publication date it gives if any)."""
    m = _DATE_LABEL.match(line)
    if m:
        when = parse_prose_date(m["value"])
        if when is None:
            return False, None
        return True, None if m["label"].casefold() in {"updated", "last updated",
                                                         "modified"} else when
    extra = DATE_SHAPE.sub(" ", line).replace(",", " ").split()
    if all(_DATE_EXTRA.fullmatch(w) or (w.isupper() and len(w) <= 4) for w in extra):
        when = parse_prose_date(line)
        return when is not None, when
    return False, None


def _tag_line(line: str) -> tuple[str, bool] | None:
    """(tag text, needs a colon-less position check) if the line is a tag line."""
    m = _TAG_LABEL.match(line)
    if not m:
        return None
    if not _DELIMITERS.search(m["rest"]) and len(m["rest"].split()) > TAG_LINE_MAX_WORDS:
        return None  # prose, and too long to segment
    if m["colon"]:
        return m["rest"], False
    if m["label"] in _TAG_LABEL_BARE and not line.endswith((".", "!", "?", ":")):
        return m["rest"], True
    return None


# ---- splitting a tag list ------------------------------------------------------------------

def _case(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "neutral"
    return "lower" if not any(c.isupper() for c in letters) else "cap"


@dataclass
class _Evidence:
    """The article's own text, asked whether it uses a word or phrase, and how."""

    text: str  # title + body, whitespace collapsed, lowercased
    body: str
    _cache: dict[str, str] = field(default_factory=dict)

    def has_phrase(self, phrase: str) -> bool:
        phrase = phrase.lower()
        return phrase in self.text and re.search(  # the plain `in` is the fast rejection
            rf"(?<!\w){re.escape(phrase)}(?!\w)", self.text) is not None

    def kind(self, word: str) -> str:
        """'proper' (capitalised mid-sentence in the body), 'common', or 'unknown'."""
        if word not in self._cache:
            kind = "common" if self.has_phrase(word) else "unknown"
            for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", self.body, re.IGNORECASE):
                before = self.body[max(0, m.start() - 12):m.start()].rstrip(" \t\"'“”‘’()[]")
                if m.group(0)[:1].isupper() and before and before[-1] not in ".!?\n":
                    kind = "proper"
                    break
            self._cache[word] = kind
        return self._cache[word]


def _hard_boundary(a: str, b: str) -> bool:
    return _case(a) == "lower" and a not in _CONNECTORS and _case(b) == "cap"


def _join(a: str, b: str, ev: _Evidence) -> bool:
    """Whether adjacent tag words a, b (never a phrase in the text) belong to one tag."""
    if a in _CONNECTORS or b in _CONNECTORS or _case(b) == "neutral":
        return True
    if _hard_boundary(a, b) or _case(a) == "neutral":
        return _case(b) == "lower"
    ka, kb = ev.kind(a), ev.kind(b)
    if "unknown" in (ka, kb):
        return True
    return _case(a) == _case(b) == "cap" and ka == "proper" and kb == "common"


def split_tags(tag_text: str, title: str = "", body: str = "") -> tuple[str, ...]:
    """Split the text of a tag line into tags, using the article's text as evidence.

    With a delimiter (``, ; | • ·``) the line is split on it. Without one, words
    are grouped left to right, deterministically:

    1. Phrases: from each word, the longest run of 2 to 6 words that appears in
       the title or body (case-insensitive, whole words, not crossing step 2's
       case step) is one tag, ended on both sides.
    2. Case step: a capitalised word after a lowercase one starts a new tag
       (``border Armenia``), unless the lowercase word is a connector such as
       "of" (``Bank of England``); so does one after a word with no letters.
    3. Otherwise neighbours a, b stay together if either is a connector, b has
       no letters (``Euro 2024``), or either never occurs alone in the text (a
       word the article never uses by itself is part of a longer tag).
    4. Both used alone: separate tags, except a capitalised word that the body
       never capitalises mid-sentence ("war") right after one it does (a proper
       name): the head of a title-cased name (``Nagorno-Karabakh War``).

    Known limits: ``Europe Economy`` reads as one tag (rule 4); a name never
    written in full in the text is split. Tags are deduplicated
    case-insensitively, first spelling kept.
    """
    tag_text = tag_text.strip().rstrip(".")
    if _DELIMITERS.search(tag_text):
        pieces = [p.strip() for p in _DELIMITERS.split(tag_text)]
    else:
        words = tag_text.split()
        ev = _Evidence(" ".join(f"{title}\n{body}".split()).lower(), body)
        groups: list[list[str]] = []
        locked_until = 0  # words before this index belong to a matched phrase
        i = 0
        while i < len(words):
            end = 0
            for j in range(min(len(words), i + PHRASE_MAX_WORDS), i + 1, -1):
                span = words[i:j]
                if not any(_hard_boundary(x, y) for x, y in pairwise(span)) \
                        and ev.has_phrase(" ".join(span)):
                    end = j
                    break
            if end:
                groups.append(words[i:end])
                locked_until = i = end
                continue
            if groups and i != locked_until and _join(words[i - 1], words[i], ev):
                groups[-1].append(words[i])
            else:
                groups.append([words[i]])
            i += 1
        pieces = [" ".join(g) for g in groups]
    seen: set[str] = set()
    tags: list[str] = []
    for piece in pieces:
        piece = piece.strip(" \"'“”")
        if piece and piece.casefold() not in seen and not is_boilerplate(piece):
            seen.add(piece.casefold())
            tags.append(piece)
    return tuple(tags)


# ---- the page -> article walk --------------------------------------------------------------

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def _content_lines(text: str) -> list[str]:
    """Stripped lines; "" for blank or decoration-only lines (no letter or digit)."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip().strip(_INVISIBLE).strip()
        lines.append(line if any(c.isalnum() for c in line) else "")
    return lines


def _ends_article(line: str) -> bool:
    return bool(_END_OF_ARTICLE.fullmatch(_normalise(line))) or is_copyright_line(line)


def _last_content_flags(lines: list[str]) -> list[bool]:
    """For each line: whether only blank lines, navigation and the end of the article
    follow it (one backward pass, so a page of many lines stays linear)."""
    flags = [True] * len(lines)
    for j in range(len(lines) - 2, -1, -1):
        line = lines[j + 1]
        if not line or (is_boilerplate(line) and not _ends_article(line)):
            flags[j] = flags[j + 1]
        else:
            flags[j] = _ends_article(line)
    return flags


@dataclass
class _Page:
    title: str = ""
    paragraphs: list[list[str]] = field(default_factory=list)
    tag_texts: list[str] = field(default_factory=list)
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    early_holder: str = ""
    footer_holder: str = ""


def _read_head(page: _Page, lines: list[str]) -> int:
    """Fill title and header metadata; return the index of the first body line."""
    i = 0
    while i < len(lines):  # before the title: only furniture and labelled metadata
        line = lines[i]
        tag = _tag_line(line) if line else None
        is_date, when = _date_line(line) if line else (False, None)
        if not line or is_boilerplate(line):
            pass
        elif is_copyright_line(line):
            page.early_holder = page.early_holder or copyright_holder(line)
        elif tag and not tag[1]:
            page.tag_texts.append(tag[0])
        elif is_date:
            page.published = page.published or when
        else:
            if len(line) > TITLE_MAX_CHARS:
                return i
            page.title = line
            i += 1
            break
        i += 1
    meta = 0
    while i < len(lines) and meta < HEADER_MAX_LINES:  # right after the title
        line = lines[i]
        if line and not is_boilerplate(line):
            names = _byline(line)
            is_date, when = _date_line(line)
            if _is_credit(line):
                pass
            elif is_copyright_line(line):
                page.early_holder = page.early_holder or copyright_holder(line)
            elif names and not page.authors:
                page.authors = names
            elif is_date:
                page.published = page.published or when
            else:
                break
            meta += 1
        i += 1
    return i


def _read_body(page: _Page, lines: list[str], start: int) -> None:
    current: list[str] = []

    def flush() -> None:
        if current:
            page.paragraphs.append(current.copy())
            current.clear()

    is_last = _last_content_flags(lines)
    for j in range(start, len(lines)):
        line = lines[j]
        started = bool(page.paragraphs or current)
        tag = _tag_line(line) if line else None
        if not line:
            flush()
        elif is_copyright_line(line):
            flush()
            if started:
                page.footer_holder = copyright_holder(line)
                return
            page.early_holder = page.early_holder or copyright_holder(line)
        elif is_boilerplate(line):
            flush()
            if started and _ends_article(line):
                return
        elif tag and (not tag[1] or is_last[j]):
            flush()
            page.tag_texts.append(tag[0])
        else:
            current.append(line)
    flush()


def parse(text: str, name: str) -> Article | None:
    """The article in a scraped page's text, or None if it has neither title nor body."""
    page = _Page()
    lines = _content_lines(text)
    _read_body(page, lines, _read_head(page, lines))
    if page.title and page.paragraphs and page.paragraphs[0] == [page.title]:
        del page.paragraphs[0]
    body = "\n\n".join("\n".join(p) for p in page.paragraphs)
    if not page.title and not body:
        return None
    tags: list[str] = []
    for tag_text in page.tag_texts:
        for tag in split_tags(tag_text, page.title, body):
            if tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
    return Article(id=name, title=page.title, body=body, tags=tuple(tags),
                   authors=page.authors, published=page.published,
                   source=page.footer_holder or page.early_holder, path=name)


def read(source: Source) -> Iterator[Article | Problem]:
    """Read one scraped-page text file: one Article, or a skipped Problem if it has no text."""
    text, problems = read_text(source)
    if not text.strip():
        raise UnreadableFile("empty file")
    yield from problems
    article = parse(text, source.name)
    if article is None:
        yield Problem(source.name, "no title or body text found")
    else:
        yield article
