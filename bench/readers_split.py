"""The development/validation split of the reader fixtures, by SOURCE (issue 15).

    python bench/readers_split.py            # (re)write bench/readers_split.json

A source is the publisher site for saved pages and page text (a site's .html and .txt
go to the same half), the repository for API dumps, the site or scraper for the pool's
.txt and Markdown folders. Sources are taken in the order of the SHA-256 of their key
(no one chooses) and each goes to the half that holds fewer sources of its kinds
(pool/real x txt/html/json/markdown) so far, so both halves get every kind. The split
was written before any rule of issue 15.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "shared" / "fixtures"
SPLIT = HERE / "readers_split.json"
SETS = {"txt": "txt", "text": "txt", "html": "html", "json": "json", "markdown": "markdown"}
# Derived fixtures and one repository's several files, from the SOURCES.md files.
SAME_SOURCE = {
    "real/markdown/crlf/2017-03-02-jekyll-3-4-1-released.markdown": "md:jekyll",
    "real/markdown/crlf/next-chapter.md": "md:nodejs",
    "real/json/nyt_home2022.json": "json:nyt_aftab",
}


def _site(stem: str) -> str:
    stem = re.sub(r"^(?:n4k|np|pl|tr)_", "", stem)
    stem = re.sub(r"^www\.", "", stem)
    return re.match(r"[a-z0-9-]+", stem.lower()).group(0)  # type: ignore[union-attr]


def source_key(rel: str) -> str:
    if rel in SAME_SOURCE:
        return SAME_SOURCE[rel]
    parts = rel.split("/")
    origin, kind, name = parts[0], parts[1], parts[-1]
    stem = name.split(".gz")[0]
    if kind == "markdown":
        return "md:" + parts[2]
    if kind == "json":
        return "json:" + (parts[2] if origin == "pool" else
                          re.sub(r"^(markarita|nyt_aftab|nyt_andrea)_.*", r"\1",
                                 stem.rsplit(".", 1)[0]))
    if origin == "pool" and kind == "txt":
        folder = parts[2]
        return "site:blackcoffer" if folder.startswith("blackcoffer") else "txt:" + folder
    return "site:" + _site(stem.rsplit(".html", 1)[0].removesuffix(".txt"))


def fixture_files() -> list[str]:
    out = []
    for path in sorted(FIXTURES.rglob("*")):
        rel = path.relative_to(FIXTURES).as_posix()
        if not path.is_file() or rel.split("/")[0] not in {"pool", "real"}:
            continue
        data = not path.name.endswith((".md", ".expected.json", ".py")) \
            and path.name != "expectations.json"
        post = path.suffix in {".md", ".markdown"} and "markdown" in rel \
            and path.name != "SOURCES.md"
        if data or post:
            out.append(rel)
    return out


def make_split() -> dict[str, object]:
    sources: dict[str, list[str]] = defaultdict(list)
    for rel in fixture_files():
        sources[source_key(rel)].append(rel)
    counts: dict[str, dict[tuple[str, str], int]] = {h: defaultdict(int) for h in ("dev", "val")}
    halves: dict[str, str] = {}
    for key in sorted(sources, key=lambda k: hashlib.sha256(k.encode()).hexdigest()):
        sets = {(rel.split("/")[0], SETS[rel.split("/")[1]]) for rel in sources[key]}
        load = {h: sum(counts[h][s] for s in sets) for h in ("dev", "val")}
        half = "dev" if load["dev"] <= load["val"] else "val"
        halves[key] = half
        for s in sets:
            counts[half][s] += 1
    return {"about": __doc__.split("\n\n")[2].replace("\n", " ") if __doc__ else "",
            "sources": [{"source": key, "half": halves[key],
                         "folders": sorted({rel.rsplit("/", 1)[0] for rel in sources[key]}),
                         "files": sources[key]}
                        for key in sorted(sources)]}


if __name__ == "__main__":
    split = make_split()
    SPLIT.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    for half in ("dev", "val"):
        files = [f for s in split["sources"] if s["half"] == half for f in s["files"]]  # type: ignore[index,union-attr]
        per = defaultdict(int)
        for f in files:
            per[(f.split("/")[0], SETS[f.split("/")[1]])] += 1
        print(half, len([s for s in split["sources"] if s["half"] == half]),  # type: ignore[union-attr,index]
              "sources", dict(sorted(per.items())))
