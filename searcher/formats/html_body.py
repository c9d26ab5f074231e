"""The article's body in a saved page: what to remove before extraction, and how to
tell (and mend) a body that lost most of the article.

Two failure classes live here:

* **Hover cards.** Sites put a hidden card after a person's name in the text (the
  name again, then headlines about them), which a text extractor glues into the
  sentence: ``Rep. Ilhan OmarIlhan OmarHillicon Valley: ...``. A card is an inline
  element whose class says hover/rollover/tooltip/popover and whose text repeats the
  link just before it; it is removed before extraction (and counted).
* **Summary-only bodies.** The extractor sometimes keeps a caption or the standfirst
  and drops the story. The page's own article text is estimated independently (the
  JSON-LD ``articleBody``, else the element holding the most paragraph text) and a
  body under half of it is re-extracted, then rebuilt from those paragraphs, and
  only if that fails too is the page indexed with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import furniture_words

HOVER_CARD_REMOVED = "hover card removed"
TRAILING_FURNITURE = "trailing page furniture dropped"
BODY_SHORT = "bodies shorter than the page suggests"
BODY_RECOVERED = "body recovered from the page's article markup"
LEAD_ADDED = "lead paragraph outside <p> added to the body"
LEAD_MIN_WORDS = 15
LEAD_SCAN_ELEMENTS = 60
SHORT_RATIO = 0.5  # a body under this share of the page's article text is suspicious
MIN_REFERENCE = 600  # characters of article text below which no comparison is made

_CARD_CLASS = re.compile(r"rollover|hover|tooltip|popover|popup", re.IGNORECASE)
_NOT_TEXT = ("nav", "footer", "aside", "form", "header", "figure", "figcaption", "script",
             "style", "noscript", "button", "select", "label")
_WORD = re.compile(r"\w+")
# Lines that end a page, not an article: related-link lists, a lead-in whose list the
# extractor left out ("Read more from Jane Doe:"), copyright and newsletter/social promos.
_FURNITURE_LINE = re.compile(
    r"^(?:.{0,150}:|.{0,200}(?:©|\ball rights reserved\b).{0,200}"
    r"|(?:loading|advertisement|sign up|subscribe|follow us|download (?:the|our) app"
    r"|read (?:this|more|the full)|watch)\b.{0,150}"
    r"|(?:(?:facebook|twitter|instagram|youtube|linkedin|whatsapp|pinterest|koo|app|email"
    r"|print|share)\s*)+"
    r"|(?:get|join|receive|you (?:may|will|can)|want|don't miss|never miss)\b.{0,120}"
    r"\b(?:newsletter|promotional content|inbox)\b.{0,120}"
    rf"|(?:{furniture_words.TRAILING_PROMPTS})\b.{{0,150}}|(?:{furniture_words.ADVERTISEMENT})"
    # a list's pagination: "1 - 5 of 218 results.", "Page 2 of 7", "Seite 2 von 7"
    r"|(?:(?:showing|page|seite|página|pagina|pagina)\s+)?\d{1,6}(?:\s*[-–]\s*\d{1,6})?"
    r"\s+(?:of|von|de|di|van|sur)\s+\d{1,9}(?:\s+(?:results?|ergebnisse[n]?|résultats?|"
    r"resultados?|risultati|resultaten|items|articles|artikel|pages))?\.?)$",
    re.IGNORECASE)


def remove_hover_cards(tree: Any) -> list[tuple[str, int]]:
    """Remove hover cards (see the module docstring) in place; (card text, chars) each."""
    removed: list[tuple[str, int]] = []
    for element in hover_card_candidates(tree):
        before = element.getprevious()
        name = " ".join((before.text_content() if before is not None else "").split())
        text = " ".join(element.text_content().split())
        if name and len(name) < len(text) and text.startswith(name):
            parent = element.getparent()
            if parent is None:
                continue
            _drop_keeping_tail(element, parent)
            removed.append((text, len(text)))
    return removed


def hover_card_candidates(tree: Any) -> list[Any]:
    """Spans and divs inside a paragraph whose class names a card, in document order: what
    the XPath ``//p//span[@class] | //p//div[@class]`` finds, without it (libxml2 merges
    the node set of each <p> into the result one at a time: 20,000 paragraphs took 7 s)."""
    return [e for e in tree.iter("span", "div") if _CARD_CLASS.search(e.get("class") or "")
            and next(e.iterancestors("p"), None) is not None]


def _drop_keeping_tail(element: Any, parent: Any) -> None:
    tail = element.tail or ""
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def article_paragraphs(tree: Any, article_body: str = "") -> list[str]:
    """The page's article text as paragraphs: the JSON-LD ``articleBody`` when the page
    gives one, else the paragraphs of the element that holds the most paragraph text
    (outside navigation, asides and footers)."""
    if len(article_body) >= MIN_REFERENCE:
        return [p.strip() for p in re.split(r"\n\s*\n|\r?\n", article_body) if p.strip()]
    groups: dict[Any, list[str]] = {}
    sizes: dict[Any, int] = {}
    for p in tree.iter("p"):
        if any(a.tag in _NOT_TEXT for a in p.iterancestors()):
            continue
        text = " ".join(p.text_content().split())
        if len(_WORD.findall(text)) < 4:
            continue
        parent = p.getparent()
        groups.setdefault(parent, []).append(text)
        sizes[parent] = sizes.get(parent, 0) + len(text)
    if not sizes:
        return []
    best = max(sizes, key=lambda k: sizes[k])
    return groups[best]


def is_short(body: str, reference: list[str]) -> bool:
    """Whether ``body`` holds under ``SHORT_RATIO`` of the page's article text."""
    total = sum(len(p) for p in reference)
    return total >= MIN_REFERENCE and len(body) < SHORT_RATIO * total


def covers(body: str, paragraphs: list[str]) -> bool:
    """Whether ``body`` holds most of ``paragraphs`` (compared as words)."""
    words = set(_WORD.findall(body.casefold()))
    wanted = [w for p in paragraphs for w in _WORD.findall(p.casefold())]
    return bool(wanted) and sum(w in words for w in wanted) >= SHORT_RATIO * len(wanted)


_HEADLINE_ITEM = re.compile(r"^[-•*]\s+(?:\S+\s+){0,11}\S*[^\s.!?”\"]$")
_RELATED_HEADING = re.compile(r"^(?:more\b.{0,50}|related\b.{0,40}|read (?:more|next)\b.{0,40}"
                              r"|recommended\b.{0,40}|most (?:read|popular)\b.{0,40})$",
                              re.IGNORECASE)
_PROMO = re.compile(r"\b(?:sign up|subscribe|newsletter|download)\b", re.IGNORECASE)


def link_texts(tree: Any) -> set[str]:
    """Texts that are links to other pages: links of three words or more, and list items
    mostly made of a link (``<li>The <a>Best Inventions of 2023</a></li>``)."""
    texts = set()
    for a in tree.iter("a"):
        text = " ".join(a.text_content().split())
        if text.count(" ") >= 2:
            texts.add(text.casefold())
    for li in tree.iter("li"):
        text = " ".join(li.text_content().split())
        linked = sum(len(" ".join(a.text_content().split())) for a in li.iter("a"))
        if text and linked >= len(text) / 2:
            texts.add(text.casefold())
    return texts


_LEADING_FURNITURE = re.compile(r"^(?:loading|advertisement|skip to)\b.{0,40}$", re.IGNORECASE)


def drop_leading_furniture(body: str) -> tuple[str, list[str]]:
    """The body without widget placeholders before the article (``Loading...``)."""
    lines = body.split("\n")
    dropped: list[str] = []
    while len(lines) > 1 and _LEADING_FURNITURE.match(lines[0].strip()):
        dropped.append(lines.pop(0))
    return "\n".join(lines), dropped


TEASERS_MIN = 2
TEASER_MIN_WORDS = 8
TEASER_HEADING_MAX_WORDS = 6


def _teasers(lines: list[str]) -> int:
    """How many trailing lines are other stories' teasers under a heading: at least
    ``TEASERS_MIN`` lines of ``TEASER_MIN_WORDS`` words or more, each cut off with an
    ellipsis (``... is linked to the...``), right under a short line that is no sentence
    (``The latest updates``). 0 when the lines are not that: never the first line."""
    count = 0
    while count < len(lines) - 2:
        line = lines[-1 - count].strip()
        if not (line.endswith(("...", "…")) and len(line.split()) >= TEASER_MIN_WORDS):
            break
        count += 1
    heading = lines[-1 - count].strip() if count < len(lines) - 1 else ""
    if (count >= TEASERS_MIN and 0 < len(heading.split()) <= TEASER_HEADING_MAX_WORDS
            and heading[-1] not in ".!?…,;\"”"):
        return count
    return 0


def drop_trailing_furniture(body: str, links: set[str],
                            markup: Callable[[str], bool] | None = None,
                            ) -> tuple[str, list[str]]:
    """The body without the page furniture trafilatura left at its end, and the lines
    dropped: lines ``_FURNITURE_LINE`` describes, list items that are links to other
    pages (``- headline`` where the item is mostly a link), and a list of headlines
    under a "More from ..." heading or other stories' teasers cut off with an ellipsis
    under any short heading (``_teasers``), and lines ``markup`` says the page's markup
    shows to be furniture (html_tail.py). Only a trailing run is dropped, never the first line:
    furniture-like lines inside the article stay."""
    lines = body.split("\n")
    dropped: list[str] = []
    while len(lines) > 1:
        line = lines[-1].strip()
        item = line[2:].strip().casefold() if line[:2] in ("- ", "• ", "* ") else ""
        if (item and (item in links or _PROMO.search(item))) or _FURNITURE_LINE.match(line) \
                or (markup is not None and markup(line)):
            dropped.append(lines.pop())
            continue
        items = 0
        while items < len(lines) - 1 and _HEADLINE_ITEM.match(lines[-1 - items].strip()):
            items += 1
        if not (items and items < len(lines) - 1
                and _RELATED_HEADING.match(lines[-1 - items].strip())):
            items = _teasers(lines)
            if not items:
                break
        for _ in range(items + 1):
            dropped.append(lines.pop())
    return "\n".join(lines).rstrip(), dropped[::-1]


_BLOCKS = frozenset({"p", "div", "section", "article", "header", "li", "ul", "ol", "table",
                     "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NOT_LEAD = frozenset({"nav", "footer", "aside", "form", "figure", "figcaption", "script",
                       "style", "noscript", "button", "select", "label", "a", "time"})
_SENTENCE_END = (".", "!", "?", "\"", "”", "»", "…")
# What pages call the lead in their markup (class, id, itemprop), in the usual spellings.
_LEAD_NAME = re.compile(r"lead|standfirst|intro|summary|\bdek\b|deck|subtitle|subhead"
                        r"|description|excerpt|abstract|chapo|teaser|kicker", re.IGNORECASE)
_NOT_LEAD_NAME = re.compile(r"caption|credit|video|author|bio|related|promo|newsletter|share"
                            r"|comment-?count|byline|leaderboard|advert|sponsor|\bads?\b",
                            re.IGNORECASE)


def _named_lead(element: Any) -> bool:
    """Whether the markup names the element (or a close ancestor) the article's lead."""
    for node in [element, *list(element.iterancestors())[:3]]:
        names = " ".join(node.get(a) or "" for a in ("class", "id", "itemprop"))
        if _NOT_LEAD_NAME.search(names):
            return False
        if _LEAD_NAME.search(names):
            return True
    return False


def lead_outside_paragraphs(tree: Any, body: str) -> str:
    """The article's lead (standfirst) when the page sets it in a ``<div>``/``<span>``
    after the headline and the extractor, which reads ``<p>`` text, left it out
    (evidence, development half: horizont.net's ``PageArticle_commentLead``,
    channelpartner.de's ``<div class="abstract">``): the first text block after the
    ``<h1>`` in document order, before any text the body holds, that the markup names
    the lead (class/id/itemprop: lead, standfirst, intro, abstract, dek, summary...),
    reads as prose (15 words or more, ending as a sentence ends) and is not a caption,
    byline, heading, link, navigation or date. "" when there is none or the body
    already holds it. Scans at most LEAD_SCAN_ELEMENTS elements after the headline."""
    heading = next(iter(tree.xpath("//article//h1") or tree.xpath("//body//h1")), None)
    if heading is None:
        return ""
    flat = " ".join(body.split())
    seen = 0
    after = False
    for element in tree.iter():
        if element is heading:
            after = True
            continue
        if not after or not isinstance(element.tag, str):
            continue
        if any(a is heading for a in element.iterancestors()):
            continue
        seen += 1
        if seen > LEAD_SCAN_ELEMENTS:
            return ""
        if element.tag not in _BLOCKS and element.tag != "span":
            continue
        if any(child.tag in _BLOCKS for child in element if isinstance(child.tag, str)):
            continue  # a container: its blocks come next
        text = " ".join(element.text_content().split())
        if not text:
            continue
        if text[:60] in flat:
            return ""  # the body has started: no lead before it
        if element.tag in _NOT_LEAD or element.tag in _HEADINGS \
                or any(a.tag in _NOT_LEAD for a in element.iterancestors()):
            continue
        linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
        if (len(text.split()) >= LEAD_MIN_WORDS and text.endswith(_SENTENCE_END)
                and linked < len(text) / 2 and _named_lead(element)):
            return text
    return ""
