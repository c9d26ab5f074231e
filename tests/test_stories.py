"""Near-duplicate story groups (issue 21) against the exact oracle, on real articles.

The oracle (tests/dedup_oracle.py) compares shingles as tuples of words, exhaustively;
the groups come from anchors, candidate pairs and exact verification of 64-bit shingle
hashes (searcher/stories). BBC News (2,225 real articles, 160 oracle pairs at 0.9) is
small enough for the fast tier; Reuters and AG News are bench/dedup.py's.
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher import indexer
from searcher._whoosh.text_postings import Vocabulary, tokens
from searcher.build import build_index
from searcher.storage import IndexDir
from searcher.stories import words as words_module
from searcher.stories.build import StoryRun, table_from_index
from searcher.stories.groups import story_groups
from searcher.stories.shingles import (
    shingle_sequence,
    story_words,
    text_hashes,
    word_hashes,
    word_shingles,
)
from searcher.stories.similarity import THRESHOLD, overlap, verify
from searcher.stories.store import load_table
from searcher.stories.table import StoryTable
from searcher.stories.words import StoryWords

from .conftest import REUTERS, SHARED, needs_shared
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
        run.add_text(t.id, t.title, t.body, datetime.fromisoformat(t.published) if t.published
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


_PIECES = st.sampled_from([*"ab zA'\u2019._-\u00e9\u00df01s\n\u0130", "the ", "of ", "Japan's ",
                           "U.S. ", "said...the ", "x..y ", "A'1 ", "5 ", "3.5 ", "a.m. "])
_TEXTS = st.lists(_PIECES, max_size=40).map("".join) | st.text(max_size=80)


@given(st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=6), st.integers(1, 4))
@settings(max_examples=300, deadline=None)
def test_the_writers_tokens_hash_as_the_text_does(texts: list[tuple[str, str]], batch: int
                                                  ) -> None:
    """A build hashes the words its analysis numbered (the segment writer's vocabulary),
    a batch of articles at a time; the story words are defined on the text
    (story_words, the oracle's): always the same contents, shingles and anchors."""
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(words_module, "BATCH", batch)
    try:
        from_tokens, from_text = StoryWords(), StoryWords()
        vocabularies = Vocabulary(), Vocabulary()  # a writer starts a new one now and then
        for i, (title, body) in enumerate(texts):
            vocabulary = vocabularies[2 * i // (len(texts) + 1)]
            numbers = [vocabulary.numbers(tokens(title)), vocabulary.numbers(tokens(body))]
            from_tokens.add_numbers(i, str(i), title, body, numbers, vocabulary)
            from_text.add(i, str(i), text_hashes(title, body))
        a, b = from_tokens.part(), from_text.part()
    finally:
        monkeypatch.undo()
    assert np.array_equal(a.content, b.content)
    rows = list(range(len(texts)))
    for x, y in zip(a.shingles(rows), b.shingles(rows), strict=True):
        assert np.array_equal(x, y)
    for x, y in zip(a.anchors(np.array(rows)), b.anchors(np.array(rows)), strict=True):
        assert np.array_equal(x, y)
    for i, (title, body) in enumerate(texts):
        assert np.array_equal(a.shingles([i])[0], shingle_sequence(text_hashes(title, body)))


_ROWS = st.lists(st.lists(st.integers(0, 6), max_size=12), min_size=1, max_size=8)


@given(_ROWS, st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=10),
       st.sampled_from([0.3, 0.5, 0.9]))
@settings(max_examples=200, deadline=None)
def test_verify_measures_every_pair_as_overlap_does(
        rows: list[list[int]], pairs: list[tuple[int, int]], threshold: float) -> None:
    """verify measures all candidate pairs at once; overlap is the measure, one pair."""
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    shingles = np.array([v for r in rows for v in r], dtype=np.uint64)
    a = np.array([x % len(rows) for x, _ in pairs], dtype=np.int64)
    b = np.array([y % len(rows) for _, y in pairs], dtype=np.int64)
    ok, jac, con = verify(offsets, shingles, a, b, threshold)
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        j, c = overlap(np.array(rows[x], np.uint64), np.array(rows[y], np.uint64))
        assert (jac[i], con[i], ok[i]) == (np.float32(j), np.float32(c),
                                           j >= threshold or c >= threshold)


@needs_shared(REUTERS)
@pytest.mark.parametrize("workers", [False, True, "laid out"])
def test_a_builds_table_is_the_one_its_stored_text_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: bool | str) -> None:
    """Signatures made in the writer (in worker processes or not, or in one process
    laid out as the workers would) are those of the articles' text: the same
    contents, shingles, anchors, pairs and groups."""
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in itertools.islice(f, 700)]
    copies = [json.dumps({**json.loads(x), "id": f"copy-{i}"}) for i, x in enumerate(lines[::50])]
    (tmp_path / "a.jsonl").write_text("\n".join(lines + copies) + "\n", encoding="utf-8")
    monkeypatch.setattr(indexer, "PARALLEL_MIN_RECORDS", 1 if workers else 10**9)
    monkeypatch.setattr(indexer, "idle_cores", lambda: 0.0 if workers == "laid out" else 8.0)
    build_index([tmp_path / "a.jsonl"], index=tmp_path / "ix")
    idx = IndexDir.at(tmp_path / "ix")
    ix = idx.open()
    built = load_table(idx.path, ix.latest_generation())
    assert built is not None and len(built) == ix.doc_count() == 700 + len(copies)
    again = table_from_index(ix)

    def per_article(t: StoryTable) -> dict[str, tuple[int, int]]:
        return {a: (int(c), int(g)) for a, c, g in
                zip(t.ids, t.content.tolist(), t.group.tolist(), strict=True)}

    assert per_article(built) == per_article(again)
    assert sum(len(g) for g in partition(built)) >= 2 * len(copies)
    for name in ("contents", "anchor_offsets", "anchors", "edge_a", "edge_b"):
        assert np.array_equal(getattr(built, name), getattr(again, name)), name


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
        first.add_text(t.id, t.title, t.body, None)
    old = first.finish()
    stored = {t.id: (t.title, t.body) for t in texts[:2]}  # the previous build's index
    second = StoryRun(lambda: old, old_text=lambda ids: [stored[i] for i in ids])
    for t in texts[2:]:
        second.add_text(t.id, t.title, t.body, None)
    second.remove("x")
    second.add_text("x", "", texts[0].body, None)  # an update: removed, then added again
    assert partition(second.finish()) == groups_of(texts) == {frozenset({"x", "y", "v"})}


def test_group_is_named_by_its_first_article_and_survives_its_deletion() -> None:
    body = " ".join(f"w{i}" for i in range(40))
    run = StoryRun()
    for aid, when in (("late", 3), ("early", 1), ("middle", 2)):
        run.add_text(aid, "", body, datetime(2020, 1, when))
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
