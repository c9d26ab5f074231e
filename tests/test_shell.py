"""The interactive prompt: driven through prompt_toolkit's pipe input with a fixed-size
screen, once through a real pseudo-terminal, and in piped mode through the CLI."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import to_plain_text
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Console, RenderableType

from searcher import Index, build_index, open_index
from searcher.cli import main
from searcher.filters import Filters
from searcher.shell import Shell
from searcher.shell.commands import run_line
from searcher.shell.completion import ShellCompleter
from searcher.shell.filters import FILTERS, ShellError, describe, parse_filters
from searcher.shell.lexer import ERROR, FIELD, OPERATOR, PAREN, PHRASE, quote_value, tokens
from searcher.shell.prompt import history_path, make_session, open_history, prompt_loop

from .conftest import REPO, write_jsonl

SEED_TITLE = "Azerbaijan accuses Armenia of missile strike that killed at least 13"
EVIL_TITLE = "Launch [red]x[/red] \x1b[2J alarm \x07 ring"


@pytest.fixture(scope="module")
def shell_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed plus twelve dated missile tests, one a month of 2020 (odd months tagged
    Pacific): enough for paging, dates, sticky filters and value completion."""
    tmp = tmp_path_factory.mktemp("shell")
    extra = write_jsonl(tmp / "extra.jsonl", [
        {"id": f"m{n:02d}", "title": f"Missile test {n} over the Pacific",
         "body": f"The navy fired missile number {n} over the Pacific. Officials said the "
                 "interceptor worked.",
         "published": f"2020-{n:02d}-15T12:00:00",
         "tags": ["Arms control", "Navy"] + (["Pacific"] if n % 2 else []),
         "authors": ["Jane Roe"], "source": "Wire Service"}
        for n in range(1, 13)])
    report = build_index([REPO / "corpus", extra], index=tmp / "index")
    assert report.documents == 13
    return tmp / "index"


@pytest.fixture(scope="module")
def evil_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One article whose title, body, tags and source carry markup, ANSI and BEL."""
    tmp = tmp_path_factory.mktemp("evil")
    evil = write_jsonl(tmp / "evil.jsonl", [{
        "id": "evil", "title": EVIL_TITLE,
        "body": "The missile [bold red]alert[/bold red] sounded \x1b[2J then \x07 rang. "
                "\x1b]0;pwned\x07 done.",
        "tags": ["[red]x[/red]", "Bell\x07 tag"], "source": "Evil \x1b[31mWire",
        "published": "2020-05-01"}])
    build_index([evil], index=tmp / "index")
    with open_index(tmp / "index") as ix:  # the hostile text really is in the index
        assert ix.get("evil").title == EVIL_TITLE
    return tmp / "index"


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path / "state"


# ---- driving the prompt -----------------------------------------------------------------

class Prompt:
    """prompt_loop on a thread, fed through a pipe, drawn on a 24x100 screen; results
    go to ``out`` (plain text, or ANSI with ``color``), ``:open`` pages to ``pages``."""

    def __init__(self, index: Index, *, limit: int = 5, color: bool = False) -> None:
        self.out, self.screen = io.StringIO(), io.StringIO()
        console = Console(file=self.out, width=100, highlight=False, force_terminal=color,
                          color_system="standard" if color else None)
        self.pages: list[RenderableType] = []
        self.shell = Shell(index, console, limit=limit, interactive=True,
                           page_out=self.pages.append)
        self._pipe = create_pipe_input()
        self.input = self._pipe.__enter__()
        output = Vt100_Output(self.screen, lambda: Size(rows=24, columns=100), term="xterm",
                              enable_cpr=False)
        self.session = make_session(self.shell, input=self.input, output=output,
                                    history=open_history())
        self.status: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.status = prompt_loop(self.shell, self.session)

    def send(self, text: str) -> None:
        self.input.send_text(text)

    def wait(self, ready: Callable[[], bool], what: str = "") -> None:
        deadline = time.monotonic() + 10
        while not ready():
            assert time.monotonic() < deadline, f"timed out waiting for {what}\n{self.text}"
            time.sleep(0.01)

    def wait_out(self, text: str) -> None:
        self.wait(lambda: text in self.out.getvalue(), repr(text))

    def completions(self) -> list[str]:
        state = self.session.default_buffer.complete_state
        return [c.display_text for c in state.completions] if state else []

    def finish(self) -> int | None:
        self.send("\x03\x04")  # Ctrl-C clears the line, Ctrl-D (on an empty line) leaves
        self.thread.join(10)
        self._pipe.__exit__(None, None, None)
        return self.status

    @property
    def text(self) -> str:
        return self.out.getvalue()


@pytest.fixture
def prompt(shell_index: Path) -> Iterator[Callable[..., Prompt]]:
    opened: list[tuple[Index, Prompt]] = []

    def start(index: Path = shell_index, **options: object) -> Prompt:
        ix = open_index(index)
        p = Prompt(ix, **options)  # type: ignore[arg-type]
        opened.append((ix, p))
        return p

    yield start
    for ix, p in opened:
        if p.thread.is_alive():
            p.finish()
        ix.close()


def rendered(renderable: RenderableType, color: bool = False) -> str:
    console = Console(file=io.StringIO(), width=100, force_terminal=color,
                      color_system="standard" if color else None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_queries_page_and_ctrl_d_leaves(prompt: Callable[..., Prompt],
                                        state_home: Path) -> None:
    p = prompt()
    p.wait_out("Ctrl-D to leave")
    header = " ".join(p.text.split("Type a query")[0].split())  # it wraps at 100 columns
    assert header.startswith("searcher · ") and header.endswith(
        "/index · 13 documents · 2020-01-15 to 2020-12-15 (1 undated)")
    p.send("missile\r")
    p.wait_out("1-5 of 13 results")
    assert ":more for 6-10" in p.text
    assert "  1. " in p.text and "  5. " in p.text and "  6. " not in p.text
    assert "timeline (month) 2020-01 ▁▁▁▁▁▁▁▁▁▁▁▁ 2020-12" in p.text.replace("█", "▁")
    p.send(":more\r")
    p.wait_out("6-10 of 13 results")
    p.send(":next\r")
    p.wait_out("11-13 of 13 results")
    p.send(":prev\r")
    p.wait(lambda: p.text.count("6-10 of 13 results") == 2, "page 2 again")
    assert p.finish() == 0
    history = history_path().read_text(encoding="utf-8")
    assert history_path() == state_home / "searcher" / "history"
    assert re.findall(r"^\+(.*)$", history, re.M) == ["missile", ":more", ":next", ":prev"]


def test_ctrl_c_clears_the_line_and_quit_leaves(prompt: Callable[..., Prompt]) -> None:
    p = prompt()
    p.send("pompei\x03scud\r")
    p.wait_out("1-1 of 1 results")
    assert SEED_TITLE in p.text
    assert "did you mean" not in p.text  # "pompei" was never searched
    p.send(":quit\r")
    p.thread.join(10)
    assert p.status == 0


def test_tab_completes_tag_values_with_counts_and_quotes(prompt: Callable[..., Prompt]) -> None:
    p = prompt()
    p.send("tag:Mik")
    p.wait(lambda: p.completions() == ["Mike Pompeo (1)"], "the tag:Mik completions")
    p.wait(lambda: "Mike Pompeo (1)" in p.screen.getvalue(), "the completion menu")
    p.send("\t")
    buffer = p.session.default_buffer
    p.wait(lambda: buffer.text == 'tag:"Mike Pompeo"', "the completion inserted")
    p.send("\r")
    p.wait_out("1-1 of 1 results")
    assert SEED_TITLE in p.text
    assert "matched: tag: Mike Pompeo" in p.text
    p.send("tag:Arm")
    p.wait(lambda: p.completions() == ["Arms control (12)", "Armenia–Azerbaijan border (1)",
                                       "Armenia–Azerbaijan relations (1)"], "tag:Arm")
    assert p.finish() == 0


def test_open_pages_the_article_with_query_terms_highlighted(
        prompt: Callable[..., Prompt]) -> None:
    p = prompt(color=True)
    p.send("scud\r")
    p.wait_out("1-1 of 1 results")
    p.send(":open 1\r")
    p.wait(lambda: bool(p.pages), "the pager")
    page = rendered(p.pages[0], color=True)
    assert "launching \x1b[1;33mScud\x1b[0m missiles" in page
    assert "remain committed to a peaceful settlement." in page
    assert p.finish() == 0


def test_sticky_filters_show_in_the_prompt_and_apply(prompt: Callable[..., Prompt]) -> None:
    p = prompt()
    p.send(":filter tag:Pacific since:2020-06-01\r")
    p.wait_out('filters: tag:Pacific since:2020-06-01 (3 articles)')
    assert to_plain_text(p.session.message) == "searcher [tag:Pacific since:2020-06-01]> "
    p.send("missile\r")
    p.wait_out("1-3 of 3 results")
    assert re.findall(r"Missile test (\d+)", p.text) == ["7", "9", "11"]
    p.send(":sort newest\r")
    p.wait(lambda: p.text.count("1-3 of 3 results") == 2, "sorted results")
    assert re.findall(r"Missile test (\d+)", p.text)[3:] == ["11", "9", "7"]
    assert to_plain_text(p.session.message) == (
        "searcher [tag:Pacific since:2020-06-01 sort:newest]> ")
    p.send(":clear since\r")
    p.wait_out("filters: tag:Pacific\n")
    p.wait(lambda: "1-5 of 6 results" in p.text, "results with one filter")
    p.send(":clear\r")
    p.wait_out("no filters")
    p.wait(lambda: "1-5 of 13 results" in p.text, "results without filters")
    assert to_plain_text(p.session.message) == "searcher [sort:newest]> "
    assert p.finish() == 0


@pytest.mark.parametrize(("line", "error"), [
    (":bogus", "unknown command :bogus (:help lists the commands)"),
    (":fitler tag:x", "unknown command :fitler (did you mean :filter? :help lists"),
    ("(missile AND", "bad query: missing ) to close the group opened here at position 1"),
    (":more", "no results yet: type a query first"),
    (":open 1", "no results yet: type a query first"),
    (":open one", "usage: :open N (N is a result number)"),
    (":filter sinse:2020", "cannot read filter 'sinse:2020' (did you mean since:?)"),
    (":filter since:someday", "bad filter: since: someday is not a date"),
    (':filter tag:"Mike', "the quote after tag: is not closed"),
    (":sort sideways", "usage: :sort relevance|newest|oldest"),
    (":json", "no results yet: type a query first"),
    (":clear color", "no filter named color"),
])
def test_errors_are_one_line_and_the_prompt_stays(prompt: Callable[..., Prompt], line: str,
                                                  error: str) -> None:
    p = prompt()
    p.send(line + "\r")
    p.wait_out(error)
    assert p.shell.filters == Filters()
    p.send("scud\r")  # still prompting
    p.wait_out("1-1 of 1 results")
    assert "Traceback" not in p.text
    assert p.finish() == 0


def test_ctrl_c_during_a_query_cancels_it_and_keeps_the_session(
        prompt: Callable[..., Prompt], monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a query runs raises KeyboardInterrupt in the main thread wherever the
    search is; here the search raises it, as a slow query interrupted would."""
    p = prompt()
    p.send(":filter tag:Mike Pompeo\r")
    p.wait_out("(1 articles)")
    search = Index.search

    def interrupted(self: Index, query: str = "", **options: object) -> object:
        if query == "slow":
            raise KeyboardInterrupt
        return search(self, query, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "search", interrupted)
    p.send("slow\r")
    p.wait_out("cancelled (Ctrl-C)")
    assert p.thread.is_alive() and p.shell.filters.tags == ("Mike Pompeo",)
    assert p.shell.query is None  # the cancelled query left the state as it was
    p.send("scud\r")
    p.wait_out("1-1 of 1 results")
    assert list(p.session.history.load_history_strings())[:2] == ["scud", "slow"]
    assert p.finish() == 0


def test_paging_and_similar_errors(prompt: Callable[..., Prompt]) -> None:
    p = prompt()
    p.send("scud\r:more\r:prev\r:open 2\r:similar 1\r:more\r:help\r")
    p.wait_out("this list")
    for error in ("no more results (all 1 shown)", "this is the first page",
                  "no result 2 on screen (shown: 1-1)",
                  "no more results (all 0 shown)"):  # the seed has nothing similar
        assert error in p.text
    assert f"articles like: {SEED_TITLE}" in p.text
    assert p.finish() == 0


@pytest.mark.parametrize(("value", "expected"), [
    ("/srv/state", "/srv/state/searcher/history"),
    ("relative/state", "~/.local/state/searcher/history"),  # XDG: relative is ignored
    (None, "~/.local/state/searcher/history"),
])
def test_history_lives_in_the_state_dir(monkeypatch: pytest.MonkeyPatch, value: str | None,
                                        expected: str) -> None:
    if value is None:
        monkeypatch.delenv("XDG_STATE_HOME")
    else:
        monkeypatch.setenv("XDG_STATE_HOME", value)
    assert history_path() == Path(expected).expanduser()


# ---- completion, highlighting, filters (units) ---------------------------------------------

@pytest.mark.parametrize(("before", "offered"), [
    ("tag:Mik", ["Mike Pompeo (1)"]),
    ('missile tag:"Mike P', ["Mike Pompeo (1)"]),
    ("-tags:nav", ["Navy (12)"]),
    ("author:j", ["Jane Roe (12)"]),
    ("source:w", ["Wire Service (12)"]),
    ("ti", ["title:"]),
    ("(missile OR au", ["author:"]),
    ("date:la", ['"last week"', '"last month"', '"last year"', '"last 30 days"']),
    ("missile A", ["author:", "AND"]),
    (":fi", [":filter", ":filters"]),
    (":sort n", ["newest"]),
    (":tags arm", ["Arms control (12)", "Armenia–Azerbaijan border (1)",
                   "Armenia–Azerbaijan relations (1)"]),
    (":filter si", ["since:"]),
    (":filter tag:Mike Po", ["Mike Pompeo (1)"]),
    (":filter since:last m", ["last month"]),
    (":clear a", ["any-tag", "author", "authors"]),
    ("missile", []),
])
def test_completions_offered(shell_index: Path, before: str, offered: list[str]) -> None:
    with open_index(shell_index) as ix:
        shell = Shell(ix, Console(file=io.StringIO()))
        completer = ShellCompleter(shell.keyword_values, shell.hits)
        found = list(completer.get_completions(Document(before), CompleteEvent()))
    assert [c.display_text for c in found] == offered


def test_completion_inserts_quoted_values_and_result_numbers(shell_index: Path) -> None:
    with open_index(shell_index) as ix:
        shell = Shell(ix, Console(file=io.StringIO()), limit=3)
        completer = ShellCompleter(shell.keyword_values, shell.hits)

        def apply(before: str) -> str:
            doc = Document(before)
            first = next(iter(completer.get_completions(doc, CompleteEvent())))
            return before[:len(before) + first.start_position] + first.text

        assert apply("missile tag:Mik") == 'missile tag:"Mike Pompeo"'
        assert apply('tag:"Mi') == 'tag:"Mike Pompeo"'
        assert apply("tag:pac") == "tag:Pacific"
        assert apply(":filter tag:Mike") == ':filter tag:"Mike Pompeo"'
        run_line(shell, "scud")
        offered = completer.get_completions(Document(":open "), CompleteEvent())
        assert [(c.text, c.display_meta_text) for c in offered] == [("1", SEED_TITLE[:60])]
        run_line(shell, ":sort oldest")
        run_line(shell, "missile tag:Pacific")
        offered = completer.get_completions(Document(":similar "), CompleteEvent())
        assert [(c.text, c.display_meta_text) for c in offered] == [
            ("1", "Missile test 1 over the Pacific"), ("2", "Missile test 3 over the Pacific"),
            ("3", "Missile test 5 over the Pacific")]


@pytest.mark.parametrize(("text", "styled"), [
    ('missile AND "scud missile"~3', [(OPERATOR, "AND"), (PHRASE, '"scud missile"~3')]),
    ("tag:x -title:(a OR b)", [(FIELD, "tag:"), (OPERATOR, "-"), (FIELD, "title:"),
                               (PAREN, "("), (OPERATOR, "OR"), (PAREN, ")")]),
    ('a) "open', [(ERROR, ")"), (ERROR, '"open')]),
    ("(a OR b", [(ERROR, "("), (OPERATOR, "OR")]),
    ("nosuch:x and or -5 Nagorno-Karabakh", []),
])
def test_highlighting_marks_operators_fields_phrases_and_errors(
        text: str, styled: list[tuple[str, str]]) -> None:
    assert [(s, t) for s, t, *_ in tokens(text) if s] == styled


@given(st.text(max_size=60))
def test_highlighting_keeps_every_character(text: str) -> None:
    assert "".join(t for _s, t, *_ in tokens(text)) == text


@given(st.lists(st.tuples(st.sampled_from(["tag", "any-tag", "not-tag", "author", "since"]),
                          st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs"),
                                                blacklist_characters='":'), min_size=1,
                                  max_size=12)), max_size=4))
def test_filters_read_back_as_described(pairs: list[tuple[str, str]]) -> None:
    filters = Filters()
    for name, value in pairs:
        filters = filters.add(FILTERS[name], value)
    again = Filters()
    for attr, value in parse_filters(" ".join(describe(filters))):
        again = again.add(attr, value)
    assert again == filters


def test_filter_values_may_be_unquoted_or_quoted() -> None:
    assert parse_filters('tag:Mike Pompeo since:last week author:"Jane Roe"') == [
        ("tags", "Mike Pompeo"), ("since", "last week"), ("author", "Jane Roe")]
    assert quote_value("Mike Pompeo") == '"Mike Pompeo"'
    assert quote_value("Navy") == "Navy"
    assert quote_value("OR") == '"OR"'
    assert quote_value("C^2") == '"C^2"'  # unquoted, ^2 would be a boost
    with pytest.raises(ShellError, match="tag: needs a value"):
        parse_filters("tag:")


# ---- piped mode -----------------------------------------------------------------------------

def piped(index: Path, script: str, *args: str, columns: int = 80) -> tuple[int, str, str]:
    """Run ``searcher shell`` with ``script`` on stdin. Timings and scores are replaced by
    ``N`` and ``S``: they belong to the clock and to relevance tuning, not to the shell."""
    result = CliRunner().invoke(main, ["shell", "--index", str(index), *args], input=script,
                                env={"COLUMNS": str(columns), "NO_COLOR": None})
    out = re.sub(r"\(\d+ ms\)", "(N ms)", result.stdout)
    return result.exit_code, re.sub(r"score \d+\.\d\d", "score S", out), result.stderr


def test_piped_mode_prints_plain_results(shell_index: Path) -> None:
    script = "pacific date:2020-03\n:tags Arm\n:filter tag:Pacific since:2020-06\nmissile\n:more\n"
    code, out, err = piped(shell_index, script, "-n", "2")
    assert (code, err) == (0, "")
    assert out == """\
  1. Missile test 3 over the Pacific
     2020-03-15 · Wire Service · Jane Roe · tags: Arms control, Navy, Pacific ·
     score S · id m03
     … The navy fired missile number 3 over the Pacific. Officials said the
     interceptor worked. …
     matched: title: pacific; body: pacific

timeline (month) 2020-03 █ 2020-03
tags: Arms control (1), Navy (1), Pacific (1)
authors: Jane Roe (1)
sources: Wire Service (1)
1-1 of 1 results (N ms)
 tag                           articles
 Arms control                        12
 Armenia–Azerbaijan border            1
 Armenia–Azerbaijan relations         1
filters: tag:Pacific since:2020-06 (3 articles)
no results
  1. Missile test 7 over the Pacific
     2020-07-15 · Wire Service · Jane Roe · tags: Arms control, Navy, Pacific ·
     score S · id m07
     … The navy fired missile number 7 over the Pacific. Officials said the
     interceptor worked. …
     matched: title: missile; body: missile

  2. Missile test 9 over the Pacific
     2020-09-15 · Wire Service · Jane Roe · tags: Arms control, Navy, Pacific ·
     score S · id m09
     … The navy fired missile number 9 over the Pacific. Officials said the
     interceptor worked. …
     matched: title: missile; body: missile

timeline (month) 2020-07 █ █ █ 2020-11
tags: Arms control (3), Navy (3), Pacific (3)
authors: Jane Roe (3)
sources: Wire Service (3)
1-2 of 3 results (N ms)
  3. Missile test 11 over the Pacific
     2020-11-15 · Wire Service · Jane Roe · tags: Arms control, Navy, Pacific ·
     score S · id m11
     … The navy fired missile number 11 over the Pacific. Officials said the
     interceptor worked. …
     matched: title: missile; body: missile

3-3 of 3 results (N ms)
"""


def test_piped_mode_reports_bad_lines_and_goes_on(shell_index: Path) -> None:
    code, out, err = piped(shell_index, ":bogus\n(scud AND\nscud\n:open 1\n:json\n:quit\nscud\n")
    assert code == 1
    assert err == ("searcher: line 1: unknown command :bogus (:help lists the commands)\n"
                   "searcher: line 2: bad query: missing ) to close the group opened here at "
                   "position 1 (add a ) where the group ends)\n")
    results, rest = out.split("1-1 of 1 results (N ms)\n")
    article, data = rest.rstrip("\n").rsplit("\n", 1)
    assert SEED_TITLE in results
    assert "We deplore the loss" in article  # :open printed the article
    assert json.loads(data)["hits"][0]["id"] == "000_a92b5885473cdf19.txt"  # one line
    assert out.count("1-1 of 1 results") == 1  # nothing ran after :quit
    assert "\x1b" not in out


def test_piped_mode_respects_the_width(shell_index: Path) -> None:
    code, out, _ = piped(shell_index, "missile\n:open 1\n", columns=40)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 40


def test_missing_index_is_one_line(tmp_path: Path) -> None:
    code, _, err = piped(tmp_path / "none", "scud\n")
    assert code == 1
    assert err.startswith("searcher: no index at") and "searcher build" in err


# ---- untrusted text ---------------------------------------------------------------------------

def assert_inert(text: str) -> None:
    for active in ("\x1b[2J", "\x07", "\x1b]0;", "\x1b[31mWire", "\x9b"):
        assert active not in text


def test_markup_and_escapes_in_articles_are_shown_inert(evil_index: Path,
                                                        prompt: Callable[..., Prompt]) -> None:
    code, out, _ = piped(evil_index, "missile\n:open 1\n:tags\n:json\n")
    assert code == 0
    assert_inert(out)
    assert "\x1b" not in out
    assert "Launch [red]x[/red]      alarm   ring" in out
    assert "The missile [bold red]alert[/bold red] sounded" in out
    assert "tags: [red]x[/red], Bell tag" in out
    assert "Evil Wire" in out

    p = prompt(evil_index, color=True)
    p.send("missile\r:open 1\r:json\r")
    p.wait_out('"date_unit"')
    p.wait(lambda: bool(p.pages), "the pager")
    page = rendered(p.pages[0], color=True)
    for text in (p.text, page):
        assert_inert(text)
        assert "[red]x[/red]" in text
    assert "[bold red]alert[/bold red]" in page
    assert "\\u001b[2J" in p.text  # :json shows the escape as JSON text
    p.send("tag:")
    p.wait(lambda: p.completions() == ["[red]x[/red] (1)", "Bell tag (1)"], "tag values")
    p.wait(lambda: "[red]x[/red] (1)" in p.screen.getvalue(), "the completion menu")
    assert_inert(p.screen.getvalue())


# ---- a real terminal --------------------------------------------------------------------------

@pytest.mark.parametrize(("no_color", "highlight"), [
    (False, "\x1b[1;33mmissile\x1b[0m"),  # bold yellow
    (True, "\x1b[1mmissile\x1b[0m"),      # NO_COLOR: bold, no colour
])
def test_real_terminal_session(seed_index: Path, tmp_path: Path, no_color: bool,
                               highlight: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(XDG_STATE_HOME=str(tmp_path), TERM="xterm-256color", PAGER="cat",
               PROMPT_TOOLKIT_NO_CPR="1")
    if no_color:
        env["NO_COLOR"] = "1"
    child = pexpect.spawn(sys.executable, ["-m", "searcher", "shell", "--index", str(seed_index)],
                          env=env, cwd=str(REPO), dimensions=(40, 200), encoding="utf-8",
                          timeout=20)
    try:
        child.expect("1 document")
        child.expect_exact("searcher>")
        child.send("missile\r")
        child.expect_exact("Azerbaijan accuses Armenia of ")  # the title, "missile" styled
        child.expect_exact("ballistic " + highlight + " strikes")  # a highlighted snippet
        child.expect_exact("1-1 of 1 results")
        child.send(":open 1\r")
        child.expect_exact("peaceful settlement.")
        child.expect_exact("searcher>")
        child.send(":quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "+missile" in (tmp_path / "searcher" / "history").read_text(encoding="utf-8")
