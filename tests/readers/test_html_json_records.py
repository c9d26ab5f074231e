"""Issue 15's JSON and HTML classes, each on a real file that has it (../shared/fixtures)
or, where no real file has the shape, a generated one: the NYT lead paragraph kept
beside the abstract, a feed item's "Continue reading..." and related-link list dropped
and counted, another story's date and a site-domain author not taken for the page's."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from searcher.formats import reader_for
from searcher.formats.base import Source
from searcher.models import Article, Decision, Problem

from ..conftest import SHARED, needs_shared

FIXTURES = SHARED / "fixtures"
Item = Article | Decision | Problem


def read(path: Path) -> list[Item]:
    reader = reader_for(path)
    assert reader is not None
    return list(reader(Source(path, path.name)))


def articles(items: list[Item]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


@needs_shared(FIXTURES)
def test_nyt_search_record_keeps_its_lead_paragraph_beside_the_abstract() -> None:
    found = articles(read(FIXTURES / "real" / "json" / "nyt_sabine.json"))
    body = found[1].body
    assert body.startswith("BRIC Arts announces lineup for 2016 Celebrate Brooklyn!")
    assert body.endswith("Sharon Jones and the Dap-Kings will kick off the event in Prospect "
                         "Park on June 8.")
    # where the lead paragraph is the body already, nothing is repeated
    assert found[0].body.count("The magazine’s Ethicist columnist") == 1


def test_feed_item_continue_reading_and_related_links_dropped(tmp_path: Path) -> None:
    item = {"title": "Bridge to close to lorries", "pubDate": "2023-05-02 10:00:00",
            "link": "https://news.example.com/bridge",
            "description": "<p>The council voted on Tuesday to close the old bridge.</p>"
                           "<ul><li><a href='https://news.example.com/a'>Road works start"
                           "</a></li><li><a href='https://news.example.com/b'>Bus routes "
                           "change</a></li></ul><p>Repairs will take eighteen months.</p> "
                           "<a href='https://news.example.com/bridge'>Continue reading...</a>"}
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"status": "ok", "items": [item]}), encoding="utf-8")
    items = read(path)
    [article] = articles(items)
    assert article.body == ("The council voted on Tuesday to close the old bridge.\n"
                            "Repairs will take eighteen months.")
    dropped = [(i.kind, i.detail) for i in items if isinstance(i, Decision)]
    assert ("continue-reading link dropped", "Continue reading...") in dropped
    assert ("related links dropped", "Road works start") in dropped
    assert ("related links dropped", "Bus routes change") in dropped


def test_a_list_the_article_holds_is_kept(tmp_path: Path) -> None:
    item = {"title": "Three things to know", "pubDate": "2023-05-02 10:00:00",
            "description": "<p>What changes:</p><ul><li>Lorries are banned.</li>"
                           "<li>Buses may still cross, <a href='https://x.example'>see the map"
                           "</a>.</li></ul>"}
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"items": [item]}), encoding="utf-8")
    [article] = articles(read(path))
    assert "Lorries are banned." in article.body and "see the map" in article.body


@needs_shared(FIXTURES)
def test_another_storys_date_is_not_the_pages() -> None:
    """A teaser <article> of another story carries <time pubdate>; the page's own
    article (the one holding the <h1>) states 28 June 2019."""
    [article] = articles(read(FIXTURES / "pool" / "html" / "htmldate" /
                              "la-bas.org.porte.html"))
    assert article.published is not None
    assert article.published.date() == datetime(2019, 6, 28).date()


@needs_shared(FIXTURES)
def test_site_domain_as_author_is_rejected_and_the_byline_used() -> None:
    items = read(FIXTURES / "pool" / "html" / "htmldate" / "tagesausblick.de.dow.html")
    [article] = articles(items)
    assert article.authors == ("Nicolas Schlippe",)
    assert any(isinstance(i, Decision) and i.kind == "author rejected" for i in items)


@needs_shared(FIXTURES)
def test_cut_body_gets_a_summary_that_opens_alike_but_says_more() -> None:
    """NewsAPI: description and the cut content both open with the headline's words, then
    say different things: the description is put before the cut body. One that the body
    mostly repeats is not (no text said twice)."""
    found = articles(read(FIXTURES / "pool" / "json" / "newsapi-sohamkhot19"
                          / "sample_response.json"))
    garena, samsung = found[1], found[8]
    assert garena.body.startswith("Garena Free Fire MAX Redeem Codes for January 3: The new "
                                  "Booyah Pass for the month of January is finally live")
    assert "2024 has now kicked off with amazing rewards" in garena.body
    assert samsung.body.count("Samsung will host its first Galaxy Unpacked") == 1


def test_summary_repeating_the_cut_body_is_not_added(tmp_path: Path) -> None:
    record = {"title": "Bridge to close", "description": "The council voted on Tuesday to "
              "close the old bridge to lorries from May, after a survey found cracks.",
              "content": "The council voted on Tuesday to close the old bridge to lorries "
              "from May, after a survey found cracks in two of its… [+2000 chars]"}
    path = tmp_path / "news.json"
    path.write_text(json.dumps({"articles": [record]}), encoding="utf-8")
    [article] = articles(read(path))
    assert article.body == record["content"].split("…")[0]
    assert article.meta["truncated"] is True


@needs_shared(FIXTURES)
def test_page_stated_microdata_author_before_the_extractors_guess() -> None:
    """futurezone.at states its author as schema.org microdata under the <h1>; the
    extractor's guess is the author of a teaser lower down (another story's)."""
    [page] = articles(read(FIXTURES / "pool" / "html" / "htmldate" / "futurezone.at.cc.html"))
    assert page.authors == ("Georg Holzer",)


def test_microdata_author_read_and_a_teasers_not(tmp_path: Path) -> None:
    teaser = ('<article><h2><a href="/b">Other story</a></h2><footer><div class="author">'
              'von <a href="/autor/max">Max Mustermann</a></div></footer></article>')
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Bridge to close | Gazette</title></head><body><h1>Bridge to "
        'close</h1><div itemprop="author" itemscope><a href="/autor/jane">'
        '<span itemprop="name">Jane Doe</span></a></div>'
        + "".join(f"<p>{'The council voted to close the old bridge to lorries. ' * 4}</p>"
                  for _ in range(4)) + teaser * 3 + "</body></html>", encoding="utf-8")
    [page] = articles(read(path))
    assert page.authors == ("Jane Doe",)


@needs_shared(FIXTURES)
def test_title_that_is_only_the_site_name_gives_way_to_the_first_h2() -> None:
    """carta.info: no og:title, an empty <h1>, <title>carta.info</title>; the headline is
    the page's first <h2>."""
    [page] = articles(read(FIXTURES / "pool" / "html" / "htmldate" / "carta.info.html"))
    assert page.title == "Der neue Trend: Muss- statt Wunschkoalition"


def test_a_stated_title_equal_to_the_site_name_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(
        '<html><head><meta property="og:title" content="Annual Report 2015">'
        '<meta property="og:site_name" content="Annual Report 2015"><title>Annual Report'
        "</title></head><body><h2>Milestones of the year</h2>"
        + "".join(f"<p>{'The council voted to close the old bridge to lorries. ' * 4}</p>"
                  for _ in range(4)) + "</body></html>", encoding="utf-8")
    [page] = articles(read(path))
    assert page.title == "Annual Report 2015"
