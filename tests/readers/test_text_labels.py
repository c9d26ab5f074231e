"""Labelled text files (formats/text_labels.py): ``Label: value`` headers read by their
labels, on generated pages of every shape issue 15 lists and on the real multi-record
file in ../shared/fixtures/pool, and a hypothesis round trip."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.formats.base import Source
from searcher.formats.text import parse_records, read
from searcher.formats.text_labels import split_records
from searcher.formats.text_page import content_lines
from searcher.models import Article, Decision, Problem

from ..conftest import SHARED, needs_shared

POETRY = SHARED / "fixtures" / "pool" / "txt" / "poetryfoundation-arani2023" / \
    "scraped_articles.txt"
PARAGRAPHS = [
    "The council voted on Tuesday to close the old bridge to lorries from next spring.",
    "Engineers found cracks in two of its piers last year, the report said.",
    "Repairs are expected to take eighteen months and cost about four million pounds.",
]


def read_page(tmp_path: Path, text: str, name: str = "page.txt") -> list[Article | Decision
                                                                        | Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(read(Source(path, name)))


def articles(items: list[Article | Decision | Problem]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def decisions(items: list[Article | Decision | Problem]) -> list[Decision]:
    return [i for i in items if isinstance(i, Decision)]


def test_labels_on_the_same_line(tmp_path: Path) -> None:
    items = read_page(tmp_path, "Title: Bridge to close to lorries\nBy: Jane Doe\n"
                      "Date: 2023-05-02\nURL: https://news.example.com/bridge\n"
                      "Tags: transport, roads\nSection: Local\n\n" + "\n\n".join(PARAGRAPHS))
    [article] = articles(items)
    assert article.title == "Bridge to close to lorries"
    assert article.authors == ("Jane Doe",)
    assert article.published == datetime(2023, 5, 2)
    assert article.url == "https://news.example.com/bridge"
    assert article.tags == ("transport", "roads")
    assert article.meta == {"section": "Local"}  # an unknown label is kept, not dropped
    assert article.body == "\n\n".join(PARAGRAPHS)
    assert "Title:" not in article.body and "URL" not in article.body


def test_values_on_the_next_line_and_body_label_on_the_same_line(tmp_path: Path) -> None:
    items = read_page(tmp_path, "Headlines:\nBridge to close to lorries\n\nPublished:\n"
                      "May 2, 2023\n\nArticle: " + PARAGRAPHS[0] + "\n" + PARAGRAPHS[1])
    [article] = articles(items)
    assert article.title == "Bridge to close to lorries"
    assert article.published == datetime(2023, 5, 2)
    assert article.body.startswith(PARAGRAPHS[0]) and PARAGRAPHS[1] in article.body
    assert "Article:" not in article.body


def test_summary_is_a_standfirst_not_the_title(tmp_path: Path) -> None:
    items = read_page(tmp_path, "Summary: Lorries will be banned from the old bridge.\n"
                      "Headline: Bridge to close to lorries\nParagraphs:\n"
                      + "\n".join(PARAGRAPHS))
    [article] = articles(items)
    assert article.title == "Bridge to close to lorries"
    assert article.body.split("\n\n")[0] == "Lorries will be banned from the old bridge."
    assert PARAGRAPHS[2] in article.body


@pytest.mark.parametrize(("byline", "authors", "rejected"), [
    ("By: Author not found", (), "Author not found"),
    ("Author: Jane Doe Reuters", ("Jane Doe",), None),
    ("Author: Staff", (), "Staff"),
    ("By: Jane Doe and John Roe", ("Jane Doe", "John Roe"), None),
])
def test_author_values(tmp_path: Path, byline: str, authors: tuple[str, ...],
                       rejected: str | None) -> None:
    items = read_page(tmp_path, f"Title: Bridge to close\n{byline}\nBody:\n{PARAGRAPHS[0]}")
    [article] = articles(items)
    assert article.authors == authors
    found = [d.detail for d in decisions(items) if d.kind == "author rejected"]
    assert found == ([rejected] if rejected else [])


def test_updated_label_is_not_the_publication_date(tmp_path: Path) -> None:
    items = read_page(tmp_path, "Title: Bridge\nUpdated: May 3, 2023\nURL: https://x.example"
                      f"\n\n{PARAGRAPHS[0]}")
    [article] = articles(items)
    assert article.published is None and article.meta == {"updated": "May 3, 2023"}


def test_a_page_with_only_byline_and_date_labels_is_read_by_its_shape(tmp_path: Path) -> None:
    items = read_page(tmp_path, "Bridge to close to lorries\n\nBy: Jane Doe\nDate: 2023-05-02"
                      "\n\n" + "\n\n".join(PARAGRAPHS))
    [article] = articles(items)
    assert article.title == "Bridge to close to lorries"
    assert article.authors == ("Jane Doe",) and article.published == datetime(2023, 5, 2)


def test_several_records_each_an_article_with_a_stable_id(tmp_path: Path) -> None:
    record = "Title: {t}\nURL: https://news.example.com/{n}\nContent: {p}\n\n=== END ===\n\n"
    text = "".join(record.format(t=f"Story {n}", n=n, p=PARAGRAPHS[n]) for n in range(3))
    items = read_page(tmp_path, text, "many.txt")
    found = articles(items)
    assert [a.title for a in found] == ["Story 0", "Story 1", "Story 2"]
    assert [a.id for a in found] == ["many.txt#1", "many.txt#2", "many.txt#3"]
    assert [a.path for a in found] == ["many.txt:1", "many.txt:7", "many.txt:13"]
    assert [a.body for a in found] == PARAGRAPHS
    assert Counter(d.kind for d in decisions(items))["record separator dropped"] == 3
    again = articles(read_page(tmp_path, text, "many.txt"))
    assert [a.id for a in again] == [a.id for a in found]


@needs_shared(POETRY)
def test_real_labelled_file_with_many_records() -> None:
    """A scraper's output (Title: / Interviewer: By ... / Content: / --- End of Article ---)."""
    items = list(read(Source(POETRY, POETRY.name)))
    found = articles(items)
    assert len(found) == POETRY.read_text(encoding="utf-8").count("--- End of Article ---")
    assert len({a.id for a in found}) == len(found)
    first, second = found[0], found[1]
    assert first.title == "2023: Poetry's Year in Prose" and first.authors == ()
    assert second.title == "Following the Impulse of the Brush"
    assert second.authors == ("Arthur Sze",)  # from "Interviewer: By Arthur Sze"
    assert second.body.startswith("A conversation with Kimiko Hahn")
    for article in found:
        assert not any(label in article.body
                       for label in ("Title:", "Interviewer:", "Content:", "End of Article"))
    assert any(d.kind == "author rejected" and d.detail == "The Editors"
               for d in decisions(items))


LABEL_SPELLINGS = {
    "title": ["Title", "Headline", "HEADLINE", "headlines"],
    "authors": ["By", "Author", "Byline"],
    "date": ["Date", "Published", "Publication date"],
    "url": ["URL", "Link"],
}


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(["title", "authors", "date", "url"]),
       spellings=st.fixed_dictionaries({k: st.sampled_from(v)
                                        for k, v in LABEL_SPELLINGS.items()}),
       next_line=st.sets(st.sampled_from(["title", "authors", "date", "url"])),
       body_label=st.sampled_from(["Article", "Body", "Text", "Content", "Paragraphs"]),
       inline_body=st.booleans())
def test_labelled_header_round_trip(tmp_path_factory: pytest.TempPathFactory,
                                    order: list[str], spellings: dict[str, str],
                                    next_line: set[str], body_label: str,
                                    inline_body: bool) -> None:
    values = {"title": "Bridge to close to lorries", "authors": "Jane Doe",
              "date": "May 2, 2023", "url": "https://news.example.com/bridge"}
    head = "".join(f"{spellings[f]}:\n{values[f]}\n" if f in next_line
                   else f"{spellings[f]}: {values[f]}\n" for f in order)
    body = "\n\n".join(PARAGRAPHS)
    text = head + (f"{body_label}: {body}" if inline_body else f"{body_label}:\n{body}")
    [article] = articles(read_page(tmp_path_factory.mktemp("labels"), text))
    assert article.title == values["title"]
    assert article.authors == ("Jane Doe",)
    assert article.published == datetime(2023, 5, 2)
    assert article.url == values["url"]
    assert article.body == body


def test_a_dateline_or_quote_with_a_colon_is_body_not_a_label(tmp_path: Path) -> None:
    """Only short values make an unknown label: ``WASHINGTON: The president said ...``
    after the header is the article's first paragraph."""
    first = ("WASHINGTON: The president said on Tuesday that the bridge would close to "
             "lorries from next spring, after engineers found cracks in two of its piers.")
    items = read_page(tmp_path, "Title: Bridge to close\nURL: https://news.example.com/b\n\n"
                      f"{first}\n\n{PARAGRAPHS[2]}")
    [article] = articles(items)
    assert article.body == f"{first}\n\n{PARAGRAPHS[2]}"
    assert article.meta == {}


def test_records_are_their_own_lines_and_decisions_name_the_files_lines() -> None:
    """Each labelled record holds only its own run of lines (not the whole file blanked
    around it: records x lines cells), and what is dropped in a later record names the
    file's line."""
    text = "".join(f"Title: Story {n}\nBy: Author not found\nText: {PARAGRAPHS[0]}\n\n"
                   for n in range(500))
    records = split_records(content_lines(text))
    assert len(records) == 500
    assert all(len(r.lines) == 4 and r.lines[0] == f"Title: Story {n}"
               for n, r in enumerate(records))
    assert [(r.start, r.offset) for r in records[:3]] == [(0, 0), (4, 4), (8, 8)]
    rejected = [n.line for _, notes in parse_records(text, "many.txt") for n in notes
                if isinstance(n, Decision) and n.kind == "author rejected"]
    assert rejected[:3] == [2, 6, 10] and rejected[-1] == 4 * 499 + 2
