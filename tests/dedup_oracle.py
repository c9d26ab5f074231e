"""The exact oracle for near-duplicate stories (issue 21): every pair of articles whose
word 5-shingle sets have Jaccard or containment at or above a threshold, found
exhaustively through an inverted index of shingles (no sampling, no hashing: shingles
are compared as tuples of words).

"The text of an article" is what the index holds: each file is read by the project's
own reader for it and prepared as a build prepares it (prepare.py: caps, repaired
text), and its words are the indexed ones (stories/shingles.py ``story_words``).
Used by tests (small real subsets) and bench/dedup.py (whole corpora).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from searcher import schema
from searcher.corpus import discover
from searcher.formats import Source, parse_field_map
from searcher.models import Article
from searcher.prepare import prepare_document
from searcher.stories.shingles import story_words, word_shingles


@dataclass(frozen=True)
class Text:
    id: str
    title: str
    body: str
    published: str = ""
    source: str = ""


@dataclass(frozen=True)
class Pair:
    a: str  # the smaller id of the two (string order)
    b: str
    jaccard: float
    containment: float

    @property
    def score(self) -> float:
        return max(self.jaccard, self.containment)


def corpus_texts(paths: Sequence[Path], field_map: Sequence[str] = ()) -> list[Text]:
    """The articles a build of ``paths`` indexes, in build order (the first copy of a
    duplicate id wins, as in a build)."""
    fmap = parse_field_map(list(field_map))
    found = discover(list(paths))
    seen: set[str] = set()
    out: list[Text] = []
    for f in found.files:
        for item in f.reader(Source(f.path, f.name, fmap)):
            if not isinstance(item, Article):
                continue
            doc = prepare_document(item, f.name)[0]
            aid = doc[schema.ID]
            if aid in seen:
                continue
            seen.add(aid)
            when = doc.get(schema.PUBLISHED)
            out.append(Text(aid, doc[schema.TITLE], doc[schema.BODY],
                            when.isoformat() if when else "", doc[schema.SOURCE]))
    return out


def exact_pairs(texts: Sequence[Text], threshold: float) -> list[Pair]:
    """Every pair with Jaccard or containment >= ``threshold``, exhaustively."""
    ids: dict[tuple[str, ...], int] = {}
    sets: list[np.ndarray] = []
    for t in texts:
        shingles = word_shingles(story_words(t.title, t.body))
        sets.append(np.array(sorted(ids.setdefault(s, len(ids)) for s in shingles),
                             dtype=np.int64))
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    flat = np.concatenate(sets) if sets else np.zeros(0, np.int64)
    owner = np.repeat(np.arange(len(sets)), sizes)
    order = np.argsort(flat, kind="stable")
    by_shingle, docs = flat[order], owner[order]
    starts = np.searchsorted(by_shingle, np.arange(len(ids) + 1))
    pairs: list[Pair] = []
    for i, shingles in enumerate(sets):
        if not len(shingles):
            continue
        postings = np.concatenate([docs[starts[s]:starts[s + 1]] for s in shingles])
        others, inter = np.unique(postings[postings > i], return_counts=True)
        if not len(others):
            continue
        na, nb = sizes[i], sizes[others]
        jac = inter / (na + nb - inter)
        con = inter / np.minimum(na, nb)
        for j in np.flatnonzero((jac >= threshold) | (con >= threshold)):
            a, b = sorted((texts[i].id, texts[int(others[j])].id))
            pairs.append(Pair(a, b, float(jac[j]), float(con[j])))
    return pairs
