"""A .txt file of several page dumps with no separator (formats/text_pages.py), a
breadcrumb trail above the title (formats/text_head.py) and post navigation glued to other
pages' headlines (formats/text_lines.py): a real scraper's file of 147 pages
(../shared/fixtures/pool), generated dumps, and what must stay one article."""

from __future__ import annotations

import re
from pathlib import Path

from searcher.formats.base import Source
from searcher.formats.text import read
from searcher.formats.text_head import BREADCRUMB, SECTION_LABEL
from searcher.formats.text_page import content_lines
from searcher.formats.text_pages import split_repeated_pages
from searcher.models import Article, Decision

from ..conftest import SHARED, needs_shared

POOL_TXT = SHARED / "fixtures" / "pool" / "txt"
DUMPS = POOL_TXT / "blackcoffer-abhashgoyal" / "scraped_articles.txt"
PROSE = ("officials said on Monday that the new rules would take effect next year, after a "
         "long review of how the old ones had worked in practice and what they had cost.")


def _items(path: Path) -> list[Article | Decision]:
    return [i for i in read(Source(path, path.name)) if isinstance(i, Article | Decision)]


def _page(title: str, day: int) -> str:
    return (f"Skip to content\n\nNews  World  {title[:30]}...\n\nWorld{title}\n\n"
            f"By Jane Doe - March {day}, 2024\n\n\n{PROSE}\n\nThe council {PROSE}\n\n"
            f"Previous article{title} ends\n\nMOST POPULAR STORIES\n\nOther story\nMarch 1, 2024\n")


@needs_shared(DUMPS)
def test_real_page_dumps_are_one_article_each() -> None:
    """147 pages of one site, each opening with a breadcrumb (``Home  <section>  <title
    cut>...``), the full title glued to a section label, a byline with the date."""
    raw = DUMPS.read_text(encoding="utf-8").splitlines()
    opens = [n for n, line in enumerate(raw) if line.startswith("Home  ")]
    items = _items(DUMPS)
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == len(opens) == 147
    assert [a.id for a in articles] == [f"scraped_articles.txt#{n}" for n in range(1, 148)]
    assert [a.path for a in articles] == [f"scraped_articles.txt:{n + 1}" for n in opens]
    for article, n in zip(articles, opens, strict=True):
        cut = re.split(r"\s{2,}", raw[n].strip())[-1].rstrip(".…").strip()
        assert article.title.casefold().startswith(cut.casefold()), (article.title, cut)
        assert article.authors == ("Ajay Bidyarthy",)
        assert article.published is not None
        for furniture in ("Home  ", "Previous article", "Next article", "MOST POPULAR",
                          "Load more"):
            assert furniture not in article.body, (article.id, furniture)
    first = articles[0]
    assert first.title == ("AI and ML-Based YouTube Analytics and Content Creation Tool for "
                           "Optimizing Subscriber Engagement and Content Strategy")
    assert first.body.startswith("Client Background")
    kinds = [i.kind for i in items if isinstance(i, Decision)]
    assert kinds.count(BREADCRUMB) >= 140 and kinds.count(SECTION_LABEL) >= 140


def test_generated_page_dumps_split_where_each_page_opens(tmp_path: Path) -> None:
    titles = ["Council votes on the budget plan for next year",
              "Court rules against the water board in long case",
              "Small firms welcome the review of the old rules",
              "Minister explains the new rules to the farmers"]
    path = tmp_path / "dumps.txt"
    path.write_text("\n".join(_page(t, n + 2) for n, t in enumerate(titles)), encoding="utf-8")
    items = _items(path)
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.title for a in articles] == titles
    assert all(a.authors == ("Jane Doe",) for a in articles)
    assert [a.published.day for a in articles if a.published] == [2, 3, 4, 5]
    for article in articles:
        assert article.body.startswith("officials said") and article.body.endswith("had cost.")
    details = [i.detail for i in items if isinstance(i, Decision)]
    assert any(d.startswith("Previous article") for d in details)  # counted, not lost
    assert "World" in [d.strip() for d in details]  # the section label glued to the title


def test_one_page_whose_menu_repeats_stays_one_article(tmp_path: Path) -> None:
    """A menu line that recurs with no byline and prose under it, or a list of teasers
    with a date each and no prose, is no page opening."""
    menu = "Home  News  Sport"
    page = (f"{menu}\n\nCouncil votes on the budget\n\nBy Jane Doe - March 2, 2024\n\n{PROSE}\n\n"
            f"{menu}\n\nMore news\n\n{menu}\n\nContact us\n\n{menu}\n")
    assert split_repeated_pages(content_lines(page)) is None
    teasers = "".join(f"Skip to content\n\nStory {n}\nMarch {n}, 2024\n\n" for n in range(1, 6))
    assert split_repeated_pages(content_lines(teasers)) is None
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    assert len([i for i in _items(path) if isinstance(i, Article)]) == 1


def test_breadcrumb_without_the_title_below_it_is_the_title_line(tmp_path: Path) -> None:
    """Only a trail whose last cell (two words or more) the page repeats below is dropped
    as a breadcrumb: not a headline with wide spaces, nor a table row whose figures recur
    in the next row (a Reuters money-market table written as a page)."""
    path = tmp_path / "page.txt"
    path.write_text(f"Prices  rise  again\n\nBy Jane Doe\n\n{PROSE}\n", encoding="utf-8")
    [article] = [i for i in _items(path) if isinstance(i, Article)]
    assert article.title == "Prices  rise  again"
    table = ("SINGAPORE ASIAN DLR CLSG - APRIL 7 TUES/WED    6-5/16 6-3/16\n\n"
             "6-1/2 6-3/8 TWO MTHS    6-9/16 6-7/16 ONE MTH    6-5/16 6-3/16\n")
    path.write_text(table, encoding="utf-8")
    [article] = [i for i in _items(path) if isinstance(i, Article)]
    assert article.title == "SINGAPORE ASIAN DLR CLSG - APRIL 7 TUES/WED    6-5/16 6-3/16"


@needs_shared(POOL_TXT)
def test_other_real_text_files_are_not_split() -> None:
    for path in sorted(POOL_TXT.rglob("*.txt")) + sorted(
            (SHARED / "fixtures" / "real" / "text").glob("*.txt")):
        if path == DUMPS:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert split_repeated_pages(content_lines(text)) is None, path
