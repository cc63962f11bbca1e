"""Read the first sheet of an .xlsx update file as Excel and WPS show it, within the file's budget.

Before openpyxl sees the file, the zip is checked (parts, unpacked size, packing ratio), a Strict Open XML
workbook is named as such, and the cells and XML nodes written in it are counted by streaming every part, whatever
its name, with the unpacked bytes capped: openpyxl then never holds more than MAX_CELLS cells, MAX_SHEET_NODES
nodes of rows and shared strings and MAX_XLSX_NODES others (styles, comments, drawings…). The table is read
up to its last non-empty row and column, never the sheet's declared range (one styled empty cell at XFD1048576
declares 17 billion). Hidden rows are rejected one by one (code hidden_rows); a hidden column or sheet holding
anything rejects the file (a division sees neither, so it cannot check what it sends). A number Excel would show
as a date, by a format openpyxl does not list (the Chinese-locale built-ins 27–36 and 50–58), is read as that date.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, XMLParser
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from flows.updates import limits
from flows.updates.limits import OverBudget
from flows.updates.raw import FileProblem, RawTable, blank, merged_cells_problem, number_text, sheet_row, value_text

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


# Elements openpyxl streams (iterparse, each let go once read) rather than builds as a tree: a sheet's rows, wherever
# they stand in its part, and the shared strings. Their nodes are held to MAX_SHEET_NODES, all others to MAX_XLSX_NODES.
STREAMED = {"sheetData", "row", "sst"}


class _Budget(limits.NodeTally):
    """Counts one parser's view of a workbook's parts without building a tree, and raises OverBudget
    (too_large_range, naming the part) past MAX_CELLS cells, shared strings (`si`) or rows, MAX_SHEET_NODES nodes in
    rows and shared strings or MAX_XLSX_NODES nodes elsewhere. A parser target: expat calls start/end/comment/pi, limits.count_nodes
    start/end/add (an element's attrib need only have a length).

    A cell is a `c` element in any namespace, and any element right inside a `row`: openpyxl makes a cell of every
    child of a row, whatever its name. openpyxl builds only spreadsheetml's; counting more errs on the budget's side."""

    def __init__(self, deadline: limits.Deadline):
        super().__init__()
        self.cells, self.strings, self.rows_seen, self.streamed, self.elements = 0, 0, 0, 0, 0
        self.deadline = deadline
        self.part, self.depth, self.streamed_from, self.rows = "", 0, 0, []   # rows: the depths of the open rows
        self.has_doctype = False

    def in_part(self, name: str) -> None:
        self.part, self.depth, self.streamed_from, self.rows = name, 0, 0, []

    def start(self, tag: str, attrib) -> None:
        self.depth += 1
        self.elements += 1
        if self.elements % 10_000 == 0:
            self.deadline.check()
        name = tag.rpartition("}")[2]
        if name == "c" or (self.rows and self.rows[-1] == self.depth - 1):
            self.cells += 1
            if self.cells > limits.MAX_CELLS:
                raise OverBudget("too_large_range", f"the workbook has more than {limits.MAX_CELLS:,} cells; "
                                 "at most that many are read: keep only the report table")
        if name in ("si", "row"):
            # openpyxl keeps each shared string (after building its runs as objects) and the height or style of each
            # row, a row inside a row too: a workbook within its cell budget needs at most one of each a cell
            self.strings += name == "si"
            self.rows_seen += name == "row"
            if max(self.strings, self.rows_seen) > limits.MAX_CELLS:
                what = "shared strings" if name == "si" else "rows"
                raise OverBudget("too_large_range", f"part {self.part} takes the workbook past {limits.MAX_CELLS:,} "
                                 f"{what}; at most one a cell is read: keep only the report table")
            if name == "row":
                self.rows.append(self.depth)
        if not self.streamed_from and name in STREAMED:
            self.streamed_from = self.depth
        self.add(1 + len(attrib))

    def end(self, tag: str) -> None:
        if self.rows and self.rows[-1] == self.depth:
            self.rows.pop()
        if self.streamed_from == self.depth:
            self.streamed_from = 0
        self.depth -= 1

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        self.has_doctype = True

    def comment(self, text: str) -> None:
        self.add(1)

    def pi(self, target: str, text: str | None = None) -> None:
        self.add(1)

    def add(self, n: int) -> None:
        if self.streamed_from:
            self.streamed += n
            if self.streamed > limits.MAX_SHEET_NODES:
                raise OverBudget("too_large_range", f"part {self.part} takes the workbook past "
                                 f"{limits.MAX_SHEET_NODES:,} XML elements and attributes in its rows and shared "
                                 "strings; at most that many are read (a sheet of the most cells accepted, "
                                 f"{limits.MAX_CELLS:,}, has about 3 million): keep only the report table")
            return
        self.nodes += n
        if self.nodes > limits.MAX_XLSX_NODES:
            raise OverBudget("too_large_range", f"part {self.part} takes the workbook past {limits.MAX_XLSX_NODES:,} "
                             "XML elements and attributes outside its rows and shared strings (styles, comments, "
                             "drawings…); at most that many are read (a workbook saved by Excel or WPS has a few "
                             "thousand): copy the report table alone into a new workbook and send that")

    def close(self) -> None:
        return None


def _expat_reads_all(chunks: Iterator[bytes], budget: _Budget) -> bool:
    """Feed one part to the parser openpyxl reads sheets and shared strings with (defusedxml's, over expat), budget
    its target; whether it read the part to its end with no DOCTYPE (then lxml would build the same nodes)."""
    parser = XMLParser(target=budget)
    budget.has_doctype = False
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except (ParseError, DefusedXmlException, ValueError, LookupError):
        return False   # an image, XML openpyxl's iterparse stops on too, or an encoding expat has not (GBK)
    return not budget.has_doctype


def _within_budget(archive: zipfile.ZipFile, deadline: limits.Deadline) -> None:
    """Stream every part's XML and count its cells and nodes; OverBudget past a budget, before openpyxl builds any."""
    # Every part, not the xl/worksheets/*.xml that Excel names them: openpyxl opens the parts the workbook's
    # relationships name, and they may name any part (/xl/data1.xml, XL/Sheet.XML, two entries of one name). Matching
    # their resolution would be a second copy of openpyxl's rules to keep in step; counting every part needs none.
    # openpyxl reads sheets and shared strings with defusedxml's parser (expat), every other part with lxml, which
    # keeps the entities a DOCTYPE names as nodes and reads encodings expat does not: a part expat cannot read to
    # its end, or that has a DOCTYPE, is counted again as lxml builds it (limits.count_nodes), with its own budget.
    # An ordinary workbook has neither, and is unpacked and parsed once.
    expat, again = _Budget(deadline), set()
    for i, (info, chunks) in enumerate(zip(archive.infolist(), limits.unpacked_parts(archive, "workbook"))):
        expat.in_part(info.filename)
        if not _expat_reads_all(chunks, expat):
            again.add(i)
    lxml = _Budget(deadline)
    for i, (info, chunks) in enumerate(zip(archive.infolist(), limits.unpacked_parts(archive, "workbook"))):
        if i in again:   # the others are never unpacked a second time
            lxml.in_part(info.filename)
            limits.count_nodes(chunks, lxml)


def _number_format(cell) -> str:
    try:
        return cell.number_format or "General"
    except IndexError:   # a custom format the file's styles never define: Excel shows the number as General
        return "General"


def _text(cell, epoch) -> str:
    value = cell.value
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value_text(value)
    number_format = _number_format(cell)
    style = getattr(cell, "_style", None)   # the raw format id: the only trace of a locale built-in
    if getattr(style, "numFmtId", None) in LOCALE_DATE_FORMATS or (number_format != "General" and is_date_format(number_format)):
        try:
            return value_text(from_excel(value, epoch))
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
    _within_budget(archive, deadline)
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
        ranges = sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
        return merged_cells_problem(sheet.title, [str(r) for r in ranges[:5]],
                                    (ranges[0].min_row, ranges[0].max_row, ranges[0].min_col, ranges[0].max_col))
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
        rows.append(sheet_row(r, header, values, sheet.title, r in hidden_rows))
    return RawTable("xlsx", header, rows)
