"""The search page, the article page and the feeds, rendered on the server from
Jinja2 templates (autoescaped: article text is untrusted) with every state in the URL.

Highlights are built from the library's Span data (passages.to_html escapes every
piece), never from HTML found in an article; a URL is a link only when it is http(s).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..errors import QuerySyntaxError, SearcherError
from ..models import Facets, SearchResults, Snippet, Span
from ..passages import to_html
from ..render_plain import TAGS_SHOWN, id_text, value_text
from ..sanitize import blank_line_breaks, one_line
from ..searchable import Searchable
from .failures import message_of, status_of
from .state import SearchState

TEMPLATES = Path(__file__).parent / "templates"
SIMILAR_SHOWN = 5
FEED_ENTRIES = 50
PAGE_LINKS = 5  # page numbers shown either side of the current one
DATE_PRESETS = (("last week", "last 7 days"), ("last month", "last 30 days"),
                ("last year", "last 365 days"))


def marked(text: str, spans: tuple[Span, ...] = ()) -> Markup:
    """``text`` as HTML with ``spans`` in ``<mark>``: every piece escaped, controls
    removed (passages.to_html)."""
    return Markup(to_html(Snippet(text, tuple(spans))))


def web_link(url: str) -> str:
    """``url`` if it is an http(s) URL (shown as a link), else "" (shown as text only:
    no javascript:, data: or relative links from article data, and no URL longer than
    browsers and servers take, :data:`URL_MAX`)."""
    if len(url) > URL_MAX:
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else ""


def day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else ""


URL_MAX = 8192
"""The longest article URL shown as a link (servers refuse longer request lines)."""
LINK_MAX = 1000
"""A tag, source or author longer than this many characters is shown without a filter
link: its URL would be as long (a 1 MB tag on every hit made pages of megabytes)."""

def article_url(article_id: str, query: str = "") -> str:
    """The article page's URL: ``/articles/ID`` with the id's ``/`` kept readable
    (``txt/page.txt``); an id with a ``.`` or ``..`` segment, which a browser would
    resolve before asking (``x/..`` to ``/articles/``, and ``%2E%2E`` too), goes in
    ``?id=`` instead. ``query`` (the search's) is carried for highlighting."""
    params = {"q": query} if query else {}
    if any(part in (".", "..") for part in article_id.split("/")):
        return "/articles/?" + urlencode({"id": article_id, **params}, quote_via=quote)
    carried = f"?{urlencode(params, quote_via=quote)}" if params else ""
    return f"/articles/{quote(article_id)}{carried}"


ENV = Environment(loader=FileSystemLoader(TEMPLATES),
                  autoescape=select_autoescape(["html", "xml"], default=True),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(marked=marked, web_link=web_link, day=day, one_line=one_line,
                   title_text=blank_line_breaks, value=value_text, id_text=id_text)
ENV.globals.update(LINK_MAX=LINK_MAX, TAGS_SHOWN=TAGS_SHOWN, article_url=article_url)


def render(name: str, status: int = 200, media_type: str = "text/html", **context: Any
           ) -> Response:
    return HTMLResponse(ENV.get_template(name).render(**context), status_code=status,
                        media_type=media_type)


def timeline(state: SearchState, facets: Facets | None) -> list[dict[str, Any]]:
    """The bars of the timeline: each period's count, its height share and the link
    that narrows the search to it."""
    if not facets or not facets.dates:
        return []
    top = max(b.count for b in facets.dates) or 1
    return [{"label": b.value, "count": b.count, "share": b.count / top,
             "url": state.but(since=b.value, until=b.value).url()} for b in facets.dates]


def page_numbers(results: SearchResults) -> list[int]:
    last = max(1, -(-results.total // results.limit))
    first = max(1, results.page - PAGE_LINKS)
    return list(range(first, min(last, results.page + PAGE_LINKS) + 1))


async def search_page(request: Request, ix: Searchable) -> Response:
    try:
        state = SearchState.from_params(request.query_params)
    except SearcherError as e:
        return error_page(request, e, query=request.query_params.get("q", ""))
    results = None
    if state.active:
        try:
            results = ix.search(state.q, facets=True, **state.search_options())
        except SearcherError as e:
            return error_page(request, e, state=state)
    return render("search.html", state=state, results=results,
                  timeline=timeline(state, results.facets if results else None),
                  pages=page_numbers(results) if results else [], presets=DATE_PRESETS,
                  last_page=max(1, -(-results.total // results.limit)) if results else 1)


async def article_page(request: Request, ix: Searchable) -> Response:
    article_id = request.path_params["id"] or request.query_params.get("id", "")
    query = request.query_params.get("q", "")
    try:
        view = ix.show(article_id, query)
        similar = ix.similar(view.article.id, limit=SIMILAR_SHOWN)
    except SearcherError as e:
        return error_page(request, e, state=SearchState(q=query))
    return render("article.html", view=view, similar=similar, state=SearchState(q=query))


async def feed(request: Request, ix: Searchable) -> Response:
    """The search as an Atom feed, newest first: a saved search in a feed reader is
    an alert."""
    try:
        state = SearchState.from_params(request.query_params).but(sort="newest",
                                                                  limit=FEED_ENTRIES)
        results = ix.search(state.q, snippets=True, **state.search_options())
    except SearcherError as e:
        return Response(message_of(e) + "\n", status_code=status_of(e),
                        media_type="text/plain")
    updated = max((h.published for h in results.hits if h.published), default=None)
    return render("atom.xml", media_type="application/atom+xml", state=state,
                  results=results, base=str(request.base_url).rstrip("/"),
                  updated=(updated or datetime.now(timezone.utc).replace(tzinfo=None)))


async def opensearch(request: Request, ix: Searchable) -> Response:
    return render("opensearch.xml", media_type="application/opensearchdescription+xml",
                  base=str(request.base_url).rstrip("/"))


def error_page(request: Request, error: Exception, state: SearchState | None = None,
               query: str = "") -> Response:
    """The page again with the error shown above it (the query kept in the box), with
    the error's status: 400, 404, 500."""
    state = state or SearchState(q=query)
    position = error.position if isinstance(error, QuerySyntaxError) else None
    return render("search.html", status=status_of(error), state=state, results=None,
                  timeline=[], pages=[], presets=DATE_PRESETS, last_page=1,
                  error=message_of(error), position=position)


ROUTES = [
    ("/", search_page, "search"),
    ("/articles/{id:article_id}", article_page, "article"),
    ("/search.atom", feed, "feed"),
    ("/opensearch.xml", opensearch, "opensearch"),
]
