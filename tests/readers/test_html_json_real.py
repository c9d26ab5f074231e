"""The saved-HTML and JSON readers on real third-party files (../shared/fixtures/real; our
expectations in tests/expectations/real).

Every fixture is checked against its hand-checked expectations, and every failure
class of issue 9 has a test on a real file. Where no real page of a class could be
found (a hover card, a placeholder JSON-LD date, a ``null`` tag), the markup is put
into a real page, and the test says so.
"""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.cli import main
from searcher.formats import html, jsonl
from searcher.formats.base import Source, UnreadableFile
from searcher.formats.bylines import clean_name, split_names
from searcher.formats.mapping import DEFAULT_FIELD_MAP
from searcher.formats.titles import best_title, strip_site_name
from searcher.inspect import inspect_file
from searcher.models import Article, Decision, Problem

from ..conftest import REAL_EXPECTED, REAL_FILES, needs_shared

REAL = REAL_FILES
pytestmark = needs_shared(REAL)
HTML_EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (REAL_EXPECTED / "html" / "expectations.json").read_text(encoding="utf-8"))
JSON_EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (REAL_EXPECTED / "json" / "expectations.json").read_text(encoding="utf-8"))

Item = Article | Problem | Decision


def read_html(path: Path) -> list[Item]:
    return list(html.read(Source(path, path.name, DEFAULT_FIELD_MAP)))


def read_json(path: Path) -> list[Item]:
    return list(jsonl.read_json(Source(path, path.name, DEFAULT_FIELD_MAP)))


def only_article(items: list[Item]) -> Article:
    (article,) = [i for i in items if isinstance(i, Article)]
    return article


def kinds(items: list[Item]) -> list[str]:
    return [i.kind for i in items if isinstance(i, Decision)]


def page_with(tmp_path: Path, fixture: str, head: str = "", body_start: str = "",
              replace: tuple[str, str] | None = None) -> Path:
    """A real saved page with markup added to its <head> / the start of its <body>."""
    text = gzip.decompress((REAL / "html" / fixture).read_bytes()).decode("utf-8")
    if head:
        text = text.replace("</head>", head + "</head>", 1)
    if body_start:
        start = text.index(">", text.index("<body")) + 1
        text = text[:start] + body_start + text[start:]
    if replace:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1], 1)
    path = tmp_path / fixture.removesuffix(".gz")
    path.write_text(text, encoding="utf-8")
    return path


def _check(field: str, got: Any, expected: dict[str, Any], name: str) -> None:
    misses = expected.get("known_misses", {})
    want = expected[field]
    same = got == want
    if field in misses:
        assert not same, f"{name}: {field} is now right ({got!r}): drop it from known_misses"
    else:
        assert same, f"{name}: {field} {got!r} != {want!r}"


# ---- every fixture against its expectations ------------------------------------------------

@pytest.mark.parametrize("name", sorted(HTML_EXPECTED))
def test_saved_page_reads_as_expected(name: str) -> None:
    expected = HTML_EXPECTED[name]
    article = only_article(read_html(REAL / "html" / name))
    _check("title", article.title, expected, name)
    published = expected["published"]
    got = article.published
    if published is not None and len(published) == 10:
        _check("published", got.date().isoformat() if got else None, expected, name)
    else:
        _check("published", got.isoformat() if got else None, expected, name)
    _check("authors", list(article.authors), expected, name)
    _check("tags", list(article.tags), expected, name)
    body = " ".join(article.body.split())
    for sentence in expected["body_has"]:
        assert sentence in body, f"{name}: body lost {sentence!r}"
    for furniture in expected["body_lacks"]:
        assert furniture not in body, f"{name}: body kept {furniture!r}"


@pytest.mark.parametrize("name", sorted(JSON_EXPECTED))
def test_api_json_reads_as_expected(name: str) -> None:
    expected = JSON_EXPECTED[name]
    items = read_json(REAL / "json" / name)
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == expected["articles"]
    assert sum(isinstance(i, Problem) and i.skipped for i in items) == expected["skipped"]
    for number, want in expected["records"].items():
        article = articles[int(number) - 1]
        got_date = article.published.isoformat() if article.published else None
        assert (article.title, got_date, list(article.authors), article.source,
                article.url) == (want["title"], want["published"], want["authors"],
                                 want["source"], want["url"]), f"{name} #{number}"
        if "tags" in want:
            assert list(article.tags) == want["tags"], f"{name} #{number}"
        for tag in want.get("tags_include", ()):
            assert tag in article.tags, f"{name} #{number}: tag {tag!r} missing"
        body = " ".join(article.body.split())
        for text in want["body_has"]:
            assert text in body, f"{name} #{number}: body lost {text!r}"
        for text in want.get("body_lacks", ()):
            assert text not in body, f"{name} #{number}: body kept {text!r}"
        assert bool(article.meta.get("truncated")) == want["truncated"], f"{name} #{number}"


# ---- saved pages: each failure class --------------------------------------------------------

def test_placeholder_json_ld_date_in_cdata_is_rejected_and_the_next_date_used(
        tmp_path: Path) -> None:
    # A real NYT page (its date is a <time datetime>) given a CMS's placeholder JSON-LD.
    path = page_with(tmp_path, "pl_www.nytimes.com.html.gz", head=(
        '<script type="application/ld+json">//<![CDATA[\n{"@context": "https://schema.org",'
        ' "@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}\n//]]></script>'))
    items = read_html(path)
    assert only_article(items).published == datetime(2016, 9, 19, 11, 46, 1)
    (rejected,) = [i for i in items if isinstance(i, Decision) and "placeholder" in i.kind]
    assert rejected.kind == "date rejected as placeholder"
    assert rejected.detail == "0001-01-01T00:00:00Z"


def test_json_ld_date_inside_cdata_is_read(tmp_path: Path) -> None:
    # A real Forward page, which states no machine-readable date, given one in CDATA.
    path = page_with(tmp_path, "pl_forward.com.html.gz", head=(
        '<script type="application/ld+json"><![CDATA[{"@type": "NewsArticle", '
        '"datePublished": "2016-12-28T09:30:00-05:00"}]]></script>'))
    assert only_article(read_html(path)).published == datetime(2016, 12, 28, 14, 30)


def test_bare_time_element_and_visible_dates_are_read() -> None:
    # Real pages whose only dates are a <time datetime>, a "Published: ..." line,
    # a "December 19, 2016 | 7:08pm" element, or a bare "December 28, 2016".
    for name, published in [
        ("pl_www.nytimes.com.html.gz", datetime(2016, 9, 19, 11, 46, 1)),
        ("pl_www.npr.org.html.gz", datetime(2016, 12, 15, 20, 33)),
        ("pl_pagesix.com.html.gz", datetime(2016, 12, 19, 19, 8)),
        ("pl_forward.com.html.gz", datetime(2016, 12, 28)),
    ]:
        assert only_article(read_html(REAL / "html" / name)).published == published, name


def test_visible_published_line_with_zone(tmp_path: Path) -> None:
    # The scmp page without its meta and JSON-LD dates: the visible "Published: ..." line.
    text = gzip.decompress((REAL / "html" / "tr_scmp.com.playbook.html.gz").read_bytes()).decode()
    text = text.replace("article:published_time", "x").replace("datePublished", "x").replace(
        "dateCreated", "x").replace("datetime=", "data-x=")
    path = tmp_path / "scmp.html"
    path.write_text(text, encoding="utf-8")
    assert only_article(read_html(path)).published == datetime(2020, 1, 20, 10, 0)
    path = page_with(tmp_path, "pl_forward.com.html.gz",
                     body_start="<p>Published 10:02 AM EST Nov 19, 2019</p>")
    assert only_article(read_html(path)).published == datetime(2019, 11, 19, 15, 2)


def test_unreadable_stated_date_falls_back_and_is_counted() -> None:
    # washingtonpost.com states "2018-10-29T10:15-500" (no such offset) and a visible date.
    items = read_html(REAL / "html" / "pl_www.washingtonpost.com.html.gz")
    assert only_article(items).published == datetime(2018, 10, 29)
    assert "date rejected as unreadable" in kinds(items)
    assert not [i for i in items if isinstance(i, Problem)]


@pytest.mark.parametrize(("name", "title", "removed"), [
    ("n4k_cnn_002.html.gz",
     "Takeaways from Donald Trump’s contentious testimony in his civil fraud trial",
     "| CNN Politics"),
    ("np_globalnews.ca1.html.gz", "Video of the Gardners hours before birth of quadruplets",
     "| Watch News Videos Online"),
    ("tr_dw.com.colonial.html.gz", "Berlin confronts Germany's colonial past with new initiative",
     "| DW | 19.01.2020"),
    ("pl_www.washingtonpost.com.html.gz", "Enough platitudes: Let’s name names",
     "- The Washington Post"),
])
def test_titles_lose_the_site_name(name: str, title: str, removed: str) -> None:
    items = read_html(REAL / "html" / name)
    assert only_article(items).title == title
    (decision,) = [i for i in items if isinstance(i, Decision)
                   and i.kind == "site name removed from title"]
    assert decision.detail == removed


@pytest.mark.parametrize(("name", "raw", "kind"), [
    ("pl_pagesix.com.html.gz", "Oli Coleman View author archive Get author RSS feed",
     "author text trimmed"),
    ("pl_abcnews.go.com.html.gz", "PATRICK REEVELL December", "author text trimmed"),
    ("pl_www.chicagotribune.com.html.gz", "Joe Davidson Washington Post", "author text trimmed"),
    ("pl_www.nydailynews.com.html.gz", "Meg Wagner NEW YORK DAILY NEWS", "author text trimmed"),
    ("np_al.com1.html.gz", "Northeast Ohio Media Group", "author rejected"),
    ("np_mlive.com2.html.gz", "Kmeinke Com", "author rejected"),
    ("pl_timesofindia.indiatimes.com.html.gz", "Updated Oct 9", "author rejected"),
    ("n4k_wired_001.html.gz", "Condé Nast", "author rejected"),
])
def test_bylines_become_names_and_every_cut_is_counted(name: str, raw: str, kind: str) -> None:
    items = read_html(REAL / "html" / name)
    assert Decision(name, kind, raw) in items
    for author in only_article(items).authors:
        assert clean_name(author) == (author, ""), author  # what is kept is a clean name


def test_tags_null_split_and_title_words(tmp_path: Path) -> None:
    # huffingtonpost.com states keywords that are only the headline's words.
    items = read_html(REAL / "html" / "np_huffingtonpost.com1.html.gz")
    assert only_article(items).tags == ()
    assert [i.detail[:28] for i in items if isinstance(i, Decision)
            and i.kind == "tag rejected"] == ["keywords repeat the title: j"]
    # A real page given the tag markup seen in the wild.
    path = page_with(tmp_path, "pl_www.nytimes.com.html.gz", head=(
        '<meta property="article:tag" content="Health, China">'
        '<meta property="article:tag" content="null">'))
    items = read_html(path)
    assert only_article(items).tags == ("Health", "China")
    assert Decision(path.name, "tag rejected", "null") in items


def test_hover_cards_are_removed_not_glued_into_the_sentence(tmp_path: Path) -> None:
    # The Hill's person hover card, put into a sentence of a real NYT page.
    card = ('<span class="rollover-people"><a class="rollover-people-link" href="/p/omar">'
            'Ilhan Omar</a><span class="rollover-people-block"><span class="rollover-title">'
            '<a href="/p/omar">Ilhan Omar</a></span><span class="rollover-block">Hillicon '
            'Valley: Trump officials propose new rule | House panel advances bill '
            '<a href="/more">MORE</a></span></span></span>')
    path = page_with(tmp_path, "pl_www.nytimes.com.html.gz", replace=(
        "The man who the police said", f"Rep. {card} (D-Minn.) said the man who the police said"))
    items = read_html(path)
    body = only_article(items).body
    assert "Rep. Ilhan Omar (D-Minn.) said the man who the police said" in body
    assert "Hillicon" not in body and "OmarIlhan" not in body
    assert [i.kind for i in items if isinstance(i, Decision) and i.chars] [:1] == [
        "hover card removed"]


def test_summary_only_body_is_recovered_from_the_article_markup() -> None:
    # trafilatura keeps only the photo caption of this scmp page (151 characters).
    items = read_html(REAL / "html" / "tr_scmp.com.playbook.html.gz")
    article = only_article(items)
    assert len(article.body) > 4000
    assert article.body.rstrip().endswith("Asia Pacific Media Network at UCLA")
    assert "body recovered from the page's article markup" in kinds(items)


def test_trailing_furniture_is_dropped_and_listed() -> None:
    items = read_html(REAL / "html" / "n4k_time_001.html.gz")
    dropped = [i.detail for i in items if isinstance(i, Decision)
               and i.kind == "trailing page furniture dropped"]
    assert dropped[0] == "More Must-Reads From TIME"
    assert "- The Best Inventions of 2023" in dropped
    assert only_article(items).body.endswith("agreed to by a broad swath of countries.”")


# ---- news-API JSON: each failure class ------------------------------------------------------

def test_newsapi_articles_shape() -> None:
    items = read_json(REAL / "json" / "newsapi_2022.json")
    first = next(i for i in items if isinstance(i, Article))
    assert first.published == datetime(2022, 9, 28, 4, 18)  # publishedAt
    assert first.source == "CNBC"  # source.name
    assert first.title == ("Stock futures fall after S&P 500 hits new low for the year; "
                           "10-year Treasury yield briefly tops 4%")  # "... - CNBC" removed
    assert "chars]" not in first.body and "S&P 500 hit a new intraday low" in first.body
    assert first.meta["truncated"] is True and first.meta["truncated_chars"] == 1210
    truncations = [i for i in items if isinstance(i, Decision)
                   and i.kind == "truncation marker removed"]
    assert len(truncations) == 17 and truncations[0].detail == "… [+1210 chars]"  # 3 not cut


def test_newsapi_removed_records_and_placeholder_dates() -> None:
    items = read_json(REAL / "json" / "newsapi_2024.json")
    assert [str(i) for i in items if isinstance(i, Problem)] == [
        "newsapi_2024.json: the API removed this record ([Removed]): nothing to index"] * 2
    assert kinds(items).count("date rejected as placeholder") == 2
    authors = [a.authors for a in items if isinstance(a, Article)]
    assert ("Hyung-Jin Kim",) in authors  # "HYUNG-JIN KIM Associated Press"
    assert ("Shiv Sudhakar", "Melissa Rudy") in authors


def test_guardian_html_bodies_become_text() -> None:
    items = read_json(REAL / "json" / "guardian_swivel5.json")
    articles = [i for i in items if isinstance(i, Article)]
    assert all("<" not in a.body for a in articles)
    assert kinds(items).count("HTML markup removed from body") == 5
    assert articles[0].authors == ("Charles Arthur",)  # fields.byline


def test_nyt_docs_headline_and_byline_objects() -> None:
    (article,) = [i for i in read_json(REAL / "json" / "nyt_andrea_article_sample.json")
                  if isinstance(i, Article)]
    assert article.title == "In Washington, Putin’s Nuclear Threats Stir Growing Alarm"
    assert article.authors == ("David E. Sanger", "Anton Troianovski", "Julian E. Barnes")
    assert "Nuclear Weapons" in article.tags  # keywords [{"name": ..., "value": ...}]


# ---- never raise -----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400) | st.builds(
    lambda title, body, meta: f"<html><head><title>{title}</title>{meta}</head><body><h1>"
                              f"{title}</h1><p>{body}</p><time datetime='{meta}'>x</time>"
                              f"</body></html>",
    st.text(max_size=60), st.text(max_size=300), st.text(max_size=60)))
def test_html_reader_never_raises(tmp_path: Path, page: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8", errors="surrogatepass")
    for item in read_html(path):
        assert isinstance(item, (Article, Problem, Decision))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "content", "publishedAt", "author", "source", "name",
                         "url", "articles", "response", "docs", "headline", "main",
                         "byline", "original", "fields", "body", "tags", "items"]), inner,
        max_size=6), max_leaves=25)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JSON_VALUES)
def test_json_reader_never_raises(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    try:
        items = read_json(path)
    except UnreadableFile:
        return
    for item in items:
        assert isinstance(item, (Article, Problem, Decision))


@given(st.text(max_size=120), st.lists(st.text(max_size=20), max_size=3))
def test_byline_and_title_rules_never_raise(text: str, sites: list[str]) -> None:
    for name in split_names([text]):
        cleaned, kind = clean_name(name, sites)
        assert kind in ("", "author text trimmed", "author rejected")
        assert len(cleaned) <= len(name)
    assert len(strip_site_name(text, sites)) <= len(" ".join(text.split()))
    best_title([text], [text], text, sites)


# ---- searcher inspect -----------------------------------------------------------------------

def test_inspect_text_shows_fields_and_what_was_dropped() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["inspect", str(REAL / "html" / "pl_pagesix.com.html.gz")])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # the table wraps at the runner's 80 columns
    assert "html reader: 1 article(s)" in out
    assert "Sofía Vergara and Nick Loeb’s embryo drama taking a detour" in out
    assert "2016-12-19 19:08:00" in out and "Oli Coleman" in out
    assert "dropped or rejected:" in out
    assert "author text trimmed" in out and "Oli Coleman View author archive" in out
    assert "site name removed from title" in out


def test_inspect_json_lists_every_record_and_decision() -> None:
    result = CliRunner().invoke(main, ["inspect", "--json",
                                       str(REAL / "json" / "newsapi_2024.json")])
    assert result.exit_code == 0, result.output
    (file,) = json.loads(result.output)["files"]
    assert file["reader"] == "jsonl" and file["articles"] == 18
    assert file["decisions"]["truncation marker removed"] == 17
    removed = [r for r in file["records"] if r["article"] is None]
    assert len(removed) == 2 and removed[0]["problems"][0]["skipped"] is True
    assert removed[0]["decisions"][0]["kind"] == "date rejected as placeholder"
    first = file["records"][0]["article"]
    assert first["published"] == "2024-01-07T13:41:20" and first["source"] == "The Athletic"


def test_inspect_never_puts_page_text_into_markup(tmp_path: Path) -> None:
    text = gzip.decompress((REAL / "html" / "pl_forward.com.html.gz").read_bytes()).decode()
    path = tmp_path / "forward.html"
    path.write_text(text.replace("The Adorable Reason",
                                 "[bold red]The[/bold red] \x1b[31mAdorable\x1b[0m Reason"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert "[bold red]The[/bold red]" in result.output


def test_inspect_map_reads_like_build(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"headline": "Tide gauges", "short_description": "Sea level rose."}\n',
                    encoding="utf-8")
    found = inspect_file(path, ["body=short_description"])
    assert [a.body for a in found.articles] == ["Sea level rose."]


def test_build_summary_counts_decisions_per_kind(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REAL / "json" / "newsapi_2024.json", corpus)
    shutil.copy(REAL / "html" / "pl_pagesix.com.html.gz", corpus)
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(corpus), "--index", str(tmp_path / "ix"),
                                  "--json"])
    assert result.exit_code == 0, result.output
    decisions = json.loads(result.output)["decisions"]
    assert decisions["truncation marker removed"] == 17
    assert decisions["date rejected as placeholder"] == 2
    assert decisions["author text trimmed"] >= 1
    text = runner.invoke(main, ["build", str(corpus), "--index", str(tmp_path / "ix2")])
    assert "reader decisions" in text.output and "truncation marker removed" in text.output


@pytest.mark.parametrize("last", [
    "The company will send a newsletter to customers next week.",
    "He said he would subscribe to the plan only if it passed.",
    "Subscribers can read the full report on Monday.",
])
def test_an_article_sentence_that_mentions_furniture_words_stays(last: str) -> None:
    from searcher.formats.html_body import drop_trailing_furniture

    assert drop_trailing_furniture(f"First paragraph.\n{last}", set()) == (
        f"First paragraph.\n{last}", [])
