"""The scraped-page text reader: the seed article field by field, the general rules
(credit, footer, tags, dates) on small pages written to tmp_path, and hypothesis."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.formats.base import Source, UnreadableFile
from searcher.formats.text import is_boilerplate, is_copyright_line, read, split_tags
from searcher.models import Article, Decision, Problem

from ..conftest import SEED, SHARED

SEED_NAME = SEED.name
SHARED_SEED = SHARED / "seed" / SEED.name

SEED_BODY = "\n\n".join([
    "Azerbaijan on Saturday accused Armenia of launching ballistic missile strikes on two "
    "cities that killed at least 13 people as the two countries’ conflict over "
    "Nagorno-Karabakh spirals.",
    "The Armenian Defense Ministry denied launching the attack, but Azerbaijani President "
    "Ilham Aliyev accused Armenia of launching Scud missiles at Mingachevir and Gandja, "
    "Azerbaijan’s second-largest city, calling the strikes a “war crime.”",
    "“Today, Armenia’s fascist leadership perpetrated yet another war crime,” Aliyev said in "
    "a national address. “Shooting at civilians, including firing missiles, is a war crime, "
    "and they must and will bear responsibility for this crime. We are retaliating on the "
    "battlefield. We are avenging and will continue to avenge the deaths of our martyrs, of "
    "innocent civilians on the battlefield.”",
    "The\xa0most recent rounds of violence mark the latest signs that a ceasefire signed "
    "between Azerbaijan and Armenia is crumbling and that an end to the weeks-long conflict "
    "over the contested territory of Nagorno-Karabakh is nowhere in sight.",
    "The territory lies within Azerbaijan but has been controlled by ethnic Armenian forces "
    "since 1994. Renewed fighting began in late September.",
    "Both sides have traded accusations of targeting civilian areas with heavy artillery, "
    "rockets and drones. Hundreds are estimated to have already been killed in the violence.",
    "“At dawn, [Azerbaijani] forces once again violated the humanitarian ceasefire by "
    "resuming shelling in the direction of peaceful settlements,” the Armenian Defense "
    "Ministry tweeted Saturday.",
    "The two sides had reached a ceasefire one week ago at a meeting organized by Russia, "
    "though the deal swiftly fell apart as fighting continued.",
    "Secretary of State Mike Pompeo this week called on the two sides to respect the "
    "agreement and condemned the ongoing violence.",
    "“The United States calls on Azerbaijan and Armenia to implement their commitments to a "
    "ceasefire as agreed and cease targeting civilian areas, such as Ganja and Stepanakert,” "
    "Pompeo said in a tweet. “We deplore the loss of human life and remain committed to a "
    "peaceful settlement.”",
])


def read_file(tmp_path: Path, content: str | bytes, name: str = "page.txt") -> list[object]:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return list(read(Source(path, name)))


def only_article(items: list[object]) -> Article:
    items = [i for i in items if not isinstance(i, Decision)]
    assert len(items) == 1, items
    assert isinstance(items[0], Article)
    return items[0]


@pytest.mark.parametrize("path", [SHARED_SEED, SEED], ids=["shared", "corpus"])
def test_seed_article_fields(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not present")
    article = only_article(list(read(Source(path, SEED_NAME))))
    assert article.id == SEED_NAME
    assert article.path == SEED_NAME
    assert article.title == "Azerbaijan accuses Armenia of missile strike that killed at least 13"
    assert article.body == SEED_BODY
    assert article.tags == ("Armenia–Azerbaijan border", "Armenia–Azerbaijan relations",
                            "Mike Pompeo", "Nagorno-Karabakh War")
    assert article.source == "Nexstar Media Inc."
    assert article.published is None
    assert article.authors == ()
    everything = "\n".join([article.title, article.body, *article.tags])
    for leftover in ("Getty", "Copyright", "rights reserved", "Most Popular", "Load more"):
        assert leftover not in everything


def page(tag_line: str, body: str, title: str = "A headline about the news") -> str:
    return f"{title}\n\n{body}\n\n{tag_line}\n\nCopyright 2024 Example News. All rights reserved.\n"


@pytest.mark.parametrize(("tag_line", "body", "expected"), [
    # single-word tags: each word is used alone in the body, never together
    ("Tags Politics Economy Europe",
     "Ministers said politics and the economy dominated talks across Europe.",
     ("Politics", "Economy", "Europe")),
    # person names + topics: the full names and phrases appear in the body
    ("Tags Angela Merkel Emmanuel Macron Climate change Paris Agreement",
     "Angela Merkel and Emmanuel Macron discussed climate change and the Paris Agreement.",
     ("Angela Merkel", "Emmanuel Macron", "Climate change", "Paris Agreement")),
    # lowercase-led tags, split where the body's phrases end
    ("Tags climate change renewable energy Germany",
     "Germany is fighting climate change with renewable energy.",
     ("climate change", "renewable energy", "Germany")),
    # digits, an organisation's full name, a lowercase tag after it
    ("Topics COVID-19 World Health Organization vaccines",
     "The World Health Organization said COVID-19 vaccines work.",
     ("COVID-19", "World Health Organization", "vaccines")),
    # a title-cased name not in the body: proper name + a word the body uses in lowercase
    ("Tags Labour Party Keir Starmer",
     "The opposition Labour leader Keir Starmer said his party would win.",
     ("Labour Party", "Keir Starmer")),
    # proper names used separately stay separate
    ("Tags Europe Germany France",
     "In Europe, officials from Germany and France agreed.",
     ("Europe", "Germany", "France")),
    # a connector keeps a name together; a case step starts a new tag
    ("Tags Bank of England Brexit interest rates",
     "The Bank warned that Brexit would hurt. Interest rates rose across England.",
     ("Bank of England", "Brexit", "interest rates")),
    # a number continues the tag before it; a capitalised word after it starts a new one
    ("Tags Euro 2024 Germany football",
     "Germany hosted the Euro in 2024 and loves football.",
     ("Euro 2024", "Germany", "football")),
    # a word the article never uses alone is part of its neighbour's tag
    ("Tags Mike Pompeo diplomacy",
     "Pompeo spoke about diplomacy.",
     ("Mike Pompeo", "diplomacy")),
])
def test_tag_line_without_delimiters(tmp_path: Path, tag_line: str, body: str,
                                     expected: tuple[str, ...]) -> None:
    article = only_article(read_file(tmp_path, page(tag_line, body)))
    assert article.tags == expected
    assert article.body == body


@pytest.mark.parametrize(("tag_line", "expected"), [
    ("Tags: Politics, Economy, Europe", ("Politics", "Economy", "Europe")),
    ("Topics: war in Ukraine; NATO; Vladimir Putin", ("war in Ukraine", "NATO", "Vladimir Putin")),
    ("Keywords: markets | oil | OPEC+", ("markets", "oil", "OPEC+")),
    ("Tags • Health • health • Science", ("Health", "Science")),
    ("Filed under: World · Europe", ("World", "Europe")),
    ("Tags Oil, Gas Prices", ("Oil", "Gas Prices")),
])
def test_tag_line_with_delimiters(tmp_path: Path, tag_line: str,
                                  expected: tuple[str, ...]) -> None:
    article = only_article(read_file(tmp_path, page(tag_line, "Prices rose on Monday.")))
    assert article.tags == expected


def test_split_tags_direct() -> None:
    assert split_tags("Nagorno-Karabakh War", body="Fighting in Nagorno-Karabakh, a war.") == (
        "Nagorno-Karabakh War",)
    assert split_tags("") == ()


_TAG_WORD = st.from_regex(r"[XYZQKxyzqk][xyzqk0-9-]{0,5}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(_TAG_WORD, min_size=1, max_size=12, unique_by=str.casefold),
       body=st.lists(_TAG_WORD, max_size=30).map(" ".join))
def test_split_tags_partitions_the_words(words: list[str], body: str) -> None:
    """Without delimiters the tags are the line's words, in order, cut into groups."""
    tags = split_tags(" ".join(words), title="T", body=body)
    assert " ".join(tags).split() == words
    assert all(t.strip() == t and t for t in tags)


def test_colon_less_tag_line_only_at_the_end(tmp_path: Path) -> None:
    body = "Topics discussed at the summit ranged widely\n\nLeaders then went home."
    article = only_article(read_file(tmp_path, f"Summit ends\n\n{body}\n"))
    assert article.tags == ()
    assert article.body == body


@pytest.mark.parametrize("credit", [
    "Getty Images", "AP Photo/Evan Vucci", "Credit: Jane Doe/Reuters",
    "Photo: AFP via Getty Images", "(Photo by John Smith/Getty Images)", "© Reuters",
])
def test_photo_credit_dropped(tmp_path: Path, credit: str) -> None:
    article = only_article(read_file(tmp_path, f"Storm hits coast\n\n{credit}\n\n"
                                                "Winds reached 150 km/h.\n"))
    assert article.title == "Storm hits coast"
    assert article.body == "Winds reached 150 km/h."
    assert article.source == ""


def test_short_deck_after_title_is_not_a_credit(tmp_path: Path) -> None:
    text = "Talks stall\n\nOfficials say Reuters report is wrong\n\nThe talks stalled.\n"
    article = only_article(read_file(tmp_path, text))
    assert article.body == "Officials say Reuters report is wrong\n\nThe talks stalled."


def test_no_tags_no_footer_navigation_dropped(tmp_path: Path) -> None:
    text = ("Markets rally\n\nAdvertisement\n\nStocks rose on Friday.\nBonds fell.\n\n"
            "Share this article\n\nAnalysts expect more gains.\n\nRead more\n")
    article = only_article(read_file(tmp_path, text))
    assert article.title == "Markets rally"
    assert article.body == "Stocks rose on Friday.\nBonds fell.\n\nAnalysts expect more gains."
    assert article.tags == ()
    assert article.source == ""


def test_links_section_ends_the_body(tmp_path: Path) -> None:
    text = ("Markets rally\n\nStocks rose.\n\nRelated Stories:\n\nOther headline one\n\n"
            "Other headline two\n")
    assert only_article(read_file(tmp_path, text)).body == "Stocks rose."


def test_header_metadata(tmp_path: Path) -> None:
    text = ("Storm hits coast\nBy Jane Doe and John Smith\nPublished: October 17, 2020 "
            "10:03 AM EDT\nUpdated: Oct. 18, 2020\n\nStorm hits coast\n\nWinds rose.\n\n"
            "© 2020 The Daily Planet. This material may not be published.\n")
    article = only_article(read_file(tmp_path, text))
    assert article.authors == ("Jane Doe", "John Smith")
    assert article.published == datetime(2020, 10, 17, 14, 3)
    assert article.body == "Winds rose."
    assert article.source == "The Daily Planet"


@pytest.mark.parametrize(("byline", "when"), [
    ("By Jane Doe - August 25, 2024 3878", datetime(2024, 8, 25)),  # a view count after
    ("By Jane Doe – August 25, 2024", datetime(2024, 8, 25)),
    ("By Jane Doe - October 17, 2020 10:03 AM EDT", datetime(2020, 10, 17, 14, 3)),
])
def test_byline_then_a_dash_and_the_date(tmp_path: Path, byline: str, when: datetime) -> None:
    """``By NAME - DATE``, as blog and news themes print it (the development half's
    blackcoffer pages: ``By Ajay Bidyarthy -   August 26, 2024 3878``): the name without
    the dash, the date without what follows it unless that is its time."""
    text = f"Storm hits coast\n{byline}\n\nWinds rose on the coast overnight, officials said.\n"
    article = only_article(read_file(tmp_path, text))
    assert article.authors == ("Jane Doe",)
    assert article.published == when


def test_dates_in_a_list_below_the_article_do_not_move_its_start(tmp_path: Path) -> None:
    """Once the byline is passed, a date further down (another story's, in a list of
    popular pages) does not make the article's first line a deck: the development
    half's blackcoffer pages, one article line then such a list, lost their article."""
    text = ("Marbles simulation\nBy Jane Doe - August 30, 2021 5834\n\n"
            "The client, a consulting firm, asked for a model of marbles drawn at random.\n\n"
            "MOST POPULAR INSIGHTS\n\nThe Future of Telehealth Services\n\nApril 28, 2022\n\n"
            "How to overcome your fear of making mistakes?\n")
    article = only_article(read_file(tmp_path, text))
    assert article.body.startswith("The client, a consulting firm")
    assert article.published == datetime(2021, 8, 30)


def test_date_before_title_and_tags_after_it(tmp_path: Path) -> None:
    text = "Saturday, 17 October 2020\nStorm hits coast\nTopics: Weather\n\nWinds rose.\n"
    article = only_article(read_file(tmp_path, text))
    assert article.published == datetime(2020, 10, 17)
    assert (article.title, article.body, article.tags) == ("Storm hits coast", "Winds rose.",
                                                           ("Weather",))


def test_updated_date_is_not_published(tmp_path: Path) -> None:
    text = "Storm hits coast\nUpdated: Oct. 18, 2020\n\nBy Saturday, the winds had dropped.\n"
    article = only_article(read_file(tmp_path, text))
    assert article.published is None
    assert article.authors == ()
    assert article.body == "By Saturday, the winds had dropped."


def test_invalid_utf8_warns_and_reads(tmp_path: Path) -> None:
    items = read_file(tmp_path, b"Caf\xe9 opens\n\nThe caf\xe9 opened on Monday.\n")
    assert items[0] == Problem("page.txt", "invalid UTF-8 at byte 3; decoded as cp1252",
                               skipped=False)
    article = only_article(items[1:])
    assert (article.title, article.body) == ("Café opens", "The café opened on Monday.")


def test_title_only(tmp_path: Path) -> None:
    article = only_article(read_file(tmp_path, "  Just a headline  \r\n"))
    assert (article.title, article.body, article.tags) == ("Just a headline", "", ())


@pytest.mark.parametrize("text", [
    "Most Popular\n\nLoad more\n",
    "Copyright 2023 Example Inc. All rights reserved.\n",
    "* * *\n---\n",
])
def test_no_title_or_body_is_skipped(tmp_path: Path, text: str) -> None:
    items = [i for i in read_file(tmp_path, text) if not isinstance(i, Decision)]
    assert items == [Problem("page.txt", "no title or body text found")]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"),
    (b"  \n\t\r\n ", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
])
def test_unreadable(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile, match=r"^" + message.replace("(", r"\(")
                       .replace(")", r"\)") + "$"):
        read_file(tmp_path, content)


_LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", "Most Popular", "Load more", "Advertisement", "Getty Images",
                     "Copyright 2023 Foo Inc. All rights reserved.", "© Bar", "Tags A b C",
                     "Tags: x, y", "Published: May 5, 2021", "By Ann Lee", "Related Stories",
                     "Read more »", "   ", "\u200b", "* * *"]),
    st.from_regex(r"[A-Z][a-z]{1,8}( [A-Za-z]{1,8}){0,6}\.?", fullmatch=True),
    st.from_regex(r"(Tags|Topics:) [A-Za-z][a-z-]{0,6}( [A-Za-z][a-z-]{0,6}){0,8}",
                  fullmatch=True),
)


@settings(max_examples=250, deadline=None)
@given(lines=st.lists(_LINE, max_size=25), raw=st.binary(max_size=64),
       use_raw=st.booleans())
def test_any_text_reads_cleanly(tmp_path_factory: pytest.TempPathFactory, lines: list[str],
                                raw: bytes, use_raw: bool) -> None:
    path = tmp_path_factory.getbasetemp() / "text-reader-hypothesis.txt"
    path.write_bytes(raw if use_raw else "\n".join(lines).encode("utf-8"))
    try:
        items = list(read(Source(path, "x.txt")))
    except UnreadableFile:
        return
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) + sum(isinstance(i, Problem) and i.skipped for i in items) == 1
    for article in articles:
        assert article.title or article.body
        assert "\n\n\n" not in article.body
        for line in [article.title, *article.body.split("\n")]:
            assert line == line.strip()
            assert not is_boilerplate(line) and not is_copyright_line(line)
        assert all(t and not is_boilerplate(t) for t in article.tags)


def decisions_of(tmp_path: Path, text: str) -> tuple[Article, list[Decision]]:
    items = read_file(tmp_path, text)
    return only_article(items), [i for i in items if isinstance(i, Decision)]


def test_copyright_caption_inside_the_body_is_not_the_footer(tmp_path: Path) -> None:
    article, decisions = decisions_of(tmp_path, (
        "New cardinals named\n\nPope Francis named 13 new cardinals on Sunday.\n\n"
        "© AFP Cardinal Wilton Gregory (centre) greets the faithful on Sunday.\n\n"
        "The ceremony took place amid restrictions.\n\n"
        "© 2020 Catholic Herald. All rights reserved.\n\nMost Popular\n"))
    assert article.body == ("Pope Francis named 13 new cardinals on Sunday.\n\n"
                            "The ceremony took place amid restrictions.")
    assert article.source == "Catholic Herald"
    assert [d.kind for d in decisions] == ["photo credits dropped", "footer cut"]


def test_reader_addressed_furniture_is_dropped_and_counted(tmp_path: Path) -> None:
    article, decisions = decisions_of(tmp_path, (
        "Police officers killed\n\nTwo officers were killed on Saturday.\n"
        "Get Ground Game in your inbox: Daily updates and analysis on national politics.\n"
        "Sign Up Thank you for signing up!\nSign up for more newsletters here\n"
        "take our poll - story continues below\nWho should replace Nikki Haley?\n"
        "* John Bolton Richard Grenell\nEmail *\n"
        "Completing this poll grants you access to Freedom Outpost updates free of charge.\n"
        "You may opt out at anytime.\n\n"
        "READ MORE:\nPolice chief speaks\nCity mourns officers\n\n"
        "Click here to subscribe to our daily briefing.\n"
        "Article posted with permission from Daisy Luther\n"
        "If you enjoyed this article, please consider donating to support our work.\n"
        "The suspect was taken to hospital, police said.\n"))
    assert article.body == ("Two officers were killed on Saturday.\n\n"
                            "The suspect was taken to hospital, police said.")
    kinds = {d.kind for d in decisions}
    assert {"newsletter sign-up dropped", "poll dropped", "related links dropped",
            "boilerplate lines dropped"} <= kinds


def test_headline_over_two_lines_and_site_name(tmp_path: Path) -> None:
    article, decisions = decisions_of(tmp_path, (
        "Pope Francis names new cardinals\nin surprise ceremony | Catholic Herald\n\n"
        "Pope Francis named 13 new cardinals on Sunday.\n"))
    assert article.title == "Pope Francis names new cardinals in surprise ceremony"
    assert decisions == [Decision("page.txt", "site name dropped from title",
                                  "| Catholic Herald", 1, 17)]
    for title in ("Brexit - what happens next", "Storm hits coast"):
        assert only_article(read_file(tmp_path, f"{title}\n\nWinds rose.\n")).title == title


def test_sign_off_byline_and_paper_at_the_end(tmp_path: Path) -> None:
    article, decisions = decisions_of(tmp_path, (
        "Storm hits coast\n\nWinds reached 150 km/h on Monday.\n\n"
        "— Jane Doe and John Roe\nThe Washington Post\n"))
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.source == "The Washington Post"
    assert article.body == "Winds reached 150 km/h on Monday."
    assert [d.kind for d in decisions] == ["sign-off read as authors"] * 2


@pytest.mark.parametrize(("line", "expected"), [
    ("Published: January 1, 1700", None),  # before 1800: rejected and counted
    ("Published: March 3, 2999", None),  # the future
    ("Published: March 3, 2019", datetime(2019, 3, 3)),
])
def test_implausible_dates_are_rejected(tmp_path: Path, line: str,
                                        expected: datetime | None) -> None:
    items = read_file(tmp_path, f"Storm hits coast\n{line}\n\nWinds rose.\n")
    article = next(i for i in items if isinstance(i, Article))
    assert article.published == expected
    rejected = [i for i in items if isinstance(i, Decision) and i.kind.startswith("date rej")]
    assert len(rejected) == (expected is None)


@pytest.mark.parametrize(("line", "names"), [
    ("ByMalcolm Harris", ("Malcolm Harris",)),  # flattened pages glue By to the name
    ("By Jason Tabrys • 12.29.14", ("Jason Tabrys",)),
    ("By Andrew Ramsey, Melbourne Cricket Ground", ("Andrew Ramsey",)),  # a place after it
    ("By Jane Doe, John Roe and Ann Lee", ("Jane Doe", "John Roe", "Ann Lee")),
    ("BY SARAH BURGE", ("Sarah Burge",)),
    ("By Saturday, the winds had dropped.", None),
])
def test_byline_shapes(line: str, names: tuple[str, ...] | None) -> None:
    from searcher.formats.bylines import byline
    assert byline(line) == names


@pytest.mark.parametrize(("value", "name"), [
    ("Maria dos Santos", "Maria dos Santos"),  # a particle inside the name
    ("Ahmed el Sayed", "Ahmed el Sayed"),
    ("JANE DOE", "Jane Doe"),
])
def test_a_byline_line_and_an_author_value_read_names_alike(value: str, name: str) -> None:
    """One set of name rules (formats/bylines.py): the same name from a page's ``By``
    line and from a structured author field."""
    from searcher.formats.bylines import byline, clean_name
    assert byline(f"By {value}") == (name,)
    assert clean_name(value)[0] == name


@pytest.mark.parametrize("sentence", [
    "Share prices fell 5% on Monday.",
    "Like many on Twitter, he was angry.",
    "Follow me, he said.",
    "Donations to your local food bank are welcome, the mayor said.",
    "Subscribers to the newsletter said the change was overdue.",
])
def test_prose_that_looks_like_a_prompt_is_kept(tmp_path: Path, sentence: str) -> None:
    article = only_article(read_file(tmp_path, f"Markets\n\nStocks rose.\n\n{sentence}\n"))
    assert article.body == f"Stocks rose.\n\n{sentence}"
