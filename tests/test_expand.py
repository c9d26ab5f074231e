"""Query expansion (``expand=True``, ``--expand``: RM3 feedback) on the real Reuters index:
it re-ranks the user's matches and never changes which articles match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import open_index
from searcher.arguments import MAX_LIMIT
from searcher.cli import main


def _all_ids(ix: object, query: str, **options: object) -> tuple[int, list[str]]:
    """The total and every matching id, in rank order, over all pages."""
    ids: list[str] = []
    page = 1
    while True:
        res = ix.search(query, limit=MAX_LIMIT, page=page, snippets=False,  # type: ignore[attr-defined]
                        collapse=False, **options)  # every article, copies too
        ids += [h.id for h in res.hits]
        if len(ids) >= res.total or not res.hits:
            return res.total, ids
        page += 1


@pytest.mark.parametrize(("query", "options"), [
    ("gold", {}),
    ("coffee quota", {}),
    ("oil prices", {"tags": ["crude"]}),
    ("bank AND rates", {"exclude_tags": ["interest"]}),
])
def test_expansion_keeps_the_total_and_the_match_set(reuters_index: Path, query: str,
                                                     options: dict[str, object]) -> None:
    with open_index(reuters_index) as ix:
        total, ids = _all_ids(ix, query, **options)
        expanded_total, expanded_ids = _all_ids(ix, query, expand=True, **options)
    assert total > 10
    assert expanded_total == total
    assert len(expanded_ids) == len(set(expanded_ids)) == total
    assert set(expanded_ids) == set(ids)


def test_expansion_says_which_words_it_added_and_reranks(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        plain = ix.search("oil prices", snippets=False)
        expanded = ix.search("oil prices", snippets=False, expand=True)
    notes = [n for n in expanded.notes if n.startswith("Expanded with: ")]
    assert len(notes) == 1 and not any(n.startswith("Expanded") for n in plain.notes)
    words = notes[0].removeprefix("Expanded with: ").rstrip(".").split(", ")
    assert 1 <= len(words) <= 20 and "crude" in words
    assert "oil" not in words and "prices" not in words and "the" not in words
    assert [h.id for h in expanded.hits] != [h.id for h in plain.hits]
    scores = [h.score for h in expanded.hits]
    assert scores == sorted(scores, reverse=True)


def test_expansion_leaves_date_order_and_match_all_alone(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        for query, sort in (("oil prices", "newest"), ("*", "relevance")):
            plain = ix.search(query, sort=sort, tags=["crude"], snippets=False)
            expanded = ix.search(query, sort=sort, tags=["crude"], snippets=False, expand=True)
            assert [h.id for h in expanded.hits] == [h.id for h in plain.hits]
            assert expanded.notes == plain.notes


def test_cli_expand_flag(reuters_index: Path) -> None:
    runner = CliRunner()
    base = ["search", "--index", str(reuters_index), "--json", "coffee", "quota"]
    plain = runner.invoke(main, base)
    expanded = runner.invoke(main, [*base, "--expand"])
    assert plain.exit_code == 0 and expanded.exit_code == 0, expanded.output
    a, b = json.loads(plain.output), json.loads(expanded.output)
    assert a["total"] == b["total"]
    assert any(n.startswith("Expanded with: ") for n in b["notes"])
    assert not any(n.startswith("Expanded with: ") for n in a["notes"])


def test_shell_expand_command(reuters_index: Path) -> None:
    script = "coffee quota\n:expand on\n:expand maybe\n:expand off\n"
    result = CliRunner().invoke(main, ["shell", "--index", str(reuters_index), "-n", "3"],
                                input=script, env={"COLUMNS": "100", "NO_COLOR": None})
    assert result.exit_code == 1  # piped mode: a line failed (the bad :expand)
    assert result.stderr == "searcher: line 3: usage: :expand on|off\n"
    runs = result.stdout.split("expand: ")
    assert len(runs) == 3  # the first query, then a rerun after each valid :expand
    assert "Expanded with: " not in runs[0] and "Expanded with: " not in runs[2]
    assert "Expanded with: " in runs[1]
