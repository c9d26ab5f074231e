"""Near-duplicate stories on a sharded index: a story whose copies live on different
shards collapses to one hit as one index collapses it (the oracle is one index)."""

from __future__ import annotations

from pathlib import Path

import pytest

from searcher import build_index, open_index
from searcher.cluster.build import build_sharded
from searcher.cluster.layout import shard_of

from .cluster_oracle import QUERIES, assert_same_stories, story_of
from .conftest import REUTERS_MAP

STORY_QUERIES = [*QUERIES[:10], "cocoa", "said", "tags:earn", "title:coffee", "oil OR gold"]


@pytest.fixture(scope="module")
def four_shards(reuters_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("stories") / "sharded"
    build_sharded([reuters_sample], index=index, shards=4, field_map=REUTERS_MAP)
    return index


def test_stories_collapse_across_shards_as_in_one_index(four_shards: Path,
                                                        sample_index: Path) -> None:
    with open_index(sample_index) as single, open_index(four_shards) as sharded:
        spanning = [h for h in single.search("said OR the", limit=1000, snippets=False).hits
                    if len({shard_of(i, 4) for i in story_of(h)}) > 1]
        assert len(spanning) >= 10  # stories whose copies live on different shards
        for q in STORY_QUERIES:
            assert_same_stories(single, sharded, q)
        assert_same_stories(single, sharded, "oil", page=3)
        off = sharded.search("said", limit=50, collapse=False, snippets=False)
        assert not off.collapsed and off.stories == single.search("said").stories
        assert all(not h.copies for h in off.hits)
        # an article's copies (searcher show), the stats' story counts
        for hit in spanning[:5]:
            for article_id in sorted(story_of(hit))[:2]:
                assert sharded.show(article_id).copies == single.show(article_id).copies
        mine, theirs = sharded.stats(), single.stats()
        assert (mine.story_groups, mine.grouped_articles, mine.largest_stories) == \
            (theirs.story_groups, theirs.grouped_articles, theirs.largest_stories)
        assert mine.story_groups > 0


def test_an_incremental_sharded_build_groups_as_one_index(reuters_sample: Path,
                                                          tmp_path: Path) -> None:
    """Copies added by a later build join stories whose first articles are on other
    shards (the groups are the whole corpus's, updated from the stored text of the
    shards' articles), and deleted ones leave them, as in one index updated alike."""
    lines = reuters_sample.read_text(encoding="utf-8").splitlines(keepends=True)
    corpus = tmp_path / "c" / "reuters.jsonl"
    corpus.parent.mkdir()
    corpus.write_text("".join(lines[:1500]), encoding="utf-8")
    index, one = tmp_path / "sharded", tmp_path / "one"
    for _build in range(2):
        build_sharded([corpus], index=index, shards=3, field_map=REUTERS_MAP)
        build_index([corpus], index=one, field_map=REUTERS_MAP)
        corpus.write_text("".join(lines[200:]), encoding="utf-8")
    with open_index(one) as single, open_index(index) as sharded:
        assert single.stats().story_groups > 0
        for q in STORY_QUERIES[:8]:
            assert_same_stories(single, sharded, q)
        assert sharded.stats().largest_stories == single.stats().largest_stories
