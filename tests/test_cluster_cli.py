"""The command line on a sharded index prints what it prints for one index of the same
articles: search (relevance and date sorts, filters, facets, pages), show, stats,
export."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from searcher.cli import main
from searcher.cluster.build import build_sharded

from .conftest import REUTERS_MAP


@pytest.fixture(scope="module")
def sharded(reuters_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("cli") / "sharded"
    build_sharded([reuters_sample], index=index, shards=4, field_map=REUTERS_MAP)
    return index


# Near-duplicate stories (issue 21) are not collapsed across shards yet: searches run
# with --no-collapse on both, and what one index says about stories is left out.
STORY_KEYS = {"stories", "collapsed", "copies", "copy_count", "story_groups",
              "grouped_articles", "largest_stories"}


def _without_stories(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_stories(v) for k, v in value.items() if k not in STORY_KEYS}
    if isinstance(value, list):
        return [_without_stories(v) for v in value]
    return value


def _run(args: list[str], index: Path) -> str:
    if args[0] == "search":
        args = [*args, "--no-collapse"]
    result = CliRunner().invoke(main, [*args, "--index", str(index)])
    assert result.exit_code == 0, result.output
    text = result.stdout.replace(str(index), "INDEX")
    if "--json" in args:
        data = _without_stories(json.loads(text))
        if args[0] == "search":
            return _same_order_for_equal_scores(data)
        text = json.dumps(data, indent=2) + "\n"
    text = re.sub(r" in [\d,]+ stories", "", text)
    text = re.sub(r"copies of this story \(\d+\):\n(  id .*\n)*", "", text)
    return re.sub(r"\(\d[\d,.]* ms\)|\"elapsed_ms\": [\d.e-]+", "(ms)", text)


def _same_order_for_equal_scores(data: Any) -> str:
    """The JSON results with scores to 9 digits and hits of equal score in id order
    (the last bits of a score depend on the order its parts were summed: two copies of
    a Reuters story can swap places between one index and its shards)."""
    data["elapsed_ms"] = 0
    hits = data["hits"]
    for h in hits:
        if h["score"] is not None:
            h["score"] = float(f"{h['score']:.9g}")
    if all(h["score"] is not None for h in hits):
        hits.sort(key=lambda h: (-h["score"], h["id"]))
    for n, h in enumerate(hits):
        h["rank"] = n + 1
    return json.dumps(data, sort_keys=True)


# Queries whose best hits do not tie on score or date at the page's edges (ties rank
# by article id on shards, by insertion order in one index).
SEARCHES = [["oil", "prices", "--json"], ["coffee", "--facets", "--json"],
            ["--tag", "grain", "wheat", "--json"],
            ["crude", "--sort", "newest", "-n", "5"], ["sugar", "--sort", "oldest", "-n", "5"],
            ["gold", "mine", "-p", "2", "--json"],
            ["japan", "trade", "surplus", "--since", "1987-03-01", "--json", "--facets"]]


@pytest.mark.parametrize("args", SEARCHES, ids=[" ".join(a) for a in SEARCHES])
def test_search_prints_what_one_index_prints(sharded: Path, sample_index: Path,
                                             args: list[str]) -> None:
    assert _run(["search", *args], sharded) == _run(["search", *args], sample_index)


def test_show_stats_and_export_print_what_one_index_prints(sharded: Path,
                                                           sample_index: Path) -> None:
    some = _run(["search", "cocoa", "--json"], sample_index)
    article = re.findall(r'"id": "([^"]+)"', some)[1]
    for args in (["show", article, "-q", "cocoa"], ["show", article, "--json"],
                 ["explain", article, "cocoa OR coffee"]):
        assert _run(args, sharded) == _run(args, sample_index), args
    # every match, in ranked order; equal scores (the Reuters copies of one story) or
    # dates may come in another order (by id on shards, as added in one index)
    for args in (["export", "cocoa OR coffee", "--fields", "id,title,tags,score,body"],
                 ["export", "sugar", "--sort", "newest", "--format", "jsonl"]):
        rows = _run(args, sharded).splitlines()
        assert sorted(rows) == sorted(_run(args, sample_index).splitlines()), args
        assert len(rows) > 25
    one = _run(["stats", "--json", "--top", "15"], sample_index)
    many = _run(["stats", "--json", "--top", "15"], sharded)
    size = r'"index_bytes": \d+|"last_build": "[^"]+"'
    assert re.sub(size, "", many) == re.sub(size, "", one)


def test_the_shell_prints_what_one_index_prints(sharded: Path, sample_index: Path) -> None:
    """`searcher shell` (piped) on shards: searches, pages, :similar and :open print what
    they print on one index (copies of a story are not collapsed across shards yet, so
    both run with :collapse off)."""
    script = ":collapse off\ncocoa exports\n:open 2\n:more\n:similar 4\n:more\n:tags cof\n"

    def shell(index: Path) -> str:
        result = CliRunner().invoke(main, ["shell", "--index", str(index), "-n", "3"],
                                    input=script, env={"COLUMNS": "100", "NO_COLOR": None})
        assert (result.exit_code, result.stderr) == (0, ""), result.output
        text = re.sub(r" in [\d,]+ stories", "", result.stdout)  # one index counts them
        return re.sub(r"\(\d[\d,.]* ms\)", "(ms)", text)

    out = shell(sharded)
    assert out == shell(sample_index)
    assert "articles like:" in out and "4-6 of" in out
