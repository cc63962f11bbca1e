"""A white paper as a Word document (.docx) → its text, one paragraph or table cell per line.

Read with python-docx: the body's paragraphs and tables in document order; a table's cells in the reading
order of layout.py, merged cells (gridSpan across columns, vMerge down rows) read once. A paragraph's own line
breaks (<w:br/>) end a line too. Legacy .doc and .wps files are not Office Open XML and are refused by the
caller before they get here (forms.py). Progress reports as .docx are read here too (updates/reports/word_doc.py).

python-docx parses every XML part it knows into a tree before anything can be checked (a 2.4 MB report of 2.6
million tiny paragraphs took 105 s and 3.7 GB). So the zip's sizes are checked first and every part's nodes counted
by streaming it (limits.count_nodes, which the .xlsx reader uses too), within the limits of flows/updates/limits.py
(MAX_UNPACKED_BYTES, MAX_WORD_ELEMENTS); past one, OverBudget, before python-docx is called.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.document import Document
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from flows.updates import limits
from flows.updates.limits import OverBudget
from flows.whitepaper.layout import Cell, ReadTable, reading_order
from flows.whitepaper.text import SourceError


def open_docx(raw: bytes, source_file: str) -> Document:
    """python-docx's Document of a .docx, once it is known to be within its budget.

    SourceError naming the file if it is not one python-docx can read; OverBudget (zip_bomb, too_large_range)
    past a limit of flows/updates/limits.py, found before python-docx parses anything.
    """
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise SourceError(f"{source_file}: not a .docx (Office Open XML) file: it is not a zip archive; a legacy "
                          "Word .doc renamed .docx is not read: save it as .docx (Word 2007 or later)")
    within_budget(raw)
    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as err:  # noqa: BLE001 - python-docx raises KeyError, ValueError, lxml errors…
        raise SourceError(f"{source_file}: not a Word document python-docx can read ({type(err).__name__}: {err}); "
                          "expected a .docx saved by Word or WPS") from None


def docx_lines(raw: bytes, source_file: str, read_table: ReadTable = reading_order) -> list[str]:
    """Text lines of a .docx in reading order; SourceError naming the file if it is not one python-docx can read,
    OverBudget past its budget (open_docx). read_table as for document_lines."""
    return document_lines(open_docx(raw, source_file), read_table)


def document_lines(document: Document, read_table: ReadTable = reading_order) -> list[str]:
    """Text lines of an open Word document in reading order, empty lines left out.

    read_table turns a table's rows of cells into its lines (a white paper's task table: task_table.TaskTables).
    """
    lines: list[str] = []
    _container(document, lines, read_table)
    return [ln for ln in lines if ln.strip()]


def within_budget(raw: bytes) -> None:
    """OverBudget unless the sizes the .docx's zip declares are within limits.declared_sizes (zip_bomb) and its parts
    hold at most MAX_WORD_ELEMENTS XML nodes (too_large_range). Not a zip: nothing to check here, python-docx names
    the problem."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    limits.declared_sizes(archive, "Word document")
    # Every part, whatever its name: python-docx finds the body through the package's relationships, which may name
    # any part (/word/document2.xml, /Word/Body.XML), and it parses every part whose content type it knows.
    nodes = _WordNodes()
    for chunks in limits.unpacked_parts(archive, "Word document"):
        limits.count_nodes(chunks, nodes)


class _WordNodes(limits.NodeTally):
    def add(self, n: int) -> None:
        self.nodes += n
        if self.nodes > limits.MAX_WORD_ELEMENTS:
            raise OverBudget("too_large_range", f"the Word document holds more than {limits.MAX_WORD_ELEMENTS:,} XML "
                             "elements and attributes (its paragraphs, runs, table cells and their formatting); at "
                             "most that many are read (a blank document has about 50,000, a page of text a few "
                             "thousand more): keep only the report or white paper")


def _container(container, lines: list[str], read_table: ReadTable = reading_order) -> None:
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            lines += item.text.split("\n")
        elif isinstance(item, Table):
            lines += read_table(_rows(item, read_table))


def _rows(table: Table, read_table: ReadTable = reading_order) -> list[list[Cell]]:
    """The table's rows of origin cells; a cell continuing a vertical merge adds a row to the cell above it."""
    # layout.place puts a cell past those spanning down into its row, which is what vMerge means; the grid
    # columns here only find which cells continue a merge (w:gridBefore, columns left empty, is rare and ignored).
    grid: list[list[tuple[int, object]]] = []      # per row: (grid column, tc) of every cell, merged or not
    for tr in table._tbl.tr_lst:
        col, row = tr.grid_before, []
        for tc in tr.tc_lst:
            row.append((col, tc))
            col += tc.grid_span
        grid.append(row)
    rows: list[list[Cell]] = []
    for r, row in enumerate(grid):
        cells = []
        for col, tc in row:
            if tc.vMerge == "continue":
                continue
            rowspan = 1
            while r + rowspan < len(grid) and any(c == col and below.vMerge == "continue" for c, below in grid[r + rowspan]):
                rowspan += 1
            lines: list[str] = []
            _container(_Cell(tc, table), lines, read_table)
            cells.append(Cell(lines, rowspan, tc.grid_span))
        rows.append(cells)
    return rows
