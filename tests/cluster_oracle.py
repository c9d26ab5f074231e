"""The sharded tests' oracle: a sharded index answers as one index of the same articles
(every copy of a story its own hit: assert_same_answers; one hit per story:
assert_same_stories)."""

from __future__ import annotations

import math
from typing import Any

QUERIES = ["oil prices", "coffee OR cocoa", '"interest rates"', "bank -japan",
           "title:wheat", "gold^2 silver", "tags:grain", "opec AND crude", "xyzzyq",
           "stock*", "dollar yen", "coffe", "wheet bundesbnk"]  # (the last two: did-you-mean)


def ranked(results: Any) -> list[tuple[float, str]]:
    return [(h.score, h.id) for h in results.hits]


def tie_key(si: tuple[float, str]) -> tuple[float, str]:
    """Score order, ties (equal to 12 digits: the last bit may differ with the
    summation order of segments) by id."""
    return -float(f"{si[0]:.12g}"), si[1]


def assert_same_answers(single: Any, sharded: Any, queries: list[str] = QUERIES,
                        facets: bool = True, limit: int = 10) -> None:
    """Totals, facets, top ids and scores (1e-9 relative) and ranks of each query."""
    for q in queries:
        a = single.search(q, limit=1000, facets=facets, snippets=False, collapse=False)
        b = sharded.search(q, limit=limit, facets=facets, snippets=False, collapse=False)
        assert b.total == a.total, q
        assert b.facets == a.facets, q
        assert b.suggestion == a.suggestion, q
        # one index breaks score ties by insertion order, shards by id: compare
        # both in (score desc, id) order, over one index's 1000 best
        expected = sorted(ranked(a), key=tie_key)[:len(b.hits)]
        got = sorted(ranked(b), key=tie_key)
        assert [i for _s, i in got] == [i for _s, i in expected], q
        for (sg, _), (se, _) in zip(got, expected, strict=True):
            assert math.isclose(sg, se, rel_tol=1e-9), q
        assert [h.rank for h in b.hits] == list(range(1, len(b.hits) + 1))


def assert_same_explanation(got: Any, expected: Any) -> None:
    """The same tree of matched clauses, scores and BM25F parts (floats to 1e-9
    relative). A prefix or wildcard expands to the owning shard's words: the words
    that did not match the article are not all the same as one index lists."""
    assert (got.clause, got.matched) == (expected.clause, expected.matched)
    assert math.isclose(got.score, expected.score, rel_tol=1e-9, abs_tol=1e-12), got.clause
    assert [name for name, _v in got.details] == [name for name, _v in expected.details]
    for (_n, a), (_m, b) in zip(got.details, expected.details, strict=True):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (got.clause, _n)
    mine = [c for c in got.children if c.matched]
    theirs = [c for c in expected.children if c.matched]
    assert len(mine) == len(theirs), got.clause
    for a, b in zip(mine, theirs, strict=True):
        assert_same_explanation(a, b)


def story_of(hit: Any) -> frozenset[str]:
    return frozenset({hit.id, *(c.id for c in hit.copies)})


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9)


def assert_same_stories(single: Any, sharded: Any, query: str, limit: int = 10,
                        page: int = 1) -> None:
    """Totals, distinct stories, and per hit its score, its story (the hit and its
    copies) and copy count. Where a story's best copies tie, one index shows the one
    it added first and shards the smallest id: the expected hit is that one."""
    a = single.search(query, limit=1000, snippets=False)
    b = sharded.search(query, limit=limit, page=page, snippets=False)
    assert (b.total, b.stories, b.collapsed) == (a.total, a.stories, a.collapsed), query
    score: dict[str, float] = {}  # every match's score, copies included
    for n in range(1, a.total // 1000 + 2):
        every = single.search(query, limit=1000, page=n, snippets=False, collapse=False)
        score.update((h.id, h.score) for h in every.hits)

    def shown(hit: Any) -> str:
        return min(i for i in story_of(hit) if i in score and _close(score[i], hit.score))

    expected = sorted(a.hits, key=lambda h: (-float(f"{h.score:.12g}"), shown(h)))
    expected = expected[(page - 1) * limit:page * limit]
    assert len(b.hits) == len(expected), query
    for got, want in zip(b.hits, expected, strict=True):
        assert _close(got.score, want.score), query
        assert (got.id, story_of(got), got.copy_count) == \
            (shown(want), story_of(want), want.copy_count), query
        if got.id == want.id:
            assert got.copies == want.copies, query
