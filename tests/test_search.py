"""Searching real data: Reuters-21578 built once per session, the seed, and the CLI."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from searcher import SearchResults, open_index, search
from searcher.cli import main
from searcher.errors import QuerySyntaxError
from searcher.schema import BODY, TITLE, stem_word, text_analyzer

from .conftest import REUTERS

PAIRS = [("oil", "price"), ("bank", "rate"), ("wheat", "export"), ("dollar", "yen"),
         ("gold", "mine"), ("coffee", "brazil")]


def all_ids(ix_path: Path, query: str, **options: object) -> set[str]:
    """Every matching id, paging through the results."""
    found: set[str] = set()
    with open_index(ix_path) as ix:
        page = 1
        while True:
            res = ix.search(query, limit=1000, page=page, snippets=False, collapse=False,
                            **options)  # every article, copies of a story too
            found.update(h.id for h in res.hits)
            if page * 1000 >= res.total:
                assert len(found) == res.total
                return found
            page += 1


def postings_ids(ix_path: Path, word: str) -> set[str]:
    """Ground truth from the index's own posting lists: articles with the word's stem
    in title or body."""
    ix = whoosh_index.open_dir(str(ix_path))
    with ix.searcher() as s:
        reader = s.reader()
        docs: set[int] = set()
        for field in (TITLE, BODY):
            if (field, stem_word(word)) in reader:
                docs.update(reader.postings(field, stem_word(word)).all_ids())
        return {s.stored_fields(d)["id"] for d in docs}


def reuters_records() -> Iterator[dict[str, object]]:
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["title"] or record["body"]:
                yield record


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_boolean_operators_are_set_algebra(reuters_index: Path, a: str, b: str) -> None:
    a_ids, b_ids = postings_ids(reuters_index, a), postings_ids(reuters_index, b)
    assert all_ids(reuters_index, a) == a_ids
    assert all_ids(reuters_index, f"{a} AND {b}") == a_ids & b_ids
    assert all_ids(reuters_index, f"{a} OR {b}") == a_ids | b_ids
    assert all_ids(reuters_index, f"{a} NOT {b}") == a_ids - b_ids
    assert all_ids(reuters_index, f"{a} -{b}") == a_ids - b_ids
    assert all_ids(reuters_index, f"{a} {b}") == a_ids | b_ids  # plain words: any of them


def test_keyword_queries_rank_all_words_first(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        res = ix.search("oil price", limit=50, snippets=False)
    both = all_ids(reuters_index, "oil AND price")
    top = [h.id for h in res.hits]
    assert all(i in both for i in top[:20])


@pytest.mark.parametrize("phrase", ["oil prices", "interest rates", "trade deficit"])
def test_phrases_are_ordered_subsets_of_and(reuters_index: Path, phrase: str) -> None:
    hits = all_ids(reuters_index, f'"{phrase}"')
    assert hits and hits <= all_ids(reuters_index, " AND ".join(phrase.split()))
    stems = [w for w, _s, _e in text_analyzer().terms(phrase)]
    with open_index(reuters_index) as ix:
        for aid in sorted(hits)[:200]:
            article = ix.get(aid)
            found = False
            for text in (article.title, article.body):
                words = [w for w, _s, _e in text_analyzer().terms(text)]
                if any(words[i:i + len(stems)] == stems for i in range(len(words))):
                    found = True
            assert found, aid


def test_tag_filter_and_tag_query_find_exactly_the_earn_articles(reuters_index: Path) -> None:
    expected = {str(r["id"]) for r in reuters_records() if "earn" in r["topics"]}  # type: ignore[operator]
    assert len(expected) == 3_987
    assert all_ids(reuters_index, "", tags=["earn"]) == expected
    assert all_ids(reuters_index, "tag:earn") == expected
    assert all_ids(reuters_index, "*", tags=["EARN"]) == expected


def _dated(start: datetime, end: datetime) -> set[str]:
    return {str(r["id"]) for r in reuters_records()
            if start <= datetime.fromisoformat(str(r["date"])) <= end}


@pytest.mark.parametrize(("query", "start", "end"), [
    ("date:[1987-03-01 TO 1987-03-31]", datetime(1987, 3, 1), datetime(1987, 3, 31, 23, 59, 59)),
    ("date:1987-04", datetime(1987, 4, 1), datetime(1987, 4, 30, 23, 59, 59)),
    ("date:>=1987-10-15", datetime(1987, 10, 15), datetime(1988, 1, 1)),
    ("date:[* TO 1987-03-02]", datetime(1900, 1, 1), datetime(1987, 3, 2, 23, 59, 59)),
])
def test_date_ranges_are_exact(reuters_index: Path, query: str, start: datetime,
                               end: datetime) -> None:
    expected = _dated(start, end)
    assert expected
    assert all_ids(reuters_index, query) == expected


def test_relative_dates_use_the_clock(reuters_index: Path) -> None:
    now = datetime(1987, 10, 20, 12, 0)
    expected = _dated(now - timedelta(days=7), now)
    assert all_ids(reuters_index, "date:>now-7d", now=now) == _dated(now - timedelta(days=7),
                                                                     datetime(1988, 1, 1))
    assert all_ids(reuters_index, "date:[now-7d TO now]", now=now) == expected
    assert all_ids(reuters_index, "", since="1987-10-19", until="1987-10-19") == _dated(
        datetime(1987, 10, 19), datetime(1987, 10, 19, 23, 59, 59))


def test_sort_newest_and_oldest_are_ordered(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        newest = ix.search("coffee", sort="newest", limit=100, snippets=False)
        oldest = ix.search("coffee", sort="oldest", limit=100, snippets=False)
    new_dates = [h.published for h in newest.hits]
    old_dates = [h.published for h in oldest.hits]
    assert new_dates == sorted(new_dates, reverse=True)  # type: ignore[type-var]
    assert old_dates == sorted(old_dates)  # type: ignore[type-var]
    assert newest.total == oldest.total > 100
    assert {h.score for h in newest.hits + oldest.hits} == {None}  # no relevance when sorted


def test_paging_covers_results_without_overlap(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        one = ix.search("cocoa", limit=10, page=1, snippets=False)
        two = ix.search("cocoa", limit=10, page=2, snippets=False)
        both = ix.search("cocoa", limit=20, snippets=False)
    assert [h.id for h in one.hits + two.hits] == [h.id for h in both.hits]
    assert [h.rank for h in two.hits] == list(range(11, 21))


def test_facets_count_the_whole_result_set(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        res = ix.search("coffee", facets=True, limit=5)
        assert res.facets is not None
        assert sum(fc.count for fc in res.facets.dates) == res.total  # every article is dated
        assert res.facets.date_unit == "month"
        for fc in res.facets.tags[:5]:
            assert ix.search("coffee", tags=[fc.value], limit=1).total == fc.count
        assert res.facets.tags[0].value == "coffee"


def test_hits_carry_snippets_and_why_they_matched(reuters_index: Path) -> None:
    res = search('"cocoa prices"', index=reuters_index, limit=3)
    for hit in res.hits:
        assert any('"cocoa prices"' in m for m in hit.matched)
        spans = [snip.text[s:e].lower() for snip in hit.snippets for s, e in snip.highlights]
        assert spans and all("cocoa" in s or "price" in s for s in spans)


def test_did_you_mean(reuters_index: Path) -> None:
    res = search("cofee", index=reuters_index)
    assert res.total == 0 or res.suggestion
    assert res.suggestion == "coffee"


def test_similar_articles(reuters_index: Path) -> None:
    with open_index(reuters_index) as ix:
        res = ix.similar("1")  # BAHIA COCOA REVIEW
    assert len(res.hits) == 10
    assert "1" not in {h.id for h in res.hits}
    with open_index(reuters_index) as ix:
        texts = [(ix.get(h.id).title + ix.get(h.id).body).lower() for h in res.hits]
    assert sum("cocoa" in t for t in texts) >= 8


@pytest.mark.parametrize("query", ['tag:"Mike Pompeo"', "Nagorno-Karabakh", "scud",
                                   "missiles AND ganja", "nagorno karabakh",
                                   '"Nagorno Karabakh"'])
def test_seed_queries_find_it_with_highlights(seed_index: Path, query: str) -> None:
    res = search(query, index=seed_index)
    assert res.total == 1
    hit = res.hits[0]
    assert hit.title.startswith("Azerbaijan accuses Armenia")
    assert any(snip.highlights for snip in hit.snippets)


def test_empty_and_stopword_queries_give_no_error(seed_index: Path) -> None:
    assert search("the of", index=seed_index).total == 0
    assert search("", index=seed_index).total == 1  # empty: every article


def test_bad_query_raises_query_syntax_error(seed_index: Path) -> None:
    with pytest.raises(QuerySyntaxError):
        search("(missile AND", index=seed_index)


# ---- CLI --------------------------------------------------------------------------------

def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_search_text_output(seed_index: Path) -> None:
    code, out, err = cli("search", "--index", str(seed_index), "missile")
    assert code == 0
    assert "Azerbaijan accuses Armenia of missile strike that killed at least 13" in out
    assert "1-1 of 1 results" in out
    assert "matched: title: missile; body: missile" in out
    assert err == ""


def test_cli_search_json_output(seed_index: Path) -> None:
    code, out, _ = cli("search", "--index", str(seed_index), "--json", "--facets", "scud")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 1
    hit = data["hits"][0]
    assert hit["id"] == "000_a92b5885473cdf19.txt"
    snip = next(s for s in hit["snippets"] if s["highlights"])
    start, end = snip["highlights"][0]
    assert snip["text"][start:end] == "Scud"
    assert {"value": "Mike Pompeo", "count": 1} in data["facets"]["tags"]


def test_cli_no_results_says_so_with_suggestion(seed_index: Path) -> None:
    code, out, _ = cli("search", "--index", str(seed_index), "pompeio")
    assert code == 0
    assert "no results" in out
    assert "did you mean: pompeo" in out


@pytest.mark.parametrize(("query", "suggestion"), [
    ("oil", None),  # issue 16: was "one", two edits away: another word, not a typo
    ("oil prices", None),  # was "one prices"
    ("missle", "missile"), ("armnia", "armenia"), ("azerbajan", "azerbaijan"),
    ("pompeio", "pompeo"),
])
def test_did_you_mean_respells_only_near_misses(seed_index: Path, query: str,
                                                suggestion: str | None) -> None:
    res = search(query, index=seed_index)
    assert res.total == 0 and res.suggestion == suggestion


def test_cli_unclosed_quote_is_not_an_error(seed_index: Path) -> None:
    """Bad input on every surface is test_cli's; an unclosed quote is forgiven."""
    code, _, err = cli("search", "--index", str(seed_index), 'title:"missile')
    assert code == 0
    assert "Traceback" not in err


def test_cli_show_highlights_query(seed_index: Path) -> None:
    code, out, _ = cli("show", "--index", str(seed_index), "000_a92b5885473cdf19.txt",
                       "--query", "scud")
    assert code == 0
    assert "remain committed to a peaceful settlement" in out
    code, out, _ = cli("show", "--index", str(seed_index), "000_a92b5885473cdf19.txt",
                       "--json", "--query", "scud")
    data = json.loads(out)
    start, end = data["body_highlights"][0]
    assert data["article"]["body"][start:end] == "Scud"


def test_results_are_plain_data(seed_index: Path) -> None:
    res = search("missile", index=seed_index, facets=True)
    assert isinstance(res, SearchResults)
    import pickle

    assert pickle.loads(pickle.dumps(res)) == res


def test_date_sort_without_dated_articles_falls_back_to_relevance(seed_index: Path) -> None:
    res = search("missile", index=seed_index, sort="newest")
    assert res.total == 1
    assert res.hits[0].score == search("missile", index=seed_index).hits[0].score
