"""Long values (issue 16, class 13): tags, authors, sources, ids and urls are shown cut
to a bounded width, as titles are, by every command, the shell and the web page; JSON
keeps them whole. A 1 MB tag used to be printed whole on every hit of every page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from searcher import build_index
from searcher.cli import main
from searcher.render_plain import ID_MAX, VALUE_MAX, id_text, value_text, values_text
from searcher.serve.app import create_app

from .conftest import write_jsonl

BIG = 1_000_000
TAG = "Tag" + "t" * BIG
AUTHOR = "Jane " + "Roe" * 100_000
SOURCE = "Source " + "s" * 300_000
LONG_ID = "id-" + "i" * 5_000
URL = "https://example.com/" + "u" * 100_000
BOUND = 20_000  # bytes: far above what a page of ten cut hits needs, far below 1 MB


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("long")
    write_jsonl(root / "corpus" / "a.jsonl", [
        {"id": LONG_ID if n == 0 else f"oil{n}", "title": f"Oil report {n}",
         "body": f"Crude oil prices rose {n} points.", "tags": [TAG, "energy"],
         "authors": [AUTHOR], "source": SOURCE, "url": URL, "published": "2020-10-05"}
        for n in range(10)])
    build_index([root / "corpus"], index=root / "ix")
    return root / "ix"


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_values_are_cut_like_titles() -> None:
    assert value_text("energy") == "energy"
    cut = value_text(TAG)
    assert cut == "Tag" + "t" * (VALUE_MAX - 4) + "…"
    assert value_text("日" * 100) == "日" * ((VALUE_MAX - 1) // 2) + "…"  # cells, not chars
    assert value_text("a\nb\x1b[2Jc") == "a bc"  # one line, escapes dropped
    assert id_text("a\x1bb") == "a\\x1bb"  # the form searcher show reads back
    assert id_text(LONG_ID) == LONG_ID[:ID_MAX - 1] + "…"
    assert values_text(["a"] * 10, 8) == ", ".join(["a"] * 8) + " …"


def test_every_command_cuts_long_values_and_json_keeps_them(index: Path) -> None:
    for args in (["search", "oil", "--facets"], ["search", "oil", "--limit", "10"],
                 ["show", "oil3"], ["stats"], ["search", "--tag", "energy", "*"]):
        out = run(*args, "--index", str(index))
        assert len(out.encode()) < BOUND, args
        assert "Tagttt" in out and "…" in out, args
    found = json.loads(run("search", "oil", "--json", "--limit", "10", "--index", str(index)))
    hit = next(h for h in found["hits"] if h["id"] == LONG_ID)
    assert (hit["tags"][0], hit["authors"], hit["source"], hit["url"]) == (
        TAG, [AUTHOR], SOURCE, URL)
    shell = CliRunner().invoke(main, ["shell", "--index", str(index)],
                               input="oil\n:tags\n", env={"COLUMNS": "100"})
    assert shell.exit_code == 0, shell.output
    assert len(shell.stdout.encode()) < 2 * BOUND and "Tagttt" in shell.stdout


def test_the_web_page_cuts_long_values_and_the_api_keeps_them(index: Path) -> None:
    with TestClient(create_app(index)) as client:
        page = client.get("/", params={"q": "oil"})
        assert page.status_code == 200
        assert len(page.content) < 2 * BOUND  # was over 10 MB: each value, and its link
        assert "Tagttt" in page.text and "Jane RoeRoe" in page.text
        article = client.get("/articles/oil3")
        assert article.status_code == 200 and len(article.content) < BOUND
        api = client.get("/api/search", params={"q": "oil"}).json()
        assert api["hits"][0]["tags"][0] == TAG


def test_a_problem_quoting_a_long_id_is_cut(tmp_path: Path) -> None:
    """A duplicate 1 MB id was quoted whole in its problem: in the summary and in --json
    at every build (the manifest repeats the message)."""
    huge = "I" * BIG
    write_jsonl(tmp_path / "c" / "a.jsonl", [{"id": huge, "title": "One", "body": "b"}])
    write_jsonl(tmp_path / "c" / "b.jsonl", [{"id": huge, "title": "Two", "body": "b"}])
    out = run("build", str(tmp_path / "c"), "--index", str(tmp_path / "ix"))
    assert len(out.encode()) < BOUND and "duplicate id" in out
    again = json.loads(run("build", str(tmp_path / "c"), "--index", str(tmp_path / "ix"),
                           "--json"))
    (problem,) = again["problems"]
    assert problem["message"] == f"duplicate id '{'I' * 199}…' (already in a.jsonl)"


def test_copies_of_a_story_are_listed_with_cut_ids_and_sources(tmp_path: Path) -> None:
    """The copies a hit collapses (issue 21) were listed with their ids and sources whole:
    `searcher show` of a copy printed a 100 KB id (found re-running issue 16's attacks)."""
    body = "Crude oil prices rose sharply today as traders weighed new supply cuts. " * 3
    write_jsonl(tmp_path / "c" / "a.jsonl", [
        {"id": LONG_ID if n == 0 else f"copy{n}", "title": "Oil prices rise", "body": body,
         "source": SOURCE} for n in range(3)])
    build_index([tmp_path / "c"], index=tmp_path / "ix")
    shown = {article_id: run("show", article_id, "--index", str(tmp_path / "ix"))
             for article_id in ("copy1", "copy2")}
    for out in shown.values():
        assert "copies of this story (2)" in out and len(out.encode()) < BOUND
    assert id_text(LONG_ID) in "".join(shown["copy1"].split())  # (wrapped at 100 cells)
    found = run("search", "oil", "--index", str(tmp_path / "ix"))
    assert "+2 copies" in found and len(found.encode()) < BOUND
    with TestClient(create_app(tmp_path / "ix")) as client:
        for page in (client.get("/", params={"q": "oil"}), client.get("/articles/copy1")):
            assert page.status_code == 200 and "copies" in page.text
            assert len(page.content) < BOUND + len(LONG_ID)  # (the copy's link holds its id)
            assert SOURCE not in page.text and LONG_ID not in page.text.replace(
                f"/articles/{LONG_ID}", "")
