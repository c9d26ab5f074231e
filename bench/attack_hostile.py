#!/usr/bin/env python3
"""Hostile input, fifth session: attacks added to bench/attack_list.py's harness.

    python bench/attack_hostile.py [--only CLASS[,CLASS]] [--keep DIR] [--timeout S]

Same rules as attack_list.py (each attack runs the real thing: ``python -m searcher`` in a
fresh process, the library, or the web app through Starlette's test client; *held* when
searcher does what README promises, with no traceback), in five new classes:

- 14: a huge value a user gives (an id, an option, a date, a query word) is quoted cut in
  the error or note, with its length; a name the system refuses is one line.
- 15: bounded work on huge or many-valued articles: more-like-this on a 1.4 MB article,
  highlights of a 1 MB article of length-changing letters, a story of 150 copies,
  200,000 distinct tags (facets, stats). Judged by CPU seconds of a fresh process.
- 16: hostile file names and contents: newlines and escapes in names, NUL bytes, bytes
  that are not UTF-8, a YAML alias bomb, JSON nested 100,000 deep, a 300 MB gzip line,
  a symlink loop; the build goes on, every file is reported or read.
- 17: queries: odd Unicode (bidi, zero-width, combining marks, lone surrogates,
  controls), every shape of wildcard, fuzzy, phrase and nesting: no traceback, bounded
  CPU, no escape reaches the terminal.
- 18: the web app: path tricks, the server's paths, an id with a newline, a huge id,
  markup in articles and parameters.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attack_list as al
from attack_list import LEFT, Result, attack, build, clean, cli, err, jsonl, out  # noqa: F401

CPU_S = 5.0  # every command must stay under this many CPU seconds (as attack.py's steps)
HUGE = "x" * 100_000  # one argument may hold at most 128 KB (MAX_ARG_STRLEN)


def timed(d: Path, *args: str, stdin: str = "") -> tuple[float, Any]:
    before = os.times()
    p = cli(d, *args, stdin=stdin)
    after = os.times()
    return (after.children_user + after.children_system
            - before.children_user - before.children_system), p


def seed(d: Path) -> None:
    jsonl(d / "c" / "a.jsonl", al.rec(1), al.rec(2))
    build(d, "c", "--index", "ix")


# ---- 14. huge values in errors -----------------------------------------------------------


@attack(14, "a 100,000-character id, --sort, --since, --fields, --format, query date")
def a14_echo(d: Path) -> Result:
    seed(d)
    commands = [["show", HUGE], ["explain", HUGE, "oil"], ["search", "oil", "--sort", HUGE],
                ["search", "oil", "--since", HUGE], ["search", "date:2020-" + "1" * 9000],
                ["export", "oil", "--fields", HUGE], ["export", "oil", "--format", HUGE],
                ["search", "oil", "--limit", "9" * 9000], [HUGE]]
    worst = 0
    for args in commands:
        p = cli(d, args[0], *(["--index", "ix"] if len(args) > 1 else []), *args[1:])
        if not clean(p) or p.returncode == 0:
            return False, f"{args[0]}: exit {p.returncode}: {al.first_line(err(p))[:80]}"
        worst = max(worst, len(err(p)))
    return worst < 1_300, f"{len(commands)} errors, the longest {worst:,} characters"


@attack(14, "a name too long for the system: build, inspect")
def a14_long_name(d: Path) -> Result:
    name = str(d / ("y" * 300))
    seen = []
    for args in (["build", name, "--index", "ix"], ["inspect", name]):
        p = cli(d, *args)
        if not clean(p) or p.returncode != 1 or err(p).count("\n") != 1:
            return False, f"{args[0]}: exit {p.returncode}: {al.first_line(err(p))[:80]}"
        seen.append(f"{args[0]}: ...{err(p).strip()[-20:]}")
    return True, "; ".join(seen)


@attack(14, "the shell: `:filter tag:<100,000 characters>`, a 100,000-character :command")
def a14_shell(d: Path) -> Result:
    seed(d)
    p = cli(d, "shell", "--index", "ix", stdin=f":filter tag:{HUGE}\n:{HUGE}\noil\n")
    size = len(out(p)) + len(err(p))
    return clean(p) and size < 5_000, f"{size:,} characters of output (drawn whole before)"


# ---- 15. bounded work on huge articles ---------------------------------------------------


def _shell_similar(d: Path, article_id: str) -> tuple[float, Any]:
    return timed(d, "shell", "--index", "ix", stdin=f"{article_id}\n:similar 1\n")


@attack(15, "more like this on a 1.4 MB article of 90,000 distinct words")
def a15_similar(d: Path) -> Result:
    import random

    rng = random.Random(1)
    words = [f"w{rng.getrandbits(24):x}" for _ in range(200_000)]
    body = " ".join(rng.choice(words) for _ in range(180_000))
    jsonl(d / "c" / "a.jsonl", {"id": "huge", "title": "huge", "body": body},
          *({"id": f"s{i}", "title": f"small {i}", "body": " ".join(rng.sample(words, 50))}
            for i in range(200)))
    build(d, "c", "--index", "ix")
    code = ("import searcher, time; ix = searcher.open_index('ix'); t = time.process_time(); "
            "r = ix.similar('huge'); print(round(time.process_time() - t, 2), r.total)")
    before = os.times()
    p = al.subprocess.run([sys.executable, "-c", code], cwd=d, capture_output=True, check=False)
    after = os.times()
    cpu = after.children_user + after.children_system - before.children_user \
        - before.children_system
    return cpu < CPU_S and p.returncode == 0, f"similar: {out(p).strip()} s, process {cpu:.2f} s"


@attack(15, "highlights of ten 1.16 MB articles of ß, ligatures and Cyrillic")
def a15_fold(d: Path) -> Result:
    import random

    rng = random.Random(2)
    syl = ["ка", "ра", "ßo", "mé", "ﬁn", "тру", "дé", "oil"]
    records = []
    for i in range(10):
        text = " ".join("".join(rng.choice(syl) for _ in range(3)) for _ in range(150_000))
        records.append({"id": f"n{i}", "title": "pipeline", "body": f"pipeline {text}"})
    jsonl(d / "c" / "a.jsonl", *records)
    build(d, "c", "--index", "ix")
    cpu, p = timed(d, "search", "pipeline", "--index", "ix", "--json")
    ok = clean(p) and p.returncode == 0 and json.loads(out(p))["total"] == 10
    return ok and cpu < CPU_S * 2, f"10 hits with snippets: {cpu:.2f} s CPU (bound {CPU_S * 2})"


@attack(15, "200,000 distinct tags on one article: search --facets, stats")
def a15_tags(d: Path) -> Result:
    jsonl(d / "c" / "a.jsonl", {"id": "t", "title": "Oil", "body": "oil",
                                "tags": [f"t{n}" for n in range(200_000)]},
          {"id": "u", "title": "Oil two", "body": "oil", "tags": ["t5", "other"]})
    build(d, "c", "--index", "ix")
    seen, ok = [], True
    for args in (["search", "oil", "--facets"], ["stats"]):
        cpu, p = timed(d, *args, "--index", "ix")
        ok = ok and clean(p) and p.returncode == 0 and cpu < CPU_S
        seen.append(f"{args[0]} {cpu:.2f} s")
    return ok, ", ".join(seen)


@attack(15, "a story of 150 copies: search lists 20, stats names the earliest")
def a15_copies(d: Path) -> Result:
    body = " ".join(f"pipeline{n % 97} tanker{n % 89} harbour{n}" for n in range(300))
    jsonl(d / "c" / "a.jsonl", *({"id": f"copy{n:03d}", "title": "Oil pipeline", "body": body,
                                  "date": f"2020-01-01T00:{(150 - n) // 60:02d}:"
                                          f"{(150 - n) % 60:02d}"} for n in range(150)))
    build(d, "c", "--index", "ix")
    hit = json.loads(out(cli(d, "search", "pipeline", "--index", "ix", "--json")))["hits"][0]
    stats = json.loads(out(cli(d, "stats", "--index", "ix", "--json")))
    earliest = [c["id"] for c in hit["copies"]][:3]
    ok = hit["copy_count"] == 149 and earliest[0] in ("copy149", "copy148") \
        and stats["largest_stories"][0]["id"] == "copy149"
    return ok, f"copies {hit['copy_count']}, listed from {earliest}; stats names " \
               f"{stats['largest_stories'][0]['id']}"


# ---- 16. hostile files ---------------------------------------------------------------------


@attack(16, "names with newlines and escapes, NUL bytes, not UTF-8, YAML bomb, deep JSON, "
            "a 300 MB gzip line, a symlink loop")
def a16_files(d: Path) -> Result:
    c = d / "c"
    c.mkdir()
    (c / "evil\nname\x1b[31mred.txt").write_text("Title line\n\nSome body about oil.\n")
    (c / "\x1b]8;;http:evil\x07link.jsonl").write_text(
        '{"id":"x1","title":"t","body":"oil"}\n{bad json\n')
    (c / "bin.txt").write_bytes(os.urandom(200_000))
    (c / "nul.jsonl").write_bytes(b'{"id":"n","title":"a","body":"oil \x00 nul"}\n')
    (c / "latin.jsonl").write_bytes(b'{"id":"l","title":"caf\xe9","body":"oil"}\n')
    (c / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (c / "deep2.jsonl").write_text('{"id":"d","body":"oil","meta":' + "[" * 50_000
                                   + "]" * 50_000 + "}\n")
    aliases = "".join(f"{k}: &{k} [" + ",".join([f"*{p}"] * 9) + "]\n"
                      for p, k in zip("abcdefg", "bcdefgh", strict=True))
    (c / "bomb.md").write_text("---\na: &a [x,x,x,x,x,x,x,x,x]\n" + aliases
                               + "title: Bomb\n---\noil body\n")
    with gzip.open(c / "line.jsonl.gz", "wb") as f:
        f.write(b'{"id":"g","body":"')
        for _ in range(300):
            f.write(b"a" * (1 << 20))
        f.write(b'"}\n')
    os.symlink("loop_b", c / "loop_a.txt")
    os.symlink("loop_a.txt", c / "loop_b")
    cpu, p = timed(d, "build", "c", "--index", "ix", "--json")
    if not clean(p) or not out(p).strip():
        return False, f"build exit {p.returncode}: {al.first_line(err(p))[:80]}"
    report = json.loads(out(p))
    shown = cli(d, "build", "c", "--index", "ix2")  # the terminal summary
    raw_escape = "\x1b" in out(shown) + err(shown) or "\x07" in out(shown) + err(shown)
    said = {p_["path"].split(":")[0] for p_ in report["problems"]}
    ok = report["documents"] >= 4 and not raw_escape and cpu < 30 and len(said) >= 8
    return ok, (f"{report['documents']} articles, {len(report['problems'])} problems over "
                f"{len(said)} files, build {cpu:.1f} s CPU, escapes in the summary: "
                f"{raw_escape}")


# ---- 17. queries ---------------------------------------------------------------------------


# (a NUL cannot be passed on a command line: tests/test_query.py has the library's)
QUERIES = ["*", "a*", "*a", "*a*b*c*d*e*", "???*", "internationalization~2", "a~2",
           " ".join(f"word{n}~2" for n in range(200)), " ".join(f"w{n}" for n in range(1500)),
           '"' + " ".join(["oil", "prices"] * 800) + '"', '"oil prices"~999999999',
           " ".join(f'"oil price{n}"' for n in range(600)), "(" * 40 + "oil" + ")" * 40,
           "NOT " * 2000 + "oil", "\u202eoil\u202c", "o\u200dil", "o" + "\u0301" * 3000 + "il",
           "🛢️ oil 👍🏽", "oil\x01gas", "oil\x1b[31m\x07\x08gas", "zz\x1b[2Jzz*", "date:>now-99999d",
           "tag:*", "id:*", "id:abc~2", "author:*a*", ":" * 5000, "~" * 5000, "'" * 5000,
           "u.s." * 2000, "1" * 9999, "(" * 30 + "oil^2" + ")^3" * 30, "a\x1b]8;;http://x\x07b:oil"]


@attack(17, f"{len(QUERIES)} query shapes through the CLI on 2,000 Reuters articles")
def a17_queries(d: Path) -> Result:
    al.reuters(d, 2000)
    build(d, "c", "--index", "ix", *al.REUTERS_MAP)
    worst, bad = 0.0, []
    for q in QUERIES:
        cpu, p = timed(d, "search", q, "--index", "ix", "--facets")
        text = out(p) + err(p)
        if not clean(p) or p.returncode not in (0, 2) or "\x1b" in text or "\x07" in text:
            bad.append(f"{q[:20]!r}: exit {p.returncode}")
        worst = max(worst, cpu)
    return not bad and worst < CPU_S, f"worst {worst:.2f} s CPU; {bad[:3] or 'no failure'}"


# ---- 18. the web app -----------------------------------------------------------------------


@attack(18, "the server: paths, huge ids, a newline in an id, markup, parameters")
def a18_web(d: Path) -> Result:
    from starlette.testclient import TestClient

    from searcher.serve.app import create_app

    jsonl(d / "c" / "a.jsonl", {"id": "two\nlines", "title": "Broken <script>x()</script>",
                                "body": "walrus [bold]markup[/] \x1b[2J"},
          {"id": "other", "title": "Other", "body": "walrus"})
    build(d, "c", "--index", "ix")
    bad = []
    with TestClient(create_app(d / "ix")) as c:
        checks: list[tuple[str, int]] = [
            ("/api/stats", 200), ("/api/articles/two%0Alines", 200), ("/articles/two%0Alines", 200),
            ("/api/similar/two%0Alines", 200), ("/api/articles/" + "x" * 20_000, 404),
            ("/static/../../etc/passwd", 404), ("/static/%2e%2e/%2e%2e/etc/passwd", 404),
            ("/api/search?q=oil&limit=99999999999999999999", 400),
            ("/api/search?q=oil&page=-1", 400),
            ("/api/search?q=" + "(" * 50 + "oil", 400), ("/?q=%3Cscript%3Ex()%3C/script%3E", 200),
            ("/?q=walrus", 200), ("/api/search?q=oil&sort=" + "x" * 20_000, 400)]
        for path, status in checks:
            r = c.get(path)
            text = r.text
            if r.status_code != status:
                bad.append(f"{path[:40]} {r.status_code}")
            if str(d) in text or ("<script>x" in text and "html" in r.headers["content-type"]) \
                    or "\x1b" in text or len(text) > 200_000 or "Traceback" in text:
                bad.append(f"{path[:40]} leaks")
    return not bad, f"{len(checks)} requests; {bad[:3] or 'each as expected'}"


def main() -> int:
    if "--only" not in sys.argv:
        sys.argv += ["--only", "14,15,16,17,18"]
    if "--skip-bounded" not in sys.argv:
        sys.argv.append("--skip-bounded")
    started = time.perf_counter()
    status = al.main()
    print(f"({time.perf_counter() - started:.0f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
