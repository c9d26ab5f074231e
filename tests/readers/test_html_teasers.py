"""A saved page's trailing teasers of other stories (cut off with an ellipsis, under a
short heading) and a list's pagination line leave the body, counted; an article whose
own paragraphs end in an ellipsis keeps them."""

from __future__ import annotations

import pytest

from searcher.formats.html_body import drop_trailing_furniture

from ..conftest import SHARED, needs_shared

ARTICLE = ("Indonesia's forests are home to up to 15 per cent of the world's species.\n"
           "When peatlands are drained, carbon dioxide is released into the air.")
TEASERS = ["The latest updates",
           "There's been a major development in our campaign to protect the forests. "
           "IOI has just made a significant commitment. If put into practice, this...",
           "Today we let the cat out of the bag that one of the biggest banks in the "
           "world is funding destructive companies. Its customers are waking up to the…"]


def test_teasers_under_a_heading_and_pagination_are_dropped() -> None:
    body = "\n".join([ARTICLE, *TEASERS, "1 - 5 of 218 results."])
    kept, dropped = drop_trailing_furniture(body, set())
    assert kept == ARTICLE
    assert dropped == [*TEASERS, "1 - 5 of 218 results."]


@pytest.mark.parametrize("line", ["Page 2 of 7", "Seite 2 von 7", "Showing 1-10 of 42 items",
                                  "11 – 20 sur 64 résultats"])
def test_pagination_lines_are_dropped(line: str) -> None:
    assert drop_trailing_furniture(f"{ARTICLE}\n{line}", set()) == (ARTICLE, [line])


@pytest.mark.parametrize("body", [
    # one line cut off is not a list of teasers
    f"{ARTICLE}\nMore news\n{TEASERS[1]}",
    # the lines above the ellipses are a sentence, not a heading
    f"{ARTICLE}\nShe paused.\n{TEASERS[1]}\n{TEASERS[2]}",
    # short lines trailing off are speech, not teasers
    f"{ARTICLE}\nThen\nAnd then...\nWell...",
    # a figure in a sentence is no pagination
    f"{ARTICLE}\nThe court heard 3 of 12 witnesses on Monday.",
])
def test_article_endings_that_look_alike_are_kept(body: str) -> None:
    assert drop_trailing_furniture(body, set()) == (body, [])


def test_a_body_of_teasers_alone_keeps_its_first_line() -> None:
    body = "\n".join(TEASERS)
    kept, _ = drop_trailing_furniture(body, set())
    assert kept.startswith(TEASERS[0])


GREENPEACE = SHARED / "fixtures" / "pool" / "html" / "htmldate" / "greenpeace.org.forests.html"


@needs_shared(GREENPEACE)
def test_a_real_page_ends_with_its_own_last_paragraph() -> None:
    from searcher.formats.base import Source
    from searcher.formats.html import read
    from searcher.models import Article

    [article] = [i for i in read(Source(GREENPEACE, GREENPEACE.name))
                 if isinstance(i, Article)]
    assert article.body.endswith("for Singapore's 'haze wave' in 2013.")
