"""The head of a scraped page: its title (a headline over two lines joined, a site name
after it dropped) and the header between the title and the first prose line (bylines,
dates, credits, one deck; the rest is furniture). See text.py for the rules."""

from __future__ import annotations

import re

from ..dates import DATE_SHAPE
from . import bylines as bl
from . import text_lines as tl
from .text_glued import TITLE_GLUED, split_glued_title
from .text_page import Page, is_meta, next_nonblank

DECK_MIN_WORDS = 5
_MONTH_OR_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
                            r"nov|dec)[a-z]*\b", re.IGNORECASE)
_NEWS_WORDS = {"news", "times", "post", "daily", "herald", "journal", "press", "tribune",
               "gazette", "magazine", "blog", "online", "network", "media", "tv", "radio",
               "wire", "today", "express", "mail", "guardian", "telegraph", "independent",
               "observer", "weekly", "insider", "monitor", "chronicle", "reporter", "sun",
               "mirror", "standard", "examiner", "register", "bulletin", "dispatch", "courier",
               "inquirer", "times-picayune", "newsweek", "review", "report", "channel"}
# The head ends before a run of spaces, not inside it (else each space of a long run
# starts a scan of the rest of it: quadratic); at least 12 characters as before.
_SITE_SUFFIX = re.compile(r"^(?P<head>.{12}(?:.*?(?<!\s))??)\s+(?P<sep>\||-|–|—|::|·|•)\s+"
                          r"(?P<site>[^|]{2,40})$")


# A Markdown heading's marks before a headline (``# Council approves budget``) are no
# part of it: a file with one heading and no other Markdown is not read as Markdown.
_ATX_MARK = re.compile(r"^#{1,6}[ \t]+(?=\S)")
_PAGE_URL = re.compile(r"https?://[^\s/]+\.[^\s/]+(?:/\S*)?", re.IGNORECASE)
BREADCRUMB = "breadcrumb trail dropped"
SECTION_LABEL = "section label before the title dropped"
BREADCRUMB_LOOKAHEAD = 3
_CELLS = re.compile(r"\s{2,}")


def _breadcrumb(page: Page, lines: list[str], i: int) -> bool:
    """A breadcrumb trail as the first line (``Home  Our Success Stories  AI and ML-Based
    Tool for Optimizing Subscriber...``: cells set apart by two spaces or more, the last
    one this page's title, often cut): when one of the next lines holds that last cell,
    the trail is dropped and that line is the title from there on (what comes before it
    on the line, a section label the dump glued on, ``Our Success StoriesIT ``, is
    dropped too). Both are counted. The evidence is the page repeating its own title."""
    cells = _CELLS.split(lines[i])
    stem = cells[-1].rstrip(".…").strip()
    if len(cells) < 2 or sum(any(c.isalpha() for c in w) for w in stem.split()) < 2:
        return False  # a table row's figures (``CLSG    6-5/16 6-3/16``) are no title
    seen = 0
    for j in range(i + 1, len(lines)):
        if not lines[j]:
            continue
        seen += 1
        if seen > BREADCRUMB_LOOKAHEAD:
            return False
        at = lines[j].casefold().find(stem.casefold())
        if at >= 0:
            page.drop(BREADCRUMB, i, lines[i])
            lines[i] = ""
            if at:
                page.drop(SECTION_LABEL, j, lines[j][:at])
                lines[j] = lines[j][at:]
            return True
    return False


def read_title(page: Page, lines: list[str]) -> int:
    """Fill the title (and metadata before it); return the index after the title."""
    crumbs = True
    for i, line in enumerate(lines):
        if not line:
            continue
        if crumbs and not tl.furniture(line):  # the first line after a menu, "Skip to ..."
            crumbs = False
            if _breadcrumb(page, lines, i):
                continue
        tag = tl.tag_line(line)
        is_date, when = tl.date_line(line)
        if not page.url and _PAGE_URL.fullmatch(line):
            page.url = line  # a scraper's first line: the page it read
        elif tl.furniture(line):
            page.drop(tl.BOILERPLATE, i, line)
        elif tl.is_copyright_line(line):
            page.early_holder = page.early_holder or tl.copyright_holder(line)
        elif tag and not tag[1]:
            page.tag_texts.append(tag[0])
        elif is_date:
            page.date(when, line)
            if when is None:  # an "Updated ..." stamp: said, not silently skipped
                page.drop_value(tl.UPDATE_IGNORED, i, line)
        elif len(line) > tl.TITLE_MAX_CHARS:
            glued = split_glued_title(line)
            if glued:  # the headline and the text after it on one line
                page.title, lines[i], numbering = glued
                page.drop_value(TITLE_GLUED, i, f"{numbering}{page.title}")
            return i
        elif _label_above_title(line, lines, i):
            page.drop(LABEL_ABOVE_TITLE, i, line)
            if _looks_like_site(line):
                page.early_holder = page.early_holder or line
        else:
            title, end = line, i + 1
            second = lines[end] if end < len(lines) else ""
            if _runs_on(title, second, lines[end + 1:end + 2]):
                return i  # no headline: the text's first sentence, broken where a link was
            if (second and not (lines[end + 1:end + 2] or [""])[0] and not is_meta(second)
                    and not title.endswith((*".!?:;", "”", '"')) and not second.endswith(".")
                    and len(title) + len(second) < tl.TITLE_MAX_CHARS):
                title, end = f"{title} {second}", end + 1  # a headline broken over two lines
            page.title = _without_site_name(page, i, _ATX_MARK.sub("", title), lines)
            return end
    return len(lines)


LABEL_ABOVE_TITLE = "site or section label above the title dropped"
LABEL_MAX_WORDS = 4
LABEL_LOOKAHEAD = 2  # lines from a label to the headline under it
HEADLINE_WORDS = (3, 30)
BODY_SAMPLE_LINES = 40
_CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")
_COMMON = frozenset(("the", "and", "for", "with", "from", "that", "this", "into", "over",
                     "after", "about", "what"))


def _label_above_title(line: str, lines: list[str], i: int) -> bool:
    """Whether ``line`` is a site's name or a section label above the headline (``BBC
    News``, ``The Daily Gazette``, ``example.com``, ``Politics``): a short line (at most
    LABEL_MAX_WORDS words, no end punctuation), then within LABEL_LOOKAHEAD lines a longer
    headline-shaped line (capitalised, no end punctuation, no byline or date), and the
    text below says which is the headline: it repeats two or more of that line's words
    and none of the short line's (a publication's generic words aside). A short headline
    whose words the text repeats (``Budget approved``) stays the title."""
    words = line.split()
    if len(words) > LABEL_MAX_WORDS or line.endswith(tuple(".!?:;,\"”")) or is_meta(line):
        return False
    j = next_nonblank(lines, i + 1)
    if j >= len(lines) or j - i > LABEL_LOOKAHEAD:
        return False
    head = lines[j]
    count = len(head.split())
    if not (HEADLINE_WORDS[0] <= count <= HEADLINE_WORDS[1] and count > len(words)
            and len(head) <= tl.TITLE_MAX_CHARS and (head[:1].isupper() or head[:1].isdigit())):
        return False
    after = lines[j + 1] if j + 1 < len(lines) else ""
    if head.endswith(tuple(".,;:")) or is_meta(head) or (
            after and not is_meta(after) and not after[:1].isupper()):
        return False  # a sentence's first line, hard-wrapped: its next line goes on
    seen = set(_CONTENT_WORD.findall(" ".join(lines[j + 1:j + 1 + BODY_SAMPLE_LINES]).casefold()))
    label = {w for w in _CONTENT_WORD.findall(line.casefold())} - _COMMON - _NEWS_WORDS
    title = {w for w in _CONTENT_WORD.findall(head.casefold())} - _COMMON
    return not (label & (seen | title)) and len(title & seen) >= 2


def _looks_like_site(line: str) -> bool:
    words = line.split()
    return bool(re.search(r"\w\.(?:com|org|net|co\.uk|news|ca|au|in|de|fr)\b", line,
                          re.IGNORECASE)) or bool(_NEWS_WORDS & {w.casefold() for w in words})


def _runs_on(line: str, second: str, after: list[str]) -> bool:
    """Whether ``line`` is the start of a sentence that ``second`` goes on with (``Apple``
    / ``reported fiscal fourth-quarter earnings on Thursday that beat ...``: a scraper
    broke the line where a link was): ``line`` ends in no punctuation, ``second`` opens
    with a lower-case word (``iPhone``, ``eBay`` are names) and is no headline's second
    half (it ends a sentence, is too long for one, or a paragraph goes on after it), and
    ``line`` is written as a sentence is, not in Title Case or CAPS. A headline is followed
    by a capital (none of BBC's 2,225 articles opens lower-case; Reuters' lower-cased
    stories sit under CAPS headlines)."""
    first = second.split(maxsplit=1)[0] if second.strip() else ""
    if not first.islower() or not first.strip(",;:'’").isalpha() or line.endswith(
            (*".!?:;,", "”", '"')):  # a word (not a URL, not a number) in lower case
        return False
    capitalised = [w[:1].isupper() for w in line.split() if len(w) > 3]
    if (line.isupper() and len(line.split()) >= 2) or (
            len(capitalised) >= 3 and sum(capitalised) * 2 > len(capitalised)):
        return False  # CAPS or Title Case: a headline (above a text written in lower case)
    return (second.rstrip().endswith((".", "!", "?", ".”", '."'))
            or len(line) + len(second) >= tl.TITLE_MAX_CHARS or bool(after and after[0]))


def _without_site_name(page: Page, index: int, title: str, lines: list[str]) -> str:
    """The title without a trailing site name. After ``|`` any short tail is one; after
    a dash (``Title - An Introduction`` is common) only a tail that looks like a
    publication (a domain, a news word, an acronym) or that the page repeats in a
    short line (its footer, a sign-off). Never a date."""
    m = _SITE_SUFFIX.match(title)
    if not m:
        return title
    site, head = m["site"].strip(), m["head"].strip()
    words = site.split()
    if site.endswith(tuple(".!?")) or len(head.split()) < 3 or len(words) > 5 or (
            DATE_SHAPE.search(site) or _MONTH_OR_YEAR.search(site)):
        return title
    domain = re.search(r"\w\.(?:com|org|net|co\.uk|news|ca|au|in)\b", site, re.IGNORECASE)
    looks_like_site = bool(domain) or bool(_NEWS_WORDS & {w.casefold() for w in words}) or (
        len(words) == 1 and site.isupper() and 2 <= len(site) <= 6)
    repeated = any(site in line and len(line.split()) <= 12 and line != lines[index]
                   for line in lines if line)
    if m["sep"] == "|" or looks_like_site or (repeated and all(
            w[:1].isupper() or w[:1].isdigit() for w in words)):
        page.drop("site name dropped from title", index, m["sep"] + " " + site)
        return head
    return title


def read_header(page: Page, lines: list[str], start: int) -> int:
    """Read metadata between the title and the first prose line; return where the body
    starts. Without any prose line, the body starts right after the title."""
    first_prose = _first_prose(lines, start)
    if first_prose is None:
        return start
    zone = [line for line in lines[start:first_prose] if line]
    if zone and not any(is_meta(line) or bl.is_byline_word(line) or tl.is_date_label(line)
                        for line in zone):
        return start  # nothing page-like before the prose: those lines are the article's
    explicit_byline = any(bl.byline(line) or bl.is_byline_word(line) for line in zone)
    deck_kept = False
    i = start
    while i < first_prose:
        line = lines[i]
        i += 1
        if not line:
            continue
        nxt = next_nonblank(lines, i)
        following = lines[nxt] if nxt < first_prose else ""
        names = bl.byline(line)
        is_date, when = tl.date_line(line)
        if bl.is_byline_word(line) and following and bl.names_in(following):
            _authors(page, bl.names_in(following) or (), nxt, following)
            i = nxt + 1
        elif tl.is_date_label(line) and following and tl.date_line(following)[0]:
            if not tl.is_updated_label(line):
                page.date(tl.date_line(following)[1], following, nxt)
            else:  # "Updated:" then the time (evidence: huffingtonpost.com1, dev half)
                page.drop_value(tl.UPDATE_IGNORED, nxt, following)
            i = nxt + 1
        elif names:
            _authors(page, names, i - 1, line)
            shape = DATE_SHAPE.search(line)
            if shape:
                when = tl.date_line(line[shape.start():])[1]  # a time after it is kept
                page.date(when or tl.date_line(shape.group())[1], line, i - 1)  # "... 3878"
        elif is_date:
            page.date(when, line, i - 1)
            if when is None:
                page.drop_value(tl.UPDATE_IGNORED, i - 1, line)
        elif not page.url and _PAGE_URL.fullmatch(line):
            page.url = line  # the page's address under its headline
        elif tl.is_credit(line):
            page.drop(tl.CREDIT, i - 1, line)
            if tl.is_caption_label(line) and following and len(
                    following.split()) <= tl.CAPTION_MAX_WORDS:
                page.drop(tl.CREDIT, nxt, following)  # the caption under ``Image caption,``
                i = nxt + 1
        elif tl.is_copyright_line(line):
            page.early_holder = page.early_holder or tl.copyright_holder(line)
        elif (tag := tl.tag_line(line)) and not tag[1]:
            page.tag_texts.append(tag[0])
        elif (not page.authors and not explicit_byline and bl.names_in(line)
              and len(line.split()) <= 8 and _date_soon(lines, i, first_prose)):
            page.authors = bl.names_in(line) or ()
        elif (not deck_kept and len(line.split()) >= DECK_MIN_WORDS and not tl.furniture(line)
              and not _in_run(lines, i - 1, start, first_prose)):
            deck_kept = True
            page.kept += [(i - 1, line), (-1, "")]
        else:
            page.drop(tl.furniture(line) or tl.HEADER, i - 1, line)
    return first_prose


def _authors(page: Page, names: tuple[str, ...], index: int, line: str) -> None:
    """The first byline gives the authors; a later one naming others is counted, not
    silently ignored (found by tests/test_no_silent_loss.py's generated pages)."""
    if not page.authors:
        page.authors = names
    elif set(names) - set(page.authors):
        page.drop_value(tl.SECOND_VALUE, index, line)


def _first_prose(lines: list[str], start: int) -> int | None:
    """Where the body starts: the first prose line with no byline or date line between it
    and the next prose line (a caption or deck above the byline is not the body), else
    the first prose line, else None. Once a byline or date has been passed, a later date
    (another story's, in a list below the article) no longer disqualifies a line. Scans
    only as far as it must."""
    first: int | None = None
    current: int | None = None  # the candidate being checked
    bylined = False  # a byline or date above the candidate: the header is behind it
    for i in range(start, len(lines)):
        line = lines[i]
        if not line:
            continue
        if tl.is_prose(line) and not is_meta(line):
            if current is not None:
                return current  # no byline or date between it and this prose line
            current = i
            first = i if first is None else first
        elif _is_header_meta(line):
            if current is not None and not bylined:
                current = None  # a caption or deck above the byline
            bylined = bylined or current is None
    return current if current is not None else first


def _is_header_meta(line: str) -> bool:
    return bool(bl.byline(line) or bl.is_byline_word(line) or tl.date_line(line)[0]
                or tl.is_date_label(line))


def _date_soon(lines: list[str], i: int, stop: int) -> bool:
    seen = 0
    while i < stop and seen < 4:
        if lines[i]:
            seen += 1
            if tl.date_line(lines[i])[0] or tl.is_date_label(lines[i]):
                return True
        i += 1
    return False


def _in_run(lines: list[str], i: int, start: int, stop: int) -> bool:
    """Whether the header line i has a short non-sentence neighbour (a list, not a deck)."""
    prev = i - 1
    while prev >= start and not lines[prev]:
        prev -= 1
    nxt = next_nonblank(lines, i + 1)
    return any(start <= j < stop and tl.is_headline_like(lines[j]) and not is_meta(lines[j])
               and len(lines[j].split()) >= 3 for j in (prev, nxt))


