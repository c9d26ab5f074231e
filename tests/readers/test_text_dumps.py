"""Raw page dumps (issue 15, class 2) read as the lines a browser shows: a real scraped
page whose lines are indented with spaces or tabs, with runs of blank lines between its
elements and trailing whitespace, reads to the same article as the page itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.formats.base import Source
from searcher.formats.text import read
from searcher.models import Article

from ..conftest import SHARED

REAL_TEXT = sorted((SHARED / "fixtures" / "real" / "text").glob("*.txt"))


def article_of(path: Path) -> tuple[object, ...]:
    [article] = [i for i in read(Source(path, "page.txt")) if isinstance(i, Article)]
    return (article.title, article.body, article.authors, article.published, article.tags,
            article.source)


@pytest.mark.skipif(not REAL_TEXT, reason="../shared/fixtures/real/text not present")
@settings(max_examples=40, deadline=None)
@given(index=st.integers(min_value=0, max_value=max(len(REAL_TEXT) - 1, 0)),
       indent=st.sampled_from(["  ", "\t", "    \t", " \u00a0 "]),
       blank_lines=st.integers(min_value=1, max_value=4), trailing=st.sampled_from(["", "  "]))
def test_indented_dump_reads_like_the_page(tmp_path_factory: pytest.TempPathFactory,
                                           index: int, indent: str, blank_lines: int,
                                           trailing: str) -> None:
    page = REAL_TEXT[index]
    text = page.read_text(encoding="utf-8")
    dump = "\n".join(f"{indent}{line}{trailing}" if line.strip() else "\n" * (blank_lines - 1)
                     for line in text.split("\n"))
    path = tmp_path_factory.mktemp("dump") / "page.txt"
    path.write_text(dump, encoding="utf-8")
    assert article_of(path) == article_of(page)
