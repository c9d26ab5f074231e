"""One Unicode normalisation (searcher/folding.py) for the index, the query and the
highlight: an article written one way is found by a query written another way, and
the hit's highlight marks the original text exactly."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher import build_index, open_index
from searcher.cli import main
from searcher.folding import fold, fold_char, fold_with_offsets, spots_like_ascii
from searcher.highlight import highlight_spans
from searcher.query import parse_query
from searcher.schema import normalize_keyword, text_analyzer

from .conftest import write_jsonl

# (what the article says, what the user types, what must be highlighted)
CASES = [
    ("nfd", "The re\u0301sume\u0301 was filed", "résumé", "re\u0301sume\u0301"),
    ("nfd-query", "A café opened", "cafe\u0301", "café"),
    ("turkish-dotted-i", "Flights to İSTANBUL restarted", "istanbul", "İSTANBUL"),
    ("turkish-query", "Flights to Izmir restarted", "İzmir", "Izmir"),
    ("sharp-s", "The Hauptstraße was closed", "hauptstrasse", "Hauptstraße"),
    ("sharp-s-query", "The GROSSMARKT was closed", "Großmarkt", "GROSSMARKT"),
    ("ligature", "The \ufb01nance ministry said", "finance", "\ufb01nance"),
    ("ligature-query", "The flotilla sailed", "\ufb02otilla", "flotilla"),
    ("soft-hyphen", "Output of pet\u00adroleum fell", "petroleum", "pet\u00adroleum"),
    ("zero-width-space", "Talks on disarma\u200bment", "disarmament", "disarma\u200bment"),
    ("zero-width-joiner", "The gover\u200dnor spoke", "governor", "gover\u200dnor"),
    ("word-joiner", "The mini\u2060ster spoke", "minister", "mini\u2060ster"),
    ("subscript", "Emissions of CO\u2082 rose", "co2", "CO\u2082"),
    ("superscript", "An area of 40 km\u00b2 flooded", "km2", "km\u00b2"),
    ("fullwidth", "Shares of \uff34\uff2f\uff39\uff2f\uff34\uff21 rose", "toyota",
     "\uff34\uff2f\uff39\uff2f\uff34\uff21"),
]


@pytest.fixture(scope="module")
def folded_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("folding")
    # JSON with \u escapes, as APIs send soft hyphens and zero-width characters
    write_jsonl(root / "corpus" / "a.jsonl", [
        {"id": name, "title": f"Report {name}", "body": body} for name, body, _q, _m in CASES
    ] + [{"id": "tag", "title": "Tagged", "body": "x", "tags": ["Stra\u00dfe \ufb01nance"]}])
    build_index([root / "corpus"], index=root / "index")
    return root / "index"


@pytest.mark.parametrize(("name", "body", "query", "marked"), CASES, ids=[c[0] for c in CASES])
def test_each_written_form_is_found_and_highlighted(folded_index: Path, name: str, body: str,
                                                    query: str, marked: str) -> None:
    with open_index(folded_index) as ix:
        assert ix.get(name).body == body  # the article is stored as written
        res = ix.search(query)
        assert [h.id for h in res.hits] == [name]
        (snippet,) = res.hits[0].snippets
        assert [snippet.text[s:e] for s, e in snippet.highlights] == [marked]
        # the full article's highlight indexes the stored text exactly
        view = ix.show(name, query)
        assert [body[s:e] for s, e in view.body_highlights] == [marked]


def test_phrases_and_keywords_fold_the_same_way(folded_index: Path) -> None:
    with open_index(folded_index) as ix:
        assert [h.id for h in ix.search('"cafe\u0301 opened"').hits] == ["nfd-query"]
        assert [h.id for h in ix.search('tag:"STRASSE finance"').hits] == ["tag"]
        assert [h.id for h in ix.search("pet\u00adrol*").hits] == ["soft-hyphen"]
    assert normalize_keyword("Stra\u00dfe \ufb01nance") == normalize_keyword("strasse FINANCE")


def test_cli_json_highlights_index_the_original_text(folded_index: Path) -> None:
    result = CliRunner().invoke(main, ["search", "resume", "--index", str(folded_index),
                                       "--json"])
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.output)["hits"]
    snippet = hit["snippets"][0]
    assert [snippet["text"][s:e] for s, e in snippet["highlights"]] == ["re\u0301sume\u0301"]


def test_the_query_folds_as_the_index_does(folded_index: Path) -> None:
    with open_index(folded_index) as ix:
        reader = ix._engine().searcher.reader()
        for form in ("RÉSUMÉ", "re\u0301sume\u0301", "résumé"):
            assert str(parse_query(form, reader).query) == str(parse_query("resume", reader).query)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_folding_is_idempotent_and_offsets_map_back(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    assert fold(text) == (folded if not text.isascii() else text.lower())
    assert fold(fold(text)) == fold(text)
    # every word's offsets land on the original text, which folds to that word
    for term, s, e in text_analyzer(stem=False).terms(text):
        assert 0 <= s < e <= len(text)
        assert term in fold(text[s:e]) or term in fold(text[max(0, s - 1):e + 1])
    if offsets is None and not text.isascii():
        assert len(folded) == len(text)


@pytest.mark.parametrize("c", ["\u00e9", "\u0130", "\u00df", "\ufb01", "\u2082", "\u00b2",
                               "\uff21", "\u1e9e", "\u01c4"])
def test_one_character_folds_like_its_nfkc_casefold_without_marks(c: str) -> None:
    expected = "".join(ch for ch in unicodedata.normalize("NFKD", c.casefold())
                       if not unicodedata.combining(ch))
    assert fold_char(c) == unicodedata.normalize("NFKC", expected)


def test_invisible_characters_are_removed_and_marks_too() -> None:
    assert fold("a\u00adb\u200bc\u200cd\u200de\u2060f\ufeffg") == "abcdefg"
    assert fold("n\u0303o\u0308") == "no"
    assert fold("\u2018quoted\u2019 \u2013 text") == "\u2018quoted\u2019 \u2013 text"


def test_texts_whose_characters_join_words_are_not_spotted_as_ascii() -> None:
    assert spots_like_ascii("a \u201cquote\u201d \u2014 and\u00a0more")
    assert not spots_like_ascii("pet\u00adroleum")
    assert not spots_like_ascii("\ufb01nance")
    assert not spots_like_ascii("caf\u00e9")
    spans = highlight_spans("Output of pet\u00adroleum", [*parse_terms("petroleum")])
    assert spans and spans[0].end - spans[0].start == len("pet\u00adroleum")


def parse_terms(word: str) -> tuple[object, ...]:
    from searcher.models import QueryTerm
    return (QueryTerm("title", "term", word, tuple(t for t, _s, _e in
                                                   text_analyzer().terms(word))),)


_LENGTH_CHANGERS = "\u00df\ufb01\ufb03\u0130\u00bd\u0301\u00ad\u200b\u01c4\u1e9e"


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab .'" + _LENGTH_CHANGERS) | st.characters(
    exclude_categories=("Cs",)), max_size=60), st.data())
def test_bounds_map_every_offset_as_start_and_end_do(text: str, data: st.DataObject) -> None:
    """OffsetMap.bounds maps a whole text's word offsets at once (numpy): the same as
    mapping each with start (even places) and end (odd places), and the map itself the
    same as walking the text a character at a time."""
    folded, offsets = fold_with_offsets(text)
    if offsets is None:
        return
    walked: list[tuple[int, int, int]] = []
    shift = 0
    for src, c in enumerate(text):
        n = len(fold_char(c)) if not c.isascii() else 1
        if n != 1:
            walked.append((src + shift, src + shift + n, src))
            shift += n - 1
    assert list(zip(offsets._starts, offsets._ends, offsets._sources,
                    strict=True)) == walked
    at = data.draw(st.lists(st.integers(0, len(folded)), max_size=30))
    assert offsets.bounds(at) == [offsets.end(o) if i & 1 else offsets.start(o)
                                  for i, o in enumerate(at)]


def test_a_megabyte_of_length_changing_letters_maps_back_in_one_pass(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The offsets of a long non-Latin text full of ``ß``/``ﬁ`` were mapped back one by
    one (a bisect per word boundary, a Python loop per such character): 0.5-1 s per
    hit's highlights. Now on arrays: no offset goes through ``start``/``end``."""
    from searcher.folding import OffsetMap
    from searcher.textmatch import analyze

    one_by_one: list[int] = []
    for name in ("start", "end"):
        real = getattr(OffsetMap, name)
        monkeypatch.setattr(OffsetMap, name, lambda self, j, real=real: (
            one_by_one.append(j), real(self, j))[1])
    text = ("Stra\u00dfe \ufb01sh \u0434\u043e\u043c " * 60_000)[:1_000_000]
    tok = analyze(text)
    assert len(tok.terms) > 170_000 and not one_by_one  # 360,000 offsets before
    last = 2 * len(tok.terms) - 2
    assert [tok.text[tok.bounds[k]:tok.bounds[k + 1]] for k in (0, 2, 4)] == [
        "Stra\u00dfe", "\ufb01sh", "\u0434\u043e\u043c"]
    assert tok.text[tok.bounds[last]:tok.bounds[last + 1]] == {
        "strass": "Stra\u00dfe", "fish": "\ufb01sh", "\u0434\u043e\u043c": "\u0434\u043e\u043c"
    }[tok.terms[-1]]


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(max_codepoint=127) | st.sampled_from(["\u00e9", "\u2013"])))
def test_normalize_keyword_is_the_keyword_analyzers_reading(value: str) -> None:
    """normalize_keyword's ASCII shortcut (lowercase, spaces collapsed, in C) gives
    what the keyword analyzer indexes: the first token's folded text."""
    from searcher.schema import keyword_analyzer

    tokens = [t.text for t in keyword_analyzer()(value)]
    assert normalize_keyword(value) == (tokens[0] if tokens else "")


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("a \u00df\ufb03\ufdfa\u0301\u200b\u0434") | st.characters(),
               max_size=80), st.integers(0, 200))
def test_folded_prefix_is_the_longest_head_folding_within_the_limit(text: str,
                                                                    limit: int) -> None:
    from searcher.folding import _TABLE, folded_prefix

    n = folded_prefix(text, limit)
    assert len(text[:n].translate(_TABLE)) <= limit
    assert n == len(text) or len(text[:n + 1].translate(_TABLE)) > limit


def test_no_character_folds_to_more_than_the_growth_folded_prefix_assumes() -> None:
    from searcher.folding import _MAX_GROWTH

    assert max(len(fold_char(chr(c))) for c in range(0x110000)
               if not 0xD800 <= c <= 0xDFFF) == _MAX_GROWTH == len(fold_char("\ufdfa"))


def test_a_text_folding_to_eighteen_times_its_length_is_analysed_to_the_bound() -> None:
    """U+FDFA folds to 18 characters: 600,000 characters of them folded to 5.7 million
    and a search highlighting such an article peaked at 940 MB. What is analysed now
    folds to at most MAX_ANALYZED_CHARS characters."""
    from searcher.textmatch import MAX_ANALYZED_CHARS, analyze, head_of

    text = "oil \ufdfa " * 150_000
    head = head_of(text)
    assert len(fold(head)) <= MAX_ANALYZED_CHARS < len(fold(text))
    assert len(fold(head)) > MAX_ANALYZED_CHARS - 400  # cut at a space near the bound
    assert analyze(text).terms[0] == "oil"
