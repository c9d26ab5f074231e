"""The build never aborts on one bad record or file, never loses an article silently,
never leaves the index unreadable, and keeps the index what a fresh rebuild would hold."""

from __future__ import annotations

import errno
import gzip
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index
from whoosh.filedb.structfile import StructFile

from searcher import formats, indexer, open_index, schema
from searcher.cli import main
from searcher.errors import IndexDamagedError
from searcher.formats import base
from searcher.integrity import check as check_index
from searcher.prepare import CUT_KIND, MAX_ARTICLE_CHARS
from searcher.storage import IndexDir
from searcher.stories.store import chain_files

from .conftest import write_jsonl


def run_build(*args: str) -> tuple[int, dict[str, object], str]:
    result = CliRunner().invoke(main, ["build", "--json", *args])
    data = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, data, result.stderr


def test_nothing_indexable_names_the_corpus_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "envcorpus"
    root.mkdir()
    monkeypatch.setenv("SEARCHER_CORPUS", str(root))
    code, _, err = run_build("--index", str(tmp_path / "ix"))
    assert code == 1
    assert f"no articles could be indexed from {root}" in err


def ids(index: Path) -> set[str]:
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        return {d["id"] for d in s.all_stored_fields()}


def stored(index: Path, aid: str) -> dict[str, object]:
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        doc = s.document(id=aid)
        assert doc is not None, aid
        return dict(doc)


def index_files(index: Path) -> set[str]:
    return {p.name for p in index.iterdir()} - {"MAIN_WRITELOCK"}


def referenced_files(index: Path) -> set[str]:
    """The files the current TOC (and its manifest) use: everything else is an orphan."""
    ix = whoosh_index.open_dir(str(index))
    gen = ix.latest_generation()
    names = {f"_MAIN_{gen}.toc", f"searcher-files-{gen}.json"}
    names |= chain_files(index, gen)  # the story table's files (stories/store.py)
    names |= {f"searcher-files-{gen}.furniture.json"} & index_files(index)  # text corpora
    for seg in ix._segments():
        names |= {n for n in index_files(index) if n.startswith(seg.segment_id())}
    return names


# ---- items 1, 2: one bad record or name never aborts the build ----------------------------

def test_lone_surrogate_in_json_is_indexed_replaced_and_reported(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "s.jsonl").write_text('{"id": "s1", "title": "x \\ud800 y", "body": "b"}\n'
                                  '{"id": "s2", "title": "ok", "body": "fine"}\n')
    (root / "one.json").write_text('{"id": "j\\udfff", "title": "t", "body": "b \\ud83d"}')
    code, data, err = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0, err
    assert ids(tmp_path / "ix") == {"s1", "s2", "j\ufffd"}
    assert stored(tmp_path / "ix", "s1")["title"] == "x \ufffd y"
    problems = data["problems"]
    assert isinstance(problems, list)
    assert any(p["path"] == "s.jsonl:1" and "surrogate" in p["message"] and not p["skipped"]
               for p in problems)
    assert index_files(tmp_path / "ix") == referenced_files(tmp_path / "ix")


def test_file_name_that_is_not_utf8_is_indexed_under_a_repaired_name(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    bad = os.fsencode(root) + b"/bad\xff.txt"
    with open(bad, "wb") as f:
        f.write(b"A bad name\n\nThe body of the file with a bad name.\n")
    code, data, err = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0, err
    assert ids(tmp_path / "ix") == {"bad\ufffd.txt"}
    assert any("not valid UTF-8" in p["message"] for p in data["problems"])  # type: ignore[attr-defined]
    # The next build finds the same file unchanged.
    code, data, _ = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert data["files_unchanged"] == 1 and not data["changed"]


def test_any_exception_from_one_record_is_reported_and_the_build_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": f"r{i}", "title": f"t{i}", "body": "b"}
                                   for i in range(3)])
    real = schema.article_to_document

    def flaky(article: Any) -> dict[str, Any]:
        if article.id == "r1":
            raise RuntimeError("boom in r1")
        return real(article)

    monkeypatch.setattr(schema, "article_to_document", flaky)
    code, data, err = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0, err
    assert ids(tmp_path / "ix") == {"r0", "r2"}
    assert {"path": "w.jsonl:2", "line": None, "message": "not indexed: RuntimeError: boom in r1",
            "skipped": True} in data["problems"]  # type: ignore[operator]


def test_a_reader_that_fails_loses_the_file_not_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "a.jsonl", [{"id": "a1", "title": "t", "body": "b"}])
    write_jsonl(root / "b.jsonl", [{"id": "b1", "title": "t", "body": "b"}])
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    real = formats.READERS[".jsonl"]

    def broken(source: Any) -> Any:
        if source.name == "a.jsonl":
            raise KeyError("reader bug")
        return real(source)

    monkeypatch.setitem(formats.READERS, ".jsonl", broken)
    write_jsonl(root / "a.jsonl", [{"id": "a1", "title": "t2", "body": "b"}])
    write_jsonl(root / "b.jsonl", [{"id": "b1", "title": "t2", "body": "b"}])
    code, data, _ = run_build(str(root), "--index", str(index))
    assert code == 0
    assert ids(index) == {"a1", "b1"}  # a.jsonl keeps what it had
    assert any(p["path"] == "a.jsonl" and "reader failed (KeyError" in p["message"]
               for p in data["problems"])  # type: ignore[attr-defined]


# ---- item 3: YAML alias bomb ---------------------------------------------------------------

def test_yaml_alias_bomb_in_front_matter_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        prev, name = chr(96 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    root = tmp_path / "c"
    root.mkdir()
    (root / "bomb.md").write_text("---\n" + "\n".join(lines) + "\n---\n\n# Bomb\n\nThe body.\n")
    code, data, _ = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0
    assert ids(tmp_path / "ix") == {"bomb.md"}
    assert any("aliases expand it to more than" in p["message"]
               for p in data["problems"])  # type: ignore[attr-defined]
    assert len(str(stored(tmp_path / "ix", "bomb.md")["meta"])) < 2000


# ---- item 4: empty and killed builds leave a valid index ----------------------------------

def test_empty_folder_and_deleting_everything_leave_a_valid_empty_index(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    index = tmp_path / "ix"
    code, _, _ = run_build(str(root), "--index", str(index))
    assert code == 1  # nothing to index is an error for the command...
    assert check_index(IndexDir(index)).ok  # ...but the index is valid and empty
    write_jsonl(root / "w.jsonl", [{"id": "w1", "title": "t", "body": "b"}])
    assert run_build(str(root), "--index", str(index))[1]["documents"] == 1
    (root / "w.jsonl").unlink()
    code, data, _ = run_build(str(root), "--index", str(index))
    assert data["deleted"] == 1 and data["documents"] == 0
    report = check_index(IndexDir(index))
    assert report.ok and report.documents == 0


def test_a_killed_first_build_leaves_an_index_the_next_build_completes(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": "w1", "title": "t", "body": "b"}])
    index = tmp_path / "ix"
    IndexDir(index).create()  # what a build killed right after creating the index leaves
    (index / "MAIN_orphan123.seg").write_bytes(b"half a segment")
    assert check_index(IndexDir(index)).ok
    code, data, _ = run_build(str(root), "--index", str(index))
    assert code == 0 and data["documents"] == 1
    assert not (index / "MAIN_orphan123.seg").exists()


# ---- item 5: damaged index -----------------------------------------------------------------

def _damage(index: Path, how: str) -> None:
    toc = next(index.glob("_MAIN_*.toc"))
    seg = next(index.glob("*.seg"))
    if how == "truncated toc":
        toc.write_bytes(toc.read_bytes()[:50])
    elif how == "empty toc":
        toc.write_bytes(b"")
    elif how == "random toc":
        toc.write_bytes(bytes(random.Random(7).randrange(256) for _ in range(300)))
    elif how == "missing segment":
        seg.unlink()
    elif how == "truncated segment":
        seg.write_bytes(seg.read_bytes()[:1000])


@pytest.mark.parametrize("how", ["truncated toc", "empty toc", "random toc", "missing segment",
                                 "truncated segment"])
def test_damaged_index_gives_one_line_and_rebuild_repairs_it(tmp_path: Path, how: str) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": f"w{i}", "title": f"Oil {i}", "body": "Crude oil."}
                                   for i in range(30)])
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    _damage(index, how)
    runner = CliRunner()
    for args in (["stats"], ["search", "oil"], ["show", "w1"], ["build", str(root)]):
        result = runner.invoke(main, [*args, "--index", str(index)])
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith(f"searcher: the index at {index} is damaged ("), args
        assert "architecture" not in result.stderr
        assert "run `searcher build --rebuild" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    checked = runner.invoke(main, ["check", "--index", str(index), "--json"])
    assert checked.exit_code == 1 and json.loads(checked.stdout)["ok"] is False
    code, data, err = run_build(str(root), "--rebuild", "--index", str(index))
    assert code == 0, err
    assert data["documents"] == 30
    checked = runner.invoke(main, ["check", "--index", str(index)])
    assert checked.exit_code == 0 and checked.stdout.startswith("ok: ")


def test_a_posting_list_damaged_inside_a_segment_gives_one_line_mid_query(tmp_path: Path) -> None:
    """Damage the open does not see (bytes inside one term's postings) is found by the
    query that reads them: the same one-line message, from the library and the CLI."""
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": f"w{i}", "title": f"Report {i}",
                                    "body": "Crude oil prices rose. " * (1 + i % 5)}
                                   for i in range(300)])
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    ix = whoosh_index.open_dir(str(index))
    with ix.reader() as reader:
        [(segment_reader, _offset)] = reader.leaf_readers()
        segment = segment_reader._segment
        compound = segment_reader._storage.a  # the .seg file (OverlayStorage(compound, dir))
        sub_file, _length = compound.range(segment.make_filename(".pst"))
        start = segment_reader._terms.term_info("body", b"oil").extent()[0]
    seg_file = index / segment.make_filename(".seg")
    data = bytearray(seg_file.read_bytes())
    for i in range(sub_file + start + 8, sub_file + start + 60):  # the first block's info
        data[i] ^= 0x5A
    seg_file.write_bytes(bytes(data))
    with open_index(index) as opened, pytest.raises(IndexDamagedError) as caught:
        opened.search("oil")
    assert "the postings of body:'oil' cannot be read" in str(caught.value)
    result = CliRunner().invoke(main, ["search", "oil", "--index", str(index)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"searcher: the index at {index} is damaged (the postings")
    assert len(result.stderr.strip().splitlines()) == 1
    assert CliRunner().invoke(main, ["search", "report", "--index", str(index)]).exit_code == 0


def test_check_finds_articles_missing_from_the_manifest(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": "w1", "title": "t", "body": "b"},
                                   {"id": "w2", "title": "t", "body": "b"}])
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    manifest = next(index.glob("searcher-files-*.json"))
    data = json.loads(manifest.read_text())
    for entry in data["files"].values():
        entry["records"].pop("w2")
    manifest.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["check", "--index", str(index)])
    assert result.exit_code == 1
    assert ("damaged: 1 article(s) in the index are not in the manifest (first: 'w2')"
            in result.stdout)


# ---- item 6: operating-system errors ----------------------------------------------------------

def test_index_folder_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": "w1", "title": "t", "body": "b"}])
    (tmp_path / "file").write_text("not a folder")
    index = tmp_path / "file" / "ix"
    result = CliRunner().invoke(main, ["build", str(root), "--index", str(index)])
    assert result.exit_code == 1
    assert result.stderr.startswith("searcher: cannot write the index at ")
    assert "Not a directory" in result.stderr and len(result.stderr.splitlines()) == 1


def test_disk_full_keeps_the_old_index_and_removes_partial_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": f"w{i}", "title": f"t{i}", "body": "b"}
                                   for i in range(20)])
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    before_files, before_ids = index_files(index), ids(index)
    write_jsonl(root / "more.jsonl", [{"id": f"m{i}", "title": f"m{i}", "body": "x " * 500}
                                      for i in range(50)])
    real_write = StructFile.write

    def full(self: StructFile, data: bytes) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(StructFile, "write", full)
    result = CliRunner().invoke(main, ["build", str(root), "--index", str(index)])
    monkeypatch.setattr(StructFile, "write", real_write)
    assert result.exit_code == 1
    assert result.stderr == (f"searcher: cannot write the index at {index} (No space left on "
                             "device): the previous index is unchanged; fix the cause "
                             "(permissions, free space) or choose another folder with --index\n")
    assert ids(index) == before_ids
    assert index_files(index) == before_files
    assert run_build(str(root), "--index", str(index))[1]["documents"] == 70


# ---- items 7, 8, 9, 11: nothing lost, nothing stale, nothing rewritten needlessly -------------

def test_duplicate_id_is_indexed_from_the_other_file_when_the_winner_goes(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "a.jsonl", [{"id": "d1", "title": "From a", "body": "b"}])
    write_jsonl(root / "b.jsonl", [{"id": "d1", "title": "From b", "body": "b"},
                                   {"id": "b2", "title": "B two", "body": "b"}])
    index = tmp_path / "ix"
    _, data, _ = run_build(str(root), "--index", str(index))
    assert stored(index, "d1")["title"] == "From a"
    assert any("duplicate id 'd1'" in p["message"] for p in data["problems"])  # type: ignore[attr-defined]
    (root / "a.jsonl").unlink()
    _, data, _ = run_build(str(root), "--index", str(index))
    assert data["deleted"] == 1 and data["added"] == 1
    assert ids(index) == {"d1", "b2"}
    assert stored(index, "d1")["title"] == "From b"
    # ...and the same when the winner only drops the record.
    write_jsonl(root / "a.jsonl", [{"id": "b2", "title": "A has b2", "body": "b"}])
    run_build(str(root), "--index", str(index))
    write_jsonl(root / "b.jsonl", [{"id": "d1", "title": "From b", "body": "b"}])
    run_build(str(root), "--index", str(index))
    assert ids(index) == {"d1", "b2"}
    assert stored(index, "b2")["title"] == "A has b2"


def test_malformed_line_keeps_the_last_good_version_and_keeps_warning(tmp_path: Path) -> None:
    root = tmp_path / "c"
    records = [{"id": f"w{i}", "title": f"Title {i}", "body": "b"} for i in range(3)]
    write_jsonl(root / "w.jsonl", records)
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    lines = (root / "w.jsonl").read_text().splitlines()
    lines[1] = '{"id": "w1", "title": "broken'
    (root / "w.jsonl").write_text("\n".join(lines) + "\n")
    for attempt in range(2):
        code, data, _ = run_build(str(root), "--index", str(index))
        assert code == 0
        # Read once; the unchanged file's problems are then reported from the manifest.
        assert data["files_read"] == (1 if attempt == 0 else 0)
        assert data["deleted"] == 0 and data["kept"] == 1
        problems = data["problems"]
        assert [(p["path"], p["line"]) for p in problems] == [("w.jsonl", 2)]  # type: ignore[attr-defined]
        assert ids(index) == {"w0", "w1", "w2"}
        assert stored(index, "w1")["title"] == "Title 1"
    lines[1] = json.dumps({"id": "w1", "title": "Fixed", "body": "b"})
    (root / "w.jsonl").write_text("\n".join(lines) + "\n")
    _, data, _ = run_build(str(root), "--index", str(index))
    assert data["updated"] == 1 and data["problems"] == []
    assert stored(index, "w1")["title"] == "Fixed"
    _, data, _ = run_build(str(root), "--index", str(index))
    assert not data["changed"] and data["files_read"] == 0


def test_changing_the_field_map_reads_the_files_again(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": "w1", "title": "T", "body": "long body",
                                    "summary": "short summary"}])
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    assert stored(index, "w1")["body"] == "long body"
    _, data, _ = run_build(str(root), "--index", str(index), "--map", "body=summary")
    assert data["updated"] == 1
    assert stored(index, "w1")["body"] == "short summary"
    _, data, _ = run_build(str(root), "--index", str(index), "--map", "body=summary")
    assert not data["changed"] and data["files_read"] == 0


def test_deleting_lines_rewrites_only_those_records(tmp_path: Path) -> None:
    root = tmp_path / "c"
    records = [{"id": f"r{i}", "title": f"Record {i}", "body": f"Body {i}"} for i in range(200)]
    write_jsonl(root / "w.jsonl", records)
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    write_jsonl(root / "w.jsonl", records[:10] + records[13:])
    _, data, _ = run_build(str(root), "--index", str(index))
    assert (data["added"], data["updated"], data["deleted"]) == (0, 0, 3)
    assert data["documents"] == 197
    assert stored(index, "r150")["path"] == "w.jsonl"


def test_index_size_stays_bounded_over_repeated_edits(tmp_path: Path) -> None:
    """Each build edits more records of one big segment: its deleted articles must be
    purged once they pass a share of it, not kept forever."""
    root = tmp_path / "c"
    index = tmp_path / "ix"
    sizes = []
    for edit in range(6):
        write_jsonl(root / "w.jsonl", [
            {"id": f"r{i}", "title": f"Record {i} edit {edit if i // 84 < edit else 0}",
             "body": f"Body {i} " * 30} for i in range(600)])
        _, data, _ = run_build(str(root), "--index", str(index))
        sizes.append(data["index_bytes"])
        assert data["documents"] == 600
    assert max(sizes) < 1.4 * sizes[0], sizes


# ---- items 12, 16 and the size cap: what is read at all -------------------------------------

def test_symlinked_folders_are_followed_once_and_loops_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_jsonl(outside / "o.jsonl", [{"id": "o1", "title": "Outside", "body": "b"}])
    root = tmp_path / "c"
    write_jsonl(root / "real" / "r.jsonl", [{"id": "r1", "title": "Real", "body": "b"}])
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "real" / "loop").symlink_to(root, target_is_directory=True)
    code, data, _ = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0
    assert ids(tmp_path / "ix") == {"o1", "r1"}
    assert any(p["path"] == "real/loop" and "already read" in p["message"]
               for p in data["problems"])  # type: ignore[attr-defined]


def test_fifo_and_device_are_reported_never_read(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": "w1", "title": "t", "body": "b"}])
    os.mkfifo(root / "pipe.jsonl")
    (root / "zero.txt").symlink_to("/dev/zero")
    code, data, _ = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0 and data["documents"] == 1
    messages = {p["path"]: p["message"] for p in data["problems"]}  # type: ignore[attr-defined]
    assert messages == {"pipe.jsonl": "not a regular file (a FIFO): not read",
                        "zero.txt": "not a regular file (a device): not read"}


def test_article_text_past_the_cap_is_cut_and_counted(tmp_path: Path) -> None:
    root = tmp_path / "c"
    body = "word " * (MAX_ARTICLE_CHARS // 5 + 1000)
    write_jsonl(root / "w.jsonl", [{"id": "big", "title": "Big", "body": body}])
    _, data, _ = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert len(str(stored(tmp_path / "ix", "big")["body"])) == MAX_ARTICLE_CHARS
    assert data["decisions"] == {CUT_KIND: 1}
    assert any("indexed the first 2,000,000" in p["message"]
               for p in data["problems"])  # type: ignore[attr-defined]


# ---- smaller items ---------------------------------------------------------------------------

def test_an_index_inside_the_corpus_is_never_read_as_articles(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": "w1", "title": "t", "body": "b"}])
    for index in (root / "index", root / "sub" / "other"):
        run_build(str(root), "--index", str(index))
        code, data, _ = run_build(str(root), "--index", str(index))
        assert code == 0 and not data["changed"] and data["problems"] == []
        assert ids(index) == {"w1"}


def test_orphan_files_are_removed_by_the_next_build(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": "w1", "title": "t", "body": "b"}])
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    clean = index_files(index)
    (index / "MAIN_deadbeef.seg").write_bytes(b"x" * 1000)
    (index / "_MAIN_99.toc.1700000000.25").write_bytes(b"x")
    (index / "searcher-files-99.json").write_text("{}")
    (index / "MAIN.tmp").mkdir()
    (index / "MAIN.tmp" / "run1").write_bytes(b"x")
    _, data, _ = run_build(str(root), "--index", str(index))
    assert not data["changed"]
    assert index_files(index) == clean


def test_many_bad_records_are_summarised_on_the_terminal(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    good = [json.dumps({"id": f"g{i}", "title": "t", "body": "b"}) for i in range(5)]
    bad = ["{not json"] * 60 + ["[1, 2]"] * 40
    (root / "w.jsonl").write_text("\n".join(good + bad) + "\n")
    result = CliRunner().invoke(main, ["build", str(root), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "100 problem(s):" in lines
    assert sum(1 for line in lines if line.startswith("  skipped ")) == 20
    assert "  ... 80 more (all with --json); per kind:" in lines
    assert any(line.split() == ["60", "invalid", "JSON"] for line in lines)
    _, data, _ = run_build(str(root), "--index", str(tmp_path / "ix2"))
    assert len(data["problems"]) == 100  # type: ignore[arg-type]
    assert data["problem_kinds"] == {"invalid JSON": 60, "not a JSON object but an array": 40}


def test_disk_full_in_the_worker_processes_is_one_line_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build of 2,000+ records writes its segments in worker processes (forked: they
    inherit the failing write)."""
    root = tmp_path / "c"
    write_jsonl(root / "w.jsonl", [{"id": "w0", "title": "t", "body": "b"}])
    index = tmp_path / "ix"
    run_build(str(root), "--index", str(index))
    before_files = index_files(index)
    write_jsonl(root / "big.jsonl", [{"id": f"b{i}", "title": f"t{i}", "body": "words " * 20}
                                     for i in range(2500)])
    parent, real_write = os.getpid(), StructFile.write

    def full_in_workers(self: StructFile, data: bytes) -> Any:
        if os.getpid() != parent:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(self, data)

    monkeypatch.setattr(StructFile, "write", full_in_workers)
    monkeypatch.setattr(indexer, "idle_cores", lambda: 8.0)  # workers, however busy
    result = CliRunner().invoke(main, ["build", str(root), "--index", str(index)])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"searcher: cannot write the index at {index} (No space "
                                    "left on device)")
    assert ids(index) == {"w0"}
    assert index_files(index) == before_files


def test_files_and_lines_past_the_size_caps_are_reported_not_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(base, "MAX_LINE_BYTES", 5_000)
    root = tmp_path / "c"
    root.mkdir()
    with gzip.open(root / "bomb.txt.gz", "wb") as f:  # 30 bytes compressed, 1 MB inflated
        f.write(b"Title\n\n" + b"a" * 1_000_000)
    (root / "small.txt").write_text("Small one\n\nA small body.\n")
    long_line = json.dumps({"id": "long", "title": "t", "body": "x" * 20_000})
    (root / "w.jsonl").write_text(json.dumps({"id": "w1", "title": "t", "body": "b"}) + "\n"
                                  + long_line + "\n"
                                  + json.dumps({"id": "w3", "title": "t", "body": "b"}) + "\n")
    code, data, _ = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0
    assert ids(tmp_path / "ix") == {"small.txt", "w1", "w3"}
    problems = {(p["path"], p["line"]): p["message"] for p in data["problems"]}  # type: ignore[attr-defined]
    assert problems == {
        ("bomb.txt.gz", None): "larger than 0 MB, the limit for a file read whole: not read "
                               "(split it, or use JSON Lines)",
        ("w.jsonl", 2): "line longer than 0 MB: skipped"}


def test_a_folder_that_cannot_be_read_is_reported(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "ok" / "w.jsonl", [{"id": "w1", "title": "t", "body": "b"}])
    (root / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, data, _ = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0 and data["documents"] == 1
    assert {"path": "locked", "line": None, "skipped": True,
            "message": "cannot read folder: Permission denied"} in data["problems"]  # type: ignore[operator]
