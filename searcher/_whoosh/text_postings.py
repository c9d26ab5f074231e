"""Title and body postings made a batch of articles at a time, in numpy (issue 20).

``schema.NewsAnalyzer`` indexes a word per token: fold, tokenize, drop stop words and
one-letter words (a dropped word keeps its position unless it hangs on the word before
by an apostrophe, "s" of "Japan's"), stem, and record each stem's positions. Done in
Python one token at a time that was 5 us per token, most of a build's CPU. Here an
ASCII field (nearly all news) is cut into chunks in C (``bytes.translate`` then
``split``) and each chunk is turned into its token numbers with one dict lookup
(``Vocabulary``: what a token is, met once per process); any other field's tokens are
found with one ``findall`` (a word keeps its apostrophe when a fragment follows,
``japan'``), a dict lookup each. The rest is done once per batch of articles with
numpy: positions are a cumulative sum of "takes a position", a stable sort by stem
groups each stem's postings in document order, and the positions' deltas are encoded
as Whoosh's Positions format does (``pack_uint(n) + pickle.dumps(deltas, 2)``, one
shared value per position for the most common case, one occurrence).

The pool receives exactly the postings ``field.index`` would give (same terms,
documents, weights, encoded positions) and the spelling words' document counts;
tests/test_segment_writer.py checks the index against Whoosh's own writer, and the
tokens against ``schema._words`` (what queries, phrases and snippets use).
"""

from __future__ import annotations

import pickle
import re
from collections import deque
from collections.abc import Callable
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.system import pack_uint

from .. import schema
from ..folding import fold
from .position_bytes import encode_positions
from .term_pool import INTERN_MAX, TermPool

I64 = npt.NDArray[np.int64]

# schema._WORD_THEN_APOSTROPHE's matches, without its groups (3x faster): a word, with
# the apostrophe after it when a word follows (the word after is then a fragment).
TOKEN = re.compile(r"\w+(?:\.\w+)*(?:['\u2019](?=\w))?")
_APOSTROPHES = "'\u2019"
# An ASCII text's tokens are made in C: bytes.translate lowercases (fold's whole effect on
# ASCII) and turns every byte TOKEN cannot take (anything but [a-z0-9_.']) into a space,
# and split() cuts the chunks between. A TOKEN match never spans such a byte (its
# lookahead only accepts \w), so a text's tokens are its chunks' tokens in order; most
# chunks are one token ("oil"), the rest ("oil.", "u.s.", "japan's") are read by TOKEN
# once per process (``Vocabulary.chunks``).
_TOKEN_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_.'")
_CHUNK_TABLE = bytes(c + 32 if 65 <= c <= 90 else c if c in _TOKEN_BYTES else 32
                     for c in range(256))
BATCH_TOKENS = 200_000  # tokens held before a batch is turned into postings
MAX_VOCABULARY = 2_000_000  # distinct tokens remembered between batches
# memory (bytes, estimated) of a pending token and of a vocabulary entry, which the
# pool counts against its limit (TermPool.reserved), so a pool that reaches its limit
# spills that much earlier
TOKEN_BYTES = 40
VOCABULARY_BYTES = 400
CHUNK_BYTES = 100


def tokens(value: str) -> list[str]:
    """The tokens of ``value`` (folded), a word with its apostrophe when a fragment
    follows ("japan'", "s")."""
    return TOKEN.findall(fold(value))


class _Numbers(dict[str, int]):
    """Token -> number; a token met for the first time is added by ``Vocabulary``."""

    def __init__(self, add: Callable[[str], int]) -> None:
        super().__init__()
        self._add = add

    def __missing__(self, tok: str) -> int:
        return self._add(tok)


class _Chunks(dict[bytes, int]):
    """An ASCII chunk (``_CHUNK_TABLE``) -> the number of its one token, or ``~k`` for a
    chunk of any other number of tokens (``multi[k]`` their numbers). A new chunk is read
    by TOKEN once; a chunk that is one token is the token's only key (no ``str`` key)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self._vocabulary = vocabulary
        self.multi: list[tuple[int, ...]] = []

    def __missing__(self, chunk: bytes) -> int:
        text = chunk.decode("ascii")
        toks = TOKEN.findall(text)
        if len(toks) == 1 and toks[0] == text:
            number = self._vocabulary.new(text)
        else:
            numbers = tuple(map(self._token, toks))
            if len(numbers) == 1:
                number = numbers[0]
            else:
                number = ~len(self.multi)
                self.multi.append(numbers)
        self[chunk] = number
        return number

    def _token(self, tok: str) -> int:
        """A token's number: a word before a fragment ("japan'") is never a chunk of its
        own; any other token is the chunk that holds only it."""
        if tok[-1] in _APOSTROPHES:
            return self._vocabulary.ids[tok]
        return self[tok.encode("ascii")]


class Vocabulary:
    """Every distinct token met, as a number, with what the analyzer makes of it: is it
    indexed (``keep``), does it take a position (``advance``), its unstemmed word (the
    spelling word, also what story shingles hash) and its stem, each numbered.
    A dropped word takes a position unless the token before ends with an apostrophe
    (``apostrophe``)."""

    def __init__(self) -> None:
        self.ids = _Numbers(self._add)
        self.keep: list[int] = []
        self.apostrophe: list[int] = []
        self.word: list[int] = []  # word number (the apostrophe left out), every token
        self.stem: list[int] = []  # stem number, -1 for a dropped token
        self.words: list[str] = []
        self._word_ids: dict[str, int] = {}
        self.stems: list[bytes] = []
        self._stem_ids: dict[bytes, int] = {}
        self._arrays: dict[str, I64] = {}
        self.chunks = _Chunks(self)

    def __len__(self) -> int:
        return len(self.keep) + len(self.chunks)

    def memory(self) -> int:
        """The bytes it holds (estimated)."""
        return VOCABULARY_BYTES * len(self.keep) + CHUNK_BYTES * len(self.chunks)

    def numbers(self, toks: list[str]) -> list[int]:
        """Each token's number (new tokens are added)."""
        return list(map(self.ids.__getitem__, toks))

    def text_numbers(self, value: str) -> list[int]:
        """``numbers(tokens(value))``: an ASCII text a chunk at a time (``_CHUNK_TABLE``)."""
        if not value.isascii():
            return self.numbers(tokens(value))
        numbers = list(map(self.chunks.__getitem__,
                           value.encode("ascii").translate(_CHUNK_TABLE).split()))
        if numbers and min(numbers) < 0:  # a chunk of several tokens ("japan's"), or none
            multi = self.chunks.multi
            single = numbers
            numbers = []
            for n in single:
                if n >= 0:
                    numbers.append(n)
                else:
                    numbers += multi[~n]
        return numbers

    def _add(self, tok: str) -> int:
        number = self.ids[tok] = self.new(tok)
        return number

    def new(self, tok: str) -> int:
        """A new number for ``tok`` (which the caller remembers)."""
        before_fragment = tok[-1] in _APOSTROPHES
        word = tok[:-1] if before_fragment else tok
        dropped = len(word) < 2 or word in schema.ENGLISH_STOP_WORDS
        number = len(self.keep)
        self.keep.append(0 if dropped else 1)
        self.apostrophe.append(1 if before_fragment else 0)
        wid = self._word_ids.get(word)
        if wid is None:
            wid = self._word_ids[word] = len(self.words)
            self.words.append(word)
        self.word.append(wid)
        if dropped:
            self.stem.append(-1)
            return number
        stem = schema.stem_cached(word).encode("utf-8")
        sid = self._stem_ids.get(stem)
        if sid is None:
            sid = self._stem_ids[stem] = len(self.stems)
            self.stems.append(stem)
        self.stem.append(sid)
        return number

    def array(self, name: str) -> I64:
        """``keep``, ``apostrophe``, ``word`` or ``stem`` as an array (grown as needed)."""
        values: list[int] = getattr(self, name)
        arr = self._arrays.get(name)
        if arr is None or len(arr) < len(values):
            tail = np.array(values[0 if arr is None else len(arr):], dtype=np.int64)
            arr = self._arrays[name] = tail if arr is None else np.concatenate([arr, tail])
        return arr


class TextPostings:
    """Pending title/body tokens of the articles a writer added, turned into the pool's
    postings (and spelling counts) a batch at a time.

    ``fields`` maps each field written this way to (spelling field or None, the
    format's field boost). ``flush`` returns, per article of the batch in
    order, its fields' token numbers when asked (story shingles are made from them
    and the vocabulary that numbered them: stories/words.py ``add_numbers``).
    """

    def __init__(self, pool: TermPool, fields: dict[str, tuple[str | None, float]]) -> None:
        self.pool = pool
        self.fields = fields
        self.vocabulary = Vocabulary()
        self._keep = self.vocabulary.keep
        self._docs: list[int] = []
        self._pending: dict[str, list[tuple[int, list[int], float]]] = {f: [] for f in fields}
        self._held = 0
        self._one: list[bytes] = []  # the encoded value of one occurrence at each position
        # per spelling field, the articles counted per word number of the vocabulary
        self._spell_counts: dict[str, I64] = {}
        self._floats: list[float] = []  # float(n) for each n

    def analyze(self, value: str) -> tuple[list[int], int]:
        """A field value's token numbers and its length (indexed words)."""
        ids = self.vocabulary.text_numbers(value)
        return ids, sum(map(self._keep.__getitem__, ids))

    def add(self, docnum: int, fields: dict[str, tuple[list[int], float]]) -> bool:
        """An article's analyzed fields (field -> (token numbers, field boost)), once
        it is written. True when the batch is full (call ``flush``)."""
        self._docs.append(docnum)
        for name, (ids, boost) in fields.items():
            self._pending[name].append((docnum, ids, boost))
            self._held += len(ids)
        self.pool.reserved = TOKEN_BYTES * self._held + self.vocabulary.memory()
        return self._held >= BATCH_TOKENS

    @property
    def pending(self) -> bool:
        return bool(self._docs)

    def flush(self, want_words: bool = False) -> dict[int, dict[str, list[int]]]:
        """Turn the pending articles into postings; if ``want_words``, per article
        (docnum) and field its token numbers (of the vocabulary before this call)."""
        words: dict[int, dict[str, list[int]]] = {}
        if not self._docs:
            return words
        vocab = self.vocabulary
        if want_words:
            words = {d: {} for d in self._docs}
        for name, pending in self._pending.items():
            if not pending:
                continue
            if want_words:
                for docnum, ids, _boost in pending:
                    words[docnum][name] = ids
            self._field(name, pending)
            pending.clear()
        self._docs = []
        self._held = 0
        if len(vocab) > MAX_VOCABULARY:
            self.forget()
        return words

    def forget(self) -> None:
        """Let the vocabulary go (when no article follows: the segment is written),
        its spelling words' counts given to the pool first."""
        words = self.vocabulary.words
        for spell, counts in self._spell_counts.items():
            found = np.flatnonzero(counts)
            self.pool.add_spelling_counts(
                spell, [words[w].encode("utf-8") for w in found.tolist()],
                counts[found].tolist())
        self._spell_counts = {}
        self.vocabulary = Vocabulary()
        self._keep = self.vocabulary.keep
        self.pool.reserved = 0

    def _field(self, name: str, pending: list[tuple[int, list[int], float]]) -> None:
        spell, fb = self.fields[name]
        vocab = self.vocabulary
        counts = np.array([len(ids) for _d, ids, _b in pending], dtype=np.int64)
        total = int(counts.sum())
        if not total:
            return
        flat = np.fromiter(chain.from_iterable(ids for _d, ids, _b in pending), np.int64, total)
        # each token's article, as its place in the batch (the docnum ints are shared:
        # a posting's docnum is the article's own int object, not one of its own)
        docnums = [d for d, _i, _b in pending]
        docs = np.repeat(np.arange(len(pending), dtype=np.int64), counts)
        kept = vocab.array("keep")[flat].astype(bool)
        # a token takes a position unless it is dropped and follows an apostrophe
        follows = np.zeros(total, dtype=bool)
        follows[1:] = vocab.array("apostrophe")[flat[:-1]].astype(bool)
        firsts = np.cumsum(counts) - counts  # each article's first token
        follows[firsts[counts > 0]] = False
        taken = np.concatenate(([0], np.cumsum(~(follows & ~kept))))
        # position = (positions taken so far in the article's field) - 1
        pos = taken[1:] - np.repeat(taken[firsts], counts) - 1
        toks, docs, pos = flat[kept], docs[kept], pos[kept]
        if spell is not None:
            self._spelling(spell, vocab.array("word")[toks], docs)
        if not len(toks):
            return
        stems = vocab.array("stem")[toks]
        order = np.argsort(stems, kind="stable")  # each stem's tokens in (doc, position) order
        stems, docs, pos = stems[order], docs[order], pos[order]
        n = len(stems)
        cut = np.flatnonzero((stems[1:] != stems[:-1]) | (docs[1:] != docs[:-1])) + 1
        starts = np.concatenate(([0], cut))
        freq = np.diff(np.append(starts, n))
        values = self._values(pos, starts, freq)
        boosts = [b for _d, _i, b in pending]
        shared = False
        if any(b != 1.0 for b in boosts):  # Whoosh: (freq * field boost) * document's boost
            boost = np.repeat(np.array(boosts), counts)[kept][order][starts]
            weights = ((freq * fb) * boost).tolist()
        elif fb != 1.0:
            weights = (freq * fb).tolist()
        else:  # n * 1.0 is float(n): one shared float per frequency
            floats = self._floats
            top = int(freq.max()) + 1
            if top > len(floats):
                floats += map(float, range(len(floats), top))
            weights = list(map(floats.__getitem__, freq.tolist()))
            shared = True
        m = len(starts)
        postings: list[Any] = [None] * (3 * m)
        postings[0::3] = list(map(docnums.__getitem__, docs[starts].tolist()))
        intern = self.pool.interner()
        postings[1::3] = weights if shared else list(map(intern, weights, weights))
        postings[2::3] = values
        term_cut = np.flatnonzero(stems[starts][1:] != stems[starts][:-1]) + 1
        term_starts = np.concatenate(([0], term_cut))
        term_ends = np.append(term_cut, m)
        self.pool.add_postings(name, list(map(vocab.stems.__getitem__,
                                              stems[starts][term_starts].tolist())),
                               (3 * term_starts).tolist(), (3 * term_ends).tolist(), postings)

    def _values(self, pos: I64, starts: I64, freq: I64) -> list[bytes]:
        """Each posting's positions, encoded as Whoosh's Positions format encodes them."""
        first = pos[starts]
        top = int(first.max()) + 1
        one = self._one
        if top > len(one):
            one += [pack_uint(1) + pickle.dumps([p], 2) for p in range(len(one), top)]
        values: list[bytes] = list(map(one.__getitem__, first.tolist()))
        multi = np.flatnonzero(freq > 1)
        if len(multi):
            deltas = np.diff(pos, prepend=0)
            deltas[starts] = first
            encoded = encode_positions(deltas, starts[multi], freq[multi])
            intern = self.pool.interner()
            short = [i for i, v in enumerate(encoded) if len(v) < INTERN_MAX]
            for i in short:
                v = encoded[i]
                encoded[i] = intern(v, v)
            deque(map(values.__setitem__, multi.tolist(), encoded), maxlen=0)
        return values

    def _spelling(self, spell: str, words: I64, docs: I64) -> None:
        """Count each unstemmed word once per article it occurs in (by the vocabulary's
        word number, until ``forget`` gives the counts to the pool)."""
        if not len(words):
            return
        span = int(words.max()) + 1
        pairs = np.sort(docs * span + words)
        first = np.concatenate(([True], pairs[1:] != pairs[:-1]))
        per_word = np.bincount(pairs[first] % span, minlength=span)
        counts = self._spell_counts.get(spell)
        if counts is None or len(counts) < span:
            grown = np.zeros(max(span, 2 * len(counts) if counts is not None else 0), np.int64)
            if counts is not None:
                grown[:len(counts)] = counts
            counts = self._spell_counts[spell] = grown
        counts[:span] += per_word
