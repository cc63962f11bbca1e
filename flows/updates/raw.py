"""What reading an update file gives: rows of text cells, or the one problem that stops the file.

Shared by the readers (read.py for .csv and .json, xlsx.py for .xlsx, xls.py for .xls) and every later step of
the intake; the two workbook readers share a cell's text, the merged-cells refusal and a sheet row here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """Why a row or file was rejected: a short snake_case code and a sentence a division can act on."""

    code: str
    message: str


class FileProblem(Problem):
    """A whole file that cannot be read as a table of reports."""


@dataclass(frozen=True)
class RawRow:
    source_row: int                    # spreadsheet row (header = 1) for csv/xlsx; array position (from 1) for json
    cells: dict[str, str]              # column as written → cell as text
    problems: tuple[Problem, ...] = ()  # problems seen while reading (extra cells, not an object, hidden, …)


@dataclass(frozen=True)
class RawTable:
    file_format: str
    header: list[str]
    rows: list[RawRow] = field(default_factory=list)


def blank(cells: list[str]) -> bool:
    """Every cell empty or whitespace. Joined first: one strip per row, not one per cell (a million rows a night)."""
    return not "".join(cells).strip()


def number_text(value: float) -> str:
    """3.0 → '3', 0.25 → '0.25', as a person would write it."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(round(value, 10)) if isinstance(value, float) else str(value)


def one_line(text: str, limit: int = 200) -> str:
    """A library's message made fit for one line of a rejection: whitespace collapsed, at most `limit` characters."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def value_text(value) -> str:
    """A workbook cell's value as the division typed it: a whole-day date as 2014-06-30, a time after it kept,
    true/false, 3.0 as 3."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value)


def merged_cells_problem(sheet: str, shown: list[str], first: tuple[int, int, int, int]) -> FileProblem:
    """The refusal of a sheet with merged cells: shown, the first ranges as A1:E1; first, the top-left range's
    (first row, last row, first column, last column), 1-based. WPS and Excel report forms put a merged title
    (2015年第三季度进展情况表) above the header: such a range is named as a title to delete."""
    min_row, max_row, min_col, max_col = first
    title = " (a title above the table: delete its rows, so that the update header is row 1)" \
        if min_row == max_row == 1 and max_col > min_col else ""
    return FileProblem("merged_cells", f"sheet {sheet!r} has merged cells ({', '.join(shown)}){title}; unmerge them so "
                       "every report has its own row and every cell its own value")


def sheet_row(number: int, header: list[str], values: list[str], sheet: str, hidden: bool) -> RawRow:
    """Row number of a sheet (header = 1) as a RawRow; a hidden row carries the problem that rejects it."""
    problems = (Problem("hidden_rows", f"row {number} is hidden in sheet {sheet!r}; a hidden row is not read as a "
                        "report: unhide it if it is one, or delete it"),) if hidden else ()
    return RawRow(number, {h or f"(column {i + 1})": v for i, (h, v) in enumerate(zip(header, values))}, problems)
