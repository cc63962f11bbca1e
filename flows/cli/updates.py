"""`whitepaper check` and `template`: a division's progress-update file before it is sent."""

from __future__ import annotations

import dataclasses

from pathlib import Path
from typing import Optional

import typer

from flows import paths
from flows.cli.common import app, fail, parse_date, today_in_shanghai


def _paper_tables(document: str, raw: Path) -> dict:
    """The tables of the paper of raw/whitepapers/ whose document id is document, in any form the refresh reads
    (.txt, .html/.htm, .docx; the id from its sidecar, else its file name), parsed with the lookups under raw (or
    the repository's)."""
    from flows.tables.validate import TableValidationError
    from flows.whitepaper.forms import find_paper_files
    from flows.whitepaper.lookups import load_lookups
    from flows.whitepaper.parse import WhitepaperError, read_whitepaper
    from flows.whitepaper.sidecar import document_id_for

    ids = {}
    for paper in (find_paper_files(raw / "whitepapers")[0] if (raw / "whitepapers").is_dir() else []):
        try:
            ids.setdefault(document_id_for(paper), paper)
        except WhitepaperError:
            continue   # a sidecar that names no id: the refresh says so; it is no paper to check against
    if document not in ids:
        fail(f"{raw / 'whitepapers'}: no white paper {document!r}; --document must be one of: "
             f"{', '.join(sorted(ids)) or 'none'}", code=2)
    lookups = load_lookups(raw / "lookups") if (raw / "lookups" / "departments.csv").exists() else load_lookups()
    try:
        return read_whitepaper(ids[document], lookups=lookups).tables
    except (WhitepaperError, TableValidationError, OSError) as err:
        fail(str(err))


@app.command()
def check(
    file: Path = typer.Argument(..., help="Progress-update file: .csv (UTF-8 or GB18030), .xlsx, .xls or .json; or a progress "
                                "report (进展情况) as page text (.txt), web page (.html/.htm) or Word (.docx)."),
    document: str = typer.Option(..., "--document", help="White paper the updates are for, e.g. szsti-2014."),
    raw: Path = typer.Option(paths.RAW, "--raw", help="Folder with whitepapers/ (and lookups/)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Reports dated after this are in the future (YYYY-MM-DD); default today in Asia/Shanghai."),
) -> None:
    """Check one progress-update file against its white paper, without publishing anything.

    Prints every rejected row as FILE:row N: reasons, then a count; exits 1 when any row (or the
    file) is rejected. For a progress report it first prints what each accepted item became (task, how it
    matched, quarter, division, date, status, its characters in the report). Example: whitepaper check
    q2.xlsx --document szsti-2014
    """
    from flows.updates.ingest import ingest_updates, rejection_lines

    as_of_date = parse_date(as_of or today_in_shanghai(), "--as-of")
    if not file.is_file():
        fail(f"{file}: no such file", code=2)
    tables = _paper_tables(document, raw)
    lookups = raw / "lookups" if (raw / "lookups" / "statuses.csv").exists() else paths.LOOKUPS
    ingest = ingest_updates([file], tables, as_of_date, root=Path.cwd(), document_id=document, lookups=lookups)
    from flows.updates.reports.outcome import item_lines

    names = dict(zip(tables["departments"]["department_id"], tables["departments"]["name_zh"]))
    others = dataclasses.replace(ingest, rejections=ingest.rejections[ingest.rejections["report_id"].isna()])
    for line in item_lines(ingest.updates, ingest.rejections, ingest.sources, names) + rejection_lines(others):
        typer.echo(line)
    if len(ingest.rejections):
        raise typer.Exit(1)


@app.command()
def template(
    document: str = typer.Argument(..., help="White paper id, e.g. szsti-2014."),
    out: Path = typer.Option(..., "--out", help="File to write: .xlsx or .csv."),
    raw: Path = typer.Option(paths.RAW, "--raw", help="Folder with whitepapers/ (and lookups/)."),
) -> None:
    """Write a ready-to-fill progress-update sheet: each milestone with text × its divisions, Chinese headers.

    Example: whitepaper template szsti-2014 --out szsti-2014-updates.xlsx
    """
    from flows.updates.template import write_template

    if out.suffix.lower() not in (".xlsx", ".csv"):
        fail(f"{out}: --out must end in .xlsx or .csv", code=2)
    rows = write_template(_paper_tables(document, raw), document, out)
    typer.echo(f"{rows:>6}  {out}")
