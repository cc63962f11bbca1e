"""A white paper as a Word document (.docx) → its text, one paragraph or table cell per line.

Read with python-docx: the body's paragraphs and tables in document order; a table's cells in the reading
order of layout.py, merged cells (gridSpan across columns, vMerge down rows) read once. A paragraph's own line
breaks (<w:br/>) end a line too. Legacy .doc and .wps files are not Office Open XML and are refused by the
caller before they get here (forms.py). Progress reports as .docx are read here too (updates/reports/word_doc.py).

python-docx parses every XML part it knows into a tree before anything can be checked (a 2.4 MB report of 2.6
million tiny paragraphs took 105 s and 3.7 GB). So the zip's sizes are checked first and every part's nodes counted
by streaming it, within the limits of flows/updates/limits.py (MAX_UNPACKED_BYTES, MAX_WORD_ELEMENTS); past one,
OverBudget, before python-docx is called.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from flows.updates import limits
from flows.updates.limits import OverBudget
from flows.whitepaper.layout import Cell, reading_order
from flows.whitepaper.text import SourceError

FEED_BYTES = 4096
"""Bytes given to the counting parser at a time: its events are read before they pile up, which spares the garbage
collector (in a process holding pandas, 64 KiB at a time took 2.8 s for a million elements instead of 1.1 s)."""
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


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


def docx_lines(raw: bytes, source_file: str) -> list[str]:
    """Text lines of a .docx in reading order; SourceError naming the file if it is not one python-docx can read,
    OverBudget past its budget (open_docx)."""
    return document_lines(open_docx(raw, source_file))


def document_lines(document: Document) -> list[str]:
    """Text lines of an open Word document in reading order, empty lines left out."""
    lines: list[str] = []
    _container(document, lines)
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
    nodes = [0]
    for chunks in limits.unpacked_parts(archive, "Word document"):
        _count_nodes(chunks, nodes)


def _count_nodes(chunks: Iterator[bytes], nodes: list[int]) -> None:
    """Add to nodes[0] the elements, attributes, comments and processing instructions of one part as python-docx's
    parser (libxml2, through lxml, entities left unresolved) would build them, holding no more than a branch."""
    parser = etree.XMLPullParser(events=("start", "end", "comment", "pi"), remove_blank_text=True,
                                 resolve_entities=False)
    fed, per_byte = 0, False
    try:
        for chunk in chunks:
            if not fed and chunk[:4] in UTF32_BOMS:
                # libxml2 reads UTF-32 after a byte-order mark from a whole buffer (python-docx) but not pushed in
                # pieces; without the mark it tells UTF-32 by the first '<' in either case.
                chunk = chunk[4:]
            fed += len(chunk)
            if per_byte:
                _add(nodes, len(chunk) // 3)
            for at in range(0, len(chunk), FEED_BYTES):
                parser.feed(chunk[at:at + FEED_BYTES])
                per_byte = _count_events(parser, nodes, fed, per_byte)
        parser.close()
        _count_events(parser, nodes, fed, per_byte)
    except etree.XMLSyntaxError:   # not XML (an image), or not past here: python-docx's parser stops here too
        return


def _count_events(parser: etree.XMLPullParser, nodes: list[int], fed: int, per_byte: bool) -> bool:
    for event, node in parser.read_events():
        if event == "start":
            if not per_byte and node.getparent() is None and node.getroottree().docinfo.doctype:
                # With a DOCTYPE, each &name; the part uses stays a node of its own in python-docx's tree, and no
                # event shows it: every 3 bytes (&e;, the shortest) are counted as one from here on.
                per_byte = True
                _add(nodes, fed // 3)
            _add(nodes, 1 + len(node.attrib))
        elif event == "end":
            node.clear()
            parent = node.getparent()
            while parent is not None and node.getprevious() is not None:   # let go of what is counted
                del parent[0]
        else:
            _add(nodes, 1)
    return per_byte


def _add(nodes: list[int], n: int) -> None:
    nodes[0] += n
    if nodes[0] > limits.MAX_WORD_ELEMENTS:
        raise OverBudget("too_large_range", f"the Word document holds more than {limits.MAX_WORD_ELEMENTS:,} XML "
                         "elements and attributes (its paragraphs, runs, table cells and their formatting); at most "
                         "that many are read (a blank document has about 50,000, a page of text a few thousand more): "
                         "keep only the report or white paper")


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
