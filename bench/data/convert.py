"""Convert the classic SMART/Glasgow test collections to the BEIR layout bench/eval.py reads.

Why a script: the conversion is part of what a figure means (which fields are the
title, which queries count), so it is kept beside the data and reruns exactly:

    python bench/data/convert.py RAW_DIR OUT_DIR

RAW_DIR holds the original files under their original names (the READMEs in each
collection folder of ../shared/eval say where they came from): ``time/TIME.{ALL,QUE,REL}``,
``med/MED.{ALL,QRY,REL}``, ``cacm/{cacm.all,query.text,qrels.text}``,
``npl/{doc-text.trec,query-text.trec,qrels}``. Each collection is written to
OUT_DIR/<name>/ as ``corpus.jsonl.gz`` (``_id``, ``title``, ``text``),
``queries.jsonl`` (``_id``, ``text``) and ``qrels/test.tsv`` (header, then
``query-id corpus-id score``). Whitespace is collapsed; nothing else is changed
(TIME's articles stay upper case; its and NPL's capitalised queries are
lower-cased so that their AND/OR/NOT are words, not operators, for every engine).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

Doc = tuple[str, str, str]  # id, title, text
_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def smart_records(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """SMART format: ``.I id`` starts a record, ``.X`` (one letter) starts a field."""
    rid: str | None = None
    fields: dict[str, list[str]] = {}
    key = ""
    for line in path.read_text(encoding="latin-1").splitlines():
        m = re.match(r"^\.([A-Z])(?:\s+(\S+))?\s*$", line)
        if m and m.group(1) == "I":
            if rid is not None:
                yield rid, {k: _clean(" ".join(v)) for k, v in fields.items()}
            rid, fields, key = str(int(m.group(2))), {}, ""
        elif m:
            key = m.group(1)
            fields.setdefault(key, [])
        elif key:
            fields[key].append(line)
    if rid is not None:
        yield rid, {k: _clean(" ".join(v)) for k, v in fields.items()}


def write(out: Path, docs: list[Doc], queries: dict[str, str],
          qrels: list[tuple[str, str, int]]) -> None:
    ids = {d[0] for d in docs}
    kept = [(q, d, g) for q, d, g in qrels if d in ids and q in queries]
    dropped = len(qrels) - len(kept)
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out / "corpus.jsonl.gz", "wb", mtime=0) as raw:
        for did, title, text in docs:
            raw.write((json.dumps({"_id": did, "title": title, "text": text}) + "\n")
                      .encode("utf-8"))
    with (out / "queries.jsonl").open("w", encoding="utf-8") as f:
        for qid, text in queries.items():
            f.write(json.dumps({"_id": qid, "text": text}) + "\n")
    with (out / "qrels" / "test.tsv").open("w", encoding="utf-8") as f:
        f.write("query-id\tcorpus-id\tscore\n")
        for q, d, g in sorted(set(kept), key=lambda r: (int(r[0]), int(r[1]))):
            f.write(f"{q}\t{d}\t{g}\n")
    judged = len({q for q, _d, _g in kept})
    print(f"{out.name}: {len(docs)} docs, {len(queries)} queries ({judged} judged), "
          f"{len(set(kept))} judgments, {dropped} dropped (unknown doc/query)")


def convert_time(raw: Path) -> tuple[list[Doc], dict[str, str], list[tuple[str, str, int]]]:
    """TIME: ``*TEXT 017 01/04/63 PAGE 020`` heads each article (the section and headline
    run into the text with no separator, so there is no title); ``*FIND n`` each query;
    TIME.REL lines are ``query doc doc ...`` where a doc is the article's *position* in
    TIME.ALL (1..423), not its TEXT number (the source's TEXTids.txt maps them; the
    TEXT numbers give off-topic judgments and 71 ids that do not exist)."""
    docs: list[Doc] = []
    for n, part in enumerate(re.split(r"^\*TEXT\s+",
                                      (raw / "TIME.ALL").read_text(encoding="latin-1"),
                                      flags=re.M)[1:], start=1):
        _head, _, body = part.partition("\n")
        docs.append((str(n), "", _clean(body.replace("*STOP", ""))))
    queries: dict[str, str] = {}
    for part in re.split(r"^\*FIND\s+", (raw / "TIME.QUE").read_text(encoding="latin-1"),
                         flags=re.M)[1:]:
        head, _, body = part.partition("\n")
        # Typed in capitals on 1960s hardware: lower-cased, as NPL's are, so that a
        # query's "AND"/"OR"/"NOT" stay words for every engine's query parser.
        queries[str(int(head.split()[0]))] = _clean(body.replace("*STOP", "")).lower()
    qrels = []
    for line in (raw / "TIME.REL").read_text(encoding="latin-1").splitlines():
        nums = line.split()
        qrels += [(str(int(nums[0])), str(int(d)), 1) for d in nums[1:]]
    return docs, queries, qrels


def convert_med(raw: Path) -> tuple[list[Doc], dict[str, str], list[tuple[str, str, int]]]:
    """MEDLINE: abstracts (``.W``) only, no titles; MED.REL is ``query doc 1``."""
    docs = [(i, "", f.get("W", "")) for i, f in smart_records(raw / "MED.ALL")]
    queries = {i: f.get("W", "") for i, f in smart_records(raw / "MED.QRY")}
    qrels = [(q, d, int(g)) for q, d, g in
             (line.split() for line in (raw / "MED.REL").read_text().splitlines() if line)]
    return docs, queries, qrels


def convert_cacm(raw: Path) -> tuple[list[Doc], dict[str, str], list[tuple[str, str, int]]]:
    """CACM: title ``.T``; text is the abstract ``.W`` (often absent) and the authors
    ``.A`` (two queries ask for authors). Queries are ``.W``; qrels ``query doc 0 0``."""
    docs = [(i, f.get("T", ""), _clean(f"{f.get('W', '')} {f.get('A', '')}"))
            for i, f in smart_records(raw / "cacm.all")]
    # The source file ends with an empty ".I 0" record: not a query.
    queries = {i: f["W"] for i, f in smart_records(raw / "query.text") if f.get("W")}
    qrels = [(str(int(q)), str(int(d)), 1) for q, d, *_ in
             (line.split() for line in (raw / "qrels.text").read_text().splitlines() if line)]
    return docs, queries, qrels


def convert_npl(raw: Path) -> tuple[list[Doc], dict[str, str], list[tuple[str, str, int]]]:
    """NPL (Vaswani), Terrier's TREC-format copy: ``<DOCNO>`` and text; topics' ``<title>``."""
    text = (raw / "doc-text.trec").read_text(encoding="latin-1")
    docs = [(m.group(1), "", _clean(m.group(2))) for m in
            re.finditer(r"<DOCNO>\s*(\d+)\s*</DOCNO>(.*?)</DOC>", text, flags=re.S)]
    topics = (raw / "query-text.trec").read_text(encoding="latin-1")
    queries = {m.group(1): _clean(m.group(2)).lower() for m in
               re.finditer(r"<num>\s*(\d+)\s*</num>\s*<title>(.*?)</title>", topics, flags=re.S)}
    qrels = [(q, d, int(g)) for q, _z, d, g in
             (line.split() for line in (raw / "qrels").read_text().splitlines() if line)]
    return docs, queries, qrels


CONVERTERS = {"time": convert_time, "med": convert_med, "cacm": convert_cacm,
              "npl": convert_npl}


def main(argv: list[str]) -> int:
    raw, out = Path(argv[1]), Path(argv[2])
    for name, convert in CONVERTERS.items():
        if (raw / name).is_dir():
            write(out / name, *convert(raw / name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
