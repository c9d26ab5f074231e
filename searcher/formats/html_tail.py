"""The legal small print at the end of a saved page's body, found by its markup.

The extractor sometimes keeps the page's disclaimer after the article: a paragraph that
holds the site's © line and, around it, sentences of liability and reuse terms in the
page's language (``Alle Angaben ohne Gewähr.`` / ``Copyright © 2010/2012 ...`` / ``Der
Kunde handelt ... auf eigenes Risiko``). The © line alone was dropped before; the
sentences around it read like prose, so no list of phrases finds them on a site nobody
has seen. The markup does: they are in the same block as the © line. So when the body's
last line is in exactly one innermost block, and that block holds a © (or ``Copyright``)
and not the article's first line (it is not the article's own container), every trailing
body line inside that block is the small print; html_body.drop_trailing_furniture drops
them from the end only, never the first line, and counts each (evidence, development
half: tagesausblick.de's disclaimer paragraph, fox13now's ``The-CNN-Wire`` line before
its © line).

Checked on the validation half: it changes no page there. Three other rules written for
the validation half's trailing lines (a block whose class names comments/notice/side
content, a line ending in a Creative Commons licence code, a last sentence that is a
link) changed no development page, so they were left out: a rule only the validation
half shows is fitted to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_BLOCKS = frozenset({"p", "div", "section", "aside", "li", "ul", "ol", "td", "table",
                     "blockquote", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                     "form", "nav", "article", "main", "body"})
_COPYRIGHT = re.compile(r"©|\bcopyright\b", re.IGNORECASE)
_WORD = re.compile(r"\w{4,}")
FIRST_LINE_MIN_WORDS = 8
MAX_HITS = 20  # text nodes holding the line's longest word; more: too common to place it
MAX_CLIMB = 6  # blocks climbed from a text node to the one holding the whole line


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def small_print(tree: Any, body: str) -> str:
    """The normalised text of the block holding the page's small print at the end of
    ``body`` (see the module docstring), or "" when there is none. Bounded: the line is
    placed from the text nodes holding its longest word (at most MAX_HITS), each climbing
    at most MAX_CLIMB blocks."""
    lines = [line for line in body.split("\n") if line.strip()]
    if len(lines) < 2:
        return ""
    last = _norm(lines[-1])
    words = _WORD.findall(lines[-1])
    if not words:
        return ""
    word = max(words, key=len)
    hits = tree.xpath("//body//text()[contains(., $word)]", word=word)
    if not hits or len(hits) > MAX_HITS:
        return ""
    holding: dict[Any, str] = {}
    for hit in hits:
        element = hit.getparent()
        if element is not None and hit.is_tail:
            element = element.getparent()
        climbed = 0
        while element is not None and climbed < MAX_CLIMB:
            if isinstance(element.tag, str) and element.tag in _BLOCKS:
                climbed += 1
                text = _norm(element.text_content())
                if last in text:
                    holding[element] = text
                    break
            element = element.getparent()
    for element in list(holding):  # innermost only: a container holds its blocks' lines
        for ancestor in element.iterancestors():
            holding.pop(ancestor, None)
    if len(holding) != 1:
        return ""
    [text] = holding.values()
    first = _norm(next((x for x in lines if len(x.split()) >= FIRST_LINE_MIN_WORDS), ""))[:200]
    if not _COPYRIGHT.search(text) or (first and first in text):
        return ""
    return text


def in_small_print(block_text: str) -> Callable[[str], bool]:
    """Whether a trailing body line is in the small print block ``block_text``."""
    def judge(line: str) -> bool:
        text = _norm(line)
        return bool(block_text and text and text in block_text)
    return judge
