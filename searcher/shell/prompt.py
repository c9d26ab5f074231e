"""``searcher shell``: the interactive prompt over an index, and its piped mode.

On a terminal: a prompt_toolkit prompt with persistent history (Ctrl-R searches
it), completion, syntax highlighting and sticky filters shown in the prompt;
results are rich renderables printed between prompts. With stdin not a terminal,
the same lines are read one by one and results are printed as plain text (no
colour, no escape codes), so a session can be scripted and diffed. What a line
does is session.Shell's job; this module wires input and output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style
from rich.console import Console, RenderableType
from rich.pager import Pager

from .. import render, render_shell
from ..arguments import DEFAULT_LIMIT
from ..errors import SearcherError
from ..sanitize import one_line
from ..searchable import Searchable
from .commands import COMMAND_NAMES, run_line
from .completion import ShellCompleter
from .lexer import QueryLexer
from .session import Shell

STATE_ENV = "XDG_STATE_HOME"
CANCELLED = "cancelled (Ctrl-C): the session is as it was"
HINT = ("Type a query (missile strike, tag:\"Mike Pompeo\", date:2020-10), Tab to complete, "
        ":help for commands, Ctrl-D to leave.")


def history_path() -> Path:
    """``$XDG_STATE_HOME/searcher/history`` (default ``~/.local/state/searcher/history``);
    the XDG spec says to ignore a relative ``XDG_STATE_HOME``."""
    base = os.environ.get(STATE_ENV, "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "searcher" / "history"


def open_history() -> History:
    """The persistent history, or one for this session only if the file cannot be made
    (read-only home): losing history must not stop the prompt."""
    path = history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))


def describe(error: SearcherError) -> str:
    """The one-line message for an error at the prompt (as `searcher search` words it)."""
    return f"{error.prefix}{error}"


class _SystemPager(Pager):
    """``$PAGER`` (default ``less``) with ``LESS=FRX`` unless set, like git: keep the
    colours, quit at once if the article fits the screen, leave it on screen."""

    def show(self, content: str) -> None:
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")
        command = os.environ.get("PAGER") or "less"
        try:
            done = subprocess.run(command, shell=True, input=content, text=True, env=env,
                                  check=False)
        except OSError:
            done = None
        if done is None or done.returncode == 127:  # no such pager: show it anyway
            sys.stdout.write(content)


def _pager(console: Console) -> Callable[[RenderableType], None]:
    def page(renderable: RenderableType) -> None:
        with console.pager(pager=_SystemPager(), styles=True):
            console.print(renderable)

    return page



def make_session(shell: Shell, *, input: Input | None = None, output: Output | None = None,
                 history: History | None = None) -> PromptSession[str]:
    """The prompt: completion while typing, highlighting, history with fish-style
    suggestions; Ctrl-R (reverse search), Ctrl-C and Ctrl-D are prompt_toolkit's own."""

    def message() -> StyleAndTextTuples:
        filters = shell.prompt_filters()
        out: StyleAndTextTuples = [("class:prompt", "searcher")]
        if filters:
            out.append(("class:prompt.filters", f" [{one_line(filters)}]"))
        out.append(("class:prompt", "> "))
        return out

    return PromptSession(
        message=message,
        history=history if history is not None else InMemoryHistory(),
        completer=ShellCompleter(shell.keyword_values, shell.hits),
        complete_while_typing=True,
        lexer=QueryLexer(frozenset(f":{name}" for name in COMMAND_NAMES)),
        style=Style.from_dict(render_shell.PROMPT_STYLES),
        auto_suggest=AutoSuggestFromHistory(),
        input=input,
        output=output,
    )


def prompt_loop(shell: Shell, session: PromptSession[str]) -> int:
    """Read and run lines until Ctrl-D or :quit (exit status 0). Ctrl-C clears the line,
    or cancels the query running (the session's filters, results and history stay as
    they were); an error is one red line and the prompt stays."""
    shell.print(render_shell.index_header(shell.index.stats(top_tags=0)))
    shell.print(render_shell.meta_line(HINT))
    while True:
        try:
            line = session.prompt()
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        try:
            if not run_line(shell, line):
                return 0
        except SearcherError as e:
            shell.print(render_shell.error_line(describe(e)))
        except KeyboardInterrupt:
            shell.print(render_shell.meta_line(CANCELLED))


def run_prompt(index: Searchable, *, console: Console | None = None, input: Input | None = None,
               output: Output | None = None, limit: int = DEFAULT_LIMIT) -> int:
    """The interactive prompt on the terminal (or on the given input/output)."""
    console = console or Console(highlight=False)
    shell = Shell(index, console, limit=limit, interactive=True,
                  page_out=_pager(console) if console.is_terminal else None)
    session = make_session(shell, input=input, output=output, history=open_history())
    return prompt_loop(shell, session)


def run_script(index: Searchable, lines: Iterable[str], *, console: Console | None = None,
               errors: TextIO | None = None, limit: int = DEFAULT_LIMIT) -> int:
    """Piped mode: each line is a query or command; plain output. A bad line is reported
    on stderr as ``searcher: line N: ...`` and the rest still run; exit status 1 if any
    line failed, else 0."""
    shell = Shell(index, console or render.plain_console(), limit=limit)
    status = 0
    for number, line in enumerate(lines, 1):
        try:
            if not run_line(shell, line.rstrip("\r\n")):
                break
        except SearcherError as e:
            (errors or sys.stderr).write(f"searcher: line {number}: {describe(e)}\n")
            status = 1
    return status


def run(index: Searchable, *, limit: int = DEFAULT_LIMIT) -> int:
    """``searcher shell``: the prompt when stdin is a terminal, else piped mode."""
    if sys.stdin.isatty():
        return run_prompt(index, limit=limit)
    return run_script(index, sys.stdin, limit=limit)
