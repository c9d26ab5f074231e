"""The Whoosh schema: field names, analyzers and boosts live here and nowhere else.

The schema is pickled into every index, analyzers included, so everything an
analyzer holds must be importable by reference from this module's stable path
(WHOOSH-NOTES 11). Renaming or moving anything below makes old indexes
unopenable; bump ``SCHEMA_VERSION`` when the indexed form changes so that open
turns the mismatch into "rebuild the index".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import Stemmer
from whoosh import columns, fields
from whoosh.analysis import Filter, RegexTokenizer, Token
from whoosh.analysis.analyzers import Analyzer
from whoosh.util.times import datetime_to_long

from .folding import OffsetMap, fold, fold_with_offsets
from .models import Article
from .stories.keys import story_key

SCHEMA_VERSION = 5
# 2: ENGLISH_STOP_WORDS, TITLE_BOOST 0.5; 3: no index-time field boosts; 4: one Unicode
# folding (folding.py) for words and keywords, positions keep removed words' gaps;
# 5: the story column and the story table beside the manifest (stories/, issue 21)

# Field names. Other modules import these constants instead of spelling strings.
ID = "id"
TITLE = "title"
BODY = "body"
TAGS = "tags"
AUTHORS = "authors"
SOURCE = "source"
PUBLISHED = "published"
# Sort key for "newest first": the publication time, 0 when undated, so undated
# articles sort last (the published column's own "missing" value is the maximum).
NEWEST = "newest"
URL = "url"
PATH = "path"
META = "meta"
# Each article's story key (stories/keys.py), which the story table of the index's
# generation maps to its group of near-duplicates (stories/table.py).
STORY = "story"
# Stored display values of the list fields (the indexed ones are folded).
TAGS_STORED = "tags_display"
AUTHORS_STORED = "authors_display"
SOURCE_STORED = "source_display"

TEXT_FIELDS = (TITLE, BODY)
KEYWORD_FIELDS = (TAGS, AUTHORS, SOURCE)
# Whoosh's spell-only field that holds the unstemmed words of a stemmed field
# (spelling=True): the base for did-you-mean, fuzzy and wildcard expansion.
SPELLING_PREFIX = "spell_"

# Field weights are the ranker's (engine/scoring.py FIELD_WEIGHT), applied at query
# time: nothing is folded into the postings at index time (Whoosh's field_boost
# would multiply every stored term frequency), so weights change without a rebuild.

# Words never indexed or searched: NLTK's English list (what natural-language
# questions are made of: "what", "how", "were", "their"...), the contraction
# fragments the tokenizer leaves ("couldn", "ll"), and Whoosh's "yet". Not "us"
# (US), "may" (May), "won" or "don". Whoosh's 34-word list left question words in,
# and its idf (log(N/(df+1)) + 1) never falls below 1, so they diluted long
# queries (bench/eval.py: +0.006 mean nDCG@10). Changing it changes the index:
# bump SCHEMA_VERSION.
ENGLISH_STOP_WORDS: frozenset[str] = frozenset({
    "a", "about", "above", "after", "again", "against", "ain", "all", "am", "an", "and", "any",
    "are", "aren", "as", "at", "be", "because", "been", "before", "being", "below", "between",
    "both", "but", "by", "can", "couldn", "did", "didn", "do", "does", "doesn", "doing",
    "down", "during", "each", "few", "for", "from", "further", "had", "hadn", "has", "hasn",
    "have", "haven", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
    "how", "i", "if", "in", "into", "is", "isn", "it", "its", "itself", "just", "ll", "me",
    "mightn", "more", "most", "mustn", "my", "myself", "needn", "no", "nor", "not", "now",
    "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
    "over", "own", "re", "same", "she", "should", "shouldn", "so", "some", "such", "than",
    "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "ve", "very", "was",
    "wasn", "we", "were", "weren", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "wouldn", "yet", "you", "your", "yours", "yourself", "yourselves",
})

# Values of a multi-valued keyword field are joined with this before indexing.
KEYWORD_SEPARATOR = "\x1f"

_english = Stemmer.Stemmer("english")


def stem_word(word: str) -> str:
    """English Snowball stem via PyStemmer (C): picklable by reference, unlike the Stemmer."""
    return str(_english.stemWord(word))


# Typographic dashes folded to "-", so that a tag written "Armenia–Azerbaijan
# border" matches a user typing "armenia-azerbaijan border".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH_MAP: dict[int, str] = {ord(d): "-" for d in _DASHES}
_SPACES = re.compile(r"\s+")


class KeywordFoldFilter(Filter):  # type: ignore[misc]
    """Folds a keyword token (folding.py, then dashes to "-"), strips it and collapses
    inner whitespace, so case, accents, dashes and spacing never matter."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for t in tokens:
            text = _SPACES.sub(" ", fold(t.text).translate(_DASH_MAP)).strip()
            if text:
                t.text = text
                yield t


CollapseSpacesFilter = KeywordFoldFilter  # the name indexes of schema version 3 pickled


class NewsAnalyzer(Analyzer):  # type: ignore[misc]
    r"""Words for title/body in one pass: fold (folding.py: NFKC, case folding,
    accents and invisible characters removed) *before* stemming (WHOOSH-NOTES 1),
    tokenize, drop stop words, Snowball-stem (cached).

    Like ``RegexTokenizer(r"\w+(\.?\w+)*") | LowercaseFilter() | CharsetFilter(accent_map)
    | StopFilter(ENGLISH_STOP_WORDS, renumber=False) | StemFilter(stem_word)`` (Whoosh's
    default pattern also takes ``*`` as a letter, which indexes Reuters' "******Blah" as
    one word), but one generator instead of five and one dict lookup per word instead
    of a stem call, because analysis runs for every indexed word and every snippet.
    The tokenizer splits on hyphens and en dashes, so `Nagorno-Karabakh`, `nagorno
    karabakh` and `"Nagorno Karabakh"` index and query alike.

    Positions keep the gaps of removed words (Lucene's stop filter does the same): in
    "output under ceiling" ``ceiling`` is two positions after ``output``, so the
    phrase "output ceiling" does not match it. The one exception is a dropped
    fragment after an apostrophe ("Japan's", "we'll"): it shares the position of the
    word it hangs on, so "japan economy" still matches "Japan's economy". ``terms``
    gives snippets the same words with character offsets into the original text.
    """

    is_morph = True

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem
        self.version = SCHEMA_VERSION  # an index pickled by another version compares unequal

    def has_morph(self) -> bool:
        return self.stem

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self), self.stem))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", no_morph: bool = False, **kwargs: Any) -> Iterator[Any]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stem = self.stem and not no_morph
        text, offsets = _folded(value) if chars or keeporiginal else (fold(value), None)
        for start, end, word, is_stop, pos in _words(text, stem):
            if is_stop and removestops:
                continue
            t.text = word
            t.stopped = is_stop
            t.boost = 1.0
            if offsets is not None:
                start, end = offsets.start(start), offsets.end(end)
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t

    def terms(self, value: str) -> list[tuple[str, int, int]]:
        """(term, start, end) for every indexed word of ``value``, in order (offsets
        into ``value`` itself)."""
        text, offsets = _folded(value)
        found = [(w, s, e) for s, e, w, stop, _p in _words(text, self.stem) if not stop]
        if offsets is None:
            return found
        return [(w, offsets.start(s), offsets.end(e)) for w, s, e in found]

    def phrase(self, value: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The indexed words of ``value`` and each one's position after the first:
        ``"bank of japan"`` -> ``(("bank", "japan"), (0, 2))``."""
        found = [(w, p) for _s, _e, w, stop, p in _words(fold(value), self.stem) if not stop]
        if not found:
            return (), ()
        first = found[0][1]
        return tuple(w for w, _p in found), tuple(p - first for _w, p in found)


_WORD = re.compile(r"\w+(\.?\w+)*")
_APOSTROPHES = "'\u2019"
# _WORD (the same matches, written without its ambiguous `\.?`), with an apostrophe
# right after it captured when a word follows: that next word is what is_fragment()
# calls a fragment (an apostrophe preceded by a word character, which always ends a
# match since every word character is in one).
_WORD_THEN_APOSTROPHE = re.compile(r"(\w+(?:\.\w+)*)(['\u2019](?=\w))?")
_STEMS: dict[str, str] = {}
_MAX_CACHED_STEMS = 1_000_000


def stem_cached(word: str) -> str:
    """``stem_word`` through one cache per process, which the analyzer and the story
    shingles (stories/shingles.py) share: each distinct word is stemmed once."""
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) >= _MAX_CACHED_STEMS:
            _STEMS.clear()
        found = _STEMS[word] = stem_word(word)
    return found


def _folded(value: str) -> tuple[str, OffsetMap | None]:
    """The folded text and the map of its offsets back to ``value`` (None: the same)."""
    if value.isascii():
        return value.lower(), None
    return fold_with_offsets(value)


def is_fragment(text: str, start: int) -> bool:
    """Does the dropped word at ``start`` hang on the word before by an apostrophe
    ("s" in "Japan's")? Then it takes no position of its own."""
    return (start > 1 and text[start - 1] in _APOSTROPHES
            and (text[start - 2].isalnum() or text[start - 2] == "_"))


def _words(text: str, stem: bool) -> Iterator[tuple[int, int, str, bool, int]]:
    """(start, end, word, is_stop_word, position) for each token of folded ``text``."""
    stems = _STEMS
    pos = -1
    for m in _WORD.finditer(text):
        word = m.group()
        if len(word) < 2 or word in ENGLISH_STOP_WORDS:
            if not is_fragment(text, m.start()):
                pos += 1
            yield m.start(), m.end(), word, True, pos
            continue
        pos += 1
        if stem:
            word = stems.get(word) or stem_cached(word)
        yield m.start(), m.end(), word, False, pos


def word_positions(value: str) -> tuple[dict[str, list[int]], list[tuple[str, str]]]:
    """``index_words``' first half: each distinct indexed word of ``value`` (folded,
    unstemmed) with its positions, and every token in text order as the tokenizer
    found it, (word, apostrophe after it), stop words included: near-duplicate
    shingles (stories/shingles.py ``indexed_hashes``) are made from these."""
    by_word: dict[str, list[int]] = {}
    pos = -1
    fragment = False  # the word follows the previous one's apostrophe ("s" of "Japan's")
    tokens = _WORD_THEN_APOSTROPHE.findall(fold(value))
    for word, apostrophe in tokens:
        if len(word) < 2 or word in ENGLISH_STOP_WORDS:
            if not fragment:  # a dropped fragment takes no position
                pos += 1
        else:
            pos += 1
            found = by_word.get(word)
            if found is None:
                by_word[word] = [pos]
            else:
                found.append(pos)
        fragment = bool(apostrophe)
    return by_word, tokens


def stem_positions(by_word: dict[str, list[int]]) -> dict[str, list[int]]:
    """The positions of each stem, from ``word_positions``' words: each distinct word
    stemmed once, the positions of words sharing a stem merged in order."""
    stems = _STEMS
    positions: dict[str, list[int]] = {}
    for word, at in by_word.items():
        st = stems.get(word) or stem_cached(word)
        found = positions.get(st)
        if found is None:
            positions[st] = at
        else:
            positions[st] = sorted(found + at)
    return positions


def index_words(value: str) -> tuple[dict[str, list[int]], set[str]]:
    """What indexing ``value`` into title/body records: the positions of each stem
    (numbered as ``NewsAnalyzer`` numbers them) and the set of unstemmed words (the
    spelling field), from one ``findall`` (no match object per token), each distinct
    word stemmed once. The bulk writer (segment_writer.py) does this instead of running
    the analyzer twice, once per field: 0.8x the CPU of the per-token loop on Reuters."""
    by_word = word_positions(value)[0]
    return stem_positions(by_word), set(by_word)


def text_analyzer(stem: bool = True) -> NewsAnalyzer:
    """The title/body analyzer (``stem=False``: the same words unstemmed)."""
    return NewsAnalyzer(stem)


def keyword_analyzer() -> Analyzer:
    """Whole values (`Mike Pompeo`), matched case-, accent- and dash-insensitively."""
    return (
        RegexTokenizer(r"[^\x1f]+") | KeywordFoldFilter()
    )


def _date_column() -> fields.DATETIME:
    """The publication time: stored and a sortable column, with no terms. Whoosh would
    index 8 trie terms per article (36 % of a Reuters build's terms, 9 % of its CPU),
    and the engine filters and sorts dates on the column, never on terms (issue 20).
    A plain Whoosh ``DateRange`` query on ``published`` therefore finds nothing
    (WHOOSH-NOTES)."""
    field = fields.DATETIME(stored=True, sortable=True)
    field.indexed = False
    return field


def build_schema() -> fields.Schema:
    text = text_analyzer()
    keyword = keyword_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=text, stored=True, spelling=True,
                          spelling_prefix=SPELLING_PREFIX),
        body=fields.TEXT(analyzer=text, stored=True, spelling=True,
                         spelling_prefix=SPELLING_PREFIX),
        tags=fields.TEXT(analyzer=keyword, phrase=False),
        authors=fields.TEXT(analyzer=keyword, phrase=False),
        source=fields.TEXT(analyzer=keyword, phrase=False),
        published=_date_column(),
        newest=fields.COLUMN(columns.NumericColumn("Q", default=0)),
        story=fields.COLUMN(columns.NumericColumn("Q", default=0)),
        tags_display=fields.STORED(),
        authors_display=fields.STORED(),
        source_display=fields.STORED(),
        url=fields.STORED(),
        path=fields.STORED(),
        meta=fields.STORED(),
    )


_KEYWORD_ANALYZER = keyword_analyzer()


def normalize_keyword(value: str) -> str:
    """The folded form a keyword value is indexed under (for exact tag lookups/facets);
    ASCII is lowercased and its spaces collapsed in C (facets fold 100,000s of tags)."""
    if value.isascii() and "\x1f" not in value:
        return " ".join(value.lower().split())
    tokens = [t.text for t in _KEYWORD_ANALYZER(value)]
    return tokens[0] if tokens else ""


def article_to_document(article: Article) -> dict[str, Any]:
    """The Whoosh document for an article (what the indexer passes to add_document)."""
    doc: dict[str, Any] = {
        ID: article.id,
        TITLE: article.title,
        BODY: article.body,
        TAGS: KEYWORD_SEPARATOR.join(article.tags),
        AUTHORS: KEYWORD_SEPARATOR.join(article.authors),
        SOURCE: article.source,
        TAGS_STORED: list(article.tags),
        AUTHORS_STORED: list(article.authors),
        SOURCE_STORED: article.source,
        URL: article.url,
        PATH: article.path,
        META: dict(article.meta),
        STORY: story_key(article.id),
    }
    if article.published is not None:
        doc[PUBLISHED] = article.published
        doc[NEWEST] = datetime_to_long(article.published)
    return doc


def document_to_article(stored: Mapping[str, Any]) -> Article:
    """Rebuild an Article from a hit's stored fields."""
    published = stored.get(PUBLISHED)
    return Article(
        id=stored[ID],
        title=stored.get(TITLE, ""),
        body=stored.get(BODY, ""),
        tags=tuple(stored.get(TAGS_STORED) or ()),
        authors=tuple(stored.get(AUTHORS_STORED) or ()),
        published=published if isinstance(published, datetime) else None,
        source=stored.get(SOURCE_STORED) or "",
        url=stored.get(URL) or "",
        path=stored.get(PATH) or "",
        meta=dict(stored.get(META) or {}),
    )
