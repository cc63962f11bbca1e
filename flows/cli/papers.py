"""`whitepaper parse`: one white paper's tables as CSV, without publishing."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from flows.cli.common import app, fail


@app.command()
def parse(
    path: Path = typer.Argument(..., help="White paper: page text (.txt: UTF-8, UTF-8 with BOM or GBK/GB18030), "
                                "the web page (.html/.htm) or Word (.docx)."),
    out: Path = typer.Option(..., "--out", help="Folder to write one <table>.csv per table into."),
    document_id: Optional[str] = typer.Option(None, help="Document id; defaults to the sidecar's document_id, "
                                              "else the file name made into an id (SZSTI_2014.docx → szsti-2014)."),
) -> None:
    """Parse one white paper in any accepted form and write its tables as CSV, without publishing anything.

    Example: whitepaper parse raw/whitepapers/szsti-2014.txt --out /tmp/szsti
    """
    from flows.tables.validate import TableValidationError
    from flows.whitepaper.forms import FORM_NAMES
    from flows.whitepaper.parse import (
        WhitepaperError,
        read_whitepaper,
        write_tables_csv,
    )
    from flows.whitepaper.text import SourceError

    try:
        parsed = read_whitepaper(path, document_id=document_id)
    except (WhitepaperError, SourceError, TableValidationError, OSError) as err:
        fail(str(err))
    doc = parsed.tables["documents"].iloc[0]
    typer.echo(f"read {path} as {FORM_NAMES[parsed.form]}, {parsed.encoding}: document {parsed.document_id}, "
               f"{len(parsed.text)} characters of canonical text")
    skipped = parsed.tables["quality_notes"].query("flag == 'site_chrome'")
    if len(skipped):
        typer.echo(f"skipped the web page's chrome ({len(skipped)} quality note(s), flag site_chrome); "
                   f"publisher {doc.publisher_zh or '(none)'}, published {doc.published_date or '(no date)'}")
    written = write_tables_csv(parsed.tables, out)
    for name, rows in written.items():
        typer.echo(f"{rows:>6}  {out / (name + '.csv')}")
