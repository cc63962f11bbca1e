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


@app.command()
def refresh(
    raw: Path = typer.Option(paths.RAW, "--raw", help="Folder with whitepapers/ and updates/."),
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder receiving releases/ and latest."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date the summaries are computed for (YYYY-MM-DD); default today in Asia/Shanghai."),
    wait: float = typer.Option(0, "--wait", help="Seconds to wait for another refresh that is publishing; 0 exits at once."),
) -> None:
    """Run the Prefect flow `refresh`: parse, validate and publish a release into curated/.

    Works with no Prefect server (a temporary local one is started). A run that fails leaves the
    last release untouched and exits 1. Example: whitepaper refresh --as-of 2014-12-31
    """
    quiet_prefect_env()
    as_of_date = _parse_date(as_of or _today_in_shanghai(), "--as-of")
    typer.echo(f"refresh {raw} → {out} (as of {as_of_date})")
    from flows.refresh import refresh as refresh_flow
    from flows.run_report import explain_failure, summary_lines

    try:
        result = refresh_flow(raw_dir=raw, out_dir=out, as_of=as_of_date, lock_timeout=wait)
    except Exception as err:  # noqa: BLE001 - every failure becomes one readable paragraph and exit 1
        _fail(explain_failure(err))
    for line in summary_lines(result, out):
        typer.echo(line)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
