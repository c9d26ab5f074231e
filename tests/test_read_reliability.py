"""The read side never fails with a traceback (issue 8): empty indexes, library
arguments as Python callers write them, and the display of hostile values."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from searcher import build_index, open_index, render_plain
from searcher.cli import main
from searcher.errors import InvalidArgumentError
from searcher.filters import Filters


def cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def empty_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built from an empty folder: it exists and holds nothing."""
    root = tmp_path_factory.mktemp("empty")
    (root / "corpus").mkdir()
    report = build_index([root / "corpus"], index=root / "index")
    assert report.documents == 0
    return root / "index"


# ---- an empty index (issue 8 item 4) ----------------------------------------------------

def test_empty_index_library_calls_can_be_repeated(empty_index: Path) -> None:
    with open_index(empty_index) as ix:
        for _ in range(3):  # the second call used to raise TypeError in Whoosh's refresh
            assert ix.search("oil", facets=True).total == 0
            assert ix.search("*").total == 0
            assert ix.search("oil~ *a* wh?at", tags="earn", since="1987").total == 0
            assert ix.stats().documents == 0
            assert ix.keyword_values("tags") == []
            assert len(ix) == 0


@pytest.mark.parametrize(("args", "code", "expected"), [
    (["stats"], 0, "documents   0"),
    (["stats", "--json"], 0, '"documents": 0'),
    (["search", "oil"], 0, "no results"),
    (["search", "--facets", "--tag", "earn", "*"], 0, "no results"),
    (["search", "--json", "oil"], 0, '"total": 0'),
    (["show", "1"], 1, ""),
])
def test_empty_index_commands(empty_index: Path, args: list[str], code: int,
                              expected: str) -> None:
    status, out, _err = cli(args[0], "--index", str(empty_index), *args[1:])
    assert status == code
    assert expected in out


def test_empty_index_shell_keeps_answering(empty_index: Path) -> None:
    status, out, err = cli("shell", "--index", str(empty_index),
                           stdin="oil\nwheat\n:tags\n*\n")
    assert status == 0, err
    assert out.count("no results") == 3
    assert "no tags" in out


# ---- library arguments (item 13) ---------------------------------------------------------

def test_a_single_string_is_one_tag_and_none_is_no_filter(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        as_list = ix.search("oil", tags=["earn"], limit=5).total
        assert as_list > 0
        assert ix.search("oil", tags="earn", limit=5).total == as_list
        assert ix.search("oil", tags=("earn",), limit=5).total == as_list
        everything = ix.search("oil", limit=5).total
        assert ix.search("oil", tags=None, any_tags=None, exclude_tags=None, author=None,
                         source=None).total == everything
        assert ix.search("oil", exclude_tags="earn").total == everything - as_list
        assert ix.search("oil", any_tags={"earn"}).total == as_list


def test_one_filters_value_is_the_filter_keywords(reuters_index: Path) -> None:
    """``filters=Filters(...)`` and the keywords are one thing: same results, same
    checks (made once, when the value is made), and not both at once."""
    keywords: dict[str, Any] = {"tags": "crude", "exclude_tags": ["usa"],
                                "since": "1987-03-01", "until": date(1987, 3, 31)}
    filters = Filters(**keywords)
    assert filters.tags == ("crude",) and filters.exclude_tags == ("usa",)
    assert filters and not Filters(tags=None, author=None)
    with open_index(reuters_index) as ix:
        by_keywords = ix.search("oil prices", **keywords, limit=20)
        by_value = ix.search("oil prices", filters=filters, limit=20)
        assert 0 < by_value.total < ix.search("oil prices").total
        assert [(h.id, h.score) for h in by_value.hits] == \
            [(h.id, h.score) for h in by_keywords.hits]
        assert by_value.total == by_keywords.total
        first = by_value.hits[0].id
        assert ix.similar(first, filters=filters).total == \
            ix.similar(first, **keywords).total
        with pytest.raises(InvalidArgumentError, match="not both"):
            ix.search("oil", filters=filters, tags="earn")
    with pytest.raises(InvalidArgumentError, match=r"^tags must hold strings only"):
        Filters(tags=["earn", 5])  # type: ignore[list-item]


@pytest.mark.parametrize("options", [
    {"limit": 0}, {"limit": 1001}, {"limit": "5"}, {"limit": True}, {"limit": 2.5},
    {"page": 0}, {"page": None}, {"sort": "sideways"}, {"sort": None},
    {"tags": 5}, {"tags": [1]}, {"tags": b"earn"}, {"any_tags": {"a": 1}},
    {"exclude_tags": [None]}, {"author": ["a"]}, {"source": 3},
    {"since": 5}, {"until": [2020]}, {"since": "garbage"}, {"until": ""},
    {"now": "2020-01-01"}, {"filters": "earn"}, {"filters": {"tags": ["earn"]}},
])
def test_bad_arguments_raise_invalid_argument_error(seed_index: Path,
                                                    options: dict[str, Any]) -> None:
    with open_index(seed_index) as ix, pytest.raises(InvalidArgumentError) as caught:
        ix.search("missile", **options)
    assert isinstance(caught.value, ValueError)
    name = next(iter(options))
    assert name in str(caught.value)


@pytest.mark.parametrize("call", [
    lambda ix: ix.search(5),
    lambda ix: ix.search(b"missile"),
    lambda ix: ix.get(5),
    lambda ix: ix.show(None),
    lambda ix: ix.show("000_a92b5885473cdf19.txt", query=3),
    lambda ix: ix.similar(7),
    lambda ix: ix.similar("000_a92b5885473cdf19.txt", limit=-1),
    lambda ix: ix.stats(top_tags=-5),
    lambda ix: ix.keyword_values("body"),
    lambda ix: ix.keyword_values("tags", prefix=None),
])
def test_wrong_types_never_leak_from_whoosh(seed_index: Path, call: Any) -> None:
    with open_index(seed_index) as ix, pytest.raises(InvalidArgumentError):
        call(ix)


def test_dates_and_none_query_are_accepted(seed_index: Path) -> None:
    with open_index(seed_index) as ix:
        assert ix.search(None).total == 1
        assert ix.search("", since=date(2000, 1, 1), until=datetime(2100, 1, 1)).total == 0


def test_since_garbage_names_the_option(seed_index: Path) -> None:
    status, _out, err = cli("search", "--index", str(seed_index), "--since", "garbage", "oil")
    assert status == 2
    assert err.startswith("searcher: since: garbage is not a date")
    assert "position" not in err


# ---- :similar in the shell ----------------------------------------------------------------

def test_similar_pages_counts_and_filters_like_a_query(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        first = ix.similar("1", limit=5)
        second = ix.similar("1", limit=5, page=2)
        assert first.total > 10
        assert second.total == first.total
        assert not {h.id for h in first.hits} & {h.id for h in second.hits}
        assert [h.rank for h in second.hits] == [6, 7, 8, 9, 10]
        filtered = ix.similar("1", limit=50, tags="usa")
        assert 0 < filtered.total < first.total
        assert all("usa" in h.tags for h in filtered.hits)
        labels = [m for h in first.hits for m in h.matched]
        assert labels and "body: similar" not in labels
        assert "body: cocoa" in labels  # key terms are shown as the article wrote them


def test_shell_more_after_similar(reuters_index: Path) -> None:
    status, out, err = cli("shell", "-n", "2", "--index", str(reuters_index),
                           stdin="cocoa\n:similar 1\n:more\n:filter tag:usa\n")
    assert status == 0, err
    assert "3-4 of " in out
    totals = [int(t.replace(",", "")) for t in
              __import__("re").findall(r"of ([\d,]+) (?:results|stories)", out)]
    assert totals[1] == totals[2] > totals[3] > 0  # :more kept the total; the filter applied


# ---- hostile values on display --------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    records = [
        {"id": "evil\x1b[2Jid\x07", "title": "Oil \u202eevil\u202c title",
         "body": "Crude oil prices rose\x9b31m sharply \u2066today\u2069.",
         "tags": ["tag\x85c1"], "date": "1850-01-01"},
        {"id": "plain", "title": "Wheat", "body": "Wheat exports.", "date": "1987-03-01"},
        {"id": "year-one", "title": "Placeholder", "body": "Undated.", "date": "0001-01-01"},
    ]
    (root / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records),
                                  encoding="utf-8")
    build_index([root / "a.jsonl"], index=root / "index")
    return root / "index"


def test_ids_with_controls_are_shown_escaped_and_show_accepts_them(hostile_index: Path) -> None:
    _status, out, _ = cli("search", "--index", str(hostile_index), "oil")
    assert "id evil\\x1b[2Jid\\x07" in out
    assert "\x1b" not in out
    status, out, err = cli("show", "--index", str(hostile_index), "evil\\x1b[2Jid\\x07")
    assert status == 0, err
    assert "Crude oil prices" in out
    status, _out, _err = cli("show", "--index", str(hostile_index), "evil\x1b[2Jid\x07")
    assert status == 0  # the raw id works too


@pytest.mark.parametrize("args", [["search", "oil"], ["show", "evil\\x1b[2Jid\\x07"],
                                  ["search", "--facets", "*"], ["stats"]])
def test_no_bidi_override_or_control_reaches_the_terminal(hostile_index: Path,
                                                          args: list[str]) -> None:
    _status, out, _ = cli(args[0], "--index", str(hostile_index), *args[1:])
    assert not set(out) & {"\u202e", "\u202c", "\u2066", "\u2069", "\x9b", "\x85", "\x1b",
                           "\x07"}


@pytest.mark.parametrize("command", [["search", "--json", "oil"],
                                     ["show", "--json", "plain"], ["stats", "--json"]])
def test_json_output_escapes_c1_and_bidi(hostile_index: Path, command: list[str]) -> None:
    _status, out, _ = cli(command[0], "--index", str(hostile_index), *command[1:])
    assert not set(out) & {"\u202e", "\x9b", "\x85", "\x1b"}
    json.loads(out)
    if command[0] == "search":
        assert "\\u202e" in out  # escaped, not dropped: JSON keeps the data


def test_year_one_is_a_placeholder_not_the_start_of_the_archive(hostile_index: Path) -> None:
    with open_index(hostile_index) as ix:
        assert ix.get("year-one").published is None  # rejected by the reader, counted
    _status, out, _ = cli("stats", "--index", str(hostile_index))
    assert "1850-01-01 to 1987-03-01" in out


def test_years_before_1000_keep_four_digits() -> None:
    assert render_plain.day(datetime(1, 1, 1)) == "0001-01-01"


def test_line_breaks_in_values_do_not_break_one_line_displays(hostile_index: Path) -> None:
    _status, out, _ = cli("search", "--facets", "--index", str(hostile_index), "oil")
    assert "tags: tag c1 (1)" in out  # NEL in the tag: a space, not a new line
    assert "tags: tag c1 ·" in out or "tags: tag c1" in out


def test_a_long_span_is_bucketed_by_year_in_the_timeline(hostile_index: Path) -> None:
    with open_index(hostile_index) as ix:
        facets = ix.search("*", facets=True).facets
    assert facets is not None
    assert facets.date_unit == "year"
    assert (facets.dates[0].value, facets.dates[0].count) == ("1850", 1)
    assert (facets.dates[-1].value, facets.dates[-1].count) == ("1987", 1)


# ---- long articles (item 15, display side) ------------------------------------------------

def test_a_long_one_paragraph_article_is_drawn_in_bounded_pieces() -> None:
    from searcher.models import Span
    from searcher.render import CHUNK, HIGHLIGHT, long_text

    body = "crude oil prices " * 5_000 + "\nsecond paragraph oil"
    spans = [Span(i, i + 3) for i in range(6, len(body) - 21, 17)] + [Span(len(body) - 3,
                                                                          len(body))]
    texts = long_text(body, spans)
    assert all(len(t.plain) <= CHUNK for t in texts)
    assert len(texts) > len(body) // CHUNK  # cut, not one Text rich wraps in n^2 time
    assert "".join(t.plain for t in texts[:-1]) == body.split("\n")[0]
    marked = [t.plain[sp.start:sp.end] for t in texts for sp in t.spans
              if sp.style == HIGHLIGHT]
    assert set(marked) == {"oil"} and len(marked) == len(spans)


def test_highlights_and_snippets_read_a_bounded_head_of_huge_texts() -> None:
    from searcher.highlight import MAX_ANALYZED_CHARS, highlight_spans
    from searcher.models import QueryTerm
    from searcher.passages import make_snippets

    text = "filler words here " * (MAX_ANALYZED_CHARS // 18 + 10) + "needle"
    oil = (QueryTerm("body", "term", "needle", ("needl",)),)
    assert highlight_spans(text, oil, field="body") == ()  # past the analysed head
    near = "needle " + text
    assert highlight_spans(near, oil, field="body")[0] == (0, 6)
    assert make_snippets(near, oil, field="body")[0].highlights


# ---- queries starting with "-" --------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["-wheat", "missile"], "1-1 of 1 results"),
    (["-drone", "missile"], "no results"),  # the seed mentions drones
    (["-missile", "scud"], "no results"),
    (["-n", "1", "-wheat", "scud"], "1-1 of 1 results"),
    (["-n1", "scud", "-wheat"], "1-1 of 1 results"),
    (["--limit=1", "-p", "1", "scud"], "1-1 of 1 results"),
    (["--", "-wheat", "scud"], "1-1 of 1 results"),
])
def test_a_query_may_start_with_minus(seed_index: Path, args: list[str], expected: str) -> None:
    status, out, err = cli("search", "--index", str(seed_index), *args)
    assert status == 0, err
    assert out.strip().endswith(expected) or expected in out


def test_options_after_minus_words_still_apply(seed_index: Path) -> None:
    status, out, _ = cli("search", "-wheat", "missile", "--json", "--index", str(seed_index))
    assert status == 0
    assert json.loads(out)["query"] == "-wheat missile"


def test_json_error_messages_say_at_once(tmp_path: Path) -> None:
    bad, good = '{"id": "1", "title": "x\x01y"}', '{"id": "2", "title": "ok"}'
    (tmp_path / "a.jsonl").write_text(f"{bad}\n{good}\n", encoding="utf-8")
    report = build_index([tmp_path / "a.jsonl"], index=tmp_path / "index")
    messages = [p.message for p in report.problems]
    assert any("Invalid control character at column" in m for m in messages), messages
    assert not any("at at" in m for m in messages)


@pytest.mark.parametrize("args", [["search", "missile"], ["search", "--facets", "*"],
                                  ["stats"], ["show", "000_a92b5885473cdf19.txt"]])
def test_piped_output_has_no_trailing_spaces(seed_index: Path, args: list[str]) -> None:
    status, out, _ = cli(args[0], "--index", str(seed_index), *args[1:])
    assert status == 0
    assert out.strip()
    assert [line for line in out.splitlines() if line != line.rstrip()] == []
