"""The Starlette application: one open index for the process (an Index, or a sharded
index), the routes of the JSON API (api.py) and the
page (pages.py), static files, and the headers every response carries.

Endpoints are ``async`` and call the library directly: a search is a few milliseconds
of Python under the GIL, so threads would only add switching (and a lock around the
Index); the event loop runs one call at a time, and ``--workers`` gives more cores.
The Index refreshes to the newest commit at each call, so a build that commits
while the server runs is seen by the next request.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.convertors import PathConvertor, register_url_convertor
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import open_index
from ..searchable import Searchable
from . import api, pages

STATIC = Path(__file__).parent / "static"
# No inline script or style, nothing from elsewhere: article text that slipped past
# escaping still could not run or load anything.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"connect-src 'self'; "  # search.js asks /api/suggest as you type
     b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response (pages, API, static files, errors)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


Endpoint = Callable[[Request, Searchable], Awaitable[Response]]


class ArticleIdConvertor(PathConvertor):
    """``{id:article_id}``: the rest of the path, newlines included. An article id can
    hold one (a file's name can), and Starlette's ``path`` (``.*``) stops there: the
    page's own link to such an article, and ``/api/articles/ID``, were a plain 404."""

    regex = "(?s:.*)"


register_url_convertor("article_id", ArticleIdConvertor())


def create_app(index: str | os.PathLike[str] | None = None) -> Starlette:
    """The app over the index at ``index`` (default ``$SEARCHER_INDEX`` or ``index/``),
    opened once here: a missing index fails now, not at the first request."""
    ix = open_index(index)  # one index, or shards

    def bind(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        async def call(request: Request) -> Response:
            return await endpoint(request, ix)
        return call

    routes: list[Any] = [Route(path, bind(endpoint), name=name)
                         for path, endpoint, name in (*api.ROUTES, *pages.ROUTES)]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            ix.close()

    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                     exception_handlers={Exception: _unexpected}, lifespan=lifespan)


async def _unexpected(request: Request, error: Exception) -> Response:
    """A bug answers 500 with one line, never a traceback in the response."""
    if request.url.path.startswith("/api/"):
        return api.error_response(error)
    return pages.error_page(request, error)


def app_from_env() -> Starlette:
    """uvicorn's factory for worker processes: the index ``searcher serve`` resolved,
    passed on in ``$SEARCHER_INDEX``."""
    return create_app(os.environ.get("SEARCHER_INDEX"))
