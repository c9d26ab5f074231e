"""One prompt session: its state, and the steps the ``:commands`` build on.

The state (the last query and its page, sticky filters, sort order, the results on
screen) lives in :class:`Shell`; what a typed line (a query or a ``:command``) does
is ``commands.run_line``. No search logic: the sticky filters are the ``Filters`` value
``Index.search`` takes. The same object serves the interactive prompt and the
piped mode, so a script sees exactly what a person would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.console import Console, Group, RenderableType

from .. import render, render_shell
from ..arguments import DEFAULT_LIMIT
from ..errors import ShellError
from ..filters import Filters
from ..models import FacetCount, Hit, SearchResults
from ..searchable import Searchable
from .filters import describe


@dataclass
class Shell:
    """One prompt session over an open index (``commands.run_line`` acts on a typed line)."""

    index: Searchable  # one index or a sharded one
    console: Console
    limit: int = DEFAULT_LIMIT
    interactive: bool = False
    page_out: Callable[[RenderableType], None] | None = None  # :open's pager
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    expand: bool = False  # :expand on: RM3 query expansion (Index.search(expand=True))
    collapse: bool = True  # :collapse off: every copy of a story as its own hit
    query: str | None = None  # the last query run (None before the first)
    results: SearchResults | None = None  # what is on screen
    similar_of: Hit | None = None  # the results are :similar to this hit

    # ---- state the prompt shows and completes from

    def prompt_filters(self) -> str:
        parts = describe(self.filters)
        if self.sort != "relevance":
            parts.append(f"sort:{self.sort}")
        if self.expand:
            parts.append("expand")
        if not self.collapse:
            parts.append("no-collapse")
        return " ".join(parts)

    def hits(self) -> Sequence[Hit]:
        return self.results.hits if self.results else ()

    def keyword_values(self, field_name: str, prefix: str,
                       limit: int | None = None) -> list[FacetCount]:
        """``Index.keyword_values`` (cached there per commit: a build elsewhere shows)."""
        return self.index.keyword_values(field_name, prefix, limit=limit)

    def print(self, renderable: RenderableType) -> None:
        if self.interactive:
            self.console.print(renderable)
        else:
            self.console.file.write(render.plain_text(self.console, renderable))

    # ---- what commands build on

    def search(self, query: str, page: int) -> None:
        results = self.index.search(query, page=page, limit=self.limit, sort=self.sort,
                                    facets=page == 1, expand=self.expand,
                                    filters=self.filters, collapse=self.collapse)
        self.query, self.results, self.similar_of = query, results, None
        self.show(results)

    def show_similar(self, hit: Hit, page: int = 1) -> None:
        """Articles like ``hit`` (sticky filters apply), a page at a time like a query."""
        results = self.index.similar(hit.id, limit=self.limit, page=page,
                                     filters=self.filters)
        self.results, self.similar_of = results, hit
        self.show(results)

    def show(self, results: SearchResults) -> None:
        if self.similar_of is not None:
            self.print(render_shell.meta_line(
                f"articles like: {self.similar_of.title or self.similar_of.id}"))
        parts: list[RenderableType] = [render.results_view(results)]
        shown = results.page * results.limit
        if self.interactive and shown < results.total:
            parts.append(render_shell.meta_line(f":more for {shown + 1}-"
                                          f"{min(shown + results.limit, results.total)}"))
        self.print(Group(*parts))  # one write: the hint never lags behind the results

    def hit(self, arg: str, usage: str) -> Hit:
        """The result numbered ``arg`` on screen."""
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

    def rerun(self) -> None:
        """After a filter or sort change: what is on screen again, from page 1."""
        if self.similar_of is not None:
            self.show_similar(self.similar_of)
        elif self.query is not None:
            self.search(self.query, 1)

    def page(self, step: int) -> None:
        if self.results is None:
            raise ShellError("no results yet: type a query first")
        page = self.results.page + step
        if page < 1:
            raise ShellError("this is the first page")
        if (page - 1) * self.results.limit >= self.results.total:
            raise ShellError(f"no more results (all {self.results.total:,} shown)")
        if self.similar_of is not None:
            self.show_similar(self.similar_of, page)
        elif self.query is not None:
            self.search(self.query, page)
