"""A headline glued to the text after it, on one line too long to be a title.

Some scrapers write a page's elements with a space or nothing between them, so the file's
first line is ``Headline? The first sentence ...`` or ``HeadlineThe first sentence``.
Without a split the article has no title and its body starts with the headline. The
boundary is found by the shape of the words only, strongest evidence first:

1. a question or exclamation mark ending a word (``... of healthcare? Covid-19 has``), or
   glued to the capital that starts the next one (``... Farmgate Prices?India is``);
2. two words glued together, a lower-case letter then an upper-case one then lower case
   (``... So Little at HomeIndia is``): where the scraper dropped a separator; only
   after a Title Case headline and before a lower-case word, since glued capitals inside
   a sentence are names (``its MidCon unit``, ``TranStar Airlines``);
3. a capitalised determiner, pronoun or conjunction (``The``, ``This``, ``It``,
   ``When``...) after a word with no punctuation and before a lower-case word (``...
   against COVID-19 The last 2 years``): prose never capitalises ``The`` mid-sentence,
   and a name (``The Hague``) is followed by a capital. Never a preposition: ``Carry On
   films``, ``Game Over``.

A boundary counts only when the text before it is headline-shaped (3 to 20 words, no
sentence end inside, not ending on a function word such as ``and`` or ``of``) and the text
after it starts like a sentence. A list number glued to the headline (``1.Why ...``) is
not the headline's. Only the start of the line is scanned (bounded cost).

The end of a run of Title Case words is no boundary: a sentence that starts with a name
(``Standard Oil Co and BP North America Inc said ...``) has the same shape, and that
rule split a fifth of Reuters' article bodies. Measured on article bodies written on one
line with no headline (Reuters 20,841, BBC 2,225), these rules split 3 and 9 (a lede that
is a question, a company name glued in CamelCase); the test holds that rate.
"""

from __future__ import annotations

import re

TITLE_GLUED = "title split from the text glued after it"
HEAD_SCAN_CHARS = 250
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 20

_NUMBERING = re.compile(r"\d{1,3}[.)] ?(?=[^\W\d_])")
_GLUE = re.compile(r"[a-z]{2}[A-Z][a-z]")
_GLUED_MARK = re.compile(r"(?<=\w)[?!](?=[A-Z][a-z])")  # "... Farmgate Prices?India is"
_FUNCTION_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "into", "onto", "as", "vs", "via", "than", "that", "this", "these",
    "those", "its", "their", "his", "her", "our", "your", "my", "is", "are", "was", "be"})
_LOWER_IN_HEADLINES = _FUNCTION_WORDS | {"yet", "so", "if", "not", "up", "out", "off", "per"}
_SENTENCE_STARTERS = frozenset({  # never prepositions: "Carry On films", "Game Over"
    "The", "This", "These", "Those", "It", "We", "There", "Our", "Their", "His", "Her",
    "Its", "When", "After", "While", "But", "If", "According", "Since"})


def split_glued_title(line: str) -> tuple[str, str, str] | None:
    """(headline, the text after it, a list number dropped before it) when the line
    starts with a headline glued to prose, else None."""
    head = line[:HEAD_SCAN_CHARS]
    numbering = _NUMBERING.match(head)
    start = numbering.end() if numbering else 0
    for cut, rest in _boundaries(line, start):
        title = line[start:cut].strip()
        if _headline_shaped(title) and _sentence_start(line[rest:]):
            return title, line[rest:].strip(), numbering.group() if numbering else ""
    return None


def _boundaries(line: str, start: int) -> list[tuple[int, int]]:
    """Candidate (end of headline, start of text) pairs, strongest kind first, each kind
    in the order met."""
    head = line[:HEAD_SCAN_CHARS]
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", head) if m.start() >= start]
    marks, glued, starters = [], [], []
    for n, (a, b) in enumerate(words):
        word = head[a:b]
        if word.endswith(("?", "!")) and n + 1 < len(words):
            marks.append((b, words[n + 1][0]))
        marks += [(a + m.end(), a + m.end()) for m in _GLUED_MARK.finditer(word)]
        for m in _GLUE.finditer(word):
            after = words[n + 1][0] if n + 1 < len(words) else b
            if _title_cased(head[start:a + m.start() + 2]) and head[after:after + 1].islower():
                glued.append((a + m.start() + 2, a + m.start() + 2))
        if (0 < n < len(words) - 1 and word in _SENTENCE_STARTERS
                and head[words[n - 1][1] - 1].isalnum()
                and head[words[n + 1][0]].islower()):
            starters.append((words[n - 1][1], a))
    return marks + glued + starters


def _title_cased(text: str) -> bool:
    """Every word but the function words capitalised (``Why India Produces Shrimp for
    the World``): a headline's case. Glued words inside a sentence-case line are names
    (``its MidCon unit``), not a boundary."""
    words = [w.lstrip("\"'“‘(") for w in text.split()]
    return bool(words) and all(w[:1].isupper() or w[:1].isdigit()
                               or w.casefold() in _LOWER_IN_HEADLINES for w in words if w)


def _headline_shaped(title: str) -> bool:
    words = title.split()
    if not TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS:
        return False
    if any(w.endswith((".", ";")) and len(w) > 4 for w in words[:-1]):
        return False  # a sentence ended inside: prose, not a headline
    last = words[-1].strip("\"'”’)").casefold()
    return last not in _FUNCTION_WORDS and not title.endswith((",", ":", ";"))


def _sentence_start(text: str) -> bool:
    """Starts like a sentence: a capital, digit or quote, then mostly lower-case words."""
    text = text.lstrip()
    if not text or not (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘"):
        return False
    following = text.split()[1:9]
    return sum(w[:1].islower() for w in following) >= 3
