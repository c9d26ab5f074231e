"""Articles for the server's tests: ordinary ones, and hostile ones whose text tries to
inject HTML, script, links and terminal or bidi controls into the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from searcher import build_index

from .conftest import write_jsonl

HOSTILE_TITLE = "Oil <script>window.injected = 1</script> spill"
HOSTILE = {
    "id": "evil\"><script>window.injected=2</script>",
    "title": HOSTILE_TITLE,
    "body": 'Crude oil leaked. "><img src=x onerror="window.injected=3"> '
            "<a href=\"javascript:window.injected=4\">click</a> \u202eevil\u202c \x1b[31mred",
    "tags": ["<b>bold</b>", "oil"],
    "authors": ["Eve <i>Hacker</i>"],
    "source": "Source\" onmouseover=\"window.injected=5",
    "url": "javascript:window.injected=6",
    "published": "2020-10-03",
}
ARTICLES = [
    {"id": f"oil{n}", "title": f"Oil prices report {n}",
     "body": f"Crude oil prices rose {n} points as traders watched the markets. " * 3,
     "tags": ["energy", "crude"] if n % 2 else ["energy"], "authors": ["Jane Roe"],
     "source": "Wire", "published": f"2020-{9 + n % 2:02d}-{n + 1:02d}",
     "url": f"https://example.com/oil/{n}"}
    for n in range(23)
] + [
    {"id": "wheat", "title": "Wheat harvest", "body": "Grain farmers reported a good harvest.",
     "tags": ["grain"], "authors": ["John Doe"], "source": "Farm News",
     "published": "2020-08-15"},
    HOSTILE,
]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve")
    build_index([write_jsonl(root / "corpus" / "a.jsonl", ARTICLES)], index=root / "ix")
    return root / "ix"
