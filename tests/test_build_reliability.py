"""The build never aborts on one bad record or file, never loses an article silently,
never leaves the index unreadable, and keeps the index what a fresh rebuild would hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.cli import main


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
