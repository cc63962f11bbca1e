"""The `whitepaper` command. Each command's help is its docstring; heavy imports happen inside commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from flows import paths

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])


@app.callback()
def _group() -> None:
    """Shenzhen public-service white papers (公共服务白皮书) as validated, traceable open data."""


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def quiet_prefect_env() -> None:
    """Defaults for running Prefect unattended: no telemetry, quiet logs, a Prefect home we chose.

    Set before prefect is imported; anything the user already set wins.
    """
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_HOME", str(paths.REPO / ".prefect"))


@app.command()
def parse(
    path: Path = typer.Argument(..., help="White paper text file (UTF-8, UTF-8 with BOM or GB18030)."),
    out: Path = typer.Option(..., "--out", help="Folder to write one <table>.csv per table into."),
    document_id: Optional[str] = typer.Option(None, help="Document id; defaults to the file stem."),
) -> None:
    """Parse one white paper and write its tables as CSV, without publishing anything.

    Example: whitepaper parse raw/whitepapers/szsti-2014.txt --out /tmp/szsti
    """
    from flows.whitepaper import WhitepaperError, read_whitepaper, write_tables_csv
    from flows.validate import TableValidationError

    try:
        parsed = read_whitepaper(path, document_id=document_id)
    except (WhitepaperError, TableValidationError, OSError) as err:
        _fail(str(err))
    written = write_tables_csv(parsed.tables, out)
    for name, rows in written.items():
        typer.echo(f"{rows:>6}  {out / (name + '.csv')}")


def _today_in_shanghai() -> str:
    from zoneinfo import ZoneInfo
    import datetime as dt

    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def _parse_date(value: str, option: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} {value!r} is not a date; expected YYYY-MM-DD, e.g. 2014-12-31", code=2)


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
    allow_breaking: bool = typer.Option(False, "--allow-breaking", help="Publish even if a table or column of the latest release is removed, renamed or retyped (a new major version)."),
    verbose: bool = typer.Option(False, "--verbose", help="Show Prefect's own logs, tracebacks included."),
    task_runner: str = typer.Option("default", "--task-runner", help="Where the parse work runs: default (in this process) or dask."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="Scheduler of a running Dask cluster, e.g. tcp://10.0.0.5:8786; with --task-runner dask and no address a local cluster of 2 workers is started."),
) -> None:
    """Run the Prefect flow `refresh`: parse, validate and publish a release into curated/.

    Works with no Prefect server (a temporary local one is started). A run that fails leaves the
    last release untouched and exits 1; so does one that would remove or retype a published column,
    unless --allow-breaking. Files unchanged since the last run are not parsed again (curated/.cache/),
    and a run with nothing new stops after hashing the inputs. --task-runner dask parses on a Dask cluster.
    Example: whitepaper refresh --as-of 2014-12-31 --task-runner dask
    """
    quiet_prefect_env()
    as_of_date = _parse_date(as_of or _today_in_shanghai(), "--as-of")
    typer.echo(f"refresh {raw} → {out} (as of {as_of_date})")
    from flows.refresh import refresh as refresh_flow
    from flows.run_report import explain_failure, summary_lines

    if not verbose:
        _silence_run_logs()

    batches = 1
    if task_runner == "dask":
        from flows.refresh_runners import dask_runner

        runner, batches = dask_runner(dask_address)
        refresh_flow = refresh_flow.with_options(task_runner=runner)
    elif task_runner != "default" or dask_address:
        _fail(f"--task-runner {task_runner!r}{' with --dask-address' if dask_address else ''}: expected default, or dask "
              "(optionally with --dask-address tcp://HOST:PORT)", code=2)
    try:
        result = refresh_flow(raw_dir=raw, out_dir=out, as_of=as_of_date, lock_timeout=wait, allow_breaking=allow_breaking,
                              batches=batches)
    except Exception as err:  # noqa: BLE001 - every failure becomes one readable paragraph and exit 1
        _fail(explain_failure(err))
    for line in summary_lines(result, out):
        typer.echo(line)


def _paper_tables(document: str, raw: Path) -> dict:
    """The tables of raw/whitepapers/<document>.txt, parsed with the lookups under raw (or the repository's)."""
    from flows.lookups import load_lookups
    from flows.validate import TableValidationError
    from flows.whitepaper import WhitepaperError, read_whitepaper

    path = raw / "whitepapers" / f"{document}.txt"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in (raw / "whitepapers").glob("*.txt"))) or "none"
        _fail(f"{path}: no such white paper; --document must be one of: {known}", code=2)
    lookups = load_lookups(raw / "lookups") if (raw / "lookups" / "departments.csv").exists() else load_lookups()
    try:
        return read_whitepaper(path, lookups=lookups).tables
    except (WhitepaperError, TableValidationError, OSError) as err:
        _fail(str(err))


@app.command()
def check(
    file: Path = typer.Argument(..., help="Progress-update file: .csv (UTF-8 or GB18030), .xlsx or .json."),
    document: str = typer.Option(..., "--document", help="White paper the updates are for, e.g. szsti-2014."),
    raw: Path = typer.Option(paths.RAW, "--raw", help="Folder with whitepapers/ (and lookups/)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Reports dated after this are in the future (YYYY-MM-DD); default today in Asia/Shanghai."),
) -> None:
    """Check one progress-update file against its white paper, without publishing anything.

    Prints every rejected row as FILE:row N: reasons, then a count; exits 1 when any row (or the
    file) is rejected. Example: whitepaper check q2.xlsx --document szsti-2014
    """
    from flows.updates import ingest_updates, rejection_lines

    as_of_date = _parse_date(as_of or _today_in_shanghai(), "--as-of")
    if not file.is_file():
        _fail(f"{file}: no such file", code=2)
    tables = _paper_tables(document, raw)
    lookups = raw / "lookups" if (raw / "lookups" / "statuses.csv").exists() else paths.LOOKUPS
    ingest = ingest_updates([file], tables, as_of_date, root=Path.cwd(), document_id=document, lookups=lookups)
    for line in rejection_lines(ingest):
        typer.echo(line)
    if len(ingest.rejections):
        raise typer.Exit(1)


@app.command()
def template(
    document: str = typer.Argument(..., help="White paper id, e.g. szsti-2014."),
    out: Path = typer.Option(..., "--out", help="File to write: .xlsx or .csv."),
    raw: Path = typer.Option(paths.RAW, "--raw", help="Folder with whitepapers/ (and lookups/)."),
) -> None:
    """Write a ready-to-fill progress-update sheet: every milestone with its responsible divisions, Chinese headers.

    Example: whitepaper template szsti-2014 --out szsti-2014-updates.xlsx
    """
    from flows.update_template import write_template

    if out.suffix.lower() not in (".xlsx", ".csv"):
        _fail(f"{out}: --out must end in .xlsx or .csv", code=2)
    rows = write_template(_paper_tables(document, raw), document, out)
    typer.echo(f"{rows:>6}  {out}")


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
        _fail("PREFECT_API_URL is not set; start `prefect server start` and export "
              "PREFECT_API_URL=http://127.0.0.1:4200/api first", code=2)
    from flows.serve import serve_nightly

    serve_nightly(raw, out, timeout_s=timeout, retries=retries)


@app.command()
def history(
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder holding releases/ and latest."),
    as_json: bool = typer.Option(False, "--json", help="Print releases.json as written on publish instead."),
) -> None:
    """List every release kept, newest first: created, as-of date, version, rows, previous release, changes.

    Read from the releases' own manifest.json files, so it is right even where releases.json is not.
    Example: whitepaper history --out curated
    """
    import json

    from flows.history import history_lines, release_history

    found = release_history(out)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for line in history_lines(found):
        typer.echo(line)


@app.command()
def diff(
    old: str = typer.Argument(..., help="Earlier release: its id, a unique prefix of it, or latest."),
    new: str = typer.Argument(..., help="Later release: its id, a unique prefix of it, or latest."),
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder holding releases/ and latest."),
) -> None:
    """Print what changed from release OLD to release NEW, as a release's changes table lists it.

    First a summary, then one line per change: + added, - removed, ~ changed.

    Example: whitepaper diff 2014-10-01-31cce7e1 latest
    """
    from flows.change_summary import change_lines, summarize_changes
    from flows.changes import diff_releases
    from flows.history import resolve_release

    try:
        old_dir, new_dir = resolve_release(out, old), resolve_release(out, new)
    except ValueError as err:
        _fail(str(err), code=2)
    changes = diff_releases(old_dir, new_dir)
    typer.echo(f"{old_dir.name} → {new_dir.name}: {summarize_changes(changes, has_previous=True)}")
    for line in change_lines(changes):
        typer.echo(line)


@app.command()
def prune(
    keep: int = typer.Option(..., "--keep", min=1, help="How many of the most recent releases to keep."),
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder holding releases/ and latest."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only print what would be removed."),
) -> None:
    """Remove all but the KEEP most recent releases, never latest nor the release before it.

    "The release before it" is the previous_release latest's manifest names, the one its changes
    are against; no other link is followed. Rewrites releases.json.

    Example: whitepaper prune --keep 10 --out curated
    """
    from flows.prune import prune_releases
    from flows.release_lock import ReleaseLockBusy

    try:
        plan = prune_releases(out, keep, dry_run=dry_run)
    except (ReleaseLockBusy, ValueError, OSError) as err:
        _fail(str(err))
    removed, kept = ("would remove", "would keep") if dry_run else ("removed", "kept")
    for release_id in plan.removed:
        typer.echo(f"{removed} {release_id}")
    for release_id in plan.skipped:
        typer.echo(f"left alone {release_id}: no readable manifest.json")
    typer.echo(f"{removed} {len(plan.removed)}, {kept} {len(plan.kept)}")


@app.command()
def bench(
    sizes: str = typer.Option("0.01,0.1,1", "--sizes", help="Shares of the full corpus (1,000 white papers, 1,000,000 update rows), comma-separated."),
    out: Path = typer.Option(Path("bench-results"), "--out", help="Folder for results.json and results.md (corpora and releases go to OUT/work/)."),
) -> None:
    """Benchmark the refresh on synthetic corpora: wall time, CPU time and peak memory per stage and in all.

    Writes a corpus per size, then times the DuckDB floor, each pipeline stage, the full refresh, a night with
    nothing new (also as a flow run on a Prefect server started for the purpose), one new update file, and
    every summary view and macro. The full size takes about half an hour on 2 cores. Not run by the tests.
    Example: whitepaper bench --sizes 0.01,0.1 --out bench-results/
    """
    quiet_prefect_env()
    try:
        shares = [float(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        _fail(f"--sizes {sizes!r}: expected numbers separated by commas, e.g. 0.01,0.1,1", code=2)
    from flows.bench import results_table, run_bench

    results = run_bench(shares, out)
    typer.echo(results_table(results))
    typer.echo(f"\n{out / 'results.json'}")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
