"""The story table's files (stories/store.py): a build writes what it changed, not the
table again; reading the files back gives the table a rebuild makes."""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from searcher import open_index
from searcher.build import build_index
from searcher.storage import IndexDir
from searcher.stories import store
from searcher.stories.similarity import THRESHOLD
from searcher.stories.store import chain_files, load_groups, load_table, table_path
from searcher.stories.table import StoryTable

from .conftest import REUTERS, needs_shared


def reuters_lines(n: int) -> list[str]:
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in itertools.islice(f, n)]


def current(index: Path) -> tuple[int, StoryTable]:
    generation = IndexDir.at(index).open().latest_generation()
    table = load_table(index, generation)
    assert table is not None
    return generation, table


def same_table(a: StoryTable, b: StoryTable) -> None:
    """Equal as tables: articles (in any order) with their content and group, contents
    with their anchors, pairs (in any order) with their measures."""
    def articles(t: StoryTable) -> dict[str, tuple[int, int, int, int]]:
        return {i: (int(k), int(o), int(c), int(g)) for i, k, o, c, g in
                zip(t.ids, t.keys.tolist(), t.order.tolist(), t.content.tolist(),
                    t.group.tolist(), strict=True)}

    def pairs(t: StoryTable) -> set[tuple[int, int, float, float]]:
        return set(zip(t.edge_a.tolist(), t.edge_b.tolist(), t.jaccard.tolist(),
                       t.containment.tolist(), strict=True))

    assert articles(a) == articles(b)
    for name in ("contents", "anchor_offsets", "anchors"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert pairs(a) == pairs(b)


def story_files(index: Path) -> set[str]:
    return {p.name for p in index.glob("searcher-stories-*")}


@needs_shared(REUTERS)
def test_a_build_adding_ten_articles_writes_only_them(tmp_path: Path) -> None:
    lines = reuters_lines(1_510)
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text("\n".join(lines[:1_500]) + "\n", encoding="utf-8")
    index = tmp_path / "ix"
    build_index([corpus], index=index)
    first, _ = current(index)
    full = table_path(index, first).stat().st_size
    # ten more: five new articles and five copies of old ones under new ids
    copies = [json.dumps({**json.loads(x), "id": f"copy-{i}"}) for i, x in enumerate(lines[:5])]
    (corpus / "b.jsonl").write_text("\n".join(lines[1_500:1_505] + copies) + "\n",
                                    encoding="utf-8")
    build_index([corpus], index=index)
    second, grown = current(index)
    written = table_path(index, second).stat().st_size
    assert full > 300_000 and written < 8_000, (full, written)
    assert story_files(index) == {table_path(index, g).name for g in (first, second)}
    rebuilt = build_index([corpus], index=tmp_path / "fresh", rebuild=True)
    assert rebuilt.documents == 1_510
    same_table(grown, current(tmp_path / "fresh")[1])
    group = dict(zip(grown.ids, grown.group.tolist(), strict=True))
    originals = [json.loads(x)["id"] for x in lines[:5]]
    assert all(group[f"copy-{i}"] == group[o] for i, o in enumerate(originals))
    keys, _ = load_groups(index, second) or (np.zeros(0, np.uint64), None)
    copy_keys = grown.keys[[grown.ids.index(f"copy-{i}") for i in range(5)]]
    assert np.isin(copy_keys, keys).all()  # searches see the copies grouped

def test_changes_are_folded_into_a_full_file_now_and_then(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "MAX_CHANGES", 2)
    corpus = tmp_path / "c"
    corpus.mkdir()
    body = " ".join(f"word{i}" for i in range(60))
    index = tmp_path / "ix"
    for step in range(6):
        records = [{"id": f"s{step}", "title": f"story {step}", "body": f"{body} {step}"},
                   {"id": f"u{step}", "title": "unique", "body": f"nothing alike {step} " * 9}]
        (corpus / f"{step}.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n",
                                              encoding="utf-8")
        if step == 4:
            (corpus / "1.jsonl").unlink()  # a deletion on the way
        build_index([corpus], index=index)
        table = current(index)[1]
        assert len(story_files(index)) <= 3  # a full file and at most two change files
        rebuilt = tmp_path / f"fresh{step}"
        build_index([corpus], index=rebuilt, rebuild=True)
        same_table(table, current(rebuilt)[1])
        assert len({int(g) for g, aid in zip(table.group, table.ids, strict=True)
                    if aid.startswith("s")}) == 1  # the s-articles are one story


# A build killed (SIGKILL) after its story file was written, before its commit.
KILLED_AT_COMMIT = ("import os, signal, sys; from searcher import build_index; "
                    "from searcher._whoosh.segment_writer import FastSegmentWriter; "
                    "FastSegmentWriter.commit = lambda *a, **k: os.kill(os.getpid(), "
                    "signal.SIGKILL); build_index([sys.argv[1]], index=sys.argv[2])")


def test_a_build_killed_before_its_commit_leaves_the_last_tables(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    body = " ".join(f"word{i}" for i in range(60))
    first = [{"id": "a", "title": "one", "body": body}, {"id": "b", "title": "two", "body": body}]
    (corpus / "a.jsonl").write_text("\n".join(map(json.dumps, first)) + "\n", encoding="utf-8")
    index = tmp_path / "ix"
    build_index([corpus], index=index)
    generation, before = current(index)
    (corpus / "b.jsonl").write_text(json.dumps({"id": "c", "title": "three", "body": body})
                                    + "\n", encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", KILLED_AT_COMMIT, str(corpus), str(index)],
                            cwd=tmp_path, capture_output=True)
    assert killed.returncode == -9
    assert table_path(index, generation + 1).exists()  # written, never committed
    still, table = current(index)
    assert still == generation
    same_table(table, before)
    with open_index(index) as ix:
        results = ix.search("word1")
        assert results.total == 2 and results.stories == 1
    build_index([corpus], index=index)  # the next build writes that generation again
    after, table = current(index)
    assert after == generation + 1 and sorted(table.ids) == ["a", "b", "c"]
    assert len(set(table.group.tolist())) == 1
    assert story_files(index) == chain_files(index, after)  # no file of the killed build


def test_a_table_written_whole_before_story_files_is_read_until_the_next_build(
        tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    body = " ".join(f"word{i}" for i in range(60))
    records = [{"id": "a", "title": "one", "body": body}, {"id": "b", "title": "two", "body": body},
               {"id": "c", "title": "three", "body": "something else entirely " * 9}]
    (corpus / "a.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n", encoding="utf-8")
    index = tmp_path / "ix"
    build_index([corpus], index=index)
    generation, table = current(index)
    keys, groups = table.grouped()
    blob = "".join(table.ids).encode()
    np.savez(index / f"searcher-files-{generation}.stories.npz",  # version 3's layout
             version=np.array([3]), threshold=np.array([THRESHOLD]),
             ids=np.frombuffer(blob, dtype=np.uint8),
             id_lengths=np.array([len(i) for i in table.ids], dtype=np.int64),
             keys=table.keys, order=table.order, content=table.content,
             contents=table.contents, anchor_offsets=table.anchor_offsets,
             anchors=table.anchors, edge_a=table.edge_a, edge_b=table.edge_b,
             jaccard=table.jaccard, containment=table.containment, group=table.group,
             grouped_keys=keys, grouped_groups=groups)
    for p in index.glob("searcher-stories-*"):
        p.unlink()
    same_table(current(index)[1], table)
    with open_index(index) as ix:
        assert ix.search("word1").stories == 1
    (corpus / "b.jsonl").write_text(json.dumps({"id": "d", "title": "four", "body": body})
                                    + "\n", encoding="utf-8")
    build_index([corpus], index=index)
    after, grown = current(index)
    assert story_files(index) == {table_path(index, after).name}  # written whole
    assert len({int(grown.group[grown.ids.index(i)]) for i in "abd"}) == 1
