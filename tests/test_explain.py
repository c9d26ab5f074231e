"""`searcher explain` / Index.explain: the explanation adds up to the search score.

On the real Reuters index: for each query, the top hits of ``search`` are explained;
the root's score must be the hit's score, every combining clause's score the sum of
its children's (times its boost), and every word's score its BM25F formula applied
to the fields' shares listed under it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import open_index
from searcher.cli import main
from searcher.errors import ArticleNotFoundError
from searcher.models import Explanation

QUERIES = [
    "oil", "crude oil prices", "opec output ceiling cut agreement", '"crude oil"',
    "Nagorno-Karabakh oil", "title:coffee prices", "+oil price", "oil NOT gas",
    "(wheat OR corn) AND export", "oil tag:crude",
]


def check(node: Explanation) -> None:
    details = dict(node.details)
    if "idf" in details and "tf" in details:  # a word in one field
        d = details
        pseudo = d["weight"] * d["tf"] / (1 - d["b"] + d["b"] * d["length"] / d["avg length"])
        expected = d["boost"] * d["idf"] * pseudo * (d["k1"] + 1) / (pseudo + d["k1"])
        assert node.score == pytest.approx(expected, rel=1e-9)
    elif "idf" in details:  # a word: BM25F over the fields listed under it
        pseudo = sum(c.score for c in node.children)
        assert details["pseudo tf"] == pytest.approx(pseudo)
        k1 = details["k1"]
        expected = details["boost"] * details["idf"] * pseudo * (k1 + 1) / (pseudo + k1)
        assert node.score == pytest.approx(expected, rel=1e-9)
        for field in node.children:
            f = dict(field.details)
            norm = 1 - f["b"] + f["b"] * f["length"] / f["avg length"]
            assert field.score == pytest.approx(f["weight"] * f["tf"] / norm, rel=1e-9)
    elif node.children:
        total = sum(c.score for c in node.children)
        assert node.score == pytest.approx(details.get("boost", 1.0) * total, rel=1e-9), \
            node.clause
        for child in node.children:
            check(child)
    if not node.matched:
        assert node.score == 0.0


@pytest.mark.parametrize("query", QUERIES)
def test_explanation_adds_up_to_the_search_score(reuters_index: Path, query: str) -> None:
    with open_index(reuters_index) as ix:
        hits = ix.search(query, limit=5, snippets=False).hits
        assert hits, query
        for hit in hits:
            e = ix.explain(hit.id, query)
            assert e.clause == query and e.matched
            assert e.score == pytest.approx(hit.score, rel=1e-9)
            check(e)


def test_a_word_in_the_title_counts_more_than_in_the_body(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        hit = ix.search("title:coffee coffee", limit=1, snippets=False).hits[0]
        e = ix.explain(hit.id, "coffee")
    fields = {c.clause: dict(c.details) for c in e.children}
    assert fields["title"]["weight"] > fields["body"]["weight"] == 1.0


def test_an_article_that_does_not_match_explains_zero(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        other = ix.search("cocoa", limit=1, snippets=False).hits[0].id
        e = ix.explain(other, "zzzunknownword")
        assert (e.score, e.matched) == (0.0, False)
        with pytest.raises(ArticleNotFoundError):
            ix.explain("no-such-article", "oil")


def test_cli_explain(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        hit = ix.search("crude oil", limit=1, snippets=False).hits[0]
    runner = CliRunner()
    result = runner.invoke(main, ["explain", hit.id, "crude oil", "--index", str(reuters_index)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"{hit.score:.4f}  crude oil")
    assert "crude in title+body" in result.output and "idf" in result.output
    as_json = runner.invoke(main, ["explain", hit.id, "crude oil", "--json",
                                   "--index", str(reuters_index)])
    assert json.loads(as_json.output)["score"] == pytest.approx(hit.score)
    missing = runner.invoke(main, ["explain", "nope", "oil", "--index", str(reuters_index)])
    assert missing.exit_code != 0 and "Traceback" not in missing.output


def test_a_repeated_word_counts_as_often_as_it_is_repeated(reuters_index: Path) -> None:
    # Searched once (bounded cost), weighted by its count (query term frequency).
    with open_index(reuters_index) as ix:
        once = ix.search("cocoa", limit=5, snippets=False).hits
        thrice = ix.search("cocoa Cocoa cocoa", limit=5, snippets=False).hits
        assert [h.id for h in thrice] == [h.id for h in once]
        assert all(b.score == pytest.approx(3 * a.score) for a, b in zip(once, thrice, strict=True))
        hit = ix.search("cocoa prices cocoa", limit=1, snippets=False).hits[0]
        e = ix.explain(hit.id, "cocoa prices cocoa")
        cocoa = next(c for c in e.children if c.clause.startswith("cocoa"))
        assert dict(cocoa.details)["boost"] == 2.0
