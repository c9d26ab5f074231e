"""The posting pool of the fast segment writer (segment_writer.py): postings grouped
per (field, term) as documents arrive, spilled to sorted runs past a memory limit, and
read back term by term in order.

Whoosh's PostingPool keeps every posting as a 5-tuple and sorts them all at the end;
document numbers only grow, so each term's postings arrive in order and only the
distinct terms need sorting. Spelling words (title/body, unstemmed) are counted, not
listed: one posting per word per segment, its weight the number of documents.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from whoosh.compat import dump, load
from whoosh.externalsort import imerge
from whoosh.system import pack_uint
from whoosh.writing import PostingPool

# Values shorter than this are shared between postings (saves memory; pickle then
# writes repeats in a block as memo references: smaller .pst, same decoded data).
INTERN_MAX = 24


class TermPool(PostingPool):  # type: ignore[misc]
    """PostingPool keyed by field then term, with term-grouped spill runs.

    Memory per posting: three list slots (docnum, weight, value). The docnum int
    is shared by all of a document's postings, and equal weights and short
    values are interned, so most postings cost ~24-30 bytes instead of a 5-tuple
    with its own objects (~200 bytes). A spelling word (Whoosh's spell_* fields) is
    one counter per word: Whoosh writes a posting per document (docnum 0, weight 1),
    13 % of a Reuters build's CPU for a list nothing reads but its length; here it
    is one posting (docnum 0, weight = documents), read by ``reader.frequency``.

    Past ``limitmb`` (estimated) the pool writes a run: its terms in sorted
    order, each with its whole posting list, pickled in batches. Runs are
    chronological, so merging them is a heap merge on (field, term) that
    concatenates lists: no per-posting comparisons.
    """

    RUN_BATCH = 2000  # terms per pickle record in a run
    # A run holds at least this share of the limit, however much the writer reserves:
    # a shard writer's limit (the build's divided among shards) could be below its
    # vocabulary alone, and then every batch spilled a tiny run (thousands of runs, too
    # many open files at the merge of a 50x sharded build).
    MIN_RUN_SHARE = 4
    MAX_OPEN_RUNS = 64  # runs merged at once; more are first merged in groups of this many

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._fields: dict[str, dict[bytes, list[Any]]] = {}
        self._spell: dict[str, dict[bytes, int]] = {}
        self._interned: dict[Any, Any] = {}
        # bytes the writer holds beside the pool (text_postings.py's vocabulary and
        # pending tokens), counted against the same limit
        self.reserved = 0

    def _full(self) -> bool:
        """Whether the pool should spill: the limit reached with what the writer
        reserves, but never before a run of MIN_RUN_SHARE of the limit."""
        limit: int = self.limit
        return bool(self.currentsize > max(limit - self.reserved, limit // self.MIN_RUN_SHARE))

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
        if self._full():
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
            if vbytes is not None and len(vbytes) < INTERN_MAX:
                vbytes = intern(vbytes, vbytes)
            lst = get(tbytes)
            if lst is None:
                terms[tbytes] = [docnum, weight, vbytes]
                size += 250 + len(tbytes)
            else:
                lst += (docnum, weight, vbytes)
                size += 40
        self.currentsize += size
        if self._full():
            self.save()
        return length

    def add_spelling(self, fieldname: str, words: Any) -> None:
        """Count one more document for each of ``words`` (unique per document): a
        spelling word is written as one posting per segment whose weight is the number
        of documents it occurs in, instead of Whoosh's one posting per document."""
        words = list(words)
        self.add_spelling_counts(fieldname, words, [1] * len(words))

    def intern(self, value: Any, default: Any) -> Any:
        """The pool's shared copy of an equal weight or short value (``dict.setdefault``)."""
        return self._interned.setdefault(value, default)

    def interner(self) -> Any:
        """``intern`` as the dict's own ``setdefault`` (no Python frame per value)."""
        return self._interned.setdefault

    def add_postings(self, fieldname: str, terms: list[bytes], starts: list[int],
                     ends: list[int], postings: list[Any]) -> None:
        """Many terms' new postings at once (text_postings.py): term ``terms[i]`` gets
        ``postings[starts[i]:ends[i]]`` (flat docnum, weight, value triples, later
        documents than any it holds)."""
        lists = self._field_terms(fieldname)
        get = lists.get
        size = 40 * (len(postings) // 3)
        for term, a, b in zip(terms, starts, ends, strict=True):
            lst = get(term)
            if lst is None:
                lists[term] = postings[a:b]
                size += 210 + len(term)
            else:
                lst += postings[a:b]
        self.currentsize += size
        if self._full():
            self.save()

    def add_spelling_counts(self, fieldname: str, words: list[bytes], counts: list[int]) -> None:
        """``add_spelling`` for many documents at once: each word with the number of
        documents it occurs in."""
        terms = self._spell.get(fieldname)
        if terms is None:
            terms = self._spell[fieldname] = {}
            self.fieldnames.add(fieldname)
        get = terms.get
        size = 0
        for word, n in zip(words, counts, strict=True):
            had = get(word)
            if had is None:
                terms[word] = n
                size += 150 + len(word)
            else:
                terms[word] = had + n
        self.currentsize += size
        if self._full():
            self.save()

    @staticmethod
    def _ordered(lst: list[Any], spell: int | None) -> list[Any]:
        """One term's postings as a flat [docnum, weight, value, ...] list, in the
        order Whoosh's pool gives (sorted by docnum, then weight, then value).

        Postings arrive in docnum order, so this is only a check, except for the
        spelling posting (docnum 0, weight = the documents counted) placed first.
        """
        if spell:  # the Frequency format's value: the count as a packed uint
            sp: list[Any] = [0, spell, pack_uint(spell)]
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

    def _memory_terms(self) -> Iterator[tuple[str, bytes, list[Any], int | None]]:
        """(field, term, postings, spelling count) in sorted order; empties memory (each
        term's postings are let go once yielded: the segment's files grow as they go)."""
        fields, spell = self._fields, self._spell
        self._fields, self._spell = {}, {}
        self._interned = {}
        self.currentsize = 0
        for fieldname in sorted(set(fields) | set(spell)):
            terms = fields.pop(fieldname, {})
            sterms = spell.pop(fieldname, {})
            for tbytes in sorted(set(terms) | set(sterms) if sterms else terms):
                yield fieldname, tbytes, terms.pop(tbytes, []), sterms.pop(tbytes, None)

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

    def _merged_run(self, group: list[str]) -> str:
        """One run holding the runs of ``group`` (chronological, so each term's lists
        are concatenated in order), which are removed."""
        path, f = self._new_run()
        batch: list[Any] = []
        cur: tuple[str, bytes] | None = None
        acc: list[Any] = []
        accsp: int | None = None
        for fieldname, tbytes, _, lst, sp in imerge(
                [self._read_terms(p, i) for i, p in enumerate(group)]):
            if (fieldname, tbytes) != cur:
                if cur is not None:
                    batch.append((cur[0], cur[1], acc, accsp))
                    if len(batch) >= self.RUN_BATCH:
                        dump(batch, f, -1)
                        batch = []
                cur, acc, accsp = (fieldname, tbytes), [], None
            acc += lst
            if sp:
                accsp = (accsp or 0) + sp
        if cur is not None:
            batch.append((cur[0], cur[1], acc, accsp))
        if batch:
            dump(batch, f, -1)
        f.close()
        return str(path)

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
        k = self.MAX_OPEN_RUNS
        while len(runs) > k:  # bounded open files: merge groups first, in their order
            runs = [self._merged_run(runs[i:i + k]) if len(runs) - i > 1 else runs[i]
                    for i in range(0, len(runs), k)]
        merged = imerge([self._read_terms(p, i) for i, p in enumerate(runs)])
        cur = None
        acc: list[Any] = []
        accsp = 0
        for fieldname, tbytes, _, lst, sp in merged:
            key = (fieldname, tbytes)
            if key != cur:
                if cur is not None:
                    yield cur[0], cur[1], ordered(acc, accsp)
                cur, acc, accsp = key, [], 0
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


def _posting_key(t: tuple[int, Any, Any]) -> Any:
    return (t[0], t[1], t[2] is not None, t[2] or b"")
