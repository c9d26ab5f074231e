"""The Whoosh schema: field names, analyzers and boosts live here and nowhere else.

The schema is pickled into every index, analyzers included, so everything an
analyzer holds must be importable by reference from this module's stable path
(WHOOSH-NOTES 11). Renaming or moving anything below makes old indexes
unopenable; bump ``SCHEMA_VERSION`` when the indexed form changes so that open
turns the mismatch into "rebuild the index".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import Stemmer
from whoosh import fields
from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.analyzers import Analyzer
from whoosh.support.charset import accent_map

from .models import Article

SCHEMA_VERSION = 1

# Field names. Other modules import these constants instead of spelling strings.
ID = "id"
TITLE = "title"
BODY = "body"
TAGS = "tags"
AUTHORS = "authors"
SOURCE = "source"
PUBLISHED = "published"
URL = "url"
PATH = "path"
META = "meta"
# Stored display values of the list fields (the indexed ones are folded).
TAGS_STORED = "tags_display"
AUTHORS_STORED = "authors_display"
SOURCE_STORED = "source_display"

TEXT_FIELDS = (TITLE, BODY)
KEYWORD_FIELDS = (TAGS, AUTHORS, SOURCE)
# Whoosh's spell-only field that holds the unstemmed words of a stemmed field
# (spelling=True): the base for did-you-mean, fuzzy and wildcard expansion.
SPELLING_PREFIX = "spell_"

TITLE_BOOST = 2.0
BODY_BOOST = 1.0

# Values of a multi-valued keyword field are joined with this before indexing.
KEYWORD_SEPARATOR = "\x1f"

_english = Stemmer.Stemmer("english")


def stem_word(word: str) -> str:
    """English Snowball stem via PyStemmer (C): picklable by reference, unlike the Stemmer."""
    return str(_english.stemWord(word))


# Accent folding plus typographic dashes folded to "-", so that a tag written
# "Armenia–Azerbaijan border" matches a user typing "armenia-azerbaijan border".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
keyword_charmap: dict[int, str] = {**accent_map, **{ord(d): "-" for d in _DASHES}}
_SPACES = re.compile(r"\s+")


class CollapseSpacesFilter(Filter):  # type: ignore[misc]
    """Strips a keyword token and collapses inner whitespace, so spacing never matters."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for t in tokens:
            text = _SPACES.sub(" ", t.text).strip()
            if text:
                t.text = text
                yield t


def text_analyzer() -> Analyzer:
    """Words: lowercase, accent-fold *before* stemming (WHOOSH-NOTES 1), stop words, stem.

    The tokenizer splits on hyphens and en dashes, so `Nagorno-Karabakh`,
    `nagorno karabakh` and `"Nagorno Karabakh"` index and query alike.
    """
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter(stemfn=stem_word, cachesize=-1)
    )


def keyword_analyzer() -> Analyzer:
    """Whole values (`Mike Pompeo`), matched case-, accent- and dash-insensitively."""
    return (
        RegexTokenizer(r"[^\x1f]+")
        | CollapseSpacesFilter()
        | LowercaseFilter()
        | CharsetFilter(keyword_charmap)
    )


def build_schema() -> fields.Schema:
    text = text_analyzer()
    keyword = keyword_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=text, stored=True, field_boost=TITLE_BOOST,
                          spelling=True, spelling_prefix=SPELLING_PREFIX),
        body=fields.TEXT(analyzer=text, stored=True, field_boost=BODY_BOOST,
                         spelling=True, spelling_prefix=SPELLING_PREFIX),
        tags=fields.TEXT(analyzer=keyword, phrase=False),
        authors=fields.TEXT(analyzer=keyword, phrase=False),
        source=fields.TEXT(analyzer=keyword, phrase=False),
        published=fields.DATETIME(stored=True, sortable=True),
        tags_display=fields.STORED(),
        authors_display=fields.STORED(),
        source_display=fields.STORED(),
        url=fields.STORED(),
        path=fields.STORED(),
        meta=fields.STORED(),
    )


def normalize_keyword(value: str) -> str:
    """The folded form a keyword value is indexed under (for exact tag lookups/facets)."""
    tokens = [t.text for t in keyword_analyzer()(value)]
    return tokens[0] if tokens else ""


def article_to_document(article: Article) -> dict[str, Any]:
    """The Whoosh document for an article (what the indexer passes to add_document)."""
    doc: dict[str, Any] = {
        ID: article.id,
        TITLE: article.title,
        BODY: article.body,
        TAGS: KEYWORD_SEPARATOR.join(article.tags),
        AUTHORS: KEYWORD_SEPARATOR.join(article.authors),
        SOURCE: article.source,
        TAGS_STORED: list(article.tags),
        AUTHORS_STORED: list(article.authors),
        SOURCE_STORED: article.source,
        URL: article.url,
        PATH: article.path,
        META: dict(article.meta),
    }
    if article.published is not None:
        doc[PUBLISHED] = article.published
    return doc


def document_to_article(stored: Mapping[str, Any]) -> Article:
    """Rebuild an Article from a hit's stored fields."""
    published = stored.get(PUBLISHED)
    return Article(
        id=stored[ID],
        title=stored.get(TITLE, ""),
        body=stored.get(BODY, ""),
        tags=tuple(stored.get(TAGS_STORED) or ()),
        authors=tuple(stored.get(AUTHORS_STORED) or ()),
        published=published if isinstance(published, datetime) else None,
        source=stored.get(SOURCE_STORED) or "",
        url=stored.get(URL) or "",
        path=stored.get(PATH) or "",
        meta=dict(stored.get(META) or {}),
    )
