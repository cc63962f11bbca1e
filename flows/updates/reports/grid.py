"""A table of a web page or Word document located in the report's canonical text, cell by cell.

The white-paper readers (flows/whitepaper/html_page.py, word.py) give the text one paragraph or table cell
per line, a table's cells in the reading order of flows/whitepaper/layout.py. A progress report in the table
shape needs the grid back: which line is which cell, which cell a merged one covers. This runs the same
reading order over the table's cells with each line marked, finds those lines in the canonical text, and
gives every grid position the span of the cell covering it (a cell merged down two rows covers both).
"""

from __future__ import annotations

import re

from flows.updates.reports.forms import ReportText, Span, Table
from flows.whitepaper.layout import Cell, place, reading_order
from flows.whitepaper.text import line_spans, strip_span


def _order(rows: list[list[Cell]]) -> list[tuple[tuple[int, int], str]]:
    """((row, column) of its cell, line) of every non-blank line of the table, in the readers' reading order."""
    positions = list(place(rows))                  # the k-th cell as written → its (row, column) in the grid
    marked, lines_of, k = [], {}, 0
    for row in rows:
        out = []
        for cell in row:
            lines_of[k] = [ln.strip() for ln in cell.lines if ln.strip()]
            out.append(Cell([f"\x00{k}\x00{i}" for i in range(len(lines_of[k]))], cell.rowspan, cell.colspan))
            k += 1
        marked.append(out)
    order = []
    for token in reading_order(marked):
        _, k, i = token.split("\x00")
        order.append((positions[int(k)], lines_of[int(k)][int(i)]))
    return order


def locate(text: str, tables: list[list[list[Cell]]]) -> list[Span | Table]:
    """The report's blocks: every line outside the tables a paragraph, each table the grid of its cells' spans."""
    lines = [strip_span(text, s, e) for s, e in line_spans(text)]
    lines = [span for span in lines if span[1] > span[0]]
    values = [text[s:e] for s, e in lines]
    blocks: list[Span | Table] = []
    at = 0
    for rows in tables:
        order = _order(rows)
        wanted = [ln for _, ln in order]
        start = next((i for i in range(at, len(values) - len(wanted) + 1) if values[i:i + len(wanted)] == wanted), None)
        if not wanted or start is None:
            continue                                   # a table without text, or not found: its lines stay paragraphs
        blocks += lines[at:start]
        cells: dict[tuple[int, int], list[Span]] = {}
        for k, (position, _) in enumerate(order):
            cells.setdefault(position, []).append(lines[start + k])
        blocks.append(_grid(rows, cells))
        at = start + len(wanted)
    return blocks + lines[at:]


def _grid(rows: list[list[Cell]], cells: dict[tuple[int, int], list[Span]]) -> Table:
    placed = place(rows)
    width = max((c + max(cell.colspan, 1) for (_, c), cell in placed.items()), default=0)
    grid: list[list[Span | None]] = [[None] * width for _ in rows]
    for (r, c), cell in placed.items():
        spans = cells.get((r, c))
        span = (spans[0][0], spans[-1][1]) if spans else None
        for dr in range(max(cell.rowspan, 1)):
            for dc in range(max(cell.colspan, 1)):
                if r + dr < len(grid) and c + dc < width:
                    grid[r + dr][c + dc] = span
    return Table(grid)


def report_text(lines: list[str], tables: list[list[list[Cell]]]) -> ReportText:
    """The canonical text of a page's or document's lines (as flows/whitepaper/forms.py joins a paper's) and its blocks."""
    text = "\n".join(re.sub(r"[\r\x0b\x0c]", "\n", ln) for ln in lines)
    return ReportText(text, locate(text, tables))
