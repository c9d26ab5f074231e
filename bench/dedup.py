"""Near-duplicate stories (issue 21) against the exact oracle, on Reuters, BBC News and
AG News.

    python bench/dedup.py [--thresholds 0.7,0.8,0.85,0.9,0.95] [--examples 3]

For each corpus: the exact oracle (tests/dedup_oracle.py: every pair with word 5-shingle
Jaccard or containment at or above the threshold, found exhaustively through an
inverted index of shingles), then the story groups the build computes
(searcher/stories: anchors, candidate pairs, exact verification, groups) at that
threshold, scored as pairs: a pair of articles put in one group is a predicted pair;
precision and recall against the oracle's pairs. Also: how many oracle pairs are
containment-only (Jaccard below the threshold), the CPU of the groups, and real pairs
just above and just below the chosen threshold (what it separates). Prints tables and
a one-line JSON summary.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from searcher.stories import similarity  # noqa: E402
from searcher.stories.build import StoryRun  # noqa: E402
from tests.dedup_oracle import Pair, Text, corpus_texts, exact_pairs  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
SETS = {
    "reuters": (CORPORA / "reuters21578" / "articles.jsonl.gz",
                ["tags=topics,places,people,orgs,exchanges"]),
    "bbc": (CORPORA / "bbc-news" / "articles.jsonl.gz", []),
    "agnews": (CORPORA / "ag-news-test" / "articles.jsonl.gz", []),
}


def grouped_pairs(texts: list[Text], threshold: float) -> tuple[set[tuple[str, str]], float]:
    """The pairs the story groups put together at ``threshold``, and the CPU seconds."""
    started = time.process_time()
    run = StoryRun(threshold=threshold)
    for t in texts:
        run.add_text(t.id, t.title, t.body,
                datetime.fromisoformat(t.published) if t.published else None)
    table = run.finish()
    cpu = time.process_time() - started
    members: dict[int, list[str]] = defaultdict(list)
    for aid, g in zip(table.ids, table.group.tolist(), strict=True):
        members[g].append(aid)
    pairs = {(a, b) if a < b else (b, a) for m in members.values() if len(m) > 1
             for a, b in itertools.combinations(m, 2)}
    return pairs, cpu


def describe(pair: Pair, by_id: dict[str, Text]) -> str:
    a, b = by_id[pair.a], by_id[pair.b]
    return (f"    J={pair.jaccard:.3f} C={pair.containment:.3f}  {pair.a}: {a.title[:60]!r}\n"
            f"{'':23}{pair.b}: {b.title[:60]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--thresholds", default="0.7,0.8,0.85,0.9,0.95")
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--corpora", default=",".join(SETS))
    args = parser.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    chosen = similarity.THRESHOLD
    rows: list[dict[str, Any]] = []
    examples: dict[str, dict[str, list[str]]] = {}
    for name in args.corpora.split(","):
        path, fmap = SETS[name]
        texts = corpus_texts([path], fmap)
        by_id = {t.id: t for t in texts}
        started = time.process_time()
        everything = exact_pairs(texts, min([*thresholds, 0.5]))
        oracle_cpu = time.process_time() - started
        for th in thresholds:
            truth = {(p.a, p.b) for p in everything if p.score >= th}
            got, cpu = grouped_pairs(texts, th)
            hit = len(truth & got)
            rows.append({
                "corpus": name, "articles": len(texts), "threshold": th,
                "oracle_pairs": len(truth),
                "containment_only": sum(1 for p in everything
                                        if p.score >= th and p.jaccard < th),
                "grouped_pairs": len(got),
                "recall": round(hit / len(truth), 4) if truth else 1.0,
                "precision": round(hit / len(got), 4) if got else 1.0,
                "groups_cpu_s": round(cpu, 2), "oracle_cpu_s": round(oracle_cpu, 2)})
        above = sorted((p for p in everything if chosen <= p.score < chosen + 0.05),
                       key=lambda p: p.score)[:args.examples]
        below = sorted((p for p in everything if chosen - 0.1 <= p.score < chosen),
                       key=lambda p: -p.score)
        # evenly over the band below: copies just under it, templates further down
        step = max(1, len(below) // max(1, args.examples))
        below = below[::step][:args.examples]
        examples[name] = {"above": [describe(p, by_id) for p in above],
                          "below": [describe(p, by_id) for p in below]}

    print(f"{'corpus':<8} {'articles':>8} {'thresh':>6} {'oracle':>7} {'C-only':>7} "
          f"{'grouped':>8} {'recall':>7} {'precision':>9} {'CPU s':>6}")
    for r in rows:
        print(f"{r['corpus']:<8} {r['articles']:>8,} {r['threshold']:>6.2f} "
              f"{r['oracle_pairs']:>7,} {r['containment_only']:>7,} {r['grouped_pairs']:>8,} "
              f"{r['recall']:>7.4f} {r['precision']:>9.4f} {r['groups_cpu_s']:>6.2f}")
    for name, ex in examples.items():
        print(f"\n{name}: pairs just above the chosen threshold {chosen}")
        print("\n".join(ex["above"]) or "    (none)")
        print(f"{name}: pairs below it (evenly over the 0.1 below)")
        print("\n".join(ex["below"]) or "    (none)")
    print(json.dumps({"threshold": chosen, "rows": rows}))


if __name__ == "__main__":
    main()
