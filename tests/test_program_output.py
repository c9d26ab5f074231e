"""Output that cannot be written is one line and an exit status, never a traceback
(issue 16, class 5): a console whose encoding lacks searcher's own ``…`` and ``·`` or an
article's letters (a non-UTF-8 locale), a full disk, a closed standard output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from searcher import build_index

from .conftest import REPO, write_jsonl


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("out")
    write_jsonl(root / "c" / "a.jsonl", [
        {"id": "é1", "title": "Café owners in Zürich · protest", "tags": ["Économie"],
         "body": "Café owners in Zürich protested the new tax… “Ça suffit”, one said."}])
    build_index([root / "c"], index=root / "ix")
    return root / "ix"


def program(args: list[str], encoding: str = "utf-8", **kwargs: object
            ) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "80"}
    env.pop("FORCE_COLOR", None)
    env.pop("TTY_COMPATIBLE", None)
    return subprocess.run([sys.executable, "-m", "searcher", *args], cwd=REPO, env=env,
                          capture_output="stdout" not in kwargs, check=False, **kwargs)  # type: ignore[call-overload]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
@pytest.mark.parametrize("command", [["search", "café"], ["show", "é1"], ["stats"],
                                     ["explain", "é1", "zurich"]])
def test_a_console_that_cannot_encode_gets_replacements(index: Path, encoding: str,
                                                        command: list[str]) -> None:
    done = program([*command, "--index", str(index)], encoding)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode(encoding)
    assert out.strip() and ("Caf" in out or "zurich" in out or "documents" in out)


def test_inspect_on_a_console_that_cannot_encode(index: Path, tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("Zürich café tax\n\nCafé owners protested… “Ça suffit”.\n", "utf-8")
    done = program(["inspect", str(page)], "ascii")
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert "Z?rich caf? tax" in done.stdout.decode("ascii")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_disk_is_one_line(index: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = program(["search", "café", "--index", str(index)], stdout=full,
                       stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "searcher: cannot write the output (No space left on device)"]


def test_a_closed_stdout_is_one_line(index: Path) -> None:
    done = program(["search", "café", "--index", str(index)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, close_fds=True,
                   preexec_fn=lambda: os.close(1))
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "searcher: cannot write the output (standard output is closed)"]
