"""A faster Whoosh segment writer: the same segment files, about a third of the CPU.

Measured on Reuters-21578 with our schema (bench/build.py), most of a Whoosh
build is its pure-Python posting writer, not analysis:

* every posting goes through PostingPool as a 5-tuple that is sorted at the end
  (and past ``limitmb`` pickled to disk and heap-merged back); ``TermPool`` (term_pool.py)
  groups postings per (field, term) as they arrive (document numbers only grow,
  so each term's postings are already in order) and sorts only the distinct terms;
* at flush, Whoosh asks ``doc_field_length`` for every posting, an ``os.stat``
  per posting for fields without a lengths column; the flush here reads each
  field's lengths once and fills posting blocks a block at a time;
* title/body (``schema.NewsAnalyzer`` with positions and spelling=True) are
  analyzed once for both the stemmed postings and the unstemmed spelling words
  (Whoosh runs the analyzer twice), a batch of articles at a time with numpy
  (text_postings.py).

The output is the same sequence of field-writer calls Whoosh makes, so the index
is a plain Whoosh index (verified against Whoosh's writer: same terms, postings
and stored fields). ``FastSegmentWriter`` is a SegmentWriter: deletions, commit,
merge policies and locking behave as Whoosh's.
"""
from __future__ import annotations

import functools
import pickle
import types
from typing import Any

from whoosh import formats
from whoosh.analysis import IDTokenizer
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3FieldWriter, W3PerDocWriter, W3PostingsWriter, _lenfield
from whoosh.columns import NumericColumn
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from .. import schema
from ..stories.shingles import text_hashes
from ..stories.words import StoryPart, StoryWords
from .term_blocks import SmallTerms, compact_buckets, write_hashes
from .term_pool import TermPool
from .text_postings import TextPostings, Vocabulary

emptybytes = b""

# Whoosh pickles each posting block (ids, weights, values) with protocol 2, where a
# bytes value (a posting's positions) is a call to codecs.encode: unpickling a block
# of 128 postings took 40 us, 3 times the rest of reading it, and was most of a cold
# search on a large index. _write_block below is Whoosh's own method (same code) with
# its pickles at protocol 5 (bytes as bytes): blocks load 6x faster and compress to
# about half, and any Whoosh reads them (pickle reads every protocol). Segments
# written before stay as they are and read as before.
BLOCK_PICKLE_PROTOCOL = 5
_write_block = types.FunctionType(
    W3PostingsWriter._write_block.__code__,
    {**vars(whoosh3), "dumps": lambda obj, _protocol: pickle.dumps(obj, BLOCK_PICKLE_PROTOCOL)},
    "_write_block", W3PostingsWriter._write_block.__defaults__)


# a field length byte's length (Whoosh's byte_to_length; no length for 0)
_LENGTH_OF_BYTE = [byte_to_length(b) if b else 0 for b in range(256)]

# field values whose terms are remembered (``FastSegmentWriter._items``)
MAX_SEEN_VALUES = 100_000

# zlib on a block of a few postings costs more CPU than it saves bytes: 83 % of terms
# have three postings or fewer, and skipping zlib for blocks of SMALL_BLOCK postings or
# fewer saved 7.7 % of the build's CPU for +0.9 % index size (issue 20). The block's
# info tuple records compression 0, which Whoosh's reader and postings.py both honour.
SMALL_BLOCK = 8


def _write_block_small_raw(self: Any, last: bool = False) -> None:
    """_write_block, with zlib off for a block of SMALL_BLOCK postings or fewer."""
    comp = self._compression
    if len(self._ids) <= SMALL_BLOCK:
        self._compression = 0
    try:
        _write_block(self, last)
    finally:
        self._compression = comp


def _with_fast_blocks(postings_writer: Any) -> None:
    """Make this W3PostingsWriter write its blocks with BLOCK_PICKLE_PROTOCOL, small
    blocks uncompressed."""
    postings_writer._write_block = types.MethodType(_write_block_small_raw, postings_writer)
def is_news_text(field: Any) -> bool:
    """Is this a TEXT field analyzed by ``schema.NewsAnalyzer`` (stemming) with
    Positions? Then text_postings.py makes its postings; any other field takes
    Whoosh's generic path."""
    ana = field.analyzer
    return (type(ana) is schema.NewsAnalyzer and ana.stem
            and type(field.format) is formats.Positions and not field.vector)


class FastSegmentWriter(SegmentWriter):  # type: ignore[misc]
    """SegmentWriter with TermPool, an inlined add_document, title/body postings made
    a batch of articles at a time (text_postings.py) and a term-wise flush.

    With ``stories`` set, every added article's story signature is made from the
    words the analysis of its title and body found (stories/words.py); ``story_seq``
    numbers the articles in the build's order (a worker is told where its batch starts).
    """

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self.stories: StoryWords | None = None
        self.story_seq = 0
        schema = self.schema
        # Per field: (field, indexed, scorable, spelling field or None, stored, column type,
        # vector format, made by text_postings)
        self._plan: dict[str, tuple[Any, ...]] = {}
        text_fields: dict[str, tuple[str | None, float]] = {}
        for name in schema.names():
            f = schema[name]
            spell = f.spelling_fieldname(name) if f.separate_spelling() else None
            fast = is_news_text(f)
            if fast:
                text_fields[name] = (spell, f.format.field_boost)
            self._plan[name] = (f, f.indexed, f.scorable, spell, f.stored, f.column_type,
                                f.vector, fast)
        self.text = TextPostings(self.pool, text_fields)
        self._seen_items: dict[tuple[str, str], list[Any]] = {}
        self._known = frozenset(self._plan)
        self._stored_only = frozenset(
            name for name, (_f, indexed, _sc, spell, stored, column, vector, fast)
            in self._plan.items()
            if stored and not (indexed or spell or column or vector or fast))
        self._plain_perdoc = type(self.perdocwriter) is W3PerDocWriter
        # articles whose story signature waits for their batch's words:
        # (docnum, seq, {id, title, body}, the text fields text_postings analyzed)
        self._story_pending: list[tuple[int, int, dict[str, Any], frozenset[str]]] = []

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        plan = self._plan
        text = self.text
        fieldnames = sorted([name for name in fields if name[:1] != "_"])
        # "_boost", "_title_boost", "_stored_title": Whoosh's per-document overrides
        special = len(fieldnames) != len(fields)
        docboost = self._doc_boost(fields) if special else 1.0
        if not self._known.issuperset(fieldnames):
            self._check_fields(self.schema, fieldnames)
        perdocwriter.start_doc(docnum)
        # a field that is only stored goes straight to the stored fields (add_field's
        # one effect for it)
        stored_only = perdocwriter._storedfields if self._plain_perdoc else None
        analyzed: dict[str, tuple[list[int], float]] = {}
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                if stored_only is not None and fieldname in self._stored_only and not special:
                    stored_only[fieldname] = value
                    continue
                field, indexed, scorable, spell, stored, column, vformat, fast = plan[fieldname]
                length = 0
                fieldboost = (self._field_boost(fields, fieldname, docboost) if special
                              else 1.0)
                if fast and isinstance(value, str):
                    ids, length = text.analyze(value)
                    if not scorable:
                        length = 0
                    analyzed[fieldname] = (ids, fieldboost)
                elif indexed:
                    items = self._items(fieldname, field, value)
                    length = pool.add_many(fieldname, items, docnum, fieldboost, scorable)
                if spell is not None and not (fast and isinstance(value, str)):
                    pool.add_spelling(
                        spell, (w.encode("utf-8") for w in field.spellable_words(value)))
                if vformat:
                    vitems = vformat.word_values(value, field.analyzer, mode="index")
                    vitems = sorted((t, w, v) for t, _, w, v in vitems)
                    perdocwriter.add_vector_items(fieldname, field, vitems)
                customval = fields.get(f"_stored_{fieldname}", value) if special else value
                perdocwriter.add_field(fieldname, field, customval if stored else None, length)
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column,
                                                  field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        full = text.add(docnum, analyzed) if analyzed else False
        if self.stories is not None:
            self._story_pending.append((docnum, self.story_seq, {
                name: fields.get(name) for name in (schema.ID, *schema.TEXT_FIELDS)},
                frozenset(analyzed)))
            self.story_seq += 1
        self._added = True
        self.docnum += 1
        if full:
            self._flush_text()

    def _items(self, fieldname: str, field: Any, value: Any) -> list[Any]:
        """``list(field.index(value))``: for an id (``IDTokenizer``, Existence) the one
        term made directly; for another field, remembered per value (tags, authors and
        sources repeat: Reuters' 21,577 articles hold 3,669 distinct tag lists)."""
        if type(value) is not str:
            return list(field.index(value))
        if field.unique:
            if type(field.analyzer) is IDTokenizer and type(field.format) is formats.Existence:
                return [(value.encode("utf-8"), 1, field.format.field_boost, b"")]
            return list(field.index(value))
        cache = self._seen_items
        key = (fieldname, value)
        items = cache.get(key)
        if items is None:
            items = list(field.index(value))
            if len(cache) >= MAX_SEEN_VALUES:
                cache.clear()
            cache[key] = items
        return items

    def _flush_text(self) -> None:
        """The pending articles' title/body postings into the pool, then their story
        signatures (in the order they were added)."""
        stories = self._story_pending
        vocabulary = self.text.vocabulary  # the one that numbered the pending tokens
        words = self.text.flush(want_words=bool(stories))
        self._story_pending = []
        for docnum, seq, fields, analyzed in stories:
            self._note_story(seq, fields, analyzed, words.get(docnum, {}), vocabulary)

    def add_reader(self, reader: Any) -> None:
        self._flush_text()  # the pool takes each term's postings in document order
        super().add_reader(reader)

    def _note_story(self, seq: int, fields: dict[str, Any], analyzed: frozenset[str],
                    tokens: dict[str, list[int]], vocabulary: Vocabulary) -> None:
        """The article's story signature, from the words its analysis found (a field
        that took another path is read again)."""
        assert self.stories is not None
        title, body = fields.get(schema.TITLE) or "", fields.get(schema.BODY) or ""
        if all(name in analyzed or not fields.get(name) for name in schema.TEXT_FIELDS):
            self.stories.add_numbers(seq, fields[schema.ID], title, body,
                                     [tokens.get(n, []) for n in schema.TEXT_FIELDS], vocabulary)
        else:
            self.stories.add(seq, fields[schema.ID], text_hashes(str(title), str(body)))

    def story_parts(self) -> list[StoryPart]:
        """The story signatures of the articles added (none without ``stories``)."""
        self._flush_text()
        return [] if self.stories is None else [self.stories.part()]

    def _length_tables(self, pdr: Any) -> dict[str, list[int]]:
        """Per scorable field, its document lengths as a list (one read per segment)."""
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN
        tables: dict[str, list[int]] = {}
        n = self.docnum
        for name in self.pool.fieldnames:
            lenfield = _lenfield(name)
            if pdr.has_column(lenfield):
                reader = pdr.column_reader(lenfield, LENGTHS_COLUMN)
                if type(reader) is NumericColumn.Reader and reader._fixedlen == 1:
                    # the column's bytes in one read (a call per document was 5 s per
                    # field of a million articles); documents past its end have none
                    raw = reader._dbfile.get(reader._basepos, min(reader._count, n))
                else:
                    raw = bytes(reader[i] for i in range(n))
                tables[name] = list(map(_LENGTH_OF_BYTE.__getitem__, raw))
                tables[name] += [0] * (n - len(raw))
        return tables

    def _flush_segment(self) -> None:
        self._flush_text()
        self.text.forget()  # no article follows; the pool's terms are written next
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        tables = self._length_tables(pdr) if pdr is not None else {}
        fw = self.fieldwriter
        schema = self.schema
        start_term = fw.start_term
        finish_term = fw.finish_term
        lastfield = None
        bulk = type(fw._codec.postings_writer(None)) is W3PostingsWriter
        whole = bulk and type(fw) is W3FieldWriter and fw._tindex.hashtype == 0
        if whole:
            fw._tindex._write_hashes = functools.partial(write_hashes, fw._tindex)
            compact_buckets(fw._tindex)
        small: SmallTerms | None = None
        skip = False
        lens = None
        add: Any = None
        for fieldname, tbytes, lst in self.pool.iter_terms():
            if fieldname != lastfield:
                if lastfield is not None and not skip:
                    if small is not None:
                        small.flush()
                    fw.finish_field()
                lastfield = fieldname
                skip = fieldname not in schema
                if skip:
                    continue
                fw.start_field(fieldname, schema[fieldname])
                if bulk:
                    _with_fast_blocks(fw._postwriter)
                lens = tables.get(fieldname)
                add = fw._postwriter.add_posting
                if whole:
                    small = SmallTerms(fw, fw._postwriter._compression, SMALL_BLOCK,
                                       BLOCK_PICKLE_PROTOCOL)
            elif skip:
                continue
            if small is not None and lst and small.write(tbytes, lst, lens):
                continue
            if small is not None:
                small.flush()
            start_term(tbytes)
            if bulk:
                _add_postings_bulk(fw._postwriter, lst, lens)
            else:
                it = iter(lst)
                if lens is None:
                    for d, w, v in zip(it, it, it, strict=True):
                        add(d, w, emptybytes if v is None else v, 0)
                else:
                    for d, w, v in zip(it, it, it, strict=True):
                        add(d, w, emptybytes if v is None else v, lens[d])
            finish_term()
            if small is not None:
                small.sync()
        if lastfield is not None and not skip:
            if small is not None:
                small.flush()
            fw.finish_field()
        fw.close()
        if pdr is not None:
            pdr.close()


def _add_postings_bulk(pw: Any, lst: list[Any], lens: list[int] | None) -> None:
    """W3PostingsWriter.add_posting for a whole posting list, a block at a time.

    Fills the block buffers exactly as add_posting would (ids, float32 weights,
    non-empty values, max weight = first maximal weight if > 0, min/max of the
    non-zero lengths) and lets Whoosh write the blocks.
    """
    ids = lst[0::3]
    ws = lst[1::3]
    vs = lst[2::3]
    n = len(ids)
    bl = pw._blocklimit
    ls = None if lens is None else [lens[d] for d in ids]
    for i in range(0, n, bl):
        if i:
            pw._write_block()
        j = i + bl
        wc = ws[i:j]
        pw._ids.extend(ids[i:j])
        pw._weights.extend(wc)
        mw = max(wc)
        if mw > pw._maxweight:
            pw._maxweight = mw
        vals = [v for v in vs[i:j] if v]
        if vals:
            pw._values.extend(vals)
        if ls is not None:
            lc = [x for x in ls[i:j] if x]
            if lc:
                pw._minlength = min(lc)
                pw._maxlength = max(lc)
