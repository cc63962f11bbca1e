"""`whitepaper parse`: one white paper's tables as CSV, without publishing."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from flows.cli.common import app, fail


@app.command()
def parse(
    path: Path = typer.Argument(..., help="White paper text file (UTF-8, UTF-8 with BOM or GB18030)."),
    out: Path = typer.Option(..., "--out", help="Folder to write one <table>.csv per table into."),
    document_id: Optional[str] = typer.Option(None, help="Document id; defaults to the file stem."),
) -> None:
    """Parse one white paper and write its tables as CSV, without publishing anything.

    Example: whitepaper parse raw/whitepapers/szsti-2014.txt --out /tmp/szsti
    """
    from flows.tables.validate import TableValidationError
    from flows.whitepaper.parse import (
        WhitepaperError,
        read_whitepaper,
        write_tables_csv,
    )

    try:
        parsed = read_whitepaper(path, document_id=document_id)
    except (WhitepaperError, TableValidationError, OSError) as err:
        fail(str(err))
    written = write_tables_csv(parsed.tables, out)
    for name, rows in written.items():
        typer.echo(f"{rows:>6}  {out / (name + '.csv')}")
