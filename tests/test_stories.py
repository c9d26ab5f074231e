"""Near-duplicate story groups (issue 21) against the exact oracle, on real articles.

The oracle (tests/dedup_oracle.py) compares shingles as tuples of words, exhaustively;
the groups come from anchors, candidate pairs and exact verification of 64-bit shingle
hashes (searcher/stories). BBC News (2,225 real articles, 160 oracle pairs at 0.9) is
small enough for the fast tier; Reuters and AG News are bench/dedup.py's.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import datetime

import numpy as np
import pytest

from searcher.stories.build import StoryRun
from searcher.stories.groups import story_groups
from searcher.stories.shingles import (
    shingle_sequence,
    story_words,
    text_hashes,
    word_hashes,
    word_shingles,
)
from searcher.stories.similarity import THRESHOLD, overlap
from searcher.stories.table import StoryTable

from .conftest import SHARED, needs_shared
from .dedup_oracle import Text, corpus_texts, exact_pairs

BBC = SHARED / "corpora" / "bbc-news" / "articles.jsonl.gz"


@pytest.fixture(scope="module")
def bbc() -> list[Text]:
    if not BBC.exists():
        pytest.skip(f"{BBC} not present")
    return corpus_texts([BBC])


def groups_of(texts: list[Text], order: list[int] | None = None,
              table: StoryTable | None = None) -> set[frozenset[str]]:
    run = StoryRun()
    for i in order if order is not None else range(len(texts)):
        t = texts[i]
        run.add(t.id, t.title, t.body, datetime.fromisoformat(t.published) if t.published
                else None)
    return partition(run.finish())


def partition(table: StoryTable) -> set[frozenset[str]]:
    members: dict[int, set[str]] = defaultdict(set)
    for aid, g in zip(table.ids, table.group.tolist(), strict=True):
        members[g].add(aid)
    return {frozenset(m) for m in members.values() if len(m) > 1}


def pairs(groups: set[frozenset[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}  # type: ignore[misc]


@needs_shared(BBC)
def test_bbc_groups_match_the_exact_oracle(bbc: list[Text]) -> None:
    truth = {(p.a, p.b) for p in exact_pairs(bbc, THRESHOLD)}
    got = pairs(groups_of(bbc))
    assert len(truth) == 160  # the corpus's own near-duplicates at 0.9 (README: bench)
    assert got <= truth  # exact by construction: every grouped pair is verified
    assert len(got & truth) / len(truth) >= 0.95


@needs_shared(BBC)
def test_groups_do_not_depend_on_the_order_articles_arrive(bbc: list[Text]) -> None:
    chosen = [i for i, t in enumerate(bbc) if t.id.startswith("politics/")]
    shuffled = chosen[:]
    random.Random(7).shuffle(shuffled)
    assert groups_of(bbc, chosen) == groups_of(bbc, shuffled)
    assert groups_of(bbc, chosen)  # (politics holds near-duplicates to group)


def test_hashed_words_are_the_indexed_words() -> None:
    title, body = "Café owners' résumés", "The U.S. café owner's résumé, and Japan's 3.5% rise."
    assert np.array_equal(text_hashes(title, body), word_hashes(story_words(title, body)))
    assert story_words(title, body)[:3] == ["cafe", "owner", "resum"]


def shapes(body: str) -> dict[str, tuple[str, str]]:
    """The shapes a copy of a story takes in news (issue 21)."""
    paragraphs = body.split("\n\n")
    return {
        "retitled": ("A different headline altogether", body),
        "corrected": ("(CORRECTED) " + "same story",
                      "(Corrects figure in third paragraph)\n\n" + body),
        "byline and footer": ("same story", "By Jane Doe, Staff Writer\n\n" + body
                              + "\n\nCopyright 2005 Example News. All rights reserved."),
        "short version": ("same story", "\n\n".join(paragraphs[:len(paragraphs) // 4])),
    }


@needs_shared(BBC)
def test_the_shapes_news_copies_take_are_grouped(bbc: list[Text]) -> None:
    original = next(t for t in bbc if t.id == "politics/111")  # 5,392 characters, real
    copies = shapes(original.body)
    texts = [original] + [Text(f"copy-{k}", *v) for k, v in copies.items()]
    got = groups_of(texts)
    assert got == {frozenset(t.id for t in texts)}, got
    short = copies["short version"]
    jac, con = overlap(shingle_sequence(text_hashes(*short)),
                       shingle_sequence(text_hashes(original.title, original.body)))
    assert jac < 0.5 <= THRESHOLD <= con  # found by containment, not Jaccard


def test_a_group_never_holds_a_pair_below_the_threshold() -> None:
    # b is contained in a, and so is c, but b and c are different halves of a.
    words = [f"w{i}" for i in range(200)]
    a = " ".join(words)
    b, c = " ".join(words[:90]), " ".join(words[110:])
    got = groups_of([Text("a", "", a), Text("b", "", b), Text("c", "", c)])
    assert got == {frozenset({"a", "b"})}  # c is a copy of a, not of b: alone


def test_incremental_table_equals_one_pass() -> None:
    words = [f"w{i}" for i in range(60)]
    texts = [Text("x", "", " ".join(words)), Text("y", "", " ".join(words[:-2])),
             Text("z", "", "something else entirely " * 5), Text("v", "", " ".join(words[1:]))]
    first = StoryRun()
    for t in texts[:2]:
        first.add(t.id, t.title, t.body, None)
    old = first.finish()
    second = StoryRun(lambda: old)
    for t in texts[2:]:
        second.add(t.id, t.title, t.body, None)
    second.remove("x")
    second.add("x", "", texts[0].body, None)  # an update: removed, then added again
    assert partition(second.finish()) == groups_of(texts) == {frozenset({"x", "y", "v"})}


def test_group_is_named_by_its_first_article_and_survives_its_deletion() -> None:
    body = " ".join(f"w{i}" for i in range(40))
    run = StoryRun()
    for aid, when in (("late", 3), ("early", 1), ("middle", 2)):
        run.add(aid, "", body, datetime(2020, 1, when))
    table = run.finish()
    first = table.keys[table.ids.index("early")]
    assert set(table.group.tolist()) == {int(first)}
    after = StoryRun(lambda: table)
    after.remove("early")
    assert partition(after.finish()) == {frozenset({"late", "middle"})}


def test_story_groups_take_articles_in_story_order() -> None:
    keys = np.array([10, 20, 30], dtype=np.uint64)
    # 0-1 and 1-2 are pairs, 0-2 is not: the earliest (2) takes 1; 0 stays alone.
    group = story_groups(keys, [(5, "a"), (3, "b"), (1, "c")],
                         np.array([0, 1]), np.array([1, 2]))
    assert group.tolist() == [10, 30, 30]


def test_word_shingles_of_a_short_text_is_the_whole_text() -> None:
    assert word_shingles(["oil", "price"]) == {("oil", "price")}
    assert len(word_shingles([str(i) for i in range(7)])) == 3
