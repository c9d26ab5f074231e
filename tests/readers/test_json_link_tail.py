"""A record's text that ends in pointers elsewhere (record_cleanup.link_tail): labelled
pieces with a colon, at least one with a URL, from a sentence end to the end of the text
(a video description's ``Subscribe to CNET: https://...``). The real NewsAPI dump of the
development half that has them, generated records, and what stays: a label with a URL
inside the text, a colon with no URL, a text that is nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from searcher.formats import reader_for
from searcher.formats.base import Source
from searcher.formats.record_cleanup import LINK_TAIL_DROPPED, link_tail
from searcher.models import Article, Decision

from ..conftest import SHARED, needs_shared

TRILOK = SHARED / "fixtures" / "pool" / "json" / "newsapi-trilok94" / "sample_response.json"
PROSE = "The council voted on Tuesday to close the old bridge to lorries from May."


@needs_shared(TRILOK)
def test_real_video_descriptions_lose_their_link_tails() -> None:
    reader = reader_for(TRILOK)
    assert reader is not None
    items = list(reader(Source(TRILOK, TRILOK.name)))
    bodies = [i.body for i in items if isinstance(i, Article)]
    assert bodies[1] == ("At the Apple Park campus, CNET's Scott Stein tries on the new Apple "
                         "Watch Ultra, geared for the rugged, outdoorsy type.")
    assert bodies[2] == "Apple's new AirPods Pro have touch controls."
    dropped = [i.detail for i in items if isinstance(i, Decision) and i.kind == LINK_TAIL_DROPPED]
    assert [d[:18] for d in dropped] == ["Subscribe to CNET:", "Read our full stor"]
    assert all("http" not in b for b in bodies)


def test_generated_record_with_a_link_tail(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    tail = " Follow us: https://x.example/us • Watch more: www.example.org/v • Sha..."
    path.write_text(json.dumps({"articles": [{"title": "Bridge", "description": PROSE + tail}]}),
                    encoding="utf-8")
    reader = reader_for(path)
    assert reader is not None
    items = list(reader(Source(path, path.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.body == PROSE
    [decision] = [i for i in items if isinstance(i, Decision) and i.kind == LINK_TAIL_DROPPED]
    assert decision.chars == len(tail.strip())


def test_what_is_no_link_tail() -> None:
    assert link_tail(f"{PROSE} Read it here: https://x.org/r and more text follows here.") is None
    assert link_tail(f"{PROSE} The details: costs rose by 5 per cent in May.") is None
    assert link_tail("Source: https://x.org/data") is None  # nothing before it: the text
    assert link_tail(f"{PROSE} See https://x.org/r") is None  # no label


@given(st.text(alphabet=st.characters(blacklist_characters=":/"), max_size=300))
def test_text_without_a_colon_or_url_never_has_a_tail(text: str) -> None:
    assert link_tail(text) is None


@given(label=st.from_regex(r"[A-Z][a-z]{2,8}( [a-z]{2,8}){0,4}", fullmatch=True),
       host=st.from_regex(r"[a-z]{3,10}", fullmatch=True))
def test_a_labelled_url_after_prose_is_cut_where_the_prose_ends(label: str, host: str) -> None:
    assert link_tail(f"{PROSE} {label}: https://{host}.example/x") == len(PROSE)
