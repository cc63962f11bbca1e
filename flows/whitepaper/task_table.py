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
the template's three columns gives exactly the lines it gave when read cell by cell. The row number is not
text of the task and is left out. A header row typed again (a table continued on the next page) is skipped,
and a cell merged down over the rows of two tasks is read for each; both become quality notes, carried on the
line they concern (NotedLine) to forms.read_paper, which turns them into offsets. A task table with a header
cell this reader does not know, over a column holding text, is refused (SourceError): never read by guess.
"""

from __future__ import annotations

import re

from flows.whitepaper.layout import Cell, place, reading_order
from flows.whitepaper.source_doc import NUMBERED
from flows.whitepaper.text import SourceError, fold

# Header names, folded and without whitespace or a trailing colon, → the column's role.
ROLES = {
    "number": ("序号", "编号"),
    "task": ("工作任务", "任务", "项目", "工作项目", "任务名称"),
    "target": ("目标", "年度目标", "工作目标", "全年目标"),
    "progress": ("目标及进度", "目标与进度", "目标和进度", "进度", "进度安排", "季度进度", "工作进度", "时间进度",
                 "进度计划", "计划进度"),
    "divisions": ("责任部门", "责任单位", "责任处室"),
    "lead": ("牵头部门", "牵头单位", "牵头处室"),
    "support": ("配合部门", "配合单位", "配合处室", "协办部门", "协办单位", "协助部门", "参与部门"),
}
QUARTER_HEADER = re.compile(r"(?:第([一二三四1-4])季度|([一二三四1-4])季度|[Qq]([1-4]))")
QUARTER_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
QUARTER_LINE = re.compile(r"^\s*(?:第\s*([一二三四1-4])\s*季度|([一二三四1-4])\s*季度|[Qq]([1-4]))")
TARGET_LINE = re.compile(r"^\s*(?:年度|全年|工作)?目标\s*[:：]")
ROLE_WORD = re.compile(r"牵头|负责|配合|协助|参与")
ACCEPTED = ("序号/编号 (left out), 工作任务/任务/项目 (the task), 目标/年度目标/工作目标, 目标及进度/进度/进度安排 "
            "(target and quarters as lines), 第一季度…第四季度 (a column per quarter), 责任部门/责任单位, "
            "牵头部门/牵头单位, 配合部门/配合单位/协办部门")
DIVISION_TABLE = {"divisions": "task_departments", "lead": "task_departments", "support": "task_departments"}


class NotedLine(str):
    """A line of text that carries quality notes about it: (table_name, flag, detail) tuples.

    A str, so it goes through the readers' lists and reading_order like any line; forms.read_paper collects
    the notes with the line's offsets in the canonical text.
    """

    notes: tuple[tuple[str, str, str], ...]

    def __new__(cls, text: str, notes=()):
        line = super().__new__(cls, text)
        line.notes = tuple(notes)
        return line


def carry_notes(old: str, new: str) -> str:
    """new, with old's notes if old is a NotedLine (str methods such as strip return a plain str)."""
    return NotedLine(new, old.notes) if isinstance(old, NotedLine) and old.notes else new


def header_role(text: str) -> str | None:
    """'task', 'target', 'progress', 'q1'…'q4', 'number', 'divisions', 'lead', 'support' or None for a header cell."""
    key = re.sub(r"\s+", "", fold(text)).rstrip(":")
    if m := QUARTER_HEADER.fullmatch(key):
        return f"q{QUARTER_NUMBER[next(g for g in m.groups() if g)]}"
    return next((role for role, names in ROLES.items() if key in names), None)


def _task_label(cell: Cell) -> str:
    """(二) for a task cell numbered so, else its first words."""
    first = _text(cell).split("\n")[0]
    m = NUMBERED.match(fold(first).strip())
    return m.group(0).strip() if m else repr(first.strip()[:20])


def _text(cell: Cell) -> str:
    return "\n".join(ln for ln in cell.lines if ln.strip())


class TaskTables:
    """The table reader of a white paper's web page or Word document: read_table for html_page and word.

    Called with a table's rows of cells: the template's lines of a task table (see the module), or the cells in
    layout.reading_order for any other table. SourceError naming source_file for a task table whose header it
    cannot map.
    """

    def __init__(self, source_file: str):
        self.source_file = source_file
        self.seen = 0     # tables read so far, to name the one refused

    def __call__(self, rows: list[list[Cell]]) -> list[str]:
        self.seen += 1
        placed = place(rows)
        header = _header_row(rows, placed)
        if header is None:
            return reading_order(rows)
        return _TaskTable(rows, placed, header, f"{self.source_file}, table {self.seen}").lines()


def _header_row(rows: list[list[Cell]], placed: dict) -> int | None:
    """The first of the table's first rows naming a task column and a target, quarter or division column."""
    for r in range(min(len(rows), 4)):
        roles = {header_role(_text(cell)) for (row, _), cell in placed.items() if row == r}
        if "task" in roles and roles & {"target", "progress", "divisions", "lead", "support", "q1", "q2", "q3", "q4"}:
            return r
    return None


class _TaskTable:
    def __init__(self, rows: list[list[Cell]], placed: dict, header: int, where: str):
        self.rows, self.placed, self.where = rows, placed, where
        self.cover: dict[tuple[int, int], tuple[int, int]] = {}    # every grid position → its cell's top-left
        for (r, c), cell in placed.items():
            for dr in range(max(cell.rowspan, 1)):
                for dc in range(max(cell.colspan, 1)):
                    self.cover[(r + dr, c + dc)] = (r, c)
        self.width = max((c for _, c in self.cover), default=-1) + 1
        self.first = header
        self.body = header + 1
        while self.body < len(rows) and self._is_header_like(self.body):   # 进度安排 over 第一季度 … 第四季度
            self.body += 1
        self.labels = self._labels()
        self.roles = {c: header_role(label) for c, label in self.labels.items()}
        self._check_columns()

    def _origins(self, r: int) -> list[tuple[int, int]]:
        return [pos for pos in self.placed if pos[0] == r]

    def _is_header_like(self, r: int) -> bool:
        texts = [_text(self.placed[pos]) for pos in self._origins(r)]
        texts = [t for t in texts if t.strip()]
        return bool(texts) and all(header_role(t) for t in texts)

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
        seen: dict[str, str] = {}
        for c in range(self.width):
            role, label = self.roles.get(c), self.labels.get(c, "")
            if role is None:
                if any(_text(self.placed[pos]).strip() for r in range(self.body, len(self.rows))
                       if (pos := self.cover.get((r, c))) is not None and pos[1] == c and pos[0] >= self.body):
                    what = f"header cell {label!r}" if label else "no header cell"
                    raise SourceError(f"{self.where}: the task table's column {c + 1} has {what}, which this reader "
                                      f"does not understand; accepted headers: {ACCEPTED}")
                continue
            family = "lead" if role == "divisions" else role     # 责任部门 and 牵头部门 both name the lead
            if family in seen and role != "number":
                raise SourceError(f"{self.where}: the task table has two columns for the same thing ({seen[family]!r} "
                                  f"and {label!r}); expected each of {ACCEPTED} at most once")
            seen[family] = label
        if not seen.keys() & {"lead", "support"}:
            raise SourceError(f"{self.where}: the task table has no column of responsible divisions (责任部门, 牵头部门 "
                              f"or 配合部门); its headers are {' | '.join(self.labels.values())}")

    def lines(self) -> list[str]:
        out = reading_order(self.rows[:self.first]) + reading_order(self.rows[self.first:self.body])
        task_col = next(c for c, role in self.roles.items() if role == "task")
        groups: list[tuple[list[int], list]] = []      # rows of each task, or no rows and a header's note
        for r in range(self.body, len(self.rows)):
            if self._is_header_like(r) and len([p for p in self._origins(r) if _text(self.placed[p]).strip()]) >= 2:
                shown = " | ".join(_text(self.placed[p]).strip() for p in sorted(self._origins(r), key=lambda p: p[1]))
                groups.append(([], [("tasks", "repeated_table_header",
                                     f"{self.where}: row {r + 1} repeats the task table's header ({shown}), as a "
                                     "table continued on a new page does; read as a header, not as a task")]))
                continue           # the header ends a task: a cell below it starts the next
            pos = self.cover.get((r, task_col))
            starts = pos == (r, task_col) and _text(self.placed[pos]).strip()
            if starts or not groups:
                groups.append(([r], []))
            else:
                groups[-1][0].append(r)
        pending: list[tuple[str, str, str]] = []      # notes for the next line written
        previous_label = None
        for group, notes in groups:
            pending += notes
            if not group:
                continue
            task_pos = self.cover.get((group[0], task_col))
            if task_pos is None or task_pos[0] != group[0] or not _text(self.placed[task_pos]).strip():
                lines = [ln for r in group for pos in sorted(self._origins(r), key=lambda p: p[1])
                         if self.roles.get(pos[1]) != "number" for ln in self.placed[pos].lines]   # before a task
            else:
                lines = self._task_lines(group, task_pos, previous_label)
                previous_label = _task_label(self.placed[task_pos])
            if lines and pending:
                lines[0] = NotedLine(lines[0], pending + list(getattr(lines[0], "notes", ())))
                pending = []
            out += lines
        if pending and out:        # a header typed again after the last task
            out[-1] = NotedLine(out[-1], getattr(out[-1], "notes", ()) + tuple(pending))
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
        lines += noted("target", self._labelled("target", text_of("target"), TARGET_LINE))
        lines += noted("progress", text_of("progress"))
        for q in range(1, 5):
            if f"q{q}" in cells:
                lines += noted(f"q{q}", self._labelled(f"q{q}", text_of(f"q{q}"), QUARTER_LINE, q)
                               or [self._label(f"q{q}") + "："])
        division = self._division_line(text_of("divisions"), text_of("lead"), text_of("support"))
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

    @staticmethod
    def _division_line(divisions: list[str], lead: list[str], support: list[str]) -> str | None:
        """One line of the divisions, as tasks.py reads it: 'A处牵头，B处、C处配合'; a 责任部门 cell as written."""
        def joined(lines: list[str], sep: str) -> str:
            # A cell's names on lines of their own: joined as a list, unless a line ends with a separator already.
            text = ""
            for ln in (x.strip() for x in lines):
                text += (sep if text and not re.search(r"[,，;；、]$", text) else "") + ln
            return text
        lead_text = joined(divisions + lead, "、" if not divisions else "，")
        if not lead and not support:
            return lead_text or None
        if lead_text and not ROLE_WORD.search(lead_text):
            lead_text += "牵头"
        support_text = joined(support, "、")
        if support_text and not ROLE_WORD.search(support_text):
            support_text += "配合"
        return "，".join(t for t in (lead_text, support_text) if t) or None
