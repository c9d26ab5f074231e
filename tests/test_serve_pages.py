"""The search page, the article page and the feeds (searcher/serve/pages.py) through
Starlette's test client: every state a URL, hostile article text escaped, errors shown
on the page with the right status. The same pages in a real browser: test_serve_browser."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from starlette.testclient import TestClient

from searcher.serve.app import create_app

from .serve_fixtures import HOSTILE, small_index

__all__ = ["small_index"]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def client(small_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(small_index)) as c:
        yield c


class Page(HTMLParser):
    """What a browser would build from the page: elements with their attributes, and
    the text outside tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def links(self, css_class: str | None = None) -> list[str]:
        return [str(a["href"]) for tag, a in self.elements if tag == "a" and "href" in a
                and (css_class is None or css_class in str(a.get("class", "")).split())]


def params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def test_results_page(client: TestClient) -> None:
    r = client.get("/", params={"q": "prices", "tag": "energy"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = Page(r.text)
    assert re.search(r"1-10 of\s+23\s+results", " ".join("".join(page.text).split()))
    assert '<mark>prices</mark>' in r.text  # highlights from the library's spans
    # The facet links add and remove filters; the state stays in the URL.
    crude = next(link for link in page.links("facet-value") if ("tag", "crude") in params(link))
    assert params(crude) == [("q", "prices"), ("tag", "energy"), ("tag", "crude")]
    (energy,) = page.links("on")  # the active value: a click removes it
    assert params(energy) == [("q", "prices")]
    source = next(link for link in page.links("facet-value") if ("source", "Wire") in params(link))
    assert params(source) == [("q", "prices"), ("tag", "energy"), ("source", "Wire")]
    nxt = next(a["href"] for tag, a in page.elements if a.get("id") == "next")
    assert params(str(nxt)) == [("q", "prices"), ("tag", "energy"), ("page", "2")]
    second = Page(client.get(str(nxt)).text)
    assert "11-20 of" in " ".join("".join(second.text).split())
    bars = [link for link in page.links() if ("since", "2020-09") in params(link)]
    assert bars and ("until", "2020-09") in params(bars[0])


def test_did_you_mean_is_a_link(client: TestClient) -> None:
    page = Page(client.get("/", params={"q": "pricse"}).text)
    assert "/?q=prices" in page.links()


def test_a_bad_query_is_shown_on_the_page(client: TestClient) -> None:
    r = client.get("/", params={"q": "oil AND (grain", "sort": "newest"})
    assert r.status_code == 400 and "Traceback" not in r.text
    assert ('<div class="error" id="error" role="alert">bad query: missing ) to close the '
            "group opened here at position 9 (add a ) where the group ends)</div>") in r.text
    assert 'value="oil AND (grain"' in r.text  # the query kept in the box
    assert '<pre class="query-error" id="query-error">oil AND <mark>(</mark>grain</pre>' in r.text
    assert client.get("/", params={"q": "oil", "page": "x"}).status_code == 400


def test_hostile_article_text_is_escaped(client: TestClient) -> None:
    for r in (client.get("/", params={"q": "spill"}),
              client.get("/articles/" + HOSTILE["id"], params={"q": "spill"})):
        assert r.status_code == 200
        page = Page(r.text)
        scripts = [a for tag, a in page.elements if tag == "script"]
        assert scripts == [{"src": "/static/search.js", "defer": None}]
        assert not [a for tag, a in page.elements if tag == "img"]
        assert not any(k.startswith("on") for _tag, a in page.elements for k in a)
        assert not any(link.startswith("javascript:") for link in page.links())
        text = "".join(page.text)
        assert "<script>window.injected = 1</script>" in text  # shown as text
        assert "\u202e" not in r.text and "\x1b" not in r.text


def test_article_page(client: TestClient) -> None:
    r = client.get("/articles/oil4", params={"q": "crude traders"})
    page = Page(r.text)
    assert r.text.count("<mark>Crude</mark>") == 3 and "<mark>traders</mark>" in r.text
    assert "https://example.com/oil/4" in page.links()
    similar = [link for link in page.links() if link.startswith("/articles/")]
    assert len(similar) == 5 and "/articles/oil4" not in similar
    missing = client.get("/articles/nope")
    assert missing.status_code == 404 and "no article with id &#39;nope&#39;" in missing.text


def test_atom_feed_newest_first(client: TestClient) -> None:
    r = client.get("/search.atom", params={"q": "oil", "tag": "crude"})
    assert r.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.text)
    updated = [e.findtext(f"{ATOM}updated") for e in feed.iter(f"{ATOM}entry")]
    assert len(updated) == 11 and updated == sorted(updated, reverse=True)
    evil = ET.fromstring(client.get("/search.atom", params={"q": "spill"}).text)
    assert evil.findtext(f"{ATOM}entry/{ATOM}title") == HOSTILE["title"]
    search = ET.fromstring(client.get("/opensearch.xml").text)
    assert any("/?q={searchTerms}" in str(u.get("template")) for u in search)


def test_empty_page_and_static_files(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "autofocus" in r.text and 'id="results"' not in r.text
    assert "keydown" in client.get("/static/search.js").text
    assert client.get("/static/../app.py").status_code == 404


def test_the_seed_index(seed_index: Path) -> None:
    """The project's own corpus/ (one article) served: page, API, article page, feed."""
    from searcher import open_index

    with TestClient(create_app(seed_index)) as c, open_index(seed_index) as ix:
        expected = ix.search("armenia missile")
        api = c.get("/api/search", params={"q": "armenia missile"}).json()
        assert api["total"] == expected.total == 1
        assert [h["id"] for h in api["hits"]] == [h.id for h in expected.hits]
        page = c.get("/", params={"q": "armenia missile"})
        assert page.status_code == 200 and "<mark>" in page.text
        article = c.get("/articles/" + expected.hits[0].id, params={"q": "missile"})
        assert article.status_code == 200 and "<mark>missile</mark>" in article.text.lower()
        assert c.get("/search.atom", params={"q": "missile"}).text.count("<entry>") == 1


@pytest.mark.parametrize("article_id", ["..", "x/..", "../../etc/passwd", "a/./b", "txt/p.txt"])
def test_article_links_survive_dot_segments(tmp_path: Path, article_id: str) -> None:
    """A browser resolves ``.``/``..`` segments (also as %2E) before it asks: the link
    to an article whose id has them must still reach that article."""
    from searcher import build_index

    from .conftest import write_jsonl

    build_index([write_jsonl(tmp_path / "c.jsonl", [
        {"id": article_id, "title": "Dotted", "body": "A walrus story."}])], index=tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix")) as c:
        links = [u for u in Page(c.get("/", params={"q": "walrus"}).text).links()
                 if u.startswith("/articles/")]
        assert len(links) == 1
        path = urlsplit(links[0]).path
        segments = path.split("/")
        assert "." not in segments and ".." not in segments  # nothing a browser resolves
        page = c.get(links[0])
        assert page.status_code == 200 and "Dotted" in page.text


@pytest.mark.parametrize("article_id", ["evil\nname.txt", "a\r\nb", "two\n\nlines", "esc\x1b[31m"])
def test_an_id_with_a_line_break_is_reached_by_its_link_and_the_api(
        tmp_path: Path, article_id: str) -> None:
    """A file named with a newline gives an id holding one; Starlette's ``path``
    convertor (``.*``) stops at a newline, so the page's own link to that article (and
    /api/articles/ID, /api/similar/ID) answered a bare 404."""
    from searcher import build_index

    from .conftest import write_jsonl

    build_index([write_jsonl(tmp_path / "c.jsonl", [
        {"id": article_id, "title": "Broken", "body": "A walrus story."},
        {"id": "other", "title": "Other", "body": "A walrus tale."}])], index=tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix")) as c:
        links = [u for u in Page(c.get("/", params={"q": "walrus"}).text).links()
                 if u.startswith("/articles/") and "other" not in u]
        assert len(links) == 1
        page = c.get(links[0])
        assert page.status_code == 200 and "Broken" in page.text
        api = c.get("/api/articles/" + quote(article_id))
        assert api.status_code == 200 and api.json()["article"]["id"] == article_id
        similar = c.get("/api/similar/" + quote(article_id))
        assert similar.status_code == 200, similar.text
