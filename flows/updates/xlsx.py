"""Read the first sheet of an .xlsx update file as Excel and WPS show it, within the file's budget.

Before openpyxl sees the file, the zip is checked (parts, unpacked size, packing ratio), a Strict Open XML
workbook is named as such, and the cells written in it are counted by streaming the XML of every part, whatever
its name, with the unpacked bytes capped: openpyxl then never holds more than MAX_CELLS cells. The table is read
up to its last non-empty row and column, never the sheet's declared range (one styled empty cell at XFD1048576
declares 17 billion). Hidden rows are rejected one by one (code hidden_rows); a hidden column or sheet holding
anything rejects the file (a division sees neither, so it cannot check what it sends). A number Excel would show
as a date, by a format openpyxl does not list (the Chinese-locale built-ins 27–36 and 50–58), is read as that date.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, XMLParser
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from flows.updates import limits
from flows.updates.limits import OverBudget
from flows.updates.raw import FileProblem, Problem, RawRow, RawTable, blank, number_text

MAX_MEMBERS = 1000
"""Parts a workbook may hold (limits.declared_sizes checks them with the sizes its zip declares)."""
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
# Excel in a Chinese locale shows built-in formats 27–31, 36 and 50–58 as dates (yyyy"年"m"月", m"月"d"日", …);
# openpyxl lists only the locale-independent built-ins and reads these as plain numbers.
LOCALE_DATE_FORMATS = {*range(27, 32), 36, *range(50, 59)}


def _safety(data: bytes) -> zipfile.ZipFile | FileProblem:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        if data.startswith(b"PK"):
            return FileProblem("truncated", "the .xlsx file is truncated or damaged (its zip directory is missing); save "
                               "it again from Excel or WPS")
        return FileProblem("not_a_table", "the file is not an .xlsx workbook (not a zip archive); an old .xls or a renamed "
                           "file must be saved as .xlsx")
    limits.declared_sizes(archive, "workbook", MAX_MEMBERS)
    return archive


class _CellCount:
    """A parser target that counts the cells it is shown and keeps nothing: no tree is built, so a part of any shape
    (rows, 90 MB of shared strings) is counted in constant memory. A cell is a `c` element in any namespace:
    openpyxl builds only spreadsheetml's, and counting more errs on the side of the budget."""

    def __init__(self, deadline: limits.Deadline):
        self.cells, self.elements, self.deadline = 0, 0, deadline

    def start(self, tag: str, attrib: dict) -> None:
        self.elements += 1
        if self.elements % 10_000 == 0:
            self.deadline.check()
        if tag.rpartition("}")[2] == "c":
            self.cells += 1
            if self.cells > limits.MAX_CELLS:
                raise OverBudget("too_large_range", f"the workbook has more than {limits.MAX_CELLS:,} cells; "
                                 "at most that many are read: keep only the report table")

    def close(self) -> None:
        return None


def _count_cells(archive: zipfile.ZipFile, deadline: limits.Deadline) -> None:
    """Stream every part's XML and count its cells; OverBudget past MAX_CELLS, before openpyxl builds any."""
    # Every part, not the xl/worksheets/*.xml that Excel names them: openpyxl opens the sheets the workbook's
    # relationships name, and they may name any part (/xl/data1.xml, XL/Sheet.XML, two entries of one name). Matching
    # their resolution would be a second copy of openpyxl's rules to keep in step; counting every part needs none.
    # Each is parsed by the parser openpyxl reads sheets with (defusedxml's, over expat), so a part that is not XML,
    # or not past some byte, stops both at the same place: what was counted is all openpyxl could build from it.
    count = _CellCount(deadline)
    for chunks in limits.unpacked_parts(archive, "workbook"):
        parser = XMLParser(target=count)
        try:
            for chunk in chunks:
                parser.feed(chunk)
            parser.close()
        except (ParseError, DefusedXmlException):   # an image, or XML openpyxl would stop on too
            continue


def _number_format(cell) -> str:
    try:
        return cell.number_format or "General"
    except IndexError:   # a custom format the file's styles never define: Excel shows the number as General
        return "General"


def _value_text(value) -> str:
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


def _text(cell, epoch) -> str:
    value = cell.value
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return _value_text(value)
    number_format = _number_format(cell)
    style = getattr(cell, "_style", None)   # the raw format id: the only trace of a locale built-in
    if getattr(style, "numFmtId", None) in LOCALE_DATE_FORMATS or (number_format != "General" and is_date_format(number_format)):
        try:
            return _value_text(from_excel(value, epoch))
        except (ValueError, OverflowError, TypeError):
            return number_text(value)
    # 50% typed in Excel is stored as 0.5 with a percent format: read it as the division wrote it.
    if "%" in number_format:
        return number_text(value * 100) + "%"
    return number_text(value)


def _hidden(sheet, last_row: int, last_col: int, cells: dict) -> tuple[set[int], FileProblem | None]:
    """Rows hidden (or of zero height) among those holding something, and the problem of a hidden column."""
    rows = {r for r, d in sheet.row_dimensions.items() if r <= last_row and (d.hidden or d.height == 0)}
    columns = set()
    for dim in sheet.column_dimensions.values():
        if dim.hidden or dim.width == 0:
            columns |= set(range(dim.min or 1, min(dim.max or dim.min or 1, last_col) + 1))
    used = sorted(c for c in columns if any((r, c) in cells for r in range(1, last_row + 1)))
    if used:
        letters = ", ".join(get_column_letter(c) for c in used[:5])
        return rows, FileProblem("hidden_columns", f"sheet {sheet.title!r} has hidden columns with cells in them ({letters}); "
                                 "unhide or delete them so what is sent is what can be seen")
    return rows, None


def read_xlsx(data: bytes, deadline: limits.Deadline) -> RawTable | FileProblem:
    """The first sheet's rows as text cells, or the FileProblem of the file. OverBudget past a limit."""
    archive = _safety(data)
    if isinstance(archive, FileProblem):
        return archive
    names = set(archive.namelist())
    if "xl/workbook.xml" in names and STRICT_NAMESPACE in archive.open("xl/workbook.xml").read(4096):
        return FileProblem("strict_ooxml", "the workbook is saved as \"Strict Open XML Spreadsheet\", which is not read; "
                           "save it as an ordinary \"Excel Workbook (.xlsx)\"")
    _count_cells(archive, deadline)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as err:  # noqa: BLE001 - anything openpyxl raises on opening means the same to the division
        return FileProblem("damaged", f"the .xlsx file is damaged and cannot be opened ({type(err).__name__}); "
                           "save it again from Excel or WPS")
    deadline.check()
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None or not hasattr(sheet, "merged_cells"):
        return FileProblem("not_a_table", "the first sheet of the workbook is not a table of cells")
    if sheet.sheet_state != "visible":
        return FileProblem("hidden_sheet", f"the first sheet ({sheet.title!r}) is hidden; the report table must be the "
                           "first, visible sheet")
    if sheet.merged_cells.ranges:
        merged = ", ".join(sorted(str(r) for r in sheet.merged_cells.ranges)[:5])
        return FileProblem("merged_cells", f"sheet {sheet.title!r} has merged cells ({merged}); unmerge them so every "
                           "report has its own row and every cell its own value")
    # Only the cells the file writes (openpyxl's store), never the declared dimensions.
    cells = {key: cell for key, cell in sheet._cells.items()
             if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip())}
    formulas = [c.coordinate for c in cells.values() if c.data_type == "f"]
    if formulas:
        return FileProblem("formulas", f"sheet {sheet.title!r} has formulas in {', '.join(sorted(formulas)[:5])}"
                           f"{' …' if len(formulas) > 5 else ''}; paste them as values (values only)")
    if not any(r == 1 for r, _ in cells):
        return FileProblem("not_a_table", f"row 1 of sheet {sheet.title!r} is empty; the header must be in the first row")
    last_row, last_col = max(r for r, _ in cells), max(c for _, c in cells)
    if last_row * last_col > limits.MAX_CELLS:
        return FileProblem("too_large_range", f"the table runs from A1 to {get_column_letter(last_col)}{last_row} "
                           f"({last_row * last_col:,} cells); at most {limits.MAX_CELLS:,} are read: delete what lies "
                           "beyond the report table")
    hidden_rows, problem = _hidden(sheet, last_row, last_col, cells)
    if problem:
        return problem
    if 1 in hidden_rows:
        return FileProblem("hidden_rows", f"row 1 (the header) of sheet {sheet.title!r} is hidden; unhide it")
    epoch = workbook.epoch
    header = [_text(cells[1, c], epoch).strip() if (1, c) in cells else "" for c in range(1, last_col + 1)]
    by_row: dict[int, list[int]] = {}
    for r, c in cells:
        if r > 1:
            by_row.setdefault(r, []).append(c)
    rows = []
    for r in sorted(by_row):
        if len(rows) % 1000 == 0:
            deadline.check()
        values = [_text(cells[r, c], epoch) if (r, c) in cells else "" for c in range(1, last_col + 1)]
        if blank(values):
            continue
        problems = ()
        if r in hidden_rows:
            problems = (Problem("hidden_rows", f"row {r} is hidden in sheet {sheet.title!r}; a hidden row is not read as a "
                                "report: unhide it if it is one, or delete it"),)
        rows.append(RawRow(r, {h or f"(column {i + 1})": v for i, (h, v) in enumerate(zip(header, values))}, problems))
    return RawTable("xlsx", header, rows)
