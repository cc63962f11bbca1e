"""The task runners `whitepaper refresh` can run the parse batches on: Prefect's default, or a Dask cluster.

With Dask the parse work (white papers and update files, in one batch per worker) runs on the cluster's
workers through prefect-dask's DaskTaskRunner; every other stage stays in the flow's process. Workers read
the input files and write the parse cache by the paths the flow gives them, so a remote cluster needs the
same folders mounted at the same paths.
"""

from __future__ import annotations

LOCAL_WORKERS = 2


def dask_runner(address: str | None = None, workers: int = LOCAL_WORKERS):
    """(DaskTaskRunner, batches): on the cluster at address, or on a new LocalCluster of `workers` processes on
    127.0.0.1; one parse batch per worker."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address), max(1, cluster_workers(address))
    runner = DaskTaskRunner(cluster_class="distributed.LocalCluster",
                            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                            "host": "127.0.0.1", "dashboard_address": None})
    return runner, workers


def cluster_workers(address: str) -> int:
    """How many workers the scheduler at address has now."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        return len(client.scheduler_info(n_workers=-1)["workers"])
