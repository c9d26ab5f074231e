"""News-API and scraper JSON shapes whose article text is not under the usual keys
(issue 15, "JSON API dumps whose body lives in unexpected keys"). No real file in
../shared/fixtures has these shapes, so each is a generated record of the shape the
tool writes: news-please (``maintext``, ``date_publish``), JSON Feed (``content_html``),
the WordPress REST API (``{"rendered": ...}``), paragraphs as objects, and a key of an
API's own naming, found as the record's longest prose, NewsData.io's placeholder content
and GNews' truncation marker. And what must not be taken for the text: a page's whole
HTML, a long URL or id, a map the user gave, a short body a few records share."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from searcher.formats import parse_field_map, reader_for
from searcher.formats.base import Source
from searcher.models import Article, Decision

SUMMARY = "The council will close the old bridge to lorries from May."
PARAS = [f"Paragraph {n}: the council voted on Tuesday to close the old bridge to lorries "
         "from May, after a survey found cracks in two of its piers and the engineers said "
         "repairs would take most of the year." for n in range(1, 5)]
TEXT = "\n\n".join(PARAS)


def _read(tmp_path: Path, data: Any, *, name: str = "dump.json",
          field_map: list[str] | None = None) -> list[Article]:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    reader = reader_for(path)
    assert reader is not None
    return [i for i in reader(Source(path, name, parse_field_map(field_map or [])))
            if isinstance(i, Article)]


def test_news_please_maintext_and_date_publish(tmp_path: Path) -> None:
    record = {"title": "Bridge to close", "description": SUMMARY, "maintext": TEXT,
              "date_publish": "2019-06-29 10:00:00", "authors": ["Jane Doe"],
              "source_domain": "news.example.com", "language": "en"}
    [article] = _read(tmp_path, record)
    assert article.body == TEXT
    assert article.published == datetime(2019, 6, 29, 10)
    assert article.meta["description"] == SUMMARY  # kept, not lost


def test_json_feed_item(tmp_path: Path) -> None:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Gazette",
            "items": [{"id": "1", "title": "Bridge to close", "summary": SUMMARY,
                       "content_html": "".join(f"<p>{p}</p>" for p in PARAS),
                       "date_published": "2024-03-05T07:30:00Z",
                       "authors": [{"name": "Jane Doe"}]}]}
    [article] = _read(tmp_path, feed)
    assert [p for p in article.body.split("\n") if p] == PARAS
    assert article.authors == ("Jane Doe",)
    assert article.published == datetime(2024, 3, 5, 7, 30)


def test_wordpress_rest_rendered_fields(tmp_path: Path) -> None:
    post = {"id": 42, "date": "2024-03-05T07:30:00",
            "title": {"rendered": "Bridge to close &#8211; council"},
            "content": {"rendered": "".join(f"<p>{p}</p>" for p in PARAS), "protected": False},
            "excerpt": {"rendered": f"<p>{SUMMARY}</p>", "protected": False}}
    [article] = _read(tmp_path, [post])
    assert article.title == "Bridge to close – council"
    assert [p for p in article.body.split("\n") if p] == PARAS


def test_paragraphs_as_objects(tmp_path: Path) -> None:
    record = {"headline": "Bridge to close",
              "body": [{"type": "paragraph", "text": p} for p in PARAS]}
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [article] = [i for i in reader_for(path)(Source(path, path.name))  # type: ignore[misc]
                 if isinstance(i, Article)]
    assert article.body == TEXT


def test_text_under_a_key_of_the_apis_own_is_the_longest_prose(tmp_path: Path) -> None:
    record = {"headline": "Bridge to close", "summary": SUMMARY, "story_text_v2": TEXT,
              "image_caption": "The old bridge at dawn."}
    [article] = _read(tmp_path, [record])
    assert article.body == TEXT
    assert article.meta["summary"] == SUMMARY and "story_text_v2" not in article.meta


def test_page_html_urls_and_ids_are_not_the_text(tmp_path: Path) -> None:
    page = "<html><head><script>var a = 1;</script></head><body>" + "".join(
        f"<div class='nav'><a href='/x/{n}'>Link {n}</a></div>" for n in range(60)) + \
        "".join(f"<p>{p}</p>" for p in PARAS) + "</body></html>"
    record = {"title": "Bridge to close", "text": PARAS[0], "raw_html": page,
              "image": "data:image/png;base64," + "QUJD" * 300,
              "tracking_url": "https://example.com/?" + "&".join(f"k{n}=v{n}" for n in range(80))}
    [article] = _read(tmp_path, [record])
    assert article.body == PARAS[0]


def test_a_body_key_the_user_maps_is_kept(tmp_path: Path) -> None:
    record = {"title": "Bridge to close", "summary": SUMMARY, "story_text_v2": TEXT}
    [article] = _read(tmp_path, [record], field_map=["body=summary"])
    assert article.body == SUMMARY


def test_a_placeholder_the_api_puts_in_every_record_gives_way(tmp_path: Path) -> None:
    """NewsData.io's free tier puts ``ONLY AVAILABLE IN PAID PLANS`` under ``content`` in
    every record: the dump itself shows it is no article's text (the same short value in
    most records); the description is the body and the drop is counted."""
    results = [{"article_id": f"a{n}", "title": f"Story {n}", "link": f"https://x.in/{n}",
                "description": f"{SUMMARY} Story {n}.", "content": "ONLY AVAILABLE IN PAID PLANS",
                "pubDate": "2024-01-03 06:10:41", "source_id": "x"} for n in range(4)]
    path = tmp_path / "newsdata.json"
    path.write_text(json.dumps({"status": "success", "totalResults": 4, "results": results}),
                    encoding="utf-8")
    reader = reader_for(path)
    assert reader is not None
    items = list(reader(Source(path, path.name)))
    found = [i for i in items if isinstance(i, Article)]
    assert [a.body for a in found] == [f"{SUMMARY} Story {n}." for n in range(4)]
    dropped = [i for i in items if isinstance(i, Decision) and i.kind == "placeholder text dropped"]
    assert len(dropped) == 4 and dropped[0].detail == "content: ONLY AVAILABLE IN PAID PLANS"


def test_a_short_body_shared_by_few_records_is_kept(tmp_path: Path) -> None:
    records = [{"title": f"Index {n}", "body": "NYSE INDEX UP 1.30" if n < 2 else f"Body {n}"}
               for n in range(6)]
    assert [a.body for a in _read(tmp_path, records)] == [
        "NYSE INDEX UP 1.30", "NYSE INDEX UP 1.30", "Body 2", "Body 3", "Body 4", "Body 5"]


def test_gnews_truncation_marker(tmp_path: Path) -> None:
    record = {"title": "Bridge to close", "description": SUMMARY,
              "content": f"{PARAS[0]} ... [2269 chars]"}
    [article] = _read(tmp_path, {"totalArticles": 1, "articles": [record]})
    assert article.body == f"{SUMMARY}\n\n{PARAS[0]}"
    assert article.meta["truncated_chars"] == 2269
