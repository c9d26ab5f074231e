"""A sharded index answers as one index of the same articles (the oracle)."""

from __future__ import annotations

import itertools
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from searcher import build_index, open_index
from searcher.cli import main
from searcher.cluster.build import build_sharded
from searcher.cluster.layout import shard_of
from searcher.export import Export

from .cluster_oracle import (
    QUERIES,
    assert_same_answers,
    assert_same_explanation,
    ranked,
    tie_key,
)
from .conftest import CLUSTER_SAMPLE, REUTERS_MAP


@pytest.mark.parametrize("shards", [1, 3, 4, 7])
def test_sharded_answers_equal_one_index(reuters_sample: Path, sample_index: Path,
                                         tmp_path: Path, shards: int) -> None:
    report = build_sharded([reuters_sample], index=tmp_path / "sharded", shards=shards,
                           field_map=REUTERS_MAP)
    assert report.documents == CLUSTER_SAMPLE
    with open_index(sample_index) as single, open_index(tmp_path / "sharded") as sharded:
        assert len(sharded) == len(single) == CLUSTER_SAMPLE
        assert_same_answers(single, sharded)
        some = single.search("oil", limit=5).hits[0].id
        assert sharded.get(some) == single.get(some)
        for q in ["oil prices", '"interest rates" OR gold^2', "bank -japan", "stock*"]:
            for hit in single.search(q, limit=3, snippets=False).hits:
                assert_same_explanation(sharded.explain(hit.id, q), single.explain(hit.id, q))


def test_incremental_sharded_build_routes_changes(reuters_sample: Path,
                                                  tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = reuters_sample.read_text(encoding="utf-8").splitlines(keepends=True)[:300]
    (corpus / "a.jsonl").write_text("".join(lines), encoding="utf-8")
    index, single = tmp_path / "sharded", tmp_path / "one"
    build_sharded([corpus], index=index, shards=3, field_map=REUTERS_MAP)
    build_index([corpus], index=single, field_map=REUTERS_MAP)
    changed = lines[150].replace('"title": "', '"title": "Zanzibar ', 1)
    edited = [*lines[:150], changed, *lines[151:200]]  # 100 deleted, one changed
    (corpus / "a.jsonl").write_text("".join(edited), encoding="utf-8")
    report = build_sharded([corpus], index=index, shards=3, field_map=REUTERS_MAP)
    build_index([corpus], index=single, field_map=REUTERS_MAP)
    assert (report.deleted, report.updated, report.added, report.documents) == (100, 1, 0, 200)
    # deleted articles still count in the statistics (as in one index): compare with
    # one index updated the same way
    with open_index(index) as sharded, open_index(single) as one:
        assert len(sharded) == 200
        assert_same_answers(one, sharded, [*QUERIES[:4], "zanzibar"], facets=False)
        assert sharded.search("zanzibar").total == 1


def test_kept_statistics_follow_a_build(reuters_sample: Path, tmp_path: Path) -> None:
    """A repeated query skips round one (the statistics kept for the shards' versions);
    a build that changes a shard makes an open sharded index gather them again, so it
    still answers as one index of the new articles."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = reuters_sample.read_text(encoding="utf-8").splitlines(keepends=True)
    (corpus / "a.jsonl").write_text("".join(lines[:200]), encoding="utf-8")
    index, single = tmp_path / "sharded", tmp_path / "one"
    build_sharded([corpus], index=index, shards=3, field_map=REUTERS_MAP)
    queries = QUERIES[:6]
    with open_index(index) as sharded:
        rounds: list[str] = []
        run = sharded.runner.run  # type: ignore[attr-defined]
        sharded.runner.run = (  # type: ignore[attr-defined]
            lambda task, *a, **k: rounds.append(task.__name__) or run(task, *a, **k))
        for q in queries:
            sharded.search(q, snippets=False)
        assert rounds.count("gather") == len(queries)
        rounds.clear()
        for q in queries:
            sharded.search(q, snippets=False)
        assert "gather" not in rounds and rounds.count("answer") == len(queries)
        (corpus / "a.jsonl").write_text("".join(lines[:300]), encoding="utf-8")
        build_sharded([corpus], index=index, shards=3, field_map=REUTERS_MAP)
        build_index([corpus], index=single, field_map=REUTERS_MAP)
        rounds.clear()
        with open_index(single) as one:
            assert_same_answers(one, sharded, queries, facets=False)
        assert rounds.count("gather") == len(queries)


@pytest.fixture(scope="module")
def three_shards(reuters_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("three") / "sharded"
    build_sharded([reuters_sample], index=index, shards=3, field_map=REUTERS_MAP)
    return index


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_export_streams_with_a_cursor(three_shards: Path, sample_index: Path,
                                      sort: str) -> None:
    """An export of a sharded index asks each shard for one batch after the last hit
    taken (never page x batch candidates), and gives one index's rows in its order."""
    with open_index(sample_index) as single, open_index(three_shards) as sharded:
        sent: list[int] = []
        run = sharded.runner.run  # type: ignore[attr-defined]

        def counted(task: Any, shards: Any, *args: Any, **kwargs: Any) -> Any:
            out = run(task, shards, *args, **kwargs)
            if task.__name__ == "answer":
                sent.extend(len(a.ranked) for a in out)
            return out

        sharded.runner.run = counted  # type: ignore[attr-defined]
        export = Export(sharded, "oil OR gold", sort=sort, batch=40, fields="id,published,score")
        got = [h for h in export.hits()]
        expected = single.search("oil OR gold", sort=sort, limit=1000, snippets=False,
                                 collapse=False)
    assert export.total == expected.total == len(got) > 200
    assert max(sent) <= 40 and len(sent) == 3 * (expected.total // 40 + 1)
    assert [h.rank for h in got] == list(range(1, len(got) + 1))
    if sort == "relevance":
        assert [i for _s, i in sorted(ranked_of(got), key=tie_key)] == \
            [i for _s, i in sorted(ranked_of(expected.hits), key=tie_key)]
        assert [h.id for h in got] == [i for _s, i in sorted(ranked_of(got), key=tie_key)]
    else:
        def when(h: Any) -> Any:
            return h.published or (datetime.min if sort == "newest" else datetime.max)

        order = sorted(expected.hits, key=lambda h: h.id)
        order.sort(key=when, reverse=sort == "newest")
        assert [h.id for h in got] == [h.id for h in order]


def test_similar_equals_one_index(three_shards: Path, sample_index: Path) -> None:
    """More like this: the key terms come from the whole collection's counts, so totals,
    ids, scores and what each hit shares with the article are one index's."""
    with open_index(sample_index) as single, open_index(three_shards) as sharded:
        some = [h.id for q in ("cocoa exports", "gold", "opec crude", "interest rates")
                for h in single.search(q, limit=2, snippets=False).hits]
        for article_id in some:
            for page, tags in ((1, ()), (2, ()), (1, ("usa",))):
                a = single.similar(article_id, limit=1000, tags=tags)  # ties: by id below
                b = sharded.similar(article_id, limit=10, page=page,  # type: ignore[attr-defined]
                                    tags=tags)
                assert (b.query, b.total) == (a.query, a.total), article_id
                assert a.total > 0
                expected = sorted(a.hits, key=lambda h: tie_key((h.score, h.id)))
                expected = expected[(page - 1) * 10:page * 10]
                got = sorted(b.hits, key=lambda h: tie_key((h.score, h.id)))
                assert [h.id for h in got] == [h.id for h in expected], article_id
                for x, y in zip(got, expected, strict=True):
                    assert math.isclose(x.score, y.score, rel_tol=1e-9)
                    assert (x.matched, x.snippets, x.title) == (y.matched, y.snippets, y.title)
                assert [h.rank for h in b.hits] == list(range((page - 1) * 10 + 1,
                                                             page * 10 + 1))[:len(b.hits)]


def ranked_of(hits: Any) -> list[tuple[float, str]]:
    return [(h.score, h.id) for h in hits]


def test_cli_builds_a_sharded_index(reuters_sample: Path, tmp_path: Path) -> None:
    index = tmp_path / "sharded"
    result = CliRunner().invoke(main, ["build", str(reuters_sample), "--index", str(index),
                                       "--shards", "4", "--map", REUTERS_MAP[0], "--json"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in index.iterdir()) == ["MAIN_WRITELOCK", "cluster.json",
                                                       "gen-1"]
    assert sorted(p.name for p in (index / "gen-1").glob("shard-*")) == [
        "shard-000", "shard-001", "shard-002", "shard-003"]
    again = CliRunner().invoke(main, ["build", str(reuters_sample), "--index", str(index),
                                      "--shards", "3"])
    assert again.exit_code == 2 and "has 4 shards" in again.output


def test_routing_is_stable_and_spread() -> None:
    assert shard_of("reuters-1", 4) == shard_of("reuters-1", 4)
    counts = [0] * 4
    for n in range(4000):
        counts[shard_of(f"id-{n}", 4)] += 1
    assert min(counts) > 900


def test_a_sharded_index_stays_sharded_and_commands_say_what_they_cannot(
        tmp_path: Path) -> None:
    """A later `searcher build` without --shards updates the shards (it wrote a plain
    index beside them, which no search read); a command that does not read sharded
    indexes yet says so in one line (it was a traceback)."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"{i}.txt").write_text(f"Oil story {i}\n\nCrude oil rose {i} pct.\n")
    index = tmp_path / "ix"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(corpus), "--index", str(index), "--shards", "2",
                                "--quiet"]).exit_code == 0
    (corpus / "6.txt").write_text("Oil story 6\n\nCrude oil fell.\n")
    again = runner.invoke(main, ["build", str(corpus), "--index", str(index), "--quiet"])
    assert again.exit_code == 0, again.output
    assert not list(index.glob("_MAIN_*.toc"))  # no plain index beside the shards
    with open_index(index) as ix:
        assert len(ix) == 7 and ix.search("fell").total == 1
    # the library keeps it sharded too (build_index wrote a plain index beside the shards)
    (corpus / "7.txt").write_text("Oil story 7\n\nCrude oil slid.\n")
    report = build_index([corpus], index=index)
    assert (report.added, report.documents) == (1, 8)
    assert not list(index.glob("_MAIN_*.toc"))
    with open_index(index) as ix:
        assert len(ix) == 8 and ix.search("slid").total == 1
    # (searcher serve reads shards: tests/test_serve_sharded.py; the shell too now)
    shell = runner.invoke(main, ["shell", "--index", str(index)], input="slid\n")
    assert shell.exit_code == 0 and "Crude oil slid" in shell.stdout


EXPANDED = ["oil prices", "coffee OR cocoa", '"interest rates"', "bank -japan",
            "gold^2 silver", "tags:grain", "opec AND crude", "stock*", "dollar yen",
            "copper", "wheat exports", "sugar", "trade deficit"]


def test_expanded_searches_equal_one_index(three_shards: Path, sample_index: Path) -> None:
    """Query expansion (RM3): the feedback words, their weights and the re-ranked
    scores are one index's, on any page; a date sort expands nothing, as one index."""
    compared = 0
    with open_index(sample_index) as single, open_index(three_shards) as sharded:
        for q, page in [(q, 1) for q in EXPANDED] + [("oil prices", 3), ("sugar", 2)]:
            a = single.search(q, expand=True, limit=1000, snippets=False, collapse=False)
            b = sharded.search(q, expand=True, limit=10, page=page, snippets=False,
                               collapse=False)
            assert b.total == a.total, q
            best = [h.score for h in single.search(q, limit=11, snippets=False,
                                                   collapse=False).hits]
            if any(math.isclose(x, y, rel_tol=1e-9) for x, y in itertools.pairwise(best)):
                continue  # feedback articles tie: one index orders them as it added
                # them, shards by id (README), so other words or another spelling
            compared += 1
            assert b.notes == a.notes, q
            assert a.notes[-1].startswith("Expanded with: "), q
            expected = sorted(ranked(a), key=tie_key)[(page - 1) * 10:page * 10]
            got = sorted(ranked(b), key=tie_key)
            assert [i for _s, i in got] == [i for _s, i in expected], q
            for (sg, _), (se, _) in zip(got, expected, strict=True):
                assert math.isclose(sg, se, rel_tol=1e-9), q
        assert compared >= 10
        plain = sharded.search("oil prices", snippets=False, collapse=False)
        expanded = sharded.search("oil prices", expand=True, snippets=False, collapse=False)
        assert ranked(plain) != ranked(expanded)
        a = single.search("oil prices", expand=True, sort="newest", snippets=False)
        b = sharded.search("oil prices", expand=True, sort="newest", snippets=False)
        assert (b.notes, [h.id for h in b.hits]) == (a.notes, [h.id for h in a.hits])


@pytest.mark.parametrize("remote", [False, True])
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_page_hits_are_one_index_hits(three_shards: Path, sample_index: Path,
                                      sort: str, remote: bool) -> None:
    """Every hit of a page (made by the shard that holds it, after the merge) carries
    one index's title, snippets, why-matched and score, on page one and later pages.
    Where a round is a round trip (``remote``, as on Dask), page one's hits are made
    in round two, over the best of the shards a worker runs (here all three): the
    page's and no more, with no third round."""
    with open_index(sample_index) as single, open_index(three_shards) as sharded:
        sharded.runner.remote = remote  # type: ignore[attr-defined]
        rounds: list[str] = []
        run = sharded.runner.run  # type: ignore[attr-defined]

        def counted(task: Any, shards: Any, *args: Any, **kwargs: Any) -> Any:
            out = run(task, shards, *args, **kwargs)
            rounds.append(task.__name__)
            if task.__name__ == "answer" and kwargs.get("finish"):  # page one, remote
                assert sum(len(a.hits) for a in out) == min(10, sum(a.total for a in out))
            return out

        sharded.runner.run = counted  # type: ignore[attr-defined]
        for q in ["oil prices", '"interest rates" OR gold', "coffe"]:
            for page in (1, 2):
                rounds.clear()
                a = {h.id: h for h in single.search(q, sort=sort, page=page,
                                                    collapse=False).hits}
                b = sharded.search(q, sort=sort, page=page, collapse=False).hits
                assert len(b) == len(a), (q, page)
                shared = [h for h in b if h.id in a]
                assert len(shared) >= len(b) - 2, (q, page)  # an order inside a tie
                for h in shared:
                    x = a[h.id]
                    assert (h.title, h.snippets, h.matched) == (x.title, x.snippets,
                                                                  x.matched), (q, h.id)
                    assert (h.score is None) == (x.score is None), (q, h.id)
                    assert h.score is None or math.isclose(h.score, x.score, rel_tol=1e-9)
                assert ("hits" in rounds) == (bool(b) and (page == 2 or not remote)), \
                    (q, page, rounds)
