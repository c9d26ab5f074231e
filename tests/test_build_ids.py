"""Stable ids (issue 16, class 8): an article's id does not depend on the folder a build
is given. Names are relative to the index's corpus base (kept in its manifest): building
a subfolder keeps every id, sibling folders built one after the other never collide,
moving the index changes nothing, and ids a record states are kept as they are."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from whoosh import index as whoosh_index

from searcher import build_index
from searcher.cli import main
from searcher.corpus import corpus_base, inferred_base, name_from

from .conftest import write_jsonl


def write_page(path: Path, title: str, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def stored(index: Path) -> dict[str, str]:
    """id -> title of every article in the index."""
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        return {d["id"]: d.get("title", "") for d in s.all_stored_fields()}


def archive(root: Path) -> Path:
    write_page(root / "2024" / "jan.txt", "Oil falls in January", "Crude oil fell in January.")
    write_page(root / "2025" / "jan.txt", "Gas rises in January", "Gas prices rose in January.")
    write_jsonl(root / "2025" / "wire.jsonl", [
        {"id": "w1", "title": "Wire story", "body": "A wire story."},
        {"title": "Wire story without an id", "body": "Named by its file and line."}])
    return root


def test_sibling_folders_built_one_after_the_other_keep_their_same_named_files(
        tmp_path: Path) -> None:
    root, index = archive(tmp_path / "archive"), tmp_path / "ix"
    first = build_index([root / "2024"], index=index)
    second = build_index([root / "2025"], index=index)
    assert first.problems == second.problems == ()  # no "duplicate id"
    assert stored(index) == {"jan.txt": "Oil falls in January",
                             "2025/jan.txt": "Gas rises in January",
                             "w1": "Wire story",  # a record's own id, as it is
                             "2025/wire.jsonl:2": "Wire story without an id"}


def test_a_file_outside_the_corpus_folder_named_like_one_inside_says_how_to_part_them(
        tmp_path: Path) -> None:
    """The layout ids cannot keep apart without renaming what is indexed already: with
    archive/2024 as the corpus folder, archive/2024/2025/x.txt and archive/2025/x.txt are
    both 2025/x.txt. The second is refused (nothing replaced) with a problem that says
    which file and how to name both apart; the --rebuild it names does."""
    root, index = tmp_path / "archive", tmp_path / "ix"
    write_page(root / "2024" / "2025" / "x.txt", "Oil nested", "Crude oil, nested.")
    write_page(root / "2025" / "x.txt", "Gas beside", "Gas prices, beside.")
    build_index([root / "2024"], index=index)
    report = build_index([root / "2025"], index=index)
    (problem,) = report.problems
    assert (problem.path, problem.message) == ("2025/x.txt", (
        f"duplicate id '2025/x.txt' (already in 2025/x.txt, another file of the same name: "
        f"{root / '2025' / 'x.txt'} is outside the index's corpus folder; a --rebuild given "
        f"a folder holding both names them apart)"))
    assert stored(index) == {"2025/x.txt": "Oil nested"}
    build_index([root], index=index, rebuild=True)
    assert stored(index) == {"2024/2025/x.txt": "Oil nested", "2025/x.txt": "Gas beside"}


def test_building_a_subfolder_or_one_file_keeps_every_id(tmp_path: Path) -> None:
    root, index = archive(tmp_path / "archive"), tmp_path / "ix"
    build_index([root], index=index)
    before = stored(index)
    assert "2024/jan.txt" in before and "2025/wire.jsonl:2" in before
    write_page(root / "2024" / "jan.txt", "Oil falls again", "Crude oil fell again.")
    report = build_index([root / "2024"], index=index)  # was: renamed to jan.txt
    assert (report.added, report.updated, report.deleted) == (0, 1, 0)
    write_page(root / "2025" / "jan.txt", "Gas falls", "Gas fell.")
    report = build_index([root / "2025" / "jan.txt"], index=index)
    assert (report.added, report.updated, report.deleted) == (0, 1, 0)
    assert stored(index) == {**before, "2024/jan.txt": "Oil falls again",
                             "2025/jan.txt": "Gas falls"}
    shown = CliRunner().invoke(main, ["show", "2024/jan.txt", "--index", str(index)])
    assert shown.exit_code == 0 and "Oil falls again" in shown.output


def test_several_paths_name_what_building_them_one_after_the_other_names(
        tmp_path: Path) -> None:
    root = archive(tmp_path / "archive")
    build_index([root / "2024", root / "2025"], index=tmp_path / "together")
    build_index([root / "2024"], index=tmp_path / "apart")
    build_index([root / "2025"], index=tmp_path / "apart")
    assert stored(tmp_path / "together") == stored(tmp_path / "apart")
    assert "jan.txt" in stored(tmp_path / "apart")


def test_a_moved_index_keeps_its_ids_and_a_rebuild_starts_from_what_it_is_given(
        tmp_path: Path) -> None:
    root, index = archive(tmp_path / "archive"), tmp_path / "ix"
    build_index([root], index=index)
    before = stored(index)
    moved = tmp_path / "elsewhere" / "ix"
    moved.parent.mkdir()
    shutil.move(str(index), moved)
    write_page(root / "2024" / "feb.txt", "February", "Added after the move.")
    report = build_index([root / "2024"], index=moved)
    assert (report.added, report.problems) == (1, ())
    assert stored(moved) == {**before, "2024/feb.txt": "February"}
    build_index([root / "2024"], index=moved, rebuild=True)  # starts over: 2024/ alone
    assert set(stored(moved)) == {"jan.txt", "feb.txt"}


def test_an_index_recorded_before_bases_infers_its_own(tmp_path: Path) -> None:
    root, index = archive(tmp_path / "archive"), tmp_path / "ix"
    build_index([root], index=index)
    for manifest in index.glob("searcher-files-*.json"):
        if "furniture" in manifest.name:
            continue
        data = json.loads(manifest.read_text("utf-8"))
        assert data.pop("base") == root.resolve().as_posix()
        manifest.write_text(json.dumps(data), encoding="utf-8")
    write_page(root / "2025" / "jan.txt", "Gas falls", "Gas fell.")
    report = build_index([root / "2025"], index=index)
    assert (report.added, report.updated) == (0, 1)
    assert "2025/jan.txt" in stored(index)


def test_names_from_the_base() -> None:
    assert name_from("/c/archive", "/c/archive/2024/a.txt") == "2024/a.txt"
    assert name_from("/c/archive/2024", "/c/archive/2025/a.txt") == "2025/a.txt"
    assert name_from("/c/archive/2024", "/d/a.txt") == "d/a.txt"  # only / is shared
    assert name_from("/", "/c/a.txt") == "c/a.txt"
    assert name_from("", "/c/a.txt") == "a.txt"
    assert name_from("/c/arch", "/c/archive/a.txt") == "archive/a.txt"  # not a prefix match
    assert corpus_base([]) == ""
    assert corpus_base(["/nowhere/wire.jsonl", "/c"]) == "/nowhere"  # a file: its folder
    assert inferred_base({"/c/corpus/a/b.txt": "a/b.txt", "/c/corpus/d.txt": "d.txt",
                          "/e/f.jsonl": "f.jsonl"}) == "/c/corpus"
    assert inferred_base({"/c/x.txt": "renamed.txt"}) == ""
