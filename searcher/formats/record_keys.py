"""Which article field a record key no map names stands for, by the key's words.

The field map (field_map.py) lists the keys of the APIs we know. A scraper or an API
nobody here has seen names the same fields its own way: ``articleTitle``,
``story_text``, ``publishDate``, ``author_name``, ``titel``/``inhalt``/``datum``,
``titre``/``contenu``, ``заголовок``/``текст``. The evidence that generalises is the
key's own words: split at case changes and punctuation, accents folded, words that
only say "of the article" (``article``, ``story``, ``post``, ``main``, ``name``...) set
aside, what is left must name one field in a vocabulary of the common languages, and
no word may say the value is something else (``updated``, ``image``, ``count``,
``id``...). A key whose words are ambiguous (``author_url``) names nothing.

These keys are only ever tried after every mapped key (``mapping.record_to_article``):
they fill a field the known keys left empty, so no record the map reads changes. A
``--map`` for a field turns guessing off for that field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from ..dates import is_ambiguous, parse_date

TITLE, BODY, SUMMARY, DATE = "title", "body", "summary", "published"
AUTHORS, TAGS, URL, SOURCE = "authors", "tags", "url", "source"

_WORDS: dict[str, tuple[str, ...]] = {
    TITLE: ("title", "headline", "headlines", "heading", "hed", "titel", "titre", "titulo",
            "titolo", "tytul", "overskrift", "otsikko", "заголовок", "название"),
    BODY: ("body", "text", "content", "contents", "fulltext", "maintext", "bodytext", "paragraphs",
           "paras", "sentences", "inhalt", "volltext", "contenu", "texte", "contenido", "cuerpo",
           "texto", "testo", "corpo", "conteudo", "tekst", "tresc", "inhoud", "текст",
           "содержание", "содержимое"),
    SUMMARY: ("summary", "description", "desc", "abstract", "lede", "lead", "standfirst", "teaser",
              "excerpt", "intro", "snippet", "highlights", "zusammenfassung", "beschreibung",
              "vorspann", "resume", "resumen", "descripcion", "sommario", "riassunto", "chapeau",
              "chapo", "samenvatting", "streszczenie", "описание", "аннотация", "анонс"),
    DATE: ("date", "published", "publish", "pub", "publication", "posted", "created", "creation",
           "time", "datetime", "timestamp", "issued", "pubdate", "datum", "fecha", "data", "дата",
           "publie", "publicado", "pubblicato", "veroffentlicht", "erschienen", "gepubliceerd",
           "opublikowano"),
    AUTHORS: ("author", "authors", "writer", "writers", "byline", "bylines", "creator", "creators",
              "reporter", "reporters", "journalist", "journalists", "autor", "autoren", "autores",
              "autore", "autori", "auteur", "auteurs", "verfasser", "автор", "авторы"),
    TAGS: ("tag", "tags", "keyword", "keywords", "hashtags", "subjects", "schlagworte",
           "schlagworter", "stichworte", "stichworter", "etiquetas", "etiquettes", "trefwoorden",
           "tagi", "теги", "метки"),
    URL: ("url", "link", "href", "permalink", "uri", "canonical", "lien", "enlace", "ссылка"),
    SOURCE: ("source", "publisher", "site", "sitename", "outlet", "provider", "newspaper",
             "quelle", "fuente", "fonte", "bron", "zrodlo", "источник", "herausgeber", "editeur"),
}
# Several words that name one field together (after accents are folded).
_PHRASES = {"mots cles": TAGS, "palabras clave": TAGS, "parole chiave": TAGS,
            "key words": TAGS, "palavras chave": TAGS, "ключевые слова": TAGS,
            "full text": BODY, "main text": BODY}
# Words alone that are the text itself (``{"story": ...}``, a data set's ``document``).
_ALONE = {"story": BODY, "article": BODY, "document": BODY, "post": BODY}
_NEUTRAL = frozenset((
    "article", "articles", "story", "stories", "news", "post", "item", "entry", "page",
    "doc", "document", "main", "full", "raw", "clean", "cleaned", "original", "plain",
    "html", "web", "og", "dc", "meta", "the", "name", "names", "value", "string", "str", "list",
    "on", "at", "of", "de", "du", "der", "des", "la", "le", "del", "en", "fr", "es",
    "it", "pt", "nl", "ru", "utc", "iso", "gmt", "local", "first"))
# Words that say the value is not the field the other words name.
_NOT = frozenset((
    "update", "updated", "modified", "modification", "mod", "edit", "edited", "changed",
    "revised", "crawl", "crawled", "scrape", "scraped", "scraping", "fetch", "fetched",
    "index", "indexed", "retrieved", "retrieve", "access", "accessed", "download",
    "downloaded", "insert", "inserted", "ingest", "ingested", "seen", "expire", "expires",
    "expiry", "end", "birth", "last", "image", "images", "img", "photo", "photos",
    "picture", "thumbnail", "thumb", "video", "audio", "icon", "logo", "avatar", "media",
    "comment", "comments", "count", "length", "len", "size", "words", "id", "ids", "type",
    "lang", "language", "score", "sentiment", "label", "labels", "rank", "email", "bio",
    "twitter", "facebook", "profile", "slug", "hash", "md5", "sha1", "path", "file",
    "filename", "category", "categories", "section", "sub", "subtitle", "subheadline",
    "seo", "alt", "caption", "credit", "credits", "translated", "translation", "preview",
    "short", "truncated", "tokens", "tokenized", "lemmas", "lemmatized", "stemmed",
    "cleaned_tokens", "entities", "sentences_count", "polarity", "subjectivity",
    "format", "encoding", "mime", "timezone", "tz", "zone", "offset", "year", "month",
    "day", "hour", "minute", "week"))
# Date words of languages that write a numeric date day first (``datum: 04.03.2021``).
_DAY_FIRST_WORDS = frozenset(("datum", "fecha", "data", "дата", "publie", "publicado",
                              "pubblicato", "veroffentlicht", "erschienen", "gepubliceerd",
                              "opublikowano"))
_BY_WORD: dict[str, str] = {word: field for field, words in _WORDS.items() for word in words}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^\w]+|_+")
_CACHE: dict[str, str | None] = {}
_CACHE_MAX = 4096


def key_words(key: str) -> list[str]:
    """``articleTitle`` -> ``["article", "title"]``, ``mots-clés`` -> ``["mots", "cles"]``."""
    folded = unicodedata.normalize("NFKD", _CAMEL.sub(" ", key))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return [word for word in _SPLIT.split(folded) if word]


def key_field(key: str) -> str | None:
    """The field (``title``, ``body``, ``summary``, ``published``, ``authors``, ``tags``,
    ``url``, ``source``) a record key's words name, or None."""
    cached = _CACHE.get(key, "")
    if cached != "":
        return cached
    field = _field_of(key_words(key)) if len(key) <= 60 else None
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = field
    return field


def _field_of(words: list[str]) -> str | None:
    if not words or any(word in _NOT for word in words):
        return None
    if len(words) == 1 and words[0] in _ALONE:
        return _ALONE[words[0]]
    phrase = _PHRASES.get(" ".join(words))
    if phrase is not None:
        return phrase
    fields = {_BY_WORD.get(word) for word in words if word not in _NEUTRAL}
    if None in fields or not fields:
        return None
    if fields == {BODY, SUMMARY}:
        return SUMMARY  # bodyTextSummary, text_excerpt: a summary of the text
    if fields == {TITLE, BODY}:
        return TITLE  # titleText, headline_text
    if fields == {SOURCE, URL}:
        return URL  # source_url: the page the text came from
    return fields.pop() if len(fields) == 1 else None


def says_day_first(key: str) -> bool:
    """Whether a date key is a word of a language that writes dates day first."""
    return not _DAY_FIRST_WORDS.isdisjoint(key_words(key))


MAX_NESTED_KEYS = 64  # an object with more keys is data, not an article's parts
_GENERIC = frozenset({"name", "id"})  # ``user.name`` is no headline


def guessed_keys(record: Mapping[str, Any], known: Mapping[str, str]) -> list[tuple[str, str]]:
    """(field, key) for the record's keys no map names whose words name a field, top-level
    keys first, then keys one object down as dotted keys (``meta.title``,
    ``attributes.body``: JSON:API, a scraper's ``{"meta": {...}}``), in record order.
    ``known`` maps each plain key the map names to its field: one object down, such a key
    (``meta.published``) means what it means at the top. This runs once per record of a
    build: what the keys alone decide is cached per set of keys (a dump's records share
    theirs), so a record none of whose keys is new costs one lookup."""
    named, unnamed = _by_keys(tuple(record), known)
    nested = [key for key in unnamed if isinstance(record[key], dict)]  # not the ABC: fast
    if not named and not nested:
        return []
    held = {known.get(k.lower()) for k, v in record.items()
            if isinstance(k, str) and v is not None and v != "" and v != []}
    if BODY in held:
        held.add(SUMMARY)  # a summary only stands in for a text no key gives
    found = [(field, key.lower()) for key, field in named
             if field not in held and fits(field, record[key])]
    for key in nested:
        value = record[key]
        if len(value) > MAX_NESTED_KEYS:
            continue
        for inner in value:
            if not isinstance(inner, str) or "." in inner or inner.lower() in _GENERIC:
                continue
            inner_field = key_field(inner) or known.get(inner.lower())
            if (inner_field is not None and inner_field not in held
                    and fits(inner_field, value[inner])):
                found.append((inner_field, f"{key}.{inner}".lower()))
    return found


_SHAPES: dict[tuple[int, tuple[Any, ...]], tuple[list[tuple[str, str]], list[str]]] = {}
_SHAPES_MAX = 256


def _by_keys(keys: tuple[Any, ...], known: Mapping[str, str],
             ) -> tuple[list[tuple[str, str]], list[str]]:
    """(the keys no map names whose words name a field, with it; the other keys no map
    names, which may hold an object), cached per key tuple and map."""
    cache_key = (id(known), keys)
    cached = _SHAPES.get(cache_key)
    if cached is None:
        named: list[tuple[str, str]] = []
        unnamed: list[str] = []
        for key in keys:
            if not isinstance(key, str) or key.lower() in known:
                continue
            field = key_field(key)
            if field is not None:
                named.append((key, field))
            else:
                unnamed.append(key)
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        cached = _SHAPES[cache_key] = (named, unnamed)
    return cached


MAX_TITLE_CHARS = 300
_URL = re.compile(r"(?:https?:)?//[^\s/]+\.[^\s]+$", re.IGNORECASE)


def fits(field: str, value: Any) -> bool:
    """Whether a value has the shape of the field a key's words name: a headline is one
    short line, a URL a URL, a date a date (``data`` is a date in Portuguese and a
    payload elsewhere)."""
    if field in (TITLE, SOURCE):
        line = isinstance(value, str) and 0 < len(value.strip()) <= MAX_TITLE_CHARS
        return (line and "\n" not in value.strip()) or (
            field == SOURCE and isinstance(value, Mapping))
    if field == URL:
        return isinstance(value, str) and _URL.match(value.strip()) is not None
    if field == DATE:
        return not isinstance(value, bool) and (parse_date(value) is not None
                                                or is_ambiguous(value))
    if field in (AUTHORS, TAGS):
        return isinstance(value, list) or (isinstance(value, str)
                                           and len(value) <= 10 * MAX_TITLE_CHARS)
    return isinstance(value, (str, list, Mapping))


def known_fields(plan: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """Each plain key a map names -> its field (the first field naming it); a body key
    from ``description`` on names a summary (the default map lists the text's keys
    first)."""
    known: dict[str, str] = {}
    for field, names in plan:
        summaries = names.index("description") if field == BODY and "description" in names \
            else len(names)
        for number, name in enumerate(names):
            known.setdefault(name, SUMMARY if number >= summaries else field)
    return known
