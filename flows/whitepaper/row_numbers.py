"""A task table whose tasks are numbered only in its 序号 column: the numbers task_table.py writes before the titles.

    序号 | 工作任务       | …              →    1、推进基础教育…
    1    | 推进基础教育… | …                   …

The task parser (tasks.py) reads a task by the numbering its first line starts with; a title written without one
(no （一）, no 1、) would leave section 三 with no numbered task. When the 序号 cells of a table's tasks run 1, 2,
3 … (digits, or 一、二、三 …, in one kind; a table continued from the one before goes on with its numbers) and no
task cell carries numbering of its own, each task's first line is written `<序号>、<title as written>`, which
tasks.py reads in its 1、 (or 一、) numbering, and the table gets one quality note (task_numbered_by_row_number).
Anything else (a gap, a repeat, text in a 序号 cell, a 序号 on a row that starts no task, a title numbered
already) is left as it was: the 序号 is left out.
"""

from __future__ import annotations

import re

from flows.whitepaper.source_doc import NUMBERED
from flows.whitepaper.table_header import cell_text
from flows.whitepaper.text import cn_number, fold

ROW_NUMBER = re.compile(r"(\d{1,3})|([一二三四五六七八九十]+)")
# The numberings tasks.py reads a task by (its OTHER_STYLES, and the template's (一) as NUMBERED): a title starting
# with one is numbered already.
OWN_NUMBERING = re.compile(r"^(?:\(\s*\d{1,3}\s*\)|\d{1,3}\s*\.(?!\d)|\d{1,3}\s*、|[一二三四五六七八九十]+\s*、)")


def row_numbers(table) -> dict[int, str]:
    """{first row of a task → its 序号 as written} when the table's tasks are numbered by their 序号 only, else {}.

    table is a task_table._TaskTable (its roles, cover, placed, groups, body and the table it continues, after);
    the result is kept on it, for the table that continues it.
    """
    if not hasattr(table, "_row_numbers"):
        table._row_numbers = _row_numbers(table)
    return table._row_numbers


def _row_numbers(table) -> dict[int, str]:
    number_col = next((c for c, role in table.roles.items() if role == "number"), None)
    task_col = next(c for c, role in table.roles.items() if role == "task")
    if number_col is None:
        return {}
    task_rows = [rows[0] for kind, rows, _ in table.groups if kind == "task"
                 and table.cover.get((rows[0], task_col)) == (rows[0], task_col)
                 and cell_text(table.placed[(rows[0], task_col)]).strip()]
    other_rows = {r for kind, rows, _ in table.groups if kind != "task" for r in rows}
    # every 序号 cell with text below the header, but for rows across the table (a group row's text is its own)
    numbered = [r for (r, c), cell in sorted(table.placed.items())
                if c == number_col and r >= table.body and r not in other_rows and cell_text(cell).strip()]
    if not task_rows or numbered != task_rows:
        return {}
    before = row_numbers(table.after) if table.after is not None else None
    if table.after is not None and not before:
        return {}
    start, kinds, found = (cn_number(_kind(before[max(before)])[1]) + 1 if before else 1), set(), {}
    for i, r in enumerate(task_rows):
        text = cell_text(table.placed[(r, number_col)]).strip()
        kind = _kind(text)
        title = fold(cell_text(table.placed[(r, task_col)]).strip())
        if kind is None or cn_number(kind[1]) != start + i or NUMBERED.match(title) or OWN_NUMBERING.match(title):
            return {}
        kinds.add(kind[0])
        found[r] = text
    if before:
        kinds.add(_kind(before[max(before)])[0])
    return found if len(kinds) == 1 else {}


def _kind(text: str) -> tuple[str, str] | None:
    """('digits' or 'chinese', the number) for a 序号 cell of a number alone."""
    m = ROW_NUMBER.fullmatch(fold(text).strip())
    if not m:
        return None
    return ("digits", m.group(1)) if m.group(1) else ("chinese", m.group(2))


def note(table, numbers: dict[int, str]) -> tuple[str, str, str]:
    first, last = numbers[min(numbers)], numbers[max(numbers)]
    return ("tasks", "task_numbered_by_row_number", (
        f"{table.where}: its task cells carry no numbering of their own; each task's number ({first} to {last}) is "
        f"taken from the 序号 column and written before its title ({first}、…), as section 三's task numbering"))
