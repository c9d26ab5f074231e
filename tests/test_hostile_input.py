"""Hostile input found by attacking the real entry points (fourth session): each test
reproduces one attack that broke, through the command line, the library or the HTTP
API, on real indexes in tmp_path."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from searcher.cli import main

from .conftest import write_jsonl

CORRUPT_GZIP = b"\x1f\x8b\x08\x00garbage" * 10  # a gzip header, then no valid deflate data


def good_corpus(folder: Path) -> Path:
    write_jsonl(folder / "good.jsonl", [{"id": "good", "title": "Good oil", "body": "oil"}])
    return folder


# ---- files ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["a.jsonl.gz", "b.txt.gz", "c.json.gz", "d.md.gz"])
def test_corrupt_gzip_is_reported_and_the_build_goes_on(tmp_path: Path, name: str) -> None:
    """zlib.error (not an OSError) escaped the readers and the record estimate: one
    corrupt .gz file aborted every build and `searcher inspect` with a traceback."""
    corpus = good_corpus(tmp_path / "c")
    (corpus / name).write_bytes(CORRUPT_GZIP)
    result = CliRunner().invoke(main, ["build", str(corpus), "--index", str(tmp_path / "ix"),
                                       "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["documents"] == 1
    assert [(p["path"], p["message"][:12]) for p in report["problems"]] == [
        (name, "cannot read:")]
    inspected = CliRunner().invoke(main, ["inspect", str(corpus / name)])
    assert inspected.exception is None or isinstance(inspected.exception, SystemExit)
    assert "file skipped: cannot read:" in inspected.stdout


# ---- output ---------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["missing/x.csv", "file/x.csv"])
def test_export_to_a_place_that_cannot_be_written_is_one_line(tmp_path: Path,
                                                              where: str) -> None:
    """`export --output` into a folder that is not there (or is a file) raised
    FileNotFoundError/NotADirectoryError out of the command."""
    corpus = good_corpus(tmp_path / "c")
    CliRunner().invoke(main, ["build", str(corpus), "--index", str(tmp_path / "ix"), "-q"])
    (tmp_path / "file").write_text("not a folder")
    result = CliRunner().invoke(main, ["export", "--index", str(tmp_path / "ix"), "oil",
                                       "--output", str(tmp_path / where)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert result.stderr.startswith(f"searcher: cannot write {tmp_path / where} (")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


HOSTILE_TEXT: dict[str, object] = {
    "id": "h\x1b[31m", "title": "\x1b[2J\x1b]8;;http://evil\x07Oil\x1b]8;;\x07 \u202eleak",
    "body": "oil \r over \x9b31m c1 \x07bell", "tags": ["\x1b[31mred", "\u202etag"],
    "source": "\x07=SUM(1+1)", "url": "http://x/\x1b[2J",
}


@pytest.mark.parametrize("via", ["cli", "api"])
def test_csv_export_carries_no_terminal_escapes(tmp_path: Path, via: str) -> None:
    """`searcher export` (CSV by default, to the terminal) wrote titles, bodies, tags and
    ids with their ESC sequences, C1 controls, BEL and bidi overrides raw: an article
    could clear the screen or plant a link in the terminal of whoever exported it."""
    write_jsonl(tmp_path / "c" / "a.jsonl", [HOSTILE_TEXT])
    CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index", str(tmp_path / "ix"),
                              "-q"])
    fields = "id,title,body,tags,authors,source,url"
    if via == "cli":
        result = CliRunner().invoke(main, ["export", "--index", str(tmp_path / "ix"), "oil",
                                           "--fields", fields])
        assert result.exit_code == 0, result.output
        text = result.stdout
    else:
        from starlette.testclient import TestClient

        from searcher.serve.app import create_app

        with TestClient(create_app(tmp_path / "ix")) as client:
            text = client.get("/api/export", params={"q": "oil", "fields": fields}).text
    unsafe = [c for c in text if (ord(c) < 32 and c not in "\r\n")
              or 0x7f <= ord(c) < 0xa0 or 0x202a <= ord(c) <= 0x202e]
    assert unsafe == []
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "h\\x1b[31m"  # the id as displayed, which `show` accepts
    assert rows[1][1] == "Oil leak" and rows[1][5] == "'=SUM(1+1)"
    assert rows[1][2] == "oil \n over  c1 bell"


# ---- queries --------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    ")" * 9_000 + " missile",  # each stray ) was a note: 9,000 notes
    "AND " * 2_400 + "missile",  # each operator with nothing before it
    "missile " + "NOT " * 2_000,
    " ".join(f"field{n}:missile" for n in range(500)),  # each unknown field named
])
def test_repairs_repeated_in_one_query_are_a_few_notes(seed_index: Path, query: str) -> None:
    """A query under the length cap made one note per repair (9,000 for 9,000 stray
    parentheses: 0.5 MB of notes on every page of results, in the JSON and the page)."""
    from searcher import open_index
    from searcher.query import MAX_NOTES

    with open_index(seed_index) as ix:
        notes = ix.search(query).notes
    assert 1 <= len(notes) <= MAX_NOTES + 2 and sum(map(len, notes)) < 2_000
    result = CliRunner().invoke(main, ["search", "--index", str(seed_index), "--", query])
    assert result.exit_code == 0 and len(result.output) < 5_000


@pytest.mark.parametrize("name", ["page.txt", "page.md", "labelled.txt"])
def test_a_line_of_twenty_megabytes_costs_what_an_article_may_hold(tmp_path: Path,
                                                                  name: str) -> None:
    """A one-line page: the text readers' line rules cost microseconds per character, so
    a 10 MB line took 6-48 s of CPU and 200 MB (under the 256 MB file cap) a quarter of
    an hour. A line longer than an article may be is cut to that length, counted."""
    import time

    from searcher.formats.base import LINE_CUT, MAX_LINE_CHARS
    from searcher.prepare import MAX_ARTICLE_CHARS

    assert MAX_LINE_CHARS == MAX_ARTICLE_CHARS
    corpus = good_corpus(tmp_path / "c")
    head = b"Title: Oil line\nURL: https://x.org/1\nArticle: " if name == "labelled.txt" \
        else b"# Oil line\n\n" if name.endswith(".md") else b"Oil line\n\n"
    (corpus / name).write_bytes(head + b"word " * 4_000_000 + b"\n\nOil at the end.\n")
    started = time.process_time()
    result = CliRunner().invoke(main, ["build", str(corpus), "--index", str(tmp_path / "ix"),
                                       "--json"])
    assert time.process_time() - started < 8  # CPU; 13-100 s before the cut
    report = json.loads(result.stdout)
    assert report["documents"] == 2 and report["decisions"][LINE_CUT] == 1
    from searcher import open_index

    with open_index(tmp_path / "ix") as ix:
        assert ix.search("title:line").total == 1


def test_building_a_folder_into_itself_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    """`searcher build c --index c` read nothing (the index folder is never read), wrote
    an empty index into the corpus folder and said only 'no articles could be indexed';
    from then on the folder counted as an index, and the next build of it into the real
    index deleted every one of its articles without a word."""
    corpus = good_corpus(tmp_path / "c")
    result = CliRunner().invoke(main, ["build", str(corpus), "--index", str(corpus)])
    assert result.exit_code == 1 and result.stderr == (
        f"searcher: {corpus} is the index folder itself: build the articles in it into "
        "another folder (--index DIR)\n")
    assert sorted(p.name for p in corpus.iterdir()) == ["good.jsonl"]


def test_a_corpus_folder_holding_an_index_keeps_its_articles(tmp_path: Path) -> None:
    corpus, index = good_corpus(tmp_path / "c"), tmp_path / "ix"
    runner = CliRunner()
    runner.invoke(main, ["build", str(corpus), "--index", str(index), "-q"])
    write_jsonl(tmp_path / "other" / "o.jsonl", [{"id": "o", "title": "Other", "body": "x"}])
    # the mistake: the corpus folder given as --index; it now holds an index too
    runner.invoke(main, ["build", str(tmp_path / "other"), "--index", str(corpus), "-q"])
    result = runner.invoke(main, ["build", str(corpus), "--index", str(index), "--json"])
    report = json.loads(result.stdout)
    assert (report["documents"], report["deleted"]) == (1, 0)
    assert [p["message"][:42] for p in report["problems"]] == [
        "a searcher index, not a folder of articles"]


@pytest.mark.parametrize(("make", "kind"), [
    (lambda p: os.mkfifo(p), "a FIFO"), (lambda p: p.symlink_to("/dev/zero"), "a device"),
    (lambda p: p.mkdir(), "a folder")])
def test_inspect_names_what_is_not_a_file(tmp_path: Path, make: Any, kind: str) -> None:
    """`searcher inspect` on a FIFO, a device or a folder said 'no such file'."""
    path = tmp_path / "page.txt"
    make(path)
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"searcher: {path}: not a regular file ({kind}): not read\n"


def test_a_reader_bug_in_inspect_is_a_problem_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from searcher import inspect as inspecting

    def broken(source: object) -> Iterator[object]:
        raise KeyError("no such key\nsecond line")
        yield

    monkeypatch.setattr(inspecting, "reader_for", lambda path: broken)
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n")
    result = CliRunner().invoke(main, ["inspect", str(tmp_path / "a.txt")])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert "file skipped: reader failed (KeyError: 'no such key" in result.stdout


def test_an_article_repeating_the_query_word_does_not_slow_every_search(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One article of 'oil ' x 250,000 made 250,000 snippet windows, each scored: 11 s
    on every search that found it (and a page shows ten hits)."""
    from searcher import open_index, passages

    write_jsonl(tmp_path / "c" / "a.jsonl", [
        {"id": "many", "title": "Oil", "body": "oil " * 250_000},
        {"id": "folded", "title": "Öl oil", "body": "öl oil " * 150_000}])
    CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index", str(tmp_path / "ix"),
                              "-q"])
    scored = []
    real = passages._score

    def counted(*args: Any) -> Any:
        scored.append(1)
        return real(*args)

    monkeypatch.setattr(passages, "_score", counted)
    with open_index(tmp_path / "ix") as ix:
        results = ix.search("oil öl")
    assert len(results.hits) == 2
    assert all(h.snippets for h in results.hits)
    assert len(scored) <= 2 * 2 * passages.MAX_WINDOW_HITS  # 250,000 before


@pytest.mark.parametrize("color", [False, True])
def test_show_draws_a_run_of_blank_lines_once(tmp_path: Path, color: bool) -> None:
    """A body of 500,000 newlines was drawn line by line: 23 s and 500,000 lines for
    `searcher show` on a terminal (rich draws a line in tens of microseconds)."""
    write_jsonl(tmp_path / "c" / "a.jsonl", [
        {"id": "nl", "title": "Oil", "body": "oil" + "\n" * 500_000 + "end\n\n\nlast"}])
    CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index", str(tmp_path / "ix"),
                              "-q"])
    env = {"FORCE_COLOR": "1"} if color else {}
    result = CliRunner().invoke(main, ["show", "nl", "--index", str(tmp_path / "ix")], env=env)
    assert result.exit_code == 0
    assert result.stdout.count("\n") < 10 and "end" in result.stdout


def test_the_atom_feed_stays_xml_whatever_the_text(tmp_path: Path) -> None:
    """U+FFFE and U+FFFF (no characters; junk from a bad conversion) went into the Atom
    feed from the query and from titles, tags and snippets: a feed reader then sees no
    XML at all."""
    import xml.dom.minidom

    from starlette.testclient import TestClient

    from searcher.serve.app import create_app

    write_jsonl(tmp_path / "c" / "a.jsonl", [
        {"id": "x\ufffe", "title": "Oil \ufffe\uffff spill", "body": "oil \uffff leak",
         "tags": ["\ufffetag"], "authors": ["Eve \uffff"]}])
    CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index", str(tmp_path / "ix"),
                              "-q"])
    with TestClient(create_app(tmp_path / "ix")) as client:
        feed = client.get("/search.atom", params={"q": "oil \uffff\ufffe"})
        page = client.get("/", params={"q": "oil"})
    assert feed.status_code == 200 and page.status_code == 200
    document = xml.dom.minidom.parseString(feed.content)
    titles = [" ".join(t.firstChild.data.split())
              for t in document.getElementsByTagName("title")]
    assert titles == ["searcher: oil", "Oil spill"]
    assert "\ufffe" not in page.text and "\uffff" not in page.text


@pytest.mark.parametrize("date", ["0000-01-01", "10000-01-01", "2020-13-45 99:99:99",
                                  "9" * 100_000])
def test_a_bad_date_in_front_matter_loses_that_value_not_the_front_matter(
        tmp_path: Path, date: str) -> None:
    """PyYAML reads `date: 0000-01-01` as a timestamp and raises for year 0 (or month 13,
    or an integer of 100,000 digits): the whole front matter was refused, the article lost
    its title, tags and authors, and the date was never said to be the problem."""
    corpus = good_corpus(tmp_path / "c")
    (corpus / "a.md").write_text(f"---\ntitle: Oil spill\ndate: {date}\ntags: [crude, spill]\n"
                                 "author: Jane Roe\n---\nOil leaked.\n")
    result = CliRunner().invoke(main, ["build", str(corpus), "--index", str(tmp_path / "ix"),
                                       "--json"])
    report = json.loads(result.stdout)
    assert [p["message"][:16] for p in report["problems"]] == ["unreadable date "]
    from searcher import open_index

    with open_index(tmp_path / "ix") as ix:
        article = ix.get("a.md")
    assert (article.title, article.tags, article.authors, article.published) == (
        "Oil spill", ("crude", "spill"), ("Jane Roe",), None)


def test_inspect_lists_a_bounded_number_of_decisions_per_article(tmp_path: Path) -> None:
    """A record of 300,000 keys made 290,000 'metadata value dropped' decisions, each a
    row of one table: `searcher inspect` took 4 minutes and printed 580,000 lines."""
    from searcher.render_inspect import SHOWN_NOTES

    keys = ",".join(f'"k{n}": 1' for n in range(25_000))
    (tmp_path / "a.json").write_text("{" + keys + ', "title": "Oil", "body": "oil"}')
    result = CliRunner().invoke(main, ["inspect", str(tmp_path / "a.json")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) < 3 * SHOWN_NOTES
    assert lines[-1].split()[:3] == ["metadata", "value", "dropped"]
    dropped = int(lines[-1].split()[-1].replace(",", ""))
    assert dropped > 1_000
    assert f"    ... and {dropped - SHOWN_NOTES:,} more decisions (counted below)" in lines


def build_many_tags(tmp_path: Path, tags: list[str]) -> None:
    """``tmp_path/ix``: one article with ``tags``, another sharing ``t5`` with it."""
    write_jsonl(tmp_path / "c" / "a.jsonl", [
        {"id": "t", "title": "Oil tags", "body": "oil", "tags": tags},
        {"id": "u", "title": "Oil two", "body": "oil", "tags": ["t5", "other"]}])
    done = CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index",
                                     str(tmp_path / "ix"), "-q"])
    assert done.exit_code == 0, done.output


def test_facets_read_a_fields_terms_in_one_pass(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Facets, stats and the page's sidebar looked each distinct tag up in the term
    table (about 0.3 ms a lookup): one article with 200,000 tags made every search with
    facets take 25 s, `searcher stats` 43 s and the first page after a build 38 s."""
    from whoosh.codec.whoosh3 import W3TermsReader

    from searcher import open_index

    tags = [f"t{n}" for n in range(20_000)]
    build_many_tags(tmp_path, tags)
    lookups = []
    real = W3TermsReader.term_info

    def counted(self: Any, fieldname: str, tbytes: bytes) -> Any:
        lookups.append(fieldname)
        return real(self, fieldname, tbytes)

    monkeypatch.setattr(W3TermsReader, "term_info", counted)
    with open_index(tmp_path / "ix") as ix:
        facets = ix.search("oil", facets=True).facets
        assert facets is not None and facets.tags[0].value == "t5"
        assert facets.tags[0].count == 2
        assert ix.stats().documents == 2
    assert len(lookups) < 1_000  # 40,000 before: a lookup per tag, per field use


def test_similar_on_a_huge_article_looks_up_a_bounded_number_of_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More like this looked every distinct word of the article up in the index (Bo1):
    a 1.4 MB article of 90,000 distinct words took 5-9 s. It now gives Bo1 the article's
    most frequent words only, and still finds what shares them."""
    from searcher import open_index, similar
    from searcher.similar import SIMILAR_WORDS_READ

    rare = " ".join(f"q{n:05d}z" for n in range(40_000))
    write_jsonl(tmp_path / "c" / "a.jsonl", [
        {"id": "huge", "title": "Pipeline", "body": "pipeline tanker " * 3_000 + rare},
        {"id": "kin", "title": "Tanker", "body": "a pipeline tanker"},
        {"id": "other", "title": "Wheat", "body": "wheat harvest"}])
    CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index", str(tmp_path / "ix"),
                              "-q"])
    given: list[int] = []
    real = similar.key_terms

    def counted(reader: Any, words: dict[str, float]) -> list[tuple[str, float]]:
        given.append(len(words))  # each is looked up in the index
        return real(reader, words)

    monkeypatch.setattr(similar, "key_terms", counted)
    with open_index(tmp_path / "ix") as ix:
        found = ix.similar("huge")
    assert [h.id for h in found.hits] == ["kin"]
    assert given and max(given) <= SIMILAR_WORDS_READ  # 40,002 before


def test_similar_on_a_huge_article_chooses_as_one_index_on_shards(tmp_path: Path) -> None:
    """A sharded index chose a huge article's key terms from all its words, one index
    from its SIMILAR_WORDS_READ most frequent: a word past the cut (the only one "far"
    shares) was a key term on shards and not in one index. Both now read the same
    bounded words, and give the same hits and scores."""
    from searcher import open_index
    from searcher.similar import SIMILAR_WORDS_READ

    # the kept words: twice in the article and common elsewhere (a low Bo1 score);
    # "farword" once (cut) but rare in the collection (it would outscore them)
    common = [f"q{n:05d}z" for n in range(SIMILAR_WORDS_READ)]
    records = [{"id": "huge", "title": "Pipeline",
                "body": "pipeline tanker " * 50 + " ".join(common * 2) + " farword"},
               {"id": "kin", "title": "Tanker", "body": "a pipeline tanker"},
               {"id": "far", "title": "Far", "body": "farword"},
               {"id": "filler", "title": "Filler", "body": " ".join(common * 20)},
               *({"id": f"w{n}", "title": "Wheat", "body": f"wheat harvest {n}"}
                 for n in range(8))]
    write_jsonl(tmp_path / "c" / "a.jsonl", records)
    for index, more in (("one", []), ("sharded", ["--shards", "3"])):
        done = CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index",
                                         str(tmp_path / index), "-q", *more])
        assert done.exit_code == 0, done.output
    found = {}
    for index in ("one", "sharded"):
        with open_index(tmp_path / index) as ix:
            found[index] = [(h.id, round(h.score, 9)) for h in ix.similar("huge").hits]
    assert "kin" in [i for i, _s in found["one"]]
    assert "far" not in [i for i, _s in found["one"]]
    assert found["sharded"] == found["one"]


HUGE = "x" * 200_000


@pytest.mark.parametrize("args", [
    ["show", HUGE], ["explain", HUGE, "oil"], ["search", "oil", "--sort", HUGE],
    ["search", "oil", "--since", HUGE], ["search", "date:2020-" + "1" * 9_000],
    ["search", "oil", "--limit", "9" * 9_000], ["export", "oil", "--fields", HUGE],
    ["export", "oil", "--format", HUGE]])
def test_an_error_quotes_a_huge_value_cut_and_says_how_long(seed_index: Path,
                                                            args: list[str]) -> None:
    """`searcher show <200,000 characters>` printed the 200,000 characters back in its
    error (so did --sort, --since, --fields, --format, a date in the query and click's
    own usage errors): the value is cut, and the message says how long it was."""
    result = CliRunner().invoke(main, [args[0], "--index", str(seed_index), *args[1:]])
    assert isinstance(result.exception, SystemExit) and result.exit_code in (1, 2)
    error = result.stderr.strip().splitlines()[-1]
    assert len(result.stderr) < 1_300 and result.stdout == ""
    assert "characters" in error and ("200,000" in error or "9,00" in error
                                      or "left out" in error), error


def test_a_huge_value_in_a_library_or_http_error_is_cut(seed_index: Path) -> None:
    from starlette.testclient import TestClient

    from searcher import ArticleNotFoundError, open_index
    from searcher.serve.app import create_app

    with open_index(seed_index) as ix, pytest.raises(ArticleNotFoundError) as caught:
        ix.get(HUGE)
    assert str(caught.value) == (f"no article with id {HUGE[:80]!r}... (200,000 characters) "
                                 "in the index")
    long = HUGE[:20_000]  # as long as a URL the test client sends may be
    with TestClient(create_app(seed_index)) as client:
        for path in (f"/api/articles/{long}", f"/api/search?q=oil&sort={long}"):
            r = client.get(path)
            assert r.status_code in (400, 404) and len(r.text) < 1_300, r.text[:200]
            assert "(20,000 characters)" in r.json()["error"]


@pytest.mark.parametrize("command", ["build", "inspect"])
def test_a_path_the_system_refuses_is_one_line(tmp_path: Path, command: str) -> None:
    """A name longer than the system allows (ENAMETOOLONG from stat) escaped discovery
    and inspect as a traceback (the console script said `cannot write the output`)."""
    too_long = str(tmp_path / ("y" * 300))
    args = [command, too_long] + (["--index", str(tmp_path / "ix")] if command == "build"
                                  else [])
    result = CliRunner().invoke(main, args)
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert result.stderr == f"searcher: {too_long}: File name too long\n"


def test_a_story_of_many_copies_reads_a_bounded_number_of_articles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hit listed the copies of its story by reading stored fields (the whole body)
    of its first 20 by index order, which were not the earliest 20, and `stats` read
    every article of the largest stories to name each by its earliest. Both now choose
    on the date column and read at most the copies they list (plus dated ties)."""
    from searcher import open_index
    from searcher.copies import MAX_COPIES_LISTED, TIE_ROOM
    from searcher.engine.view import IndexView

    body = " ".join(f"pipeline{n % 97} tanker{n % 89} harbour{n}" for n in range(300))
    n_copies = 150  # added latest first: index order is the reverse of date order
    write_jsonl(tmp_path / "c" / "a.jsonl", [
        {"id": f"copy{n:03d}", "title": "Oil pipeline", "body": body,
         "date": f"2020-01-01T00:{(n_copies - n) // 60:02d}:{(n_copies - n) % 60:02d}"}
        for n in range(n_copies)] + [{"id": "other", "title": "Wheat", "body": "harvest"}])
    CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index", str(tmp_path / "ix"),
                              "-q"])
    reads: list[int] = []
    real = IndexView.stored

    def counted(self: IndexView, docnum: int) -> Any:
        reads.append(docnum)
        return real(self, docnum)

    monkeypatch.setattr(IndexView, "stored", counted)
    with open_index(tmp_path / "ix") as ix:
        hit = ix.search("pipeline", snippets=False).hits[0]
        assert hit.copy_count == n_copies - 1
        listed = [c.id for c in hit.copies]
        everyone = sorted({f"copy{n:03d}" for n in range(n_copies)} - {hit.id}, reverse=True)
        assert listed == everyone[:MAX_COPIES_LISTED]  # the earliest: the last added
        assert len(reads) <= 1 + MAX_COPIES_LISTED + TIE_ROOM  # 150 before
        reads.clear()
        largest = ix.stats().largest_stories
        assert [(s.id, s.articles) for s in largest] == [("copy149", n_copies)]
        assert len(reads) <= 1 + TIE_ROOM


def test_facets_spell_tags_without_running_the_analyzer_per_tag(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facets' display spellings fold an article's stored tags until the top ones
    are found: with 20,000 tags, 10,000 runs of the keyword analyzer (1.3 s for
    200,000 tags). ASCII values are folded in C, as the analyzer would fold them."""
    from searcher import open_index, schema

    tags = [f"T{n}" for n in range(20_000)]
    build_many_tags(tmp_path, tags)
    runs = []
    real = schema._KEYWORD_ANALYZER

    def counted(value: str) -> Any:
        runs.append(value)
        return real(value)

    monkeypatch.setattr(schema, "_KEYWORD_ANALYZER", counted)
    with open_index(tmp_path / "ix") as ix:
        facets = ix.search("oil", facets=True).facets
    assert facets is not None
    assert [(f.value, f.count) for f in facets.tags[:3]] == [("T5", 2), ("other", 1), ("T0", 1)]
    assert len(runs) < 100  # 10,003 before


def test_similar_key_terms_are_whooshs_bo1(sample_index: Path) -> None:
    """similar.key_terms (Bo1 over article_words, without Whoosh's Expander and its
    analyzer run) chooses what Whoosh's key_terms_from_text chooses, with the same
    weights, on 300 Reuters articles."""
    from searcher import open_index, similar
    from searcher.schema import document_to_article

    with open_index(sample_index) as ix:
        s = ix._engine().searcher
        reader = s.reader()
        for docnum in range(300):
            article = document_to_article(reader.stored_fields(docnum))
            text = similar.article_text(article)
            ours = similar.key_terms(reader, similar.article_words(text))
            whoosh = s.key_terms_from_text("body", text,
                                           numterms=similar.SIMILAR_CANDIDATES)
            assert [t for t, _w in ours] == [t for t, _w in whoosh], article.id
            assert [w for _t, w in ours] == pytest.approx([w for _t, w in whoosh])


def test_a_loop_of_symlinks_is_called_a_loop(tmp_path: Path) -> None:
    """A symlink loop (a -> b -> a) was reported as a link whose target is gone
    (`not mounted?`), which sends the user looking for a disk."""
    corpus = good_corpus(tmp_path / "c")
    os.symlink("loop_b.txt", corpus / "loop_a.txt")
    os.symlink("loop_a.txt", corpus / "loop_b.txt")
    os.symlink("nowhere.txt", corpus / "gone.txt")
    result = CliRunner().invoke(main, ["build", str(corpus), "--index", str(tmp_path / "ix"),
                                       "--json"])
    report = json.loads(result.stdout)
    said = {p["path"]: p["message"] for p in report["problems"]}
    assert report["documents"] == 1
    assert "the symlinks loop back to themselves" in said["loop_a.txt"]
    assert "the symlinks loop back to themselves" in said["loop_b.txt"]
    assert "target is gone" in said["gone.txt"]


def test_the_shell_shows_a_huge_filter_value_cut(seed_index: Path) -> None:
    """`:filter tag:<200,000 characters>` drew the value whole in the filters line, the
    prompt and every later message: 200 KB of output per line typed."""
    from searcher.filters import Filters
    from searcher.shell.filters import describe, parse_filters

    filters = Filters()
    for attr, value in parse_filters("tag:" + HUGE):
        filters = filters.add(attr, value)
    assert describe(filters) == [f'tag:"{HUGE[:80]}... (200,000 characters)"']
    result = CliRunner().invoke(main, ["shell", "--index", str(seed_index)],
                                input=f":filter tag:{HUGE}\n:{HUGE}\nmissile\n")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(result.output) < 5_000, len(result.output)  # 400,000 before
    assert result.output.count("(200,000 characters)") == 2
