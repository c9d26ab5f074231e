"""Lines saying where an image or a chart came from (formats/text_body.is_source_credit):
a real scraper's page that has them (../shared/fixtures/pool, Motley Fool pages), generated
lines, and real prose that must never be taken for one (every line of BBC's bodies)."""

from __future__ import annotations

import gzip
import json

import pytest

from searcher.formats.base import Source
from searcher.formats.text import read
from searcher.formats.text_body import is_source_credit
from searcher.models import Article, Decision

from ..conftest import SHARED, needs_shared

FOOL = SHARED / "fixtures" / "pool" / "txt" / "fool-dippal97" / "article1.txt"
BBC = SHARED / "corpora" / "bbc-news" / "articles.jsonl.gz"


@needs_shared(FOOL)
def test_real_image_and_chart_credits_are_dropped_and_counted() -> None:
    items = list(read(Source(FOOL, FOOL.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert "IMAGE SOURCE" not in article.body and "YCHARTS" not in article.body
    assert article.body.endswith("would certainly help reaffirm the stock's long-term "
                                 "potential.")
    credits = [i.detail for i in items if isinstance(i, Decision)
               and i.kind == "photo credits dropped"]
    assert credits == ["AAPL REVENUE (QUARTERLY YOY GROWTH) DATA BY YCHARTS.",
                       "IMAGE SOURCE: APPLE."]


@pytest.mark.parametrize(("line", "credit"), [
    ("IMAGE SOURCE: APPLE.", True),
    ("Photo source: Getty Images", True),
    ("AAPL Revenue (Quarterly YoY Growth) data by YCharts", True),
    ("Chart: Statista", True),
    ("The figures were compiled from data by Gartner.", False),
    ("Image source: the company's own website, which lists every store", False),
    ("Efficient Processing of Financial Data from PDF Files", False),
    ("Analysts said the data by itself proves nothing about demand next year", False),
])
def test_source_credit_lines(line: str, credit: bool) -> None:
    assert is_source_credit(line) is credit


@needs_shared(BBC)
def test_no_line_of_real_article_text_is_a_source_credit() -> None:
    with gzip.open(BBC, "rt", encoding="utf-8") as lines:
        texts = [line.strip() for record in lines
                 for line in json.loads(record)["body"].splitlines() if line.strip()]
    assert len(texts) > 10_000
    assert [t for t in texts if is_source_credit(t)] == []
