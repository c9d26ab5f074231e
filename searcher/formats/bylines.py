"""Author names as pages and APIs write them -> the people's names, or nothing.

Bylines arrive with furniture attached: a ``By``, the reporter's role (``News
reporter``, ``Senior Politics Editor``), the agency (``Associated Press``), the
date that followed in the page (``Carrie Arnold November``), a link label (``View
author archive``), an e-mail or profile URL. A name is what is left when that is
cut away; a value that is no person's name at all (``Username``, ``TMZ Staff``, a
URL, a lone word) is rejected. Both are counted by the caller, so nothing changes
silently. The rules are about how bylines are built, not about any one site.

This is the one home of the person-name rules: a structured author value
(``clean_name``) and a byline line of scraped text (``byline``, ``sign_off``,
``names_in``) share the same words for particles, roles and agencies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..dates import DATE_SHAPE


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


AUTHOR_TRIMMED = "author text trimmed"
AUTHOR_REJECTED = "author rejected"

# Where one byline holds several people. The spaces before a separator are taken only
# from the start of their run (``(?<!\s)``): a ``\s*`` that may start anywhere in a run
# is tried from every space of it, quadratic in the run (100 KB of spaces: minutes). The
# matches are the same: a match starting inside a run also starts at the run's start.
_SEPARATORS = re.compile(r"(?:(?<!\s)\s+)?(?:[,;|·•]|\s/\s|\band\b|&|\bwith\b)\s*",
                         re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:written|posted|reported|story|text|words)\s+)?by[:\s]+",
                      re.IGNORECASE)
# A bare domain of any country ("tagesausblick.de" as a page's meta author: dev half).
_DOMAIN = re.compile(r"(?:[\w-]+\.)+[a-z]{2,12}", re.IGNORECASE)
_LINKISH = re.compile(r"https?://|www\.|\S@\S|\.(?:com|org|net|co\.uk)\b", re.IGNORECASE)
_MONTHS = _words(
    "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec ")
# Job titles: a byline's words for what the person does (``Staff Writer``).
ROLE_WORDS = _words(
    "reporter correspondent editor editors writer contributor columnist producer "
    "analyst senior chief political politics staff special guest contributing associate "
    "managing deputy executive national desk ")
# Words that end a name: what bylines put after it (roles, link labels, dates).
_STOP_WORDS = ROLE_WORDS | _words(
    "updated published posted view more "
    "link copied follow email twitter facebook author archive stories get rss feed "
    "photo photos photograph video images image "
    "international business science health "
    "technology sports entertainment opinion digital bureau team newsroom on at "
    "in for from the a with to of after over into vs ")
# Words of agencies and publications: a byline token run ending in one is not a name.
ORG_WORDS = _words(
    "associated press post news times reuters daily herald tribune journal media "
    "group wire bloomberg cnn ap afp upi network magazine online inc llc service services "
    "agency newspaper gazette telegraph guardian chronicle review radio tv television "
    "channel publishing newswire com org net staff bureau desk inc. association "
    # the agencies and newsrooms of the languages the by-words above are in
    "agence presse agentur nachrichten dpa efe ansa anp belga apa sda lusa kyodo xinhua "
    "yonhap tass redaktion rédaction redacción redazione redação redactie ")
# A whole value that is a role or a placeholder, never a person.
_PLACEHOLDERS = _words(
    "username user admin administrator editor editors staff guest anonymous unknown "
    "null none undefined nan letters webmaster team newsroom desk ")
# Lower-case words inside a person's name (``Ludwig van Beethoven``, ``Omar bin Laden``).
PARTICLES = _words(
    "de la le da di del della van von der den du dos das bin ibn al el st mc mac jr "
    "sr ii iii iv y e ")
# "and" in the languages of the by-words below: it joins two people only when each side
# is a name of two words or more ("Mario Rossi e Luca Bianchi"); "José Ortega y Gasset"
# and "Maria e Silva" are one person.
_AND = re.compile(r"(?<!\s)\s+(?:et|und|y|e|en|og|och)\s+")
_TOKEN = re.compile(r"[^\s]+")
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’.-]*$")


def split_names(values: Iterable[str]) -> list[str]:
    """Every name in ``values`` (each may hold several: ``A, B and C``, ``A et B``),
    unchecked."""
    names: list[str] = []
    for value in values:
        for part in _SEPARATORS.split(value):
            names.extend(" ".join(p.split()) for p in _people(part) if p.strip())
    return names


def _people(part: str) -> list[str]:
    """``part`` split at a foreign "and" (``_AND``) when every side is two words or more."""
    sides = _AND.split(part)
    if len(sides) > 1 and all(len(side.split()) >= 2 for side in sides):
        return sides
    return [part]


def clean_name(raw: str, site_names: Iterable[str] = ()) -> tuple[str, str]:
    """``(name, kind)``: the person's name in ``raw`` ("" if none), and the Decision kind
    when text was cut (``AUTHOR_TRIMMED``) or the value rejected (``AUTHOR_REJECTED``),
    else "". ``site_names`` (the publication) are never authors."""
    text = " ".join(raw.split()).strip(" -–—:,.")
    if not text:
        return "", ""
    if _LINKISH.search(text) or _DOMAIN.fullmatch(text):
        return "", AUTHOR_REJECTED
    stripped = _LEADING.sub("", text)
    if not any(ch.isascii() and ch.isalpha() for ch in stripped):
        return stripped, "" if stripped == text else AUTHOR_TRIMMED  # non-Latin: as written
    name = _name_prefix(stripped)
    folded = name.casefold()
    if (not name or folded in _PLACEHOLDERS or " " not in name
            or any(_letters(folded) == _letters(site.casefold()) for site in site_names)):
        return "", AUTHOR_REJECTED
    if name.isupper():
        name = _title_case(name)
    return name, "" if name == text else AUTHOR_TRIMMED


# "By" in the languages news is written in ("von Nicolas Schlippe": tagesausblick.de,
# development half; "Par Jean Dupont", "Por María López", "Di Mario Rossi"): a byline
# line of scraped text and the top of a page's text share it.
BY_WORDS = r"by|von|par|por|di|door|av"
_TEXT_BYLINE = re.compile(rf"^(?:{BY_WORDS})\s+(?=[A-ZÀ-Þ])", re.IGNORECASE)
TEXT_BYLINE_LINES = 5


def _letters(text: str) -> str:
    """Only letters and digits: "Tagesausblick De" (an extractor's spelling of the meta
    author "tagesausblick.de") is the site "tagesausblick.de"."""
    return "".join(c for c in text if c.isalnum())


def byline_names(text: str) -> list[str]:
    """The names of a byline line (``By Jane Doe``) among the text's first lines."""
    for line in text.split("\n")[:TEXT_BYLINE_LINES]:
        line = line.strip()
        if _TEXT_BYLINE.match(line) and len(line.split()) <= 12:
            return split_names([_TEXT_BYLINE.sub("", line)])
    return []


def _name_prefix(text: str) -> str:
    """The leading run of tokens that can be a person's name (2 to 5 words), cut before
    a role, date, link label or agency, and at a switch between CAPS and Title case."""
    return " ".join(_name_tokens(_TOKEN.findall(text))[1])


def _name_tokens(tokens: list[str]) -> tuple[int, list[str]]:
    """(how many leading tokens read as a name, the person's name among them): the run
    is cut before a role, date, link label or lower-case word and at a switch between
    CAPS and Title case; an agency's name ending it is not the person's (the one rule
    for agency words, ``_drop_org_tail``); more than 5 name words is no name."""
    kept: list[str] = []
    caps: bool | None = None
    for i, token in enumerate(tokens):
        word = token.strip(",.;:()[]").casefold()
        bare = token.strip(",;:()[]")
        dated = word in _MONTHS and len(kept) >= 2 and (
            i + 1 == len(tokens) or tokens[i + 1][:1].isdigit())  # "Carrie Arnold November"
        if (dated or (len(word) > 1 and word in _STOP_WORDS and word not in PARTICLES)
                or not _NAME_TOKEN.match(bare) or any(ch.isdigit() for ch in bare)):
            break
        is_caps = bare.isupper() and len(bare.strip(".")) > 1
        if bare[:1].islower() and word not in PARTICLES:
            break
        if caps is None and len(bare.strip(".")) > 1:
            caps = is_caps
        elif caps is not None and len(bare.strip(".")) > 1 and is_caps != caps:
            break
        kept.append(bare)
    run = len(kept)
    if kept and _is_org(kept[-1]):
        kept = _drop_org_tail(kept)
    if len([t for t in kept if len(t.strip(".")) > 1]) > 5:
        return run, []
    return run, kept


def _is_org(token: str) -> bool:
    """An agency's word, also inside a hyphenated one (``France-Presse``)."""
    word = token.strip(".,;:()").casefold()
    return word in ORG_WORDS or ("-" in word and any(p in ORG_WORDS for p in word.split("-")))


def _drop_org_tail(tokens: list[str]) -> list[str]:
    """``Joe Davidson Washington Post`` -> ``Joe Davidson``: an agency's name follows the
    person's; keep the first two name words (more when initials or particles sit inside).
    ``Northeast Ohio Media Group`` (two agency words after at most two others) is an
    organisation, not a person: nothing is kept."""
    run = 0
    while run < len(tokens) and _is_org(tokens[-1 - run]):
        run += 1
    rest = len(tokens) - run
    if rest == 0 or (run >= 2 and rest <= 2):
        return []
    keep = 2
    for token in tokens[1:3]:
        if len(token.strip(".")) == 1 or token.casefold() in PARTICLES:
            keep += 1
    return tokens[:min(keep, rest)]


def _title_case(name: str) -> str:
    """``HYUNG-JIN KIM`` -> ``Hyung-Jin Kim``, ``O'BRIEN`` -> ``O'Brien``."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[:1] + m.group(0)[1:].lower(), name)


# ---- byline lines of scraped text ----------------------------------------------------

# The page walk asks about each line several times (text_head, text_body): remember them.
_CACHE_LINES = 8192
_BYLINE = re.compile(r"^(?:(?:by|words by|written by|story by)(?:\s*:?\s+|(?-i:(?=[A-Z][a-z])))"
                     rf"|(?:{BY_WORDS}|texte? (?:de|par)|escrito por|scritto da)\s*:?\s+)"
                     r"(?P<names>.+)$", re.IGNORECASE)
_SIGN_OFF = re.compile(r"^(?:[—–―]|-{1,2})\s*(?:by\s+)?(?P<names>[^—–-].*)$", re.IGNORECASE)
# What may follow a name in a byline part: roles, agencies, link labels, a month, and
# the connectors of ``Special to the``.
_AFTER_NAME = _STOP_WORDS | ORG_WORDS | _MONTHS | _words("news to the for special")
_JOINS = r"and|et|und|y|e|en"


@lru_cache(maxsize=_CACHE_LINES)
def names_in(text: str) -> tuple[str, ...] | None:
    """People named in a byline's text (``Jane Doe and John Roe``, ``JOHN DOE, Staff
    Writer``, ``Jane Doe | jdoe@paper.com``, ``Jean Dupont et Marie Curie``), or None
    if it is not a list of names. A part is a name followed only by furniture
    (``Jane Doe Staff Writer``, ``Joe Davidson Washington Post``: the same agency rule
    as ``clean_name``); a part of furniture alone (``Staff Writer``, ``Associated
    Press``, ``The Aviationist``) is skipped; anything else ends the list."""
    text = re.split(r"(?<!\s)\s+[|/•·]\s+|(?<!\S)\S+@\S+", text, maxsplit=1)[0]
    text = DATE_SHAPE.split(text, maxsplit=1)[0].strip(" ,;|-–—")  # "Jane Doe - May 3, 2024"
    names: list[str] = []
    if "," in text and not re.search(rf"\s(?:{_JOINS}|&)\s", text):
        text = text.split(",")[0]  # "Jane Doe, Washington": a place or role after the name
    splits = re.split(rf",\s*(?:(?:{_JOINS})\s+)?|(?<!\s)\s+and\s+|(?:(?<!\s)\s+)?&\s*", text)
    for raw in (person for part in splits for person in _people(part)):
        parts = raw.split()
        run, name_parts = _name_tokens(parts) if parts and parts[0] != "The" else (0, [])
        if not all(p.strip(",.;:()").casefold() in _AFTER_NAME or _is_org(p)
                   for p in parts[run:]):
            return None if not names else tuple(names)
        if not name_parts:
            continue  # "Staff Writer", "The Aviationist", "Ohio Media Group" after a name
        if not 2 <= len(name_parts) <= 4 or not all(
                p[:1].isupper() or p in PARTICLES for p in name_parts):
            return None if not names else tuple(names)
        name = " ".join(name_parts)
        names.append(_title_case(name) if name.isupper() else name)
    return tuple(names) or None


@lru_cache(maxsize=_CACHE_LINES)
def byline(line: str) -> tuple[str, ...] | None:
    """Authors from ``By Jane Doe and John Roe`` (a date or role after them is ignored)."""
    m = _BYLINE.match(line)
    if not m or len(line) > 160 or line.endswith(("!", "?")):
        return None
    return names_in(m["names"])


def sign_off(line: str) -> tuple[str, ...] | None:
    """Authors from a closing ``— Jane Doe and John Roe`` / ``-- By Jane Doe`` line."""
    m = _SIGN_OFF.match(line)
    if not m or len(line) > 120:
        return None
    names = re.split(r"\s+(?:follow|email|e-mail)\b", m["names"], flags=re.IGNORECASE)[0]
    return names_in(names)


def is_byline_word(line: str) -> bool:
    """``By`` alone on a line: the names are on the next one."""
    return line.casefold().rstrip(":") in {"by", "words by", "written by"}


def is_author_label(line: str) -> bool:
    """``Author:`` alone: the names are on the next line."""
    return bool(re.fullmatch(r"(?:author|authors|written by|byline)\s*:?", line, re.IGNORECASE))
