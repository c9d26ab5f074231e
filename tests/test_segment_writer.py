"""The fast segment writer must write what Whoosh's own writer writes, except for the
spelling words, which it counts (one posting per word per segment) instead of listing."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import RamStorage

from searcher import schema
from searcher._whoosh import segment_writer
from searcher._whoosh.segment_writer import FastSegmentWriter
from searcher._whoosh.term_pool import TermPool
from searcher.models import Article

from .conftest import REUTERS, SEED, needs_shared


def articles(n: int) -> list[Article]:
    out = [Article(id="seed", title="Azerbaijan accuses Armenia", body=SEED.read_text("utf-8"),
                   tags=("Mike Pompeo", "Armenia–Azerbaijan border"), authors=("Jane Doe",))]
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        for line in itertools.islice(f, n):
            r = json.loads(line)
            if r["title"] or r["body"]:
                out.append(Article(id=r["id"], title=r["title"], body=r["body"],
                                   tags=tuple(r["topics"] + r["places"]),
                                   published=datetime.fromisoformat(r["date"])))
    return out


def build(path: Path, docs: list[Article], fast: bool, limitmb: int) -> Any:
    """Two commits: the second deletes from the first segment, adds more and merges
    the segments (the pool's generic path, as in incremental builds)."""
    path.mkdir()
    ix = whoosh_index.create_in(str(path), schema.build_schema())
    half = len(docs) // 2
    for batch, delete in ((docs[:half], None), (docs[half:], docs[5].id)):
        writer = FastSegmentWriter(ix, limitmb=limitmb) if fast else ix.writer(limitmb=limitmb)
        if delete:
            writer.delete_by_term(schema.ID, delete)
        for article in batch:
            writer.add_document(**schema.article_to_document(article))
        writer.commit(optimize=True)
    return whoosh_index.open_dir(str(path))


DOCS = 400  # Reuters records read (one of them is empty) after the seed article


@pytest.fixture(scope="module")
def whoosh_reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """What Whoosh's own writer makes of the articles, built once: its pool's memory limit
    changes how sorted runs are merged, not the segment it writes, so one reference serves
    every limit the fast writer is tried with."""
    if not REUTERS.exists():
        pytest.skip(f"{REUTERS} not present")
    reader = build(tmp_path_factory.mktemp("plain") / "ix", articles(DOCS), False, 128).reader()
    yield reader
    reader.close()


@needs_shared(REUTERS)
@pytest.mark.parametrize(("limitmb", "open_runs"), [
    (1, 64),  # 1 MB: the pool spills runs to disk
    (1, 2),  # ...and merges them two at a time first (bounded open files)
    (128, 64)])
def test_same_index_as_whoosh(tmp_path: Path, whoosh_reference: Any, limitmb: int,
                              open_runs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TermPool, "MAX_OPEN_RUNS", open_runs)
    grouped = []
    merged_run = TermPool._merged_run
    monkeypatch.setattr(TermPool, "_merged_run",
                        lambda pool, group: grouped.append(len(group)) or merged_run(pool, group))
    docs = articles(DOCS)
    fast = build(tmp_path / "fast", docs, True, limitmb).reader()
    plain = whoosh_reference
    assert fast.doc_count() == plain.doc_count() == len(docs) - 1
    fields = sorted(fast.indexed_field_names())
    assert {"body", "spell_body", "tags"} <= set(fields)
    assert "published" not in fields  # a column only: no trie terms
    for field in fields:
        terms = list(fast.lexicon(field))
        assert terms == list(plain.lexicon(field)), field
        if field.startswith(schema.SPELLING_PREFIX):
            # The same documents counted per word; one posting per segment instead of
            # one per document (the merge keeps one per merged segment).
            for term in terms:
                assert fast.frequency(field, term) == plain.frequency(field, term) \
                    == plain.doc_frequency(field, term), (field, term)
                assert fast.doc_frequency(field, term) <= 2, (field, term)
            continue
        for term in terms:
            a = fast.postings(field, term)
            b = plain.postings(field, term)
            assert list(a.all_items()) == list(b.all_items()), (field, term)
            # the term's statistics, its documents' shortest and longest field included
            ta, tb = fast.term_info(field, term), plain.term_info(field, term)
            assert (ta.min_length(), ta.max_length(), ta.max_weight(), ta.weight()) == \
                (tb.min_length(), tb.max_length(), tb.max_weight(), tb.weight()), (field, term)
    assert list(fast.all_stored_fields()) == list(plain.all_stored_fields())
    for n in range(fast.doc_count_all()):
        assert fast.doc_field_length(n, "body") == plain.doc_field_length(n, "body")
    assert bool(grouped) == (open_runs == 2) and all(n <= open_runs for n in grouped)


def test_a_writer_reserving_more_than_the_limit_does_not_spill_a_run_per_batch() -> None:
    """A shard writer's limit (the build's, divided among shards) can be below its own
    vocabulary: the pool must still fill a run of a quarter of its limit before spilling
    (a 50x sharded build spilled thousands of tiny runs and ran out of open files)."""
    pool = TermPool(RamStorage(), None, limitmb=1)
    pool.reserved = 10 << 20  # what text_postings.py reserves, past the 1 MB limit
    for docnum in range(2000):
        pool.add(("body", b"w%d" % (docnum % 50), docnum, 1.0, None))
    assert len(pool.runs) <= 1  # 2,000 postings are far below a quarter of 1 MB
    terms = list(pool.iter_terms())
    assert [t for _f, t, _l in terms] == sorted(b"w%d" % n for n in range(50))
    assert [len(lst) // 3 for _f, _t, lst in terms] == [40] * 50


def test_posting_blocks_are_pickled_at_protocol_5(tmp_path: Path) -> None:
    """Bytes values (positions) as plain bytes: a block loads without a codecs call per
    posting. Whoosh reads the index all the same (test_same_index_as_whoosh)."""
    import io
    import pickle
    import struct
    import zlib

    from searcher._whoosh.segment_writer import BLOCK_PICKLE_PROTOCOL

    docs = [Article(id=str(i), title=f"Oil {i}", body="crude oil prices " * (i % 9 + 1))
            for i in range(600)]
    with build(tmp_path / "ix", docs, True, 128).reader() as reader:
        [(segment, _offset)] = reader.leaf_readers()
        terms = segment._terms
        start = terms.term_info("body", b"oil").extent()[0] + 4  # after the magic bytes
        raw = terms._postfile.get(start, 4096)
    (length,) = struct.unpack_from("!i", raw)
    block = io.BytesIO(raw[4:4 + abs(length)])
    info = pickle.load(block)
    data = block.read()
    data = zlib.decompress(data) if info[3] else data
    assert data[:2] == bytes([0x80, BLOCK_PICKLE_PROTOCOL])
    ids, _weights, values = pickle.loads(data)
    assert len(ids) == info[0] and all(type(v) is bytes for v in values)


def test_small_blocks_are_not_compressed_and_read_back(tmp_path: Path) -> None:
    """A block of SMALL_BLOCK postings or fewer is stored without zlib (cheaper to
    write, issue 20), a larger one compressed; Whoosh and our own reader read both."""
    import io
    import pickle
    import struct

    from searcher._whoosh import postings
    from searcher._whoosh.segment_writer import SMALL_BLOCK

    docs = [Article(id=str(i), title=f"Oil {i}",
                    body="crude oil" + (" tanker" if i < 5 else ""))
            for i in range(600)]
    with build(tmp_path / "ix", docs, True, 128).reader() as reader:
        [(segment, _offset)] = reader.leaf_readers()
        terms = segment._terms
        infos = {}
        for word in (b"tanker", b"oil"):
            start = terms.term_info("body", word).extent()[0] + 4  # after the magic
            raw = terms._postfile.get(start, 64)
            (length,) = struct.unpack_from("!i", raw)
            infos[word] = pickle.load(io.BytesIO(raw[4:4 + abs(length)]))
        assert infos[b"tanker"][0] == 5 <= SMALL_BLOCK and infos[b"tanker"][3] == 0
        assert infos[b"oil"][0] > SMALL_BLOCK and infos[b"oil"][3] > 0
        whoosh_ids = list(reader.postings("body", b"tanker").all_ids())
        assert len(whoosh_ids) == 5
        assert {reader.stored_fields(n)["id"] for n in whoosh_ids} == {"0", "1", "2", "3", "4"}
        ids, _weights = postings.postings(segment, "body", b"tanker")
        assert list(ids) == whoosh_ids
        oil = list(reader.postings("body", b"oil").all_ids())
        assert len(oil) > 500 and list(postings.postings(segment, "body", b"oil")[0]) == oil


_PIECES = st.sampled_from([*"ab zA'\u2019._-\u00e9\u00df01s\n\u0130", "the ", "of ",
                           "Japan's ", "U.S. ", "runs ", "running "])
_ASCII_PIECES = st.sampled_from([*"ab zA'._-01s\n\t\x0b\x1c,;", "the ", "of ", "Japan's ",
                                 "U.S. ", "runs ", "a.m. ", "3.5 ", "x..y ", "'s ", "A_b "])
_ASCII_TEXTS = (st.lists(_ASCII_PIECES, max_size=40).map("".join)
                | st.text(st.characters(max_codepoint=127), max_size=80))
_TEXTS = st.lists(_PIECES, max_size=40).map("".join) | st.text(max_size=80) | _ASCII_TEXTS


@given(st.lists(_TEXTS, min_size=1, max_size=8))
@settings(max_examples=300, deadline=None)
def test_ascii_chunks_give_the_tokens(values: list[str]) -> None:
    """Vocabulary.text_numbers reads an ASCII text a chunk at a time (translate, split):
    the tokens the token pattern finds in the folded text, each numbered with what the
    analyzer makes of it (word, stem, dropped, before a fragment), in one vocabulary
    shared with non-ASCII texts."""
    from searcher._whoosh.text_postings import Vocabulary, tokens

    def meaning(v: Vocabulary, numbers: list[int]) -> list[tuple[str, bytes | None, int, int]]:
        return [(v.words[v.word[n]], v.stems[v.stem[n]] if v.stem[n] >= 0 else None,
                 v.keep[n], v.apostrophe[n]) for n in numbers]

    chunked, plain = Vocabulary(), Vocabulary()
    for value in values * 2:  # the second time from what the vocabulary remembers
        assert meaning(chunked, chunked.text_numbers(value)) == \
            meaning(plain, plain.numbers(tokens(value)))


@given(_TEXTS)
@settings(max_examples=400, deadline=None)
def test_index_words_is_the_analyzer(value: str) -> None:
    """The writer's one-pass word positions and spelling words are the analyzer's
    (schema._words is what queries, phrases and highlighting use)."""
    expected: dict[str, list[int]] = {}
    for _s, _e, word, stop, pos in schema._words(schema.fold(value), True):
        if not stop:
            expected.setdefault(word, []).append(pos)
    words = {w for _s, _e, w, stop, _p in schema._words(schema.fold(value), False) if not stop}
    assert schema.index_words(value) == (expected, words)


@needs_shared(REUTERS)
@pytest.mark.parametrize("limitmb", [1, 128])
def test_small_terms_are_written_byte_for_byte_as_whoosh_writes_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limitmb: int) -> None:
    """term_blocks.SmallTerms writes a term of one block itself (no per-term posting
    writer, tell() or term info object): the postings and terms files are exactly the
    ones Whoosh's field writer makes, terms of several blocks included."""
    docs = articles(DOCS)

    def files(name: str, whoosh_path: bool) -> dict[str, bytes]:
        path = tmp_path / name
        path.mkdir()
        with monkeypatch.context() as m:
            if whoosh_path:  # SmallTerms is used only for Whoosh's own field writer class
                m.setattr(segment_writer, "W3FieldWriter", type(None))
            ix = whoosh_index.create_in(str(path), schema.build_schema())
            writer = FastSegmentWriter(ix, limitmb=limitmb, compound=False)
            for article in docs:
                writer.add_document(**schema.article_to_document(article))
            writer.commit()
            with ix.reader() as reader:
                assert reader.doc_frequency("body", b"said") > 128  # several blocks
        return {p.suffix: p.read_bytes() for p in path.iterdir() if p.suffix in (".trm", ".pst")}

    bulk, plain = files("bulk", False), files("plain", True)
    assert set(bulk) == {".trm", ".pst"}
    assert bulk == plain


@given(st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=6))
@settings(max_examples=150, deadline=None)
def test_batched_postings_are_the_analyzers(texts: list[tuple[str, str]]) -> None:
    """text_postings.py's batch (one findall per field, numpy grouping) indexes what the
    analyzer reads: per field each stem's documents and positions as schema._words
    numbers them, the field lengths, each spelling word's document count, and the story
    words (the content hash of text_hashes, the stories' own reading)."""
    from whoosh.filedb.filestore import RamStorage
    from whoosh.util.numeric import byte_to_length, length_to_byte

    from searcher.stories.shingles import text_hashes
    from searcher.stories.words import StoryWords, content_hash

    ix = RamStorage().create_index(schema.build_schema())
    writer = FastSegmentWriter(ix)
    writer.stories = StoryWords()
    for i, (title, body) in enumerate(texts):
        writer.add_document(**schema.article_to_document(Article(id=str(i), title=title,
                                                                 body=body)))
    parts = writer.story_parts()
    writer.commit()
    assert parts[0].content.tolist() == [content_hash(text_hashes(t, b)) for t, b in texts]
    with ix.reader() as reader:
        for field, column in ((schema.TITLE, 0), (schema.BODY, 1)):
            expected: dict[bytes, list[tuple[int, list[int]]]] = {}
            spelling: dict[bytes, set[int]] = {}
            for n, pair in enumerate(texts):
                found: dict[bytes, list[int]] = {}
                for _s, _e, word, stop, pos in schema._words(schema.fold(pair[column]), True):
                    if not stop:
                        found.setdefault(word.encode(), []).append(pos)
                for term, positions in found.items():
                    expected.setdefault(term, []).append((n, positions))
                for _s, _e, word, stop, _p in schema._words(schema.fold(pair[column]), False):
                    if not stop:
                        spelling.setdefault(word.encode(), set()).add(n)
                length = reader.doc_field_length(n, field) or 0  # None: no field lengths
                words = sum(map(len, found.values()))  # kept as a byte: approximate
                assert length == (byte_to_length(length_to_byte(words)) if words else 0)
            got = {term: [(d, list(p)) for d, p in
                          reader.postings(field, term).items_as("positions")]
                   for term in reader.lexicon(field)}
            assert got == dict(sorted(expected.items()))
            spell = schema.SPELLING_PREFIX + field
            assert {w: reader.frequency(spell, w) for w in reader.lexicon(spell)} == \
                {w: len(d) for w, d in spelling.items()}


@given(st.lists(st.lists(st.integers(0, 2**31 - 1) | st.integers(0, 300), min_size=2,
                         max_size=30) | st.just(list(range(2, 2500))), min_size=1, max_size=8))
@settings(max_examples=300, deadline=None)
def test_positions_are_encoded_as_pickle_encodes_them(lists: list[list[int]]) -> None:
    """position_bytes.encode_positions writes each posting's positions (deltas) in numpy:
    byte for byte what Whoosh's Positions format writes, pack_uint(n) + pickle at
    protocol 2, small and large ints and lists over pickle's 1000-item batches alike."""
    import pickle

    import numpy as np
    from whoosh.system import pack_uint

    from searcher._whoosh.position_bytes import encode_positions

    flat = np.array([0, *[x for lst in lists for x in lst]], dtype=np.int64)
    counts = np.array([len(lst) for lst in lists], dtype=np.int64)
    starts = np.cumsum(counts) - counts + 1
    assert encode_positions(flat, starts, counts) == \
        [pack_uint(len(lst)) + pickle.dumps(lst, 2) for lst in lists]


def test_the_length_byte_table_is_whooshs() -> None:
    """term_blocks' table of field length bytes (made with numpy at import) gives what
    Whoosh's length_to_byte gives for every length, and 255 past the table."""
    from whoosh.util.numeric import length_to_byte

    from searcher._whoosh.term_blocks import _LONG, _length_byte

    assert [_length_byte(n) for n in range(_LONG + 1000)] == \
        [length_to_byte(n) for n in range(_LONG + 1000)]


def test_writers_on_ram_storage_spill_into_folders_of_their_own() -> None:
    """Two writers (here, or in two test runs at once) never share a temporary folder:
    Whoosh named it /tmp/MAIN.tmp for all, and one writer's commit removed it under the
    other (conftest.py gives each its own)."""
    first, second = (RamStorage().create_index(schema.build_schema()).writer()
                     for _ in range(2))
    try:
        folders = {first.temp_storage().folder, second.temp_storage().folder}
        assert len(folders) == 2 and not folders & {os.path.join(tempfile.gettempdir(),
                                                                 "MAIN.tmp")}
    finally:
        first.cancel()
        second.cancel()
    assert not any(os.path.exists(f) for f in folders)
