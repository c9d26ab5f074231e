"""A sharded index on a local Dask cluster (everything bound to 127.0.0.1) answers as
one index; a dead worker's shard task runs on another; a missing shard is an error
naming it, or with allow_partial a partial answer that says so."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from searcher import (
    IndexNotFoundError,
    QuerySyntaxError,
    SearcherError,
    ShardUnavailableError,
    open_index,
)
from searcher.cli import main
from searcher.cluster import dask_runner
from searcher.cluster.build import build_sharded
from searcher.cluster.layout import shard_of
from searcher.cluster.merge import made_ahead
from searcher.errors import SchedulerError

from .cluster_oracle import QUERIES, assert_same_answers, assert_same_stories, ranked, tie_key
from .conftest import CLUSTER_SAMPLE, REUTERS_MAP


def _local_cluster(processes: bool) -> LocalCluster:
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                        host="127.0.0.1", protocol="tcp", scheduler_port=0,
                        dashboard_address="127.0.0.1:0")  # its HTTP server: loopback too


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two in-process workers: fast to start, same tasks, same pickling over TCP."""
    with _local_cluster(processes=False) as c:
        yield c


@pytest.fixture(scope="module")
def sharded(reuters_sample: Path, cluster: LocalCluster,
            tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built into 3 shards by the Dask workers."""
    index = tmp_path_factory.mktemp("dask") / "sharded"
    report = build_sharded([reuters_sample], index=index, shards=3, field_map=REUTERS_MAP,
                           scheduler=cluster.scheduler_address)
    assert report.documents == CLUSTER_SAMPLE and report.added == CLUSTER_SAMPLE
    return index


def _listening(pids: list[int]) -> set[str]:
    found = set()
    for pid in pids:
        for c in psutil.Process(pid).net_connections(kind="inet"):
            if c.status == psutil.CONN_LISTEN:
                found.add(c.laddr.ip)
    return found


def test_dask_answers_equal_one_index(sharded: Path, sample_index: Path,
                                      cluster: LocalCluster) -> None:
    with open_index(sample_index) as single, \
            open_index(sharded, scheduler=cluster.scheduler_address) as on_dask:
        assert len(on_dask) == CLUSTER_SAMPLE
        assert_same_answers(single, on_dask)
        some = single.search("coffee", limit=3, collapse=False).hits[2].id
        assert on_dask.get(some) == single.get(some)
        # snippets are made on the workers, from the shard holding the hit
        a = single.search("cocoa exports", limit=3, collapse=False)  # (as shards)
        b = on_dask.search("cocoa exports", limit=3, collapse=False)
        assert [(h.id, h.snippets) for h in b.hits] == [(h.id, h.snippets) for h in a.hits]
    assert _listening([os.getpid()]) == {"127.0.0.1"}


def test_page_one_hits_are_made_per_worker(sharded: Path, sample_index: Path,
                                           cluster: LocalCluster) -> None:
    """On page one each worker makes, in round two, the hits of the best of all its
    shards together (merge.best_hits: its share of the page and some, not each shard's
    share and some): the page comes from them, with one index's hits."""
    with open_index(sample_index) as single, \
            open_index(sharded, scheduler=cluster.scheduler_address) as on_dask:
        made: list[int] = []
        rounds: list[str] = []
        run = on_dask.runner.run  # type: ignore[attr-defined]

        def counted(task: Any, shards: Any, *args: Any, **kwargs: Any) -> Any:
            out = run(task, shards, *args, **kwargs)
            rounds.append(task.__name__)
            if task.__name__ == "answer":
                made.append(sum(len(a.hits) for a in out))
            return out

        on_dask.runner.run = counted  # type: ignore[attr-defined]
        for q in ["oil prices", "coffee OR cocoa", "bank -japan", "gold^2 silver"]:
            a = {h.id: h for h in single.search(q, collapse=False).hits}
            b = on_dask.search(q, collapse=False).hits
            assert [(h.title, h.snippets) for h in b if h.id in a] == \
                [(a[h.id].title, a[h.id].snippets) for h in b if h.id in a]
            assert len([h for h in b if h.id in a]) >= 8, q  # (an order inside a tie)
    # 3 shards on 2 workers (shards 0 and 2 on one): 10 + 7 hits at most, 7 a shard made 21
    assert made and max(made) <= made_ahead(10, 3, 2) + made_ahead(10, 3, 1) == 17
    assert max(made) > 10 and "hits" not in rounds


def test_distributed_build_equals_local_build(reuters_sample: Path, sharded: Path,
                                              tmp_path: Path) -> None:
    local = tmp_path / "local"
    build_sharded([reuters_sample], index=local, shards=3, field_map=REUTERS_MAP)
    with open_index(local) as a, open_index(sharded) as b:
        for q in QUERIES:
            x = a.search(q, limit=50, facets=True, snippets=False)
            y = b.search(q, limit=50, facets=True, snippets=False)
            assert (x.total, x.hits, x.facets) == (y.total, y.hits, y.facets), q
    for n in range(3):
        with open_index(local / "gen-1" / f"shard-{n:03d}") as a, \
                open_index(sharded / "gen-1" / f"shard-{n:03d}") as b:
            assert len(a) == len(b) > 0


def test_a_missing_shard_is_an_error_or_a_partial_answer(sharded: Path, tmp_path: Path,
                                                         cluster: LocalCluster) -> None:
    index = tmp_path / "copy"
    shutil.copytree(sharded, index)
    with open_index(index) as whole:
        full = whole.search("oil", limit=1000, snippets=False, collapse=False)
    others = {h.id for h in full.hits if shard_of(h.id, 3) != 1}
    shutil.rmtree(index / "gen-1" / "shard-001")
    for scheduler in (None, cluster.scheduler_address):
        with open_index(index, scheduler=scheduler) as ix, \
                pytest.raises(ShardUnavailableError) as raised:
            ix.search("oil")
        assert "shard-001" in str(raised.value) and "\n" not in str(raised.value)
        with open_index(index, scheduler=scheduler, allow_partial=True) as ix:
            partial = ix.search("oil", limit=1000, snippets=False, collapse=False)
        assert 0 < partial.total < full.total
        assert partial.notes[-1].startswith("Partial results: from 2 of 3 shards; "
                                            "did not answer: shard-001")
        assert {h.id for h in partial.hits} == others


def test_a_scheduler_that_cannot_be_reached_is_one_line(
        sharded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_runner, "CONNECT_TIMEOUT_S", 1)
    with pytest.raises(SchedulerError) as raised:
        open_index(sharded, scheduler="tcp://127.0.0.1:9")
    assert "tcp://127.0.0.1:9" in str(raised.value) and "\n" not in str(raised.value)


def test_a_worker_killed_during_queries_loses_no_answer(sharded: Path,
                                                        sample_index: Path) -> None:
    """Worker processes this time: one is killed (SIGKILL) while queries run; the
    scheduler runs its tasks on the other worker (and the nanny restarts it)."""
    with _local_cluster(processes=True) as c, Client(c, set_as_default=False) as client:
        pids = client.run(os.getpid)
        children = [p.pid for p in psutil.Process().children(recursive=True)]
        assert set(pids.values()) <= set(children)
        assert _listening([os.getpid(), *children]) == {"127.0.0.1"}
        victim = pids[sorted(pids)[0]]
        with open_index(sample_index) as single, \
                open_index(sharded, scheduler=c.scheduler_address) as on_dask:
            expected = [single.search(q, snippets=False, limit=1000, collapse=False)
                        for q in QUERIES * 3]
            on_dask.search("warm up")
            killer = threading.Timer(0.05, os.kill, (victim, signal.SIGKILL))
            killer.start()
            got = [on_dask.search(q, snippets=False, collapse=False) for q in QUERIES * 3]
            killer.join()
        assert not psutil.pid_exists(victim) or \
            psutil.Process(victim).status() == psutil.STATUS_ZOMBIE
        for a, b in zip(expected, got, strict=True):
            assert b.total == a.total, a.query
            assert not any(n.startswith("Partial") for n in b.notes), a.query
            assert [i for _s, i in sorted(ranked(b), key=tie_key)] == \
                [i for _s, i in sorted(ranked(a), key=tie_key)[:len(b.hits)]], a.query


@pytest.mark.parametrize("error", [
    IndexNotFoundError("/x"), QuerySyntaxError("unexpected )", "a )", 2, "remove it"),
    ShardUnavailableError("/x", "shard-001", "gone"), SchedulerError("tcp://h:1", "no")])
def test_errors_cross_processes_unchanged(error: SearcherError) -> None:
    """A worker's error reaches the coordinator pickled: same class, message, fields."""
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error)
    assert vars(again) == vars(error)


def test_cli_builds_on_the_cluster(cluster: LocalCluster, tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(8):
        (corpus / f"{i}.txt").write_text(f"Oil story {i}\n\nCrude oil rose {i} pct.\n")
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(corpus), "--index", str(tmp_path / "ix"),
                                  "--shards", "2", "--json"],
                           env={"SEARCHER_SCHEDULER": cluster.scheduler_address})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 8
    plain = runner.invoke(main, ["build", str(corpus), "--index", str(tmp_path / "one"),
                                 "--scheduler", cluster.scheduler_address])
    assert plain.exit_code == 2
    assert plain.stderr == "searcher: --scheduler builds a sharded index: add --shards N\n"


def test_stories_collapse_across_shards_on_dask(sharded: Path, sample_index: Path,
                                                cluster: LocalCluster) -> None:
    with open_index(sample_index) as single, \
            open_index(sharded, scheduler=cluster.scheduler_address) as on_dask:
        for q in ("oil prices", "cocoa", "tags:earn"):
            assert_same_stories(single, on_dask, q)
