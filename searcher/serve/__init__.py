"""``searcher serve``: a search page and a JSON API over one index (Starlette, Jinja2,
uvicorn). Imported only by that command: ``import searcher`` and the one-shot CLI never
load it (tests/test_imports.py).

    app.py       the application: routes, one open Index, security headers
    api.py       /api/...: the library's results as ``--json`` prints them
    pages.py     the search and article pages, the Atom feed, OpenSearch
    state.py     a search's whole state as URL parameters, and back
    failures.py  library errors as HTTP statuses and one-line messages
    server.py    uvicorn, loopback by default
"""
