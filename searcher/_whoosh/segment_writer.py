"""A faster Whoosh segment writer: the same segment files, about a third of the CPU.

Measured on Reuters-21578 with our schema (bench/build.py), most of a Whoosh
build is its pure-Python posting writer, not analysis:

* every posting goes through PostingPool as a 5-tuple that is sorted at the end
  (and past ``limitmb`` pickled to disk and heap-merged back); ``TermPool``
  groups postings per (field, term) as they arrive (document numbers only grow,
  so each term's postings are already in order) and sorts only the distinct terms;
* at flush, Whoosh asks ``doc_field_length`` for every posting, an ``os.stat``
  per posting for fields without a lengths column; the flush here reads each
  field's lengths once and fills posting blocks a block at a time;
* title/body (``schema.NewsAnalyzer`` with positions and spelling=True) are
  analyzed once for both the stemmed postings and the unstemmed spelling words
  (Whoosh runs the analyzer twice).

The output is the same sequence of field-writer calls Whoosh makes, so the index
is a plain Whoosh index (verified against Whoosh's writer: same terms, postings
and stored fields). ``FastSegmentWriter`` is a SegmentWriter: deletions, commit,
merge policies and locking behave as Whoosh's.
"""
from __future__ import annotations

import contextlib
import pickle
import types
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from whoosh import formats
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3PostingsWriter, _lenfield
from whoosh.compat import dump, dumps, load
from whoosh.externalsort import imerge
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

from .. import schema

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


def _with_fast_blocks(postings_writer: Any) -> None:
    """Make this W3PostingsWriter write its blocks with BLOCK_PICKLE_PROTOCOL."""
    postings_writer._write_block = types.MethodType(_write_block, postings_writer)
# Values shorter than this are shared between postings (saves memory; pickle then
# writes repeats in a block as memo references: smaller .pst, same decoded data).
_INTERN_MAX = 24


class TermPool(PostingPool):  # type: ignore[misc]
    """PostingPool keyed by field then term, with term-grouped spill runs.

    Memory per posting: three list slots (docnum, weight, value). The docnum int
    is shared by all of a document's postings, and equal weights and short
    values are interned, so most postings cost ~24-30 bytes instead of a 5-tuple
    with its own objects (~200 bytes). Spelling postings (Whoosh's spell_* fields:
    docnum 0, weight 1, the value of the posting added just before) keep only
    their value (8 bytes).

    Past ``limitmb`` (estimated) the pool writes a run: its terms in sorted
    order, each with its whole posting list, pickled in batches. Runs are
    chronological, so merging them is a heap merge on (field, term) that
    concatenates lists: no per-posting comparisons.
    """

    RUN_BATCH = 2000  # terms per pickle record in a run

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._fields: dict[str, dict[bytes, list[Any]]] = {}
        self._spell: dict[str, dict[bytes, list[Any]]] = {}
        self._interned: dict[Any, Any] = {}

    def _field_terms(self, fieldname: str) -> dict[bytes, list[Any]]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Generic entry point (merging existing segments, MpWriter): one posting."""
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self._field_terms(fieldname)
        lst = terms.get(tbytes)
        if lst is None:
            terms[tbytes] = [docnum, weight, vbytes]
            self.currentsize += 250 + len(tbytes)
        else:
            lst += (docnum, weight, vbytes)
            self.currentsize += 40
        if self.currentsize > self.limit:
            self.save()

    def add_many(self, fieldname: str, items: list[tuple[bytes, Any, Any, Any]],
                 docnum: int, fieldboost: float, scorable: bool) -> int:
        """One field of one document (SegmentWriter.add_document's loop); returns its length."""
        terms = self._field_terms(fieldname)
        get = terms.get
        intern = self._interned.setdefault
        length = 0
        size = 0
        for tbytes, freq, weight, vbytes in items:
            weight *= fieldboost
            weight = intern(weight, weight)
            if scorable:
                length += freq
            if vbytes is not None and len(vbytes) < _INTERN_MAX:
                vbytes = intern(vbytes, vbytes)
            lst = get(tbytes)
            if lst is None:
                terms[tbytes] = [docnum, weight, vbytes]
                size += 250 + len(tbytes)
            else:
                lst += (docnum, weight, vbytes)
                size += 40
        self.currentsize += size
        if self.currentsize > self.limit:
            self.save()
        return length

    def add_spelling(self, fieldname: str, words: Any, vbytes: Any) -> None:
        """Whoosh's spelling postings (spellfield, word, 0, 1, vbytes), one per unique word."""
        terms = self._spell.get(fieldname)
        if terms is None:
            terms = self._spell[fieldname] = {}
            self.fieldnames.add(fieldname)
        get = terms.get
        size = 0
        for word in words:
            lst = get(word)
            if lst is None:
                terms[word] = [vbytes]
                size += 200 + len(word)
            else:
                lst.append(vbytes)
                size += 8
        self.currentsize += size
        if self.currentsize > self.limit:
            self.save()

    @staticmethod
    def _ordered(lst: list[Any], spell: list[Any] | None) -> list[Any]:
        """One term's postings as a flat [docnum, weight, value, ...] list, in the
        order Whoosh's pool gives (sorted by docnum, then weight, then value).

        Postings arrive in docnum order, so this is only a check, except for
        spelling postings, which all have docnum 0 and tie.
        """
        if spell:
            sp: list[Any] = []
            for v in sorted(spell, key=_value_key):
                sp += (0, 1, v)
            if not lst:
                return sp
            lst = sp + lst
        elif len(lst) <= 3:
            return lst
        else:
            ds = lst[0::3]
            if len(set(ds)) == len(ds) and ds == sorted(ds):
                return lst
        it = iter(lst)
        trip = sorted(zip(it, it, it, strict=True), key=_posting_key)
        return [x for t in trip for x in t]

    def _memory_terms(self) -> Iterator[tuple[str, bytes, list[Any], list[Any] | None]]:
        """(field, term, postings, spelling values) in sorted order; empties memory."""
        fields, spell = self._fields, self._spell
        self._fields, self._spell = {}, {}
        self._interned = {}
        self.currentsize = 0
        for fieldname in sorted(set(fields) | set(spell)):
            terms = fields.pop(fieldname, {})
            sterms = spell.pop(fieldname, {})
            for tbytes in sorted(set(terms) | set(sterms) if sterms else terms):
                yield fieldname, tbytes, terms.get(tbytes) or [], sterms.get(tbytes)

    def save(self) -> None:
        if not self._fields and not self._spell:
            return
        path, f = self._new_run()
        batch: list[Any] = []
        for rec in self._memory_terms():
            batch.append(rec)
            if len(batch) >= self.RUN_BATCH:
                dump(batch, f, -1)
                batch = []
        if batch:
            dump(batch, f, -1)
        f.close()
        self._add_run(path)

    def _read_terms(self, path: str, runno: int) -> Iterator[tuple[Any, ...]]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = load(f)
                except EOFError:
                    return
                for fieldname, tbytes, lst, sp in batch:
                    yield fieldname, tbytes, runno, lst, sp
        finally:
            f.close()
            self._remove_run(path)

    def iter_terms(self) -> Iterator[tuple[str, bytes, list[Any]]]:
        """(field, term, flat ordered postings) for every term, sorted; empties the pool."""
        ordered = self._ordered
        if not self.runs:
            for fieldname, tbytes, lst, sp in self._memory_terms():
                yield fieldname, tbytes, ordered(lst, sp)
            return
        self.save()
        runs: list[Any] = list(self.runs)
        self.runs: list[Any] = []
        merged = imerge([self._read_terms(p, i) for i, p in enumerate(runs)])
        cur = None
        acc: list[Any] = []
        accsp: list[Any] = []
        for fieldname, tbytes, _, lst, sp in merged:
            key = (fieldname, tbytes)
            if key != cur:
                if cur is not None:
                    yield cur[0], cur[1], ordered(acc, accsp)
                cur, acc, accsp = key, [], []
            acc += lst
            if sp:
                accsp += sp
        if cur is not None:
            yield cur[0], cur[1], ordered(acc, accsp)

    def items(self, maxfiles: int = 128) -> Iterator[tuple[str, bytes, int, Any, Any]]:
        for fieldname, tbytes, lst in self.iter_terms():
            it = iter(lst)
            for d, w, v in zip(it, it, it, strict=True):
                yield (fieldname, tbytes, d, w, v)

    def cleanup(self) -> None:
        for path in self.runs:
            with contextlib.suppress(OSError):
                self._remove_run(path)
        self.runs = []
        self._fields, self._spell, self._interned = {}, {}, {}


def _value_key(v: Any) -> Any:
    return (v is not None, v or b"")


def _posting_key(t: tuple[int, Any, Any]) -> Any:
    return (t[0], t[1], t[2] is not None, t[2] or b"")


def news_text_indexer(field: Any) -> Any:
    """For a TEXT field analyzed by ``schema.NewsAnalyzer`` with Positions: one pass
    (``schema.index_words``) that returns what ``field.index(value)`` and
    ``field.spellable_words(value)`` would. None for any other field, which then
    takes Whoosh's generic path."""
    ana = field.analyzer
    if (type(ana) is not schema.NewsAnalyzer or not ana.stem
            or type(field.format) is not formats.Positions or field.vector):
        return None
    fb = field.format.field_boost
    spelling = field.separate_spelling()
    enc1: dict[int, bytes] = {}  # position -> encoded single-position value

    def index(value: str) -> tuple[list[tuple[bytes, int, float, bytes]], Any]:
        poses, spell = schema.index_words(value)
        items = []
        for st, pl in poses.items():
            n = len(pl)
            if n == 1 and _INTERN_MAX:
                p0 = pl[0]
                v = enc1.get(p0)
                if v is None:
                    v = enc1[p0] = pack_uint(1) + dumps([p0], 2)
            else:
                deltas = [pl[0]]
                deltas += [b - a for a, b in pairwise(pl)]
                v = pack_uint(n) + dumps(deltas, 2)
            items.append((st.encode("utf-8"), n, n * fb, v))
        return items, ([w.encode("utf-8") for w in spell] if spelling else None)

    return index


class FastSegmentWriter(SegmentWriter):  # type: ignore[misc]
    """SegmentWriter with TermPool, an inlined add_document and a term-wise flush."""

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        schema = self.schema
        # Per field: (field, indexed, scorable, spelling field or None, stored, column type,
        # vector format, the fast text indexer for title/body or None)
        self._plan: dict[str, tuple[Any, ...]] = {}
        for name in schema.names():
            f = schema[name]
            spell = f.spelling_fieldname(name) if f.separate_spelling() else None
            fast = news_text_indexer(f)
            self._plan[name] = (f, f.indexed, f.scorable, spell, f.stored, f.column_type,
                                f.vector, fast)

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        plan = self._plan
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(self.schema, fieldnames)
        perdocwriter.start_doc(docnum)
        # Like Whoosh, a spelling posting carries the value of the last posting
        # added before it (the variable outlives the field loop there too).
        vbytes = None
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field, indexed, scorable, spell, stored, column, vformat, fast = plan[fieldname]
                length = 0
                if fast is not None and isinstance(value, str):
                    items, words = fast(value)
                    if items:
                        vbytes = items[-1][3]
                    length = pool.add_many(fieldname, items, docnum,
                                           self._field_boost(fields, fieldname, docboost),
                                           scorable)
                    if words is not None:
                        pool.add_spelling(spell, words, vbytes)
                elif indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    items = list(field.index(value))
                    if items:
                        vbytes = items[-1][3]
                    length = pool.add_many(fieldname, items, docnum, fieldboost, scorable)
                if spell is not None and (fast is None or not isinstance(value, str)):
                    pool.add_spelling(
                        spell, (w.encode("utf-8") for w in field.spellable_words(value)),
                        vbytes)
                if vformat:
                    vitems = vformat.word_values(value, field.analyzer, mode="index")
                    vitems = sorted((t, w, v) for t, _, w, v in vitems)
                    perdocwriter.add_vector_items(fieldname, field, vitems)
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if stored else None, length)
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column,
                                                  field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _length_tables(self, pdr: Any) -> dict[str, list[int]]:
        """Per scorable field, its document lengths as a list (one read per segment)."""
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN
        tables: dict[str, list[int]] = {}
        n = self.docnum
        for name in self.pool.fieldnames:
            lenfield = _lenfield(name)
            if pdr.has_column(lenfield):
                reader = pdr.column_reader(lenfield, LENGTHS_COLUMN)
                tables[name] = [byte_to_length(b) if b else 0 for b in
                                (reader[i] for i in range(n))]
        return tables

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        tables = self._length_tables(pdr) if pdr is not None else {}
        fw = self.fieldwriter
        schema = self.schema
        start_term = fw.start_term
        finish_term = fw.finish_term
        lastfield = None
        bulk = type(fw._codec.postings_writer(None)) is W3PostingsWriter
        skip = False
        lens = None
        add: Any = None
        for fieldname, tbytes, lst in self.pool.iter_terms():
            if fieldname != lastfield:
                if lastfield is not None and not skip:
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
            elif skip:
                continue
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
        if lastfield is not None and not skip:
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
