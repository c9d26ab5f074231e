"""A ``.txt`` that holds Markdown, as scrapers for language models write pages (Jina
Reader's ``Title:``/``URL Source:``/``Markdown Content:`` header, Firecrawl's and
html2text's plain Markdown): read as the text a reader of the rendered page sees
(formats/text_markdown.py), then by the text rules. And what is not Markdown: every real
``.txt`` in ../shared/fixtures and the corpora's texts hold no such syntax."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.formats.text_markdown import holds_markdown
from searcher.models import Article, Decision

from ..conftest import REUTERS, SHARED, needs_shared
from .one_page import read_page

LEDE = ("The council voted on Tuesday to approve the new [budget](https://example.com/budget) "
        "after a long debate, and members said the plan would fund schools and roads.")
SECOND = ("Opponents argued that the tax rise would hurt **small businesses** in the town "
          "centre and promised to fight it at the next election in the spring.")
JINA = f"""Title: Council approves budget after long debate

URL Source: https://www.example.com/news/council-budget

Published Time: 2021-03-04T10:00:00+00:00

Markdown Content:
Council approves budget after long debate
===============

[Skip to main content](https://www.example.com/#main)

![Image 1: The town hall](https://www.example.com/img/hall.jpg)

{LEDE}

## Opposition

{SECOND}

*   [Share on Facebook](https://facebook.com/share)
*   [Share on Twitter](https://twitter.com/share)
"""
FIRECRAWL = f"""# Council approves budget after long debate

By [Jane Doe](https://www.example.com/authors/jane-doe) | March 4, 2021

{LEDE}

## Opposition

{SECOND}
"""
TEXT = ("The council voted on Tuesday to approve the new budget after a long debate, and "
        "members said the plan would fund schools and roads.\n\nOpposition\n\nOpponents "
        "argued that the tax rise would hurt small businesses in the town centre and "
        "promised to fight it at the next election in the spring.")


def _read(tmp_path: Path, text: str) -> tuple[Article, list[Decision]]:
    return read_page(tmp_path, "page.txt", text, Decision)


def test_jina_reader_output(tmp_path: Path) -> None:
    article, decisions = _read(tmp_path, JINA)
    assert article.title == "Council approves budget after long debate"
    assert article.url == "https://www.example.com/news/council-budget"
    assert article.published == datetime(2021, 3, 4, 10)
    assert article.body == TEXT
    assert {"url": "https://example.com/budget", "text": "budget"} in [
        {k: v for k, v in link.items() if k in ("url", "text")} for link in article.meta["links"]]
    kinds = {d.kind for d in decisions}
    assert "images removed" in kinds and "boilerplate lines dropped" in kinds


def test_plain_markdown_output(tmp_path: Path) -> None:
    article, _ = _read(tmp_path, FIRECRAWL)
    assert (article.title, article.authors, article.published) == (
        "Council approves budget after long debate", ("Jane Doe",), datetime(2021, 3, 4))
    assert article.body == TEXT


@pytest.mark.parametrize(("text", "markdown"), [
    (FIRECRAWL, True), (JINA, True),
    ("Title\n\nSee [the report](https://x.example/r) and [the data](https://x.example/d).\n",
     True),
    ("# Title\n\nText.\n\n## Section\n\nMore text.\n", True),
    ("Title\n\nThe #1 seed won [again] (in Paris) on Sunday.\n", False),
    ("Title\n\n#MeToo trended all day.\n", False),
])
def test_what_counts_as_markdown(text: str, markdown: bool) -> None:
    assert holds_markdown(text) is markdown


def _real_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted((SHARED / "fixtures").rglob("*.txt"))]
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        texts += [json.loads(line).get("body", "")
                  for _, line in zip(range(3_000), lines, strict=False)]
    return texts


@needs_shared(REUTERS)
def test_no_real_text_is_taken_for_markdown() -> None:
    texts = _real_texts()
    assert len(texts) > 3_000
    assert not [t[:60] for t in texts if holds_markdown(t)]


@settings(max_examples=50, deadline=None)
@given(words=st.lists(st.sampled_from(["council", "budget", "vote", "mayor", "tax", "plan"]),
                      min_size=3, max_size=12))
def test_link_text_is_kept(tmp_path_factory: pytest.TempPathFactory, words: list[str]) -> None:
    sentence = " ".join(f"[{w}](https://x.example/{w})" if n % 2 else w
                        for n, w in enumerate(words))
    article, _ = _read(tmp_path_factory.mktemp("m"),
                       f"# Council story\n\n{sentence.capitalize()} said the council on Monday "
                       "in a statement.\n\n## More\n\nThe end of the story came on Tuesday.\n")
    assert article.title == "Council story"
    assert " ".join(words) in article.body.casefold()
    assert "](" not in article.body
