"""Issue 16's attacks, one regression test per class (class 1, long-lived readers, is
tests/test_long_lived.py): each failed on a51625f."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import build_index, open_index
from searcher.cli import main
from searcher.formats.mapping import MAX_META_DEPTH, META_DROPPED

from .conftest import write_jsonl


def nested(depth: int) -> dict[str, object]:
    value: dict[str, object] = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"x": value}
    return value


# ---- 2. poison records ------------------------------------------------------------------

@pytest.mark.parametrize("records", [3, 2502])  # one process; worker processes
def test_a_deeply_nested_unused_key_is_dropped_counted_and_the_build_goes_on(
        tmp_path: Path, records: int) -> None:
    rows: list[dict[str, object]] = [
        {"id": f"r{n}", "title": f"Title {n}", "body": "oil prices"} for n in range(records)]
    rows[1]["extra"] = nested(500)
    rows[1]["fine"] = nested(MAX_META_DEPTH - 1)
    write_jsonl(tmp_path / "c" / "a.jsonl", rows)
    for rebuild in (False, True):
        report = build_index([tmp_path / "c"], index=tmp_path / "ix", rebuild=rebuild)
        assert report.documents == records
        assert report.decisions == {META_DROPPED: 1}
    with open_index(tmp_path / "ix") as ix:
        meta = ix.get("r1").meta
        assert "extra" not in meta and meta["fine"] == nested(MAX_META_DEPTH - 1)
    out = CliRunner().invoke(main, ["inspect", str(tmp_path / "c" / "a.jsonl")]).stdout
    assert f"'extra': nested deeper than {MAX_META_DEPTH} levels" in out


def test_metadata_with_a_million_values_is_bounded(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "c" / "a.jsonl", [
        {"id": "big", "title": "Big", "body": "oil", "ints": list(range(1_000_000)),
         "small": [1, 2]}])
    report = build_index([tmp_path / "c"], index=tmp_path / "ix")
    assert report.decisions == {META_DROPPED: 1}
    with open_index(tmp_path / "ix") as ix:
        assert ix.get("big").meta == {"small": [1, 2]}


def test_json_nesting_past_the_parser_is_one_problem(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.jsonl").write_text(
        json.dumps({"id": "ok", "title": "Fine", "body": "oil"}) + "\n"
        + '{"id": "deep", "title": "t", "x": ' + deep + "}\n")
    report = build_index([tmp_path / "c"], index=tmp_path / "ix")
    assert report.documents == 1
    assert [p.message for p in report.problems] == ["invalid JSON: nested too deeply"]


# ---- 3. vanished inputs, look-alike index files ------------------------------------------

def test_inputs_behind_a_dangling_symlink_keep_their_articles(tmp_path: Path) -> None:
    disk, corpus, index = tmp_path / "disk", tmp_path / "c", tmp_path / "ix"
    write_jsonl(disk / "sub" / "a.jsonl", [{"id": "d1", "title": "Disk oil", "body": "oil"}])
    write_jsonl(disk / "one.jsonl", [{"id": "f1", "title": "File oil", "body": "oil"}])
    write_jsonl(corpus / "here.jsonl", [{"id": "h1", "title": "Here oil", "body": "oil"}])
    (corpus / "mounted").symlink_to(disk / "sub")
    (corpus / "one.jsonl").symlink_to(disk / "one.jsonl")
    assert build_index([corpus], index=index).documents == 3
    disk.rename(tmp_path / "unmounted")
    report = build_index([corpus], index=index)
    assert (report.documents, report.deleted) == (3, 0)
    assert sorted((p.path, p.message[:24]) for p in report.problems) == [
        ("mounted", "cannot read: unavailable"), ("one.jsonl", "cannot read: unavailable")]
    (tmp_path / "unmounted").rename(disk)  # back: nothing to do
    assert build_index([corpus], index=index).documents == 3
    (corpus / "mounted").unlink()  # the link removed on purpose: its articles go
    report = build_index([corpus], index=index)
    assert (report.documents, report.deleted, report.problems) == (2, 1, ())


def test_files_named_like_an_index_do_not_make_a_folder_an_index(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write_jsonl(corpus / "notes" / "a.jsonl", [{"id": "n1", "title": "Notes oil", "body": "x"}])
    (corpus / "notes" / "_chapters.toc").write_text("1. Oil\n")
    (corpus / "notes" / "_MAIN_1.toc").write_bytes(b"not a toc")
    (corpus / "notes" / "searcher-files-1.json.bak").write_text("{}")
    write_jsonl(tmp_path / "o" / "x.jsonl", [{"id": "x", "title": "Other", "body": "y"}])
    build_index([tmp_path / "o"], index=corpus / "other-index")  # a real index inside
    report = build_index([corpus], index=tmp_path / "ix")
    assert (report.documents, report.problems) == (1, ())  # the real index is not read


# ---- 4. searcher check during a commit --------------------------------------------------

def test_check_during_a_commit_reports_a_sound_index(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from searcher import integrity
    from searcher.storage import IndexDir

    corpus, index = tmp_path / "c", tmp_path / "ix"
    write_jsonl(corpus / "a.jsonl", [{"id": "a", "title": "A oil", "body": "oil"}])
    build_index([corpus], index=index)
    real = integrity._check_segment
    commits = []

    def commit_meanwhile(leaf: object, live: object) -> int:
        if not commits:  # another build commits while the first segment is read
            write_jsonl(corpus / "b.jsonl", [{"id": "b", "title": "B oil", "body": "oil"}])
            commits.append(build_index([corpus], index=index))
        return real(leaf, live)  # type: ignore[arg-type]

    monkeypatch.setattr(integrity, "_check_segment", commit_meanwhile)
    report = integrity.check(IndexDir(index))
    # the commit it opened, sound (its manifest read with it, before the segments)
    assert commits and (report.problems, report.documents) == ((), 1)


def test_check_while_builds_commit_back_to_back_reports_a_sound_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds running one after another commit during every attempt of a check: it read
    its commit's manifest after the segments, gone by then, and after its retries said
    'no manifest for the current generation' of a sound index (found re-running issue
    16's attacks: 2 of 9 checks during 40 builds of 1,000 Reuters articles)."""
    from searcher import integrity
    from searcher.storage import IndexDir

    corpus, index = tmp_path / "c", tmp_path / "ix"
    write_jsonl(corpus / "a.jsonl", [{"id": "a", "title": "A oil", "body": "oil"}])
    build_index([corpus], index=index)
    real = integrity._check_segment
    commits = []

    def commit_meanwhile(leaf: object, live: object) -> int:  # a build commits each time
        n = len(commits)
        write_jsonl(corpus / f"b{n}.jsonl", [{"id": f"b{n}", "title": "B oil", "body": "oil"}])
        commits.append(build_index([corpus], index=index))
        return real(leaf, live)  # type: ignore[arg-type]

    monkeypatch.setattr(integrity, "_check_segment", commit_meanwhile)
    report = integrity.check(IndexDir(index))
    assert commits and report.problems == () and report.documents == len(commits)
