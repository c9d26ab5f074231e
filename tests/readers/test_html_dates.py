"""A saved page's date when none of the usual places states it (html_meta's last resorts):
a meta key of the page's own naming, the date in its own URL's path, a <title> segment
that is a date. Each is read only when everything before it fails; generated pages and
the real page that has only a <title> date (../shared/fixtures/pool, development half)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from searcher.formats.base import Source
from searcher.formats.html import read
from searcher.models import Article, Problem

from ..conftest import SHARED, needs_shared
from .one_page import read_page

SI_GAME = SHARED / "fixtures" / "pool" / "html" / "python-readability" / "si-game.sample.html"
TEXT = " ".join(["The council voted on Tuesday to close the old bridge to cars while it is "
                 "repaired, a job the engineers expect to take most of next year."] * 6)


def _page(head: str, title: str = "Bridge closes for repairs") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body><article>"
            f"<h1>Bridge closes for repairs</h1><p>{TEXT}</p><p>{TEXT}</p>"
            "</article></body></html>")


def _read(tmp_path: Path, page: str) -> tuple[Article, list[Problem]]:
    return read_page(tmp_path, "page.html", page, Problem)


@pytest.mark.parametrize(("head", "title", "day"), [
    ('<meta name="article_date_original" content="2014-12-29">', None, "2014-12-29"),
    ('<meta property="veeseo:date" content="2019-06-20T10:00:00">', None, "2019-06-20"),
    ('<link rel="canonical" href="https://example.com/news/2016/12/19/bridge/">', None,
     "2016-12-19"),
    ('<meta property="og:url" content="https://example.com/2013-12-30/bridge">', None,
     "2013-12-30"),
    ("", "Bridge closes for repairs - Preview - April 16, 2012", "2012-04-16"),
    ("", "Bridge closes for repairs | City | 19.01.2020", "2020-01-19"),
])
def test_last_resort_dates(tmp_path: Path, head: str, title: str | None, day: str) -> None:
    article, problems = _read(tmp_path, _page(head, title or "Bridge closes for repairs"))
    assert article.published is not None and article.published.date().isoformat() == day
    assert not problems


@pytest.mark.parametrize("head", [
    '<meta name="article_date_updated" content="2014-12-29">',      # an update, not a date
    '<meta name="last-modified" content="2014-12-29">',
    '<meta name="msvalidate.01" content="2014-12-29">',              # "date" inside a word
    '<link rel="canonical" href="https://example.com/2016/13/40/bridge/">',  # no such day
    '<meta name="article_date_original" content="soon">',           # unreadable: no date
])
def test_no_date_from_what_is_not_one(tmp_path: Path, head: str) -> None:
    article, problems = _read(tmp_path, _page(head, "Bridge closes | 2019 plans"))
    assert article.published is None
    assert not [p for p in problems if "date" in p.message]


def test_a_stated_date_wins_over_the_last_resorts(tmp_path: Path) -> None:
    head = ('<meta property="article:published_time" content="2016-11-30T01:00:00Z">'
            '<link rel="canonical" href="https://example.com/2016/11/29/bridge/">'
            '<meta name="article_date_original" content="2015-01-01">')
    article, _ = _read(tmp_path, _page(head, "Bridge - 28.11.2016"))
    assert article.published == datetime(2016, 11, 30, 1, 0)


@needs_shared(SI_GAME)
def test_real_page_dated_only_in_its_title() -> None:
    items = list(read(Source(SI_GAME, SI_GAME.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.published == datetime(2012, 4, 16)
