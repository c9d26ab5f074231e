"""The lexical engines searcher's ranking is measured against, each used the obvious way.

Why one module: a comparison is only fair if every script builds the baselines the
same way, so bench/eval.py (and any later script that ranks plain text) takes them
from here rather than keeping its own copies. Each baseline indexes documents with
an id, a title and a body, and answers natural-language text as typed, best first:

- ``fts5``: SQLite FTS5 (stdlib), ``porter unicode61`` on title and body, the query's
  words quoted and OR'ed, ``ORDER BY bm25(docs)`` (default column weights);
- ``bm25s``: the bm25s library (vectorised BM25, Lucene's variant, k1 1.5, b 0.75),
  title and body as one text, its English stop words and the Snowball stemmer;
- ``whoosh``: plain Whoosh as its tutorial suggests: StemmingAnalyzer on title and
  body, MultifieldParser with an OR group, default BM25F.

The bench extra (``pip install -e '.[bench]'``) installs bm25s.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    body: str


class Engine(Protocol):
    def search(self, text: str, k: int) -> list[str]:
        """Document ids for ``text``, best first, at most ``k``; only documents that
        match at least one word."""
        ...


_FTS_WORD = re.compile(r"\w+")


class Fts5:
    def __init__(self, docs: Iterable[Doc]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
                        "tokenize = 'porter unicode61')")
        self.db.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                            ((d.id, d.title, d.body) for d in docs))
        self.db.commit()

    def search(self, text: str, k: int) -> list[str]:
        words = _FTS_WORD.findall(text)
        if not words:
            return []
        match = " OR ".join('"' + w + '"' for w in words)
        rows = self.db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) "
                               "LIMIT ?", (match, k))
        return [r[0] for r in rows]


class Bm25s:
    def __init__(self, docs: Iterable[Doc]) -> None:
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer("english")
        docs = list(docs)
        self.ids = [d.id for d in docs]
        tokens = bm25s.tokenize([f"{d.title}\n{d.body}" for d in docs], stopwords="en",
                                stemmer=self._stemmer, show_progress=False)
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)

    def search(self, text: str, k: int) -> list[str]:
        q = self._bm25s.tokenize([text], stopwords="en", stemmer=self._stemmer,
                                 show_progress=False)
        if not q.vocab:  # nothing but stop words
            return []
        docs, scores = self.retriever.retrieve(q, k=min(k, len(self.ids)),
                                               show_progress=False)
        return [self.ids[int(i)] for i, s in zip(docs[0], scores[0], strict=True) if s > 0]


class PlainWhoosh:
    def __init__(self, docs: Iterable[Doc]) -> None:
        from whoosh import fields, qparser
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.filedb.filestore import RamStorage

        schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                               title=fields.TEXT(analyzer=StemmingAnalyzer()),
                               body=fields.TEXT(analyzer=StemmingAnalyzer()))
        self.ix = RamStorage().create_index(schema)
        with self.ix.writer() as w:
            for d in docs:
                w.add_document(id=d.id, title=d.title, body=d.body)
        self.parser = qparser.MultifieldParser(["title", "body"], schema,
                                               group=qparser.OrGroup)
        self.searcher: Any = self.ix.searcher()

    def search(self, text: str, k: int) -> list[str]:
        q = self.parser.parse(text)
        return [hit["id"] for hit in self.searcher.search(q, limit=k)]


BASELINES: dict[str, Callable[[Sequence[Doc]], Engine]] = {
    "fts5": Fts5, "bm25s": Bm25s, "whoosh": PlainWhoosh,
}
