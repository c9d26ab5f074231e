"""Splitting a scraped page's tag line (``Tags Armenia–Azerbaijan border Mike Pompeo``)
into tags, using the article's own text as evidence. See ``split_tags``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from .bylines import PARTICLES
from .text_lines import is_boilerplate

PHRASE_MAX_WORDS = 6
DELIMITERS = re.compile(r"(?:(?<!\s)\s+)?[,;|•·]\s*")  # linear: see bylines._SEPARATORS
# Lowercase words that sit inside names and phrases ("Bank of England") and never end a tag.
_CONNECTORS = PARTICLES | {"of", "the", "and", "for", "in", "on", "at", "to", "y", "&",
                                "-", "–"}


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
    if DELIMITERS.search(tag_text):
        pieces = [p.strip() for p in DELIMITERS.split(tag_text)]
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
