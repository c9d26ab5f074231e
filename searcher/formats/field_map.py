"""The field map: which record keys feed which article field (``--map``).

One map means the same thing for JSONL, JSON and Markdown front matter. The defaults
cover the common news-API shapes, so that an API dump indexes without flags.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import FieldMapError
from .base import FieldMap

ARTICLE_FIELDS = ("id", "title", "body", "tags", "authors", "published", "url", "source")
LIST_FIELDS = frozenset({"tags", "authors"})

# A plain dict (not a MappingProxyType) so that a Source holding it can be pickled
# for a multi-process build; the FieldMap type (a Mapping) keeps callers read-only.
DEFAULT_FIELD_MAP: FieldMap = {
    # The common news-API shapes are defaults: NewsAPI (publishedAt, source.name, urlToImage),
    # the Guardian (webTitle, webPublicationDate, fields.bodyText), the NYT (headline.main,
    # pub_date, lead_paragraph, byline.original, des_facet), RSS-as-JSON (pubDate, link),
    # JSON Feed (content_html/content_text), news-please (maintext, date_publish),
    # newspaper3k (publish_date).
    "id": ("id", "_id", "guid", "uuid", "article_id"),
    "title": ("title", "headline", "webtitle", "name"),
    "body": ("body", "text", "content", "fields.bodytext", "fields.body", "articlebody",
             "article_body", "maintext", "full_text", "content_text", "content_html",
             "description", "article", "summary", "abstract", "lead_paragraph",
             "fields.trailtext", "short_description", "snippet"),
    "tags": ("tags", "categories", "keywords", "topics", "des_facet"),
    "published": ("published", "date", "published_at", "publishedat", "datepublished",
                  "webpublicationdate", "pub_date", "pubdate", "published_date",
                  "publication_date", "date_published", "datetime", "created_at", "timestamp",
                  "isodate", "publish_date", "date_publish"),
    "authors": ("authors", "author", "byline", "fields.byline", "creator"),
    "url": ("url", "link", "href", "weburl", "web_url"),
    "source": ("source", "publisher", "publication", "site_name", "source_name", "news_site"),
}


def field_keys(field_map: FieldMap, name: str) -> tuple[str, ...]:
    """The record keys to read article field ``name`` from: the map's, else the default.
    The one place defaults fill in a partial map."""
    return tuple(field_map.get(name) or DEFAULT_FIELD_MAP[name])


def parse_field_map(specs: Sequence[str]) -> FieldMap:
    """The default map with the user's ``FIELD=KEY[,KEY...]`` overrides applied.

    An override replaces the default keys of that field only; giving the same field
    twice appends (``--map tags=topics --map tags=places`` reads both). Keys are
    matched case-insensitively, so they are stored lower-cased.
    """
    result = dict(DEFAULT_FIELD_MAP)
    overridden: set[str] = set()
    for spec in specs:
        name, sep, keys_text = spec.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            raise FieldMapError(
                f"--map {spec!r} is not FIELD=KEY: write it like --map body=short_description "
                "or --map tags=topics,places")
        if name not in ARTICLE_FIELDS:
            raise FieldMapError(
                f"--map {spec!r} names no article field {name!r}: use one of "
                f"{', '.join(ARTICLE_FIELDS)}")
        keys = [key.strip().lower() for key in keys_text.split(",")]
        if not all(keys):
            raise FieldMapError(
                f"--map {spec!r} has an empty record key: list keys separated by commas, "
                f"like --map {name}=key1,key2")
        previous = result[name] if name in overridden else ()
        result[name] = tuple(dict.fromkeys([*previous, *keys]))
        overridden.add(name)
    return result


def field_map_specs(field_map: FieldMap) -> list[str]:
    """The ``FIELD=KEY,...`` specs that differ from the defaults (``parse_field_map``'s inverse)."""
    return [f"{name}={','.join(keys)}" for name, keys in field_map.items()
            if name in DEFAULT_FIELD_MAP and tuple(keys) != DEFAULT_FIELD_MAP[name]]
