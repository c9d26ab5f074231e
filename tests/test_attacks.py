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
