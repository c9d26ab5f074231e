"""Piped search results and articles (render_plain.py, no rich) are the text rich
prints for them.

The terminal path draws results with rich (render.results_view); a pipe gets the same
lines built with string operations. The property test renders random pages both ways
at random widths: titles and snippets with long words, wide (CJK) characters,
combining accents, tabs, line breaks and control characters."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher import render, render_plain, wrap
from searcher.cli import main
from searcher.models import (
    Article,
    ArticleView,
    FacetCount,
    Facets,
    Hit,
    SearchResults,
    Snippet,
    Span,
)

# Wide, narrow and zero-width characters, and what only rich's own tables measure right:
# signs Python's Unicode 14 calls narrow (☰), emoji with U+FE0F, skin tones and U+200D.
ALPHABET = st.sampled_from([
    *"abcdefghij KLMNO 0123456789 .,;:-'\"()[]/…·", "  ", "   ", *"éüßñøÆ", *"日本語の記事中文",
    "e\u0301", "\u200b", "\t", "\n", "\x1b[2J", "\x07", "☰", "☷", "❤\ufe0f", "👍🏽",
    "👨\u200d👩\u200d👧",
])
TEXT = st.lists(ALPHABET, max_size=60).map("".join)
LONG_WORD = st.integers(1, 200).map(lambda n: "x" * n)
WORDS = st.lists(st.one_of(TEXT, LONG_WORD, st.just("日" * 50)), max_size=5).map(" ".join)
SPANS = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=3).map(
    lambda pairs: tuple(Span(min(p), max(p)) for p in pairs))


@st.composite
def hits(draw: st.DrawFn, rank: int) -> Hit:
    return Hit(
        id=draw(st.sampled_from(["12", "a\x1bb", "path/file.txt:3", "i" * 400])),
        title=draw(st.one_of(WORDS, st.just("T" * 170), st.just("題" * 90))),
        published=draw(st.one_of(st.none(), st.just(datetime(987, 3, 6)))),
        tags=tuple(draw(st.lists(st.sampled_from(["crude", "usa", "日本", "t" * 300, "語" * 99]),
                                 max_size=10))),
        authors=tuple(draw(st.lists(st.one_of(TEXT, st.just("A" * 200)), max_size=10))),
        source=draw(st.one_of(TEXT, st.just("S" * 100))),
        url="",
        path="",
        score=draw(st.one_of(st.none(), st.floats(0, 100))),
        rank=rank,
        title_highlights=draw(SPANS),
        snippets=tuple(Snippet(t, draw(SPANS)) for t in draw(st.lists(WORDS, max_size=3))),
        matched=tuple(draw(st.lists(TEXT, max_size=3))),
    )


@st.composite
def pages(draw: st.DrawFn) -> SearchResults:
    n = draw(st.integers(0, 3))
    counts = st.lists(st.integers(0, 50), min_size=1, max_size=80)
    facets = draw(st.one_of(st.none(), st.builds(
        Facets,
        tags=st.lists(st.builds(FacetCount, st.one_of(TEXT, st.just("F" * 90)),
                                st.integers(0, 10**6)), max_size=12).map(tuple),
        dates=counts.map(lambda c: tuple(FacetCount(f"1987-{i:02d}", k) for i, k in enumerate(c))),
    )))
    return SearchResults(
        query="q", total=draw(st.integers(n, 10**7)) if n else draw(st.sampled_from([0, 7])),
        hits=tuple(draw(hits(k + 1)) for k in range(n)), page=draw(st.integers(1, 3)),
        limit=10, elapsed_ms=draw(st.floats(0, 1e4)), facets=facets,
        suggestion=draw(st.one_of(st.none(), TEXT)), notes=tuple(draw(st.lists(TEXT, max_size=2))),
    )


@settings(max_examples=150, deadline=None)
@given(pages(), st.integers(15, 130))
def test_plain_results_are_what_rich_prints(results: SearchResults, width: int) -> None:
    """From 15 columns up: below that rich crops the indented lines at its segments'
    edges, where a zero-width character may fall on either side."""
    expected = render.plain_text(render.plain_console(width=width), render.results_view(results))
    assert render_plain.results_text(results, width) == expected


@st.composite
def articles(draw: st.DrawFn) -> ArticleView:
    paragraphs = draw(st.lists(st.one_of(WORDS, TEXT), max_size=6))
    if draw(st.booleans()):  # a line longer than a CHUNK, cut where it has a space
        paragraphs.append(("word " * 1700) + "x" * 9000)
    article = Article(
        id=draw(st.sampled_from(["12", "a\x1bb", "path/file.txt:3", "i" * 400])),
        title=draw(WORDS), body="\n".join(paragraphs),
        tags=tuple(draw(st.lists(st.one_of(TEXT, st.just("t" * 300)), max_size=4))),
        authors=tuple(draw(st.lists(st.one_of(TEXT, st.just("A" * 200)), max_size=2))),
        published=draw(st.one_of(st.none(), st.just(datetime(1987, 3, 6, 9, 5)))),
        source=draw(TEXT), url=draw(st.sampled_from(["", "https://example.com/a",
                                                     "https://example.com/" + "u" * 300])),
        path=draw(st.sampled_from(["", "12", "corpus/a.txt"])))
    return ArticleView(article, draw(SPANS), draw(SPANS))


@settings(max_examples=60, deadline=None)
@given(articles(), st.integers(1, 130))
def test_plain_articles_are_what_rich_prints(view: ArticleView, width: int) -> None:
    expected = render.plain_text(render.plain_console(width=width), render.article_view(view))
    assert render_plain.article_text(view, width) == expected


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # three emoji joined by U+200D


@pytest.mark.parametrize("width", [108, 109, 110])
def test_a_highlight_inside_an_emoji_sequence_wraps_as_the_plain_text(width: int) -> None:
    """A span ending inside a joined emoji sequence (hypothesis found it): rich measured
    the styled pieces apart (6 cells instead of 2) and cut the line one cell early."""
    title = "aaaaa" + FAMILY + " " + "\u65e5" * 50  # 108 cells
    view = ArticleView(Article(id="12", title=title, body=""), (Span(0, 7),), ())
    expected = render.plain_text(render.plain_console(width=width), render.article_view(view))
    assert expected.splitlines()[0] == title  # the whole title fits on the first line
    assert render_plain.article_text(view, width) == expected


def test_highlights_take_whole_clusters() -> None:
    """A highlight never splits a letter from its accent nor an emoji sequence."""
    text = "cafe\u0301 " + FAMILY + "!"
    assert wrap.whole_clusters(text, [(0, 4), (7, 8), (6, 7)]) == [(0, 5), (6, 11), (6, 11)]
    assert wrap.whole_clusters("plain text", [(1, 3)]) == [(1, 3)]


# Blocks whose widths have been stable across Unicode versions: Latin, Greek, Cyrillic,
# Hebrew, Arabic, Devanagari, Thai, combining marks, punctuation, box drawing, CJK,
# kana, Hangul syllables, fullwidth forms.
BLOCKS = [(0x20, 0x24F), (0x300, 0x36F), (0x370, 0x52F), (0x590, 0x6FF), (0x900, 0x97F),
          (0xE00, 0xE7F), (0x2000, 0x206F), (0x2500, 0x257F), (0x3000, 0x30FF),
          (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF)]


def test_character_widths_are_rich_s() -> None:
    """For every assigned character of those blocks (unassigned ones are Python's
    Unicode version's business)."""
    import unicodedata

    from rich.cells import get_character_cell_size

    wrong = [hex(cp) for lo, hi in BLOCKS for cp in range(lo, hi + 1)
             if unicodedata.category(chr(cp)) != "Cn"
             and wrap.char_width(chr(cp)) != get_character_cell_size(chr(cp))]
    assert not wrong


def test_the_narrow_fast_path_holds_only_one_cell_characters() -> None:
    narrow = [chr(cp) for cp in range(0x20, 0x3000) if wrap._NARROW.fullmatch(chr(cp))]
    assert len(narrow) > 1000
    assert all(wrap.char_width(c) == 1 for c in narrow)


@given(st.text(max_size=40), st.integers(1, 50))
def test_crop_and_fold_keep_within_the_width(text: str, width: int) -> None:
    for line in wrap.wrap(render.blank_controls(text), width):
        assert wrap.cell_width(line) <= width


@pytest.mark.parametrize("command", [["search", "missile"], ["show", "-q", "missile"]],
                         ids=["search", "show"])
def test_piped_output_is_plain_text_and_the_terminal_gets_rich(seed_index: Path,
                                                               command: list[str]) -> None:
    """CliRunner's stdout is not a terminal: the plain path; FORCE_COLOR makes rich
    draw it (with styles); the words are the same."""
    if command[0] == "show":
        from searcher import open_index

        with open_index(seed_index) as ix:
            command = ["show", ix.search("missile").hits[0].id, *command[1:]]
    args = [command[0], "--index", str(seed_index), *command[1:]]
    plain = CliRunner().invoke(main, args, env={"COLUMNS": "70"})
    styled = CliRunner().invoke(main, args, env={"COLUMNS": "70", "FORCE_COLOR": "1"})
    assert plain.exit_code == styled.exit_code == 0
    assert "\x1b[" not in plain.output and "\x1b[" in styled.output
    assert max(len(line) for line in plain.output.splitlines()) <= 70
    assert "missile" in plain.output.lower()


def test_output_width_follows_columns() -> None:
    code = "from searcher.wrap import output_width; print(output_width())"
    env = {**os.environ, "COLUMNS": "123"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, check=True).stdout
    assert out.strip() == "123"
    env.pop("COLUMNS")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, check=True).stdout
    assert out.strip() == "80"  # no terminal on any of stdin, stdout, stderr
