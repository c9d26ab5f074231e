"""Word spotting (textmatch._spot) gives exactly what analysing every word gives.

Snippets, highlights and why-matched find a query's words by letting one regex scan
propose the places a matching word may start and analysing only those words. These
tests hold it to the full analysis (``find_matches(analyze(text))``) on real articles
and on generated text, and check the stemmer property it rests on.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.support.charset import accent_map

from searcher import textmatch
from searcher.models import QueryTerm
from searcher.schema import ENGLISH_STOP_WORDS, stem_word
from searcher.textmatch import analyze, find_matches, locate

from .conftest import REUTERS, SHARED, needs_shared

CORPORA = sorted((SHARED / "corpora").glob("*/*.jsonl.gz"))
_WORDS = re.compile(r"\w+(?:\.\w+)*")


def full(text: str, leaves: list[QueryTerm], same_length: bool = False
         ) -> tuple[str, list[textmatch.Match]]:
    tok = analyze(text, same_length)
    return tok.text, find_matches(tok, leaves, strict_phrase=True)


def leaf(*terms: str) -> QueryTerm:
    return QueryTerm("body", "term", " ".join(terms), terms)


@needs_shared(REUTERS)
def test_a_word_starts_with_its_stem_but_the_last_letters() -> None:
    """The rule the spotter's prefixes rest on, over every word of the shared corpora."""
    checked = 0
    for path in CORPORA:
        words: set[str] = set()
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                for value in json.loads(line).values():
                    if isinstance(value, str):
                        words.update(_WORDS.findall(value.lower()))
        for word in words:
            folded = word.translate(accent_map)
            if len(folded) < 2 or folded in ENGLISH_STOP_WORDS or not folded.isascii():
                continue
            stem = stem_word(folded)
            keep = max(1, len(stem) - textmatch._STEM_REWRITE)
            assert folded.startswith(stem[:keep]), (word, stem)
            checked += 1
    assert checked > 50_000


def test_lowercasing_keeps_offsets_outside_words() -> None:
    """The spotter reads ``text.lower()`` of text whose word characters are ASCII."""
    word = re.compile(r"\w")
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        if not word.match(c) and not 0xD800 <= code < 0xE000:
            low = c.lower()
            assert len(low) == 1 and not re.match(r"[a-z0-9_]", low), hex(code)


def _articles(n: int) -> list[str]:
    out: list[str] = []
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        for line in f:
            body = json.loads(line).get("body") or ""
            if body:
                out.append(body)
            if len(out) == n:
                break
    return out


@needs_shared(REUTERS)
def test_spotting_equals_full_analysis_on_real_articles() -> None:
    rng = random.Random(7)
    bodies = _articles(400)
    spotted = 0
    for body in bodies:
        terms = [t for t in analyze(body).terms if t]
        other = [t for t in analyze(rng.choice(bodies)).terms if t]
        if not terms or not other:
            continue
        leaves = [leaf(rng.choice(terms)), leaf(rng.choice(other), rng.choice(terms))]
        for same_length in (False, True):
            got = locate(body, leaves, same_length=same_length)
            assert got == full(body, leaves, same_length)
        spotted += textmatch._spottable(body, textmatch._single_words(leaves))
    assert spotted > 300  # the fast path was really taken


_PIECES = st.sampled_from([
    "oil", "Oil", "OILS", "oiled", "boil", "x.oil", "oil.price", "U.S.", "u.s", "price",
    "Prices", "pricing", "dying", "die", "lying", "happy", "happiness", "_oil", "3oil",
    "oil3", "the", "a", "I", ".", "..", " ", "  ", "\n", "-", "’", "—", "“", "é", "café",
    "İstanbul", "ß", "\x1b[31m", "\u202e", "\r", "ﬁ", "K", "ǅ",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join),
       st.lists(st.sampled_from(["oil", "price", "die", "lie", "happi", "u.s", "ist", "cafe",
                                 "oil.pric", "x.oil", "3oil"]), min_size=1, max_size=3))
def test_spotting_equals_full_analysis_on_generated_text(text: str, terms: list[str]) -> None:
    leaves = [leaf(t) for t in terms]
    for same_length in (False, True):
        assert locate(text, leaves, same_length=same_length) == full(text, leaves, same_length)
