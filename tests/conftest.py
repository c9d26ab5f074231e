"""Shared fixtures: the real corpora beside the checkout (../shared) and a Reuters index
built once per test session (it is the real-data check the issues ask for)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from whoosh.filedb.filestore import FileStorage, RamStorage

# CI runs the same examples every time: a property test that finds a new failing case
# must fail on a developer's machine (random seeds, the local example database), not
# make a landing flaky. .ci/run sets CI; locally hypothesis keeps exploring.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")



def _private_temp_storage(self: Any, name: str | None = None) -> FileStorage:
    """A temporary folder of this RamStorage's own, for each name asked for. Whoosh
    puts them in ``/tmp/<name>`` (``/tmp/MAIN.tmp`` for every writer, in every process):
    two test runs at once emptied each other's spilled posting runs, and the first
    writer to finish removed the folder under the other (a flaky
    test_batched_postings_are_the_analyzers). The writer and its column writer share
    the folder as before, so the writer's commit still removes it."""
    folders = self.__dict__.setdefault("_private_temp", {})
    if name not in folders:
        folders[name] = tempfile.mkdtemp(prefix=f"{name or 'ram'}-")
    return FileStorage(folders[name]).create()


RamStorage.temp_storage = _private_temp_storage

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = REPO / "corpus" / "000_a92b5885473cdf19.txt"
REUTERS = SHARED / "corpora" / "reuters21578" / "articles.jsonl.gz"
REUTERS_MAP = ["tags=topics,places,people,orgs,exchanges"]
# Real third-party article files (fetched data lives in ../shared, never in the project);
# the expectations we wrote for them stay here, in the same layout.
REAL_FILES = SHARED / "fixtures" / "real"
REAL_EXPECTED = REPO / "tests" / "expectations" / "real"
EVAL = SHARED / "eval"


def needs_shared(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present")


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    """Write ``records`` as a JSON Lines file (creating its folder) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def reuters_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole Reuters-21578 collection, indexed with its tags, once per session (only
    built here: test_build.test_reuters_indexes_completely is the one completeness check)."""
    if not REUTERS.exists():
        pytest.skip(f"{REUTERS} not present")
    from searcher import build_index

    index = tmp_path_factory.mktemp("reuters") / "index"
    build_index([REUTERS], index=index, field_map=REUTERS_MAP)
    return index  # its completeness is test_build.test_reuters_indexes_completely


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seed article alone (the project's own corpus/)."""
    from searcher import build_index

    index = tmp_path_factory.mktemp("seed") / "index"
    build_index([REPO / "corpus"], index=index)
    return index


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fast tier (``-m "not slow"``) leaves out every test that needs the whole
    Reuters index or reads all of Reuters: those are the slow ones (CI runs them all)."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        skip_reasons = " ".join(str(m.kwargs.get("reason", ""))
                                for m in item.iter_markers("skipif"))
        if "reuters_index" in names or str(REUTERS) in skip_reasons:
            item.add_marker(pytest.mark.slow)


CLUSTER_SAMPLE = 3000  # Reuters articles for the sharded tests: ties, rare words, facets


@pytest.fixture(scope="session")
def reuters_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first CLUSTER_SAMPLE Reuters articles as one JSONL file (the sharded tests)."""
    if not REUTERS.exists():
        pytest.skip(f"{REUTERS} not present")
    import gzip

    path = tmp_path_factory.mktemp("sample") / "reuters.jsonl"
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        head = [line for _n, line in zip(range(CLUSTER_SAMPLE), f, strict=False)]
    path.write_text("".join(head), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample_index(reuters_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``reuters_sample`` as one index: the oracle of the sharded tests."""
    from searcher import build_index

    index = tmp_path_factory.mktemp("one") / "index"
    build_index([reuters_sample], index=index, field_map=REUTERS_MAP)
    return index
