"""A saved page's legal small print at the end of its body (html_tail.py): the block that
holds the page's © line, when the body ends inside it, is dropped from the end and
counted; the article's own container holding a © line is not such a block. Generated
pages and the development half's real pages that have one."""

from __future__ import annotations

import gzip
from pathlib import Path

from searcher.formats.base import Source
from searcher.formats.html import read
from searcher.formats.html_body import TRAILING_FURNITURE
from searcher.models import Article, Decision

from ..conftest import SHARED, needs_shared
from .one_page import read_page

HTMLDATE = SHARED / "fixtures" / "pool" / "html" / "htmldate"
REAL_HTML = SHARED / "fixtures" / "real" / "html"
TEXT = ("The council voted on Tuesday to close the old bridge to cars while it is repaired, a "
        "job the engineers expect to take most of next year.")
LAST = "Work on the bridge starts in March and the council will report on it every month."
SMALL_PRINT = ["Alle Angaben ohne Gewähr.", "Copyright © 2024 Brückenblatt - Alle Rechte "
               "vorbehalten.", "Der Kunde handelt in eigener Verantwortung und auf eigenes "
               "Risiko, wie es in den Bedingungen der Seite steht."]


def _read(tmp_path: Path, page: str) -> tuple[Article, list[Decision]]:
    return read_page(tmp_path, "page.html", page, Decision)


def _page(after: str) -> str:
    paragraphs = "".join(f"<p>{TEXT} Paragraph {n} of the story.</p>" for n in range(5))
    return ("<html><head><title>Bridge closes for repairs</title></head><body><article>"
            f"<h1>Bridge closes for repairs</h1><div class='text'>{paragraphs}<p>{LAST}</p>"
            f"{after}</div></article></body></html>")


def test_the_small_print_block_around_the_copyright_line_is_dropped(tmp_path: Path) -> None:
    article, decisions = _read(tmp_path, _page(f"<p class='x'>{'<br>'.join(SMALL_PRINT)}</p>"))
    assert article.body.endswith(LAST)
    dropped = [d.detail for d in decisions if d.kind == TRAILING_FURNITURE]
    assert [d[:20] for d in dropped] == [line[:20] for line in SMALL_PRINT]


def test_prose_after_a_copyright_line_in_the_article_itself_is_kept(tmp_path: Path) -> None:
    """A © line set loose in the article's own container is no small-print block: only
    the © line goes (the wording rule), the article's paragraphs stay."""
    page = _page("").replace(f"<p>{LAST}</p>", f"<p>{LAST}</p>© 2024 Brückenblatt")
    article, _ = _read(tmp_path, page)
    assert LAST in article.body and f"{TEXT} Paragraph 4 of the story." in article.body


@needs_shared(HTMLDATE / "tagesausblick.de.dow.html")
def test_real_disclaimer_paragraph_is_dropped() -> None:
    path = HTMLDATE / "tagesausblick.de.dow.html"
    items = list(read(Source(path, path.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert "Alle Angaben ohne Gewähr" not in article.body
    assert "eigenes Risiko" not in article.body and "Offenlegung" not in article.body
    assert article.body.rstrip().endswith("(log. Kerzendarstellung / 1 Kerze = 1 Tag)")
    dropped = [i.detail for i in items if isinstance(i, Decision) and i.kind == TRAILING_FURNITURE]
    assert len(dropped) >= 8


@needs_shared(REAL_HTML / "n4k_fox13now_001.html.gz")
def test_real_syndication_line_beside_the_copyright_line_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(gzip.decompress((REAL_HTML / "n4k_fox13now_001.html.gz").read_bytes()))
    [article] = [i for i in read(Source(path, path.name)) if isinstance(i, Article)]
    assert not article.body.rstrip().endswith("The-CNN-Wire")
