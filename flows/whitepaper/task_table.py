"""A white paper's task table, as a web page or Word document holds it, read by its header into the template's lines.

The task parser (tasks.py) reads section 三 as lines in the template's shape: the task, its 目标, one line per
quarter, and the divisions last. A table gives those lines in that order only when its columns are the
template's three (工作任务 | 目标及进度 | 责任部门); agencies also publish tables with a 序号 column, separate
牵头部门 and 配合部门 columns, a 年度目标 column and a column per quarter. Read cell by cell, those put a row
number where the divisions belong, or a division into the fourth quarter's text. So a table whose header names
a task column and one of the others is read by its header cells instead:

    序号 | 工作任务 | 年度目标 | 第一季度 … 第四季度 | 牵头部门 | 配合部门
    1    | (一)甲。 | 甲       | 甲一     … 甲四     | A处      | B处、C处
  →
    (一)甲。  ⏎  年度目标：甲  ⏎  第一季度：甲一 … 第四季度：甲四  ⏎  A处牵头，B处、C处配合

Every cell's text stays as written; what is added comes from the header (a quarter's or the target's name and
a colon before a cell that does not start with it; 牵头 and 配合 after the names of those columns). A table in
the template's three columns gives exactly the lines it gave when read cell by cell. The row number is left out
(unless it is the tasks' only numbering: row_numbers.py). A header row typed again (a table continued on the next
page) is skipped, and a cell merged down over two tasks is read for each; both become quality notes, carried on
the line they concern (NotedLine) to forms.read_paper, which turns them into offsets. A row of one cell across the
table (二、民生实事) heads a group of tasks and a 备注 or 完成时限 cell is kept as 备注：…: lines of their own, no
part of any task, which the task parser passes by (NotedLine.aside; flags table_group_row, table_extra_column).
A table split across pages is read as one (TaskTables). A task table with a header cell this reader does not
know, over a column holding text, is refused (SourceError): never read by guess. Header names: table_header.py.
"""

from __future__ import annotations

import re

from flows.whitepaper.layout import Cell, place, reading_order
from flows.whitepaper.row_numbers import note as numbered_note
from flows.whitepaper.row_numbers import row_numbers
from flows.whitepaper.source_doc import NUMBERED
from flows.whitepaper.table_header import (ASIDE_ROLES, QUARTER_NUMBER, NotedLine, carry_notes, check_columns,
                                           division_line, header_role, header_row)
from flows.whitepaper.table_header import cell_text as _text
from flows.whitepaper.text import cn_number, fold

__all__ = ["NotedLine", "TaskTables", "carry_notes", "header_role"]

QUARTER_LINE = re.compile(r"^\s*(?:第\s*([一二三四1-4])\s*季度|([一二三四1-4])\s*季度|[Qq]([1-4]))")
TARGET_LINE = re.compile(r"^\s*(?:年度|全年|工作|主要|具体|预期)?目标\s*[:：]")
DIVISION_TABLE = {"divisions": "task_departments", "lead": "task_departments", "support": "task_departments"}


def _task_label(cell: Cell) -> str:
    """(二) for a task cell numbered so, else its first words."""
    first = _text(cell).split("\n")[0]
    m = NUMBERED.match(fold(first).strip())
    return m.group(0).strip() if m else repr(first.strip()[:20])


class TaskTables:
    """The table reader of a white paper's web page or Word document: read_table for html_page and word.

    Called with a table's rows of cells: the template's lines of a task table (see the module), or the cells in
    layout.reading_order for any other table. SourceError naming source_file for a task table whose header it
    cannot map. A table right after a task table that repeats its header, or has none but its columns and goes on
    with its numbering, is that task table continued (a table split across pages).
    """

    def __init__(self, source_file: str):
        self.source_file = source_file
        self.seen = 0     # tables read so far, to name the one refused
        self.last: _TaskTable | None = None     # the table read before, when it was a task table

    def __call__(self, rows: list[list[Cell]]) -> list[str]:
        self.seen += 1
        previous, self.last = self.last, None
        placed = place(rows)
        where = f"{self.source_file}, table {self.seen}"
        header = header_row(rows, placed)
        if header is None:
            if previous is None or (table := previous.continued_by(rows, placed, where)) is None:
                return reading_order(rows)
        else:
            table = _TaskTable(rows, placed, header, where)
            if previous is not None and (previous.width, previous.roles) == (table.width, table.roles):
                table.after, table.groups = previous, None
                table.groups = table._groups()      # now with the repeated header first
        self.last = table
        return table.lines()


class _TaskTable:
    """One table's rows read by a header: its own (header the row), or, header None, that of the table before it."""

    def __init__(self, rows: list[list[Cell]], placed: dict, header: int | None, where: str,
                 columns: _TaskTable | None = None):
        self.rows, self.placed, self.where = rows, placed, where
        self.after: _TaskTable | None = columns     # the task table this one continues
        self.cover: dict[tuple[int, int], tuple[int, int]] = {}    # every grid position → its cell's top-left
        for (r, c), cell in placed.items():
            for dr in range(max(cell.rowspan, 1)):
                for dc in range(max(cell.colspan, 1)):
                    self.cover[(r + dr, c + dc)] = (r, c)
        self.width = max((c for _, c in self.cover), default=-1) + 1
        self.first = self.body = 0 if header is None else header
        if header is not None:
            self.body += 1
            while self.body < len(rows) and self._is_header_like(self.body):   # 进度安排 over 第一季度 … 第四季度
                self.body += 1
        self.labels = columns.labels if columns else self._labels()
        self.roles = columns.roles if columns else {c: header_role(label) for c, label in self.labels.items()}
        self._check_columns()
        self.groups = self._groups()

    def continued_by(self, rows: list[list[Cell]], placed: dict, where: str) -> _TaskTable | None:
        """The next table, headerless, read by this one's header if it has this one's columns and its first task
        goes on with this one's numbering (序号 or (一)); else None."""
        table = _TaskTable(rows, placed, None, where, self) if self._width(placed) == self.width else None
        first = next((g[1][0] for g in table.groups if g[0] == "task"), None) if table else None
        last = next((g[1][0] for g in reversed(self.groups) if g[0] == "task"), None)
        if first is None or last is None:
            return None
        ours, theirs = self._numbers(last), table._numbers(first)
        if not any(n is not None and theirs[k] == n + 1 for k, n in ours.items()):
            return None
        shown = " | ".join(label.strip() for _, label in sorted(self.labels.items()))
        table.groups.insert(0, ("header", [], [("tasks", "table_continued_without_header", (
            f"{where} has no header row; it has the {self.width} columns of the task table before it "
            f"({self.where.rsplit(', ', 1)[-1]}) and its first task goes on with that table's numbering: read as "
            f"that table continued, by its header ({shown})"))]))
        return table

    @staticmethod
    def _width(placed: dict) -> int:
        return max((c + max(cell.colspan, 1) for (_, c), cell in placed.items()), default=0)

    def _numbers(self, r: int) -> dict[str, int | None]:
        """The task number row r shows in the 序号 column and at the start of its task cell (None where none)."""
        found: dict[str, int | None] = {"number": None, "task": None}
        for c, role in self.roles.items():
            pos = self.cover.get((r, c))
            if role in found and pos == (r, c):
                text = fold(_text(self.placed[pos])).strip()
                m = re.fullmatch(r"(\d{1,3}|[一二三四五六七八九十]+)", text) if role == "number" else NUMBERED.match(text)
                found[role] = cn_number(m.group(1)) if m else None
        return found

    def _origins(self, r: int) -> list[tuple[int, int]]:
        return [pos for pos in self.placed if pos[0] == r]

    def _is_header_like(self, r: int) -> bool:
        texts = [_text(self.placed[pos]) for pos in self._origins(r)]
        texts = [t for t in texts if t.strip()]
        return bool(texts) and all(header_role(t) for t in texts)

    def _is_group_row(self, r: int) -> bool:
        """A row of one cell across every column (二、民生实事): a heading over the tasks below it."""
        filled = [pos for pos in self._origins(r) if _text(self.placed[pos]).strip()]
        return (len(filled) == 1 and self.width > 1
                and all(self.cover.get((r, c)) == filled[0] for c in range(self.width)))

    def _labels(self) -> dict[int, str]:
        """Each column's header: the lowest header cell over it (第一季度 under 进度安排)."""
        labels = {}
        for c in range(self.width):
            for r in range(self.first, self.body):
                pos = self.cover.get((r, c))
                if pos is not None and _text(self.placed[pos]).strip():
                    labels[c] = _text(self.placed[pos]).strip()
        return labels

    def _check_columns(self) -> None:
        filled = {c for (r, c), cell in self.placed.items() if r >= self.body and _text(cell).strip()
                  and not self._is_group_row(r)}
        check_columns(self.roles, self.labels, self.width, filled, self.where)

    def _shown(self, r: int) -> str:
        return " | ".join(_text(self.placed[p]).strip() for p in sorted(self._origins(r), key=lambda p: p[1]))

    def _groups(self) -> list[tuple[str, list[int], list]]:
        """(kind, rows, notes) in order: 'task' (a task's rows, or rows before any task), 'header' (a header typed
        again: no rows, its note) and 'group' (a row across the table)."""
        task_col = next(c for c, role in self.roles.items() if role == "task")
        groups: list[tuple[str, list[int], list]] = []
        if self.after is not None and self.first < self.body:      # the header of the table continued, again
            groups.append(("header", [], [("tasks", "repeated_table_header", (
                f"{self.where}: its header ({' ; '.join(self._shown(r) for r in range(self.first, self.body))}) "
                f"repeats that of the task table before it ({self.after.where.rsplit(', ', 1)[-1]}), as a table "
                "continued on a new page does; read as that table's header, not as a task"))]))
        for r in range(self.body, len(self.rows)):
            if self._is_header_like(r) and len([p for p in self._origins(r) if _text(self.placed[p]).strip()]) >= 2:
                groups.append(("header", [], [("tasks", "repeated_table_header",
                                               f"{self.where}: row {r + 1} repeats the task table's header "
                                               f"({self._shown(r)}), as a table continued on a new page does; read "
                                               "as a header, not as a task")]))
                continue           # the header ends a task: a cell below it starts the next
            if self._is_group_row(r):
                groups.append(("group", [r], []))
                continue
            pos = self.cover.get((r, task_col))
            starts = pos == (r, task_col) and _text(self.placed[pos]).strip()
            if starts or not groups or groups[-1][0] != "task":
                groups.append(("task", [r], []))
            else:
                groups[-1][1].append(r)
        return groups

    def lines(self) -> list[str]:
        out = reading_order(self.rows[:self.first])
        if self.after is None:
            out += reading_order(self.rows[self.first:self.body])
        task_col = next(c for c, role in self.roles.items() if role == "task")
        pending: list[tuple[str, str, str]] = []      # notes for the next line written
        previous_label = None
        for kind, group, notes in self.groups:
            pending += notes
            if kind == "header":
                continue
            task_pos = self.cover.get((group[0], task_col))
            if kind == "group":
                pos = next(p for p in self._origins(group[0]) if _text(self.placed[p]).strip())
                text = _text(self.placed[pos])
                lines = [NotedLine(ln, aside=True) for ln in self.placed[pos].lines if ln.strip()]
                lines[0] = NotedLine(lines[0], [("tasks", "table_group_row", (
                    f"{self.where}: row {group[0] + 1} is one cell across the whole task table, {text!r}: a heading "
                    "over the tasks below it, no part of any task; kept as its own line"))], aside=True)
            elif task_pos is None or task_pos[0] != group[0] or not _text(self.placed[task_pos]).strip():
                lines = [ln for r in group for pos in sorted(self._origins(r), key=lambda p: p[1])
                         if self.roles.get(pos[1]) != "number" for ln in self.placed[pos].lines]   # before a task
            else:
                lines = self._task_lines(group, task_pos, previous_label)
                if number := (numbers := row_numbers(self)).get(group[0]):    # numbered in the 序号 column only
                    first = [numbered_note(self, numbers)] if group[0] == min(numbers) else []
                    lines[0] = NotedLine(f"{number}、{lines[0]}", first)
                previous_label = _task_label(self.placed[task_pos])
            if lines and pending:
                first = lines[0]
                lines[0] = NotedLine(first, pending + list(getattr(first, "notes", ())), getattr(first, "aside", False))
                pending = []
            out += lines
        if pending and out:        # a header typed again after the last task
            out[-1] = NotedLine(out[-1], getattr(out[-1], "notes", ()) + tuple(pending), getattr(out[-1], "aside", False))
        return out

    def _task_lines(self, group: list[int], task_pos, previous_label) -> list[str]:
        """The task's lines; a cell merged down from the task above is read again here, with a note on its line."""
        cells: dict[str, list[tuple[int, int]]] = {}
        notes: dict[str, list] = {}
        for c in range(self.width):
            role = self.roles.get(c)
            if role in (None, "number", "task"):
                continue
            for r in group:
                pos = self.cover.get((r, c))
                if pos is None or pos in cells.setdefault(role, []):
                    continue
                cells[role].append(pos)
                cell = self.placed[pos]
                if pos[0] < group[0] and _text(cell).strip():
                    key = "divisions" if role in DIVISION_TABLE else role
                    notes.setdefault(key, []).append((
                        DIVISION_TABLE.get(role, "tasks"), "merged_cell",
                        f"{self.where}: the {self.labels[c]} cell {_text(cell)!r} is one cell merged down over the rows "
                        f"of task {previous_label} and of task {_task_label(self.placed[task_pos])}; read as the "
                        f"{self.labels[c]} of each task it spans"))

        def text_of(role: str) -> list[str]:
            return [ln for pos in cells.get(role, []) for ln in self.placed[pos].lines if ln.strip()]

        def noted(role: str, lines: list[str]) -> list[str]:
            return [NotedLine(lines[0], notes[role]), *lines[1:]] if lines and notes.get(role) else lines

        lines = [ln for ln in self.placed[task_pos].lines if ln.strip()]
        for role in ASIDE_ROLES:       # 备注, 完成时限: lines of their own, which the task parser passes by
            if text := text_of(role):
                label = self._label(role)
                written = self._labelled(role, text, re.compile(rf"^\s*{re.escape(fold(label))}\s*[:：]"))
                note = ("tasks", "table_extra_column", f"{self.where}: the {label} cell of task "
                        f"{_task_label(self.placed[task_pos])}, {chr(10).join(text)!r}, is kept as a line of its own, "
                        "no part of the task's target, milestones or divisions")
                lines += [NotedLine(written[0], [*notes.get(role, []), note], aside=True),
                          *(NotedLine(ln, aside=True) for ln in written[1:])]
        lines += noted("target", self._labelled("target", text_of("target"), TARGET_LINE))
        lines += noted("progress", text_of("progress"))
        for q in range(1, 5):
            if f"q{q}" in cells:
                lines += noted(f"q{q}", self._labelled(f"q{q}", text_of(f"q{q}"), QUARTER_LINE, q)
                               or [self._label(f"q{q}") + "："])
        division = division_line(text_of("divisions"), text_of("lead"), text_of("support"))
        if division:
            lines += noted("divisions", [division])
        return lines

    def _label(self, role: str) -> str:
        return re.sub(r"\s+", "", next(self.labels[c] for c, r in self.roles.items() if r == role)).rstrip(":：")

    def _labelled(self, role: str, lines: list[str], pattern: re.Pattern, quarter: int | None = None) -> list[str]:
        """The cell's lines, the first after the column's header and a colon unless it starts with that already."""
        if not lines:
            return []
        m = pattern.match(fold(lines[0]))
        if m and (quarter is None or QUARTER_NUMBER[next(g for g in m.groups() if g)] == quarter):
            return lines
        return [f"{self._label(role)}：{lines[0]}", *lines[1:]]
