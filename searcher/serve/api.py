"""The JSON API: the library's results as ``searcher ... --json`` prints them
(json_output.py), read-only, every argument from the URL (state.py).

Errors are JSON too: ``{"error": one line, "status": N}`` plus ``position`` (1-based,
as in the message) and ``hint`` for a query the parser cannot read; 400 for a bad query
or argument, 404 for an unknown article, never a traceback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..errors import QuerySyntaxError
from ..export import Export
from ..json_output import json_text
from ..searchable import Searchable
from ..word_values import completed
from .failures import message_of, status_of
from .state import SearchState

JSON = "application/json"
SUGGESTIONS = 10  # values per field in /api/suggest


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(json_text(obj), status_code=status, media_type=JSON)


def error_response(error: Exception) -> Response:
    status = status_of(error)
    body: dict[str, Any] = {"error": message_of(error), "status": status}
    if isinstance(error, QuerySyntaxError):
        body["position"] = None if error.position is None else error.position + 1
        body["hint"] = error.hint
    return json_response(body, status)


def answers(method: Any) -> Any:
    """Any exception of the endpoint becomes error_response (library errors with their
    status and message; anything else a one-line 500)."""

    async def endpoint(request: Request, ix: Searchable) -> Response:
        try:
            response: Response = await method(request, ix)
            return response
        except Exception as e:
            return error_response(e)

    return endpoint


@answers
async def search(request: Request, ix: Searchable) -> Response:
    state = SearchState.from_params(request.query_params)
    facets = request.query_params.get("facets", "") in ("1", "true", "on")
    return json_response(ix.search(state.q, facets=facets, **state.search_options()))


@answers
async def article(request: Request, ix: Searchable) -> Response:
    return json_response(ix.show(request.path_params["id"], request.query_params.get("q", "")))


@answers
async def similar(request: Request, ix: Searchable) -> Response:
    state = SearchState.from_params(request.query_params)
    return json_response(ix.similar(request.path_params["id"], limit=state.limit,
                                    page=state.page, filters=state.filters()))


@answers
async def explain(request: Request, ix: Searchable) -> Response:
    article_id = request.query_params.get("id", "")
    return json_response(ix.explain(article_id, request.query_params.get("q", "")))


@answers
async def stats(request: Request, ix: Searchable) -> Response:
    """``searcher stats --json``, but ``path`` is the index folder's name only: a web
    client has no business learning where the server keeps its files."""
    found = ix.stats()
    return json_response(replace(found, path=PurePath(found.path).name))


@answers
async def suggest(request: Request, ix: Searchable) -> Response:
    """What the search box offers as you type ``prefix``: the index words completing its
    last word (each with the articles a search for it finds), and the tag, author and
    source values starting with it (with their article counts), most used first.
    ``format=opensearch`` answers a browser's search bar instead (OpenSearch
    suggestions: the prefix, then the prefix completed by each word)."""
    prefix = request.query_params.get("prefix", "")[:200]
    words = ix.word_values(prefix, limit=SUGGESTIONS)
    if request.query_params.get("format") == "opensearch":
        return json_response([prefix, [completed(prefix, w.value) for w in words]])
    values = {name: ix.keyword_values(field, prefix, limit=SUGGESTIONS)
              for name, field in (("tags", "tags"), ("authors", "authors"),
                                  ("sources", "source"))}
    return json_response({"words": words, **values})


@answers
async def export(request: Request, ix: Searchable) -> Response:
    """Every match, streamed (export.py): the first batch runs before the response
    starts, so a bad query is still a 400; each later batch is read as the client
    takes the previous one."""
    params = request.query_params
    state = SearchState.from_params(params)
    rows = Export(ix, state.q, fmt=params.get("format", "csv"), fields=params.get("fields"),
                  sort=state.sort, filters=state.filters())
    name = f"searcher-export.{rows.format}"
    return StreamingResponse(_chunks(iter(rows)), media_type=rows.content_type,
                             headers={"content-disposition": f'attachment; filename="{name}"',
                                      "x-total-count": str(rows.total)})


async def _chunks(rows: Iterator[str]) -> AsyncIterator[bytes]:
    """The export's chunks as UTF-8; a failure mid-stream (a build committed) ends the
    body with the one-line message instead of a silent truncation."""
    try:
        for chunk in rows:
            yield chunk.encode("utf-8", "replace")
    except Exception as e:
        yield f"\nerror: {message_of(e)}\n".encode()


ROUTES = [
    ("/api/search", search, "api_search"),
    ("/api/articles/{id:article_id}", article, "api_article"),
    ("/api/similar/{id:article_id}", similar, "api_similar"),
    ("/api/explain", explain, "api_explain"),
    ("/api/stats", stats, "api_stats"),
    ("/api/suggest", suggest, "api_suggest"),
    ("/api/export", export, "api_export"),
]
