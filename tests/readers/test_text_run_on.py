"""A scraped page whose first line is no headline but the start of its text, broken
where a link was (``Apple`` / ``reported fiscal fourth-quarter earnings ...``:
formats/text_head.py ``_runs_on``): the real file of a scraper that writes pages that way,
and the lines that must stay headlines (a headline wrapped over two lines, a lede opening
with a name written lower-case first: ``iPhone``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.formats.base import Source
from searcher.formats.text import read
from searcher.models import Article, Problem

from ..conftest import SHARED, needs_shared

FOOL = SHARED / "fixtures" / "pool" / "txt" / "fool-dippal97"
LEDE = ("The council voted on Tuesday to approve the new budget after a long debate, and "
        "members said the plan would fund schools and roads for the next decade.")


def _read(tmp_path: Path, text: str) -> tuple[Article, list[Problem]]:
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    items = list(read(Source(path, path.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    return article, [i for i in items if isinstance(i, Problem)]


@needs_shared(FOOL)
def test_real_page_whose_first_line_runs_on() -> None:
    path = FOOL / "article2.txt"
    items = list(read(Source(path, path.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.title == ""
    assert " ".join(article.body.split()).startswith(
        "Apple reported fiscal fourth-quarter earnings on Thursday")
    assert any(isinstance(i, Problem) and "no title" in i.message for i in items)


@needs_shared(FOOL)
def test_real_page_with_a_headline_keeps_it() -> None:
    path = FOOL / "article1.txt"
    [article] = [i for i in read(Source(path, path.name)) if isinstance(i, Article)]
    assert article.title == "Can Apple report another quarter of growth?"


@pytest.mark.parametrize(("text", "title", "body_start"), [
    # the first line is a sentence's start: no headline
    ("Apple\n reported earnings on Thursday that beat expectations.\n\nMore text here.\n",
     "", "Apple\nreported earnings"),
    ("Shares of Acme\nrose 5% on Monday after the company said sales grew\nfaster than "
     "expected in the quarter.\n\nMore text here.\n", "", "Shares of Acme\nrose 5%"),
    # a headline wrapped over two lines, then a blank line
    (f"Council to vote on\nnew budget for schools\n\n{LEDE}\n", "Council to vote on new budget "
     "for schools", "The council voted"),
    # a lede opening with a name written lower-case first
    (f"Apple unveils new phone\niPhone 15 sales start on Friday in 40 countries, the company "
     f"said.\n\n{LEDE}\n", "Apple unveils new phone", "iPhone 15 sales"),
    # a headline ending in punctuation is one whatever follows
    (f"Is this the end?\nmaybe not, said the mayor on Tuesday.\n\n{LEDE}\n", "Is this the end?",
     "maybe not"),
])
def test_first_line_headline_or_text(tmp_path: Path, text: str, title: str,
                                     body_start: str) -> None:
    article, _ = _read(tmp_path, text)
    assert article.title == title
    assert article.body.startswith(body_start)


_WORD = st.sampled_from(["Council", "Budget", "Mayor", "Vote", "Schools", "New", "Plan",
                         "Roads", "Town", "Rise"])


@settings(max_examples=60, deadline=None)
@given(words=st.lists(_WORD, min_size=2, max_size=9))
def test_a_headline_above_a_capitalised_lede_stays_the_title(tmp_path_factory: pytest.
                                                             TempPathFactory,
                                                             words: list[str]) -> None:
    headline = " ".join(words)
    article, _ = _read(tmp_path_factory.mktemp("h"), f"{headline}\n{LEDE}\n\n{LEDE}\n")
    assert article.title == headline
    assert article.body.startswith("The council voted")
