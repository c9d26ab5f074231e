"""``searcher check``: read the whole index, like SQLite's ``PRAGMA integrity_check``.

Opening an index (storage.py) checks its TOC and that every segment opens; this reads
everything else too: every posting of every term (in order, in range), every stored
field and column value, and compares the live article ids with the build's manifest
(each id once, none missing, none extra). It never raises for damage: damage is what
the report lists.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from whoosh.fields import SpellField

from . import schema
from .errors import IndexNotFoundError, SearcherError
from .storage import IndexDir, describe


@dataclass(frozen=True)
class CheckReport:
    """What ``searcher check`` found: ``problems`` is empty when the index is sound."""

    index: str
    documents: int
    segments: int
    postings: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


MAX_CHECK_PROBLEMS = 50  # listed; the rest are counted in the last line


CHECK_ATTEMPTS = 5  # a build committing meanwhile: check the newest commit again


def check(idx: IndexDir) -> CheckReport:
    """Read everything (like SQLite's ``PRAGMA integrity_check``): the TOC, every
    segment's postings, stored fields and columns, and compare the index's ids with
    the manifest's. Never raises for damage: it is what the report lists.

    A commit during the check (a build finishing) changes what the folder holds under
    it (the next generation's manifest appears, the old one is removed): problems found
    while the index changed are not reported, the newest commit is checked instead."""
    for _attempt in range(CHECK_ATTEMPTS):
        before = idx.commit_key()
        report = _check_once(idx)
        if report.ok or idx.commit_key() == before:
            return report
    return report


def _check_once(idx: IndexDir) -> CheckReport:
    problems: list[str] = []
    try:
        ix = idx.open()
    except IndexNotFoundError:
        raise  # nothing to check: "no index at ...", as every other command says
    except SearcherError as e:
        reason = getattr(e, "reason", None) or str(e)
        return CheckReport(str(idx.path), 0, 0, 0, (reason,))
    live: Counter[str] = Counter()
    postings = 0
    reader = ix.reader()
    generation = reader.generation()  # the manifest of this commit, not of a newer one,
    # read now: a build committing while the segments are read removes it (the segments
    # stay readable, open), and a check that read it after them reported damage
    manifest = idx.manifest(generation if generation is not None else -1)
    leaves = reader.leaf_readers()
    try:
        for n, (leaf, _offset) in enumerate(leaves, start=1):
            try:
                postings += _check_segment(leaf, live)
            except Exception as e:
                problems.append(f"segment {n} of {len(leaves)}: {describe(e)}")
    finally:
        reader.close()
    documents = sum(live.values())
    problems.extend(f"article {aid!r} is indexed {count} times"
                    for aid, count in live.items() if count > 1)
    if manifest is None:
        if documents:
            problems.append("no manifest for the current generation: the next build "
                            "re-reads every file")
    else:
        listed = set(manifest.owners())
        missing, extra = sorted(listed - live.keys()), sorted(live.keys() - listed)
        if missing:
            problems.append(f"{len(missing):,} article(s) in the manifest are not in the "
                            f"index (first: {missing[0]!r})")
        if extra:
            problems.append(f"{len(extra):,} article(s) in the index are not in the "
                            f"manifest (first: {extra[0]!r})")
    if len(problems) > MAX_CHECK_PROBLEMS:
        more = len(problems) - MAX_CHECK_PROBLEMS
        problems = [*problems[:MAX_CHECK_PROBLEMS], f"... and {more:,} more"]
    return CheckReport(str(idx.path), documents, len(leaves), postings, tuple(problems))


def _check_segment(leaf: Any, live: Counter[str]) -> int:
    """Read one segment whole; count its live ids into ``live``; return its postings."""
    total = leaf.doc_count_all()
    postings = 0
    fields = schema.build_schema()
    names = set(fields.names())
    for fieldname in leaf.indexed_field_names():
        # Spelling words (spell_*) are postings without documents.
        ordered = fieldname in names and not isinstance(fields[fieldname], SpellField)
        for term in leaf.lexicon(fieldname):
            last = -1
            for docnum in leaf.postings(fieldname, term).all_ids():
                if ordered and not last < docnum < total:
                    raise ValueError(f"postings of {fieldname}:{term!r} out of order or range")
                last = docnum
                postings += 1
    for name in names:
        if leaf.has_column(name):
            column = leaf.column_reader(name, translate=False)
            for docnum in range(total):
                column[docnum]
    for docnum in range(total):
        stored = leaf.stored_fields(docnum)
        if not leaf.is_deleted(docnum):
            live[stored[schema.ID]] += 1
    return postings
