"""A sharded build reads the corpus once and makes its shards current all at once: a
build killed at any point leaves every search on the last whole build."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from searcher import build_index, open_index
from searcher.cluster.build import build_sharded
from searcher.cluster.layout import read_layout
from searcher.integrity import check
from searcher.storage import IndexDir

from .cluster_oracle import QUERIES, assert_same_answers
from .conftest import REUTERS_MAP

# The child builds the sharded index, printing each progress callback's record count
# and "switching" when every shard of the new generation is committed, just before
# cluster.json is replaced (where it then waits: the test kills it there or earlier).
KILL_CHILD = """
import sys, time
from searcher.cluster import build
switch = build._switch
def held(*args):
    print("switching", flush=True)
    time.sleep(600)
    switch(*args)
build._switch = held
build.build_sharded([sys.argv[1]], index=sys.argv[2], shards=3,
                    field_map=["tags=topics,places,people,orgs,exchanges"],
                    progress=lambda p: print(p.records_done, flush=True))
"""


def _lines(sample: Path) -> list[str]:
    return sample.read_text(encoding="utf-8").splitlines(keepends=True)


def _edited(lines: list[str]) -> list[str]:
    """The second corpus: every tenth article of the first thousand rewritten, the
    last hundred of them gone, the other 2,000 articles of the sample added."""
    out = []
    for n, line in enumerate(lines[:1000]):
        record = json.loads(line)
        if n >= 900:
            continue
        if n % 10 == 0:
            record["body"] = f"Zanzibar cloves edition {n}. " + record["body"]
        out.append(json.dumps(record) + "\n")
    return out + lines[1000:]


@pytest.mark.parametrize("moment", ["reading", "switching"])
def test_a_killed_sharded_build_leaves_the_last_whole_build(
        reuters_sample: Path, tmp_path: Path, moment: str) -> None:
    lines = _lines(reuters_sample)
    corpus = tmp_path / "corpus" / "reuters.jsonl"
    corpus.parent.mkdir()
    corpus.write_text("".join(lines[:1000]), encoding="utf-8")
    index, before = tmp_path / "sharded", tmp_path / "before"
    build_sharded([corpus], index=index, shards=3, field_map=REUTERS_MAP)
    build_index([corpus], index=before, field_map=REUTERS_MAP)
    generation = read_layout(index).generation  # type: ignore[union-attr]
    corpus.write_text("".join(_edited(lines)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(corpus), str(index)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    with open_index(index) as searching:  # open before the build, searched during it
        for line in proc.stdout:  # blocks until the child reports (or exits)
            if (moment == "switching") == (line.strip() == "switching") and \
                    (moment == "switching" or int(line) >= 1500):
                break
        assert proc.poll() is None, "the build finished before it could be killed"
        with open_index(before) as one:
            assert_same_answers(one, searching, [*QUERIES[:6], "zanzibar"], facets=False)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        with open_index(before) as one, open_index(index) as fresh:
            assert len(fresh) == len(searching) == 1000
            for ix in (searching, fresh):
                assert_same_answers(one, ix, [*QUERIES[:6], "zanzibar"], facets=False)
    layout = read_layout(index)
    assert layout is not None and layout.generation == generation
    for shard in layout.shard_paths:
        assert check(IndexDir(shard)).ok, check(IndexDir(shard)).problems
    # the next build completes the interrupted one: the edited corpus, as one index
    # updated the same way (deleted articles count in the statistics until merged away)
    report = build_sharded([corpus], index=index, shards=3, field_map=REUTERS_MAP)
    assert (report.added, report.updated, report.deleted) == (2000, 90, 100)
    build_index([corpus], index=before, field_map=REUTERS_MAP)
    with open_index(before) as one, open_index(index) as sharded:
        assert len(sharded) == 2900
        assert_same_answers(one, sharded, [*QUERIES, "zanzibar"])
    assert sorted(p.name for p in index.glob("gen-*")) == \
        [f"gen-{generation}", f"gen-{generation + 2}"]  # the killed build's is gone
    for shard in layout.shard_paths:  # the previous generation, kept, is still whole
        assert check(IndexDir(shard)).ok


def test_a_build_reads_each_file_once(reuters_sample: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shard's articles come from one reading of the corpus: its problems and
    the readers' decisions are counted once, as one index's build counts them."""
    from searcher import update

    corpus = tmp_path / "c"
    corpus.mkdir()
    lines = _lines(reuters_sample)[:600]
    (corpus / "a.jsonl").write_text("".join(lines[:300]) + "{not json\n", encoding="utf-8")
    (corpus / "b.jsonl").write_text("".join(lines[300:]) + lines[5], encoding="utf-8")
    opened: list[str] = []
    items = update._items

    def counted(f, source):  # type: ignore[no-untyped-def]
        opened.append(f.name)
        return items(f, source)

    monkeypatch.setattr(update, "_items", counted)
    report = build_sharded([corpus], index=tmp_path / "sharded", shards=4,
                           field_map=REUTERS_MAP)
    assert sorted(opened) == ["a.jsonl", "b.jsonl"]
    monkeypatch.undo()
    one = build_index([corpus], index=tmp_path / "one", field_map=REUTERS_MAP)
    assert (report.added, report.skipped, report.documents) == \
        (one.added, one.skipped, one.documents) == (600, 2, 600)
    assert report.problem_kinds == one.problem_kinds
    assert [(p.path, p.message) for p in report.problems] == \
        [(p.path, p.message) for p in one.problems]
    assert report.decisions == one.decisions
