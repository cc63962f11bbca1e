"""A small SQL shell on a release's whitepaper.duckdb, opened read-only (`whitepaper sql`).

Why not the `duckdb` command: the pip package `duckdb-cli` (1.5) cannot read a file written by DuckDB 2.0
("Trying to read a database file with version number 69, but we can only read versions between 64 and 68"),
and the `duckdb` Python package has no shell. This one runs statements with the same DuckDB that wrote the
file and prints results as boxed tables, as the DuckDB shell does.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import TextIO

import duckdb

PROMPT, CONTINUE = "D ", "· "
HELP = """Statements end with ';'. The database is read-only: SELECT, DESCRIBE, SHOW, SUMMARIZE, the views and macros.
.tables              list tables and views, with their comments
.help                this text
.quit  .exit         leave (or Ctrl-D)"""


class ShellError(Exception):
    """A statement failed; the message is DuckDB's, prefixed with the statement's first line."""


def connect_readonly(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; FileNotFoundError naming the file when there is none."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"{db_path}: no such database; run `whitepaper refresh` first or pass --out")
    return duckdb.connect(str(db_path), read_only=True)


def render(con: duckdb.DuckDBPyConnection, sql: str, max_rows: int = 10_000) -> str:
    """Every statement of sql run in order; the boxed table of each result, as text. ShellError on the first failure."""
    out = io.StringIO()
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as err:
        raise ShellError(str(err)) from None
    for statement in statements:
        try:
            relation = con.sql(statement.query)
        except duckdb.Error as err:
            first = statement.query.strip().splitlines()[0] if statement.query.strip() else ""
            raise ShellError(f"{first[:80]}: {err}") from None
        if relation is not None:
            with contextlib.redirect_stdout(out):  # show() prints; a large width keeps every column
                relation.show(max_width=100_000, max_rows=max_rows, max_col_width=200)
    return out.getvalue()


def dot_command(con: duckdb.DuckDBPyConnection, line: str) -> str | None:
    """The output of a .command, or None for .quit/.exit; ShellError for one it does not know."""
    word = line.split()[0]
    if word in (".quit", ".exit"):
        return None
    if word == ".help":
        return HELP + "\n"
    if word == ".tables":
        return render(con, "SELECT table_name AS name, 'table' AS kind, left(comment, 100) AS comment FROM duckdb_tables() "
                           "UNION ALL SELECT view_name, 'view', left(comment, 100) FROM duckdb_views() WHERE NOT internal "
                           "ORDER BY kind, name;")
    raise ShellError(f"{word}: unknown command; try .help")


def run_script(con: duckdb.DuckDBPyConnection, script: str, out: TextIO) -> None:
    """Run SQL (and .commands on lines of their own) from a script; ShellError at the first failure."""
    pending: list[str] = []
    for line in script.splitlines():
        if line.lstrip().startswith("."):
            if "\n".join(pending).strip():  # the statements before it run first, in order
                out.write(render(con, "\n".join(pending)))
            pending = []
            result = dot_command(con, line.strip())
            if result is None:
                return
            out.write(result)
            continue
        pending.append(line)
    if "\n".join(pending).strip():
        out.write(render(con, "\n".join(pending)))


def interactive(con: duckdb.DuckDBPyConnection, out: TextIO, err: TextIO, read=input) -> None:
    """Prompt for statements until .quit or end of input; a failing statement prints its error and the shell goes on."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - line editing and history for input()
    err.write("DuckDB shell on the release, read-only. Statements end with ';'. .help for commands, .quit to leave.\n")
    pending: list[str] = []
    while True:
        try:
            line = read(CONTINUE if pending else PROMPT)
        except EOFError:
            out.write("\n")
            return
        except KeyboardInterrupt:
            pending = []
            out.write("\n")
            continue
        if not pending and line.lstrip().startswith("."):
            try:
                result = dot_command(con, line.strip())
            except ShellError as error:
                err.write(f"Error: {error}\n")
                continue
            if result is None:
                return
            out.write(result)
            continue
        pending.append(line)
        if line.rstrip().endswith(";"):
            try:
                out.write(render(con, "\n".join(pending)))
            except ShellError as error:
                err.write(f"Error: {error}\n")
            pending = []
