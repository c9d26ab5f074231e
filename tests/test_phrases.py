"""Stop words inside phrases keep their place (issue 22): the index keeps the gaps of
removed words, a stop word of a phrase query stands for one word there, and the engine,
highlights, why-matched, passages and explain follow the same positions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from searcher import build_index, open_index, schema
from searcher.errors import IndexIncompatibleError
from searcher.highlight import highlight_spans
from searcher.models import QueryTerm
from searcher.query import parse_query
from searcher.schema import text_analyzer
from searcher.storage import IndexDir

from .conftest import write_jsonl

ANALYZER = text_analyzer()

ARTICLES = {
    "of": "The Bank of Japan raised rates",
    "in": "A bank in Japan failed",
    "bare": "Investors sold bank Japan shares",  # "bank japan" side by side
    "two": "The bank of the Japan coast",  # two words between
    "under": "OPEC says February output under ceiling",
    "next": "Output ceiling was raised",
    "possessive": "Japan's economy grew",
    "plain": "Japan economy grew",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("phrases")
    write_jsonl(root / "c" / "a.jsonl", [
        {"id": k, "title": f"Story {k}", "body": v} for k, v in ARTICLES.items()])
    build_index([root / "c"], index=root / "index")
    return root / "index"


def ids(index: Path, query: str) -> set[str]:
    with open_index(index) as ix:
        return {h.id for h in ix.search(query, limit=100).hits}


@pytest.mark.parametrize(("query", "expected"), [
    ('"bank of japan"', {"of", "in"}),  # a stop word: any one word in its place
    ('"bank japan"', {"bare"}),
    ('"bank of the japan"', {"two"}),
    ('"output ceiling"', {"next"}),
    ('"output under ceiling"', {"under"}),
    ('"output in ceiling"', {"under"}),
    ('"japan economy"', {"possessive", "plain"}),  # "'s" takes no place of its own
    ('"japan\'s economy"', {"possessive", "plain"}),
    ('"the bank of japan"', {"of", "in", "two"} - {"two"}),  # leading stop word: no gap
    ('"bank japan"~1', {"of", "in", "bare"}),  # slop counts the gaps as words
    ('"bank japan"~2', {"of", "in", "bare", "two"}),
    ('"bank of japan"~1', {"of", "in", "bare", "two"}),  # the phrase's own gap widens it
    ('"bank of japan"~0', {"of", "in"}),
])
def test_stop_words_in_phrases_keep_their_place(index: Path, query: str,
                                                expected: set[str]) -> None:
    assert ids(index, query) == expected


def test_highlights_why_matched_and_explain_follow_the_gaps(index: Path) -> None:
    with open_index(index) as ix:
        res = ix.search('"bank of japan"')
        for hit in res.hits:
            (snippet,) = hit.snippets
            marked = [snippet.text[s:e] for s, e in snippet.highlights]
            assert marked in (["Bank of Japan"], ["bank in Japan"])
            assert hit.matched == ('body: "bank of japan"',)
        view = ix.show("two", '"bank of japan" OR "bank of the japan"')
        assert [view.article.body[s:e] for s, e in view.body_highlights] == [
            "bank of the Japan"]
        explained = ix.explain("of", '"bank of japan" rates')
        assert [c.clause for c in explained.children] == [
            '"bank ? japan" in title+body', "rate in title+body"]
        assert explained.children[0].matched
        assert ix.explain("bare", '"bank of japan"').score == 0.0
        # "output ceiling" is not highlighted across "under"
        under = ix.show("under", 'output ceiling "output ceiling"')
        assert [under.article.body[s:e] for s, e in under.body_highlights] == [
            "output", "ceiling"]


def test_an_index_of_the_previous_schema_asks_for_a_rebuild(index: Path,
                                                             tmp_path: Path) -> None:
    """Positions and folded words changed with SCHEMA_VERSION 4: an older index (whose
    pickled analyzer has no version) is refused with the rebuild message."""
    stale = tmp_path / "stale"
    shutil.copytree(index, stale)
    old = schema.text_analyzer()
    del old.version  # what an index of schema version 3 unpickles to
    fi = whoosh_index.open_dir(str(stale))
    with fi.writer() as w:
        w.schema[schema.TITLE].analyzer = old
        w.add_document(id="x", title="x", body="x")
    with pytest.raises(IndexIncompatibleError, match=r"another version of searcher.*--rebuild"):
        IndexDir(stale).open()
    corpus = write_jsonl(tmp_path / "c" / "a.jsonl", [{"id": "y", "title": "y", "body": "y"}])
    build_index([corpus], index=stale, rebuild=True)  # the rebuild it asks for works
    assert IndexDir(stale).open().doc_count() == 1


VOCAB = ["oil", "prices", "price", "rise", "rises", "japan", "bank", "of", "the", "in",
         "a", "to", "s", "5", "Japan's", "oil's", "OIL"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=40),
       st.lists(st.sampled_from(VOCAB), min_size=2, max_size=5),
       st.sampled_from([" ", ", ", " - ", "  "]))
def test_a_highlighted_phrase_holds_its_words_with_exactly_the_query_gaps(
        text_words: list[str], query_words: list[str], sep: str) -> None:
    text = sep.join(text_words)
    words, offsets = ANALYZER.phrase(" ".join(query_words))
    if len(words) < 2:
        return
    leaf = QueryTerm("body", "phrase", "q", words, offsets=offsets)
    spans = highlight_spans(text, [leaf], field="body")
    # what the index would say: every occurrence, by position
    tokens = [(t.text, t.pos) for t in ANALYZER(text, positions=True)]
    at = {(w, p) for w, p in tokens}
    starts = [p for w, p in tokens if w == words[0]
              and all((x, p + o) in at for x, o in zip(words, offsets, strict=True))]
    for span in spans:
        inside = [(t.text, t.pos) for t in ANALYZER(text[span.start:span.end], positions=True)]
        # the span starts at the phrase's first word and ends at its last, at the query's
        # distance; each query word is at its offset, anything may fill the gaps
        assert inside[0][0] == words[0] and inside[-1][0] == words[-1]
        first = inside[0][1]
        found = {(w, p - first) for w, p in inside}
        assert all((w, o) in found for w, o in zip(words, offsets, strict=True))
        assert inside[-1][1] - first >= offsets[-1]
    assert bool(spans) == bool(starts)


NEAR_VOCAB = ["oil", "prices", "price", "rise", "japan", "bank", "crude", "of", "the", "in"]


@pytest.fixture(scope="module")
def near_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 articles of words drawn from a small vocabulary (stop words among them, so
    positions have gaps), each word often several times."""
    import random

    rng = random.Random(17)
    root = tmp_path_factory.mktemp("near")
    write_jsonl(root / "c" / "a.jsonl", [
        {"id": f"n{k}", "title": " ".join(rng.choices(NEAR_VOCAB, k=rng.randint(1, 6))),
         "body": " ".join(rng.choices(NEAR_VOCAB, k=rng.randint(2, 30)))}
        for k in range(80)])
    build_index([root / "c"], index=root / "index")
    return root / "index"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(NEAR_VOCAB), min_size=2, max_size=3),
       st.integers(min_value=0, max_value=6))
def test_an_article_matches_a_proximity_query_exactly_when_it_is_highlighted_for_it(
        near_index: Path, query_words: list[str], slop: int) -> None:
    """One definition of "within N words" (textmatch.spans_within): the engine's check
    on the index's positions and the highlights of the stored text agree, both ways."""
    query = '"' + " ".join(query_words) + f'"~{slop}'
    with open_index(near_index) as ix:
        hits = ix.search(query, limit=100, collapse=False).hits
        highlighted = set()
        for k in range(80):
            view = ix.show(f"n{k}", query)
            if view.title_highlights or view.body_highlights:
                highlighted.add(f"n{k}")
    assert {h.id for h in hits} == highlighted
    assert all(h.matched for h in hits)


def test_phrase_highlights_never_cross_a_missing_word() -> None:
    words, offsets = ANALYZER.phrase("rise in the price")
    leaf = QueryTerm("body", "phrase", "q", words, offsets=offsets)
    text = "A rise in prices; a rise in the price; rises in the prices; rise in oil price."
    marked = [text[s:e] for s, e in highlight_spans(text, [leaf], field="body")]
    assert marked == ["rise in the price", "rises in the prices", "rise in oil price"]


# --------------------------------------------------------------------------- Reuters


def test_reuters_output_ceiling(reuters_index: Path) -> None:
    assert "2121" not in ids(reuters_index, '"output ceiling"')
    assert "2121" in ids(reuters_index, '"output under ceiling"')


def test_reuters_rise_in_the_price_highlights_only_that_wording(reuters_index: Path) -> None:
    """"in" and "the" each stand for one word: rise, any two words, price (stemmed)."""
    with open_index(reuters_index) as ix:
        res = ix.search('"rise in the price"', limit=50)
        assert res.total > 0
        texts = []
        for hit in res.hits:
            marked = [s.text[a:b] for s in hit.snippets for a, b in s.highlights]
            assert marked, hit.id
            for m in marked:
                placed = [(t.text, t.pos) for t in ANALYZER(m, positions=True)]
                assert placed[0][0] == "rise" and placed[-1][0] == "price", (hit.id, m)
                assert placed[-1][1] - placed[0][1] == 3, (hit.id, m)
                assert not re.fullmatch(r"(?i)rise in prices", m)
                texts.append(m.lower())
        assert "rise in the price" in texts


def test_reuters_bank_of_japan(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        res = ix.search('"bank of japan"', limit=20)
        bare = ix.search('"bank japan"', limit=5)
        assert res.total > 100 and res.total != bare.total
        for hit in res.hits:
            marked = {s.text[a:b].lower() for s in hit.snippets for a, b in s.highlights}
            assert "bank of japan" in marked or any(re.fullmatch(r"banks? \w+ japan", m)
                                                    for m in marked), (hit.id, marked)
        assert parse_query('"bank of japan"', ix._engine().searcher.reader()).query != \
            parse_query('"bank japan"', ix._engine().searcher.reader()).query
