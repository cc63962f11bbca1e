"""Read an old-style Excel workbook (.xls, BIFF8: Excel 97–2003, and what WPS saves as .xls) into text cells.

Divisions' office machines still save .xls by default. The same rules as an .xlsx (flows/updates/xlsx.py): the
first sheet, visible, header in row 1, no merged cells, a hidden row read as a rejected row, dates and percents as
the division typed them. A formula in .xls is read as the value Excel last computed and saved with it (the file
holds it; an .xlsx written by other programs often does not, hence its refusal there). xlrd reads the file, which
the size cap of flows/updates/limits.py has bounded already; the sheet's cells are checked against MAX_CELLS
before they are turned into text.
"""

from __future__ import annotations

import io

import xlrd
from xlrd.biffh import XLRDError

from flows.updates import limits
from flows.updates.raw import (FileProblem, RawTable, blank, merged_cells_problem, number_text, one_line, sheet_row,
                               value_text)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How a compound document starts: .xls, .doc, .et, and an .xlsx saved with a password (its package encrypted)."""


def read_xls(data: bytes, deadline: limits.Deadline) -> RawTable | FileProblem:
    """The first sheet's rows as text cells (source_row: the sheet's row, header = 1), or the FileProblem of the
    file. OverBudget past the deadline."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception as err:  # noqa: BLE001 - anything xlrd raises on opening (CompDocError, XLRDError…) means the same
        if isinstance(err, XLRDError) and "find workbook" in str(err).lower():   # "Can't find workbook in OLE2 …"
            return FileProblem("damaged", "the file holds no Excel workbook: a workbook saved with a password, or "
                               "another Office document renamed; save it without a password as .xlsx")
        return FileProblem("damaged", f"the .xls file is damaged and cannot be opened ({type(err).__name__}: "
                           f"{one_line(err)}); save it again from Excel or WPS as .xlsx")
    deadline.check()
    if not book.nsheets:
        return FileProblem("not_a_table", "the workbook has no sheet")
    sheet = book.sheet_by_index(0)
    if sheet.visibility:
        return FileProblem("hidden_sheet", f"the first sheet ({sheet.name!r}) is hidden; the report table must be the "
                           "first, visible sheet")
    if sheet.merged_cells:
        ranges = sorted(sheet.merged_cells)
        rlo, rhi, clo, chi = ranges[0]   # xlrd's: 0-based, the ends past the range
        return merged_cells_problem(sheet.name, [_range(*r) for r in ranges[:5]], (rlo + 1, rhi, clo + 1, chi))
    if sheet.nrows * sheet.ncols > limits.MAX_CELLS:
        return FileProblem("too_large_range", f"the table runs from A1 to {_cell(sheet.nrows - 1, sheet.ncols - 1)} "
                           f"({sheet.nrows * sheet.ncols:,} cells); at most {limits.MAX_CELLS:,} are read: delete what "
                           "lies beyond the report table")
    if not sheet.nrows or blank([_text(book, sheet, 0, c) for c in range(sheet.ncols)]):
        return FileProblem("not_a_table", f"row 1 of sheet {sheet.name!r} is empty; the header must be in the first row")
    hidden = {r for r, info in sheet.rowinfo_map.items() if info.hidden or info.height == 0}
    if 0 in hidden:
        return FileProblem("hidden_rows", f"row 1 (the header) of sheet {sheet.name!r} is hidden; unhide it")
    used = sorted(c for c, info in sheet.colinfo_map.items() if (info.hidden or info.width == 0) and c < sheet.ncols
                  and any(_text(book, sheet, r, c).strip() for r in range(sheet.nrows)))
    if used:
        return FileProblem("hidden_columns", f"sheet {sheet.name!r} has hidden columns with cells in them "
                           f"({', '.join(_column(c) for c in used[:5])}); unhide or delete them so what is sent is what "
                           "can be seen")
    header = [_text(book, sheet, 0, c).strip() for c in range(sheet.ncols)]
    rows = []
    for r in range(1, sheet.nrows):
        if r % 1000 == 0:
            deadline.check()
        values = [_text(book, sheet, r, c) for c in range(sheet.ncols)]
        if blank(values):
            continue
        rows.append(sheet_row(r + 1, header, values, sheet.name, r in hidden))
    return RawTable("xls", header, rows)


def _text(book, sheet, r: int, c: int) -> str:
    """A cell as the division typed it: text as written, 3.0 as 3, a date cell as 2014-06-30, 50 % as 50%."""
    kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_TEXT:
        return value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return value_text(bool(value))
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")   # #DIV/0! — the rules then say what is wrong with it
    if kind == xlrd.XL_CELL_DATE:
        try:
            return value_text(xlrd.xldate.xldate_as_datetime(value, book.datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return number_text(value)
    fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
    if fmt is not None and "%" in fmt.format_str:   # 50% typed in Excel is stored as 0.5 with a percent format
        return number_text(value * 100) + "%"
    return number_text(value)


def _column(c: int) -> str:
    return xlrd.formula.colname(c)


def _cell(r: int, c: int) -> str:
    return f"{_column(c)}{r + 1}"


def _range(rlo: int, rhi: int, clo: int, chi: int) -> str:
    """xlrd's (first row, past the last row, first column, past the last column), 0-based → A1:E1."""
    return f"{_cell(rlo, clo)}:{_cell(rhi - 1, chi - 1)}"
