"""A saved page's lead set outside <p> (html_body.lead_outside_paragraphs): a block the
markup names the lead, after the headline and before the article text, is the body's
first paragraph; captions, bylines, headings, short blocks and a lead the body already
holds are not. Generated pages and the development half's real pages that have one."""

from __future__ import annotations

from pathlib import Path

import pytest

from searcher.formats.base import Source
from searcher.formats.html import read
from searcher.formats.html_body import LEAD_ADDED
from searcher.models import Article, Decision

from ..conftest import SHARED, needs_shared
from .one_page import read_page

HTMLDATE = SHARED / "fixtures" / "pool" / "html" / "htmldate"
LEAD = ("Engineers say the old bridge cannot carry cars for another winter, and the council "
        "has agreed to close it while it is rebuilt.")
TEXT = " ".join(["The council voted on Tuesday to close the old bridge to cars while it is "
                 "repaired, a job the engineers expect to take most of next year."] * 4)


def _page(between: str) -> str:
    return ("<html><head><title>Bridge closes for repairs</title></head><body><article>"
            f"<h1>Bridge closes for repairs</h1>{between}"
            f"<div class='text'><p>{TEXT}</p><p>{TEXT}</p><p>{TEXT}</p></div>"
            "</article></body></html>")


def _read(tmp_path: Path, page: str) -> tuple[Article, list[Decision]]:
    return read_page(tmp_path, "page.html", page, Decision)


@pytest.mark.parametrize("between", [
    f'<div class="article-lead">{LEAD}</div>',
    f'<div class="abstract">{LEAD}</div>',
    f'<header class="intro"><span>{LEAD}</span></header>',
    f'<div class="standfirst"><div class="inner">{LEAD}</div></div>',
])
def test_a_lead_outside_paragraphs_starts_the_body(tmp_path: Path, between: str) -> None:
    article, decisions = _read(tmp_path, _page(between))
    assert article.body.startswith(LEAD + "\n")
    assert TEXT[:80] in article.body
    assert [d.kind for d in decisions if d.kind == LEAD_ADDED] == [LEAD_ADDED]


@pytest.mark.parametrize("between", [
    f'<div class="image-caption">{LEAD}</div>',                  # a caption
    f'<div class="lead author-bio">{LEAD}</div>',                # an author's bio
    f'<h2 class="subheadline">{LEAD}</h2>',                      # a heading
    f'<div class="lead"><a href="/other">{LEAD}</a></div>',      # a link to another page
    '<div class="lead">Engineers say the bridge must close.</div>',  # too short
    f'<div class="lead">{LEAD[:-1]}</div>',                     # does not end a sentence
    f'<div class="box">{LEAD}</div>',                            # nothing names it the lead
])
def test_what_is_no_lead_is_not_added(tmp_path: Path, between: str) -> None:
    article, decisions = _read(tmp_path, _page(between))
    assert not any(d.kind == LEAD_ADDED for d in decisions)
    assert article.body.count("Engineers say") <= 1


def test_a_lead_in_a_paragraph_is_in_the_body_once(tmp_path: Path) -> None:
    article, _ = _read(tmp_path, _page(f'<div class="lead"><p>{LEAD}</p></div>'))
    assert article.body.count("Engineers say") == 1


@needs_shared(HTMLDATE)
@pytest.mark.parametrize(("name", "lead"), [
    ("horizont.net.html", "Vor wenigen Tagen hat das Kammergericht Berlin begründet"),
    ("channelpartner.de.berufe.html", "Die Digitalisierung vernichtet Arbeitsplätze"),
])
def test_real_pages_with_a_lead_outside_paragraphs(name: str, lead: str) -> None:
    items = list(read(Source(HTMLDATE / name, name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.body.startswith(lead)
    assert article.body.count(lead) == 1
