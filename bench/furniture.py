"""Repeated page text (boilerplate.py) on real files: what a build drops, per source.

    python bench/furniture.py [--show] [FOLDER...]

Builds the folders (default: the real fixtures and the pool in ../shared/fixtures, each
kind of file its own build) into a temporary index, then reads every file back with
`searcher inspect --index` and counts, per source folder, the articles and the lines
dropped as repeated page text (``--show`` lists each dropped line, to read them for
prose lost). Prints a table and a one-line JSON summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURES = REPO.parent / "shared" / "fixtures"
DEFAULT = [FIXTURES / "pool" / "txt", FIXTURES / "pool" / "html", FIXTURES / "real" / "text",
           FIXTURES / "real" / "html", FIXTURES / "real" / "markdown"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--show", action="store_true", help="list every dropped line")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from searcher import build_index
    from searcher.boilerplate import KIND
    from searcher.boilerplate_build import is_judged
    from searcher.corpus import discover
    from searcher.inspect import inspect_file

    articles: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    lines: dict[str, list[str]] = defaultdict(list)
    for folder in args.folders:
        if not folder.exists():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            build_index([folder], index=Path(tmp) / "ix", rebuild=True)
            for f in discover([folder]).files:
                if not is_judged(f.reader):  # JSON records are not judged
                    continue
                source = f"{folder.parent.name}/{folder.name}/{Path(f.name).parent}".rstrip("/.")
                seen = inspect_file(f.path, index=Path(tmp) / "ix")
                articles[source] += len(seen.articles)
                for record in seen.records:
                    for note in record.notes:
                        if getattr(note, "kind", "") == KIND:
                            dropped[source] += 1
                            chars[source] += getattr(note, "chars", 0)
                            lines[source].append(f"{f.name}: {getattr(note, 'detail', '')}")
    print(f"{'source':48} {'articles':>8} {'dropped':>8} {'chars':>8}")
    for source in sorted(articles):
        print(f"{source:48} {articles[source]:8,} {dropped[source]:8,} {chars[source]:8,}")
        if args.show:
            for line in lines[source]:
                print("    " + line)
    print(json.dumps({"sources": {s: {"articles": articles[s], "dropped": dropped[s],
                                      "chars": chars[s]} for s in sorted(articles)}}))


if __name__ == "__main__":
    main()
