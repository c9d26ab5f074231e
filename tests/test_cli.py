"""Bad input on every CLI surface: the documented exit code and a one-line message, never a
traceback. One table per surface keeps the error contract in one place; each surface's
behaviour on good input is tested beside its module (test_build, test_search, test_shell...)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.cli import main

# {index}: the seed index; {none}: a path with no index; {tmp}: a scratch folder holding
# notes.pdf and x.json.
CASES: dict[str, list[tuple[list[str], int, str]]] = {
    "build": [
        (["build", "--index", "{tmp}/ix", "does-not-exist"], 1,
         "does-not-exist: no such file or folder"),
        (["build", "--index", "{tmp}/ix", "--map", "nonsense"], 1, "--map"),
    ],
    "search": [
        (["search", "--index", "{index}", "(missile AND"], 2, "bad query:"),
        (["search", "--index", "{index}", "nosuchfield:x AND date:[2020-13-01 TO 2020-12-01]"],
         2, "bad query:"),
        (["search", "--index", "{index}", "missile", "--since", "not a date"], 2,
         "searcher: since: "),
        (["search", "--index", "{index}", "missile", "--sort", "sideways"], 2, "Invalid value"),
        (["search", "--index", "{none}", "x"], 1, "searcher build"),
    ],
    "show": [
        (["show", "--index", "{index}", "no-such-id"], 1, "no article with id 'no-such-id'"),
        (["show", "--index", "{none}", "x"], 1, "searcher build"),
    ],
    "explain": [
        (["explain", "--index", "{index}", "no-such-id", "missile"], 1,
         "no article with id 'no-such-id'"),
        (["explain", "--index", "{index}", "000_a92b5885473cdf19.txt", "(missile AND"], 2,
         "bad query:"),
        (["explain", "--index", "{none}", "x", "missile"], 1, "searcher build"),
    ],
    "stats": [
        (["stats", "--index", "{index}", "--top", "-5"], 2, "--top"),
        (["stats", "--index", "{none}"], 1, "searcher build"),
    ],
    "shell": [
        (["shell", "--index", "{index}"], 1,
         "line 1: unknown command :bogus (:help lists the commands)"),
        (["shell", "--index", "{none}"], 1, "searcher build"),
    ],
    "inspect": [
        (["inspect", "{tmp}/missing.html"], 1, "missing.html: no such file"),
        (["inspect", "{tmp}/notes.pdf"], 1, "notes.pdf: not a format searcher reads"),
        (["inspect", "--map", "oops", "{tmp}/x.json"], 1, "is not FIELD=KEY"),
    ],
    "check": [
        (["check", "--index", "{none}"], 1, "no index at"),
    ],
    "export": [
        (["export", "--index", "{index}", "(missile AND"], 2, "bad query:"),
        (["export", "--index", "{index}", "missile", "--fields", "id,nope"], 2,
         "unknown export field 'nope'"),
        (["export", "--index", "{index}", "missile", "--format", "xml"], 2, "Invalid value"),
        (["export", "--index", "{index}", "missile", "--until", "never"], 2, "until"),
        (["export", "--index", "{none}", "x"], 1, "searcher build"),
    ],
    "serve": [
        (["serve", "--index", "{none}"], 1, "searcher build"),
        (["serve", "--index", "{index}", "--port", "70000"], 2, "--port"),
    ],
}
SHELL_SCRIPT = ":bogus\n"  # piped into every shell case (ignored when there is no index)


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param(args, code, message, id=f"{surface}-{i}")
    for surface, cases in CASES.items() for i, (args, code, message) in enumerate(cases)])
def test_bad_input_is_one_line_and_an_exit_code(seed_index: Path, tmp_path: Path,
                                                 args: list[str], code: int,
                                                 message: str) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    argv = [a.format(index=seed_index, none=tmp_path / "none", tmp=tmp_path) for a in args]
    result = CliRunner().invoke(main, argv, input=SHELL_SCRIPT if args[0] == "shell" else None)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    if lines[-1].startswith("Error: "):  # click's usage error: usage, a hint, the error line
        assert lines[0].startswith("Usage: ")
    else:
        assert len(lines) == 1 and lines[0].startswith("searcher: "), result.stderr
    assert message in lines[-1]
