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


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
