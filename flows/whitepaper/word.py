"""A white paper as a Word document (.docx) → its text, one paragraph or table cell per line.

Read with python-docx: the body's paragraphs and tables in document order; a table's cells in the reading
order of layout.py, merged cells (gridSpan across columns, vMerge down rows) read once. A paragraph's own line
breaks (<w:br/>) end a line too. Legacy .doc and .wps files are not Office Open XML and are refused by the
caller before they get here (forms.py).
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from flows.whitepaper.layout import Cell, reading_order
from flows.whitepaper.text import SourceError


def docx_lines(raw: bytes, source_file: str) -> list[str]:
    """Text lines of a .docx in reading order; SourceError naming the file if it is not one python-docx can read."""
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise SourceError(f"{source_file}: not a .docx (Office Open XML) file: it is not a zip archive; a legacy "
                          "Word .doc renamed .docx is not read: save it as .docx (Word 2007 or later)")
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as err:   # python-docx raises KeyError, ValueError, lxml errors…: one message names the file
        raise SourceError(f"{source_file}: not a Word document python-docx can read ({type(err).__name__}: {err}); "
                          "expected a .docx saved by Word or WPS") from None
    lines: list[str] = []
    _container(document, lines)
    return [ln for ln in lines if ln.strip()]


def _container(container, lines: list[str]) -> None:
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            lines += item.text.split("\n")
        elif isinstance(item, Table):
            lines += reading_order(_rows(item))


def _rows(table: Table) -> list[list[Cell]]:
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
            _container(_Cell(tc, table), lines)
            cells.append(Cell(lines, rowspan, tc.grid_span))
        rows.append(cells)
    return rows
