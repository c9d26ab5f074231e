#!/usr/bin/env python3
"""Query latency: searcher vs plain Whoosh vs SQLite FTS5, same queries, same run.

    python bench/query.py [--scale 10] [--queries 200] [--seed 1] [--profile 8]

Indexes Reuters-21578 three ways (cached under bench/out/, keyed by a hash of the
corpus and the build options, so a second run only queries):

- ours: ``searcher.build_index`` with the Reuters category fields as tags;
- plain Whoosh used the obvious way: StemmingAnalyzer title/body (stored), KEYWORD
  tags, DATETIME date, MultifieldParser (OR group, as our default operator is OR),
  ``len(results)`` for the total and ``hit.highlights("body", top=2)``;
- SQLite FTS5 (``porter unicode61``) with bm25 (title weighted 2), ``snippet()``, and
  tag/date filters as SQL on side tables; the total is a ``count(*)``.

The query mix is generated from the corpus with a fixed seed, so it is the same on
every run and machine: single terms (half from headlines, half log-uniform over the
vocabulary ranked by document frequency), 2-3 keyword queries from headlines, AND /
OR / NOT, 2-3 word phrases taken from bodies, and tag- and date-filtered keyword
queries. Words are letters only, not stop words, and in at most 20% of the articles.
Every engine runs the same logical query (``a NOT b`` is written ``a AND NOT b`` for
plain Whoosh, whose parser reads the former as ``a OR (NOT b)``). Each query asks for
the top 10 with snippets and the exact total; one warm-up pass, then one timed pass.

Also measured: index size, one-shot ``searcher search --index DIR "oil prices"`` as a
subprocess (median of 5; the other engines' rows run the same search in a fresh
``python -c``). ``--scale 10`` then builds a 10x copy (every record repeated with the
ids ``<id>-<k>``; building ours takes 10-20 minutes, once) and reports it too.
``--profile N`` prints a cProfile of our N slowest queries. The last line is a JSON
summary.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import hashlib
import io
import json
import math
import os
import pstats
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import searcher  # noqa: E402
from searcher import schema as our_schema  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578" / "articles.jsonl.gz"
OUT = REPO / "bench" / "out"
TAG_KEYS = ("topics", "places", "people", "orgs", "exchanges")
FIELD_MAP = ["tags=" + ",".join(TAG_KEYS)]
CACHE_FORMAT = 1  # bump when a build below changes
LIMIT = 10
CLI_QUERY = "oil prices"
CLI_RUNS = 5
MAX_DF = 0.20
KINDS = ("term", "keywords", "and", "or", "not", "phrase", "tag", "date")
MIX = {"term": 40, "keywords": 40, "and": 20, "or": 20, "not": 15, "phrase": 25,
       "tag": 20, "date": 20}  # per 200 queries
TARGETS = {"p50_ms": 5.0, "p95_ms": 15.0, "x10_p50_ms": 20.0, "cli_ms": 250.0}
ENGINES = ("ours", "whoosh", "fts5")

Runner = Callable[["BenchQuery"], tuple[int, list[Any]]]


# --------------------------------------------------------------------------- queries

@dataclass(frozen=True)
class BenchQuery:
    """One logical query, written out in each engine's syntax."""

    kind: str
    words: tuple[str, ...]
    tag: str | None = None
    since: str | None = None  # inclusive ISO dates
    until: str | None = None

    def ours(self) -> str:
        if self.kind == "phrase":
            return '"' + " ".join(self.words) + '"'
        joiner = {"and": " AND ", "or": " OR ", "not": " NOT "}.get(self.kind, " ")
        return joiner.join(self.words)

    def whoosh(self) -> str:
        return " AND NOT ".join(self.words) if self.kind == "not" else self.ours()

    def fts(self) -> str:
        if self.kind == "phrase":
            return '"' + " ".join(self.words) + '"'
        joiner = {"and": " AND ", "not": " NOT "}.get(self.kind, " OR ")
        return joiner.join(f'"{w}"' for w in self.words)

    def label(self) -> str:
        extra = f" tags={self.tag}" if self.tag else ""
        extra += f" since={self.since} until={self.until}" if self.since else ""
        return f"[{self.kind}] {self.ours()}{extra}"


_LETTERS = re.compile(r"[A-Za-z]+")


def _content_words(text: str, allowed: set[str]) -> list[str]:
    return [w for w in (m.lower() for m in _LETTERS.findall(text)) if w in allowed]


def make_queries(records: Sequence[dict[str, Any]], n: int, seed: int) -> list[BenchQuery]:
    """The fixed mix, in a shuffled (seeded) order so kinds interleave."""
    from whoosh.analysis import STOP_WORDS

    # Words no engine drops: Whoosh's stop list, and ours (a longer English list).
    ours = our_schema.text_analyzer(stem=False)
    rng = random.Random(seed)
    df: Counter[str] = Counter()
    for r in records:
        df.update({w.lower() for w in _LETTERS.findall(f"{r['title']} {r['body']}")})
    cap = MAX_DF * len(records)
    vocab = [w for w, c in df.most_common() if len(w) >= 3 and w not in STOP_WORDS and 2 <= c
             <= cap and ours.terms(w)]
    allowed = set(vocab)

    def log_uniform_word() -> str:
        return vocab[min(int(math.exp(rng.uniform(0, math.log(len(vocab))))), len(vocab)) - 1]

    def article(need_tags: bool = False) -> tuple[dict[str, Any], list[str]]:
        while True:
            r = records[rng.randrange(len(records))]
            words = list(dict.fromkeys(_content_words(r["title"], allowed)))
            if len(words) >= 3 and (not need_tags or any(r.get(k) for k in TAG_KEYS)):
                return r, words

    def phrase() -> tuple[str, ...]:
        while True:
            body = records[rng.randrange(len(records))]["body"]
            runs = re.findall(r"[A-Za-z]+(?: [A-Za-z]+)+", body)
            runs = [t for t in (x.lower().split() for x in runs)
                    if len(t) >= 2 and all(w in allowed for w in t)]
            if runs:
                run = rng.choice(runs)
                size = min(len(run), rng.choice((2, 2, 3)))
                at = rng.randrange(len(run) - size + 1)
                return tuple(run[at:at + size])

    out: list[BenchQuery] = []
    for kind in KINDS:
        for _ in range(max(1, round(MIX[kind] * n / 200))):
            if kind == "term":  # half topical (headline) words, half from the whole vocabulary
                word = rng.choice(article()[1]) if rng.random() < 0.5 else log_uniform_word()
                out.append(BenchQuery(kind, (word,)))
            elif kind == "keywords":
                _r, words = article()
                out.append(BenchQuery(kind, tuple(rng.sample(words, rng.choice((2, 3))))))
            elif kind == "and":
                _r, words = article()
                out.append(BenchQuery(kind, tuple(rng.sample(words, 2))))
            elif kind == "or":
                out.append(BenchQuery(kind, (rng.choice(article()[1]), log_uniform_word())))
            elif kind == "not":
                _r, words = article()
                other = log_uniform_word()
                out.append(BenchQuery(kind, (rng.choice(words), other)))
            elif kind == "phrase":
                out.append(BenchQuery(kind, phrase()))
            elif kind == "tag":
                r, words = article(need_tags=True)
                tag = rng.choice([t for k in TAG_KEYS for t in r.get(k) or ()])
                out.append(BenchQuery(kind, tuple(rng.sample(words, rng.choice((1, 2)))),
                                      tag=tag))
            else:
                r, words = article()
                day = date.fromisoformat(r["date"][:10]) - timedelta(days=rng.randrange(11))
                end = day + timedelta(days=rng.randrange(6, 31))
                out.append(BenchQuery(kind, tuple(rng.sample(words, rng.choice((1, 2)))),
                                      since=day.isoformat(), until=end.isoformat()))
    rng.shuffle(out)
    return out[:n]


# --------------------------------------------------------------------------- corpus

def load_records(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def file_sha1(path: Path) -> str:
    h = hashlib.sha1()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scaled_records(records: Sequence[dict[str, Any]], scale: int) -> Iterator[dict[str, Any]]:
    if scale == 1:
        yield from records
        return
    for k in range(scale):
        for r in records:
            yield {**r, "id": f"{r['id']}-{k}"}


def scaled_corpus(source: Path, records: Sequence[dict[str, Any]], scale: int,
                  key: str) -> Path:
    """The corpus file for ``scale`` (the source itself at 1), written once under OUT."""
    if scale == 1:
        return source
    path = OUT / f"reuters21578-x{scale}-{key}.jsonl.gz"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with gzip.GzipFile(tmp, "wb", mtime=0) as raw, \
                io.TextIOWrapper(raw, encoding="utf-8") as f:
            for r in scaled_records(records, scale):
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        tmp.replace(path)
    return path


def cached(name: str, key: str, build: Callable[[Path], None]) -> Path:
    """``OUT/name-key``, built by ``build`` unless a finished build is there."""
    target = OUT / f"{name}-{key}"
    done = OUT / f"{name}-{key}.done"
    if done.exists() and target.exists():
        return target
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    started = time.perf_counter()
    print(f"building {target.name} ...", file=sys.stderr, flush=True)
    build(target)
    took = time.perf_counter() - started
    print(f"built {target.name} in {took:.0f} s", file=sys.stderr, flush=True)
    done.write_text(json.dumps({"seconds": round(took, 1)}))
    return target


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def _when(r: dict[str, Any]) -> datetime | None:
    return datetime.fromisoformat(r["date"]) if r.get("date") else None


def _tags(r: dict[str, Any]) -> list[str]:
    return [t for k in TAG_KEYS for t in r.get(k) or ()]


# --------------------------------------------------------------------------- engines

def build_ours(corpus: Path) -> Callable[[Path], None]:
    def build(target: Path) -> None:
        searcher.build_index([corpus], index=target, field_map=FIELD_MAP, rebuild=True)
    return build


def open_ours(path: Path) -> tuple[Runner, Callable[[], None]]:
    ix = searcher.open_index(path)

    def run(q: BenchQuery) -> tuple[int, list[Any]]:
        res = ix.search(q.ours(), tags=[q.tag] if q.tag else (), since=q.since,
                        until=q.until, limit=LIMIT)
        return res.total, [(h.id, h.title, h.snippets) for h in res.hits]
    return run, ix.close


def whoosh_schema() -> Any:
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        tags=fields.KEYWORD(stored=True, commas=True, lowercase=True),
        date=fields.DATETIME(stored=True))


def build_whoosh(records: Sequence[dict[str, Any]], scale: int) -> Callable[[Path], None]:
    def build(target: Path) -> None:
        from whoosh import index

        target.mkdir(parents=True)
        ix = index.create_in(str(target), whoosh_schema())
        with ix.writer(limitmb=256) as w:
            for r in scaled_records(records, scale):
                doc: dict[str, Any] = {"id": r["id"], "title": r["title"], "body": r["body"],
                                       "tags": ",".join(_tags(r))}
                if (when := _when(r)) is not None:
                    doc["date"] = when
                w.add_document(**doc)
    return build


def open_whoosh(path: Path) -> tuple[Runner, Callable[[], None]]:
    from whoosh import index
    from whoosh.qparser import MultifieldParser, OrGroup
    from whoosh.query import DateRange, Term

    ix = index.open_dir(str(path))
    s = ix.searcher()
    parser = MultifieldParser(["title", "body"], schema=ix.schema, group=OrGroup)

    def run(q: BenchQuery) -> tuple[int, list[Any]]:
        filt = None
        if q.tag:
            filt = Term("tags", q.tag.lower())
        elif q.since and q.until:
            filt = DateRange("date", datetime.fromisoformat(q.since),
                             datetime.fromisoformat(q.until) + timedelta(days=1),
                             endexcl=True)
        results = s.search(parser.parse(q.whoosh()), limit=LIMIT, filter=filt)
        total = len(results)
        return total, [(h["id"], h["title"], h.highlights("body", top=2)) for h in results]
    return run, s.close


def build_fts5(records: Sequence[dict[str, Any]], scale: int) -> Callable[[Path], None]:
    def build(target: Path) -> None:
        db = sqlite3.connect(target)
        db.executescript("""
            CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61');
            CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, published TEXT);
            CREATE TABLE tags(tag TEXT, rowid INTEGER);
        """)
        rows = list(enumerate(scaled_records(records, scale), 1))
        db.executemany("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                       ((i, r["title"], r["body"]) for i, r in rows))
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                       ((i, r["id"], r.get("date") or None) for i, r in rows))
        db.executemany("INSERT INTO tags VALUES (?, ?)",
                       ((t.lower(), i) for i, r in rows for t in _tags(r)))
        db.executescript("""
            CREATE INDEX tags_tag ON tags(tag, rowid);
            CREATE INDEX docs_published ON docs(published);
            INSERT INTO fts(fts) VALUES ('optimize');
        """)
        db.commit()
        db.close()
    return build


def open_fts5(path: Path) -> tuple[Runner, Callable[[], None]]:
    """The usual FTS5 pattern: rank the ids first (so that snippets are made for the 10
    shown only), then snippets, then ``count(*)``. Filters are ``+rowid IN (...)``:
    without the ``+`` SQLite hands the rowid list to FTS5, which then runs the full-text
    query once per listed row (100-1000x slower)."""
    db = sqlite3.connect(path)

    def run(q: BenchQuery) -> tuple[int, list[Any]]:
        where, args = "fts MATCH ?", [q.fts()]
        if q.tag:
            where += " AND +fts.rowid IN (SELECT rowid FROM tags WHERE tag = ?)"
            args.append(q.tag.lower())
        elif q.since and q.until:
            where += " AND +fts.rowid IN (SELECT rowid FROM docs WHERE published >= ? " \
                     "AND published < ?)"
            until = (date.fromisoformat(q.until) + timedelta(days=1)).isoformat()
            args += [q.since, until]
        top = [row[0] for row in db.execute(
            f"SELECT rowid FROM fts WHERE {where} ORDER BY bm25(fts, 2.0, 1.0) LIMIT {LIMIT}",
            args)]
        hits = [db.execute(
            "SELECT docs.id, highlight(fts, 0, '[', ']'), snippet(fts, 1, '[', ']', '…', 32)"
            " FROM fts JOIN docs ON docs.rowid = fts.rowid"
            " WHERE fts MATCH ? AND fts.rowid = ?", [args[0], rowid]).fetchone()
            for rowid in top]
        total = db.execute(f"SELECT count(*) FROM fts WHERE {where}", args).fetchone()[0]
        return int(total), hits
    return run, db.close


# --------------------------------------------------------------------------- measuring

def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def figures(ms: Sequence[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
            "mean_ms": round(statistics.fmean(ms), 2)}


def time_queries(runs: dict[str, Runner], queries: Sequence[BenchQuery]
                 ) -> dict[str, tuple[list[float], list[float], list[int]]]:
    """Per engine: wall and CPU ms per query, and totals.

    One warm-up pass per engine, then one timed pass that runs each query on every
    engine in turn, so that a busy machine slows all engines alike. CPU time (this
    thread's) is kept too: on a shared machine wall time also counts waiting for a core.
    """
    for run in runs.values():
        for q in queries:  # warm-up: caches, lazily loaded structures
            run(q)
    out: dict[str, tuple[list[float], list[float], list[int]]] = {
        name: ([], [], []) for name in runs}
    for q in queries:
        for name, run in runs.items():
            started, started_cpu = time.perf_counter(), time.thread_time()
            total, _hits = run(q)
            wall, cpu, totals = out[name]
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            totals.append(total)
    return out


_ONE_SHOT = {
    "whoosh": """
import sys
from whoosh import index
from whoosh.qparser import MultifieldParser, OrGroup
ix = index.open_dir(sys.argv[1])
with ix.searcher() as s:
    r = s.search(MultifieldParser(["title", "body"], ix.schema, group=OrGroup)
                 .parse(sys.argv[2]), limit=10)
    print(len(r))
    for h in r:
        print(h["id"], h["title"], h.highlights("body", top=2))
""",
    "fts5": """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = " OR ".join('"%s"' % w for w in sys.argv[2].split())
print(db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", [q]).fetchone()[0])
for (rowid,) in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?"
                           " ORDER BY bm25(fts, 2.0, 1.0) LIMIT 10", [q]).fetchall():
    print(*db.execute("SELECT rowid, highlight(fts, 0, '[', ']'), snippet(fts, 1, '[', ']',"
                      " '…', 32) FROM fts WHERE fts MATCH ? AND rowid = ?", [q, rowid]).fetchone())
""",
}


def one_shot_ms(engine: str, index: Path, runs: int = CLI_RUNS) -> tuple[float, float]:
    """Median wall ms and CPU ms (user + system) of a fresh process answering CLI_QUERY.

    Ours runs the installed ``searcher`` script beside this Python (not a pyenv shim,
    which adds a shell); bytecode caching is on, as in any install, and an untimed
    first run fills it and the page cache.
    """
    if engine == "python":  # the floor: an interpreter that does nothing
        cmd = [sys.executable, "-c", "pass"]
    elif engine == "ours":
        exe = Path(sys.executable).with_name("searcher")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "searcher"]
        cmd += ["search", "--index", str(index), CLI_QUERY]
    else:
        cmd = [sys.executable, "-c", _ONE_SHOT[engine], str(index), CLI_QUERY]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO)
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i:
            wall.append(elapsed * 1000)
            cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                       * 1000)
    return round(statistics.median(wall), 1), round(statistics.median(cpu), 1)


def profile_slowest(run: Runner, queries: Sequence[BenchQuery], times: Sequence[float],
                    n: int) -> None:
    slowest = sorted(range(len(queries)), key=lambda i: -times[i])[:n]
    print(f"\nprofile of our {n} slowest queries (3 runs each):")
    for i in slowest:
        print(f"  {times[i]:7.1f} ms  {queries[i].label()}")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        for i in slowest:
            run(queries[i])
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue())


@dataclass
class EngineRun:
    name: str
    times: list[float]
    cpu: list[float]
    totals: list[int]
    index_mb: float
    cli_ms: float | None = None
    cli_cpu_ms: float | None = None


def cache_key(*parts: object) -> str:
    return hashlib.sha1(json.dumps([CACHE_FORMAT, *parts]).encode()).hexdigest()[:12]


def bench_scale(records: Sequence[dict[str, Any]], source: Path, source_sha: str,
                scale: int, engines: Sequence[str], queries: Sequence[BenchQuery],
                with_cli: bool, profile: int) -> list[EngineRun]:
    # Our build also depends on our options and index format; the others only on the data.
    key_of = {e: cache_key(e, source_sha, scale) for e in engines}
    if "ours" in key_of:
        key_of["ours"] = cache_key("ours", source_sha, scale, FIELD_MAP,
                                   our_schema.SCHEMA_VERSION)
    opened: dict[str, tuple[Path, Runner, Callable[[], None]]] = {}
    for engine in engines:
        key = key_of[engine]
        if engine == "ours":
            corpus = scaled_corpus(source, records, scale, cache_key(source_sha, scale))
            path = cached(f"ours-x{scale}", key, build_ours(corpus))
            opened[engine] = (path, *open_ours(path))
        elif engine == "whoosh":
            path = cached(f"whoosh-x{scale}", key, build_whoosh(records, scale))
            opened[engine] = (path, *open_whoosh(path))
        else:
            path = cached(f"fts5-x{scale}.db", key, build_fts5(records, scale))
            opened[engine] = (path, *open_fts5(path))
    measured = time_queries({e: run for e, (_p, run, _c) in opened.items()}, queries)
    if "ours" in opened and profile:
        profile_slowest(opened["ours"][1], queries, measured["ours"][0], profile)
    runs: list[EngineRun] = []
    for engine, (path, _run, close) in opened.items():
        close()
        cli, cli_cpu = one_shot_ms(engine, path) if with_cli else (None, None)
        times, cpu, totals = measured[engine]
        runs.append(EngineRun(engine, times, cpu, totals, round(size_mb(path), 1), cli,
                              cli_cpu))
    return runs


def report(runs: Sequence[EngineRun], queries: Sequence[BenchQuery], docs: int,
           scale: int, startup: tuple[float, float] | None) -> None:
    print(f"\nReuters-21578 x{scale}: {docs:,} articles, {len(queries)} queries, "
          "top 10 with snippets and exact totals (ms per query)")
    header = f"{'':18}" + "".join(f"{r.name:>20}" for r in runs)
    print(header)
    print(f"{'':18}" + "".join(f"{'p50':>8}{'p95':>7}{'hits':>5}" for _ in runs))
    rows: list[tuple[str, list[int]]] = [("all", list(range(len(queries))))]
    rows += [(k, [i for i, q in enumerate(queries) if q.kind == k]) for k in KINDS]
    for name, idx in rows:
        if not idx:
            continue
        cells = ""
        for r in runs:
            ms = [r.times[i] for i in idx]
            hit = sum(1 for i in idx if r.totals[i]) * 100 // len(idx)
            cells += f"{percentile(ms, 50):8.1f}{percentile(ms, 95):7.1f}{hit:4d}%"
        print(f"{name + f' ({len(idx)})':18}{cells}")
    print(f"{'mean':18}" + "".join(f"{statistics.fmean(r.times):8.1f}{'':12}" for r in runs))
    print(f"{'cpu (all)':18}" + "".join(
        f"{percentile(r.cpu, 50):8.1f}{percentile(r.cpu, 95):7.1f}{'':5}" for r in runs))
    print(f"{'index MB':18}" + "".join(f"{r.index_mb:20.1f}" for r in runs))
    if any(r.cli_ms is not None for r in runs):
        print(f"{'one-shot CLI ms':18}" + "".join(
            f"{r.cli_ms if r.cli_ms is not None else float('nan'):20.1f}" for r in runs))
        print(f"{'  its CPU ms':18}" + "".join(
            f"{r.cli_cpu_ms if r.cli_cpu_ms is not None else float('nan'):20.1f}"
            for r in runs))
    if startup:
        print(f"(python -c pass: {startup[0]:.1f} ms wall, {startup[1]:.1f} ms CPU)")
    print("(hits: % of queries with at least one match; cpu: this thread's CPU ms; "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--scale", type=int, default=1,
                    help="also benchmark a copy this many times larger (e.g. 10)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="cProfile our N slowest queries")
    args = ap.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    if unknown := set(engines) - set(ENGINES):
        ap.error(f"unknown engines: {', '.join(sorted(unknown))}")
    OUT.mkdir(parents=True, exist_ok=True)
    records = load_records(args.corpus)
    sha = file_sha1(args.corpus)
    queries = make_queries(records, args.queries, args.seed)
    summary: dict[str, Any] = {"benchmark": "query", "corpus": args.corpus.name,
                               "queries": len(queries), "seed": args.seed}
    scales = [1] + ([args.scale] if args.scale > 1 else [])
    for scale in scales:
        runs = bench_scale(records, args.corpus, sha, scale, engines, queries,
                           with_cli=scale == 1, profile=args.profile if scale == 1 else 0)
        docs = len(records) * scale
        startup = one_shot_ms("python", Path()) if scale == 1 else None
        report(runs, queries, docs, scale, startup)
        if startup:
            summary["python_startup_ms"] = startup[0]
        part = summary if scale == 1 else summary.setdefault(f"x{scale}", {})
        part["docs"] = docs
        for r in runs:
            cpu = figures(r.cpu)
            part[r.name] = {**figures(r.times), "cpu_p50_ms": cpu["p50_ms"],
                            "cpu_p95_ms": cpu["p95_ms"], "index_mb": r.index_mb}
            if r.cli_ms is not None:
                part[r.name]["cli_ms"] = r.cli_ms
                part[r.name]["cli_cpu_ms"] = r.cli_cpu_ms
    if "ours" in engines:
        ours = summary["ours"]
        met = {"p50_ms": ours["p50_ms"] <= TARGETS["p50_ms"],
               "p95_ms": ours["p95_ms"] <= TARGETS["p95_ms"],
               "cli_ms": ours["cli_ms"] <= TARGETS["cli_ms"]}
        if args.scale > 1:
            met[f"x{args.scale}_p50_ms"] = (summary[f"x{args.scale}"]["ours"]["p50_ms"]
                                            <= TARGETS["x10_p50_ms"])
        summary["targets_met"] = met
    summary["loadavg"] = round(os.getloadavg()[0], 1)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
