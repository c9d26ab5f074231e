"""Issue 16, bounded cost: hostile input of a size a user can make costs time and memory in
proportion to it (classes 6, 7 and 11). The times are measured in bench/attack.py; here a
regression fails in seconds (a SIGALRM guard, ``within``) instead of hanging the suite,
and the results are checked against the former rules (oracles)."""

from __future__ import annotations

import gzip
import io
import json
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.cli import main as main_cli
from searcher.formats import (
    Source,
    base,
    bylines,
    markdown_text,
    reader_for,
    record_cleanup,
    text_head,
    text_labels,
    text_lines,
    text_tags,
    titles,
)
from searcher.models import Article
from searcher.query.lexer import Lexer
from searcher.shell import filters as shell_filters

from .conftest import REAL_FILES, write_jsonl
from .folder_trees import remove_tree

RUN = 100_000  # characters of one whitespace run: the size


class TooSlow(Exception):
    pass


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail (not hang) when the block uses more than ``seconds`` of CPU: the linear code
    takes well under a second here, the quadratic code it replaced minutes to hours.
    CPU time (ITIMER_PROF), not the wall clock: on the shared 2-core machine at load 16,
    1.6 s of CPU took 14 s of wall time, and a wall-clock bound failed linear code."""
    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise TooSlow(f"still running after {seconds} s of CPU: superlinear again?")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


# ---- class 6: regexes searched through long runs of whitespace ----------------------------

def _spans(pattern: re.Pattern[str], text: str) -> object:
    return (pattern.sub("#", text), pattern.split(text),
            [(m.span(), m.groups()) for m in pattern.finditer(text)])


def _found(pattern: re.Pattern[str], text: str) -> object:
    return pattern.search(text) is not None


def _matched(pattern: re.Pattern[str], text: str) -> object:
    m = pattern.match(text)
    return m and m.groupdict()


# (the linear pattern, the former quadratic one as the oracle, how the code uses it)
FORMER: list[tuple[re.Pattern[str], str, Callable[[re.Pattern[str], str], object]]] = [
    (bylines._SEPARATORS, r"\s*(?:[,;|·•]|\s/\s|\band\b|&|\bwith\b)\s*", _spans),
    (text_tags.DELIMITERS, r"\s*[,;|•·]\s*", _spans),
    (text_lines._DELIMITERS, r"\s*[,;|•·]\s*", _spans),
    (text_lines._RIGHTS, r"\s*all rights reserved.*$", _spans),
    (text_lines._LATER_STAMP, r"[,;|(]?\s*\b(?:updated|modified|last updated)\b.*$", _spans),
    (titles._SEPARATOR, r"\s+(?:\||-|–|—|::|»|·|/|:)\s+", _spans),
    (record_cleanup._TRUNCATION, r"\s*(?:…|\.\.\.)?\s*\[\+?(\d[\d,]*) chars\]\s*$", _spans),
    (text_lines._TABLE_ROW, r"\S(?: {2,}|\t+)[-+$£€(]?\d|\d\S*(?: \S+)? vs\.? \S*\d", _found),
    (text_lines._CAPTION_CREDIT,
     r"(?:[.)]\s*|\s)(?:photo(?:graph)?|image|picture|video)?\s*(?:credit|courtesy)s?\s*:\s*"
     r"\S.{0,80}$|\((?:photo|image|picture)s?\s*(?::|by|credit)[^()]{1,80}\)$", _found),
    (text_labels._LABEL, r"^(?P<label>[^\W\d_][\w .'&/-]{0,40}?)\s*[:：]\s*(?P<value>.*)$",
     _matched),
    (text_labels._RULE, r"^\W{0,2}[-=*_#~]{3,}(?:[\w\s]{0,40}[-=*_#~]{3,})?\W{0,2}$", _matched),
    (text_head._SITE_SUFFIX,
     r"^(?P<head>.{12,}?)\s+(?P<sep>\||-|–|—|::|·|•)\s+(?P<site>[^|]{2,40})$", _matched),
    (shell_filters._NEXT_FILTER, r"\s+(?=(?:" + "|".join(map(re.escape, shell_filters.FILTERS))
     + "):)", _spans),
]
PIECES = [" ", "  ", "\t", "\n", "\xa0", "a", "Jo", "Doe", ",", ";", "|", "•", "/", " and ",
          "with", "&", ".", "…", "...", "[+12 chars]", "[+1,2 chars]", "chars]", "updated",
          "(", ")", "all rights reserved", "photo", "credit", ":", "courtesy", "1", "2020",
          " vs ", "-", "=", "_", "#", "---", "@", "x@y.com", "Copyright", "©", "Ltd", " - ",
          " | ", "::", "Title Of The Story", "Site", "tag:", "Since:", "not-tag:"]
texts = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


@pytest.mark.parametrize("pattern, former, use", FORMER,
                         ids=[f"{p.pattern[:24]}" for p, _, _ in FORMER])
@settings(max_examples=150, deadline=None)
@given(text=texts)
def test_a_linear_pattern_finds_what_the_former_one_found(
        pattern: re.Pattern[str], former: str, use: Callable[[re.Pattern[str], str], object],
        text: str) -> None:
    assert use(pattern, text) == use(re.compile(former, pattern.flags), text)


@pytest.mark.parametrize("pattern, former, use", FORMER,
                         ids=[f"{p.pattern[:24]}" for p, _, _ in FORMER])
@pytest.mark.parametrize("run", [" " * RUN, " \t\xa0" * (RUN // 3), "-" * RUN, "1" * RUN])
def test_a_linear_pattern_is_linear_on_a_long_run(
        pattern: re.Pattern[str], former: str, use: Callable[[re.Pattern[str], str], object],
        run: str) -> None:
    with within(10):  # each of these took minutes or hours
        for text in (f"x{run}y", f"Copyright x.{run}. a", f"Photo.{run}credit{run}x chars]"):
            use(pattern, text)


def test_the_line_rules_are_linear_on_long_runs() -> None:
    spaces = " " * RUN
    with within(20):
        assert bylines.names_in(f"Jane{spaces}Doe{spaces}and{spaces}x@y{'z' * RUN}") is None
        assert text_lines.copyright_holder(f"© Acme{spaces}Ltd.{' a.' * (RUN // 3)} x") \
            .startswith("Acme")
        assert text_lines.date_line(f"Jan 5, 2020{spaces}updated{spaces}x") == (
            True, datetime(2020, 1, 5))
        assert record_cleanup._without_tags("<p" * RUN + "<b>") == " "
        assert record_cleanup._without_tags("<b>" + "<p" * RUN) == " " + "<p" * RUN


# the former template pattern of markdown_text (quadratic from each unclosed opening)
FORMER_TEMPLATE = re.compile(r"\{%-?.*?-?%\}|\{\{[<%]?.*?[>%]?\}\}", re.DOTALL)


@settings(max_examples=2000, deadline=None)
@given(text=st.lists(st.sampled_from(["{", "}", "%", "-", "<", ">", "a", "\n", " ", "{{", "}}",
                                      "{%", "%}", "{{<", ">}}", "{%-", "-%}"]),
                     max_size=20).map("".join))
def test_template_tags_are_removed_where_the_former_pattern_removed_them(text: str) -> None:
    gone = markdown_text._GONE
    assert markdown_text._remove_templates(text) == FORMER_TEMPLATE.subn(gone, text)


def test_unclosed_template_tags_and_filters_cost_linear_time() -> None:
    with within(10):  # 8,000 characters took 1.4 s (templates), 2.8 s (filters): quadratic
        for text in ("{{ " * RUN, "{%" * RUN, "{{" + "a" * RUN, "{{}}" * RUN + "{%%}"):
            markdown_text.to_text(text)
        spaces = " " * RUN
        assert shell_filters.parse_filters(f"tag:x{spaces}y") == [("tags", f"x{spaces}y")]
        assert shell_filters.parse_filters(f"tag:x{spaces}since:2020") == [
            ("tags", "x"), ("since", "2020")]
        assert len(shell_filters.parse_filters("tag:x " * (RUN // 6))) == RUN // 6
        # the query lexer matches a field name only where a token starts: linear already
        for query in ("a" * RUN, "a:" * (RUN // 2), "ab1_:" * (RUN // 5), "a" * RUN + ":x",
                      "-a" * (RUN // 2), "title:" * (RUN // 6)):
            Lexer(query, query, []).run()


def _whitespace_files(folder: Path) -> list[Path]:
    """The issue's attack: 100 KB runs of whitespace in every field of each format."""
    s, w = " " * RUN, (" \t\n\xa0  \r\n" * (RUN // 8))
    files = {
        "a.jsonl": json.dumps({
            "id": "w1", "title": f"Oil{s}prices", "body": f"Crude{w}oil{s}.{w}x",
            "tags": [f"Energy{s}", f"{w}Oil"], "authors": f"By{s}Jane{w}Doe{s}and{s}Joe",
            "published": f"2020-01-01{s}", "source": f"Wire{s}", "url": f"http://x{s}"}) + "\n",
        "b.md": f"---\ntitle: Oil{s}news\nauthor: By{s}Jane\ntags: [a{s}, b]\n---\n\n"
                f"# Oil{s}\n\n{w}crude{s}oil{w}\n",
        "p.txt": f"Oil{s}prices{s}rise{s}|{s}Wire\n\nBy{s}Jane{s}Doe{s}\n"
                 f"Published:{s}2020-01-03{s}updated{s}\n{s}\nCrude{s}oil{s}rose.{s}\n\n"
                 f"{s}READ MORE:{s}\n\nTags{s}Oil,{s}Energy\nCopyright{s}2020{s}Wire{s}\n",
        "h.html": f"<html><head><title>Oil{s}prices</title><meta name='author' "
                  f"content='Jane{s}Doe'></head><body><article><h1>Oil{s}</h1><p>By{s}Jane"
                  f"{s}Doe</p><p>Crude{w}oil{s}prices rose today in trading.</p></article>"
                  f"</body></html>",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def test_every_reader_reads_100_kb_whitespace_runs_in_every_field(tmp_path: Path) -> None:
    for path in _whitespace_files(tmp_path):
        reader = reader_for(path)
        assert reader is not None
        with within(30):  # each took minutes (the .txt page: 40 KB of spaces, 18 s)
            items = list(reader(Source(path, path.name)))
        articles = [i for i in items if isinstance(i, Article)]
        assert len(articles) == 1, path.name
        assert "oil" in " ".join(articles[0].body.split()).casefold(), path.name


# ---- class 11: a folder tree 1,000 levels deep ------------------------------------------

def test_a_folder_tree_1000_levels_deep_indexes_and_its_loop_is_reported(tmp_path: Path) -> None:
    from searcher import build_index

    corpus = tmp_path / "c"
    deep = corpus
    corpus.mkdir()
    try:
        for _ in range(1000):  # "d/" a level: 2,000 characters of path, under PATH_MAX
            deep = deep / "d"
            deep.mkdir()  # (mkdir(parents=True) recurses a level at a time: RecursionError)
        (deep / "a.jsonl").write_text('{"id": "deep", "title": "Deep oil", "body": "oil"}\n')
        (corpus / "top.jsonl").write_text('{"id": "top", "title": "Top oil", "body": "oil"}\n')
        (deep / "loop").symlink_to(corpus, target_is_directory=True)  # back to the top
        report = build_index([corpus], index=tmp_path / "ix")
        assert report.documents == 2
        assert [(p.path.count("/"), p.message[:30]) for p in report.problems] == [
            (1000, "a symlink to a folder already ")]
    finally:
        remove_tree(corpus)


# ---- class 6: gzip of blank lines, the record estimate -----------------------------------

def _gzip_of_newlines(path: Path, megabytes: int, before: bytes = b"", after: bytes = b"") -> None:
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(before)
        block = b"\n" * (1 << 20)
        for _ in range(megabytes):
            f.write(block)
        f.write(after)


def test_runs_of_blank_lines_are_skipped_a_buffer_at_a_time() -> None:
    good = b'{"id": "a"}\n'
    data = good + b"\n" * 1_000_000 + b"\r\n" * 1000 + good + b"\n\r\n" + good

    class Counting(io.BufferedReader):
        calls = 0

        def readline(self, size: int | None = -1) -> bytes:
            Counting.calls += 1
            return super().readline(size)

    lines = list(base._capped_lines(Counting(io.BytesIO(data))))  # type: ignore[arg-type]
    assert lines == [(1, good), (1_001_002, good), (1_001_005, good)]
    assert Counting.calls < 100  # a line at a time: a million calls


def test_gzip_that_inflates_like_a_bomb_is_reported_and_stops(tmp_path: Path) -> None:
    from searcher import build_index

    corpus = tmp_path / "c"
    corpus.mkdir()
    first = b'{"id": "g0", "title": "Before the padding", "body": "oil"}\n'
    _gzip_of_newlines(corpus / "blank.jsonl.gz", 64, before=first,
                      after=b'{"id": "g1", "title": "After", "body": "oil"}\n')
    _gzip_of_newlines(corpus / "blank.txt.gz", 64)
    (corpus / "ok.jsonl").write_text('{"id": "ok", "title": "Oil", "body": "oil"}\n')
    with within(60):  # 64 MB inflated: read to the end, each line a turn of the loop
        report = build_index([corpus], index=tmp_path / "ix")
    assert report.documents == 2  # g0 and ok: g1 sits past the padding
    bomb = f"gzip data inflates more than {base.MAX_GZIP_RATIO} times its size"
    assert sorted((p.path, p.message[:len(bomb)]) for p in report.problems) == [
        ("blank.jsonl.gz", bomb), ("blank.txt.gz", bomb)]


def test_a_news_archive_gzip_is_not_taken_for_a_bomb(tmp_path: Path) -> None:
    rows = [json.dumps({"id": f"r{n}", "title": f"Oil {n}", "body": "Crude oil rose. " * 40})
            for n in range(40_000)]  # 27 MB inflated 92 times: repetitive, not a bomb
    with gzip.open(tmp_path / "a.jsonl.gz", "wt") as f:
        f.write("\n".join(rows) + "\n")
    source = Source(tmp_path / "a.jsonl.gz", "a.jsonl.gz")
    items = list(base.iter_lines(source))
    assert len(items) == 40_000 and items[-1][0] == 40_000


def test_the_record_estimate_reads_a_sample_not_the_stream(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from searcher import corpus

    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": "x", "title": "a line of about fifty bytes"}\n' * 20_000)
    monkeypatch.setattr(corpus, "ESTIMATE_SAMPLE", 10_000)  # reads 1 % of it
    reads: list[int] = []
    real_open = open

    def counting_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        f = real_open(file, mode, *args, **kwargs)
        real_read = f.read
        f.read = lambda n=-1: reads.append(n) or real_read(n)  # type: ignore[method-assign]
        return f

    monkeypatch.setattr("builtins.open", counting_open)
    st = path.stat()
    estimate = corpus.estimate_records(corpus.CorpusFile(
        path, "a.jsonl", str(path), st.st_size, st.st_mtime_ns, reader_for(path)))  # type: ignore[arg-type]
    assert reads == [10_000]
    assert 19_000 <= estimate <= 21_000


# ---- class 7: memory per bad line ------------------------------------------------------

def test_bad_lines_past_the_first_hundred_are_counted_not_kept(tmp_path: Path) -> None:
    from searcher import build_index
    from searcher.cli import main
    from searcher.formats.jsonl import MAX_BAD_LINES_LISTED

    corpus, index = tmp_path / "c", tmp_path / "ix"
    corpus.mkdir()
    good = [json.dumps({"id": f"g{n}", "title": f"Oil {n}", "body": "oil"}) for n in range(4)]
    lines = [good[0], *['{"id": "x", "title": broken}'] * 150_000, good[1], "[1, 2]",
             *["5"] * 1000, good[2], "", "{bad", good[3]]
    (corpus / "bad.jsonl").write_text("\n".join(lines) + "\n")
    report = build_index([corpus], index=index)
    assert report.documents == 4
    assert report.skipped == 150_000 + 1 + 1000 + 1  # every bad line counted
    assert report.problem_kinds == {"invalid JSON": MAX_BAD_LINES_LISTED,
                                    "invalid JSON or not an object": 150_000 + 1002 - 100}
    unlisted = [p for p in report.problems if p.count > 1 or p.through is not None]
    assert [(p.line, p.through, p.count) for p in unlisted] == [
        (102, 150_001, 149_900), (150_003, 151_003, 1001), (151_006, 151_006, 1)]
    assert str(unlisted[0]).startswith("bad.jsonl:102-150001: invalid JSON or not an object: "
                                       "149,900 more line(s), not listed one by one")
    # an earlier article whose line is bad now is kept, whether listed or counted
    (corpus / "bad.jsonl").write_text("\n".join(
        [good[0], *['{"id": "x", "title": broken}'] * 150_000, "{bad", "[1, 2]",
         *["5"] * 1000, good[2], "", "{bad", good[3]]) + "\n")
    report = build_index([corpus], index=index)
    assert (report.documents, report.kept, report.deleted) == (4, 1, 0)
    out = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["inspect", str(corpus / "bad.jsonl")])
    assert "jsonl reader: 3 article(s), 0 decision(s), 151,003 problem(s)" in out.stdout
    assert "lines 102-151003: invalid JSON or not an object: 150,902 more line(s)" in out.stdout


# ---- class 7: searcher inspect holds one record at a time -------------------------------

@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_inspect_streams_a_file_one_record_at_a_time(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "big.jsonl"
    with open(path, "w") as f:  # 50 MB of articles: held whole, inspect --json took 220 MB
        for n in range(1000):
            f.write(json.dumps({"id": f"a{n}", "title": f"Oil {n}",
                                "body": "Crude oil prices rose today. " * 1700}) + "\n")
    # the peak of the process itself (VmHWM; ru_maxrss would count pytest's, from the fork)
    code = ("import sys, runpy\nsys.argv = ['searcher', 'inspect', '--json', sys.argv[1]]\n"
            "try:\n    runpy.run_module('searcher', run_name='__main__')\nfinally:\n"
            "    peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            "    sys.stderr.write(peak[0].split()[1])\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stderr.split()[-1]) < 100 * 1024  # KB: about 31 MB streaming
    small = write_jsonl(tmp_path / "small.jsonl", [{"id": "s", "title": "Oil", "body": "oil"}])
    out = CliRunner().invoke(main_cli, ["inspect", "--json", str(small), str(tmp_path / "none"),
                                        str(small)])
    files = json.loads(out.stdout)["files"]  # streamed, still one JSON document
    assert [(f["articles"], len(f["records"])) for f in files] == [(1, 1)] * 2
    assert out.exit_code == 1 and "none: no such file" in out.stderr


# ---- class 7: objects a JSON file can make ---------------------------------------------

def test_json_that_would_make_millions_of_objects_is_refused_with_a_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from searcher import build_index
    from searcher.formats import jsonl

    monkeypatch.setattr(jsonl, "MAX_JSON_VALUES", 20_000)
    monkeypatch.setattr(jsonl, "CHECKED_LINE_CHARS", 1000)
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "many.json").write_text(json.dumps([{"t": n} for n in range(20_000)]))
    (corpus / "fine.json").write_text(json.dumps(
        [{"id": f"f{n}", "title": "Oil", "body": "Oil, gas, coal. " * 10} for n in range(500)]))
    (corpus / "lines.jsonl").write_text(
        json.dumps({"id": "l1", "title": "Oil", "body": "oil"}) + "\n"
        + json.dumps({"id": "l2", "title": "Oil", "body": "oil", "x": [[]] * 20_000}) + "\n"
        + json.dumps({"id": "l3", "title": "Oil", "body": "oil " * 2000}) + "\n")
    report = build_index([corpus], index=tmp_path / "ix")
    assert report.documents == 502  # fine.json (12,500 values) and l1, l3
    bound = "too many JSON values to read in one go (about 40,00{}; the bound on memory is 20,000)"
    assert sorted((p.path, p.line, p.message) for p in report.problems) == [
        ("lines.jsonl", 2, bound.format(4) + ": line skipped"),
        ("many.json", None, bound.format(0) + ": not read (split it, or use JSON Lines)")]
    assert report.problem_kinds == {"too many JSON values to read in one go": 2}


def test_inspect_reads_a_small_file_once_and_a_large_one_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from searcher import formats, inspect

    calls: list[str] = []
    real = formats.READERS[".jsonl"]

    def counting(source: Source) -> Any:
        calls.append(source.name)
        return real(source)

    monkeypatch.setitem(formats.READERS, ".jsonl", counting)
    monkeypatch.setattr(inspect, "KEEP_RECORDS", 10)
    small = write_jsonl(tmp_path / "small.jsonl", [{"id": f"s{n}", "title": "Oil", "body": "x"}
                                                   for n in range(10)])
    large = write_jsonl(tmp_path / "large.jsonl", [{"id": f"l{n}", "title": "Oil", "body": "x"}
                                                   for n in range(11)])
    for args in ([], ["--json"]):
        calls.clear()
        out = CliRunner().invoke(main_cli, ["inspect", *args, str(small), str(large)])
        assert out.exit_code == 0
        assert calls == ["small.jsonl", "large.jsonl", "large.jsonl"]
        assert out.stdout.count("Oil") == 21


def test_a_refused_json_file_is_never_held_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tracemalloc

    from searcher.formats import jsonl

    monkeypatch.setattr(jsonl, "MAX_JSON_VALUES", 100_000)
    path = tmp_path / "objects.json"
    with open(path, "w") as f:  # 30 MB, 6 M values: read whole it was held whole (30 MB)
        f.write("[" + '{"a": 1}, ' * 3_000_000 + '{"title": "Oil", "body": "oil"}]')
    tracemalloc.start()
    try:
        with pytest.raises(base.UnreadableFile) as refused:
            list(jsonl.read_json(Source(path, path.name)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(refused.value) == (
        "too many JSON values to read in one go (about 6,000,003; the bound on memory is "
        "100,000): not read (split it, or use JSON Lines)")
    assert peak < 5 << 20  # a megabyte at a time, let go past the bound


def test_a_page_of_too_many_elements_is_refused_and_its_article_kept(tmp_path: Path) -> None:
    from searcher import build_index
    from searcher.formats import html

    corpus = tmp_path / "c"
    corpus.mkdir()
    page = ("<html><head><title>Oil prices rise</title></head><body><article><h1>Oil prices "
            "rise</h1><p>Crude oil prices rose today in trading on the market, dealers said."
            "</p>{}</article></body></html>")
    (corpus / "p.html").write_text(page.format(""))
    (corpus / "ok.jsonl").write_text('{"id": "ok", "title": "Oil", "body": "oil"}\n')
    assert build_index([corpus], index=tmp_path / "ix").documents == 2
    elements = html.MAX_PAGE_ELEMENTS + 1
    (corpus / "p.html").write_text(page.format("<b>x</b>" * elements))  # 11 s, 415 MB at 300k
    with within(20):
        report = build_index([corpus], index=tmp_path / "ix")
    assert (report.documents, report.kept, report.deleted) == (2, 1, 0)
    assert [(p.path, p.message) for p in report.problems] == [
        ("p.html", f"too many HTML elements to read (about {elements + 7:,}; the bound on time "
         f"and memory is {html.MAX_PAGE_ELEMENTS:,}): not read")]


def test_hover_card_candidates_are_what_the_former_xpath_found() -> None:
    import trafilatura

    from searcher.formats import html_body

    former = "//p//span[@class] | //p//div[@class]"
    pages = [gzip.decompress(p.read_bytes()) for p in sorted((REAL_FILES / "html").glob("*.gz"))]
    assert len(pages) == 30
    pages.append(b"<html><body><p>a<span class='hover'>x<span class='tooltip'>y</span></span>"
                 b"<div class='x'>z</div></p><div class='popup'>q</div><p><b><div class="
                 b"'rollover'>r</div></b></p><span class='hover'>s</span></body></html>")
    for data in pages:
        tree = trafilatura.load_html(data)
        expected = [e for e in tree.xpath(former)
                    if html_body._CARD_CLASS.search(e.get("class") or "")]
        assert html_body.hover_card_candidates(tree) == expected
    assert len(expected) == 3
    tree = trafilatura.load_html("<html><body>" + "<p>oil</p>" * 30_000 + "</body></html>")
    with within(5):  # the XPath took 16 s
        assert html_body.hover_card_candidates(tree) == []


def test_this_sessions_reader_rules_cost_linear_time() -> None:
    """The small print around a © line (html_tail), a text's closing links
    (record_cleanup.link_tail) and page dumps in one .txt (text_pages) on inputs made to
    make them scan and rescan: a page of deeply nested blocks and one whose last line's
    words are everywhere, 1 MB of labelled URLs, 200,000 lines opening like a page."""
    import lxml.html

    from searcher.formats.html_tail import small_print
    from searcher.formats.record_cleanup import link_tail
    from searcher.formats.text_pages import split_repeated_pages

    line = "Copyright © 2024 Example Media, all rights reserved by the publisher"
    nested = lxml.html.fromstring("<html><body>" + "<div>word " * 250 + f"<p>{line}</p>"
                                  + "</div>" * 250 + "</body></html>")
    common = lxml.html.fromstring("<html><body>" + f"<p>{line}</p>" * 20_000 + "</body></html>")
    with within(5):
        assert small_print(nested, "The first line of the article text is here.\n" + line)
        assert small_print(common, "The first line of the article text is here.\n" + line) == ""
        assert link_tail("Prices rose. " + "Label: https://x.example/y " * 40_000) is not None
        assert link_tail("Prices rose. " + "a: b. " * 200_000) is None
        assert split_repeated_pages(["Home  News  Story", "By Jane Doe"] * 100_000) is None
