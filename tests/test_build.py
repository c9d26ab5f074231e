"""The build command and build_index: incremental updates, bad input, locking, crash safety."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from searcher import build_index, open_index
from searcher.cli import main

from .conftest import REPO, REUTERS, REUTERS_MAP, SEED, needs_shared, write_jsonl

ARTICLE = ("{title}\n\n{body}\n\nTags {tags}\n\n"
           "Copyright 2024 Example News Inc. All rights reserved.\n")


def write_article(path: Path, title: str, body: str, tags: str = "World") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(title=title, body=body, tags=tags), encoding="utf-8")


def ids(index: Path) -> set[str]:
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        return {d["id"] for d in s.all_stored_fields()}


def run_build(*args: str) -> tuple[int, dict[str, object], str]:
    result = CliRunner().invoke(main, ["build", "--json", *args])
    data = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, data, result.stderr


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write_article(root / "a.txt", "Storm hits coast", "A storm hit the coast on Monday.")
    write_article(root / "sub" / "b.txt", "Rates rise again", "The central bank raised rates.")
    write_jsonl(root / "wire.jsonl", [
        {"id": "w1", "title": "Oil falls", "body": "Crude oil fell.", "tags": ["energy"]},
        {"id": "w2", "title": "Gold rises", "body": "Gold rose.", "date": "2020-10-05"},
        {"id": "w3", "title": "Wheat steady", "body": "Wheat was steady."},
    ])
    return root


def test_seed_builds_from_default_corpus_and_rerun_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / SEED.name).write_bytes(SEED.read_bytes())
    code, data, _ = run_build()
    assert code == 0
    assert (data["added"], data["documents"], data["skipped"]) == (1, 1, 0)
    assert (tmp_path / "index").is_dir()
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0
    assert "Nothing changed" in result.stdout and result.stderr == ""  # the result: stdout
    code, data, _ = run_build()
    assert (data["added"], data["updated"], data["deleted"], data["unchanged"]) == (0, 0, 0, 1)
    assert data["changed"] is False


def test_summary_is_the_result_on_stdout_and_names_files_no_reader_takes(
        corpus: Path, tmp_path: Path) -> None:
    """`searcher build > log` keeps the summary (ripgrep's and pgcli's habit: the result
    on stdout, progress on stderr); files of extensions no reader takes are counted per
    extension instead of passing unmentioned."""
    for name in ("scan.pdf", "sub/old.pdf", "notes.docx", "Makefile", "x.pdf.gz"):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_bytes(b"%PDF-1.4")
    index = str(tmp_path / "ix")
    result = CliRunner().invoke(main, ["build", str(corpus), "--index", index])
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith("Index updated: ")
    assert "skipped 5 files no reader takes (.pdf 2, .docx 1, .pdf.gz 1, no extension 1)" \
        in result.stdout.splitlines()
    _, data, _ = run_build(str(corpus), "--index", index)
    assert (data["files_ignored"], data["ignored_kinds"]) == (
        5, {".pdf": 2, ".docx": 1, ".pdf.gz": 1, "no extension": 1})
    quiet = CliRunner().invoke(main, ["build", str(corpus), "--index", index, "--quiet"])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_no_change_rerun_does_not_write_the_index(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([corpus], index=index)
    before = sorted(p.name for p in index.iterdir())
    generation = whoosh_index.open_dir(str(index)).latest_generation()
    report = build_index([corpus], index=index)
    assert not report.changed and report.unchanged == 5 and report.files_unchanged == 3
    assert sorted(p.name for p in index.iterdir()) == before
    assert whoosh_index.open_dir(str(index)).latest_generation() == generation


def test_incremental_add_modify_delete(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    first = build_index([corpus], index=index)
    assert (first.added, first.documents) == (5, 5)
    assert ids(index) == {"a.txt", "sub/b.txt", "w1", "w2", "w3"}

    write_article(corpus / "a.txt", "Storm hits coast hard", "A storm hit the coast on Monday.")
    write_article(corpus / "c.txt", "New article", "Fresh text.")
    (corpus / "sub" / "b.txt").unlink()
    write_jsonl(corpus / "wire.jsonl", [  # w2 edited, w3 removed, w1 untouched, w4 new
        {"id": "w1", "title": "Oil falls", "body": "Crude oil fell.", "tags": ["energy"]},
        {"id": "w2", "title": "Gold rises more", "body": "Gold rose.", "date": "2020-10-05"},
        {"id": "w4", "title": "Corn up", "body": "Corn rose."},
    ])
    report = build_index([corpus], index=index)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (2, 2, 2, 1)
    assert (report.files_read, report.files_deleted) == (3, 1)
    assert ids(index) == {"a.txt", "c.txt", "w1", "w2", "w4"}
    with open_index(index) as ix:
        assert ix.get("a.txt").title == "Storm hits coast hard"
        assert ix.get("w2").title == "Gold rises more"
        assert len(ix) == 5


def test_touched_but_identical_file_is_unchanged(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([corpus], index=index)
    os.utime(corpus / "a.txt", (1, 1))
    report = build_index([corpus], index=index)
    assert not report.changed and report.files_read == 0 and report.unchanged == 5


def test_building_another_folder_keeps_the_first(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([corpus / "sub"], index=index)
    other = tmp_path / "other"
    write_article(other / "z.txt", "Other", "Other text.")
    report = build_index([other], index=index)
    assert report.deleted == 0
    # named from the folder it shares with the index's corpus folder (corpus/sub)
    assert ids(index) == {"b.txt", "other/z.txt"}


def test_rebuild_starts_over(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([corpus], index=index)
    report = build_index([corpus / "sub"], index=index, rebuild=True)
    assert report.rebuilt and report.added == 1
    assert ids(index) == {"b.txt"}


def test_bad_inputs_are_reported_and_the_rest_indexes(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write_article(root / "good.txt", "Good article", "Fine text.")
    (root / "latin1.txt").write_bytes("Caf\xe9 owners protest\n\nThe caf\xe9 closed.\n"
                                      .encode("latin-1"))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (root / "broken.jsonl").write_text(
        '{"id": "j1", "title": "First", "body": "One."}\n'
        '{"id": "j2", "title": "Second", "body": \n'
        '{"id": "j3", "title": "", "body": ""}\n'
        '{"id": "j1", "title": "Duplicate", "body": "Again."}\n'
        '{"id": "j4", "title": "Fourth", "body": "Four."}\n', encoding="utf-8")
    write_jsonl(root / "other.jsonl", [{"id": "j4", "title": "Clash", "body": "Same id."}])
    (root / "gone.txt").symlink_to(root / "missing-target.txt")
    code, data, _ = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 0
    assert data["documents"] == 4  # good, latin1, j1, j4
    assert ids(tmp_path / "ix") == {"good.txt", "latin1.txt", "j1", "j4"}
    problems = {(p["path"], p["line"], p["skipped"]): p["message"] for p in data["problems"]}
    by_path = {key[0]: message for key, message in problems.items()}
    assert "UTF-8" in by_path["latin1.txt"] and ("latin1.txt", None, False) in problems
    assert "empty" in by_path["empty.txt"]
    assert "binary" in by_path["binary.txt"]
    assert "invalid JSON" in problems[("broken.jsonl", 2, True)]
    assert "j3" in problems[("broken.jsonl", 3, True)]
    assert "duplicate id 'j1'" in problems[("broken.jsonl:4", None, True)] or any(
        "duplicate id 'j1'" in m for m in by_path.values())
    assert any("duplicate id 'j4'" in m for m in by_path.values())
    assert "cannot read" in by_path["gone.txt"]
    assert data["skipped"] == 7
    with open_index(tmp_path / "ix") as ix:
        assert ix.get("latin1.txt").title == "Café owners protest"


def test_nothing_indexable_exits_nonzero(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "empty.txt").write_bytes(b"")
    code, _, err = run_build(str(root), "--index", str(tmp_path / "ix"))
    assert code == 1
    assert "no articles could be indexed" in err


def test_second_build_fails_at_once_while_one_holds_the_lock(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([corpus], index=index)
    writer = whoosh_index.open_dir(str(index)).writer()
    try:
        started = time.monotonic()
        result = CliRunner().invoke(main, ["build", str(corpus), "--index", str(index)])
        assert time.monotonic() - started < 5
        assert result.exit_code == 1
        assert "being built by another process" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    finally:
        writer.cancel()
    assert build_index([corpus], index=index).documents == 5


def test_env_vars_choose_index_and_corpus(corpus: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCHER_CORPUS", str(corpus / "sub"))
    monkeypatch.setenv("SEARCHER_INDEX", str(tmp_path / "envix"))
    code, data, _ = run_build()
    assert code == 0 and data["documents"] == 1
    assert data["index"] == str(tmp_path / "envix")


def test_stats_text_and_json(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([corpus], index=index)
    result = CliRunner().invoke(main, ["stats", "--index", str(index), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["documents"] == 5
    assert data["earliest"] == data["latest"] == "2020-10-05T00:00:00"
    assert data["undated"] == 4
    assert {"value": "World", "count": 2} in data["top_tags"]
    assert data["last_build"]
    text = CliRunner().invoke(main, ["stats", "--index", str(index)])
    assert "documents" in text.stdout and "World" in text.stdout


def test_import_searcher_loads_no_ui_libraries() -> None:
    code = ("import sys, searcher; "
            "print(sorted(m for m in ('click', 'rich', 'prompt_toolkit') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def _big_jsonl(path: Path, n: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"big{i}", "title": f"Report number {i}",
                                "body": f"Market report {i} about grain, oil and steel. " * 20})
                    + "\n")


# The child prints each progress callback's record count: the test kills it once it has read
# that many records (a readiness signal, not a sleep), early and deep into the build.
# argv[3] is the idle cores the build sees: worker processes, or one process laid out.
KILL_CHILD = ("import sys; from searcher import build_index, indexer; "
              "indexer.idle_cores = lambda: float(sys.argv[3]); "
              "build_index([sys.argv[1]], index=sys.argv[2], "
              "progress=lambda p: print(p.records_done, flush=True))")


@pytest.mark.parametrize(("records_read", "idle"), [(250, 8), (5_000, 8), (5_000, 0)])
def test_kill_9_mid_build_leaves_last_commit(tmp_path: Path, records_read: int,
                                             idle: int) -> None:
    index = tmp_path / "ix"
    build_index([REPO / "corpus"], index=index)
    big = tmp_path / "big.jsonl.gz"
    _big_jsonl(big, 30_000)
    proc = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(big), str(index),
                             str(idle)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # blocks until the child reports progress (or exits)
        if int(line) >= records_read:
            break
    with open_index(index) as ix:  # searching during the build sees the last commit
        assert len(ix) == 1
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    with open_index(index) as ix:
        assert len(ix) == 1
        assert ix.get(SEED.name).title.startswith("Azerbaijan accuses Armenia")
    report = build_index([REPO / "corpus"], index=index)  # lock released, manifest consistent
    assert not report.changed and report.documents == 1


@needs_shared(REUTERS)
def test_reuters_indexes_completely(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        assert len(ix) == 21_577
        counts = {fc.value: fc.count for fc in ix.keyword_values("tags")}
    with whoosh_index.open_dir(str(reuters_index)).searcher() as s:
        untitled = sum(1 for d in s.all_stored_fields() if not d["title"])
    expected: dict[str, int] = {}
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if not (record["title"] or record["body"]):
                continue
            for key in ("topics", "places", "people", "orgs", "exchanges"):
                for tag in dict.fromkeys(record[key]):
                    expected[tag] = expected.get(tag, 0) + 1
    assert counts["earn"] == 3_987
    assert counts == expected
    assert untitled == 736  # 737 untitled records, one of them (12793) is empty and skipped


@needs_shared(REUTERS)
def test_reuters_skips_the_empty_record(tmp_path: Path) -> None:
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()[12_780:12_800]
    sample = tmp_path / "sample.jsonl"
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = build_index([sample], index=tmp_path / "ix", field_map=REUTERS_MAP)
    assert report.documents == 19
    assert [p.line for p in report.problems if p.skipped] == [13]
    assert "12793" in report.problems[0].message


@pytest.mark.parametrize("busy", [False, True, None])
def test_a_parallel_build_lays_out_articles_the_same_every_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, busy: bool | None) -> None:
    """Batch k goes to worker k % 2, so a parallel build of the same records gives the
    same document numbers each time (ties and shown copies depend on them), however
    the workers happen to be scheduled; and so does a build that finds no idle core
    and writes in one process (laid_out.py), or the first of each (busy None)."""
    from searcher import indexer
    from searcher._whoosh.parallel import BATCH_SIZE
    from searcher.indexer import PARALLEL_MIN_RECORDS

    idle = iter([0.0, 8.0] if busy is None else [0.0 if busy else 8.0] * 2)
    monkeypatch.setattr(indexer, "idle_cores", lambda: next(idle))

    n = PARALLEL_MIN_RECORDS + BATCH_SIZE // 2
    records = [{"id": f"r{i}", "title": f"Record {i}", "body": f"Crude oil {i % 7}."}
               for i in range(n)]
    source = write_jsonl(tmp_path / "c" / "a.jsonl", records)
    orders = []
    for k in range(2):
        build_index([source], index=tmp_path / f"ix{k}")
        with open_index(tmp_path / f"ix{k}") as ix:
            reader = ix._current().reader()
            orders.append([reader.stored_fields(d)["id"] for d in reader.all_doc_ids()])
    batches = [[f"r{i}" for i in range(b, min(b + BATCH_SIZE, n))]
               for b in range(0, n, BATCH_SIZE)]
    if (os.cpu_count() or 1) >= 2:  # two workers: the even batches, then the odd ones
        expected = [i for batch in batches[0::2] + batches[1::2] for i in batch]
    else:
        expected = [r["id"] for r in records]
    assert orders[0] == orders[1] == expected
