"""No fetched data in the project: real pages, API dumps and collections live in ../shared.

Files fetched from public repositories are data the project may use, not material it may
carry (issue 23). Tests and benchmarks read them from ``../shared``; the project keeps
only what it wrote (expectations, scripts, small pages made up for a test). This check
walks what git tracks under ``tests/`` and ``bench/`` so that such a file cannot come back
unnoticed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO

# Shapes fetched data comes in: saved pages, compressed dumps, whole collections.
FETCHED_SUFFIXES = (".gz", ".bz2", ".xz", ".zip", ".tar", ".warc", ".mhtml", ".sgm")
COLLECTION_NAMES = {"corpus.jsonl", "queries.jsonl", "qrels"}
MADE_UP_HOSTS = re.compile(  # RFC 2606 names: a page that links only there is ours
    r"^(?:[\w-]+\.)*(?:example(?:\.com|\.org|\.net)?|test|invalid|localhost)$")
URL_HOST = re.compile(r"https?://([^/\"'\s>:]+)", re.IGNORECASE)
LARGEST_OWN_FILE = 200_000  # bytes: our expectations and scripts are far smaller


def tracked(*folders: str) -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z", *folders], cwd=REPO, check=True,
                             capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [REPO / name for name in out.decode().split("\0") if name]


def why_fetched(path: Path) -> str | None:
    """Why ``path`` looks like fetched data, or None if it looks like our own file."""
    name = path.name.lower()
    if name.endswith(FETCHED_SUFFIXES):
        return "a compressed or archived file"
    if name in COLLECTION_NAMES or "qrels" in path.parts:
        return "part of a test collection"
    if path.stat().st_size > LARGEST_OWN_FILE:
        return f"larger than {LARGEST_OWN_FILE:,} bytes"
    if name.endswith((".html", ".htm", ".xhtml")):
        hosts = {h.lower() for h in URL_HOST.findall(path.read_text("utf-8", "replace"))}
        real = sorted(h for h in hosts if not MADE_UP_HOSTS.match(h))
        if real:
            return f"a web page that links to real sites ({', '.join(real[:3])})"
    return None


def test_no_fetched_data_is_tracked_under_tests_or_bench() -> None:
    files = tracked("tests", "bench")
    assert files, "git lists no files under tests/ and bench/"
    found = {str(p.relative_to(REPO)): why for p in files if p.exists()
             if (why := why_fetched(p))}
    assert not found, f"fetched data belongs in ../shared, not the project: {found}"


@pytest.mark.parametrize(("name", "content", "flagged"), [
    ("page.html.gz", b"\x1f\x8b", True),
    ("corpus.jsonl", b"{}", True),
    ("real.html", b'<a href="https://www.nytimes.com/x">x</a>', True),
    ("made-up.html", b'<link rel="canonical" href="https://gazette.example.com/a">', False),
    ("expectations.json", b'{"title": "x"}', False),
])
def test_the_check_tells_fetched_from_own(tmp_path: Path, name: str, content: bytes,
                                          flagged: bool) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert (why_fetched(path) is not None) is flagged
