"""JSON records whose keys no field map names: a field is found by the key's own words
(formats/record_keys.py), paragraphs in the shapes editors and APIs write them
(formats/record_values.py), an article list under a key of an API's own naming.

The real-file checks take real API dumps from ../shared and rename every key the map
knows to names of other scrapers and languages: the articles must read the same."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from searcher.formats import parse_field_map, reader_for
from searcher.formats.base import Source
from searcher.formats.record_keys import key_field
from searcher.models import Article
from tests.conftest import REAL_FILES, SHARED, needs_shared

P1 = ("The council voted on Tuesday to approve the new budget after a long debate, and "
      "members said the plan would fund schools and roads for the next decade.")
P2 = ("Opponents argued that the tax rise would hurt small businesses in the town centre "
      "and promised to fight it at the next election in the spring.")
TEXT = f"{P1}\n\n{P2}"


def _read(tmp_path: Path, data: Any, *, name: str = "dump.json",
          field_map: list[str] | None = None) -> list[Article]:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data),
                        encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reader = reader_for(path)
    assert reader is not None
    return [i for i in reader(Source(path, name, parse_field_map(field_map or [])))
            if isinstance(i, Article)]


@pytest.mark.parametrize(("key", "field"), [
    ("articleTitle", "title"), ("story_title", "title"), ("titel", "title"),
    ("título", "title"), ("заголовок", "title"), ("headline_text", "title"),
    ("article_text", "body"), ("inhalt", "body"), ("contenu", "body"), ("story", "body"),
    ("paragraphs", "body"), ("текст", "body"), ("full_text", "body"),
    ("teaser", "summary"), ("bodyTextSummary", "summary"), ("chapeau", "summary"),
    ("publishDate", "published"), ("pub_time", "published"), ("datum", "published"),
    ("date_de_publication", "published"), ("created_on", "published"),
    ("authorName", "authors"), ("writer", "authors"), ("auteur", "authors"),
    ("schlagwörter", "tags"), ("mots-clés", "tags"), ("palabras_clave", "tags"),
    ("article_url", "url"), ("permalink", "url"), ("source_url", "url"),
    ("sourceName", "source"), ("quelle", "source"), ("publisher_name", "source"),
    # words that say the value is something else, or two fields at once
    ("updated_at", None), ("date_modified", None), ("image_url", None),
    ("author_url", None), ("comment_text", None), ("label", None), ("word_count", None),
    ("category", None), ("subtitle", None), ("crawled_date", None), ("title_id", None),
    ("x" * 61, None), ("", None), ("_", None),
])
def test_key_words_name_a_field(key: str, field: str | None) -> None:
    assert key_field(key) == field


@pytest.mark.parametrize(("record", "want"), [
    ({"articleTitle": "Council approves budget", "articleBody": TEXT,
      "publishDate": "2021-03-04", "authorName": "Jane Doe", "sourceName": "Gazette"},
     ("Council approves budget", TEXT, datetime(2021, 3, 4), ("Jane Doe",), (), "Gazette")),
    ({"titel": "Stadtrat beschließt Haushalt", "inhalt": TEXT, "datum": "04.03.2021",
      "autor": "Hans Müller", "schlagworte": ["Haushalt"], "quelle": "SZ"},
     ("Stadtrat beschließt Haushalt", TEXT, datetime(2021, 3, 4), ("Hans Müller",),
      ("Haushalt",), "SZ")),
    ({"titre": "Le conseil adopte le budget", "contenu": TEXT, "auteur": "Jean Dupont",
      "date_publication": "2021-03-04", "mots_cles": ["budget", "conseil"]},
     ("Le conseil adopte le budget", TEXT, datetime(2021, 3, 4), ("Jean Dupont",),
      ("budget", "conseil"), "")),
    ({"заголовок": "Совет утвердил бюджет", "текст": TEXT, "дата": "2021-03-04",
      "автор": "Иван Петров"},
     ("Совет утвердил бюджет", TEXT, datetime(2021, 3, 4), ("Иван Петров",), (), "")),
    ({"article_title": "Council approves budget", "article_text": TEXT,
      "article_date": "March 4, 2021", "article_author": "By Jane Doe"},
     ("Council approves budget", TEXT, datetime(2021, 3, 4), ("Jane Doe",), (), "")),
    # a data set's text under ``document`` beside its one-line ``summary``
    ({"document": TEXT, "summary": "A council approved its budget.", "id": "29750031"},
     ("", TEXT, None, (), (), "")),
    # the fields one object down (a scraper's meta, JSON:API's attributes)
    ({"meta": {"title": "Council approves budget", "published": "2021-03-04"},
      "attributes": {"body": TEXT}},
     ("Council approves budget", TEXT, datetime(2021, 3, 4), (), (), "")),
])
def test_unseen_keys_fill_the_fields(tmp_path: Path, record: dict[str, Any],
                                     want: tuple[Any, ...]) -> None:
    [article] = _read(tmp_path, [record], name="dump.jsonl")
    got = (article.title, article.body, article.published, article.authors, article.tags,
           article.source)
    assert got == want


@pytest.mark.parametrize("body", [
    [{"type": "paragraph", "data": {"text": P1}}, {"type": "paragraph", "data": {"text": P2}}],
    [{"type": "p", "content": P1}, {"type": "p", "content": P2}],
    {"paragraphs": [P1, P2]},
    [{"bodyTextSummary": P1}, {"bodyTextSummary": P2}],
])
def test_paragraph_shapes(tmp_path: Path, body: Any) -> None:
    [article] = _read(tmp_path, [{"title": "Budget", "body": body}], name="dump.jsonl")
    assert article.body == TEXT
    assert "body" not in article.meta  # all of it is in the text


def test_section_headings_are_paragraphs(tmp_path: Path) -> None:
    body = [{"heading": "The vote", "paragraphs": [P1]}, {"heading": "The fight", "text": P2}]
    [article] = _read(tmp_path, [{"title": "Budget", "content": body}], name="dump.jsonl")
    assert article.body.split("\n\n") == ["The vote", P1, "The fight", P2]


def test_a_block_with_text_the_body_does_not_take_stays_in_meta(tmp_path: Path) -> None:
    body = [{"type": "paragraph", "data": {"text": P1}},
            {"type": "image", "data": {"file": {"url": "https://x.example/a.jpg"},
                                       "credit": "Photo by Jane Roe for the Gazette"}},
            {"type": "paragraph", "data": {"text": P2}}]
    [article] = _read(tmp_path, [{"title": "Budget", "body": body}], name="dump.jsonl")
    assert article.body == TEXT
    assert article.meta["body"] == body  # the credit is not lost


def test_known_keys_win(tmp_path: Path) -> None:
    record = {"title": "Known", "articleTitle": "Guessed", "text": P1, "inhalt": TEXT,
              "tags": ["a"], "schlagworte": ["b"], "date": "2020-01-02",
              "publishDate": "2021-03-04"}
    [article] = _read(tmp_path, [record], name="dump.jsonl")
    assert (article.title, article.body, article.tags, article.published) == (
        "Known", P1, ("a",), datetime(2020, 1, 2))
    assert {"articleTitle", "inhalt", "schlagworte", "publishDate"} <= set(article.meta)


def test_text_key_beats_a_known_summary(tmp_path: Path) -> None:
    record = {"title": "Budget", "description": "A budget.", "story_text": TEXT}
    [article] = _read(tmp_path, [record], name="dump.jsonl")
    assert article.body == TEXT
    assert article.meta["description"] == "A budget."


def test_a_map_turns_guessing_off(tmp_path: Path) -> None:
    record = {"articleTitle": "Guessed", "headline_x": "Mapped", "body": TEXT}
    [article] = _read(tmp_path, [record], name="dump.jsonl", field_map=["title=headline_x"])
    assert article.title == "Mapped"
    [article] = _read(tmp_path, [{"articleTitle": "Guessed", "body": TEXT}],
                      name="dump.jsonl", field_map=["title=headline_x"])
    assert article.title == ""
    assert article.meta["articleTitle"] == "Guessed"


def test_values_of_another_shape_are_not_taken(tmp_path: Path) -> None:
    record = {"body": TEXT, "titel": "line one\n\nline two", "article_link": "not a url",
              "data": {"rows": [1, 2]}, "time": "5 min read"}
    [article] = _read(tmp_path, [record], name="dump.jsonl")
    assert (article.title, article.url, article.published) == ("", "", None)
    assert {"titel", "article_link", "data", "time"} <= set(article.meta)


def test_article_list_under_a_key_of_its_own(tmp_path: Path) -> None:
    bing = {"_type": "News", "readLink": "https://api.example/news",
            "value": [{"name": "Council approves budget", "description": P1,
                       "datePublished": "2021-03-04T09:00:00.0000000Z",
                       "provider": [{"_type": "Organization", "name": "Gazette"}]},
                      {"name": "Second story", "description": P2}]}
    articles = _read(tmp_path, bing)
    assert [a.title for a in articles] == ["Council approves budget", "Second story"]
    assert articles[0].published == datetime(2021, 3, 4, 9)


def test_an_article_with_a_list_of_comments_stays_one(tmp_path: Path) -> None:
    record = {"titel": "Budget", "inhalt": TEXT,
              "comments": [{"text": "I disagree with this."}, {"text": "Me too."}]}
    [article] = _read(tmp_path, record)
    assert (article.title, article.body) == ("Budget", TEXT)
    assert len(article.meta["comments"]) == 2


RENAMES = {  # the keys a map knows -> other scrapers' and languages' names for them
    "de": {"title": "titel", "content": "inhalt", "description": "beschreibung",
           "publishedAt": "veröffentlicht", "author": "autor", "url": "link_url",
           "source": "quelle"},
    "fr": {"title": "titre", "content": "contenu", "description": "chapeau",
           "publishedAt": "date_de_publication", "author": "auteur", "url": "lien",
           "source": "source"},
    "camel": {"title": "articleTitle", "content": "articleContent",
              "description": "articleDescription", "publishedAt": "publishDate",
              "author": "authorName", "url": "articleUrl", "source": "publisher"},
}
NEWSAPI = [SHARED / "fixtures" / "pool" / "json" / "newsapi-trilok94" / "sample_response.json",
           REAL_FILES / "json" / "newsapi_2024.json"]


@needs_shared(NEWSAPI[1])
@pytest.mark.parametrize("language", sorted(RENAMES))
@pytest.mark.parametrize("real", NEWSAPI, ids=lambda p: p.name)
def test_real_dumps_with_renamed_keys_read_the_same(tmp_path: Path, real: Path,
                                                    language: str) -> None:
    document = json.loads(real.read_text(encoding="utf-8"))
    renames = RENAMES[language]
    document["articles"] = [{renames.get(k, k): v for k, v in record.items()}
                            for record in document["articles"]]
    (tmp_path / "orig").mkdir()
    want = _read(tmp_path / "orig", json.loads(real.read_text(encoding="utf-8")))
    got = _read(tmp_path, document)
    assert len(got) == len(want) > 5
    for a, b in zip(got, want, strict=True):
        assert (a.title, a.body, a.published, a.authors, a.url, a.source) == (
            b.title, b.body, b.published, b.authors, b.url, b.source)


_WORDS = st.sampled_from(["title", "text", "article", "date", "author", "url", "tags",
                          "updated", "image", "name", "inhalt", "titel", "meta", "x", "Q"])
_KEYS = st.lists(_WORDS, min_size=1, max_size=3).map("_".join) | st.text(max_size=12)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=8)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@settings(max_examples=150, deadline=None)
@given(extra=st.dictionaries(_KEYS, _VALUES, max_size=6))
@example(extra={"inhalt": [{"type": "image", "caption": "A b c"}, "x y"]})
@example(extra={"meta": {"author": "Jane Doe", "tags": ["a b"]}, "titel": "T"})
def test_guessing_never_overrides_known_keys_nor_loses_text(tmp_path_factory: Any,
                                                            extra: dict[str, Any]) -> None:
    extra = {k: v for k, v in extra.items() if k.lower() not in ("title", "text")}
    record = {"title": "Known title", "text": TEXT, **extra}
    path = tmp_path_factory.mktemp("guess") / "dump.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    reader = reader_for(path)
    assert reader is not None
    items = list(reader(Source(path, "dump.jsonl", parse_field_map([]))))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.title == "Known title"
    assert article.body == TEXT
    said = " ".join(str(i) for i in items if not isinstance(i, Article))
    fields = " ".join([article.title, article.body, article.source, article.url,
                       *article.tags, *article.authors, said])
    for key, value in extra.items():
        if key in article.meta or key_field(key) == "published":
            continue
        for text in _strings(value):  # a key read into a field: its text is there
            assert " " not in text.strip() or text.strip() in fields, (key, text)


def test_front_matter_keys_named_by_their_words(tmp_path: Path) -> None:
    """Markdown front matter goes through the same map: a German static site's keys."""
    path = tmp_path / "beitrag.md"
    path.write_text("---\ntitel: Stadtrat beschließt Haushalt\ndatum: 04.03.2021\n"
                    "autor: Hans Müller\nschlagworte: [Haushalt, Stadt]\n---\n\n"
                    "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen.\n",
                    encoding="utf-8")
    reader = reader_for(path)
    assert reader is not None
    [article] = [i for i in reader(Source(path, path.name, parse_field_map([])))
                 if isinstance(i, Article)]
    assert (article.title, article.published, article.authors, article.tags) == (
        "Stadtrat beschließt Haushalt", datetime(2021, 3, 4), ("Hans Müller",),
        ("Haushalt", "Stadt"))
    assert article.body == "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen."
