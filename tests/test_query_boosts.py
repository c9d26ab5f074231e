"""Boosts (issue 16, class 12): ``word^N``, ``"phrase"^N``, ``field:word^N`` and
``(group)^N`` scale their clause's score, never what matches; a bad boost is a one-line
error at the ``^``. Checked on a real index built from text, against Whoosh's matchers
and the reference BM25F (tests/whoosh_oracle.py), and by a hypothesis round trip."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher import build_index, open_index
from searcher.cli import main
from searcher.engine.execute import Executor
from searcher.errors import QuerySyntaxError
from searcher.plan import Phrase, Word
from searcher.query import parse_query

from .conftest import write_jsonl
from .whoosh_oracle import oracle_searcher, whoosh_scores

BODIES = [
    "oil prices rose as crude oil output fell",
    "prices of oil and gas: oil rose, gas fell; oil prices steady",
    "the price war: crude prices and oil futures",
    "gold rose while oil fell and prices were mixed",
    "gas gas gas prices and crude",
    "prices oil crude",
    "crude output and oil output and prices output",
    "nothing to see here",
    "gold and gas prices: the gas of the oil and prices",
    "prices of the gold rose; gold's prices fell",
]
TITLES = ["Oil prices rise", "Gas and oil", "Crude report", "Gold", "Gas glut", "Prices",
          "Output news", "Nothing", "Gas of the oil", "The price of gold"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("boosts")
    write_jsonl(root / "corpus" / "a.jsonl", [
        {"id": f"a{i}", "title": t, "body": b, "tags": ["energy" if i % 2 else "metals"],
         "date": f"2020-0{1 + i % 9}-15"}
        for i, (t, b) in enumerate(zip(TITLES, BODIES, strict=True))])
    build_index([root / "corpus"], index=root / "index")
    return root / "index"


@pytest.fixture(scope="module")
def view(small: Path) -> Iterator[Any]:
    with open_index(small) as ix:
        yield ix._engine()


def scores(view: Any, text: str) -> dict[int, float]:
    m = Executor(view).run(parse_query(text, view.searcher.reader()).query)
    assert m.score is not None
    return {int(d): float(m.score[d]) for d in np.flatnonzero(m.mask)}


def order(small: Path, text: str) -> list[str]:
    with open_index(small) as ix:
        return [h.id for h in ix.search(text, limit=20, snippets=False).hits]


def test_a_boosted_word_moves_its_articles_up(small: Path) -> None:
    plain = order(small, "oil gas")
    assert plain.index("a4") < plain.index("a0")  # a gas glut above an oil story
    oil = order(small, "oil^5 gas")
    assert oil.index("a0") < oil.index("a4") and oil[0] == "a1"
    gas = order(small, "oil gas^5")
    assert gas.index("a4") < gas.index("a1")  # all gas, over gas and oil
    assert set(plain) == set(oil) == set(gas)  # a boost never changes what matches
    group = order(small, "(gas OR gold)^4 oil")
    assert group.index("a3") < group.index("a1")  # gold with a little oil, over gas and oil
    assert order(small, "(gas OR gold) oil").index("a3") > order(small, "(gas OR gold) oil"
                                                                  ).index("a1")


@pytest.mark.parametrize(("text", "node"), [
    ("oil^100", Word(("title", "body"), "oil", 100.0)),  # was the phrase "oil 100"
    ("oil^2.5", Word(("title", "body"), "oil", 2.5)),
    ("oil^.5", Word(("title", "body"), "oil", 0.5)),
    ("title:oil^3", Word(("title",), "oil", 3.0)),
    ('"oil prices"^2', Phrase(("title", "body"), ("oil", "price"), boost=2.0)),
    ("(oil)^4", Word(("title", "body"), "oil", 4.0)),
    ("((oil)^2)^3", Word(("title", "body"), "oil", 6.0)),
    ("tag:energy^2", Word(("tags",), "energy", 2.0)),
    ("^gas", Word(("title", "body"), "gas")),  # a caret after nothing boosts nothing
])
def test_boost_syntax_gives_a_boosted_clause(view: Any, text: str, node: Any) -> None:
    assert parse_query(text, view.searcher.reader()).query == node


@pytest.mark.parametrize(("text", "factor"), [
    ("oil^3", 3), ('"oil prices"^2', 2), ('"crude oil"~3^2', 2), ("title:oil^7", 7),
    ("(oil OR gas)^2", 2), ("(oil -gold)^3", 3), ("(+oil gas)^2.5", 2.5),
    ("(oil AND prices)^0.5", 0.5), ("date:2020^2", 2), ("date:[2020-01 TO 2020-03]^4", 4),
    ('tag:"energy"^3', 3), ("(*)^2", 2),
])
def test_a_boost_multiplies_the_clause_score(view: Any, text: str, factor: float) -> None:
    plain = re.sub(r"\^[\d.]+", "", text)
    base, boosted = scores(view, plain), scores(view, text)
    assert base and boosted.keys() == base.keys()
    assert boosted == {d: pytest.approx(s * factor, rel=1e-9) for d, s in base.items()}


@pytest.mark.parametrize(("text", "message", "position"), [
    ("oil^", "a boost needs a number after ^", 3),
    ("oil^abc", "^abc is not a boost (a number after ^)", 3),
    ("oil^-1", "^-1 is not a boost (a number after ^)", 3),
    ("oil^1e9", "^1e9 is not a boost (a number after ^)", 3),
    ("oil^2^3", "^2^3 is not a boost (a number after ^)", 3),
    ("oil^0", "^0 is not a boost above 0 and at most 1,000", 3),
    ("oil^1001", "^1001 is not a boost above 0 and at most 1,000", 3),
    ("gas oil^" + "9" * 400, "^" + "9" * 39 + " is not a boost above 0 and at most 1,000", 7),
    ('"oil prices"^x', "^x is not a boost (a number after ^)", 12),
    ("(oil OR gas)^", "a boost needs a number after ^", 12),
    ("title:oil^two", "^two is not a boost (a number after ^)", 9),
    ("date:2020^", "a boost needs a number after ^", 9),
    ("date:[2020 TO 2021]^z", "^z is not a boost (a number after ^)", 19),
])
def test_bad_boosts_are_one_line_errors_at_the_caret(view: Any, text: str, message: str,
                                                     position: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(text, view.searcher.reader())
    err = info.value
    assert (err.reason, err.position) == (message, position)
    assert "oil^2" in err.hint


def test_cli_reports_a_bad_boost_and_explain_shows_a_good_one(small: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["search", "oil^abc", "--index", str(small)])
    assert bad.exit_code == 2
    assert bad.output.count("\n") == 1 and "at position 4" in bad.output
    shown = runner.invoke(main, ["explain", "a0", "oil^3 gas", "--index", str(small)])
    assert shown.exit_code == 0, shown.output
    assert re.search(r"oil in title\+body .* boost 3\b", shown.output)


# --------------------------------------------------------------------------- round trip

_WORDS = st.sampled_from(["oil", "gas", "prices", "crude", "gold", "output", "the", "zzz"])
_BOOSTS = st.sampled_from(["", "", "^2", "^0.5", "^10", "^1.25"])


@st.composite
def _clause(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["word", "word", "phrase", "near", "field", "group"]
                                if depth < 2 else ["word", "phrase", "field"]))
    if kind == "word":
        text = draw(_WORDS)
    elif kind in ("phrase", "near"):
        words = " ".join(draw(st.lists(_WORDS, min_size=1, max_size=3)))
        text = f'"{words}"' + ("~3" if kind == "near" else "")
    elif kind == "field":
        text = draw(st.sampled_from(["title:", "body:", "tag:"])) + draw(
            st.sampled_from(["oil", "gas", "energy", "metals"]))
    else:
        inner = draw(st.lists(_clause(depth + 1), min_size=1, max_size=3))
        op = draw(st.sampled_from([" ", " OR ", " AND "]))
        text = f"({op.join(inner)})"
    prefix = draw(st.sampled_from(["", "", "", "+", "-"]))
    return prefix + text + draw(_BOOSTS)


_QUERIES = st.lists(_clause(), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(text=_QUERIES, factor=st.sampled_from([0.5, 2.0, 3.0, 100.0]))
def test_boosts_round_trip_through_the_parser(small: Path, view: Any, text: str,
                                              factor: float) -> None:
    """Any query of the language with boosts anywhere: the boosts change no match (the
    same query without them matches the same articles), the engine's scores are the
    reference BM25F of the boosted plan, and the whole query boosted scales every score."""
    reader = view.searcher.reader()
    plain = re.sub(r"\^[\d.]+", "", text)
    boosted = scores(view, text)
    assert boosted.keys() == scores(view, plain).keys(), text
    oracle = whoosh_scores(oracle_searcher(small), parse_query(text, reader).query)
    assert boosted == {d: pytest.approx(s, rel=1e-9) for d, s in oracle.items()}, text
    scaled = scores(view, f"({text})^{factor}")
    assert scaled == {d: pytest.approx(s * factor, rel=1e-9, abs=1e-12)
                      for d, s in boosted.items()}, text
