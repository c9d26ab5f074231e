"""Nothing is dropped silently (issue 15): every non-blank line of a text file is in a
field or in a counted Decision (tests/silent_loss.py), on every real .txt file in
../shared/fixtures, the seed, and pages generated from the line shapes scrapers write;
and the poll off-by-one (the first article line after a poll's end was dropped)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from searcher.formats.base import Source, read_text
from searcher.formats.text import read
from searcher.models import Article, Decision, Problem

from .conftest import SEED, SHARED
from .silent_loss import unaccounted

FIXTURES = SHARED / "fixtures"
REAL_TEXT = sorted([*FIXTURES.glob("real/text/*.txt"), *FIXTURES.glob("pool/txt/*/*.txt")])


def read_file(path: Path) -> tuple[str, list[Article | Decision | Problem]]:
    source = Source(path, path.name)
    text, _ = read_text(source)
    return text, list(read(source))


def test_there_are_real_text_files() -> None:
    if not FIXTURES.exists():
        pytest.skip(f"{FIXTURES} not present")
    assert len(REAL_TEXT) >= 40


@pytest.mark.parametrize("path", [SEED, *REAL_TEXT],
                         ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_line_of_a_real_file_is_in_a_field_or_a_decision(path: Path) -> None:
    text, items = read_file(path)
    assert unaccounted(text, items) == []


ARTICLE = [
    "The council voted on Tuesday to close the old bridge to lorries from next spring.",
    "Engineers found cracks in two of its piers last year, the report said.",
    "Repairs are expected to take eighteen months and cost about four million pounds.",
    "Residents said the closure would push heavy traffic onto narrow village roads.",
]


def test_the_line_after_a_poll_is_kept(tmp_path: Path) -> None:
    """The poll's end was followed directly (no blank line) by the article's next line,
    which went with the poll."""
    path = tmp_path / "poll.txt"
    path.write_text("Bridge to close\n\n" + ARTICLE[0] + "\ntake our poll - story continues "
                    "below\nShould the bridge close?\n* Yes\n* No\nCompleting this poll grants "
                    "you access to updates free of charge.\nYou may opt out at anytime.\n"
                    + ARTICLE[1] + "\n" + ARTICLE[2] + "\n", encoding="utf-8")
    text, items = read_file(path)
    [article] = [i for i in items if isinstance(i, Article)]
    assert ARTICLE[1] in article.body and ARTICLE[2] in article.body
    polls = [i.detail for i in items if isinstance(i, Decision) and i.kind == "poll dropped"]
    assert len(polls) == 6 and not any(ARTICLE[1][:40] in p for p in polls)
    assert unaccounted(text, items) == []


# Lines scraped pages are made of (each kind as the pages write it, no site's wording).
HEADER_LINES = st.sampled_from([
    "By Jane Doe", "By\nJohn Roe", "By Jane Doe and John Roe, Staff Writers",
    "Published: May 2, 2023 10:04 AM", "Updated: May 3, 2023", "Updated\n4:05 PM EDT",
    "Posted:\n05/02/2023 09:00 am EDT", "May 2, 2023", "Getty Images",
    "(AP Photo/Evan Vucci)", "Share", "Tweet", "Email", "Print", "Advertisement",
    "Follow us on Twitter", "Tags: transport, roads", "Filed under\nTransport\nRoads",
    "Lorries will be banned from the old bridge, the council says",
])
BODY_LINES = st.sampled_from([
    *ARTICLE, "Share this article", "READ MORE:", "Other council votes this week",
    "Photo credit: John Roe", "Sign up for our newsletter to get updates in your inbox",
    "take our poll - story continues below\nShould it close?\n* Yes\n* No\n"
    "Completing this poll grants you access to updates free of charge.",
    "Related Stories", "Advertisement", "Click here to read more.",
    "\u00a9 2023 Example News Ltd. All rights reserved.", "Tags: bridges, council",
    "\u2014 Jane Doe", "", "",
])
LABELLED = st.sampled_from(["", "Title: Bridge to close\nBy: Author not found\n",
                            "Headline:\nBridge to close\nSummary: Lorries banned.\nArticle: ",
                            "URL: https://news.example.com/a\nTitle: Bridge\nBody:\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(title="Bridge to close to lorries",  # "READ MORE:" took the paragraph after it
         labelled="Title: Bridge to close\nBy: Author not found\n", header=[],
         body=["READ MORE:", ARTICLE[0], "READ MORE:", ARTICLE[1]], blank=False, indent="")
@given(title=st.sampled_from(["Bridge to close to lorries", "Bridge to close | Example News",
                              "Lorries banned from the old bridge - The Daily Example"]),
       labelled=LABELLED, header=st.lists(HEADER_LINES, max_size=6),
       body=st.lists(BODY_LINES, min_size=1, max_size=14), blank=st.booleans(),
       indent=st.sampled_from(["", "  ", "\t"]))
def test_generated_pages_lose_nothing_silently(
        tmp_path_factory: pytest.TempPathFactory, title: str, labelled: str,
        header: list[str], body: list[str], blank: bool, indent: str) -> None:
    sep = "\n\n" if blank else "\n"
    head = labelled if labelled else title + sep + sep.join(header) + sep
    page = head + sep.join(body) + "\n"
    page = "\n".join(indent + line for line in page.split("\n"))
    path = tmp_path_factory.mktemp("page") / "page.txt"
    path.write_text(page, encoding="utf-8")
    text, items = read_file(path)
    assert unaccounted(text, items) == [], page
