"""A ``.txt`` that holds Markdown: read as the text a reader of the rendered page sees.

Scrapers that turn pages into Markdown for language models (Jina Reader, Firecrawl,
crawl4ai, html2text, markdownify) save it as ``.txt``: ``# Headline``, ``By [Jane
Doe](https://...)``, ``![Image 1: ...](https://...)``, ``**bold**``, ``*   [Share on
Facebook](...)``. Read as plain lines, the title kept its ``#``, bylines their link
syntax, and every body line its URLs and marks. The evidence that a file is Markdown is
its syntax, never its wording: at least MIN_LINKS inline links or images, or two ATX
headings (``## ...``), or one with a link (none of the real ``.txt`` files and none of
the Reuters, BBC and AG News texts has one of these). Such a text goes through the
Markdown reader's renderer (markdown_text.py: link text kept, images and markup gone,
each kind counted), its links are kept in the article's metadata, and the text rules
(title, header, labels, furniture) read the result.
"""

from __future__ import annotations

import re
from typing import Any

from ..models import Decision
from .markdown_text import to_text

MIN_LINKS = 2
SCAN_CHARS = 200_000  # how far into a file the syntax is looked for
_LINK = re.compile(r"!?\[[^\]\n]{0,300}\]\((?:https?://|/|#|\.\.?/)[^)\s]{0,2000}\)")
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)


def holds_markdown(text: str) -> bool:
    """Whether a text file's syntax says it is Markdown (module docstring)."""
    head = text[:SCAN_CHARS]
    links = len(_LINK.findall(head))
    headings = len(_ATX.findall(head))
    return links >= MIN_LINKS or headings >= 2 or (headings >= 1 and links >= 1)


def rendered_markdown(text: str, name: str) -> tuple[str, list[Decision], list[dict[str, Any]]]:
    """(the text a reader sees, what the rendering removed as counted Decisions, the
    links' targets)."""
    rendered = to_text(text)
    decisions = [Decision(name, kind, f"{count} in the Markdown")
                 for kind, count in rendered.removed.items()]
    return rendered.text, decisions, list(rendered.links)
