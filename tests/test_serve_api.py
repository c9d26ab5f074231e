"""The JSON API (searcher/serve/api.py) through Starlette's test client on real indexes:
the same JSON as the CLI's --json, every filter, errors as one JSON line with the right
status, exports streamed whole, and a build committing while the app runs."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from searcher import build_index, open_index
from searcher.cli import main
from searcher.schema import stem_word
from searcher.serve.app import create_app

from .conftest import write_jsonl
from .serve_fixtures import ARTICLES, HOSTILE, small_index

__all__ = ["small_index"]


@pytest.fixture(scope="module")
def client(small_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(small_index)) as c:
        yield c


def cli_json(index: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, [*args[:1], "--index", str(index), "--json", *args[1:]])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def without_time(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "elapsed_ms"}


def test_search_is_the_cli_json(client: TestClient, small_index: Path) -> None:
    r = client.get("/api/search", params=[("q", "oil prices"), ("tag", "energy"),
                                          ("not_tag", "crude"), ("sort", "newest"),
                                          ("limit", "3"), ("page", "2"), ("facets", "1")])
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    expected = cli_json(small_index, "search", "oil prices", "--tag", "energy", "--not-tag",
                        "crude", "--sort", "newest", "--limit", "3", "--page", "2", "--facets")
    assert without_time(r.json()) == without_time(expected)
    assert r.json()["total"] == 12 and [h["rank"] for h in r.json()["hits"]] == [4, 5, 6]


@pytest.mark.parametrize(("params", "total"), [
    ({"q": "oil", "any_tag": "crude"}, 11),
    ({"q": "*", "since": "2020-10-01", "until": "2020-10-31"}, 12),
    ({"q": "", "author": "john doe"}, 1),
    ({"source": "farm news"}, 1),
    ({"q": "harvest", "expand": "1"}, 1),
])
def test_every_filter(client: TestClient, params: dict[str, str], total: int) -> None:
    assert client.get("/api/search", params=params).json()["total"] == total


@pytest.mark.parametrize(("path", "params", "status", "message"), [
    ("/api/search", {"q": "(oil AND"}, 400, "bad query: missing ) to close the group"),
    ("/api/search", {"q": "oil", "page": "two"}, 400, "page must be a whole number"),
    ("/api/search", {"q": "oil", "limit": "5000"}, 400, "limit must be 1..1000"),
    ("/api/search", {"q": "oil", "page": "0"}, 400, "page must be >= 1"),
    ("/api/search", {"q": "oil", "sort": "sideways"}, 400, "unknown sort 'sideways'"),
    ("/api/search", {"q": "oil", "since": "not a date"}, 400, "since"),
    ("/api/search", {"q": "x" * 10_001}, 400, "longer than 10,000"),
    ("/api/articles/nope", {}, 404, "no article with id 'nope'"),
    ("/api/similar/nope", {}, 404, "no article with id 'nope'"),
    ("/api/explain", {"id": "nope", "q": "oil"}, 404, "no article with id 'nope'"),
    ("/api/explain", {"id": "wheat", "q": "title:"}, 200, ""),
    ("/api/export", {"q": "oil", "fields": "id,secret"}, 400, "unknown export field 'secret'"),
    ("/api/export", {"q": "oil", "format": "xml"}, 400, "unknown export format 'xml'"),
    ("/api/export", {"q": "(oil AND"}, 400, "bad query"),
])
def test_errors_are_one_json_line(client: TestClient, path: str, params: dict[str, str],
                                  status: int, message: str) -> None:
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    if status != 200:
        body = r.json()
        assert message in body["error"] and "\n" not in body["error"]
        assert "Traceback" not in r.text and body["status"] == status


def test_a_bad_query_says_where(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "oil AND (grain"}).json()
    assert body["position"] == 9 and body["hint"] == "add a ) where the group ends"
    assert body["error"].endswith("at position 9 (add a ) where the group ends)")


def test_article_similar_explain_stats(client: TestClient, small_index: Path) -> None:
    article = client.get("/api/articles/oil3", params={"q": "prices"}).json()
    assert article == cli_json(small_index, "show", "oil3", "--query", "prices")
    assert article["article"]["title"] == "Oil prices report 3" and article["body_highlights"]
    similar = client.get("/api/similar/oil3", params={"limit": "2"}).json()
    assert similar["query"] == "similar:oil3" and len(similar["hits"]) == 2
    assert "oil3" not in [h["id"] for h in similar["hits"]]
    explained = client.get("/api/explain", params={"id": "oil3", "q": "crude prices"}).json()
    assert explained == cli_json(small_index, "explain", "oil3", "crude prices")
    stats = client.get("/api/stats").json()
    assert stats["documents"] == len(ARTICLES) and stats["top_tags"][0] == {
        "value": "energy", "count": 23}
    # the folder's name, never where the server keeps it
    assert stats["path"] == small_index.name and str(small_index.parent) not in str(stats)
    assert stats == {**cli_json(small_index, "stats"), "path": small_index.name}


def test_an_id_with_any_characters(client: TestClient) -> None:
    r = client.get("/api/articles/" + HOSTILE["id"])
    assert r.status_code == 200 and r.json()["article"]["id"] == HOSTILE["id"]


def test_suggest_values_with_counts(client: TestClient) -> None:
    body = client.get("/api/suggest", params={"prefix": "EN"}).json()
    assert body == {"words": [], "tags": [{"value": "energy", "count": 23}], "authors": [],
                    "sources": []}
    body = client.get("/api/suggest", params={"prefix": "oil PRI"}).json()
    assert body["words"] == [{"value": "prices", "count": 23}] and body["tags"] == []
    body = client.get("/api/suggest", params={"prefix": "gr"}).json()
    assert body["words"] == [{"value": "grain", "count": 1}]
    assert body["tags"] == [{"value": "grain", "count": 1}]
    assert client.get("/api/suggest", params={"prefix": "oil "}).json()["words"] == []
    opensearch = client.get("/api/suggest", params={"prefix": "Crude PRI", "format": "opensearch"})
    assert opensearch.json() == ["Crude PRI", ["Crude prices"]]
    body = client.get("/api/suggest", params={"prefix": "j"}).json()
    assert body["authors"] == [{"value": "Jane Roe", "count": 23},
                               {"value": "John Doe", "count": 1}]


def test_export_streams_every_match(client: TestClient) -> None:
    r = client.get("/api/export", params={"q": "oil", "fields": "id,tags", "sort": "oldest",
                                          "limit": "2"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="searcher-export.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == int(r.headers["x-total-count"]) == 24  # limit does not page it
    assert rows[0] == {"id": "oil0", "tags": "energy"}
    lines = client.get("/api/export", params={"q": "grain OR harvest", "format": "jsonl"}
                       ).text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["wheat"]


def test_responses_carry_the_security_headers(client: TestClient) -> None:
    for path in ("/api/stats", "/api/articles/nope", "/", "/static/search.js"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_a_build_is_seen_by_the_next_request(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_jsonl(corpus / "a.jsonl", ARTICLES[:3])
    build_index([corpus], index=tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix")) as c:
        assert c.get("/api/search", params={"q": "oil"}).json()["total"] == 3
        write_jsonl(corpus / "b.jsonl", ARTICLES[3:5])
        build_index([corpus], index=tmp_path / "ix")
        assert c.get("/api/search", params={"q": "oil"}).json()["total"] == 5
        (corpus / "a.jsonl").unlink()
        build_index([corpus], index=tmp_path / "ix")
        assert c.get("/api/search", params={"q": "oil"}).json()["total"] == 2
        build_index([corpus], index=tmp_path / "ix", rebuild=True)
        assert c.get("/api/stats").json()["documents"] == 2


def test_reuters_api(reuters_index: Path) -> None:
    with TestClient(create_app(reuters_index)) as c:
        r = c.get("/api/search", params={"q": "cocoa buffer stock", "facets": "1"}).json()
        with open_index(reuters_index) as ix:
            expected = ix.search("cocoa buffer stock", facets=True)
        assert r["total"] == expected.total == 3377
        assert [h["id"] for h in r["hits"]] == [h.id for h in expected.hits]
        assert expected.facets is not None
        assert r["facets"]["tags"][:3] == [{"value": f.value, "count": f.count}
                                           for f in expected.facets.tags[:3]]
        export = c.get("/api/export", params={"q": "oil OR prices", "format": "jsonl",
                                              "fields": "id"})
        ids = [json.loads(line)["id"] for line in export.text.splitlines()]
        assert len(ids) == len(set(ids)) == int(export.headers["x-total-count"]) > 1000


def test_reuters_word_suggestions_count_what_a_search_finds(reuters_index: Path) -> None:
    with TestClient(create_app(reuters_index)) as c, open_index(reuters_index) as ix:
        assert [w["value"] for w in c.get("/api/suggest", params={"prefix": "Coc"}).json()[
            "words"]][:3] == ["cocoa", "coca", "coconut"]
        for prefix in ("s", "oil pr", "Ja", "u.s", "the", "zz"):
            words = c.get("/api/suggest", params={"prefix": prefix}).json()["words"]
            typed = prefix.split()[-1].lower()
            assert all(w["value"].startswith(typed) for w in words)
            counts = [w["count"] for w in words]
            assert counts == sorted(counts, reverse=True) and len(words) <= 10
            assert len({stem_word(w["value"]) for w in words}) == len(words)
            for w in words:
                assert w["count"] == ix.search(w["value"], limit=1, collapse=False).total


@pytest.mark.parametrize(("prefix", "word", "completed"), [
    ("oil pr", "pr", "oil price"), ("oil ", "", "oil price"), ("", "", "price"),
    ("Ärzte ohne GRE", "gre", "Ärzte ohne price"), ("u.s.", "u.s", "price"),
    ("tag:", "", "tag:price"), ('"bank of ja', "ja", '"bank of price'),
    ("x" * 65, "", "price")])
def test_the_word_being_typed(prefix: str, word: str, completed: str) -> None:
    from searcher.word_values import completed as completed_with
    from searcher.word_values import typed_word

    assert typed_word(prefix) == word
    assert completed_with(prefix, "price") == completed


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.1", True), ("localhost", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
    ("example.com", False)])
def test_only_loopback_is_quiet(host: str, loopback: bool) -> None:
    from searcher.serve.server import is_loopback

    assert is_loopback(host) is loopback


def test_an_index_gone_under_the_server_is_named_not_located(tmp_path: Path) -> None:
    """A 503 said `no index at /the/server's/own/path: ...`: a web client learnt where
    the server keeps its files (as /api/stats's `path` told it). The folder's name only."""
    import shutil

    write_jsonl(tmp_path / "corpus" / "a.jsonl", ARTICLES[:3])
    build_index([tmp_path / "corpus"], index=tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix")) as c:
        shutil.rmtree(tmp_path / "ix")
        for path in ("/api/search?q=oil", "/api/stats", "/?q=oil"):
            r = c.get(path)
            assert r.status_code == 503, (path, r.text)
            assert "no index at ix" in r.text and str(tmp_path) not in r.text, r.text
