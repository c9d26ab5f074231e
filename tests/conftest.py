"""Shared fixtures: the real corpora beside the checkout (../shared) and a Reuters index
built once per test session (it is the real-data check the issues ask for)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = REPO / "corpus" / "000_a92b5885473cdf19.txt"
REUTERS = SHARED / "corpora" / "reuters21578" / "articles.jsonl.gz"
REUTERS_MAP = ["tags=topics,places,people,orgs,exchanges"]


def needs_shared(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present")


@pytest.fixture(scope="session")
def reuters_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole Reuters-21578 collection, indexed with its tags, once per session."""
    if not REUTERS.exists():
        pytest.skip(f"{REUTERS} not present")
    from searcher import build_index

    index = tmp_path_factory.mktemp("reuters") / "index"
    report = build_index([REUTERS], index=index, field_map=REUTERS_MAP)
    assert report.documents == 21_577
    return index


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seed article alone (the project's own corpus/)."""
    from searcher import build_index

    index = tmp_path_factory.mktemp("seed") / "index"
    build_index([REPO / "corpus"], index=index)
    return index
