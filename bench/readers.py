"""Per-field accuracy of the readers on real files, per set and per half (issue 15).

    python bench/readers.py [--half dev|val|both] [--set txt|html|json|markdown] [--misses]

Files: ../shared/fixtures/pool and ../shared/fixtures/real, split by SOURCE into a
development and a validation half in bench/readers_split.json (bench/readers_split.py).
Truth: for pool files our own bench/readers_truth/pool_*.json (judged by reading each
file); for real files the project's expectations in tests/expectations/real.

Scored as issue 15 scores: a field passes when it equals the truth (title: one of the
accepted titles; authors and tags: the same names, any order and case; date: the same
day when the truth gives a day, else the same time); a body passes when it contains the
article's first, a middle and the last sentence (real files' expectations: the first and
last paragraph) and none of the page furniture. A truth value of null that is listed in
`unscored` is not scored (a page that states nothing checkable). A truth record with no
matching article fails every field. Prints a table per half and a one-line JSON summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
FIXTURES = REPO.parent / "shared" / "fixtures"
EXPECTED = REPO / "tests" / "expectations" / "real"
FIELDS = ("title", "body", "date", "tags", "authors")
SETS = ("txt", "html", "markdown", "json")
SET_OF = {"txt": "txt", "text": "txt", "html": "html", "json": "json", "markdown": "markdown"}


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


# ---- truth -----------------------------------------------------------------------------------

def truth_records() -> dict[str, list[dict[str, Any]]]:
    """file (relative to fixtures) -> truth records, each in one shape:
    title (list of accepted), authors, published, tags, has (texts), lacks, index, unscored."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((HERE / "readers_truth").glob("pool_*.json")):
        for rel, entry in json.loads(path.read_text(encoding="utf-8")).items():
            out[rel] = [_pool_record(r) for r in entry["articles"]]
    for path in sorted(EXPECTED.glob("text/*.expected.json")) + sorted(
            EXPECTED.glob("markdown/**/*.expected.json")):
        want = json.loads(path.read_text(encoding="utf-8"))
        stem = path.name[: -len(".expected.json")]
        folder = FIXTURES / "real" / path.parent.relative_to(EXPECTED)
        real = next(p for p in folder.iterdir()
                    if p.name.startswith(stem + ".") and not p.name.endswith(".expected.json"))
        out[real.relative_to(FIXTURES).as_posix()] = [_real_record(want)]
    pages = json.loads((EXPECTED / "html" / "expectations.json").read_text(encoding="utf-8"))
    for name, want in pages.items():
        out[f"real/html/{name}"] = [_real_record(want)]
    dumps = json.loads((EXPECTED / "json" / "expectations.json").read_text(encoding="utf-8"))
    for name, want in dumps.items():
        out[f"real/json/{name}"] = [dict(_real_record(rec), index=int(number))
                                    for number, rec in want["records"].items()]
    return out


def _pool_record(r: dict[str, Any]) -> dict[str, Any]:
    title = r["title"]
    return {"title": [title] if isinstance(title, str) else title, "authors": r["authors"],
            "published": r["published"], "tags": r["tags"],
            "has": [t for t in (r["first"], r["middle"], r["last"]) if t],
            "lacks": r["furniture"], "index": r.get("index"),
            "unscored": set(r.get("unscored", ())) | {f for f in ("title", "authors", "tags")
                                                      if r[f] is None}}


def _real_record(want: dict[str, Any]) -> dict[str, Any]:
    unscored = set(want.get("known_misses", {}))  # documented misses still count as misses
    return {"title": [want["title"]], "authors": want["authors"],
            "published": want["published"], "tags": want.get("tags"),
            "has": want["body_has"], "lacks": want.get("body_lacks", []), "index": None,
            "unscored": ({"tags"} if "tags" not in want else set()) - unscored}


# ---- reading and matching --------------------------------------------------------------------

def read(path: Path, name: str) -> list[Any]:
    from searcher.formats import Source, reader_for
    from searcher.formats.base import UnreadableFile
    from searcher.models import Article

    reader = reader_for(path)
    if reader is None:
        return []
    try:
        return [i for i in reader(Source(path, name)) if isinstance(i, Article)]
    except UnreadableFile:
        return []


def match(record: dict[str, Any], articles: list[Any], records: int) -> Any:
    if record["index"] is not None:
        return articles[record["index"] - 1] if len(articles) >= record["index"] else None
    if records == 1 and len(articles) == 1:
        return articles[0]
    has = [norm(t) for t in record["has"]]
    for article in articles:  # the article that holds the record's first sentence
        if has and has[0] in norm(article.body):
            return article
    titles = {norm(t) for t in record["title"] or ()}
    return next((a for a in articles if norm(a.title) in titles), None)


def score(record: dict[str, Any], article: Any) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {}
    unscored = record["unscored"]
    if article is None:
        return {f: (None if f in unscored or (f == "date" and "published" in unscored)
                    else False) for f in FIELDS}
    out["title"] = None if "title" in unscored else norm(article.title) in {
        norm(t) for t in record["title"]}
    body = norm(article.body)
    out["body"] = all(norm(t) in body for t in record["has"]) and not any(
        (norm(t) in body) if norm(t) else (t in article.body)  # "\r" is checked as is
        for t in record["lacks"]) if record["has"] or record["lacks"] else None
    want = record["published"]
    got = article.published
    if "published" in unscored:
        out["date"] = None
    elif want is None or got is None:
        out["date"] = want is None and got is None
    elif len(want) == 10:
        out["date"] = got.date().isoformat() == want
    else:
        out["date"] = got.isoformat()[:len(want)] == want
    out["tags"] = None if "tags" in unscored or record["tags"] is None else (
        sorted(t.casefold() for t in article.tags) == sorted(t.casefold() for t in record["tags"]))
    out["authors"] = None if "authors" in unscored else (
        sorted(a.casefold() for a in article.authors)
        == sorted(a.casefold() for a in record["authors"]))
    return out


# ---- the run -----------------------------------------------------------------------------------

def run(halves: list[str], only_set: str | None, misses: bool) -> dict[str, Any]:
    split = json.loads((HERE / "readers_split.json").read_text(encoding="utf-8"))
    half_of = {f: s["half"] for s in split["sources"] for f in s["files"]}
    truth = truth_records()
    tally: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(
        lambda: {f: [0, 0] for f in FIELDS})
    for rel in sorted(truth):
        half = half_of.get(rel)
        kind = SET_OF[rel.split("/")[1]]
        if half not in halves or (only_set and kind != only_set):
            continue
        articles = read(FIXTURES / rel, Path(rel).name)
        for record in truth[rel]:
            result = score(record, match(record, articles, len(truth[rel])))
            for field, ok in result.items():
                if ok is None:
                    continue
                for key in ((half, kind), (half, "all")):
                    tally[key][field][0] += ok
                    tally[key][field][1] += 1
                if misses and not ok:
                    title = record["title"][0] if record["title"] else None
                    print(f"  miss {half} {field:7} {rel} {title!r:.60}")
    return {f"{h}/{s}": {f: (round(100 * p / n, 1) if n else None, n)
                         for f, (p, n) in tally[(h, s)].items()}
            for h in halves for s in (*SETS, "all") if (h, s) in tally}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("dev", "val", "both"), default="both")
    parser.add_argument("--set", choices=SETS)
    parser.add_argument("--misses", action="store_true", help="list every failed field")
    args = parser.parse_args()
    halves = ["dev", "val"] if args.half == "both" else [args.half]
    table = run(halves, args.set, args.misses)
    print(f"{'half/set':16}" + "".join(f"{f:>14}" for f in FIELDS))
    for key, row in table.items():
        cells = "".join(f"{'-' if pct is None else f'{pct:.0f}%'} ({n:>3})".rjust(14)
                        for pct, n in row.values())
        print(f"{key:16}{cells}")
    print(json.dumps({k: {f: v[0] for f, v in row.items()} for k, row in table.items()}))


if __name__ == "__main__":
    main()
