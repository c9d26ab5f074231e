"""Snippets and highlights: what gets marked, which passages are shown, how they render."""

from __future__ import annotations

import gzip
import itertools
import json
import re
import time
import uuid
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Term
from whoosh.query.spans import SpanNear2

from searcher.highlight import highlight_spans, matched_terms
from searcher.models import QueryTerm, Snippet
from searcher.passages import make_snippets, to_html, to_plain
from searcher.sanitize import blank_controls, clean_text
from searcher.schema import text_analyzer

from .conftest import REUTERS, needs_shared
from .whoosh_oracle import GapPhrase

ANALYZER = text_analyzer()


def term(word: str, field: str = "body") -> QueryTerm:
    """A term leaf the way the query layer builds it: the analyzed form of ``word``."""
    return QueryTerm(field, "term", word, tuple(t for t, _, _ in ANALYZER.terms(word)))


def phrase(words: str, slop: int = 1, field: str = "body") -> QueryTerm:
    """A phrase leaf as query/bind.py builds it: a stop word leaves a gap (offsets)."""
    terms, offsets = ANALYZER.phrase(words)
    gapped = slop == 1 and offsets[-1] != len(terms) - 1
    return QueryTerm(field, "phrase", f'"{words}"', terms, slop,
                     offsets=offsets if gapped else ())


def near(words: str, slop: int, field: str = "body") -> QueryTerm:
    """A proximity leaf (``"a b"~3``), which query/bind.py builds as SpanNear2(ordered=False)."""
    return QueryTerm(field, "phrase", f'"{words}"~{slop - 1}',
                     tuple(t for t, _, _ in ANALYZER.terms(words)), slop, ordered=False)


def marked(text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[s:e] for s, e in spans]


def plain(snippets: tuple[Snippet, ...]) -> list[str]:
    return [to_plain(s) for s in snippets]


# --- what is highlighted ----------------------------------------------------

def test_stems_highlight_every_form_of_a_word() -> None:
    text = "Missiles were fired. One missile missed; missiles' range is short, missive aside."
    assert marked(text, highlight_spans(text, [term("missile")], field="body")) == [
        "Missiles", "missile", "missiles"]


def test_phrase_is_strict_by_default_and_loose_on_request() -> None:
    text = "A missile strike hit the port. A strike followed, then a missile."
    strict = make_snippets(text, [phrase("missile strike")], size=200)
    loose = make_snippets(text, [phrase("missile strike")], size=200, strict_phrase=False)
    assert plain(strict) == ["A [missile strike] hit the port. A strike followed, then a missile."]
    assert plain(loose) == [
        "A [missile] [strike] hit the port. A [strike] followed, then a [missile]."]


def test_phrase_spans_stop_words_and_is_ordered() -> None:
    text = "The strike of the missile, not the missile of the strike."
    spans = highlight_spans(text, [phrase("strike of the missile")], field="body")
    assert marked(text, spans) == ["strike of the missile"]


@pytest.mark.parametrize(("slop", "expected"), [
    (1, []),
    (2, []),
    (3, ["missile launch site strike"]),
    (5, ["missile launch site strike"]),
])
def test_phrase_slop_is_the_largest_allowed_gap(slop: int, expected: list[str]) -> None:
    text = "A missile launch site strike."
    assert marked(text, highlight_spans(text, [phrase("missile strike", slop)],
                                        field="body")) == expected


def test_proximity_matches_in_any_order() -> None:
    text = "The strike hit a missile depot; missile tests went on."
    # "a" is not indexed but keeps its place: missile is 3 words after strike
    assert marked(text, highlight_spans(text, [near("missile strike", 2)], field="body")) == []
    assert marked(text, highlight_spans(text, [near("missile strike", 3)], field="body")) == [
        "strike hit a missile"]
    assert marked(text, highlight_spans(text, [phrase("missile strike", 3)], field="body")) == []
    assert matched_terms(text, [near("missile strike", 3)], field="body") == (
        near("missile strike", 3),)


def test_costly_proximity_falls_back_to_marking_its_words() -> None:
    text = "said " * 3000 + "nothing else"
    started = time.perf_counter()
    spans = highlight_spans(text, [near("said said said", 1001)], field="body")
    assert time.perf_counter() - started < 5
    assert len(spans) == 3000
    assert {text[s:e] for s, e in spans} == {"said"}


def test_overlapping_phrase_occurrences_merge_into_one_span() -> None:
    text = "new new york city, and york alone"
    spans = highlight_spans(text, [phrase("new york", slop=2)], field="body")
    assert marked(text, spans) == ["new new york"]
    text = "new york york city, then york, old, new"
    spans = highlight_spans(text, [phrase("new york", slop=2)], field="body")
    assert marked(text, spans) == ["new york york"]
    spans = highlight_spans(text, [near("york new", 2)], field="body")
    assert marked(text, spans) == ["new york york", "york, old, new"]


def test_prefix_wildcard_and_fuzzy_expansions_are_highlighted() -> None:
    text = "Banks and bankers said banking is fine; bankruptcy is not. Pompei, not Pompeo."
    prefix = QueryTerm("body", "prefix", "banke*", ("banker",))
    wildcard = QueryTerm("body", "wildcard", "ban?", ("bank",))
    fuzzy = QueryTerm("body", "fuzzy", "pompeo~", ("pompei", "pompeo"))
    assert marked(text, highlight_spans(text, [prefix, wildcard], field="body")) == [
        "Banks", "bankers", "banking"]
    assert marked(text, highlight_spans(text, [fuzzy], field="body")) == ["Pompei", "Pompeo"]


def test_only_leaves_of_the_requested_field_count() -> None:
    text = "Oil prices rose."
    leaves = [term("oil", field="title"), term("prices", field="body"),
              QueryTerm("tags", "keyword", "tags:oil", ("oil",))]
    assert marked(text, highlight_spans(text, leaves, field="title")) == ["Oil"]
    assert plain(make_snippets(text, leaves)) == ["Oil [prices] rose."]
    assert matched_terms(text, leaves, field="tags") == (leaves[2],)


def test_accents_fold_both_ways() -> None:
    text = "Send a résumé, or a resume, to Zürich."
    assert marked(text, highlight_spans(text, [term("resume")], field="body")) == [
        "résumé", "resume"]
    assert marked(text, highlight_spans(text, [term("résumé")], field="body")) == [
        "résumé", "resume"]
    assert marked(text, highlight_spans(text, [term("zurich")], field="body")) == ["Zürich"]


def test_title_spans_index_the_text_as_given() -> None:
    title = "\x1b[1mMissile\x1b[0m strike on \x07Ganja"
    spans = highlight_spans(title, [phrase("missile strike", field="title"),
                                    term("ganja", field="title")])
    assert marked(title, spans) == ["Missile\x1b[0m strike", "Ganja"]
    # What a renderer shows: same length, so the spans style the right characters.
    assert marked(blank_controls(title), spans) == ["Missile     strike", "Ganja"]


def test_matched_terms_reports_leaves_found_in_query_order() -> None:
    text = "The strike came after a missile test."
    leaves = [term("test"), phrase("missile strike"), term("missile"), term("test"),
              term("absent"), phrase("missile test")]
    assert [qt.label for qt in matched_terms(text, leaves, field="body")] == [
        "test", "missile", '"missile test"']
    assert matched_terms("", leaves, field="body") == ()


# --- which passages ---------------------------------------------------------

def test_no_match_gives_the_start_of_the_text_cut_at_a_word_edge() -> None:
    text = "Standard Oil Co and BP North America\nInc said they plan to form a venture."
    expected = (Snippet("Standard Oil Co and BP North America Inc said"),)
    assert make_snippets(text, [], size=48) == expected
    assert make_snippets(text, [QueryTerm("tags", "keyword", "tags:oil", ("oil",))],
                         size=48) == expected
    assert make_snippets(text, [term("absent")], size=48) == expected


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x1b[2J\x00"])
def test_empty_text_gives_no_snippets(text: str) -> None:
    assert make_snippets(text, [term("oil")]) == ()
    assert highlight_spans(text, [term("oil")], field="body") == ()


def test_passage_starts_at_the_sentence_start_when_the_match_fits() -> None:
    text = ("Markets were calm on Monday and traders went home early. "
            "Analysts said crude oil would stay near 18 dlrs. Nobody expected change.")
    assert plain(make_snippets(text, [term("crude")], size=70)) == [
        "Analysts said [crude] oil would stay near 18 dlrs. Nobody expected"]


def test_abbreviations_are_not_sentence_starts() -> None:
    text = ("Officials of the U.S. Treasury met on Monday to discuss the matter. "
            "They said that the dollar was too weak.")
    assert plain(make_snippets(text, [term("dollar")], size=60)) == [
        "They said that the [dollar] was too weak."]
    assert plain(make_snippets(text, [term("treasury")], size=60)) == [
        "Officials of the U.S. [Treasury] met on Monday to discuss the"]


def test_long_sentence_starts_a_little_before_the_match_at_a_word_edge() -> None:
    words = " ".join(f"word{i}" for i in range(60))
    text = f"{words} missile {words}."
    [snippet] = make_snippets(text, [term("missile")], size=100)
    # size // 5 characters of lead-in, then the rest of the window after the match.
    assert snippet.text == ("word57 word58 word59 missile word0 word1 word2 word3 word4 word5 "
                            "word6 word7 word8 word9 word10")
    assert marked(snippet.text, snippet.highlights) == ["missile"]


def test_snippet_text_is_a_collapsed_slice_and_spans_follow() -> None:
    text = "Oil\n    prices\t\trose   sharply.\n\nOil fell."
    [snippet] = make_snippets(text, [term("oil"), term("sharply")], size=200)
    assert snippet == Snippet("Oil prices rose sharply. Oil fell.", ((0, 3), (16, 23), (25, 28)))


def test_cut_never_splits_a_word_nor_a_highlight() -> None:
    text = "The central bank raised interest rates; the oil-exporting countries objected."
    assert plain(make_snippets(text, [term("bank")], size=25)) == ["The central [bank] raised"]
    assert plain(make_snippets(text, [term("exporting")], size=30)) == [
        "the oil-[exporting] countries"]


def test_one_huge_word_is_cut_at_a_letter_edge() -> None:
    text = "x" * 50 + "=" + "y" * 200
    assert make_snippets(text, [], size=100) == (Snippet("x" * 50 + "="),)
    assert make_snippets("z" * 500, [], size=100) == (Snippet("z" * 100),)


def test_best_passages_first_cover_distinct_terms_then_come_in_document_order() -> None:
    filler = " ".join(["Nothing happened here."] * 12)
    text = (f"Oil rose. {filler} Oil and gold rose together. {filler} "
            f"Gold fell. {filler} Oil fell.")
    leaves = [term("oil"), term("gold")]
    assert plain(make_snippets(text, leaves, max_snippets=1, size=60)) == [
        "[Oil] and [gold] rose together. Nothing happened here. Nothing"]
    assert plain(make_snippets(text, leaves, max_snippets=3, size=60)) == [
        "[Oil] rose. Nothing happened here. Nothing happened here.",
        "[Oil] and [gold] rose together. Nothing happened here. Nothing",
        "[Gold] fell. Nothing happened here. Nothing happened here.",
    ]


def test_control_characters_and_escapes_never_reach_a_snippet() -> None:
    text = "Alert\x1b[2J: the \x1b]8;;http://evil.example\x07missile\x1b]8;;\x07 flew\x00 far\x7f."
    [snippet] = make_snippets(text, [term("missile")])
    assert snippet.text == "Alert: the missile flew far."
    assert marked(snippet.text, snippet.highlights) == ["missile"]


def test_very_long_text_is_fast_and_passages_stay_small() -> None:
    paragraph = ("The ministry said crude output was steady and exports were unchanged "
                 "from last month, traders said.\n    ")
    text = paragraph * 8000 + "A missile strike hit the refinery. " + paragraph * 100
    started = time.perf_counter()
    snippets = make_snippets(text, [phrase("missile strike"), term("refinery")])
    assert time.perf_counter() - started < 5
    assert plain(snippets) == ["A [missile strike] hit the [refinery]. The ministry said crude "
                               "output was steady and exports were unchanged from last month, "
                               "traders said. The ministry said crude output was steady and "
                               "exports were"]


# --- rendering and cleaning -------------------------------------------------

def test_html_escapes_every_piece() -> None:
    snippet = Snippet('<script>alert("x")</script> & AT&T', ((8, 13), (30, 34)))
    assert to_html(snippet) == ("&lt;script&gt;<mark>alert</mark>(&quot;x&quot;)&lt;/script&gt;"
                                " &amp; <mark>AT&amp;T</mark>")
    assert to_html(Snippet("a b", ((2, 3),)), tag="b") == "a <b>b</b>"


def test_plain_markers_and_bad_spans_are_clipped() -> None:
    assert to_plain(Snippet("oil and gold", ((8, 12), (0, 3)))) == "[oil] and [gold]"
    # Spans from elsewhere are sorted and clipped to the text and to the previous span.
    snippet = Snippet("oil and gold", ((8, 12), (0, 3), (2, 5), (10, 99)))
    assert to_plain(snippet) == "[oil][ a]nd [gold]"
    assert to_plain(snippet, start="**", end="**") == "**oil**** a**nd **gold**"
    assert to_plain(Snippet("a\x1b[31mred\x1b[0m", ((1, 13),))) == "a[red]"
    # Each piece is cleaned on its own: a sequence cut by a span loses its escape byte.
    assert to_plain(Snippet("a\x1b[31mred\x1b[0m", ((1, 12),))) == "a[red0]m"


@pytest.mark.parametrize(("call", "message"), [
    (lambda: make_snippets("oil", [], size=0), "size must be positive"),
    (lambda: to_html(Snippet("x"), tag='mark onclick="x"'), "not an HTML element name"),
    (lambda: to_html(Snippet("x"), tag=""), "not an HTML element name"),
])
def test_invalid_arguments(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(("raw", "clean"), [
    ("plain text\n\twith tabs", "plain text\n\twith tabs"),
    ("\x1b[2J\x1b[1;31mred\x1b[0m", "red"),
    ("\x1b]8;;http://x.example\x07link\x1b]8;;\x1b\\", "link"),
    ("\x1b]0;window title\x07body", "body"),
    ("bell\x07 null\x00 del\x7f c1\x85next\x9b2Jx", "bell null del c1\nnextx"),
    ("line\r\nnext\rlast\x0cpage", "line\nnext\nlast\npage"),
    ("\x1b]unterminated osc", "unterminated osc"),
    ("[red]rich markup[/red] stays", "[red]rich markup[/red] stays"),
    ("accents stay: résumé ☃ 東京", "accents stay: résumé ☃ 東京"),
])
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    blanked = blank_controls(raw)
    assert len(blanked) == len(raw)
    assert clean_text(blanked) == blanked


@pytest.mark.parametrize(("raw", "blanked"), [
    ("plain\ttext\n", "plain\ttext\n"),
    ("\x1b[1;31mred\x1b[0m", "       red    "),
    ("a\x1b]8;;http://x.example\x07link", "a" + " " * 22 + "link"),
    ("nul\x00del\x7fcr\r\n", "nul del cr \n"),
])
def test_blank_controls_keeps_the_length(raw: str, blanked: str) -> None:
    assert blank_controls(raw) == blanked


# --- properties -------------------------------------------------------------

VOCABULARY = ["missile", "missiles", "strike", "strikes", "struck", "the", "of", "a", "Iran",
              "oil", "prices", "price", "résumé", "resume", "U.S.", "bank", "banking", "Zürich",
              "new", "york", "x", "9"]
SEPARATORS = [" ", "  ", "\n", "\n\n    ", ". ", ", ", "-", "—", "'", "\t", "...", "! ", "? ",
              "_", ".", "\x1b[31m", "\x1b]8;;http://e.example\x07", "\x00", "\r\n"]
INDEX_TERMS = sorted({t for w in VOCABULARY for t, _, _ in ANALYZER.terms(w)})

# Words and separators alternate: mostly vocabulary, with any unicode mixed in.
texts = st.lists(
    st.tuples(st.one_of(st.sampled_from(VOCABULARY), st.sampled_from(VOCABULARY),
                        st.text(max_size=4)),
              st.one_of(st.just(" "), st.sampled_from(SEPARATORS), st.text(max_size=2))),
    max_size=40,
).map(lambda pairs: "".join(word + sep for word, sep in pairs))


def leaves_for(text: str) -> st.SearchStrategy[QueryTerm]:
    """Leaves over the vocabulary, plus phrases cut from the text's own words (maybe
    reversed) so that phrase occurrences, gaps and near misses are common, not rare."""
    found = [t for t, _, _ in ANALYZER.terms(clean_text(text))]
    pool = sorted(set(found)) + INDEX_TERMS
    options = [
        st.builds(lambda kind, words: QueryTerm("body", kind, "q", tuple(words)),
                  st.sampled_from(["term", "prefix", "wildcard", "fuzzy"]),
                  st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)),
        st.builds(lambda ordered, words, slop: QueryTerm("body", "phrase", "q", tuple(words),
                                                         slop, ordered=ordered),
                  st.sampled_from([True, False]),  # a phrase or a proximity ("a b"~n)
                  st.lists(st.sampled_from(pool), min_size=2, max_size=3), st.integers(1, 3)),
        st.builds(lambda words: QueryTerm("title", "term", "q", tuple(words)),
                  st.lists(st.sampled_from(pool), min_size=1, max_size=2)),
    ]
    placed = [(t.text, t.pos) for t in ANALYZER(clean_text(text), positions=True)]
    if len(placed) >= 2:
        # A phrase with gaps (stop words in the query) cut from the text's own positions,
        # its last offset sometimes one off (a near miss).
        options.append(st.builds(
            lambda i, n, miss: gapped_phrase(placed[i:i + n], miss),
            st.integers(0, len(placed) - 2), st.integers(2, 3), st.sampled_from([-1, 0, 0, 1])
        ).filter(lambda qt: list(qt.offsets) == sorted(set(qt.offsets))))
    if len(found) >= 2:
        # Words ``step`` apart, with a slop of step - 1 (a near miss), step or step + 1.
        options += 2 * [st.builds(
            lambda ordered, i, n, step, backwards, miss: QueryTerm(
                "body", "phrase", "q", tuple(found[i:i + n * step:step][::-1 if backwards else 1]),
                max(1, step + miss), ordered=ordered),
            st.sampled_from([True, False]), st.integers(0, len(found) - 2),
            st.integers(2, 3), st.integers(1, 3), st.booleans(), st.sampled_from([-1, 0, 1]))]
    return st.one_of(*options)


def gapped_phrase(placed: list[tuple[str, int]], miss: int) -> QueryTerm:
    """A phrase leaf of these (word, position)s, with the last one ``miss`` places off."""
    offsets = [p - placed[0][1] for _w, p in placed]
    offsets[-1] += miss
    return QueryTerm("body", "phrase", "q", tuple(w for w, _p in placed), offsets=tuple(offsets))


texts_and_queries = texts.flatmap(
    lambda text: st.tuples(st.just(text), st.lists(leaves_for(text), max_size=4)))


def whoosh_phrase_spans(text: str, qt: QueryTerm) -> list[tuple[int, int]]:
    """Character extents of the spans Whoosh itself matches for a phrase leaf, via a RAM index."""
    # A unique name: Whoosh's writer keeps scratch files in $TMPDIR/<indexname>.tmp.
    ix = RamStorage().create_index(fields.Schema(body=fields.TEXT(analyzer=ANALYZER)),
                                   indexname=f"snippets-{uuid.uuid4().hex}")
    chars = {t.pos: (t.startchar, t.endchar) for t in ANALYZER(text, positions=True, chars=True)}
    with ix.writer() as writer:
        writer.add_document(body=text)
    query = SpanNear2([Term("body", w) for w in qt.terms], slop=qt.slop,
                      ordered=getattr(qt, "ordered", True), mindist=1)
    with ix.searcher() as searcher:
        if qt.offsets:  # a phrase with gaps: Whoosh's own matching of the engine's query
            gapped = GapPhrase("body", qt.terms, qt.offsets).matcher(searcher)
            spans = gapped.spans() if gapped.is_active() else []
            return [(chars[span.start][0], chars[span.end][1]) for span in spans]
        matcher = query.matcher(searcher)
        spans = matcher.spans() if matcher.is_active() else []
    return [(chars[span.start][0], chars[span.end][1]) for span in spans]


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def expected_spans(text: str, query: list[QueryTerm], field: str,
                   strict: bool) -> list[tuple[int, int]]:
    """Every token of a term leaf, and every phrase occurrence as Whoosh matches it."""
    cleaned = blank_controls(text)
    tokens = ANALYZER.terms(cleaned)
    spans = []
    for qt in query:
        if qt.field != field:
            continue
        if qt.kind == "phrase" and strict and len(qt.terms) > 1:
            spans += whoosh_phrase_spans(cleaned, qt)
        else:
            spans += [(s, e) for t, s, e in tokens if t in qt.terms]
    return merge(spans)


@settings(max_examples=300, deadline=None)
@given(texts_and_queries, st.booleans())
def test_highlights_are_exactly_the_term_and_phrase_occurrences(
        text_and_query: tuple[str, list[QueryTerm]], strict: bool) -> None:
    text, query = text_and_query
    got = highlight_spans(text, query, field="body", strict_phrase=strict)
    assert list(got) == expected_spans(text, query, "body", strict)


@settings(max_examples=100, deadline=None)
@given(texts)
def test_tokens_are_the_index_analyzer_tokens(text: str) -> None:
    shown = blank_controls(text)
    everything = QueryTerm("body", "term", "all", tuple(t for t, _, _ in ANALYZER.terms(shown)))
    # (a folded character can hold the end of one word and the start of the next:
    # "missile\u2109missile" folds to "missile°fmissile", whose spans touch and merge)
    assert list(highlight_spans(text, [everything], field="body")) == merge([
        (s, e) for _, s, e in ANALYZER.terms(shown)])


@settings(max_examples=300, deadline=None)
@given(texts_and_queries, st.booleans(), st.integers(1, 4), st.integers(1, 120))
@example(("missile missile.missile missile¼missile ",
          [QueryTerm("body", "term", "q", ("4missil",)),
           QueryTerm("body", "term", "q", ("missile1",))]), False, 1, 1)
def test_snippet_invariants(text_and_query: tuple[str, list[QueryTerm]], strict: bool,
                            max_snippets: int, size: int) -> None:
    text, query = text_and_query
    snippets = make_snippets(text, query, max_snippets=max_snippets, size=size,
                             strict_phrase=strict)
    cleaned = clean_text(text)
    if not cleaned.strip():
        assert snippets == ()
        return
    assert 1 <= len(snippets) <= max_snippets
    assert any(s.highlights for s in snippets) == bool(
        expected_spans(cleaned, query, "body", strict))
    words = {w for qt in query if qt.field == "body" for w in qt.terms}
    has_phrases = any(qt.field == "body" and qt.kind == "phrase" and strict
                      and len(qt.terms) > 1 for qt in query)
    collapsed = re.sub(r"\s+", " ", cleaned)
    whole = [re.sub(r"\s+", " ", cleaned[s:e])
             for s, e in expected_spans(cleaned, query, "body", strict)]
    at = 0
    for snippet in snippets:
        assert snippet.text == snippet.text.strip()
        assert clean_text(snippet.text) == snippet.text
        assert not re.search(r"\s\s|[^\S ]", snippet.text)
        # Passages are pieces of the text, in document order, never overlapping.
        found = collapsed.find(snippet.text, at)
        assert found >= 0
        at = found + len(snippet.text)
        end = 0
        for s, e in snippet.highlights:
            assert end <= s < e <= len(snippet.text)
            end = e
            covered_text = snippet.text[s:e]
            analyzed = ANALYZER.terms(covered_text)
            covered = [t for t, _, _ in analyzed]
            # Starts and ends with a query word, and lies within a highlight of the whole text.
            assert covered and covered[0] in words and covered[-1] in words
            assert any(covered_text in span for span in whole)
            if not has_phrases:
                # One word per highlight, unless one character folds into two words
                # (``¼`` is ``1⁄4``: "missile¼missile" holds "missile1" and "4missile",
                # which share it), so their spans overlap and merge.
                assert all(nxt[1] < prev[2] for prev, nxt in itertools.pairwise(analyzed))


# --- real data ----------------------------------------------------------------

@needs_shared(REUTERS)
def test_reuters_passages_are_small_whole_and_marked() -> None:
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        bodies = [json.loads(line)["body"] for line in itertools.islice(lines, 400)]
    query = [term("oil"), term("prices"), phrase("crude oil"), term("said"),
             QueryTerm("body", "prefix", "bank*", ("bank", "banker"))]
    for body in bodies:
        snippets = make_snippets(body, query, size=200)
        assert len(snippets) <= 3
        for snippet in snippets:
            assert len(snippet.text) <= 215, snippet.text
            for s, e in snippet.highlights:
                assert snippet.text[s - 1:s] in ("", " ", "-", "(", "\"", "'", "<", "/")
                assert ANALYZER.terms(snippet.text[s:e])
