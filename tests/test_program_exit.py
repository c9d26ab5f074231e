"""The `searcher` program run as a process (python -m searcher, as the console script
does): the same output and exit status as through click's runner; a one-query command
runs without the cyclic collector and a command that writes nothing ends with its
objects frozen (program.one_shot), while check keeps the collector and build both."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.cli import main

from .conftest import REPO

# Runs the program as `python -m searcher` does, then says whether objects were frozen.
WRAPPER = ("import atexit, gc, runpy, sys\n"
           "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0,"
           " 'collecting', gc.isenabled(), file=sys.stderr))\n"
           "sys.argv[0] = 'searcher'\n"
           "runpy.run_module('searcher', run_name='__main__', alter_sys=True)\n")


def blur(text: str) -> str:
    """Without the query time, which differs run to run."""
    return re.sub(r'"elapsed_ms": [^,]+|\(\d+ ms\)', "TIME", text)


def program(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", WRAPPER, *args], capture_output=True,
                          text=True, check=False, env={"COLUMNS": "90", "PATH": ""})


@pytest.mark.parametrize("args", [["search", "missile"], ["search", "--json", "missile"],
                                  ["search", "zzqqxx"], ["search", "missile AND ("],
                                  ["stats", "--json"]])
def test_the_process_prints_and_exits_as_the_command_does(seed_index: Path,
                                                          args: list[str]) -> None:
    argv = [args[0], "--index", str(seed_index), *args[1:]]
    expected = CliRunner().invoke(main, argv, env={"COLUMNS": "90"})
    done = program(*argv)
    assert done.returncode == expected.exit_code
    assert blur(done.stdout) == blur(expected.stdout)
    assert done.stderr.splitlines()[-1] == "frozen True collecting False"


def test_check_keeps_the_collector_and_build_is_left_alone(seed_index: Path,
                                                          tmp_path: Path) -> None:
    done = program("check", "--index", str(seed_index))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "frozen True collecting True"
    done = program("build", "--quiet", "--index", str(tmp_path / "index"), str(REPO / "corpus"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "frozen False collecting True"
