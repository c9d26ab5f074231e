"""A process that keeps an index open (the shell, a notebook, the web server, a cluster
worker) sees exactly what a new process sees after another build updates, deletes,
rebuilds, removes or replaces the index. The oracle at every step is a freshly opened
Index on the same folder."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from searcher import build_index, open_index
from searcher.errors import ArticleNotFoundError, IndexNotFoundError
from searcher.index import Index
from searcher.shell.prompt import run_script

from .conftest import write_jsonl


def article(n: int, title: str = "", tags: tuple[str, ...] = ("Energy",)) -> dict[str, object]:
    # (one-digit numbers are not indexed words: "barrels 1" and "barrels 2" would make
    # the articles copies of one story, collapsed into one hit)
    return {"id": f"a{n}", "title": title or f"Title {n} oil", "body": f"oil barrels {n}{n}{n}",
            "tags": list(tags)}


def seen(ix: Index, query: str = "oil") -> tuple[int, list[tuple[str, str]], int, list[str]]:
    """What a reader sees: total, (id, title) of every hit, len(), live tag counts."""
    found = ix.search(query, limit=100)
    tags = [f"{v.value}={v.count}" for v in ix.keyword_values("tags")]
    return found.total, sorted((h.id, h.title) for h in found.hits), len(ix), tags


def fresh(index: Path) -> tuple[int, list[tuple[str, str]], int, list[str]]:
    with open_index(index) as ix:
        return seen(ix)


def test_an_open_index_follows_updates_deletes_rebuilds_and_removal(tmp_path: Path) -> None:
    corpus, index = tmp_path / "c", tmp_path / "ix"
    corpus.mkdir()
    for n in (1, 2, 3):
        write_jsonl(corpus / f"f{n}.jsonl", [article(n)])
    build_index([corpus], index=index)
    with open_index(index) as ix:
        assert seen(ix) == fresh(index)
        assert seen(ix)[0] == 3
        # an update and a delete by another build
        write_jsonl(corpus / "f2.jsonl", [article(2, "Title 2 CHANGED oil", ("Shipping",))])
        (corpus / "f3.jsonl").unlink()
        build_index([corpus], index=index)
        assert seen(ix) == fresh(index)
        assert seen(ix)[:3] == (2, [("a1", "Title 1 oil"), ("a2", "Title 2 CHANGED oil")], 2)
        assert seen(ix)[3] == ["Energy=1", "Shipping=1"]
        with pytest.raises(ArticleNotFoundError):
            ix.get("a3")
        # a rebuild: the same articles, once each
        build_index([corpus], index=index, rebuild=True)
        assert seen(ix) == fresh(index)
        assert seen(ix)[0] == 2
        # many small commits: the segment set does not grow with each
        for n in range(4, 12):
            write_jsonl(corpus / f"f{n}.jsonl", [article(n)])
            build_index([corpus], index=index)
            assert seen(ix) == fresh(index)
        assert seen(ix)[0] == 10
        # removed: one clear error, as for a new process
        shutil.rmtree(index)
        with pytest.raises(IndexNotFoundError, match="no index at"):
            ix.search("oil")
        with pytest.raises(IndexNotFoundError):
            len(ix)
        # built again at the same place: the open Index reads the new one
        for n in range(4, 12):
            (corpus / f"f{n}.jsonl").unlink()
        build_index([corpus], index=index)
        assert seen(ix) == fresh(index)
        assert seen(ix)[0] == 2
        # replaced by another index moved into place
        other = tmp_path / "other"
        write_jsonl(tmp_path / "o" / "x.jsonl", [article(7, "Seven oil")])
        build_index([tmp_path / "o"], index=other)
        shutil.rmtree(index)
        other.rename(index)
        assert seen(ix) == fresh(index)
        assert seen(ix)[1] == [("a7", "Seven oil")]
        assert ix.stats().documents == 1


def test_the_shell_follows_builds_made_by_another_process(tmp_path: Path) -> None:
    """The shell's own state (completion values, :tags) follows the index too."""
    corpus, index = tmp_path / "c", tmp_path / "ix"
    corpus.mkdir()
    for n in (1, 2, 3):
        write_jsonl(corpus / f"f{n}.jsonl", [article(n)])
    build_index([corpus], index=index)

    def script() -> Iterator[str]:
        yield "oil"
        yield ":tags"
        write_jsonl(corpus / "f2.jsonl", [article(2, "Title 2 CHANGED oil", ("Shipping",))])
        (corpus / "f3.jsonl").unlink()
        build_index([corpus], index=index)
        yield "oil"
        yield ":tags"
        build_index([corpus], index=index, rebuild=True)
        yield "oil"
        shutil.rmtree(index)
        yield "oil"
        build_index([corpus], index=index)
        yield "oil"

    out, errors = io.StringIO(), io.StringIO()
    console = Console(file=out, width=100, color_system=None, force_terminal=False)
    with open_index(index) as ix:
        status = run_script(ix, script(), console=console, errors=errors)
    text = out.getvalue()
    assert re.findall(r"of (\d+) results", text) == ["3", "2", "2", "2"], text
    assert text.count("Title 2 CHANGED oil") == 3 and "Title 3 oil" not in text.split(
        "of 3 results")[1]
    tag_tables = re.findall(r"^ tag +articles\n((?: .*\n?)*)", text, re.M)
    assert [re.findall(r"^ (\w+) +(\d+)$", t, re.M) for t in tag_tables] == [
        [("Energy", "3")], [("Energy", "1"), ("Shipping", "1")]]
    assert status == 1
    assert errors.getvalue().splitlines() == [
        f"searcher: line 6: no index at {index}: build one with "
        f"`searcher build [PATH...] --index {index}`"]


def test_ten_thousand_tags_on_one_article_are_spelled_with_one_read(tmp_path: Path,
                                                                    monkeypatch: Any) -> None:
    """Issue 16 class 6: the display spelling of every tag of an article with thousands
    of them costs one read of that article, not one per tag (stats took > 120 s)."""
    from whoosh.reading import SegmentReader

    tags = [f"Tag-{i:05d}-Mixed" for i in range(10_000)]
    write_jsonl(tmp_path / "c" / "a.jsonl", [{"id": "many", "title": "Tags", "body": "x",
                                              "tags": tags}])
    build_index([tmp_path / "c"], index=tmp_path / "ix")
    reads = []
    original = SegmentReader.stored_fields  # one build, one segment
    monkeypatch.setattr(SegmentReader, "stored_fields",
                        lambda self, n: reads.append(n) or original(self, n))
    with open_index(tmp_path / "ix") as ix:
        values = ix.keyword_values("tags")
        assert sorted(v.value for v in values) == tags
        assert len(reads) == 1
        assert [t.value for t in ix.stats(top_tags=3).top_tags] == tags[:3]
        assert [v.value for v in ix.keyword_values("tags", "tag-0000", limit=2)] == tags[:2]
