"""What one line of a scraped page is: furniture, a credit, a byline, a date line, a tag
line, a footer, prose. The page walk (text.py) decides with these; no publisher is special.

Every rule is about the line's shape and wording, never about a site: navigation words
(``Share``, ``Print``, ``Load more``), prompts that address the reader (``Sign up for our
newsletter``, ``Click here to ...``, ``Follow us on Twitter``, ``Please consider donating``,
``We use cookies``), headings that introduce other pages' links (``Related Stories``,
``Most Popular``), copyright lines, photo credits.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from ..date_names import PUBLISHED_LABEL, UPDATED_LABEL, WEEKDAYS, label_day_first
from ..dates import DATE_SHAPE, parse_prose_date
from . import furniture_words

TITLE_MAX_CHARS = 300
# Each line is classified by several passes (header, body, footer flags): remember the
# answers for the lines of one page, so a page costs one classification per line.
CACHE_LINES = 8192
TAG_LINE_MAX_WORDS = 60
PROMPT_MAX_WORDS = 40  # a reader-addressed prompt longer than this is prose, kept

# Decision kinds for the text dropped (models.Decision.kind).
BOILERPLATE = "boilerplate lines dropped"
NEWSLETTER = "newsletter sign-up dropped"
POLL = "poll dropped"
RELATED = "related links dropped"
CREDIT = "photo credits dropped"
FOOTER = "footer cut"
HEADER = "header lines dropped"
UPDATE_IGNORED = "update time not used as the date"  # a value rejected, no text lost
SECOND_VALUE = "later byline or date not used"  # the first one given is the field's

_NAV = re.compile(
    r"advertisements?|ad|ads|sponsored|share|share this( article| story| post| page| url)?|"
    r"share (on|via) \w+( \w+)?|tweet( this)?|e-?mail|print|print photo|facebook|twitter|"
    r"linkedin|whatsapp|reddit|tumblr|pinterest|pin it|digg( this)?|stumble( ?upon)?|"
    r"instagram|youtube|rss|google\+?|flipboard|pocket|buffer|evernote|hn|permalink|"
    r"reprints|recommend|link this|embed|save|save to|(\d+ )?shares?|comments?( \(?\d+\)?)?|"
    r"(load|read|show|see|view) more|continue reading|read (the )?full (story|article)|"
    r"skip to( main)? content|back to top|return to top|scroll to (continue|top)|"
    r"(sign up|subscribe)( now| today| here)?|follow( us)?( on .{1,30})?|"
    r"listen( to (this )?(article|story))?|menu|search|close|open|log ?in|sign in|"
    r"(next|previous)( slide| article| story| post)?|enlarge|image \d+ of \d+|\d+ of \d+|"
    r"view full size image|watch( the)? video( \d+:\d+)?|slideshow( \(? ?\d+ images?)?|"
    r"\d+ min read|view/post comments|show comments|post a comment|"
    r"loading(\W+photo gallery|\W+please wait)?|photo gallery|view author archive|"
    r"email the author|get author rss feed|suggest a correction|discuss|discussion|"
    + furniture_words.NAV)
_END_OF_ARTICLE = re.compile(
    r"most (popular|read|viewed|shared)( this week| today| now| \w+)?|"
    r"trending( now| stories| news| on \w+)?|"
    r"related( articles| stories| coverage| content| posts| news| links| reading| videos?)?|"
    r"recommended( for you| stories| articles| reading)?|you (may|might) (also )?like|"
    r"more (stories|news|articles|videos|from( \S+){1,3})|latest( news| stories)?|top stories|"
    r"editor'?s (picks|recommendations)|popular( stories| now)?|in other news|around the web|"
    r"sponsored (content|stories|links)|what to read next|up next|read next|recent posts|"
    r"(\d+ )?comments?|top picks|also on the web|from around the web|suggested for you|"
    r"don'?t miss( this)?|join the conversation|conversations|post navigation|"
    r"comments powered by disqus|powered by livefyre|explore further|related content|"
    r"related topics|" + furniture_words.END_OF_ARTICLE)
# "Previous article" / "Next post" with the linked headline glued on (no space: the dump
# dropped the separator between link label and link text), the navigation a blog theme
# puts after the article. Glued only: "Next story: ..." inside an article is not it.
_GLUED_POST_NAV = re.compile(r"(?i:previous|next) (?i:article|post|story)(?=[A-Z\d\"“‘'])")
_READER_PROMPT = re.compile(
    r"^(?:\W*)(?:"
    r"click here\b|tap here\b|"
    r"(?:this )?article (?:was )?(?:posted|republished|reprinted) with permission\b|"
    r"(?:re)?printed with permission\b|republished with permission\b|"
    r"(?:this (?:article|story|post) )?(?:was )?originally (?:appeared|published|posted)\b|"
    r"this (?:article|story|post) (?:originally )?appeared (?:at|on|in)\b|"
    r"(?:you must )?log ?in to comment|to post (?:a )?comments?\b|"
    r"comments are (?:closed|encouraged|moderated)\b|"
    r"(?:get|receive) (?:our|the) .{0,60}(?:newsletter|email|updates|alerts)\b|"
    r"we(?:'re| are)? (?:use|using) cookies\b|this (?:site|website) uses cookies\b|"
    r"by (?:using|continuing)\b.{0,60}"
    r"cookies\b)", re.IGNORECASE)
# Social prompts: only whole short lines (a sentence "Like many on Twitter, ..." is prose).
_SOCIAL_PROMPT = re.compile(
    r"^(?:\W*)(?:(?:like|follow|find|join) (?:us|me|him|her|them|@\w+|"
    r"(?-i:[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3})) "
    r"on (?:facebook|twitter|instagram|x|linkedin|youtube|tiktok)\b|follow @\w+|"
    r"(?:please )?share (?:this|on|via|your thoughts)\b|comment on this\b|"
    r"leave a comment\b|join the (?:discussion|conversation)\b)", re.IGNORECASE)
SOCIAL_PROMPT_MAX_WORDS = 25
_NEWSLETTER = re.compile(
    r"(?:\bsign(?:ing)? ?up\b|\bsubscrib\w*|\bnewsletters?\b|\binbox\b).{0,200}"
    r"(?:\bnewsletters?\b|\binbox\b|\bemail\b|\bthank you\b|\bupdates\b|\balerts\b|"
    r"\bsubscribe\b|\bsign(?:ing)? ?up\b)|"
    r"thank you for (?:signing up|subscribing)|^(?:invalid )?e-?mail(?: address)?\s*\*?:?$|"
    r"thanks for (?:signing up|subscribing)|"
    r"^(?:newsletter signup|see our privacy notice|we have more newsletters)",
    re.IGNORECASE)
_DONATION = re.compile(
    r"\b(?:please (?:consider )?(?:donating|making a donation)|donate (?:now|today|here)|"
    r"become a (?:patron|paying member|supporter)|patreon|paypal|subscribestar|chip in|"
    r"tip jar|make a (?:tax-deductible )?donation)\b|"
    r"\bsupport (?:us|our (?:work|journalism|reporting|mission|site))\b"
    r"(?=.*(?:donat|contribut|subscri|member|patreon|paypal|[$€£]))", re.IGNORECASE)
_YOU = re.compile(r"\b(?:you|your|please|our|us|here|free)\b", re.IGNORECASE)
_LEGAL = re.compile(
    r"may not be (?:published|reproduced|redistributed|copied)|subject to copyright|"
    r"without (?:the )?(?:prior )?written permission|for information purposes only|"
    r"(?:terms of (?:use|service)|privacy policy|user agreement|cookie policy)\b.{0,80}$|"
    r"do not sell my personal information|all quotes delayed|our standards:",
    re.IGNORECASE)
_CAPTION_CREDIT = re.compile(  # searched, so written to be linear (see _RIGHTS)
    r"(?:[.)]\s*(?:(?:photo(?:graph)?|image|picture|video)\s*)?|\s(?:photo(?:graph)?|image|"
    r"picture|video)\s*|(?<!\s)\s+)(?:credit|courtesy)s?\s*:\s*\S.{0,80}$|"
    r"\((?:photo|image|picture)s?\s*(?::|by|credit)[^()]{1,80}\)$", re.IGNORECASE)
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_POLL_START = re.compile(r"take our poll|story continues below", re.IGNORECASE)
_POLL_END = re.compile(r"completing this poll|opt out at any ?time|privacy policy and terms|"
                       r"you also agree to", re.IGNORECASE)
_READ_MORE = re.compile(
    r"^(?:read more|also read|more|see also|related|recommended|watch|read next|must read|"
    r"story|video|videos|photos|gallery|listen|podcast|trending|popular|"
    r"read more from [^:]{1,60}|more from [^:]{1,60}|related (?:article|story|coverage)|"
    + furniture_words.READ_MORE + r")"
    r"\s*[:»›>]", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:(?:copyright|©|\(c\))\s*)+(?P<year>\d{4}(?:\s*[-–]\s*\d{4})?\b)?",
                        re.IGNORECASE)
# Patterns searched through a line take the spaces before what they seek only from a run's
# start ((?<!\s), (?<!\S)): from every character of a long run, a leading \s* or \S* is
# quadratic (40 KB of spaces: 18 s). Same matches: one inside a run also starts at its start.
_RIGHTS = re.compile(r"(?:(?<!\s)\s+)?all rights reserved.*$", re.IGNORECASE)
_COMPANY_SUFFIXES = {"inc", "ltd", "co", "corp", "llc", "plc", "bros", "s.a", "n.v", "gmbh", "ag"}
_ABBREVIATIONS = _COMPANY_SUFFIXES | {"jr", "sr", "st", "mr", "mrs", "ms", "dr"}
_CREDIT_PREFIX = re.compile(
    r"^\(?\s*(?:file\s+)?(?:(?:photo(?:graph)?s?|image|picture|illustration|video|"
    r"photographer)\s*(?::|by\b|credit\b|courtesy\b)|credits?\s*:|courtesy\b|©)",
    re.IGNORECASE)
_CREDIT_WORDS = {"Images", "Image", "Photo", "Photos", "Photography", "Pictures", "AP", "AFP",
                 "EPA", "Reuters", "Getty", "Shutterstock", "iStock", "Alamy", "Bloomberg",
                 "Xinhua", "REUTERS", "Shutterstock.com"}
_CREDIT_GLUE = {"via", "by", "for", "of", "the", "and", "file", "staff", "photo", "photos",
                "image", "images", "handout", "pool", "courtesy"}
_CREDIT_HINT = re.compile(r"\b(?:photo|file|credit|image|courtesy|pictures?)\b", re.IGNORECASE)
_NAME_SLASH = re.compile(r"[A-Z][\w.'-]*(?:/[A-Z][\w.'-]*)+")
_CODEISH = re.compile(r"[{}();=<>`\[\]\\]|::|https?://|\w\.\w+\(|^\W*[-*+] ")
# A row of a table: a figure set off by a column gap ("Sum of adjustments      12.75",
# "Wheat\t3.40"), or two figures compared ("Shr 34 cts vs 1.19 dlrs"). Market and
# results tables in wire copy are article text; links to other pages are not laid out so.
_TABLE_ROW = re.compile(r"\S(?: {2,}|\t+)[-+$£€(]?\d|(?<!\S)[^\s\d]*\d\S*(?: \S+)? vs\.? \S*\d")
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)
# A date line's label, in the languages date_names knows (``Publié le``, ``Aktualisiert
# am``); an "updated" label says when the page changed, not when it was published.
_DATE_LABEL = re.compile(
    rf"^(?P<label>{PUBLISHED_LABEL}|{UPDATED_LABEL}|date|dated|datum|fecha)"
    r"\s*:?\s+(?P<value>.+)$", re.IGNORECASE)
_UPDATED = re.compile(UPDATED_LABEL, re.IGNORECASE)
_LATER_STAMP = re.compile(rf"(?:[,;|(]\s*|(?:(?<!\s)\s+)?)\b{UPDATED_LABEL}\b.*$",
                          re.IGNORECASE)
_WEEKDAY_NAMES = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_DATE_EXTRA = re.compile(rf"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|(?:{_WEEKDAY_NAMES}),?|"
                         r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:[ap]\.?m\.?|h|uhr)?|[ap]\.?m\.?|"
                         r"at|on|le|am|um|à|às|el|il|alle|a las|om|d\.|den|kl\.?|godz\.?|г\.?|года|"
                         r"[|\-–—•·/]|[A-Z]{1,4}",
                         re.IGNORECASE)
_TAG_LABEL = re.compile(
    r"^(?P<label>tags?|topics?|keywords?|categories|category|filed under|subjects?|"
    r"related topics)(?:\s*(?P<colon>[:：])|\s+(?=\S))\s*(?P<rest>.*)$", re.IGNORECASE)
_TAG_LABEL_BARE = {"Tags", "TAGS", "Topics", "TOPICS", "Keywords", "Filed under", "Filed Under"}
_TAG_HEADING = re.compile(r"^(?:tags?|topics?|keywords?|filed under|categories)\s*:?$",
                          re.IGNORECASE)
_DELIMITERS = re.compile(r"(?:(?<!\s)\s+)?[,;|•·]\s*")  # linear: see bylines._SEPARATORS
_TERMINAL = tuple(".!?…\"”’)")
TERMINAL = _TERMINAL  # how a sentence ends (text_body reads it too)


def _normalise(line: str) -> str:
    return line.casefold().strip(" \t:»›>→←….!*-–—|•·[]()+").strip()


@lru_cache(maxsize=CACHE_LINES)
def is_boilerplate(line: str) -> bool:
    """Whether a whole line is page furniture (navigation or a links-section heading)."""
    norm = _normalise(line)
    return bool(_NAV.fullmatch(norm) or _END_OF_ARTICLE.fullmatch(norm))


def ends_article(line: str) -> bool:
    """A heading that introduces other pages' links, post navigation glued to the other
    pages' headlines (``Previous articleSome Headline Next article...``), or a copyright
    line."""
    return bool(_END_OF_ARTICLE.fullmatch(_normalise(line)) or _GLUED_POST_NAV.match(line)) \
        or is_copyright_line(line)


@lru_cache(maxsize=CACHE_LINES)
def furniture(line: str) -> str | None:
    """The Decision kind if this whole line is page furniture addressed to the reader."""
    words = len(line.split())
    if is_boilerplate(line) or ("@" in line and words <= 2) or _IMAGE_FILE.match(line):
        return BOILERPLATE
    bare = _URL.sub(" ", line).split()
    if len(bare) < words and (not bare or is_boilerplate(" ".join(bare))):
        return BOILERPLATE  # a URL alone, "Permalink https://..."
    if 4 <= words <= 15 and sum(map(is_boilerplate, line.split())) >= 0.75 * words:
        return BOILERPLATE  # "Send Facebook Twitter Whatsapp ..."
    if _LEGAL.search(line) and words <= 80:
        return BOILERPLATE
    if words > PROMPT_MAX_WORDS:
        return None
    if _NEWSLETTER.search(line) and (words <= 8 or _YOU.search(line)):
        return NEWSLETTER
    if _READER_PROMPT.search(line) or (
            words <= SOCIAL_PROMPT_MAX_WORDS and _SOCIAL_PROMPT.search(line)):
        return BOILERPLATE
    if _DONATION.search(line) and _YOU.search(line):
        return BOILERPLATE
    if _READ_MORE.match(line):
        return RELATED
    return None


def poll_start(line: str) -> bool:
    return bool(_POLL_START.search(line))


def is_read_more_label(line: str) -> bool:
    """``READ MORE:`` / ``Related:`` with the headlines on the following lines."""
    return bool(_READ_MORE.match(line)) and line.rstrip().endswith((":", "»", "›", ">"))


def poll_end(line: str) -> bool:
    return bool(_POLL_END.search(line))


@lru_cache(maxsize=CACHE_LINES)
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
    rest = re.sub(r"^(?:copyright\s+)?(?:by\s+)?\d{4}(?:\s*[-–]\s*\d{4})?\s*", "", rest,
                  flags=re.IGNORECASE)
    # cut at the first real sentence end (a word's dot: each word read once, not the line)
    for m in re.finditer(r"(?<![\w.])([\w.]*)\.(?=\s+\S)", rest):
        word = m.group(1).casefold()
        if word in _COMPANY_SUFFIXES:  # "Foo Ltd. This material..." keeps "Ltd."
            rest = rest[:m.end()]
            break
        if len(word) > 1 and word not in _ABBREVIATIONS:
            rest = rest[:m.end(1)]
            break
    rest = re.sub(r"(?<![\s,;:|])[\s,;:|]*(?:\d{4}\s*)?$", "", rest)
    last = re.findall(r"(?<![\w.])([\w.]+)\.$", rest)
    if last and last[0].casefold() not in _ABBREVIATIONS:
        rest = rest[:-1]
    return rest.strip()


# A caption's or credit's label as screen readers get it (BBC: ``Image source, Getty
# Images``, ``Image caption, The town hall``, ``Media caption,``): the label, then the
# caption on the same line or, when the label ends its line, on the next one.
_CAPTION_LABEL = re.compile(r"^(?:image|photo|picture|media|video|graphic)\s+(?:source|caption|"
                            r"credit)s?\s*[,:]", re.IGNORECASE)
CAPTION_MAX_WORDS = 40


def is_caption_label(line: str) -> bool:
    """A caption label alone on its line (``Image caption,``): the next line is the caption."""
    m = _CAPTION_LABEL.match(line)
    return m is not None and not line[m.end():].strip()


@lru_cache(maxsize=CACHE_LINES)
def is_credit(line: str) -> bool:
    """A photo credit or image caption stamp: ``Getty Images``, ``Credit: NASA``,
    ``(AP Photo/Evan Vucci)``, ``Photographer: Mark Elias/Bloomberg``, ``© AFP ...``."""
    words = line.split()
    if (_CREDIT_PREFIX.match(line) and len(words) <= 30) or _CAPTION_CREDIT.search(line) or (
            _CAPTION_LABEL.match(line) and len(words) <= CAPTION_MAX_WORDS):
        return True
    if line.startswith("(") and line.endswith(")") and len(words) <= 8 \
            and not any(c in line[1:-1] for c in "().!?") and (
                _CREDIT_HINT.search(line) or all(w[:1].isupper() or w.casefold() in _CREDIT_GLUE
                                                 for w in line[1:-1].split())):
        return True  # "(The Associated Press)", "(Oregonian file photo)"
    if len(words) > 12 or len(line) > 120 or line.endswith((".", "!", "?", ";", ",")):
        return False
    bare = [w.strip("()[],:") for w in words]
    if not all(w.casefold() in _CREDIT_GLUE or not any(c.isalpha() for c in w)
               or any(c.isupper() for c in w) for w in bare):
        return False
    return bool(_CREDIT_WORDS & {p for w in bare for p in w.split("/")}) or (
        len(bare) >= 2 and any(_NAME_SLASH.fullmatch(w) for w in bare))  # "AP Photo/Evan Vucci"


@lru_cache(maxsize=CACHE_LINES)
def date_line(line: str) -> tuple[bool, datetime | None]:
    """(is a date line, the publication date it gives if any). ``Updated ...`` stamps
    are date lines that give no publication date; a stamp after the date is ignored."""
    m = _DATE_LABEL.match(line)
    if m:
        value = _LATER_STAMP.sub("", m["value"]) or m["value"]
        when = parse_prose_date(value, label_day_first(m["label"]))
        if when is None:
            return False, None
        return True, None if _UPDATED.fullmatch(m["label"]) else when
    first = _LATER_STAMP.sub("", line)
    if not DATE_SHAPE.search(first):
        return False, None
    extra = DATE_SHAPE.sub(" ", first).replace(",", " ").split()
    if all(_DATE_EXTRA.fullmatch(w) for w in extra):
        when = parse_prose_date(first)
        return when is not None, when
    return False, None


def is_date_label(line: str) -> bool:
    """``Published:`` alone: the date is on the next line."""
    return bool(re.fullmatch(rf"(?:{PUBLISHED_LABEL}|{UPDATED_LABEL}|date|datum|fecha)\s*:?",
                             line, re.IGNORECASE))


def is_updated_label(line: str) -> bool:
    """``Updated:`` / ``Mis à jour le`` alone: the time on the next line is no
    publication date."""
    return bool(re.fullmatch(rf"{UPDATED_LABEL}\s*:?", line, re.IGNORECASE))


@lru_cache(maxsize=CACHE_LINES)
def tag_line(line: str) -> tuple[str, bool] | None:
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


def is_tag_heading(line: str) -> bool:
    """``Filed under`` / ``Tags:`` alone: the tags follow, one per line."""
    return bool(_TAG_HEADING.fullmatch(line))


def is_prose(line: str) -> bool:
    """A sentence of article text: ends like a sentence or is long (``Buzz up!`` is not)."""
    words = len(line.split())
    if line.endswith("!"):
        return words >= 3
    if line.endswith(":"):  # "Here's the full statement:" introduces what follows
        return words >= 4
    return (words >= 2 and line.endswith(_TERMINAL)) or words >= 15


def is_headline_like(line: str) -> bool:
    """A short line that does not end like a sentence: a link, heading or label."""
    return not is_prose(line) and len(line.split()) <= 20


def is_link_text(line: str) -> bool:
    """A line that can be another page's headline in a list of links: short, no sentence
    end, starting with a capital, digit or quote, and no code or URL in it (lists of
    commits, code and addresses are article text)."""
    return (is_headline_like(line) and not _CODEISH.search(line)
            and not _TABLE_ROW.search(line)
            and (line[:1].isupper() or line[:1].isdigit() or line[:1] in "\"'“‘«»›"))
