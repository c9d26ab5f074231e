"""A headline glued to the text after it on one long line (formats/text_glued.py): the
real files of a scraper that writes pages that way (../shared/fixtures/pool, development
half), each kind of boundary on a generated line, lines that have no headline, and a
property: the split loses no word but a list number, and says so. Real article bodies on one
line (Reuters) are the check against splitting prose that has no headline."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from searcher.formats.base import Source
from searcher.formats.text import read
from searcher.formats.text_glued import TITLE_GLUED, split_glued_title
from searcher.models import Article, Decision

from ..conftest import REUTERS, SHARED, needs_shared
from .one_page import read_page

TELEHEALTH = SHARED / "fixtures" / "pool" / "txt" / "blackcoffer-nishantthakurr"
PROSE = ("officials said on Monday that the new rules would take effect next year, after a "
         "long review of how the old ones had worked in practice and what they had cost. "
         "The review found that most of the costs fell on small firms, which had asked for "
         "the change for more than a decade and welcomed it in statements on Tuesday.")


def _read(tmp_path: Path, text: str) -> tuple[Article, list[Decision]]:
    return read_page(tmp_path, "page.txt", text, Decision)


@needs_shared(TELEHEALTH)
@pytest.mark.parametrize(("name", "title", "body_start"), [
    ("1.txt", "Is telehealth the future of healthcare?", "Covid-19 has paved the way"),
    ("2.txt", "How Telehealth and Telemedicine helping people to fight against COVID-19",
     "The last 2 years are"),
    ("5.txt", "How are people diverted to Telehealth services and telemedicine?",
     "The future of telehealth stays"),
])
def test_real_glued_headlines(name: str, title: str, body_start: str) -> None:
    path = TELEHEALTH / name
    items = list(read(Source(path, name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.title == title
    assert article.body.startswith(body_start)
    assert [d.detail for d in items if isinstance(d, Decision) and d.kind == TITLE_GLUED] \
        == [title]


@pytest.mark.parametrize(("line", "title"), [
    (f"Rules for small firms change? New {PROSE}", "Rules for small firms change?"),
    (f"What Determines the Price of Rice?New {PROSE}", "What Determines the Price of Rice?"),
    (f"Why Small Firms Pay More at HomeNew {PROSE}", "Why Small Firms Pay More at Home"),
    (f"1.Why Small Firms Pay More at HomeNew {PROSE}", "Why Small Firms Pay More at Home"),
    (f"New rules ease the burden on small firms The {PROSE}",
     "New rules ease the burden on small firms"),
])
def test_each_kind_of_boundary(tmp_path: Path, line: str, title: str) -> None:
    article, decisions = _read(tmp_path, line + "\n")
    assert article.title == title
    assert article.body.split()[1:4] == PROSE.split()[:3]
    assert any(d.kind == TITLE_GLUED for d in decisions)


@pytest.mark.parametrize("line", [
    f"Officials {PROSE}",                                   # prose from the first word
    f"In The Hague, {PROSE}",                               # a name, not a boundary
    f"Reporters in the capital and The {PROSE}",            # the head ends on 'and'
    f"Small firms. Rules change? New {PROSE}",              # a sentence before the mark
    f"Standard Oil Co and BP North America Inc {PROSE}",    # a name, not a Title Case head
    f"Occidental Petroleum Corp said its MidCon unit and {PROSE}",  # a CamelCase name
    f"Southwest Airlines Co's TranStar Airlines and {PROSE}",  # glued, then a capital
    f"Actress Jane Roe, known for the Carry On films {PROSE}",  # a preposition in a name
])
def test_no_headline_no_split(tmp_path: Path, line: str) -> None:
    article, decisions = _read(tmp_path, line + "\n")
    assert article.title == ""
    assert article.body == line
    assert not any(d.kind == TITLE_GLUED for d in decisions)


@needs_shared(TELEHEALTH)
def test_a_title_case_run_is_no_boundary() -> None:
    """4.txt glues 'The Future of Telehealth Services' to 'Telemedicine refers ...': the
    end of a Title Case run is also where a sentence starting with a name ends its name,
    so it is left whole (no title) rather than cut wrongly elsewhere."""
    items = list(read(Source(TELEHEALTH / "4.txt", "4.txt")))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.title == ""
    assert article.body.startswith("The Future of Telehealth Services Telemedicine refers")


@needs_shared(REUTERS)
def test_article_bodies_on_one_line_are_rarely_split() -> None:
    """Real article bodies written on one line with no headline: at most one in a
    thousand is taken for a glued headline (Reuters, all of it: 3 in 20,841)."""
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        bodies = [" ".join(json.loads(line)["body"].split()) for line in lines]
    bodies = [b for b in bodies if len(b) > 300]
    split = [b[:80] for b in bodies if split_glued_title(b)]
    assert len(bodies) > 10_000
    assert len(split) <= len(bodies) / 1000, split


def test_a_short_first_line_is_a_title_as_before(tmp_path: Path) -> None:
    article, decisions = _read(tmp_path, f"Rules change? New rules\n\n{PROSE}\n")
    assert article.title == "Rules change? New rules"
    assert not any(d.kind == TITLE_GLUED for d in decisions)


_WORD = st.text(st.characters(min_codepoint=33, max_codepoint=0x24F), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORD, min_size=1, max_size=80))
@example(["Why", "Are", "Prices", "Rising?", "\x85The", "market", "is", "up", "now", "and", "more"])
def test_a_split_loses_no_word(words: list[str]) -> None:
    """Only whitespace may go at the cut: every other character stays, in order. Python's
    whitespace includes more than the space (NEL U+0085 inside a word is one), and the
    halves are stripped of it, so both sides are compared without any whitespace."""
    line = " ".join(words)
    found = split_glued_title(line)
    if found is None:
        return
    title, rest, numbering = found
    assert title and rest
    assert "".join(f"{numbering}{title}{rest}".split()) == "".join(line.split())
