"""A syntax tree with bound leaves -> the query plan (``plan.py``) the engine runs.

Lucene's group semantics: exclusions apply to their whole group, tag/author/
source/date/id clauses beside words restrict instead of widening, ``+word``
makes the other words rank only, a repeated clause is searched once (a repeated
optional one weighted by its count), and words side by side use the default
operator (any word; an all-words clause when ``ALL_WORDS_BOOST`` is set).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache

from .. import plan
from ..engine.scoring import ALL_WORDS_BOOST, ALL_WORDS_MAX_CLAUSES
from ..models import QueryTerm
from ..plan import NOTHING, AllOf, AnyOf, MatchAll, Nothing, Phrase, RankBy, Word
from ..schema import build_schema
from .parser import And, Group, Leaf, Node, Not, Or, Required

Query = plan.Node


@cache
def _scored_fields() -> frozenset[str]:
    """The fields BM25 scores (a word over several of them is one BM25F clause)."""
    schema = build_schema()
    return frozenset(name for name in schema.names() if schema[name].scorable)


def any_of(queries: Sequence[Query], boost: float = 1.0) -> Query:
    """Any of ``queries``. The same word (or exact phrase), equally boosted, in
    different BM25-scored fields is one clause over those fields, scored by BM25F
    together: a default-search word over title and body, ``title:oil OR body:oil``."""
    if len(queries) == 1:
        return queries[0]
    first = queries[0]
    if isinstance(first, Word) or (isinstance(first, Phrase) and first.slop == 1
                                   and first.ordered):
        fields = [q.fields[0] for q in queries if type(q) is type(first) and len(q.fields) == 1
                  and replace(q, fields=first.fields) == first]
        if len(fields) == len(queries) == len(set(fields)) and \
                set(fields) <= _scored_fields():
            return replace(first, fields=tuple(fields), boost=first.boost * boost)
    return AnyOf(tuple(queries), boost)


def all_of(queries: Sequence[Query], boost: float = 1.0) -> Query:
    """All of ``queries``, leaving out match-everything members (they add nothing)."""
    kept = [q for q in queries if not (isinstance(q, MatchAll) and q.field is None)]
    kept = kept or list(queries[:1])
    if len(kept) == 1:
        return kept[0] if boost == 1.0 else boosted(kept[0], boost)
    return AllOf(tuple(kept), boost)


def boosted(q: Query, factor: float) -> Query:
    """``q`` with its boost multiplied by ``factor``. An exclusion, a ``+a b`` and a
    proximity phrase keep theirs: the engine never scaled them (Whoosh's AndNot,
    AndMaybe and SpanNear2, which these were, ignored a boost)."""
    if isinstance(q, Phrase) and not (q.slop == 1 and q.ordered):
        return q
    if isinstance(q, (Word, Phrase, AllOf, AnyOf, MatchAll, plan.DateRange)):
        return replace(q, boost=q.boost * factor)
    return q


def scaled(q: Query, factor: float) -> Query:
    """``q`` with every score it gives multiplied by ``factor`` (``word^N``,
    ``(group)^N``): an exclusion scales its positive side, a ``+a b`` both of its
    sides, a proximity phrase its own boost, which the engine applies."""
    if factor == 1.0 or isinstance(q, Nothing):
        return q
    if isinstance(q, plan.Exclude):
        return replace(q, base=scaled(q.base, factor))
    if isinstance(q, RankBy):
        return RankBy(scaled(q.required, factor), scaled(q.ranking, factor))
    return replace(q, boost=q.boost * factor)


def _is_filter(node: Node) -> bool:
    if isinstance(node, Leaf):
        return node.filter
    if isinstance(node, Required):
        return _is_filter(node.child)
    if isinstance(node, Not):
        return False
    kids = node.clauses if isinstance(node, Group) else node.children
    positive = [k for k in kids if not isinstance(k, Not)]
    return bool(positive) and all(_is_filter(k) for k in positive)


def compile_tree(node: Node) -> Query | None:
    """The plan of a node; None when it holds nothing searchable (ignored)."""
    if isinstance(node, Leaf):
        return None if node.query is None else scaled(node.query, node.boost)
    if isinstance(node, Required):
        return compile_tree(node.child)
    if isinstance(node, Group):
        group = _compile_group(node)
        return None if group is None else scaled(group, node.boost)
    if isinstance(node, Not):
        return _exclude(None, [node.child])
    positive = [c for c in node.children if not isinstance(c, Not)]
    negative = [c.child for c in node.children if isinstance(c, Not)]
    if isinstance(node, And):
        qs = [q for q in map(compile_tree, positive) if q is not None]
        if any(isinstance(q, Nothing) for q in qs):
            return NOTHING
        return _exclude(all_of(qs) if qs else None, negative)
    # An OR outside a group's clause list (not reachable from the parser): plain logic.
    alts = [q for q in map(compile_tree, positive) if q is not None]
    alts += [q for q in (_exclude(None, [n]) for n in negative) if q is not None]
    alts = [q for q in alts if q is not NOTHING]
    return any_of(alts) if alts else NOTHING


def _exclude(base: Query | None, negative: list[Node]) -> Query | None:
    """``base`` minus the negative nodes; negations alone mean every other article."""
    excluded = [q for q in map(compile_tree, negative) if q is not None]
    if base is None:
        if not excluded:
            return None
        base = MatchAll()
    live = [q for q in excluded if q is not NOTHING]
    if not live or isinstance(base, Nothing):
        return base
    return plan.Exclude(base, any_of(live))


def _compile_group(group: Group) -> Query | None:
    filters: list[Node] = []
    required: list[Node] = []
    shoulds: list[Node] = []
    excluded: list[Node] = []
    for c in group.clauses:
        if isinstance(c, Not):
            excluded.append(c.child)
        elif isinstance(c, Or):  # exclusions under an OR apply to the whole group
            excluded += [k.child for k in c.children if isinstance(k, Not)]
            alts: list[Node] = [k for k in c.children if not isinstance(k, Not)]
            if alts:
                (filters if _is_filter(c) else shoulds).append(
                    alts[0] if len(alts) == 1 else Or(alts))
        elif isinstance(c, Required):
            required.append(c.child)
        elif _is_filter(c):
            filters.append(c)
        else:
            shoulds.append(c)
    must = _unique(q for q in map(compile_tree, filters) if q is not None)
    needed = _unique(q for q in map(compile_tree, required) if q is not None)
    must = _unique([*must, *needed])
    if any(isinstance(q, Nothing) for q in must):
        return NOTHING
    optional = _counted(q for q in map(compile_tree, shoulds) if q is not None)
    live = [q for q in optional if q is not NOTHING]
    if optional and not live:
        return NOTHING
    base: Query | None = None
    if needed and live:  # Lucene: beside a +clause the other words only rank
        base = RankBy(all_of(must), _default_operator(live))
    elif live:
        base = all_of([*must, _default_operator(live)])
    elif must:
        base = all_of(must)
    return _exclude(base, excluded)


def _counted(queries: Iterable[Query]) -> list[Query]:
    """Optional clauses searched once each, a repeated one weighted by its count: the
    score is what the repeats summed to (a word a long question repeats is a word it
    is about: without the count CISI lost 0.08 nDCG@10, bench/eval.py), at the cost
    of one clause."""
    counts: dict[Query, int] = {}
    for q in queries:
        counts[q] = counts.get(q, 0) + 1
    return [q if n == 1 or isinstance(q, Nothing) else boosted(q, n)
            for q, n in counts.items()]


def _unique(queries: Iterable[Query]) -> list[Query]:
    """``queries`` without repeats (``oil oil oil`` searches oil once; plan nodes
    compare and hash by value), in order."""
    return list(dict.fromkeys(queries))


def _default_operator(queries: list[Query]) -> Query:
    """Any word matches; for short queries an extra AND clause ranks all-words articles first."""
    if len(queries) == 1:
        return queries[0]
    words = [q for q in queries if not (isinstance(q, MatchAll) and q.field is None)]
    if len(words) < len(queries):  # `*` beside words: everything, ranked by the words
        return RankBy(MatchAll(), _default_operator(words)) if words else MatchAll()
    if len(queries) > ALL_WORDS_MAX_CLAUSES or not ALL_WORDS_BOOST:
        return any_of(queries)
    return any_of([*queries, all_of(queries, boost=ALL_WORDS_BOOST)])


def positive_terms(node: Node, positive: bool, out: list[QueryTerm]) -> None:
    if isinstance(node, Leaf):
        if positive:
            out.extend(node.terms)
    elif isinstance(node, Not):
        positive_terms(node.child, not positive, out)
    elif isinstance(node, Required):
        positive_terms(node.child, positive, out)
    else:
        for k in node.clauses if isinstance(node, Group) else node.children:
            positive_terms(k, positive, out)
