"""A .txt file holding several articles with no labels, set apart by runs of blank lines
(formats/text_blocks.py): a real scraper's file of that shape (../shared/fixtures/pool),
generated lists, and what must stay one article: every other real .txt fixture, real
articles (BBC) whose paragraphs are set apart by two blank lines, a page with sections."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from searcher.formats.base import Source
from searcher.formats.text import read
from searcher.formats.text_blocks import split_blank_separated
from searcher.formats.text_page import content_lines
from searcher.models import Article, Decision

from ..conftest import SHARED, needs_shared

POOL_TXT = SHARED / "fixtures" / "pool" / "txt"
NDTV = POOL_TXT / "ndtv-goal-ajaypudasaini" / "ndtv.txt"
BBC = SHARED / "corpora" / "bbc-news" / "articles.jsonl.gz"
PROSE = ("officials said on Monday that the new rules would take effect next year, after a "
         "long review of how the old ones had worked in practice and what they had cost.")


def _articles(path: Path) -> list[Article]:
    return [i for i in read(Source(path, path.name)) if isinstance(i, Article)]


@needs_shared(NDTV)
def test_real_list_of_articles_is_one_article_each() -> None:
    """A Scrapy file of 36 articles (18 saved twice): headline, blank, standfirst, blank,
    the text; two blank lines before the next headline."""
    articles = _articles(NDTV)
    raw = [line.strip() for line in NDTV.read_text(encoding="utf-8").splitlines()]
    heads = [n for n, line in enumerate(raw) if line and (n == 0 or raw[n - 2:n] == ["", ""])]
    assert len(articles) == len(heads) == 36
    assert [a.title for a in articles] == [raw[n] for n in heads]
    assert [a.id for a in articles] == [f"ndtv.txt#{n}" for n in range(1, 37)]
    assert [a.path for a in articles] == [f"ndtv.txt:{n + 1}" for n in heads]
    first = articles[0]
    assert first.body.startswith("Defending champions India held their nerves")
    assert "India Bank On Sunil Chhetri Magic" not in first.body  # the next headline


def test_generated_list_keeps_every_headline(tmp_path: Path) -> None:
    """A headline that reads like a pointer elsewhere (``WATCH: ...``) is still the
    headline once the file is known to be a list of articles: nothing dropped."""
    heads = ["Rules Change for Small Firms Next Year", "WATCH: Minister explains the new rules",
             "Small firms welcome the review?", "Council votes on the budget plan",
             "Court rules against the water board"]
    text = "\n\n\n".join(f"{h}\n\n{PROSE}\n\nThe review {PROSE}" for h in heads)
    path = tmp_path / "list.txt"
    path.write_text(text, encoding="utf-8")
    items = list(read(Source(path, path.name)))
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.title for a in articles] == heads
    assert all(a.body == f"{PROSE}\n\nThe review {PROSE}" for a in articles)
    assert not [i for i in items if isinstance(i, Decision)]


def _one(text: str) -> bool:
    return split_blank_separated(content_lines(text)) is None


def test_a_page_with_few_or_irregular_blocks_stays_one_article() -> None:
    two = "\n\n\n".join(f"Heading {n} of the page\n\n{PROSE}" for n in range(2))
    irregular = "".join(f"Heading {n} of the page\n\n{PROSE}" + "\n" * (3 + n % 4)
                        for n in range(6))
    paragraphs = "Rules Change\n\n" + "\n\n\n".join(f"The {n} {PROSE}" for n in range(5))
    assert _one(two) and _one(irregular) and _one(paragraphs)


@needs_shared(POOL_TXT)
def test_every_other_real_text_file_is_not_a_list() -> None:
    files = sorted((SHARED / "fixtures").rglob("*.txt"))
    assert len(files) > 30
    lists = [f.name for f in files
             if not _one(f.read_text(encoding="utf-8", errors="replace"))]
    assert lists == ["ndtv.txt", "news.txt"]


@needs_shared(BBC)
@pytest.mark.parametrize("gap", ["\n\n\n", "\n\n\n\n"])
def test_real_articles_with_spaced_paragraphs_stay_whole(gap: str) -> None:
    """BBC articles written as title then paragraphs, every paragraph after two or three
    blank lines (and the first after one): none is cut into several."""
    with gzip.open(BBC, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    cut = []
    for r in records:
        paras = [p for p in r["body"].split("\n\n") if p.strip()]
        text = f"{r['title']}\n\n{paras[0]}{gap}" + gap.join(paras[1:])
        if not _one(text):
            cut.append(r["id"])
    assert len(records) > 2000
    assert cut == []
