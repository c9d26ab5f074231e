"""An article's text as near-duplicate detection reads it: word 5-shingles.

The words are the ones the index holds for title and body (schema.NewsAnalyzer:
folded, stop words and one-letter words dropped, Snowball-stemmed; one-digit numbers
kept), in text order,
so "the same text" means what a search sees: case, accents, punctuation, spacing,
"Japan's" and a changed "the" are not differences. A shingle is five consecutive
words; a text of fewer than five words is one shingle (all its words), so a short
brief still compares with its re-send.

Shingles are hashed to 64 bits (blake2b of each word, combined per window with a
fixed odd multiplier per position): two different shingles collide with probability
about 2^-64, and the hashes are the same in every process and Python version (no
``hash()``), so a table written by one build is read correctly by the next.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..folding import fold
from ..schema import ENGLISH_STOP_WORDS, stem_cached

SHINGLE_WORDS = 5
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# schema._WORD without its capturing group, so findall returns whole words.
_WORD = re.compile(r"\w+(?:\.?\w+)*")
# For ASCII text (most news), the same words in C: a word's inner periods deleted
# ("U.S." -> "us", "3.5" -> "35"), every other non-word character a space.
_ASCII_WORDS = str.maketrans({**{chr(c): " " for c in range(128)
                                 if not (chr(c).isalnum() or chr(c) == "_")}, ".": None})
# Where _tokens' ASCII path and the index's words differ: a run of periods between two
# word characters ("said...the" is one word there, two in the index).
_GLUED_DOTS = re.compile(r"\w\.\.+\w")
_WORD_HASHES: dict[str, int] = {}
_MAX_CACHED_WORDS = 1_000_000
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD], dtype=np.uint64)
_EMPTY: U64 = np.zeros(0, dtype=np.uint64)


_stem = stem_cached  # the analyzer's cache: a word the index stemmed is not stemmed again


def _tokens(title: str, body: str) -> list[str]:
    """The tokens of ``schema.NewsAnalyzer`` (folded), each without its inner periods
    (so a word reads the same whether its text is all ASCII or not)."""
    text = f"{title}\n{body}"
    if text.isascii():
        return text.lower().translate(_ASCII_WORDS).split()
    return [w.replace(".", "") for w in _WORD.findall(fold(text))]


def story_words(title: str, body: str) -> list[str]:
    """The indexed words of an article's title then body, in order: the words
    ``schema.index_words`` indexes (stop words and one-letter words dropped, stemmed),
    without their positions, a word's inner periods left out ("U.S." is "us"), and
    one-digit numbers kept (the index drops them, but "rose 1 pct" and "rose 2 pct"
    are two stories)."""
    stop = ENGLISH_STOP_WORDS
    return [_stem(w) for w in _tokens(title, body)
            if (len(w) > 1 or w.isdigit()) and w not in stop]


def word_shingles(words: list[str]) -> set[tuple[str, ...]]:
    """The distinct 5-word shingles of ``words`` as tuples (the exact form the oracle
    compares; ``shingle_sequence`` is the same shingles hashed)."""
    if len(words) < SHINGLE_WORDS:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _word_hash(word: str) -> int:
    """The hash of ``word``'s stem, 0 for a word left out (stop words, one letter)."""
    if len(_WORD_HASHES) >= _MAX_CACHED_WORDS:
        _WORD_HASHES.clear()
    found = 0
    if (len(word) > 1 or word.isdigit()) and word not in ENGLISH_STOP_WORDS:
        digest = hashlib.blake2b(_stem(word).encode("utf-8"), digest_size=8).digest()
        found = int.from_bytes(digest, "little") or 1
    _WORD_HASHES[word] = found
    return found


def text_hashes(title: str, body: str) -> U64:
    """The 64-bit hash of each of ``story_words(title, body)``, in order: one dict
    lookup per word (folded word -> hash of its stem, 0 for a dropped word), because
    this runs for every article a build indexes."""
    get = _WORD_HASHES.get
    words = _tokens(title, body)
    raw = list(map(get, words))
    if None in raw:
        raw = [h if h is not None else _word_hash(w) for h, w in zip(raw, words, strict=True)]
    hashes: U64 = np.array(raw, dtype=np.uint64)
    kept: U64 = hashes[hashes != 0]
    return kept


class WordHashes:
    """``text_hashes``' hash of each word of a writer's vocabulary (its words in the
    order it numbered them, inner periods kept as the analysis finds them; 0 for a
    dropped word), by word number: each word is hashed once, when first met, and a
    batch's words become hashes with one array lookup."""

    def __init__(self) -> None:
        self.hashes: U64 = np.zeros(0, dtype=np.uint64)

    def of(self, numbers: I64, words: Sequence[str]) -> U64:
        """The hashes of the words ``numbers`` of the vocabulary ``words``."""
        if len(words) > len(self.hashes):
            new = [_bare_hash(w) for w in words[len(self.hashes):]]
            self.hashes = np.concatenate([self.hashes, np.array(new, dtype=np.uint64)])
        found: U64 = self.hashes[numbers]
        return found


def _bare_hash(word: str) -> int:
    bare = word.replace(".", "")
    found = _WORD_HASHES.get(bare)
    return _word_hash(bare) if found is None else found


def glued_dots(title: str, body: str) -> bool:
    """Does the text hold periods glued between two words ("said...the")? The
    analysis's tokens and ``_tokens``' ASCII reading differ there: such a text is read
    by ``text_hashes`` itself."""
    return bool((".." in title and _GLUED_DOTS.search(title))
                or (".." in body and _GLUED_DOTS.search(body)))


def word_hashes(words: list[str]) -> U64:
    """Each (already indexed) word's hash, as ``text_hashes`` gives it."""
    return np.array([int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8)
                                    .digest(), "little") or 1 for w in words], dtype=np.uint64)


def shingle_sequence(hashes: U64) -> U64:
    """The hash of each shingle of the words hashed in ``hashes``, in text order
    (repeats kept): what anchors are chosen from (signature.py)."""
    if not len(hashes):
        return _EMPTY
    k = min(SHINGLE_WORDS, len(hashes))
    n = len(hashes) - k + 1
    mixed: U64 = hashes[:n] * _MIX[0]
    for i in range(1, k):
        mixed = (mixed << np.uint64(7)) | (mixed >> np.uint64(57))
        mixed ^= hashes[i:i + n] * _MIX[i]
    return mixed
