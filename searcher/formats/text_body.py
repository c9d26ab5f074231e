"""The body of a scraped page: paragraphs from the first prose line, with furniture,
polls, credits and lists of links dropped, the footer cut, the tags and a closing
sign-off read. See text.py for the rules."""

from __future__ import annotations

import re

from ..models import Decision
from . import bylines as bl
from . import text_lines as tl
from .text_page import Page, is_meta, next_nonblank

POLL_MAX_LINES = 15  # a poll block ends ("Completing this poll...") within this many lines
LINK_RUN_MIN = 3
RESUME_MAX_LINKS = 12  # a links box inside an article has at most this many lines
RESUME_MIN_WORDS = 12  # this many short non-sentence lines in a row are a list of links
_PAPER_CAPS = re.compile(r"[A-Z][A-Z.&'-]+(?: [A-Z][A-Z.&'-]+)+")  # ASSOCIATED PRESS
_REPORTING = re.compile(r"^\(?(?:reporting|writing|additional reporting)\s+by\b", re.IGNORECASE)
# Where an image or a chart came from, on a line of its own: ``IMAGE SOURCE: APPLE.``,
# ``AAPL Revenue (Quarterly YoY Growth) data by YCharts``, ``Chart: Statista``.
_SOURCE_CREDIT = re.compile(
    r"^(?:image|photo|picture|chart|graphic|video|map)\s+source\s*:\s*\S|"
    r"^(?:chart|graphic|infographic)\s*:\s*\S|"
    r"\b(?:data|chart|graphic|graph)\s+(?:by|source\s*:)\s+\S+(?:\s+\S+){0,2}$",
    re.IGNORECASE)
_CREDIT_LOWER_WORDS = {"data", "chart", "graphic", "graph", "by", "from", "source", "courtesy",
                       "of", "and", "the", "via", "image", "photo"}
SOURCE_CREDIT_MAX_WORDS = 12


def is_source_credit(line: str) -> bool:
    """A line saying where an image or chart came from (``_SOURCE_CREDIT``): short, and
    every lower-case word of it one a credit uses, so a sentence ("... compiled from data
    by Gartner.") is never one."""
    words = line.split()
    if len(words) > SOURCE_CREDIT_MAX_WORDS or len(line) > 200 or not _SOURCE_CREDIT.search(line):
        return False
    return all(not w[:1].islower() or w.strip(".,:;()").casefold() in _CREDIT_LOWER_WORDS
               for w in words)


def _prose_follows(lines: list[str], i: int) -> bool:
    """Whether a prose line (not furniture) comes after line i (scans to the first one)."""
    for line in lines[i + 1:]:
        if line and tl.is_prose(line) and not tl.furniture(line) \
                and not tl.is_copyright_line(line):
            return True
    return False


def _only_furniture_follows(lines: list[str], i: int) -> bool:
    """Whether only blank lines and navigation follow line i up to the end of the article."""
    for line in lines[i + 1:]:
        if not line or (tl.is_boilerplate(line) and not tl.ends_article(line)):
            continue
        return tl.ends_article(line)
    return True


def read_body(page: Page, lines: list[str], start: int) -> None:
    in_poll = poll_ended = False
    after_read_more = False
    before = next((lines[j] for j in range(start - 1, -1, -1) if lines[j]), "")
    captioned = tl.is_caption_label(before)  # a label in the header: its caption opens the body
    i = start
    while i < len(lines):
        line = lines[i]
        i += 1
        if captioned and line:
            captioned = False
            if len(line.split()) <= tl.CAPTION_MAX_WORDS:
                page.drop(tl.CREDIT, i - 1, line)  # the caption under ``Image caption,``
                continue
        started = any(index >= 0 for index, _ in page.kept)
        if in_poll and poll_ended and not tl.poll_end(line):
            in_poll = False  # the poll's closing lines are over: this line is the article's
        if in_poll:  # (it used to be dropped with the poll: issue 15's off-by-one)
            if line:
                page.drop(tl.POLL, i - 1, line)
            poll_ended = poll_ended or tl.poll_end(line)
            continue
        if not line:
            page.kept.append((-1, ""))
            continue
        if tl.poll_start(line) and any(map(tl.poll_end, lines[i:i + POLL_MAX_LINES])):
            in_poll, poll_ended = True, False
            page.drop(tl.POLL, i - 1, line)
            continue
        if tl.is_copyright_line(line):
            if started and not _prose_follows(lines, i - 1):
                page.footer_holder = tl.copyright_holder(line)
                _cut(page, lines, i - 1)
                return
            page.drop(tl.CREDIT, i - 1, line)  # a © caption inside the body
            continue
        if started and tl.ends_article(line):
            resume = _resumes(lines, i)
            if resume is None:
                _cut(page, lines, i - 1)
                _read_trailing_metadata(page, lines, i)
                return
            for j in range(i - 1, resume):  # "Related Coverage" + its links mid-article
                if lines[j]:
                    page.drop(tl.RELATED, j, lines[j])
            i = resume
            continue
        tag = tl.tag_line(line)
        if tag and (not tag[1] or _only_furniture_follows(lines, i - 1)):
            page.tag_texts.append(tag[0])
            continue
        if tl.is_tag_heading(line):
            i = _read_tag_lines(page, lines, i)
            continue
        kind = tl.furniture(line) or (
            tl.CREDIT if tl.is_credit(line) or is_source_credit(line) else None)
        if kind:
            page.drop(kind, i - 1, line)
            after_read_more = tl.is_read_more_label(line)
            captioned = tl.is_caption_label(line)
            continue
        if after_read_more and tl.is_headline_like(line):
            page.drop(tl.RELATED, i - 1, line)
            continue
        after_read_more = False
        page.kept.append((i - 1, line))


def _resumes(lines: list[str], i: int) -> int | None:
    """Where the article resumes after a links heading at i-1: after at most
    RESUME_MAX_LINKS short lines, two long prose lines in a row (a box of related links
    set inside the article); else None (the heading ends the article)."""
    short = 0
    j = next_nonblank(lines, i)
    while j < len(lines):
        line = lines[j]
        nxt = next_nonblank(lines, j + 1)
        if _long_prose(line):
            return j if nxt < len(lines) and _long_prose(lines[nxt]) else None
        short += 1
        if short > RESUME_MAX_LINKS or tl.is_copyright_line(line) or tl.ends_article(line):
            return None
        j = nxt
    return None


def _long_prose(line: str) -> bool:
    return tl.is_prose(line) and len(line.split()) >= RESUME_MIN_WORDS and not is_meta(line)


def _read_trailing_metadata(page: Page, lines: list[str], i: int) -> None:
    """Labelled metadata some pages put after the article (``Date`` / ``Author`` /
    ``Keywords`` each followed by its value lines)."""
    while i < len(lines):
        line = lines[i]
        nxt = next_nonblank(lines, i + 1)
        value = lines[nxt] if nxt < len(lines) else ""
        if line and tl.is_date_label(line) and value and tl.date_line(value)[0]:
            page.date(tl.date_line(value)[1], value)
        elif line and bl.is_author_label(line) and value and not page.authors:
            page.authors = bl.names_in(value) or ()
        elif line and tl.is_tag_heading(line) and not page.tag_texts \
                and not line.casefold().startswith("categor"):  # a sidebar's categories
            i = _read_tag_lines(page, lines, i + 1)
            continue
        elif line and (tag := tl.tag_line(line)) and not tag[1] and not page.tag_texts:
            page.tag_texts.append(tag[0])
        i += 1


def _read_tag_lines(page: Page, lines: list[str], i: int) -> int:
    """Tags one per line after a ``Filed under`` heading (``,`` lines between are glue)."""
    items: list[str] = []
    while i < len(lines) and len(items) < 30:
        line = lines[i]
        if line and (tl.is_prose(line) or tl.furniture(line) or tl.ends_article(line)
                     or tl.is_tag_heading(line) or ":" in line):
            break
        if line:
            items.append(line)
        i += 1
    if items:
        page.tag_texts.append(", ".join(items))
    return i


def _cut(page: Page, lines: list[str], index: int) -> None:
    rest = [line for line in lines[index:] if line]
    page.decisions.append(Decision(page.name, tl.FOOTER, rest[0][:80], index + 1,
                                   sum(map(len, rest))))


# Words a headline does not end on, but a line of a wrapped sentence often does.
_NO_HEADLINE_END = frozenset({
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for",
    "from", "with", "into", "as", "than", "that", "which", "who", "its", "their", "his", "her",
    "our", "your", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will",
    "would",
})


def continues(line: str, following: str) -> bool:
    """``following`` goes on with ``line``'s sentence: ``line`` ends on a comma or a
    word no headline ends on, or ``following`` starts in lower case (after quotes)."""
    last = line.rstrip().rsplit(None, 1)[-1].lower() if line.strip() else ""
    first = following.lstrip(" \t\"'“‘(")[:1]
    return (line.rstrip().endswith((",", ";", "-")) or last in _NO_HEADLINE_END
            or first.islower())



def _wrapped_lines(kept: list[tuple[int, str]]) -> set[int]:
    """Positions in ``kept`` of lines that are one paragraph hard-wrapped over several
    lines (wire copy and e-mail text wrap at ~65 characters): two lines in a row, no
    blank between, where the first cannot end a headline or the second cannot start
    one (continues). Each such line is prose however short it is."""
    found: set[int] = set()
    block: list[int] = []  # positions of lines in a row, no blank between
    for k, (i, line) in enumerate(kept):
        if block and (i < 0 or i != kept[block[-1]][0] + 1):
            found.update(_sentence_block(kept, block))
            block = []
        if i >= 0:
            block.append(k)
        if k + 1 < len(kept):
            j, following = kept[k + 1]
            if i >= 0 and j == i + 1 and continues(line, following):
                found.update((k, k + 1))
    found.update(_sentence_block(kept, block))
    return found


def _sentence_block(kept: list[tuple[int, str]], block: list[int]) -> list[int]:
    """A block of 2+ lines in a row ending a sentence on its last line, 12+ words in
    all, is one wrapped paragraph (a list of links ends on a headline, not a sentence)."""
    if len(block) < 2 or not kept[block[-1]][1].rstrip().endswith(tl.TERMINAL):
        return []
    return block if sum(len(kept[k][1].split()) for k in block) >= 12 else []


_PAIR_SEPARATORS = (" v ", " vs ", " vs. ", " - ", " – ", " — ", ": ")
PAIR_SIDE_MAX_WORDS = 6


def _parallel_list(lines: list[str]) -> bool:
    """Whether at least two thirds of the lines (three or more) are pairs of short sides
    around one shared separator: a draw (``Everton v Sunderland``), results or winners
    (``Animation - Brush Head``). Other stories' headlines vary in shape; a list the
    article gives repeats one (evidence: the BBC corpus written as pages, where such
    lists were dropped as related links in 8 of 2,225 articles)."""
    need = max(LINK_RUN_MIN, -(-2 * len(lines) // 3))
    for separator in _PAIR_SEPARATORS:
        pairs = 0
        for line in lines:
            sides = line.split(separator)
            if len(sides) == 2 and all(
                    1 <= len(side.split()) <= PAIR_SIDE_MAX_WORDS for side in sides):
                pairs += 1
        if pairs >= need:
            return True
    return False


def drop_link_runs(page: Page) -> None:
    """Remove runs of LINK_RUN_MIN+ lines that read like other pages' headlines (blank
    lines between allowed), unless the run follows a line ending in ':' (a list the
    article introduces) or its lines share one pair shape (a list of the article's)."""
    kept: list[tuple[int, str]] = []
    run: list[tuple[int, str]] = []

    def settle() -> None:
        lines = [r for r in run if r[0] >= 0]
        headlines = sum(len(line.split()) >= 3 for _, line in lines)  # not a list of names
        before = next((line for index, line in reversed(kept) if index >= 0), "")
        if headlines >= LINK_RUN_MIN and not before.endswith(":") \
                and not _parallel_list([line for _, line in lines]):
            for index, line in lines:
                page.drop(tl.RELATED, index, line)
            kept.extend(r for r in run if r[0] < 0)
        else:
            kept.extend(run)
        run.clear()

    wrapped = _wrapped_lines(page.kept)
    for k, item in enumerate(page.kept):
        if item[0] < 0 or (k not in wrapped and tl.is_link_text(item[1])):
            run.append(item)
        else:
            settle()
            kept.append(item)
    settle()
    page.kept = kept


def read_sign_off(page: Page) -> None:
    """Closing byline / paper name lines at the end of the body -> authors, source."""
    real = [k for k, (index, _) in enumerate(page.kept) if index >= 0]
    for _ in range(3):
        if not real:
            return
        index, line = page.kept[real[-1]]
        names = bl.sign_off(line) or (bl.byline(line) if not tl.is_prose(line) else None)
        if names:
            page.authors = page.authors or names
        elif len(real) >= 2 and tl.is_headline_like(line) and len(line.split()) <= 5 and (
                bl.sign_off(page.kept[real[-2]][1]) or _PAPER_CAPS.fullmatch(line)):
            page.early_holder = page.early_holder or line.title()
        elif _REPORTING.match(line) or (_PAPER_CAPS.fullmatch(line) and len(line.split()) <= 4):
            break
        else:
            return
        page.drop("sign-off read as authors", index, line)
        del page.kept[real.pop()]


def paragraphs(page: Page) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for index, line in page.kept:
        if index < 0:
            if current:
                paragraphs.append("\n".join(current))
                current = []
        else:
            current.append(line)
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


