"""What the readers make of the shared corpora, as a digest to compare before/after a
reader change (issue 15: Reuters, BBC and AG News must index to the same documents
and tags).

    python bench/reader_snapshot.py OUT.json        # write the digest
    python bench/reader_snapshot.py OUT.json --compare BEFORE.json

Per corpus: the article count and a SHA-256 over every article's (id, title, tags,
body, published, authors), plus the first differing ids when compared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
CORPORA = HERE.parent.parent / "shared" / "corpora"
MAPS = {"reuters21578": ["tags=topics,places,people,orgs,exchanges"],
        "bbc-news": [], "ag-news-test": []}


def digest(name: str) -> dict[str, object]:
    from searcher.formats import Source, parse_field_map, reader_for
    from searcher.models import Article

    path = CORPORA / name / "articles.jsonl.gz"
    reader = reader_for(path)
    assert reader is not None
    whole = hashlib.sha256()
    per_id: dict[str, str] = {}
    for item in reader(Source(path, path.name, parse_field_map(MAPS[name]))):
        if isinstance(item, Article):
            row = json.dumps([item.id, item.title, list(item.tags), item.body,
                              item.published.isoformat() if item.published else None,
                              list(item.authors)], ensure_ascii=False)
            whole.update(row.encode())
            per_id[item.id] = hashlib.sha1(row.encode()).hexdigest()[:12]
    return {"articles": len(per_id), "sha256": whole.hexdigest(), "per_id": per_id}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    now = {name: digest(name) for name in MAPS}
    args.out.write_text(json.dumps(now), encoding="utf-8")
    for name, d in now.items():
        print(f"{name:14} {d['articles']:>7} articles  {str(d['sha256'])[:16]}")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        same = True
        for name, d in now.items():
            old, new = before[name]["per_id"], d["per_id"]
            diff = [i for i in sorted(set(old) | set(new)) if old.get(i) != new.get(i)]
            same = same and not diff
            print(f"{name:14} {'same' if not diff else f'{len(diff)} differ: {diff[:5]}'}")
        sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
