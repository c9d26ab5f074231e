"""Crash-only fuzzing of the query language on the Reuters index (issue 8 item 14): any
text gives results or a QuerySyntaxError, never another exception, and every cap
that bites says so. Speed is measured by bench/fuzz.py, not asserted here."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher import QuerySyntaxError, open_index
from searcher.expansion import within_distance
from searcher.query import (
    EXPANSION_LIMIT,
    MAX_EXPANDED_LEAVES,
    MAX_PHRASE_LEAVES,
    MAX_QUERY_CHARS,
    parse_query,
)

from .query_fuzz import SHAPES, generate

queries = st.one_of(st.sampled_from(SHAPES),
                    st.integers(0, 2**32).map(lambda seed: generate(random.Random(seed))),
                    st.text(max_size=60))


@pytest.fixture(scope="module")
def reuters(reuters_index: Path):  # type: ignore[no-untyped-def]
    with open_index(reuters_index) as ix:
        yield ix


# 2,000 fixed examples here (the slowest test of the suite at 10,000); bench/fuzz.py runs
# 10,000 generated queries through the whole search path and times them.
@settings(max_examples=10_000, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(queries)
def test_crash_only_any_query_parses_against_reuters_or_says_why(reuters, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        parsed = parse_query(text, reuters._current().reader())
    except QuerySyntaxError as e:
        assert str(e)
        return
    for qt in parsed.terms:
        assert len(qt.terms) <= EXPANSION_LIMIT


def test_crash_only_generated_queries_run_end_to_end(reuters) -> None:  # type: ignore[no-untyped-def]
    """The shapes that used to hang, and a seeded sample, through the whole search path
    (execution, snippets, facets, did-you-mean)."""
    rng = random.Random(8)
    for text in [*SHAPES, *(generate(rng) for _ in range(150))]:
        try:
            results = reuters.search(text, limit=3, facets=True)
        except QuerySyntaxError:
            continue
        assert results.total >= len(results.hits)


def test_caps_that_bite_are_reported(reuters) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QuerySyntaxError, match="characters long"):
        reuters.search("a" * (MAX_QUERY_CHARS + 1))
    notes = reuters.search("*a*", limit=1).notes
    assert any(f"only the {EXPANSION_LIMIT} most frequent" in n for n in notes)
    many = " ".join(f"{w}~1" for w in ("oil", "wheat", "gold", "coffee", "cocoa", "bank",
                                       "trade", "price", "rate", "yen"))
    notes = reuters.search(many, limit=1).notes
    assert any(f"first {MAX_EXPANDED_LEAVES} wildcard and fuzzy words" in n for n in notes)
    phrases = " ".join(f'"oil x{w}"' for w in range(MAX_PHRASE_LEAVES + 5))
    notes = reuters.search(phrases, limit=1).notes
    assert any(f"after the first {MAX_PHRASE_LEAVES}" in n for n in notes)


def test_repeated_words_are_searched_once(reuters) -> None:  # type: ignore[no-untyped-def]
    once = reuters.search("oil", limit=5)
    many = reuters.search(" ".join(["oil"] * 2000), limit=5)
    assert many.total == once.total
    assert [h.id for h in many.hits] == [h.id for h in once.hits]


@pytest.mark.parametrize(("a", "b", "limit", "expected"), [
    ("price", "prices", 1, True), ("price", "pricse", 1, True), ("price", "prcie", 1, True),
    ("price", "pirce", 2, True), ("price", "rpice", 1, True), ("price", "piece", 1, False),
    ("price", "piece", 2, True),
    ("price", "pride", 1, True), ("price", "prize", 2, True), ("price", "pr", 2, False),
    ("oil", "oils", 0, False), ("oil", "oil", 0, True), ("abcdef", "badcfe", 2, False),
])
def test_edit_distance(a: str, b: str, limit: int, expected: bool) -> None:
    assert within_distance(a, b, limit) is expected
