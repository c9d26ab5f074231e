"""README.md's examples, run: each ``console`` block's commands against a fresh copy of
the project's corpus (and the session's Reuters index for the Reuters examples), their
output compared with the README's after blurring what changes run to run (times,
sizes, build dates; never scores or counts). The ``python`` block runs too. So the
manual cannot go stale: change the output, change the README in the same commit.

Interactive transcripts (a prompt ``searcher> `` in the output) are replayed in piped
mode: the lines typed at the prompt are fed on stdin and the output is compared
without what only a terminal shows (the header, the hint, ``:more for`` and the
prompts themselves).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from searcher.shell.prompt import HINT

from .conftest import REPO, REUTERS

README = REPO / "README.md"
BIN = Path(sys.executable).parent
WIDTH = "100"  # the width README's output was captured at, unless a command sets COLUMNS
SKIP = ("python", "pip", ".", "source", "cd ")  # setup and the test suite itself
SERVE_PORT = 8080  # the port README's server examples show (`searcher serve` default)
PROMPT = re.compile(r"^searcher(?: \[[^\]]*\])?> ?(.*)$")


@dataclass
class Example:
    line: int  # where the command is in README.md
    command: str
    expected: list[str]


def console_examples() -> list[Example]:
    lines = README.read_text(encoding="utf-8").splitlines()
    examples: list[Example] = []
    block = False
    current: Example | None = None
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            block = line == "```console"
            current = None
            continue
        if not block:
            continue
        if line.startswith("$ "):
            current = Example(number, line[2:], [])
            examples.append(current)
        elif current is not None and current.command.endswith("\\"):
            current.command = current.command[:-1] + " " + line.strip()
        elif current is not None:
            current.expected.append(line)
    return examples


def blur(lines: list[str]) -> list[str]:
    """The output without what differs between runs (times, sizes, build dates), one
    space between words. Scores are kept: the same index and query give the same
    scores, so a README figure the ranking no longer gives fails here."""
    out = []
    for line in lines:
        line = re.sub(r"\(\d[\d,.]* ms\)", "(N ms)", line)
        line = re.sub(r"\d[\d,.]* (s|B|KB|MB|GB)\b", r"N \1", line)
        line = re.sub(r"\d{4}-\d\d-\d\dT[\d:.+]+", "DATE", line)
        line = re.sub(r"\s+", " ", line).strip()
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def interactive(example: Example) -> tuple[list[str], list[str]]:
    """(lines typed, expected piped output) of a prompt transcript."""
    typed: list[str] = []
    shown: list[str] = []
    for line in example.expected:
        m = PROMPT.match(line)
        if m:
            typed.append(m.group(1))
        elif not (line.startswith(("searcher ·", ":more for")) or (line and line in HINT)):
            shown.append(line)
    return typed, shown


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, reuters_index: Path) -> Path:
    """A checkout-like folder: the corpus, ../shared beside it, Reuters prebuilt."""
    root = tmp_path_factory.mktemp("readme")
    work = root / "searcher"
    shutil.copytree(REPO / "corpus", work / "corpus")
    (root / "shared").symlink_to(REUTERS.parents[2])
    shutil.copytree(reuters_index, work / "reuters-index")
    return work


EXAMPLES = [e for e in console_examples() if not e.command.startswith(SKIP)]


def run(command: str, cwd: Path, stdin: str | None = None) -> tuple[int, list[str]]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "COLUMNS": WIDTH,
           "NO_COLOR": "1", "XDG_STATE_HOME": str(cwd / ".state")}
    env.pop("SEARCHER_INDEX", None)
    env.pop("SEARCHER_CORPUS", None)
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, input=stdin, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300,
                          check=False)
    return done.returncode, done.stdout.splitlines()


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 8
    assert any(PROMPT.match(line) for e in EXAMPLES for line in e.expected)


def test_readme_console_examples(workdir: Path) -> None:
    """In README order (a build comes before the searches that need it). `searcher serve`
    starts in the background on a free port, which the later commands are pointed at."""
    status = 0
    failures: list[str] = []
    server: subprocess.Popen[str] | None = None
    port = SERVE_PORT
    try:
        for example in EXAMPLES:
            command = example.command.replace(f"127.0.0.1:{SERVE_PORT}", f"127.0.0.1:{port}")
            if command.startswith("searcher build ../shared/corpora/reuters21578"):
                continue  # the session's Reuters index stands in (tests/conftest.py)
            if command.startswith("searcher serve"):
                assert server is None, "README starts one server"
                server, port, actual = serve(command, workdir)
                actual = [line.replace(f":{port}/", f":{SERVE_PORT}/") for line in actual]
            elif command == "echo $?":
                actual = [str(status)]
            elif any(PROMPT.match(line) for line in example.expected):
                typed, expected = interactive(example)
                status, actual = run(command, workdir, stdin="\n".join(typed) + "\n")
                example = Example(example.line, command, expected)
            else:
                status, actual = run(command, workdir)
            if blur(actual) != blur(example.expected):
                failures.append(f"README.md:{example.line}: $ {command}\n" + "\n".join(actual))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    assert not failures, "README output differs; actual output:\n\n" + "\n\n".join(failures)


def serve(command: str, cwd: Path) -> tuple[subprocess.Popen[str], int, list[str]]:
    """README's `searcher serve` started on a free loopback port: the process, the port
    and its first line of output, once it accepts connections."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SEARCHER_INDEX", None)
    proc = subprocess.Popen(["bash", "-c", f"exec {command} --port {port}"], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    first = proc.stderr.readline().rstrip("\n")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, port, [first]


def test_readme_python_example(workdir: Path) -> None:
    """Each python block saved as README says (``demo.py`` in a checkout named
    ``searcher``, holding the package, beside ``corpus/``) and run there: a newcomer who
    saved it in the folder holding such a checkout imported the folder instead (with an
    editable install), which README now warns about."""
    text = README.read_text(encoding="utf-8")
    assert "Save this as `demo.py` in the checkout, beside `corpus/`" in text
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    checkout = workdir / "python-example" / "searcher"
    shutil.copytree(workdir / "corpus", checkout / "corpus")
    (checkout / "searcher").symlink_to(REPO / "searcher")
    env = {**os.environ, "PYTHONPATH": ""}
    for code in blocks:
        (checkout / "demo.py").write_text(code, encoding="utf-8")
        done = subprocess.run([sys.executable, "demo.py"], cwd=checkout, text=True, env=env,
                              capture_output=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
