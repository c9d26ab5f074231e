"""What a saved page states about itself: dates, tags, titles, site name, authors.

Only what the page says, nothing guessed: meta tags, JSON-LD (also when wrapped in
``<![CDATA[ ... ]]>``, as CMSs do for XHTML), microdata, ``<time datetime>`` and a
visible ``Published 10:02 AM EST Nov 19, 2019`` line. Dates come out as candidates,
best first, so that the reader can reject a placeholder (``0001-01-01``) and fall
back to the next one instead of indexing year 1.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..date_names import PUBLISHED_LABEL, UPDATED_LABEL, day_first
from ..dates import DATE_SHAPE

# Where a date is read from text that may not be a date at all: an unreadable value
# there is no date, not a broken one (no problem reported).
GUESSED_DATE_PLACES = ("visible date", "other meta", "URL path", "<title> date")
# Meta names/properties/itemprops stating when an article was published, best first.
DATE_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "published_time", "article.published", "publishdate", "publish-date",
    "publish_date", "pubdate", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "dc.date", "dcterms.date", "date", "sailthru.date", "parsely-pub-date",
    "citation_publication_date",
)
TAG_META = ("article:tag", "keywords", "news_keywords", "parsely-tags")
TITLE_META = ("og:title", "twitter:title", "parsely-title", "sailthru.title")
SITE_META = ("og:site_name", "application-name", "twitter:site", "parsely-section-site")
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "byl",
               "dc.creator", "twitter:creator")
_OWN_DATE_KEY = re.compile(r"date|publish|created|issued")
_NOT_PUBLISHED_KEY = re.compile(r"modif|updat|expir|revis|valid|edit|chang|last|birth|start|end"
                                r"|event|review|accessed|crawl|index|copyright|format")
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)([/-])(?P<m>0?[1-9]|1[0-2])\2"
                       r"(?P<d>0?[1-9]|[12]\d|3[01])(?:[/_.-]|$)")
_TITLE_SEPARATOR = re.compile(r" (?:\||-|–|—|::|·|/) ")
_ARTICLE_TYPES = re.compile(r"article|posting|report|newsarticle|webpage", re.IGNORECASE)
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
# "Updated ..." is when the page changed, not when the article was published (in the
# languages date_names knows: "Publié le ... Mis à jour le ...").
_DATE_LINE = re.compile(rf"^{PUBLISHED_LABEL}\b[:\s]", re.IGNORECASE)
_UPDATED_PART = re.compile(rf"\s{UPDATED_LABEL}\b", re.IGNORECASE)
_LINE_XPATH = ("//body//*[self::p or self::span or self::div or self::time or self::li "
               "or self::small or self::em or self::strong]"
               "[string-length(normalize-space()) < 120]")
_BOILERPLATE_ANCESTORS = ("nav", "footer", "aside", "form")
_DATED_SKIP = (*_BOILERPLATE_ANCESTORS, "a", "li")
_DATED_XPATH = ("//body//*[not(self::a) and not(self::li) and not(self::script)]"
                "[self::time[not(@datetime)] or contains(translate(@class, 'DT', 'dt'), 'date')"
                " or contains(translate(@class, 'T', 't'), 'time') or contains(@class, 'publish')"
                " or contains(@class, 'posted') or contains(@class, 'updated')"
                " or contains(@id, 'date') or contains(@id, 'time')]")


@dataclass
class StatedMeta:
    """What the page's markup says about the article (raw strings, not yet checked)."""

    dates: list[tuple[str, str]] = field(default_factory=list)  # (where, raw), best first
    tags: list[tuple[str, str]] = field(default_factory=list)   # (where, raw tag)
    titles: list[str] = field(default_factory=list)            # og:title, JSON-LD headline
    headings: list[str] = field(default_factory=list)          # <h1> texts, article's first
    section_heading: str = ""  # the first <h2> of 3+ words outside nav/footer/aside/form
    page_title: str = ""
    site_names: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    article_body: str = ""                                     # JSON-LD articleBody
    # Whether the page writes 05/06/2019 day first (date_names.day_first: its
    # <html lang>, og:locale, else its URL's country domain); None: nothing says.
    day_first: bool | None = None


def page_meta(tree: Any) -> StatedMeta:
    """Everything ``StatedMeta`` holds, read from a parsed page (lxml tree)."""
    stated = StatedMeta()
    metas: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop")
               or "").strip().lower()
        content = (element.get("content") or "").strip()
        content = html.unescape(html.unescape(content)) if "&" in content else content
        if key and content:
            metas.setdefault(key, []).append(content)
    for key in DATE_META:
        stated.dates.extend((f"meta {key}", value) for value in metas.get(key, ())[:1])
    for key in TAG_META:
        for value in metas.get(key, ()):
            parts = value.split(",") if key == "article:tag" else re.split(r"[,;]", value)
            stated.tags.extend((key, part) for part in parts)
    for key in TITLE_META:
        stated.titles.extend(metas.get(key, ())[:1])
    for key in SITE_META:
        stated.site_names.extend(v.lstrip("@") for v in metas.get(key, ())[:1])
    for key in AUTHOR_META:
        stated.authors.extend(metas.get(key, ()))
    for item in _json_ld_objects(tree):
        _read_json_ld(item, stated)
    if not stated.authors:
        stated.authors.extend(_microdata_authors(tree))
    stated.dates.extend(("microdata", value) for value in _microdata_dates(tree))
    stated.dates.extend(("visible date line", line) for line in _date_lines(tree))
    stated.dates.extend(("<time datetime>", value) for value in _time_elements(tree))
    stated.dates.extend(("visible date", text) for text in _dated_elements(tree))
    stated.headings = _headings(tree)
    stated.section_heading = next((t for e in tree.xpath("//body//h2")[:20]
                                   if len((t := " ".join(e.text_content().split())).split()) >= 3
                                   and not _inside_boilerplate(e)), "")
    title = tree.find(".//title")
    if title is not None:
        stated.page_title = " ".join(title.text_content().split())
    stated.dates.extend(_last_resort_dates(tree, metas, stated.page_title))
    stated.day_first = _day_first(tree, metas)
    return stated


def _day_first(tree: Any, metas: dict[str, list[str]]) -> bool | None:
    """What the page's language (``<html lang>``, ``og:locale``) or else its own URL
    (canonical link, ``og:url``) says about the order of numeric dates."""
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    langs = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang"),
             *metas.get("og:locale", [])[:1], *metas.get("content-language", [])[:1]]
    urls = [link.get("href") for link in tree.iter("link")
            if (link.get("rel") or "").strip().lower() == "canonical"][:1]
    urls += metas.get("og:url", [])[:1]
    for lang in langs:
        if lang and (verdict := day_first(lang)) is not None:
            return verdict
    return next((v for url in urls if url and (v := day_first(url=url)) is not None), None)


def _last_resort_dates(tree: Any, metas: dict[str, list[str]],
                       page_title: str) -> list[tuple[str, str]]:
    """Where a page states its date when none of the usual places does, weakest last,
    so that they are read only when everything above fails: a meta key of the page's
    own naming that says date/published/created (``article_date_original``,
    ``veeseo:date``; never modified/updated/expiry), the date in the path of the page's
    own URL (canonical link or og:url: ``/2016/12/19/``), and a ``<title>`` segment that
    is a date (``Tigers-Royals - Preview - April 16, 2012``: si-game, dev half)."""
    found = [(f"other meta {key}", values[0]) for key, values in metas.items()
             if key not in DATE_META and _OWN_DATE_KEY.search(key)
             and not _NOT_PUBLISHED_KEY.search(key) and len(values[0]) < 60]
    urls = [link.get("href") or "" for link in tree.iter("link")
            if (link.get("rel") or "").strip().lower() == "canonical"]
    urls += metas.get("og:url", [])[:1]
    for url in urls:
        if m := _URL_DATE.search(url[:300]):
            found.append(("URL path", f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"))
            break
    for segment in _TITLE_SEPARATOR.split(page_title[:300])[1:]:
        segment = segment.strip()
        if 6 <= len(segment) <= 40 and (shape := DATE_SHAPE.search(segment)) \
                and shape.end() - shape.start() >= len(segment) - 1:
            found.append(("<title> date", segment))
            break
    return found


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts (``@graph`` and lists opened)."""
    for script in tree.iterfind(".//script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        text = _CDATA.sub("", script.text or "")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        seen = 0
        while stack and seen < 200:
            item = stack.pop(0)
            seen += 1
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
                yield item


def _microdata_authors(tree: Any) -> list[str]:
    """The names of the first schema.org microdata author the page states
    (``itemprop="author"``, its ``itemprop="name"`` or its own short text): a later one
    is usually another story's teaser."""
    for element in tree.xpath('//*[@itemprop="author"]')[:1]:
        names = element.xpath('.//*[@itemprop="name"]') or [element]
        texts = [(n.get("content") or n.text_content()).strip() for n in names]
        return [t for t in (" ".join(x.split()) for x in texts) if t and len(t.split()) <= 6]
    return []


def _read_json_ld(item: dict[str, Any], stated: StatedMeta) -> None:
    kind = item.get("@type")
    kinds = " ".join(kind) if isinstance(kind, list) else str(kind or "")
    if not _ARTICLE_TYPES.search(kinds):
        return
    for key in ("datePublished", "dateCreated"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            stated.dates.append((f"JSON-LD {key}", value.strip()))
    headline = item.get("headline") or item.get("name")
    if isinstance(headline, str) and headline.strip() and "webpage" not in kinds.lower():
        stated.titles.append(html.unescape(headline.strip()))
    stated.authors.extend(_names(item.get("author")))
    stated.site_names.extend(_names(item.get("publisher")))
    keywords = item.get("keywords")
    if isinstance(keywords, str):
        stated.tags.extend(("JSON-LD keywords", k) for k in keywords.split(","))
    elif isinstance(keywords, list):
        stated.tags.extend(("JSON-LD keywords", k) for k in keywords if isinstance(k, str))
    body = item.get("articleBody")
    if isinstance(body, str) and len(body) > len(stated.article_body):
        stated.article_body = body


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD Person/Organization, a list of them, or a plain string."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        name = value.get("name")
        return [name.strip()] if isinstance(name, str) and name.strip() else []
    if isinstance(value, list):
        return [name for item in value[:20] for name in _names(item)]
    return []


def _main_article(tree: Any) -> Any | None:
    """The <article> holding the page's headline (<h1>), if an <article> holds one."""
    for heading in tree.iter("h1"):
        for article in heading.iterancestors("article"):
            return article
    return None


def _other_story(element: Any, main: Any | None) -> bool:
    """Inside an <article> other than the main one: a teaser of another story, whose
    date is not this page's (evidence: la-bas.org's sidebar <time pubdate>, dev half)."""
    if main is None:
        return False
    articles = list(element.iterancestors("article"))
    return bool(articles) and main not in articles


def _microdata_dates(tree: Any) -> list[str]:
    found = []
    main = _main_article(tree)
    for element in tree.xpath("//*[@itemprop='datePublished'] | //time[@pubdate]"):
        if _other_story(element, main):
            continue
        value = element.get("datetime") or element.get("content") or element.text_content()
        if value and value.strip():
            found.append(str(value).strip())
    return found[:2]


def _date_lines(tree: Any) -> list[str]:
    """Short visible lines that say when the article was published."""
    published: list[str] = []
    for element in tree.xpath(_LINE_XPATH):
        if _inside_boilerplate(element):
            continue
        text = " ".join(element.text_content().split())
        text = _UPDATED_PART.split(text, maxsplit=1)[0]  # "Published: ... Updated: ..."
        if _DATE_LINE.match(text) and text not in published:
            published.append(text)
            if len(published) >= 2:
                break
    return published


def _dated_elements(tree: Any) -> list[str]:
    """Short visible texts holding a full date in an element marked as a date (class or id
    with published/date/time/timestamp/updated, or a <time> without ``datetime``): the
    first one per kind, "published" kinds before "date"/"time" before "updated". Links,
    list items and page furniture are skipped: there the dates are other articles'."""
    ranked: dict[int, str] = {}
    for element in tree.xpath(_DATED_XPATH):
        if len(element) > 3 or _inside_boilerplate(element, _DATED_SKIP):
            continue
        marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        rank = (0 if "publish" in marks or "posted" in marks else
                2 if "updat" in marks or "modif" in marks else 1)
        text = " ".join(element.text_content().split())
        if rank not in ranked and len(text) < 100 and DATE_SHAPE.search(text):
            ranked[rank] = text
    if not ranked:  # a bare element holding only a date ("December 28, 2016") comes last
        for element in tree.xpath("//body//*[not(*)][string-length(normalize-space()) < 45]"):
            text = " ".join(element.text_content().split())
            if (element.tag not in ("a", "li", "script", "style", "option")
                    and DATE_SHAPE.search(text) and not _inside_boilerplate(element, _DATED_SKIP)):
                ranked[3] = text
                break
    return [ranked[r] for r in sorted(ranked)]


def _time_elements(tree: Any) -> list[str]:
    """``<time datetime>`` values: those inside the article or its header first."""
    inside = tree.xpath("//article//time[@datetime] | //main//time[@datetime] | "
                        "//header//time[@datetime]")
    anywhere = tree.xpath("//body//time[@datetime]")
    values = []
    main = _main_article(tree)
    for element in [*inside, *anywhere]:
        if _inside_boilerplate(element) or _other_story(element, main):
            continue
        value = (element.get("datetime") or "").strip()
        if value and value not in values:
            values.append(value)
    return values[:3]


def _headings(tree: Any) -> list[str]:
    """<h1> texts, those inside <article> or marked as the headline first."""
    preferred = tree.xpath("//article//h1 | //*[@itemprop='headline']")
    rest = tree.xpath("//body//h1")
    texts: list[str] = []
    for element in [*preferred, *rest]:
        text = " ".join(element.text_content().split())
        if text and text not in texts:
            texts.append(text)
    return texts[:6]


def _inside_boilerplate(element: Any, tags: tuple[str, ...] = _BOILERPLATE_ANCESTORS) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())
