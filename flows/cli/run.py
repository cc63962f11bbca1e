"""`whitepaper refresh`, `serve` and `bench`: the flow run once, nightly, or measured."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from flows import paths
from flows.cli.common import (PREFECT_START_TIMEOUT_S, app, fail, keep_going_without_a_reader, parse_date, quiet_prefect_env,
                               today_in_shanghai)


def _silence_run_logs() -> None:
    """Prefect logs a failed task with its traceback; the command reports the failure itself, in one paragraph."""
    import logging

    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@app.command()
def refresh(
    raw: Path = typer.Option(paths.RAW, "--raw", help="Folder with whitepapers/ and updates/."),
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder receiving releases/ and latest."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date the summaries are computed for (YYYY-MM-DD); default today in Asia/Shanghai."),
    wait: float = typer.Option(0, "--wait", help="Seconds to wait for another refresh that is publishing; 0 exits at once."),
    allow_breaking: bool = typer.Option(False, "--allow-breaking", help="Publish even if a table or column of the latest release is removed, renamed, retyped or redefined (its meaning changed): a new major version."),
    strict: bool = typer.Option(False, "--strict", help="Fail the run on the first white paper that cannot be parsed, instead of quarantining it (document_rejections) and carrying its previous release forward."),
    verbose: bool = typer.Option(False, "--verbose", help="Show Prefect's own logs, tracebacks included."),
    task_runner: str = typer.Option("default", "--task-runner", help="Where the parse work runs: default (in this process) or dask."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="Scheduler of a running Dask cluster, e.g. tcp://10.0.0.5:8786; with --task-runner dask and no address a local cluster of 2 workers is started."),
    prefect_start_timeout: Optional[int] = typer.Option(None, "--prefect-start-timeout", help=f"Seconds to wait for Prefect's temporary server (no PREFECT_API_URL); default {PREFECT_START_TIMEOUT_S}, or PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS."),
) -> None:
    """Run the Prefect flow `refresh`: parse, validate and publish a release into curated/.

    Works with no Prefect server (a temporary local one is started). A run that fails leaves the
    last release untouched and exits 1; so does one that would remove or retype a published column,
    unless --allow-breaking. A white paper that cannot be parsed is quarantined and its previous release carried
    forward (--strict fails instead); with no paper left the run fails. Files unchanged since the last run are not parsed again (curated/.cache/),
    and a run with nothing new stops after hashing the inputs. --task-runner dask parses on a Dask cluster.
    Example: whitepaper refresh --as-of 2014-12-31 --task-runner dask
    """
    keep_going_without_a_reader()
    quiet_prefect_env()
    if prefect_start_timeout is not None:
        os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = str(prefect_start_timeout)
    as_of_date = parse_date(as_of or today_in_shanghai(), "--as-of")
    typer.echo(f"refresh {raw} → {out} (as of {as_of_date})")
    if task_runner != "default" and task_runner != "dask" or (dask_address and task_runner != "dask"):
        fail(f"--task-runner {task_runner!r}{' with --dask-address' if dask_address else ''}: expected default, or dask "
              "(optionally with --dask-address tcp://HOST:PORT)", code=2)
    from flows.release.lock import ReleaseLockBusy, hold_for_process
    from flows.status import note_refused, write_status

    try:
        # The lock first: a run that will be refused is refused before Prefect starts or anything is read.
        with hold_for_process(out, wait):
            _run_locked(raw, out, as_of_date, wait, allow_breaking, verbose, task_runner, dask_address, strict)
    except ReleaseLockBusy as err:
        try:
            note_refused(out, str(err), as_of=as_of_date)
        except OSError:
            pass
        fail(f"refresh refused: {err}. Nothing was read or published; --wait SECONDS waits for it instead.")
    except OSError as err:   # the output folder cannot be created or locked (read-only, full, not a folder)
        message = f"refresh failed: {out} cannot be used as the output folder ({err}); nothing was published"
        try:
            write_status(out, "failed", reason=message, as_of=as_of_date)
        except OSError as status_err:
            message += f", and {out / 'status.json'} could not be written either ({status_err})"
        fail(message + ".")


def _run_locked(raw: Path, out: Path, as_of_date, wait: float, allow_breaking: bool, verbose: bool, task_runner: str,
                dask_address: Optional[str], strict: bool = False) -> None:
    import datetime as dt

    from flows.refresh import refresh as refresh_flow
    from flows.run_report import explain_failure, summary_lines
    from flows.status import read_status, write_status

    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    try:   # "running" before Prefect starts, so a start-up that hangs or is killed is visible too
        write_status(out, "running", as_of=as_of_date, started=started)
    except OSError as err:
        typer.echo(f"warning: {out / 'status.json'} cannot be written ({err}); monitors will not see this run", err=True)
    if not os.environ.get("PREFECT_API_URL"):
        from flows.watchdog import guard_children

        guard_children()   # Prefect's temporary server ends with this command, even on SIGKILL
    if not verbose:
        _silence_run_logs()
    batches = 1
    if task_runner == "dask":
        from flows.refresh_runners import dask_runner

        runner, batches = dask_runner(dask_address)
        refresh_flow = refresh_flow.with_options(task_runner=runner)
    try:
        result = refresh_flow(raw_dir=raw, out_dir=out, as_of=as_of_date, lock_timeout=wait, allow_breaking=allow_breaking,
                              batches=batches, strict=strict)
    except Exception as err:  # noqa: BLE001 - every failure becomes one readable paragraph and exit 1
        message = explain_failure(err)
        status = read_status(out) or {}
        if status.get("outcome") == "running" and status.get("pid") == os.getpid():   # the flow never recorded its end
            try:
                write_status(out, "failed", reason=message, as_of=as_of_date, started=started)
            except OSError as status_err:
                message += f"\n{out / 'status.json'} could not be written either ({status_err})."
        fail(message)
    for line in summary_lines(result, out):
        typer.echo(line)


@app.command()
def serve(
    raw: Path = typer.Option(paths.RAW, "--raw", help="Folder with whitepapers/ and updates/."),
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder receiving releases/ and latest."),
    timeout: int = typer.Option(3600, "--timeout", help="Seconds after which a hanging run is ended."),
    retries: int = typer.Option(2, "--retries", help="Times a failed run is retried (2 minutes apart)."),
) -> None:
    """Serve the `refresh` flow as the deployment `nightly-refresh`, daily at 02:00 Asia/Shanghai.

    Needs a running Prefect server named by PREFECT_API_URL (see the README's operations section).
    Example: PREFECT_API_URL=http://127.0.0.1:4200/api whitepaper serve
    """
    quiet_prefect_env()
    if not os.environ.get("PREFECT_API_URL"):
        fail("PREFECT_API_URL is not set; start `prefect server start` and export "
              "PREFECT_API_URL=http://127.0.0.1:4200/api first", code=2)
    from flows.serve import serve_nightly

    serve_nightly(raw, out, timeout_s=timeout, retries=retries)


@app.command()
def bench(
    sizes: str = typer.Option("0.01,0.1,1", "--sizes", help="Shares of the full corpus (1,000 white papers, 1,000,000 update rows), comma-separated."),
    out: Path = typer.Option(Path("bench-results"), "--out", help="Folder for results.json and results.md (corpora and releases go to OUT/work/)."),
    corpora: str = typer.Option("csv,mixed", "--corpora", help="Corpus kinds, comma-separated: csv (UTF-8 CSV files, the speed targets' corpus), mixed (CSV, XLSX and JSON as divisions send them)."),
) -> None:
    """Benchmark the refresh on synthetic corpora: wall time, CPU time and peak memory per stage and in all.

    Writes a corpus per size and kind, then times the DuckDB floor (the same rows as CSV), each pipeline stage,
    the full refresh, a night with nothing new (also as a flow run on a Prefect server started for the purpose),
    one new update file, and every summary view and macro. Both kinds at full size take about 16 minutes on
    2 cores. Not run by the tests.
    Example: whitepaper bench --sizes 0.01,0.1 --out bench-results/
    """
    quiet_prefect_env()
    try:
        shares = [float(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        fail(f"--sizes {sizes!r}: expected numbers separated by commas, e.g. 0.01,0.1,1", code=2)
    from flows.bench.corpus import CORPORA
    from flows.bench.suite import results_table, run_bench

    kinds = tuple(k.strip() for k in corpora.split(",") if k.strip())
    if not kinds or set(kinds) - set(CORPORA):
        fail(f"--corpora {corpora!r}: expected some of {', '.join(CORPORA)}, comma-separated", code=2)
    results = run_bench(shares, out, kinds=kinds)
    typer.echo(results_table(results))
    typer.echo(f"\n{out / 'results.json'}")
