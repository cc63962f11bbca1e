"""The refresh flow's task runners: the same release on a Dask cluster as with the default runner, and a number
of task runs that does not grow with the number of input files."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from flows import paths
from flows.bench.corpus import CorpusSpec, write_corpus

AS_OF = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def corpus_raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp("dask-corpus") / "raw"
    write_corpus(CorpusSpec(papers=3, update_rows=900, rows_per_file=100), raw)
    return raw


def _task_runs(state) -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
    return len(runs)


@pytest.mark.prefect
def test_refresh_on_a_local_dask_cluster_gives_the_same_release(prefect_harness, corpus_raw, tmp_path):
    from distributed import LocalCluster

    from flows.refresh import refresh
    from flows.refresh_runners import dask_runner

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        runner, batches = dask_runner(cluster.scheduler_address)
        assert batches == 2
        state = refresh.with_options(task_runner=runner)(raw_dir=corpus_raw, out_dir=tmp_path / "dask", as_of=AS_OF,
                                                         batches=batches, return_state=True)
    on_dask = state.result()
    default = refresh(raw_dir=corpus_raw, out_dir=tmp_path / "default", as_of=AS_OF)
    assert on_dask.published and default.published
    assert on_dask.content_hash == default.content_hash and on_dask.row_counts == default.row_counts
    assert (tmp_path / "dask" / ".cache" / "parse" / "updates").is_dir()    # the workers filled the parse cache


@pytest.mark.prefect
def test_task_runs_do_not_grow_with_the_input_files(prefect_harness, corpus_raw, tmp_path):
    from flows.refresh import refresh

    seed = tmp_path / "seed"
    shutil.copytree(paths.RAW, seed, ignore=shutil.ignore_patterns("updates"))
    one = refresh(raw_dir=seed, out_dir=tmp_path / "a", as_of=AS_OF, return_state=True)
    many = refresh(raw_dir=corpus_raw, out_dir=tmp_path / "b", as_of=AS_OF, return_state=True)
    two_batches = refresh(raw_dir=corpus_raw, out_dir=tmp_path / "c", as_of=AS_OF, batches=2, return_state=True)
    files = len(list(corpus_raw.rglob("*.*")))
    assert files >= 12
    assert _task_runs(one) == _task_runs(many) <= 10
    assert _task_runs(two_batches) == _task_runs(many) + 1
