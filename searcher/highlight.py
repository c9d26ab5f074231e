"""Where a query's terms and phrases occur in article text: spans, and why a hit matched.

Not Whoosh's highlighter: that re-analyzes the stored text with the whole filter
chain per hit and marks every query word wherever it occurs (WHOOSH-NOTES 13).
Here the text is split with the index's tokenizer and each distinct word is
analyzed once per process, phrases are marked only where they really occur, and
the result is plain data (``Span``) that any renderer escapes itself.

Conventions (what renderers and tests can rely on):

- Spans of ``highlight_spans`` index the text exactly as given, so that a renderer
  can show ``sanitize.blank_controls(text)`` (same length, escapes and control
  characters turned into spaces) and style the spans without any mapping.
- A phrase occurrence is highlighted as ONE span from its first word to its last
  word (stop words and slop gaps inside it included); any other leaf highlights
  each matching word. Overlapping spans are merged, so spans are sorted and never
  overlap.
- At most :data:`MAX_ANALYZED_CHARS` characters of a text are looked at: a
  multi-megabyte article costs the same as its first part, and spans stop there.

Where the words occur is textmatch.py's rule; ``passages.py`` picks snippets from
the same matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress

from . import schema
from .models import Article, QueryTerm, Span
from .textmatch import MAX_ANALYZED_CHARS, analyze, leaves_of, locate, merge_spans

__all__ = [
    "MAX_ANALYZED_CHARS",
    "highlight_spans",
    "keyword_phrases",
    "matched_terms",
    "surface_words",
    "why_matched",
]

_ANALYZER = schema.text_analyzer()


def highlight_spans(text: str, terms: Sequence[QueryTerm], *, field: str = "title",
                    strict_phrase: bool = True) -> tuple[Span, ...]:
    """Spans over the whole of ``text`` as given (titles, full articles), sorted, never
    overlapping: ``text[start:end]`` is the match (escapes inside it included)."""
    leaves = leaves_of(terms, field)
    if not leaves or not text:
        return ()
    _text, hits = locate(text, leaves, strict_phrase, same_length=True)
    return tuple(merge_spans((s, e) for s, e, _ in hits))


def matched_terms(text: str, terms: Sequence[QueryTerm], *, field: str) -> tuple[QueryTerm, ...]:
    """The leaves of ``field`` found in ``text`` (phrases only where they occur), in query order."""
    leaves = leaves_of(terms, field)
    if not leaves or not text:
        return ()
    found = 0
    for _, _, bits in locate(text, leaves)[1]:
        found |= bits
    return tuple(qt for i, qt in enumerate(leaves) if found >> i & 1)




def keyword_phrases(terms: Sequence[QueryTerm]) -> tuple[QueryTerm, ...]:
    """Tag/author/source values as title/body phrases, so ``tag:"Mike Pompeo"`` also
    highlights the name where the text mentions it."""
    out: list[QueryTerm] = []
    for qt in terms:
        if qt.field not in schema.KEYWORD_FIELDS:
            continue
        for value in qt.terms:
            words, offsets = _ANALYZER.phrase(value)
            if words:
                kind = "phrase" if len(words) > 1 else "term"
                gaps = offsets if kind == "phrase" and offsets[-1] != len(words) - 1 else ()
                out.extend(QueryTerm(f, kind, qt.label, words, offsets=gaps)
                           for f in schema.TEXT_FIELDS)
    return tuple(out)


_KEYWORD_LABELS = {schema.TAGS: "tag", schema.AUTHORS: "author", schema.SOURCE: "source"}


def why_matched(article: Article, terms: Sequence[QueryTerm], *,
                body: bool = True) -> tuple[str, ...]:
    """The query clauses found in this article, as ``field: clause`` labels.

    ``body=False`` leaves the body unread (a results page without snippets then
    costs no text analysis): the labels say only what the title and the tag,
    author and source values matched."""
    labels: list[str] = []
    texts = [(schema.TITLE, article.title)]
    if body:
        texts.append((schema.BODY, article.body))
    for field, text in texts:
        labels.extend(f"{field}: {qt.label}" for qt in matched_terms(text, terms, field=field))
    values = {schema.TAGS: article.tags, schema.AUTHORS: article.authors,
              schema.SOURCE: (article.source,)}
    for qt in terms:
        if qt.field in values:
            for value in values[qt.field]:
                if schema.normalize_keyword(value) in qt.terms:
                    labels.append(f"{_KEYWORD_LABELS[qt.field]}: {value}")
    return tuple(dict.fromkeys(labels))


def surface_words(text: str, terms: Sequence[str]) -> dict[str, str]:
    """Each index term (a stem) -> the first word of ``text`` it comes from, lowercased
    (``ivori`` -> ``ivory``); the term itself where the text has none."""
    wanted = set(terms)
    found: dict[str, str] = {}
    tok = analyze(text)
    for k in compress(range(len(tok.terms)), map(wanted.__contains__, tok.terms)):
        term = tok.terms[k]
        if term not in found:
            found[term] = tok.text[tok.bounds[2 * k]:tok.bounds[2 * k + 1]].lower()
            if len(found) == len(wanted):
                break
    return {t: found.get(t, t) for t in terms}
