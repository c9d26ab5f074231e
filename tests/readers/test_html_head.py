"""The page header an extractor leaves above a saved page's first paragraph (headline
again under a kicker, byline, date line) is dropped from the body and counted, and the
byline still gives the authors; the article's own first lines are never taken for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from searcher.formats.base import Source
from searcher.formats.html import read
from searcher.formats.html_head import HEADER_DROPPED, drop_header_lines
from searcher.formats.titles import UNREPEATED_TITLE
from searcher.models import Article, Decision

from ..conftest import SHARED, needs_shared

POOL = SHARED / "fixtures" / "pool" / "html" / "htmldate"
PROSE = "Publishing magnate Steve Forbes tells the Swiss weekly that being president costs him."


@pytest.mark.parametrize(("head", "title"), [
    ("America\nSteve Forbes: Trump is indeed a billionaire.",
     "Steve Forbes: Trump is indeed a billionaire."),  # kicker, then the headline again
    ("von Klaus-Peter Schöppner, 8.5.12", "Der neue Trend"),
    ("Datum: 22.12.2012, Rubrik: USA\nDOW Jones – Jahresendrally adé?!\nvon Nicolas Schlippe",
     "DOW Jones - Jahresendrally ade?! - Tagesanalyse"),  # the title with a suffix
    ("- 27 juin 2019\n- Par Jean Dupont et Marie Curie", "Violences policières"),
    ("By Jane Doe\nPublished: March 3, 2019", "Budget vote"),
    ("Publié le 29 juin 2019", "Les grenades"),
])
def test_header_lines_above_the_first_paragraph_are_dropped(head: str, title: str) -> None:
    body, dropped = drop_header_lines(f"{head}\n{PROSE}\nSecond paragraph.", title)
    assert body == f"{PROSE}\nSecond paragraph."
    assert dropped == head.split("\n")


@pytest.mark.parametrize(("body", "title"), [
    (f"{PROSE}\nBy the end of the year, prices rose.", "Forbes"),  # prose first: nothing
    ("America\nThe markets fell today as traders sold.", "Steve Forbes"),  # no headline after
    ("Jane Doe\nJohn Roe", "Two names"),  # names without a by-word are no byline
    ("By Jane Doe", "Budget vote"),  # never the body's last line
    ("Sebastian Kurz zu Besuch bei Magna Steyr.\nWasserstoff als Schlüsseltechnologie.",
     "Wasserstoff als Schlüsseltechnologie."),  # a sentence above the headline stays
])
def test_article_lines_are_never_taken_for_the_header(body: str, title: str) -> None:
    assert drop_header_lines(body, title) == (body, [])


def test_a_long_run_of_header_lines_is_bounded() -> None:
    lines = ["By Jane Doe"] * 1000 + [PROSE]
    body, dropped = drop_header_lines("\n".join(lines), "Budget vote")
    assert len(dropped) == 6 and body.startswith("By Jane Doe")


@needs_shared(POOL)
@pytest.mark.parametrize(("name", "first", "authors", "dropped"), [
    ("weltwoche.ch.html", "Publishing magnate Steve Forbes", (), 2),
    ("carta.info.html", "Die Landtagswahl zwischen", ("Klaus-Peter Schöppner",), 1),
    ("tagesausblick.de.dow.html", "DOW Jones - WKN: 969420", ("Nicolas Schlippe",), 4),
])
def test_real_pages_lose_their_header_lines_and_keep_their_bylines(
        name: str, first: str, authors: tuple[str, ...], dropped: int) -> None:
    items = list(read(Source(POOL / name, name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.body.startswith(first)
    assert article.authors == authors
    header = [i for i in items if isinstance(i, Decision) and i.kind == HEADER_DROPPED]
    assert len(header) == dropped and all(d.chars for d in header)


PAGES = sorted([*POOL.parent.glob("*/*.html*"), *(SHARED / "fixtures" / "real" / "html").glob(
    "*.html*")])


@needs_shared(POOL)
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_real_page_bodies_hold_one_paragraph_a_line(path: Path) -> None:
    """A page's empty ``<p>&nbsp;</p>`` or indentation is no paragraph (eff.org, kurz.at
    and weltwoche.ch made blank lines of them), and the spaces around a paragraph are
    the markup's."""
    assert len(PAGES) > 40
    [article] = [i for i in read(Source(path, path.name)) if isinstance(i, Article)]
    lines = article.body.split("\n")
    assert all(line and line == line.strip() for line in lines), [
        line for line in lines if not line or line != line.strip()][:3]


_TEXT = ("<p>The council voted on Tuesday to approve the new budget after a long debate, and "
         "members said the plan would fund schools and roads for the next decade.</p>"
         "<p>Opponents argued that the tax rise would hurt small businesses in the town "
         "centre and promised to fight it at the next election in the spring.</p>"
         "<p>The mayor said she would meet business leaders next week to discuss their "
         "concerns about the plan and the timetable for the new tax.</p>")


@pytest.mark.parametrize(("page", "title", "replaced"), [
    # the masthead as the page's <h1> (a logo linking home), the headline an <h2>
    ("<html><head><title>The Gazette</title></head><body><header><h1 class='logo'><a href='/'>"
     "The Gazette</a></h1></header><article><h2>Council approves budget after long debate"
     f"</h2>{_TEXT}</article></body></html>",
     "Council approves budget after long debate", "The Gazette"),
    # a site-wide og:title naming the site; the article's <h1> is its headline
    ("<html><head><meta property='og:title' content='The Gazette - Local news'><meta "
     "property='og:site_name' content='The Gazette'><title>The Gazette - Local news</title>"
     f"</head><body><article><h1>Council approves budget</h1>{_TEXT}</article></body></html>",
     "Council approves budget", "The Gazette - Local news"),
    # a feature's headline the text does not repeat stays (it does not name the site)
    ("<html><head><meta property='og:title' content='A night to remember forever'><title>A "
     "night to remember forever</title></head><body><article><h1>A night to remember forever"
     f"</h1>{_TEXT}<h2>Council approves budget after debate</h2>{_TEXT}</article></body>"
     "</html>", "A night to remember forever", None),
])
def test_a_site_title_the_text_does_not_repeat(tmp_path: Path, page: str, title: str,
                                               replaced: str | None) -> None:
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    items = list(read(Source(path, path.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.title == title
    said = [i.detail for i in items if isinstance(i, Decision) and i.kind == UNREPEATED_TITLE]
    assert said == ([replaced] if replaced else [])
    assert article.body.startswith("The council voted")
