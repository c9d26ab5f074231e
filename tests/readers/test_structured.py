"""The structured readers: field maps, JSON Lines, JSON, Markdown and saved HTML pages."""

from __future__ import annotations

import gzip
import json
import string
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from searcher.errors import FieldMapError
from searcher.formats import html, jsonl, markdown
from searcher.formats.base import Source, UnreadableFile
from searcher.formats.mapping import (
    ARTICLE_FIELDS,
    DEFAULT_FIELD_MAP,
    Mapped,
    field_map_specs,
    parse_date,
    parse_field_map,
    record_to_article,
)
from searcher.models import Article, Decision, Problem

from ..conftest import REUTERS, REUTERS_MAP, needs_shared

DATA = Path(__file__).parents[1] / "data" / "structured"


def articles(items: Iterable[Article | Problem | Decision]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def source(path: Path, specs: list[str] | None = None) -> Source:
    return Source(path, path.name, parse_field_map(specs or []))


def convert(record: dict[str, Any], specs: list[str] | None = None) -> Mapped:
    result = record_to_article(record, parse_field_map(specs or []), default_id="f.jsonl:1",
                               path="f.jsonl:1")
    assert isinstance(result, Mapped), result
    return result


# ---- field maps ------------------------------------------------------------------------------

def test_parse_field_map_overrides_only_the_fields_given() -> None:
    field_map = parse_field_map(["body=short_description", "TAGS = Topics, places",
                                 "tags=people"])
    assert field_map["body"] == ("short_description",)
    assert field_map["tags"] == ("topics", "places", "people")
    assert field_map["title"] == ("title", "headline", "webtitle", "name")
    assert parse_field_map([]) == DEFAULT_FIELD_MAP
    assert field_map_specs(field_map) == ["body=short_description", "tags=topics,places,people"]


@pytest.mark.parametrize(("spec", "says"), [
    ("body", "is not FIELD=KEY"),
    ("=text", "is not FIELD=KEY"),
    ("colour=hue", "names no article field 'colour': use one of id, title, body"),
    ("tags=", "has an empty record key"),
    ("tags=topics,,places", "has an empty record key"),
])
def test_parse_field_map_rejects_bad_specs(spec: str, says: str) -> None:
    with pytest.raises(FieldMapError, match="--map") as error:
        parse_field_map([spec])
    assert says in str(error.value)


KEY = st.text(string.ascii_lowercase + string.digits + "_.-$", min_size=1, max_size=12)


@given(st.dictionaries(st.sampled_from(ARTICLE_FIELDS), st.lists(KEY, min_size=1, max_size=4)))
def test_parse_field_map_round_trips(overrides: dict[str, list[str]]) -> None:
    field_map = parse_field_map([f"{f}={','.join(keys)}" for f, keys in overrides.items()])
    for name in ARTICLE_FIELDS:
        expected = tuple(dict.fromkeys(overrides[name])) if name in overrides else (
            DEFAULT_FIELD_MAP[name])
        assert field_map[name] == expected
    assert parse_field_map(field_map_specs(field_map)) == field_map


# ---- records -> articles ---------------------------------------------------------------------

def test_record_with_alternate_keys_and_everything_else_in_meta() -> None:
    mapped = convert({
        "_id": {"$oid": "65e6f1"}, "Headline": "  Port strike ends  ",
        "content": ["Dockers return.", " Talks go on. "],
        "categories": "Labour; Shipping, labour", "byline": "By Ann Lee, Bo Chen",
        "pubDate": "Tue, 05 Mar 2024 09:00:00 +0100", "link": "https://news.example/strike",
        "publisher": {"name": "Harbour Times"}, "wordcount": 512, "section": "Business"})
    assert mapped.warnings == ()
    assert mapped.article == Article(
        id="65e6f1", title="Port strike ends", body="Dockers return.\n\nTalks go on.",
        tags=("Labour", "Shipping"), authors=("Ann Lee", "Bo Chen"),
        published=datetime(2024, 3, 5, 8, 0), source="Harbour Times",
        url="https://news.example/strike", path="f.jsonl:1")
    assert mapped.article.meta == {"wordcount": 512, "section": "Business"}


def test_list_fields_concatenate_all_keys_and_scalars_take_the_first_non_empty() -> None:
    mapped = convert({"title": "", "headline": "Grain exports rise", "name": "unused",
                      "topics": ["grain", "trade"], "places": ["usa", "Grain"],
                      "meta": {"author": {"name": "R. Diaz"}, "desk": "ag"}},
                     ["tags=topics,places", "authors=meta.author"])
    article = mapped.article
    assert (article.title, article.tags, article.authors) == (
        "Grain exports rise", ("grain", "trade", "usa"), ("R. Diaz",))
    assert article.id == "f.jsonl:1"
    # "name" came after the winner: it is other data, so it is kept; a nested object is kept whole.
    assert article.meta == {"name": "unused", "meta": {"author": {"name": "R. Diaz"},
                                                       "desk": "ag"}}


@pytest.mark.parametrize(("value", "expected"), [
    ("1987-02-26T15:01:01", datetime(1987, 2, 26, 15, 1, 1)),
    ("2024-03-05T08:30:00Z", datetime(2024, 3, 5, 8, 30)),
    ("2024-03-05T08:30:00-05:00", datetime(2024, 3, 5, 13, 30)),
    ("2024-03-05", datetime(2024, 3, 5)),
    ("Thu, 26 Feb 1987 15:01:01 EST", datetime(1987, 2, 26, 20, 1, 1)),
    ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000)),
    ("March 5, 2024 10:15", datetime(2024, 3, 5, 10, 15)),
    (1709627400, datetime(2024, 3, 5, 8, 30)),
    (1709627400123, datetime(2024, 3, 5, 8, 30, 0, 123000)),
    ("1709627400", datetime(2024, 3, 5, 8, 30)),
    ({"$date": "2024-03-05T08:30:00Z"}, datetime(2024, 3, 5, 8, 30)),
    # Never completed from a default: no year, no day, or no date at all.
    ("March 2024", None), ("5 March", None), ("next Tuesday", None),
    ("31-MAR-1987 605:12:19.12", None), ("", None), (True, None), (float("nan"), None),
    (10**30, None), ([2024, 3, 5], None),
])
def test_parse_date(value: Any, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@given(st.text(max_size=40) | st.from_regex(r"\d{1,4}[-/ ]\w{1,9}[-/ ]\d{1,4}( \d\d:\d\d)?"))
def test_parse_date_never_raises_and_returns_naive_utc(text: str) -> None:
    parsed = parse_date(text)
    assert parsed is None or (isinstance(parsed, datetime) and parsed.tzinfo is None)


def test_unreadable_date_keeps_the_article_and_the_raw_value() -> None:
    mapped = convert({"title": "Budget vote", "date": "sometime in spring", "published_at": ""})
    assert mapped.article.published is None
    assert mapped.article.meta == {"date": "sometime in spring"}
    assert mapped.warnings == ("unreadable date (date='sometime in spring'): indexed without a "
                               "date, the raw value is kept in meta",)
    # A later key that does parse wins, and then there is nothing to warn about.
    mapped = convert({"title": "Budget vote", "date": "spring", "created_at": 1709627400})
    assert (mapped.article.published, mapped.warnings) == (datetime(2024, 3, 5, 8, 30), ())
    assert mapped.article.meta == {"date": "spring"}


def test_numeric_dates_in_records_are_dates_or_reported() -> None:
    """Issue 16 class 9: a year, a compact date and an epoch time each mean what they say;
    a number that is none of them is reported, never read as a moment of 1970."""
    year = convert({"title": "t", "published": 2020})
    assert year.article.published == datetime(2020, 1, 1)
    assert [(n.kind, n.detail) for n in year.notes if isinstance(n, Decision)] == [
        ("date without a day: its first day used", "2020")]
    assert convert({"title": "t", "published": 20200131}).article.published == \
        datetime(2020, 1, 31)
    assert convert({"title": "t", "date": "2020"}).article.published == datetime(2020, 1, 1)
    # a year alone gives way to a later key that states the day, and is then not counted
    both = convert({"title": "t", "published": 2020, "created_at": "2020-03-05T08:30:00Z"})
    assert (both.article.published, both.notes) == (datetime(2020, 3, 5, 8, 30), ())
    assert both.article.meta == {"published": 2020}
    bad = convert({"title": "t", "published": 99999})
    assert bad.article.published is None
    assert bad.article.meta == {"published": 99999}
    assert bad.warnings == ("unreadable date (published=99999): indexed without a date, the "
                            "raw value is kept in meta",)


def test_record_without_title_or_body_is_refused_by_id() -> None:
    result = record_to_article({"id": 77, "tags": ["x"], "body": "  "}, DEFAULT_FIELD_MAP,
                               default_id="f.jsonl:3", path="f.jsonl:3")
    assert isinstance(result, str)
    assert result.startswith("record '77' has neither a title nor a body (looked for keys "
                             "title, headline, webtitle, name, body, text, content, fields.bodytext"
                             " and 15 more;")


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
FIELD_KEYS = st.sampled_from(sorted({k for keys in DEFAULT_FIELD_MAP.values() for k in keys}
                                    | {"Title", "BODY", "Tags", "meta", "x"}))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(FIELD_KEYS | st.text(max_size=8), JSON_VALUE, max_size=8),
       st.lists(st.sampled_from(["authors=meta.author", "tags=topics,x", "title=x.y",
                                 "published=x,date"]), max_size=2))
def test_any_json_object_maps_without_raising(record: dict[str, Any], specs: list[str]) -> None:
    result = record_to_article(record, parse_field_map(specs), default_id="d", path="p")
    if isinstance(result, Mapped):
        article = result.article
        assert article.title or article.body
        assert article.published is None or isinstance(article.published, datetime)
        assert article.published is None or article.published.tzinfo is None
        json.dumps(article.meta)
        assert set(article.meta) <= set(record)


# ---- JSON Lines ------------------------------------------------------------------------------

WIRE = b"\n".join([
    b'{"id": "w-1", "title": "Fed holds rates", "body": "The Federal Reserve left rates '
    b'unchanged.", "tags": ["economy", "fed"], "published": "2024-03-20T18:00:00Z", '
    b'"desk": "markets"}',
    b'{"ID": "w-2", "Headline": "Ferry strike called off", "Text": "Unions accepted the offer.",'
    b' "Keywords": "transport; labour", "Author": "By Jo Park", "pubDate": 1710943200000}',
    b"",
    b'{"id": "w-4", "title": "Broken record", "body": ',
    b'["an", "array", "not", "an", "article"]',
    b'{"id": "w-6", "body": "A brief with no headline."}',
    b'{"id": "w-7", "tags": ["orphan"], "title": ""}',
    b'{"id": "w-8", "title": "Caf\xe9 owners protest rent rises", "body": "Owners marched."}',
    b'{"id": "w-9", "title": "Dateless", "body": "Text.", "date": "the other day"}',
    b'{"id": "w-10", "title": "Last one", "body": "Still read after all that."}',
]) + b"\n"


def summarise(items: list[Article | Problem]) -> list[tuple[str, ...]]:
    return [("article", item.id, item.path) if isinstance(item, Article)
            else ("problem", str(item), str(item.skipped)) for item in items]


@pytest.mark.parametrize("name", ["wire.jsonl", "wire.jsonl.gz"])
def test_read_jsonl_reads_good_lines_and_reports_bad_ones(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(WIRE) if name.endswith(".gz") else WIRE)
    items = list(jsonl.read_jsonl(source(path)))
    assert summarise(items) == [
        ("article", "w-1", f"{name}:1"),
        ("article", "w-2", f"{name}:2"),
        ("problem", f"{name}:4: invalid JSON: Expecting value at column 49", "True"),
        ("problem", f"{name}:5: not a JSON object but an array: each line must be one article "
                    "object", "True"),
        ("article", "w-6", f"{name}:6"),
        ("problem", f"{name}:7: record 'w-7' has neither a title nor a body (looked for keys "
                    "title, headline, webtitle, name, body, text, content, fields.bodytext and "
                    "15 more; use --map body=KEY if the text is under another key)", "True"),
        ("problem", f"{name}:8: invalid UTF-8 at byte 27 of the line; decoded as cp1252",
         "False"),
        ("article", "w-8", f"{name}:8"),
        ("problem", f"{name}:9: unreadable date (date='the other day'): indexed without a date, "
                    "the raw value is kept in meta", "False"),
        ("article", "w-9", f"{name}:9"),
        ("article", "w-10", f"{name}:10"),
    ]
    first, second, brief, cafe = (i for i in items if isinstance(i, Article) and i.id in
                                  {"w-1", "w-2", "w-6", "w-8"})
    assert first == Article("w-1", "Fed holds rates", "The Federal Reserve left rates unchanged.",
                            ("economy", "fed"), (), datetime(2024, 3, 20, 18), "", "",
                            f"{name}:1")
    assert first.meta == {"desk": "markets"}
    assert (second.title, second.tags, second.authors, second.published) == (
        "Ferry strike called off", ("transport", "labour"), ("Jo Park",),
        datetime(2024, 3, 20, 14, 0))
    assert (brief.title, brief.body) == ("", "A brief with no headline.")
    assert cafe.title == "Café owners protest rent rises"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(max_size=40) | st.builds(lambda v: json.dumps(v).encode(), JSON_VALUE),
                max_size=6))
def test_read_jsonl_never_raises_on_any_lines(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "fuzz.jsonl"
    content = b"\n".join(line.replace(b"\x00", b"") for line in lines)
    path.write_bytes(content)
    try:
        for item in jsonl.read_jsonl(source(path)):
            assert isinstance(item, (Article, Problem))
    except UnreadableFile as e:  # only a whole file's reason: a UTF-16/32 mark
        assert content.startswith((b"\xff\xfe", b"\xfe\xff")), str(e)


# ---- JSON ------------------------------------------------------------------------------------

ONE = {"id": "a1", "title": "Solo", "body": "Just one."}


@pytest.mark.parametrize(("document", "expected"), [
    (ONE, [("article", "a1", "feed.json")]),
    ([ONE, {"title": "No id"}, 5], [
        ("article", "a1", "feed.json#1"), ("article", "feed.json#2", "feed.json#2"),
        ("problem", "feed.json: item 3 is a number, not an article object", "True")]),
    ({"status": "ok", "totalResults": 1, "articles": [ONE]}, [("article", "a1", "feed.json#1")]),
    ({"version": "https://jsonfeed.org/version/1.1", "title": "My feed",
      "items": [{"id": "i1", "content_text": "Hello", "title": "Post"}]},
     [("article", "i1", "feed.json#1")]),
    ({"status": "OK", "response": {"meta": {"hits": 1}, "docs": [ONE]}},
     [("article", "a1", "feed.json#1")]),
    ({"results": []}, []),
])
def test_read_json_shapes(tmp_path: Path, document: Any, expected: list[tuple[str, ...]]) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert summarise(list(jsonl.read_json(source(path)))) == expected


@pytest.mark.parametrize(("content", "says"), [
    ('[\n  {"title": "a"},\n  {"title": }\n]', "invalid JSON: Expecting value at line 3 column 13"),
    ('"just a string"', "JSON holds a string, not articles"),
    ("", "invalid JSON: Expecting value at line 1 column 1"),
])
def test_read_json_unreadable(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableFile, match=says):
        list(jsonl.read_json(source(path)))


# ---- Markdown --------------------------------------------------------------------------------

def read_md(tmp_path: Path, text: str, name: str = "post.md") -> list[Article | Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(markdown.read(source(path)))


def test_markdown_front_matter_goes_through_the_field_map(tmp_path: Path) -> None:
    items = read_md(tmp_path, (
        "---\n"
        "id: council-bridge-2024\n"
        'title: "Council approves new bridge"\n'
        "date: 2024-03-05 09:15:00+01:00\n"
        "tags: [transport, council]\n"
        "author: Priya Shah\n"
        "description: A short summary that is not the body.\n"
        "layout: post\n"
        "updated: 2024-03-06\n"
        "---\n"
        "\n"
        "# Council approves new bridge\n"
        "\n"
        "The city council voted **7-2** on Monday.\n"))
    assert items == [Article(
        "council-bridge-2024", "Council approves new bridge",
        "The city council voted 7-2 on Monday.",
        ("transport", "council"), ("Priya Shah",), datetime(2024, 3, 5, 8, 15), "", "",
        "post.md")]
    assert isinstance(items[0], Article)
    assert items[0].meta == {"description": "A short summary that is not the body.",
                             "layout": "post", "updated": "2024-03-06"}


@pytest.mark.parametrize(("date", "published", "said"), [
    ("20200131", datetime(2020, 1, 31), ""),  # YAML reads an int: was 1970-08-22
    ("2020", datetime(2020, 1, 1), "date without a day: its first day used"),  # was 1970
    ("1234567", None, "unreadable date (date=1234567)"),
    ("1709627400", datetime(2024, 3, 5, 8, 30), ""),
])
def test_markdown_numeric_front_matter_dates(tmp_path: Path, date: str,
                                             published: datetime | None, said: str) -> None:
    items = read_md(tmp_path, f"---\ntitle: T\ndate: {date}\n---\nThe text.\n")
    (article,) = [i for i in items if isinstance(i, Article)]
    assert article.published == published
    notes = [f"{i.kind}" if isinstance(i, Decision) else i.message
             for i in items if isinstance(i, (Decision, Problem))]
    assert len(notes) == (1 if said else 0) and all(n.startswith(said) for n in notes)


@pytest.mark.parametrize(("text", "title", "body"), [
    ("# Plain heading\n\nSome *text* here.\n\n## Section\n\nMore.\n", "Plain heading",
     "Some text here.\n\nSection\n\nMore."),
    ("Setext title\n============\n\nBody.\n", "Setext title", "Body."),
    ("Intro paragraph.\n\n# Later section\n\nText.", "",
     "Intro paragraph.\n\nLater section\n\nText."),
    ("---\ntags: [a]\n---\n# From heading #\nBody.", "From heading", "Body."),
    ("---\n\nProse between rules.\n\n---\n\nText after.", "",
     "Prose between rules.\n\nText after."),
])
def test_markdown_title_from_opening_heading(tmp_path: Path, text: str, title: str,
                                             body: str) -> None:
    (article,) = [i for i in read_md(tmp_path, text) if isinstance(i, Article)]
    assert isinstance(article, Article)
    assert (article.id, article.title, article.body, article.published) == (
        "post.md", title, body, None)


def test_markdown_invalid_yaml_is_read_as_plain_markdown_with_a_warning(tmp_path: Path) -> None:
    warning, article = read_md(tmp_path, (
        "\n---\ntitle: Rates: a primer\ntags: [a, b\n---\n# Rates, a primer\n\nBody text.\n"))
    assert isinstance(warning, Problem) and isinstance(article, Article)
    assert (warning.line, warning.skipped) == (3, False)
    assert str(warning).startswith("post.md:3: invalid YAML front matter (mapping values are not "
                                   "allowed ")
    assert str(warning).endswith("): read as plain Markdown, the front matter is kept as text in "
                                 "meta; fix the YAML to get its fields")
    assert (article.title, article.body, article.tags) == ("Rates, a primer", "Body text.", ())
    assert article.meta == {"front_matter": "title: Rates: a primer\ntags: [a, b"}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"),
               max_size=80).map(lambda body: "---\n" + body))
@example("---\n{:}")  # no front matter end: a kramdown attribute list, removed and counted
def test_markdown_front_matter_never_raises(tmp_path: Path, text: str) -> None:
    for item in read_md(tmp_path, text):
        assert isinstance(item, (Article, Problem, Decision))
        if isinstance(item, Article):
            json.dumps(item.meta)


@pytest.mark.parametrize(("text", "message"), [
    ("", "post.md: empty Markdown file: no title and no text"),
    ("---\ntags: [a]\n---\n\n", "post.md: empty Markdown file: no title and no text"),
])
def test_markdown_problems(tmp_path: Path, text: str, message: str) -> None:
    assert [str(p) for p in read_md(tmp_path, text)] == [message]


# ---- HTML ------------------------------------------------------------------------------------

def test_html_page_metadata_and_main_text() -> None:
    (article,) = articles(html.read(source(DATA / "storm.html")))
    assert isinstance(article, Article)
    assert article.title == "Storm closes Portwick harbour for third day"
    assert article.published == datetime(2024, 3, 5, 7, 30)
    assert article.tags == ("Weather", "Shipping", "storm", "harbour", "ferries")
    assert article.authors == ("Maria Lopez",)
    assert (article.source, article.url) == (
        "The Coastal Gazette", "https://gazette.example.com/news/2024/storm-harbour")
    assert article.id == article.path == "storm.html"
    paragraphs = article.body.split("\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The harbour at Portwick stayed closed on Tuesday")
    assert paragraphs[2].endswith("made outdoor seating impossible.")
    for boilerplate in ("Subscribe", "Advertisement", "Home", "Most read", "Privacy", "©",
                        "Mayor opens"):
        assert boilerplate not in article.body
    assert article.meta["description"] == "Ferries cancelled as gales batter the coast."


def test_html_page_without_a_date_gets_none_not_a_guess() -> None:
    # The footer says "© 2019-2023" and "Updated 12 January 2023": neither is a publication date.
    items = [i for i in html.read(source(DATA / "undated.html")) if not isinstance(i, Decision)]
    assert [type(i) for i in items] == [Article]
    article = items[0]
    assert isinstance(article, Article)
    assert article.published is None
    assert article.title == "Volunteers count 40 species in village bird survey"
    assert "cookies" not in article.body and article.body.startswith("More than sixty")


@pytest.mark.parametrize(("head", "published"), [
    ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
     '[{"@type": "NewsArticle", "datePublished": "2023-11-02T06:00:00Z"}]}</script>',
     datetime(2023, 11, 2, 6)),
    ('<meta name="pubdate" content="20231102">', datetime(2023, 11, 2)),
    ('<meta itemprop="datePublished" content="2023-11-02">', datetime(2023, 11, 2)),
])
def test_html_dates_from_json_ld_and_other_meta(tmp_path: Path, head: str,
                                                published: datetime) -> None:
    page = (DATA / "undated.html").read_text(encoding="utf-8").replace("</head>", head + "</head>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    (article,) = articles(html.read(source(path)))
    assert isinstance(article, Article) and article.published == published


@pytest.mark.parametrize(("declaration", "problems"), [
    ('<meta charset="windows-1252">', []),
    ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', []),
    ("", ["legacy.html: invalid UTF-8 at byte 577; decoded as cp1252"]),
])
def test_html_legacy_encodings(tmp_path: Path, declaration: str, problems: list[str]) -> None:
    page = (DATA / "undated.html").read_text(encoding="utf-8").replace(
        '<meta charset="utf-8">', declaration).replace(
        "bird survey, recording", "bird survey (caf\u00e9 included), recording")
    path = tmp_path / "legacy.html"
    path.write_bytes(page.encode("cp1252"))
    items = list(html.read(source(path)))
    assert [str(i) for i in items if isinstance(i, Problem)] == problems
    assert isinstance(items[-1], Article) and "(café included)" in items[-1].body


def test_html_problems(tmp_path: Path) -> None:
    assert [str(p) for p in html.read(source(DATA / "nav-only.html"))
            if isinstance(p, Problem)] == [
        "nav-only.html: no article text found in the page"]
    page = (DATA / "undated.html").read_text(encoding="utf-8").replace(
        "</head>", '<meta property="article:published_time" content="last Tuesday"></head>')
    path = tmp_path / "bad-date.html"
    path.write_text(page, encoding="utf-8")
    warning, article = [i for i in html.read(source(path)) if not isinstance(i, Decision)]
    assert str(warning) == ("bad-date.html: unreadable date 'last Tuesday' in the page's meta "
                            "tags: indexed without a date")
    assert isinstance(article, Article) and article.published is None
    assert article.meta["published_raw"] == "last Tuesday"


# ---- the real Reuters-21578 file -------------------------------------------------------------

@needs_shared(REUTERS)
def test_reuters_reads_with_the_tags_map() -> None:
    """What the reader makes of each record; the counts (21,577 articles, 736 untitled, the
    tag counts) are checked once, on the built index, by test_build's completeness test."""
    items = list(jsonl.read_jsonl(Source(REUTERS, "reuters21578/articles.jsonl.gz",
                                         parse_field_map(REUTERS_MAP))))
    articles = [i for i in items if isinstance(i, Article)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [(p.line, p.skipped, p.message.startswith("record '12793' has neither"))
            for p in problems] == [(12793, True, True)]
    assert all(a.published is not None for a in articles)
    dates = [a.published for a in articles if a.published is not None]
    assert (min(dates), max(dates)) == (datetime(1987, 2, 26, 15, 1, 1),
                                        datetime(1987, 10, 20, 22, 53, 18))
    first = articles[0]
    assert (first.id, first.title, first.tags, first.path) == (
        "1", "BAHIA COCOA REVIEW", ("cocoa", "el-salvador", "usa", "uruguay"),
        "reuters21578/articles.jsonl.gz:1")
    assert first.meta["date_raw"] == "26-FEB-1987 15:01:01.79"
    assert "topics" not in first.meta and "date" not in first.meta


@pytest.mark.parametrize(("front", "published", "tags"), [
    ("date: 2020-08-31-20-02-06\ncategories: news politics", datetime(2020, 8, 31, 20, 2, 6),
     ("news", "politics")),
    ("date: '0001-01-01T00:00:00Z'\ncategory: World News", None, ("World News",)),
    ("categories: [a, b]\ntags: c", datetime(2020, 8, 31), ("c", "a", "b")),
])
def test_markdown_static_site_conventions(tmp_path: Path, front: str,
                                         published: datetime | None,
                                         tags: tuple[str, ...]) -> None:
    items = read_md(tmp_path, f"---\ntitle: T\n{front}\n---\nText.\n",
                    name="2020-08-31-some-slug.md")
    (article,) = [i for i in items if isinstance(i, Article)]
    assert (article.published, article.tags) == (published, tags)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(
    lambda b: b.decode("latin-1")), st.sampled_from([
        "---\r\ntitle: x\r\n---\r\nBody", "+++\ntitle = 'x'\n+++\n# H\n", "+++\n=\n+++\n",
        "---\na: &a [*a]\n---\n", "{: .x}\n{% x %}\n<div markdown=1>**b**</div>",
        "---\ndate: 2020-08-31-99-99-99\n---\n"])))
def test_markdown_reader_never_raises(tmp_path_factory: pytest.TempPathFactory,
                                      text: str) -> None:
    path = tmp_path_factory.getbasetemp() / "md-hypothesis.md"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        items = list(markdown.read(source(path)))
    except UnreadableFile:  # NUL bytes: a binary file, refused as a whole
        assert "\x00" in text
        return
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) + sum(isinstance(i, Problem) and i.skipped for i in items) == 1
