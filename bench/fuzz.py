#!/usr/bin/env python3
"""Worst-case query time: generated and hostile queries on Reuters-21578, slowest first.

    python bench/fuzz.py [--index DIR] [--queries 10000] [--seed 1] [--cold]

Runs the shapes of issue 8 item 14 (``*a* *e* *i* *o* *u*``, 200 infix wildcards,
1,000 ``word~2``, a 100,000-character word, ``*a*``, ``a*``, 10,000 x ``oil``, 500
phrases) and ``--queries`` seeded generated queries (tests/query_fuzz.py: every form
of the language, hostile text, unbalanced groups) through ``Index.search`` as the
command line runs it: top 10, snippets, did-you-mean. Each query is timed once after
the shapes warmed the process (``--cold``: the shapes run first in a fresh process,
so their time includes reading the word lists). Prints the 10 slowest queries with
their times, the share over 1 s, p50/p99 and, last, a one-line JSON summary.
Queries of at most 1,000 characters must all answer in under 1 s.

Without ``--index`` the Reuters index is built once under bench/out/fuzz-index.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from searcher import QuerySyntaxError, build_index, open_index  # noqa: E402
from tests.query_fuzz import SHAPES, generate  # noqa: E402

REUTERS = REPO.parent / "shared" / "corpora" / "reuters21578" / "articles.jsonl.gz"
TAGS = ["tags=topics,places,people,orgs,exchanges"]
LONG = 1000  # characters: queries up to this long must answer in under a second


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path)
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cold", action="store_true")
    args = ap.parse_args()
    index = args.index or REPO / "bench" / "out" / "fuzz-index"
    if args.index is None and not index.exists():
        print(f"building {index} ...", file=sys.stderr)
        build_index([REUTERS], index=index, field_map=TAGS)
    rng = random.Random(args.seed)
    texts = [*SHAPES, *(generate(rng) for _ in range(args.queries))]
    timings: list[tuple[float, str, str]] = []
    with open_index(index) as ix:
        if not args.cold:
            for text in SHAPES:  # warm: word lists read, postings cached
                with contextlib.suppress(QuerySyntaxError):
                    ix.search(text)
        for text in texts:
            started = time.perf_counter()
            try:
                outcome = f"{ix.search(text).total:,} hits"
            except QuerySyntaxError as e:
                outcome = f"QuerySyntaxError: {e}"[:60]
            timings.append((time.perf_counter() - started, text, outcome))
    timings.sort(key=lambda t: t[0], reverse=True)
    print(f"{len(timings):,} queries on {index}; slowest 10:")
    print(f"{'seconds':>8}  {'chars':>7}  query (first 70 characters) -> outcome")
    for seconds, text, outcome in timings[:10]:
        shown = text[:70].encode("unicode_escape").decode("ascii")
        print(f"{seconds:8.3f}  {len(text):7,}  {shown} -> {outcome}")
    short = [t for t in timings if len(t[1]) <= LONG]
    ms = [t[0] * 1000 for t in timings]
    summary = {
        "queries": len(timings),
        "worst_s": round(timings[0][0], 3),
        "worst_s_up_to_1000_chars": round(short[0][0], 3) if short else None,
        "over_1s_up_to_1000_chars": sum(t[0] >= 1 for t in short),
        "p50_ms": round(statistics.median(ms), 1),
        "p99_ms": round(statistics.quantiles(ms, n=100)[98], 1),
    }
    print(f"p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms; queries of at most "
          f"{LONG} characters over 1 s: {summary['over_1s_up_to_1000_chars']}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
