"""The query engine (searcher/engine): exact against Whoosh's own BM25F on Reuters for
the benchmark's query mix, and each piece on small real indexes."""

from __future__ import annotations

import gzip
import importlib.util
import json
import pickle
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq

from searcher import Filters, build_index, open_index
from searcher._whoosh import postings as wp
from searcher.engine.cache import ByteLRU
from searcher.engine.execute import Executor
from searcher.engine.idsets import union, union_size
from searcher.engine.stats import CollectionStats
from searcher.engine.topk import top_by_key, top_by_score
from searcher.plan import AllOf, AnyOf, Word
from searcher.query import build_filter, parse_query

from .conftest import REPO, REUTERS, write_jsonl
from .whoosh_oracle import oracle_searcher, ranked, whoosh_scores

HAND_QUERIES = [
    '"crude oil prices"', '"oil prices"~5', '"opec output ceiling"~10', '"new york" stock',
    "oil NOT price", "+oil price", "missil*", "pompeo~", "title:oil body:gas",
    "crude -oil OR gas", "tag:earn", "oil tag:crude date:>=1987-04", "coffee date:1987-03",
    "oil *", "tag:*", "(oil OR gas) AND NOT (price OR prices)", "mcdonnell douglas",
    "offer AND share", "sales car", "id:1", "author:* oil",
    # stop words in phrases keep their place (issue 22): gaps in the index and the query
    '"bank of japan"', '"output under ceiling"', '"rise in the price"', '"bank japan"',
    '"bank of japan"~2', '"the price of oil"', '"u.s. and japan" trade',
]


def bench_mix(n: int, seed: int) -> list[tuple[str, str | None, str | None, str | None]]:
    """``n`` queries of bench/query.py's fixed mix (every kind), as (text, tag, since, until)."""
    spec = importlib.util.spec_from_file_location("bench_query", REPO / "bench" / "query.py")
    assert spec is not None and spec.loader is not None
    bench: Any = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_query", bench)  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    records = bench.load_records(REUTERS)
    return [(q.ours(), q.tag, q.since, q.until) for q in bench.make_queries(records, n, seed)]


def test_engine_equals_whoosh_bm25f_on_the_bench_mix(reuters_index: Path) -> None:
    queries = bench_mix(100, seed=7) + [(q, None, None, None) for q in HAND_QUERIES]
    kinds = Counter(text.split()[0][:1] for text, *_ in queries)
    assert kinds['"'] >= 10  # phrases are in the sample
    ws = oracle_searcher(reuters_index)
    with open_index(reuters_index) as ix:
        for text, tag, since, until in queries:
            tags = [tag] if tag else []
            res = ix.search(text, tags=tags, since=since, until=until, snippets=False,
                            collapse=False)  # every match, as Whoosh
            filt, mask = build_filter(Filters(tags=tags, since=since, until=until))
            oracle = whoosh_scores(ws, parse_query(text, ws.reader()).query, filt, mask)
            assert_same_results(res, oracle, ws, text)


def assert_same_results(res: Any, oracle: dict[int, float], ws: Any, text: str) -> None:
    """Our total and top 10 are Whoosh's exhaustive ones (a float tie: the same score)."""
    assert res.total == len(oracle), text
    expected = ranked(oracle, 10)
    assert len(res.hits) == len(expected), text
    for hit, (doc, score) in zip(res.hits, expected, strict=True):
        assert hit.score == pytest.approx(score, rel=1e-6), text
        if hit.id != ws.stored_fields(doc)["id"]:
            assert oracle[ws.document_number(id=hit.id)] == pytest.approx(score, rel=1e-9), text


EVAL = REUTERS.parents[2] / "eval"


@pytest.mark.parametrize("name", ["cranfield", "cisi"])
def test_engine_equals_whoosh_bm25f_on_judged_queries(name: str, tmp_path: Path) -> None:
    """Forty queries of a judged collection spread over its list, as typed (long
    natural-language questions: ORs of many words), against Whoosh's exhaustive
    BM25F: same totals and top 10s. (All of them: 28 s, too long for the suite.)"""
    directory = EVAL / name
    if not (directory / "corpus.jsonl.gz").exists():
        pytest.skip(f"{directory} not present")
    with gzip.open(directory / "corpus.jsonl.gz", "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    write_jsonl(tmp_path / "docs.jsonl", [
        {"id": d["_id"], "title": d.get("title") or "", "body": d.get("text") or ""}
        for d in docs])
    index = tmp_path / "index"
    build_index([tmp_path / "docs.jsonl"], index=index)
    with open(directory / "queries.jsonl", encoding="utf-8") as f:
        queries = [json.loads(line)["text"] for line in f]
    queries = queries[::len(queries) // 40][:40]
    assert len(queries) == 40
    ws = oracle_searcher(index)
    with open_index(index) as ix:
        for text in queries:
            res = ix.search(text, snippets=False, collapse=False)  # every match, as Whoosh
            oracle = whoosh_scores(ws, parse_query(text, ws.reader()).query)
            assert_same_results(res, oracle, ws, text)


# --------------------------------------------------------------------------- small indexes

BODIES = [
    "oil prices rose as crude oil output fell",
    "prices of oil and gas: oil rose, gas fell; oil prices steady",
    "the price war: crude prices and oil futures",
    "gold rose while oil fell and prices were mixed",
    "oil oil oil prices prices",
    "prices oil crude",
    "crude output and oil output and prices output",
    "nothing to see here",
    "oil and gas prices: the gas of the oil and prices",
    "prices of the oil rose; oil's prices fell",
]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Three segments (three builds) and deletions (a file removed and one changed)."""
    corpus = tmp_path / "corpus"
    index = tmp_path / "index"
    write_jsonl(corpus / "a.jsonl", [
        {"id": f"a{i}", "title": f"Oil story {i}", "body": b, "tags": ["energy", f"t{i % 3}"],
         "date": f"2020-0{1 + i % 9}-15"} for i, b in enumerate(BODIES)])
    build_index([corpus], index=index)
    write_jsonl(corpus / "b.jsonl", [
        {"id": f"b{i}", "title": "Cocoa report", "body": b, "tags": ["cocoa"],
         "date": "2021-03-01"} for i, b in enumerate(BODIES[:5])])
    build_index([corpus], index=index)
    write_jsonl(corpus / "c.jsonl", [
        {"id": f"c{i}", "title": "Wheat", "body": b[::-1], "tags": ["grain"]}
        for i, b in enumerate(BODIES)])
    build_index([corpus], index=index)
    write_jsonl(corpus / "a.jsonl", [  # rewritten: its old articles are deleted
        {"id": f"a{i}", "title": f"Oil story {i}", "body": b, "tags": ["energy"],
         "date": "2020-05-05"} for i, b in enumerate(BODIES[:4])])
    build_index([corpus], index=index)
    return index


def test_postings_and_positions_decode_as_whoosh_reads_them(small: Path) -> None:
    ix = whoosh_index.open_dir(str(small))
    with ix.searcher() as s:
        readers = s.reader().leaf_readers()
        assert len(readers) > 1 and any(r.has_deletions() for r, _o in readers)
        for r, _o in readers:
            fmt = r.schema["body"].format
            assert list(wp.live_mask(r)) == [not r.is_deleted(d)
                                             for d in range(r.doc_count_all())]
            for term in r.lexicon("body"):
                ids, weights = wp.postings(r, "body", term)
                pids, offsets, flat = wp.positions(r, "body", term)
                m = r._terms.matcher("body", term, fmt, None)
                expected = []
                while m.is_active():
                    expected.append((m.id(), m.weight(), fmt.decode_positions(m.value())))
                    m.next()
                assert list(ids) == list(pids) == [d for d, _w, _p in expected]
                assert list(weights) == [w for _d, w, _p in expected]
                assert [list(flat[offsets[i]:offsets[i + 1]]) for i in range(len(ids))] == \
                    [p for _d, _w, p in expected]
            lengths = wp.field_length_bytes(r, "body")
            assert lengths is not None
            assert [float(wp.LENGTH_OF_BYTE[b]) for b in lengths] == [
                r.doc_field_length(d, "body") or 0 for d in range(r.doc_count_all())]


@pytest.mark.parametrize("text", [
    '"oil prices"', '"crude oil"', '"oil oil"', '"prices oil crude"', '"oil prices"~2',
    '"prices oil"~3', '"oil output prices"~4', '"oil oil prices"~2', "oil NOT gas",
    "oil gas prices", "+crude oil", "title:oil prices", "tag:cocoa oil", "date:2020 oil",
    "oil*", "pricez~", "* oil", "tag:*",
    '"oil and gas"', '"oil gas"', '"prices of oil"', '"prices of the oil"', '"gas of the oil"',
    '"oil of prices"', '"oil and gas prices"', '"prices of oil"~1', '"oil prices"~1',
    'title:"oil story"', '"oil prices" "prices of oil"',
])
def test_executor_equals_whoosh_on_a_small_index(small: Path, text: str) -> None:
    ws = oracle_searcher(small)
    with open_index(small) as ix:
        view = ix._engine()
        q = parse_query(text, view.searcher.reader()).query
        m = Executor(view).run(q)
        oracle = whoosh_scores(ws, q)
        assert m.score is not None
        assert {int(d): pytest.approx(m.score[d], rel=1e-9)
                for d in np.flatnonzero(m.mask)} == oracle
        assert Executor(view, scored=False).run(q).total == len(oracle)


TITLES = ["Oil prices rise", "Gas and oil", "Crude report", "Gold", "Oil oil", "Prices",
          "Output news", "Nothing", "Gas of the oil", "The price of oil"]


def test_scores_with_collection_stats_passed_in(tmp_path: Path) -> None:
    """Scoring with statistics passed in (engine/stats.py): an index's own give its own
    scores; two halves' statistics added up score each half's articles exactly as one
    index holding both halves does (what a shard of a cluster needs)."""
    rows = [{"id": f"d{i}", "title": t, "body": b}
            for i, (t, b) in enumerate(zip(TITLES, BODIES, strict=True))]
    paths = {}
    for name, part in (("half", rows[:4]), ("rest", rows[4:]), ("whole", rows)):
        write_jsonl(tmp_path / name / "docs.jsonl", part)
        paths[name] = tmp_path / f"{name}-index"
        build_index([tmp_path / name], index=paths[name])
    changed = 0
    with open_index(paths["half"]) as half, open_index(paths["rest"]) as rest, \
            open_index(paths["whole"]) as whole:
        view, other, full = half._engine(), rest._engine(), whole._engine()
        for text in ['"oil prices"', "oil gas prices", "title:oil prices", '"prices oil"~3',
                     "oil NOT gas", "+crude oil", "oil*", "crude OR gold"]:
            q = parse_query(text, full.searcher.reader()).query
            own = Executor(view)
            alone = own.run(q)
            assert alone.score is not None and own.scored_terms
            stats = CollectionStats.of(view, own.scored_terms)
            same = Executor(view, stats=stats).run(q)
            assert np.array_equal(same.mask, alone.mask), text
            assert np.array_equal(same.score, alone.score), text  # type: ignore[arg-type]
            both = Executor(view, stats=stats + CollectionStats.of(other, own.scored_terms))
            scaled = both.run(q)
            expected = Executor(full).run(q)
            assert scaled.score is not None and expected.score is not None
            assert np.array_equal(scaled.mask, alone.mask), text
            by_id = {full.stored(int(d))["id"]: float(expected.score[d])
                     for d in np.flatnonzero(expected.mask)}
            for d in np.flatnonzero(scaled.mask):
                assert scaled.score[d] == pytest.approx(by_id[view.stored(int(d))["id"]],
                                                        rel=1e-12), text
                changed += scaled.score[d] != pytest.approx(alone.score[d], rel=1e-6)
    assert changed > 5  # the larger collection's statistics did change the scores


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sets(st.integers(0, 80)).map(sorted), min_size=1, max_size=3),
       st.sampled_from([np.int32, np.int64]))
def test_union_of_a_words_fields_and_their_places(lists: list[list[int]], dtype: Any) -> None:
    arrays = [np.array(ids, dtype=dtype) for ids in lists]
    ids, places = union(arrays)
    assert list(ids) == sorted(set().union(*lists))
    assert union_size(arrays) == len(set().union(*lists))  # a word's df over its fields
    for array, at in zip(arrays, places, strict=True):
        assert list(ids if at is None else ids[at]) == list(array)


def test_byte_lru_evicts_the_least_recently_used() -> None:
    cache: ByteLRU[np.ndarray] = ByteLRU(300, lambda a: int(a.nbytes))
    loads: list[str] = []

    def load(name: str) -> Any:
        return lambda: (loads.append(name), np.zeros(10))[1]  # 80 bytes

    for name in "abc":
        cache.get(name, load(name))
    cache.get("a", load("a"))  # a is now the most recent
    cache.get("d", load("d"))  # over 300 bytes: b goes
    assert cache.nbytes == 240 and len(cache) == 3
    cache.get("a", load("a"))
    cache.get("b", load("b"))
    assert loads == ["a", "b", "c", "d", "b"]
    cache.get("huge", lambda: np.zeros(1000))  # bigger than the cache: not kept
    assert cache.nbytes <= 300


def test_top_k_breaks_ties_by_document_number() -> None:
    docs = np.array([3, 5, 8, 13, 21, 34])
    scores = np.array([1.0, 2.0, 2.0, 0.5, 2.0, 1.0])
    assert [int(docs[i]) for i in top_by_score(docs, scores, 2)] == [5, 8]
    assert [int(docs[i]) for i in top_by_score(docs, scores, 4)] == [5, 8, 21, 3]
    assert [int(docs[i]) for i in top_by_score(docs, scores, 10)] == [5, 8, 21, 3, 34, 13]
    keys = np.array([7, 9, 9, 1, 9, 0], dtype=np.uint64)
    assert [int(docs[i]) for i in top_by_key(docs, keys, 3, descending=True)] == [5, 8, 21]
    assert [int(docs[i]) for i in top_by_key(docs, keys, 2, descending=False)] == [34, 13]


def test_counts_and_facets_count_live_articles_only(small: Path, tmp_path: Path) -> None:
    """Issue 8 item 10: after every cocoa article is deleted, stats, :tags and
    completion must not count them."""
    with open_index(small) as ix:
        assert ("cocoa", 5) in [(fc.value, fc.count) for fc in ix.stats().top_tags]
        res = ix.search("oil", facets=True, limit=1)
        assert res.facets is not None
        stored = Counter(t for h in ix.search("oil", limit=1000).hits for t in h.tags)
        assert {fc.value: fc.count for fc in res.facets.tags} == dict(stored.most_common(10))
        assert sum(fc.count for fc in res.facets.dates) == sum(
            1 for h in ix.search("oil", limit=1000).hits if h.published)
    (tmp_path / "corpus" / "b.jsonl").unlink()
    build_index([tmp_path / "corpus"], index=small)
    with open_index(small) as ix:
        assert "cocoa" not in [fc.value for fc in ix.stats().top_tags]
        assert ix.keyword_values("tags", "coc") == []
        assert ix.search("tag:cocoa").total == 0
        energy = [fc.count for fc in ix.keyword_values("tags", "ENER")]
        assert energy == [4]


def test_date_filters_and_sorting_use_the_published_column(small: Path) -> None:
    with open_index(small) as ix:
        newest = ix.search("oil", sort="newest", limit=1000)
        dates = [h.published for h in newest.hits]
        dated = [d for d in dates if d is not None]
        assert dated == sorted(dated, reverse=True) and dates[:len(dated)] == dated
        assert all(h.score is None for h in newest.hits)
        within = ix.search("oil", since="2021-01-01", until="2021-12-31", limit=1000)
        assert within.total == sum(1 for d in dated if d.year == 2021) > 0
        assert ix.search("oil date:2021").total == within.total


@pytest.mark.parametrize("text", ['"oil prices" -gas', '"crude oil"~3 OR title:oil',
                                  "+oil pric* tag:energy date:2020", "* oil", "the"])
def test_the_plan_is_plain_picklable_data(small: Path, text: str) -> None:
    """What the engine runs is searcher.plan's frozen nodes (no Whoosh object): equal
    after a pickle round trip (a cluster ships plans to workers) and run the same."""
    with open_index(small) as ix:
        view = ix._engine()
        q = parse_query(text, view.searcher.reader()).query
        nodes = [q]
        while nodes:
            node = nodes.pop()
            assert type(node).__module__ == "searcher.plan", node
            nodes += [v for v in vars(node).values() if type(v).__module__ == "searcher.plan"]
            nodes += [c for v in vars(node).values() if isinstance(v, tuple) for c in v
                      if type(c).__module__ == "searcher.plan"]
        again = pickle.loads(pickle.dumps(q))
        assert again == q and hash(again) == hash(q)
        first, second = Executor(view).run(q), Executor(view).run(again)
        assert np.array_equal(first.mask, second.mask)
        assert first.score is not None and second.score is not None
        assert np.array_equal(first.score, second.score)
        with pytest.raises(TypeError, match="not a query plan node"):
            Executor(view).run(wq.Term("body", "oil"))


def test_compound_segments_are_read_through_the_map(small: Path) -> None:
    """WHOOSH-NOTES 14: no sub-file of a compound segment is copied into a BytesIO."""
    from searcher._whoosh.mapped import MappedFile

    with open_index(small) as ix:
        view = ix._engine()
        assert ix.search("oil").total > 0
        for reader, _o in view.segments:
            for f in (reader._terms._postfile, reader._terms._dbfile):
                assert isinstance(f, MappedFile)
                assert not hasattr(f.file, "getbuffer")  # not a BytesIO


def test_one_shot_json_search_loads_no_terminal_library(small: Path) -> None:
    code = ("import sys; from searcher.cli import main\n"
            "try:\n"
            f"    main(['search', '--json', '--index', {str(small)!r}, 'oil'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(sorted(m for m in ('rich', 'prompt_toolkit', 'searcher.indexer',"
            " 'trafilatura') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert json.loads(out.strip().splitlines()[0])["total"] > 0


def test_explain_breaks_a_score_into_its_clauses_and_terms(small: Path) -> None:
    from searcher.engine.explain import explain_query

    with open_index(small) as ix:
        view = ix._engine()
        q = parse_query("oil prices", view.searcher.reader()).query
        m = Executor(view).run(q)
        assert m.score is not None
        doc = int(np.argmax(m.score))
        tree = explain_query(Executor(view), q, doc)
        assert tree.matched and tree.score == pytest.approx(float(m.score[doc]))
        assert tree.score == pytest.approx(sum(c.score for c in tree.children))
        words = [c for c in tree.children if c.matched]
        assert words and all(dict(w.details)["idf"] > 0 and dict(w.details)["k1"] > 0
                             for w in words)
        assert all(w.children and {f.clause for f in w.children} <= {"title", "body"}
                   for w in words)  # the fields that have the word


def test_only_recurring_leaves_are_kept_during_a_query(small: Path) -> None:
    """Memory per query stays bounded: a wide OR (an expansion) keeps no leaf arrays;
    a word that recurs in the query is computed once and shared."""
    with open_index(small) as ix:
        view = ix._engine()
        wide = AnyOf(tuple(Word(("body",), t) for t in ("oil", "prices", "crude", "gas",
                                                           "gold")))
        ex = Executor(view)
        assert ex.run(wide).total > 0 and not ex._leaves
        ex = Executor(view)
        oil = Word(("title", "body"), "oil")
        price = Word(("title", "body"), "price")
        ex.run(AnyOf((oil, AllOf((oil, price)))))
        assert len(ex._leaves) == 1  # "oil" over title+body, used twice
