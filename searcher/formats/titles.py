"""Headlines without the publication's name around them.

Pages and news APIs decorate the headline: ``Headline | Site``, ``Headline - CNBC``,
``Site | Section: Headline``, ``Headline | DW | 19.01.2020``. A title segment (the
text between spaced separators) is the site's, not the headline's, when it names a
known site (og:site_name, the JSON-LD publisher, the API's source, the host name),
is a date, or, at the end of a ``|`` or `` - `` title, looks like a masthead (a few
capitalised words or a domain). The headline itself is never cut: at least the
longest segment always stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SITE_NAME_REMOVED = "site name removed from title"

_SEPARATOR = re.compile(r"(?<!\s)\s+(?:\||-|–|—|::|»|·|/|:)\s+")  # linear: bylines._SEPARATORS
_DATE_SEGMENT = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_DOMAIN = re.compile(r"\.(?:com|co|org|net|news|co\.uk|ca|in|au|de|fr)$", re.IGNORECASE)
_MINOR = frozenset({"of", "the", "and", "&", "on", "in", "for", "a", "de", "at", "to", "!"})


def normalized(text: str) -> str:
    """For comparing titles: case, quotes, dashes and spacing ignored."""
    text = text.casefold().translate(_QUOTES)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "′": "'", "\xa0": " "})


def site_key(name: str) -> str:
    """``The Washington Post`` / ``washingtonpost.com`` / ``www.cnn.com`` -> comparable keys."""
    key = name.casefold().strip()
    key = re.sub(r"^(?:https?://)?(?:www\.)?", "", key)
    key = re.sub(r"^the\s+", "", key)
    key = _DOMAIN.sub("", key)
    return re.sub(r"[^\w]", "", key)


def strip_site_name(title: str, site_names: Iterable[str] = ()) -> str:
    """``title`` without the site-name / date segments at its start or end."""
    title = " ".join(title.split())
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATOR.findall(title)
    sites = {key for name in site_names if (key := site_key(name))}
    longest = max(range(len(parts)), key=lambda i: len(parts[i]))
    start, end = 0, len(parts)
    while end - 1 > longest and _is_site_segment(parts[end - 1], seps[end - 2], sites, True):
        end -= 1
    while start < longest and _is_site_segment(parts[start], seps[start], sites, False):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    kept = parts[start]
    for i in range(start + 1, end):
        kept += seps[i - 1] + parts[i]
    return kept


def _is_site_segment(segment: str, separator: str, sites: set[str], at_end: bool) -> bool:
    key = site_key(segment)
    if key and (key in sites or any(key == site or (len(key) > 3 and key in site)
                                    for site in sites)):
        return True
    if _DATE_SEGMENT.match(segment.strip()):
        return True
    sep = separator.strip()
    if not at_end:  # "Hating Millennials - the prejudice...": a lead-in is the headline's
        return sep == "|" and _looks_like_masthead(segment)
    return sep in ("|", "-", "–", "—", "/", "::", "»", ":") and _looks_like_masthead(segment)


def _looks_like_masthead(segment: str) -> bool:
    """A few capitalised words (``CNN Politics``, ``Watch News Videos Online``) or a
    domain (``Reuters.com``); not a sentence-cased phrase like ``Predicting climate``."""
    words = segment.split()
    if not words or len(words) > 4:
        return False
    if len(words) == 1 and _DOMAIN.search(words[0]):
        return True
    return all(w[:1].isupper() or w[:1].isdigit() or w.casefold() in _MINOR for w in words)


def best_title(stated: Iterable[str], headings: Iterable[str], page_title: str,
               site_names: Iterable[str]) -> str:
    """The headline of a page from what it states (og:title, JSON-LD headline), its main
    headings (<h1>) and its <title>, without the site's name.

    A heading wins when a stated title or the <title> contains it (the page's own
    headline, without kicker or masthead); a heading that is only a masthead segment
    of the <title> (``The New Republic``) is taken as the site's name instead.
    """
    sites = list(site_names)
    candidates = [t for t in (" ".join(s.split()) for s in stated) if t]
    page_title = " ".join(page_title.split())
    full = candidates[0] if candidates else page_title
    for heading in headings:
        heading = " ".join(heading.split())
        h = normalized(heading)
        if len(h.split()) < 2:
            continue
        masthead = False
        for whole in (*candidates, page_title):
            parts = [normalized(p) for p in _SEPARATOR.split(whole)] if whole else []
            if len(parts) > 1 and h in parts and h != max(parts, key=len):
                sites.append(heading)
                masthead = True
                break
            w = normalized(whole)
            if w and (h == w or (h in w and len(h) >= len(w) / 2)):
                return heading
        if masthead or candidates or len(h.split()) < 3:
            continue
        if (not page_title or _overlap(h, normalized(page_title)) >= 0.4
                or ((heading[:1].isupper() or heading[:1] in "\"'‘“0123456789")
                and not _looks_like_masthead(heading))):
            return heading  # no stated title: the page's own headline over an SEO <title>
    return strip_site_name(full, sites) if full else ""


UNREPEATED_TITLE = "site title the text does not repeat replaced by the page's headline"
_CONTENT = re.compile(r"[^\W\d_]{4,}")
TEXT_SAMPLE_LINES = 3  # the text's first paragraphs (of TEXT_LINE_MIN_WORDS or more)
TEXT_LINE_MIN_WORDS = 8
SITE_TITLE_MAX_WORDS = 3


def repeated_headline(title: str, others: Iterable[str], text: str,
                      site_names: Iterable[str]) -> str | None:
    """A heading of the page to take instead of a site-level ``title`` (the masthead in an
    ``<h1>`` logo, ``The Gazette - Local news`` as og:title), or None. The evidence is the
    article's text: its first paragraphs repeat none of the title's words and at least
    two, and half, of the heading's (an ``<h1>`` or the first ``<h2>`` of 3 to 30 words).
    Only a title that names the site or is as short as a name (SITE_TITLE_MAX_WORDS) is
    questioned: a headline the text does not repeat (a feature's) stays."""
    names = [normalized(s) for s in site_names if s]
    plain = normalized(title)
    if len(title.split()) > SITE_TITLE_MAX_WORDS and not any(n and n in plain for n in names):
        return None
    candidates = [o for o in (" ".join(x.split()) for x in others)
                  if 3 <= len(o.split()) <= 30 and normalized(o) != plain]
    if not candidates:
        return None
    skip = {plain, *(normalized(o) for o in candidates)}
    lines = [line for line in text.split("\n")
             if len(line.split()) >= TEXT_LINE_MIN_WORDS and normalized(line) not in skip]
    seen = set(_CONTENT.findall(" ".join(lines[:TEXT_SAMPLE_LINES]).casefold()))
    if not seen or set(_CONTENT.findall(title.casefold())) & seen:
        return None
    for other in candidates:
        words = set(_CONTENT.findall(other.casefold()))
        shared = len(words & seen)
        if shared >= 2 and 2 * shared >= len(words):
            return other
    return None


def _overlap(heading: str, title: str) -> float:
    """The share of the heading's longer words that the title also has."""
    words = {w for w in heading.split() if len(w) > 3}
    return len(words & set(title.split())) / len(words) if words else 0.0


def removed_part(full: str, kept: str) -> str:
    """What was cut from ``full`` to leave ``kept`` (``| CNN Politics``), for a Decision."""
    full = " ".join(full.split())
    at = full.find(kept)
    if at < 0 or not kept:
        return full
    parts = [full[:at].strip(), full[at + len(kept):].strip()]
    return " … ".join(p for p in parts if p)
