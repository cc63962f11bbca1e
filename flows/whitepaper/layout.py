"""Reading order of a table's cells, shared by the web-page and the Word readers.

A white paper's task table puts one task on one row, or on a group of rows tied together by cells that span
rows: the task and its divisions span the four quarter rows,

    | (一)任务。(市政府重点工作)  | 目标:…       | 综合计划处牵头 |   ← task and divisions: rowspan=4
    |                            | 第一季度:…   |                |
    |                            | …            |                |

and the divisions must come after the quarters, as in the flattened text the parser reads. So a group of rows
joined by row spans is read column by column (every cell once, at its top-left position); a row that no span
ties to another is simply read left to right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One cell as written in the source: its text lines and how many rows and columns it spans (at least 1)."""

    lines: list[str]
    rowspan: int = 1
    colspan: int = 1


ReadTable = Callable[[list[list[Cell]]], list[str]]
"""What the web-page and Word readers call on each table's rows of cells for its lines: reading_order by default."""


def place(rows: list[list[Cell]]) -> dict[tuple[int, int], Cell]:
    """(row, column) of each cell's top-left corner, cells moved right past the ones spanning down into their row."""
    taken: set[tuple[int, int]] = set()
    placed: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed[(r, c)] = cell
            for dr in range(max(cell.rowspan, 1)):
                for dc in range(max(cell.colspan, 1)):
                    taken.add((r + dr, c + dc))
            c += max(cell.colspan, 1)
    return placed


def reading_order(rows: list[list[Cell]]) -> list[str]:
    """The lines of every cell of a table, each cell once, in the order described above."""
    placed = place(rows)
    lines: list[str] = []
    start = 0
    while start < len(rows):
        end = start + 1          # rows start..end-1 form one group
        r = start
        while r < end:
            for c in range(max((col for (row, col) in placed if row == r), default=-1) + 1):
                cell = placed.get((r, c))
                if cell is not None:
                    end = max(end, min(r + max(cell.rowspan, 1), len(rows)))
            r += 1
        columns = sorted({col for (row, col) in placed if start <= row < end})
        for c in columns:
            for r in range(start, end):
                if (r, c) in placed:
                    lines += placed[(r, c)].lines
        start = end
    return lines
