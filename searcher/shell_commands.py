"""What one line typed at the prompt does: a query, or a ``:command``.

The session state (the last query and its page, sticky filters, sort order, the
results on screen) lives here, and every line is one or two library calls
(Index.search / similar / show / keyword_counts) plus a render.py renderable.
No search logic: filters become ``Index.search`` keyword arguments as they are.
The same object serves the interactive prompt and the piped mode, so a script
sees exactly what a person would.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.console import Console, RenderableType

from . import render, schema
from .errors import QuerySyntaxError, ShellError
from .models import FacetCount, Hit, SearchResults
from .search import DEFAULT_LIMIT, SORTS, Index
from .shell_filters import FILTERS, Filters, parse_filters

TAGS_SHOWN = 20


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str
    aliases: tuple[str, ...] = ()


COMMANDS: tuple[Command, ...] = (
    Command("more", ":more", "the next page of results", ("next", "n")),
    Command("prev", ":prev", "the previous page", ("p",)),
    Command("open", ":open N", "read result N in full (query terms highlighted, in a pager)"),
    Command("similar", ":similar N", "articles like result N"),
    Command("tags", ":tags [PREFIX]", "the most used tags (starting with PREFIX)"),
    Command("filter", ":filter NAME:VALUE", "add a sticky filter: tag, any-tag, not-tag, "
            "author, source, since, until (e.g. :filter since:2020-10-01)"),
    Command("filters", ":filters", "show the sticky filters"),
    Command("clear", ":clear [NAME]", "remove all sticky filters (or those named)"),
    Command("sort", ":sort ORDER", "relevance, newest or oldest"),
    Command("json", ":json", "the results on screen as JSON"),
    Command("help", ":help", "this list"),
    Command("quit", ":quit", "leave (Ctrl-D too)", ("q", "exit")),
)
COMMAND_NAMES: dict[str, str] = {alias: c.name for c in COMMANDS for alias in (c.name, *c.aliases)}

@dataclass
class Shell:
    """One prompt session over an open index; ``run_line`` handles one typed line."""

    index: Index
    console: Console
    limit: int = DEFAULT_LIMIT
    interactive: bool = False
    page_out: Callable[[RenderableType], None] | None = None  # :open's pager
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    query: str | None = None  # the last query run (None before the first)
    results: SearchResults | None = None  # what is on screen
    _similar_of: str | None = None  # the results are :similar to this title
    _values: dict[tuple[str, str], list[FacetCount]] = field(default_factory=dict)

    # ---- state the prompt shows and completes from

    def prompt_filters(self) -> str:
        parts = self.filters.describe()
        if self.sort != "relevance":
            parts.append(f"sort:{self.sort}")
        return " ".join(parts)

    def hits(self) -> Sequence[Hit]:
        return self.results.hits if self.results else ()

    def keyword_values(self, field_name: str, prefix: str) -> list[FacetCount]:
        """``Index.keyword_counts``, cached for the session (completion asks per keystroke)."""
        key = (field_name, prefix)
        if key not in self._values:
            self._values[key] = self.index.keyword_counts(field_name, prefix)
        return self._values[key]

    # ---- one line

    def run_line(self, line: str) -> bool:
        """Act on one line; False means leave. Raises SearcherError for a bad line."""
        text = line.strip()
        if not text:
            return True
        if not text.startswith(":"):
            self._search(text, 1)
            return True
        name, _, args = text[1:].partition(" ")
        command = COMMAND_NAMES.get(name.lower())
        if command is None:
            guess = difflib.get_close_matches(name.lower(), COMMAND_NAMES, n=1)
            hint = f"did you mean :{guess[0]}? " if guess else ""
            raise ShellError(f"unknown command :{name} ({hint}:help lists the commands)")
        if command == "quit":
            return False
        handler: Callable[[str], None] = getattr(self, f"_cmd_{command}")
        handler(args.strip())
        return True

    def print(self, renderable: RenderableType) -> None:
        if self.interactive:
            self.console.print(renderable)
        else:
            self.console.file.write(render.plain_text(self.console, renderable))

    def _search(self, query: str, page: int) -> None:
        results = self.index.search(query, page=page, limit=self.limit, sort=self.sort,
                                    facets=page == 1, **self.filters.kwargs())
        self.query, self.results, self._similar_of = query, results, None
        self._show(results)

    def _show(self, results: SearchResults) -> None:
        if self._similar_of is not None:
            self.print(render.meta_line(f"articles like: {self._similar_of}"))
        self.print(render.results_view(results))
        shown = results.page * results.limit
        if self.interactive and self._similar_of is None and shown < results.total:
            self.print(render.meta_line(f":more for {shown + 1}-"
                                        f"{min(shown + results.limit, results.total)}"))

    def _hit(self, arg: str, usage: str) -> Hit:
        if not arg.isdigit():
            raise ShellError(f"usage: {usage} (N is a result number)")
        if self.results is None:
            raise ShellError("no results yet: type a query first")
        for hit in self.results.hits:
            if hit.rank == int(arg):
                return hit
        ranks = [h.rank for h in self.results.hits]
        shown = f"{ranks[0]}-{ranks[-1]}" if ranks else "none"
        raise ShellError(f"no result {arg} on screen (shown: {shown})")

    def _rerun(self) -> None:
        """After a filter or sort change: the last query again, from page 1."""
        if self.query is not None:
            self._search(self.query, 1)

    # ---- commands: _cmd_<name>(args)

    def _cmd_more(self, _args: str) -> None:
        self._page(+1)

    def _cmd_prev(self, _args: str) -> None:
        self._page(-1)

    def _page(self, step: int) -> None:
        if self.results is None or self.query is None:
            raise ShellError("no results yet: type a query first")
        if self._similar_of is not None:
            raise ShellError(f":similar lists the {self.limit} most similar articles only")
        page = self.results.page + step
        if page < 1:
            raise ShellError("this is the first page")
        if (page - 1) * self.results.limit >= self.results.total:
            raise ShellError(f"no more results (all {self.results.total:,} shown)")
        self._search(self.query, page)

    def _cmd_open(self, args: str) -> None:
        hit = self._hit(args, ":open N")
        # a :similar listing has no query of the user's to highlight
        query = "" if self._similar_of is not None else self.query or ""
        view = self.index.show(hit.id, query)
        (self.page_out or self.print)(render.article_view(view))

    def _cmd_similar(self, args: str) -> None:
        hit = self._hit(args, ":similar N")
        results = self.index.similar(hit.id, limit=self.limit)
        self.results, self._similar_of = results, hit.title or hit.id
        self._show(results)

    def _cmd_tags(self, args: str) -> None:
        self.print(render.counts_view(self.keyword_values(schema.TAGS, args), "tag",
                                      TAGS_SHOWN))

    def _cmd_filter(self, args: str) -> None:
        if not args:
            self._cmd_filters("")
            return
        new = self.filters
        for attr, value in parse_filters(args):
            new = new.add(attr, value)
        try:  # a bad date is an error now, not at the next query
            check = self.index.search("", limit=1, snippets=False, **new.kwargs())
        except QuerySyntaxError as e:
            raise ShellError(f"bad filter: {e}") from None
        self.filters = new
        self.print(render.meta_line(f"filters: {' '.join(new.describe())} "
                                    f"({check.total:,} articles)"))
        self._rerun()

    def _cmd_filters(self, _args: str) -> None:
        described = self.filters.describe()
        self.print(render.meta_line("filters: " + " ".join(described) if described
                                    else "no filters (add one with :filter tag:NAME)"))

    def _cmd_clear(self, args: str) -> None:
        new = self.filters
        names = args.replace(":", " ").lower().split()
        for name in names:
            if name not in FILTERS:
                raise ShellError(f"no filter named {name}: the filters are tag, any-tag, "
                                 "not-tag, author, source, since, until")
            new = new.without(FILTERS[name])
        self.filters = new if names else Filters()
        self._cmd_filters("")
        self._rerun()

    def _cmd_sort(self, args: str) -> None:
        if args.lower() not in SORTS:
            raise ShellError(f"usage: :sort {'|'.join(SORTS)}")
        self.sort = args.lower()
        self.print(render.meta_line(f"sort: {self.sort}"))
        self._rerun()

    def _cmd_json(self, _args: str) -> None:
        if self.results is None:
            raise ShellError("no results yet: type a query first")
        if self.interactive:
            self.console.print(render.json_view(self.results), soft_wrap=True)
        else:
            self.console.out(render.json_text(self.results), highlight=False)

    def _cmd_help(self, _args: str) -> None:
        rows = [("QUERY", "search (the language of `searcher search`: words, \"phrases\", "
                 "AND OR NOT, tag:, author:, date:...)")]
        for c in COMMANDS:
            usage = c.usage + "".join(f", :{a}" for a in c.aliases if len(a) > 1)
            rows.append((usage, c.help))
        rows.append(("Tab / Ctrl-R", "complete / search the history"))
        self.print(render.help_view(rows))
