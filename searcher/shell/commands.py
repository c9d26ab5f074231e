"""The ``:commands`` of the prompt: the table (:help, completion and the lexer read it)
and what each one does to a session.

Each handler is ``(session, args) -> None`` and makes one or two library calls
(``Index.search`` / ``similar`` / ``show`` / ``keyword_values``) plus a render.py
renderable; the session state they change lives in ``session.Shell``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from .. import render, render_shell, schema
from ..arguments import SORTS
from ..errors import InvalidArgumentError, QuerySyntaxError, ShellError, shown
from ..filters import Filters
from ..json_output import json_text
from .filters import FILTERS, describe, parse_filters
from .session import Shell

TAGS_SHOWN = 20

Handler = Callable[["Shell", str], None]


def _more(shell: Shell, _args: str) -> None:
    shell.page(+1)


def _prev(shell: Shell, _args: str) -> None:
    shell.page(-1)


def _open(shell: Shell, args: str) -> None:
    hit = shell.hit(args, ":open N")
    # a :similar listing has no query of the user's to highlight
    query = "" if shell.similar_of is not None else shell.query or ""
    view = shell.index.show(hit.id, query)
    (shell.page_out or shell.print)(render.article_view(view))


def _similar(shell: Shell, args: str) -> None:
    hit = shell.hit(args, ":similar N")
    shell.show_similar(hit)


def _tags(shell: Shell, args: str) -> None:
    counts = shell.keyword_values(schema.TAGS, args)
    shell.print(render_shell.counts_view(counts, "tag", TAGS_SHOWN))


def _filter(shell: Shell, args: str) -> None:
    if not args:
        _filters(shell, "")
        return
    new = shell.filters
    for attr, value in parse_filters(args):
        new = new.add(attr, value)
    try:  # a bad date is an error now, not at the next query
        check = shell.index.search("", filters=new, limit=1, snippets=False)
    except (QuerySyntaxError, InvalidArgumentError) as e:
        raise ShellError(f"bad filter: {e}") from None
    shell.filters = new
    shell.print(render_shell.meta_line(f"filters: {' '.join(describe(new))} "
                                 f"({check.total:,} articles)"))
    shell.rerun()


def _filters(shell: Shell, _args: str) -> None:
    described = describe(shell.filters)
    shell.print(render_shell.meta_line("filters: " + " ".join(described) if described
                                 else "no filters (add one with :filter tag:NAME)"))


def _clear(shell: Shell, args: str) -> None:
    new = shell.filters
    names = args.replace(":", " ").lower().split()
    for name in names:
        if name not in FILTERS:
            raise ShellError(f"no filter named {name}: the filters are tag, any-tag, "
                             "not-tag, author, source, since, until")
        new = new.without(FILTERS[name])
    shell.filters = new if names else Filters()
    _filters(shell, "")
    shell.rerun()


def _sort(shell: Shell, args: str) -> None:
    if args.lower() not in SORTS:
        raise ShellError(f"usage: :sort {'|'.join(SORTS)}")
    shell.sort = args.lower()
    shell.print(render_shell.meta_line(f"sort: {shell.sort}"))
    shell.rerun()


def _expand(shell: Shell, args: str) -> None:
    shell.expand = _switch(shell, "expand", args)
    shell.rerun()


def _collapse(shell: Shell, args: str) -> None:
    shell.collapse = _switch(shell, "collapse", args)
    shell.rerun()


def _switch(shell: Shell, name: str, args: str) -> bool:
    """``:NAME on|off``: says the new state (the caller sets it and runs the last
    query again with it)."""
    if args.lower() not in ("on", "off"):
        raise ShellError(f"usage: :{name} on|off")
    shell.print(render_shell.meta_line(f"{name}: {args.lower()}"))
    return args.lower() == "on"


def _json(shell: Shell, _args: str) -> None:
    if shell.results is None:
        raise ShellError("no results yet: type a query first")
    if shell.interactive:
        shell.console.print(render_shell.json_view(shell.results), soft_wrap=True)
    else:
        shell.console.out(json_text(shell.results), highlight=False)


def _help(shell: Shell, _args: str) -> None:
    rows = [("QUERY", "search (the language of `searcher search`: words, \"phrases\", "
             "AND OR NOT, tag:, author:, date:...)")]
    for c in COMMANDS:
        usage = c.usage + "".join(f", :{a}" for a in c.aliases if len(a) > 1)
        rows.append((usage, c.help))
    rows.append(("Tab / Ctrl-R", "complete / search the history"))
    rows.append(("Ctrl-C", "cancel a running query (filters and history stay)"))
    shell.print(render_shell.help_view(rows))


def _quit(_shell: Shell, _args: str) -> None:
    """Never called: ``run_line`` ends the session on it."""


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str
    run: Handler
    aliases: tuple[str, ...] = ()


COMMANDS: tuple[Command, ...] = (
    Command("more", ":more", "the next page of results", _more, ("next", "n")),
    Command("prev", ":prev", "the previous page", _prev, ("p",)),
    Command("open", ":open N", "read result N in full (query terms highlighted, in a pager)",
            _open),
    Command("similar", ":similar N", "articles like result N", _similar),
    Command("tags", ":tags [PREFIX]", "the most used tags (starting with PREFIX)", _tags),
    Command("filter", ":filter NAME:VALUE", "add a sticky filter: tag, any-tag, not-tag, "
            "author, source, since, until (e.g. :filter since:2020-10-01)", _filter),
    Command("filters", ":filters", "show the sticky filters", _filters),
    Command("clear", ":clear [NAME]", "remove all sticky filters (or those named)", _clear),
    Command("sort", ":sort ORDER", "relevance, newest or oldest", _sort),
    Command("expand", ":expand on|off", "re-rank queries with words from their best "
            "matches (RM3)", _expand),
    Command("collapse", ":collapse on|off", "one hit per story, its copies under it (on), "
            "or every copy as its own hit (off)", _collapse),
    Command("json", ":json", "the results on screen as JSON", _json),
    Command("help", ":help", "this list", _help),
    Command("quit", ":quit", "leave (Ctrl-D too)", _quit, ("q", "exit")),
)
COMMAND_NAMES: dict[str, Command] = {alias: c for c in COMMANDS
                                     for alias in (c.name, *c.aliases)}


def run_line(shell: Shell, line: str) -> bool:
    """Act on one typed line (a query or a ``:command``); False means leave. Raises
    SearcherError for a bad line."""
    text = line.strip()
    if not text:
        return True
    if not text.startswith(":"):
        shell.search(text, 1)
        return True
    name, _, args = text[1:].partition(" ")
    command = COMMAND_NAMES.get(name.lower())
    if command is None:
        guess = difflib.get_close_matches(name.lower(), COMMAND_NAMES, n=1)
        hint = f"did you mean :{guess[0]}? " if guess else ""
        raise ShellError(f"unknown command :{shown(name, False)} ({hint}:help lists the "
                         "commands)")
    if command.name == "quit":
        return False
    command.run(shell, args.strip())
    return True
