"""A task table's header: what each header cell names (header_role), which row is the header, and the line of
text a reader writes for it (NotedLine), shared by task_table.py and the task parser (tasks.py).

Besides the columns of the template's lines (task, target, quarters, divisions), agencies add a 备注 or 说明
column (remarks) and a 完成时限 or 时间节点 column (a deadline). Those are no part of a task's target,
milestones or divisions: their cells are kept as lines of their own, after the column's name ("备注：…"), that
the task parser passes by (NotedLine.aside).
"""

from __future__ import annotations

import re

from flows.whitepaper.layout import Cell
from flows.whitepaper.text import SourceError, fold

# Header names, folded and without whitespace or a trailing colon, → the column's role.
ROLES = {
    "number": ("序号", "编号"),
    "task": ("工作任务", "任务", "项目", "工作项目", "任务名称"),
    "target": ("目标", "年度目标", "工作目标", "全年目标", "主要目标", "具体目标", "预期目标"),
    "progress": ("目标及进度", "目标与进度", "目标和进度", "进度", "进度安排", "季度进度", "工作进度", "时间进度",
                 "进度计划", "计划进度"),
    "divisions": ("责任部门", "责任单位", "责任处室"),
    "lead": ("牵头部门", "牵头单位", "牵头处室"),
    "support": ("配合部门", "配合单位", "配合处室", "协办部门", "协办单位", "协助部门", "参与部门"),
    "remarks": ("备注", "说明", "备注说明"),
    "deadline": ("完成时限", "时间节点", "完成时间"),
}
ROLE_WORD = re.compile(r"牵头|负责|配合|协助|参与")
ASIDE_ROLES = ("remarks", "deadline")     # columns kept as labelled lines that are no part of the task
QUARTER_HEADER = re.compile(r"(?:第([一二三四1-4])季度|([一二三四1-4])季度|[Qq]([1-4]))")
QUARTER_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
ACCEPTED = ("序号/编号 (left out), 工作任务/任务/项目 (the task), 目标/年度目标/工作目标/主要目标/具体目标/预期目标, "
            "目标及进度/进度/进度安排 (target and quarters as lines), 第一季度…第四季度 (a column per quarter), "
            "责任部门/责任单位, 牵头部门/牵头单位, 配合部门/配合单位/协办部门, 备注/说明 and 完成时限/时间节点 "
            "(kept as lines of their own)")


class NotedLine(str):
    """A line of text that carries quality notes about it: (table_name, flag, detail) tuples; aside when it is a
    line of the table that is no part of any task (a group row, a 备注 cell), which the task parser passes by.

    A str, so it goes through the readers' lists and reading_order like any line; forms.read_paper collects
    the notes with the line's offsets in the canonical text, and the offsets of the lines aside.
    """

    notes: tuple[tuple[str, str, str], ...]
    aside: bool

    def __new__(cls, text: str, notes=(), aside: bool = False):
        line = super().__new__(cls, text)
        line.notes = tuple(notes)
        line.aside = aside
        return line


def carry_notes(old: str, new: str) -> str:
    """new, with old's notes if old is a NotedLine (str methods such as strip return a plain str)."""
    if isinstance(old, NotedLine) and (old.notes or old.aside):
        return NotedLine(new, old.notes, old.aside)
    return new


def header_role(text: str) -> str | None:
    """'task', 'target', 'progress', 'q1'…'q4', 'number', 'divisions', 'lead', 'support', 'remarks', 'deadline'
    or None for a header cell."""
    key = re.sub(r"\s+", "", fold(text)).rstrip(":")
    if m := QUARTER_HEADER.fullmatch(key):
        return f"q{QUARTER_NUMBER[next(g for g in m.groups() if g)]}"
    return next((role for role, names in ROLES.items() if key in names), None)


def cell_text(cell: Cell) -> str:
    return "\n".join(ln for ln in cell.lines if ln.strip())


def header_row(rows: list[list[Cell]], placed: dict) -> int | None:
    """The first of the table's first rows naming a task column and a target, quarter or division column."""
    for r in range(min(len(rows), 4)):
        roles = {header_role(cell_text(cell)) for (row, _), cell in placed.items() if row == r}
        if "task" in roles and roles & {"target", "progress", "divisions", "lead", "support", "q1", "q2", "q3", "q4"}:
            return r
    return None


def check_columns(roles: dict[int, str | None], labels: dict[int, str], width: int, filled: set[int], where: str) -> None:
    """SourceError naming the table (where) for a column of text (filled) whose header is not known, two columns of
    the same thing, or no column of divisions."""
    seen: dict[str, str] = {}
    for c in range(width):
        role, label = roles.get(c), labels.get(c, "")
        if role is None:
            if c in filled:
                what = f"header cell {label!r}" if label else "no header cell"
                raise SourceError(f"{where}: the task table's column {c + 1} has {what}, which this reader does not "
                                  f"understand; accepted headers: {ACCEPTED}")
            continue
        family = "lead" if role == "divisions" else role     # 责任部门 and 牵头部门 both name the lead
        if family in seen and role != "number":
            raise SourceError(f"{where}: the task table has two columns for the same thing ({seen[family]!r} and "
                              f"{label!r}); expected each of {ACCEPTED} at most once")
        seen[family] = label
    if not seen.keys() & {"lead", "support"}:
        raise SourceError(f"{where}: the task table has no column of responsible divisions (责任部门, 牵头部门 or "
                          f"配合部门); its headers are {' | '.join(labels.values())}")


def division_line(divisions: list[str], lead: list[str], support: list[str]) -> str | None:
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
