"""The columns of a progress table: which header cell is the task, the division, the progress, the evaluation.

Columns are found by their header words (HEADER). A year-end table may head its progress 完成情况 (or 完成进度)
beside an evaluation column (目标完成情况, 完成评价, 评价): 完成情况 is then the progress. Where it stands alone
beside a 进展情况 column it is the evaluation, as before; where there is no 进展 column and no other evaluation
column, what its cells hold decides: evaluation words only (已完成, 按进度完成: raw/lookups/statuses.csv) make it
the evaluation, anything else the progress. Where that leaves two evaluation columns and no progress, or a third
column beside progress and evaluation, the table is not read, and why() names the columns found and accepted.
"""

from __future__ import annotations

import functools
import re

from flows.updates.format import header_key, load_statuses
from flows.updates.reports.forms import Span
from flows.whitepaper.text import fold

HEADER = {  # column → words a header cell of the table shape holds (the first column to match takes it)
    "number": re.compile(r"^\s*(?:序号|编号|序)\s*$"),
    "completion": re.compile(r"^\s*(?:完成情况|完成进度)\s*$"),   # progress or evaluation: resolve() decides
    "evaluation": re.compile(r"评价|^\s*目标完成情况\s*$|完成情况(?!.*进展)"),
    "progress": re.compile(r"进展|进度情况|推进情况"),
    "remark": re.compile(r"^\s*备\s*注\s*$"),
    "units": re.compile(r"单位|部门"),           # every such column: 牵头单位 and 配合单位 both name divisions
    "heading": re.compile(r"任务|项目|事项|实事|内容"),
}
ROLE_ZH = {"number": "序号", "heading": "任务", "units": "单位", "progress": "进展", "evaluation": "评价",
           "remark": "备注", "completion": "完成情况"}


def roles(text: str, row: list[Span | None]) -> dict[str, list[int]]:
    """Columns of each role a header row's words give, 完成情况/完成进度 left as completion."""
    found: dict[str, list[int]] = {}
    for c, cell in enumerate(row):
        value = fold(text[cell[0]:cell[1]]) if cell else ""
        role = next((r for r, pattern in HEADER.items() if pattern.search(value) and (r == "units" or r not in found)), None)
        if role and (not found.get(role) or found[role][-1] != c):
            found.setdefault(role, []).append(c)
    return found


@functools.cache
def _statuses() -> frozenset[str]:
    return frozenset(load_statuses())


def verdict_only(value: str) -> bool:
    """已完成。/按进度完成: a cell that is a status word of raw/lookups/statuses.csv and nothing more."""
    return header_key(value.strip().rstrip("。.；;！! ")) in _statuses()


def column_holds_verdicts(text: str, rows: list[list[Span | None]], column: int) -> bool:
    """Every filled cell of the column under the header (a group row's one cell aside) is a status word only."""
    values = [text[slice(*row[column])] for row in rows if column < len(row) and row[column] is not None
              and len({c for c in row if c is not None}) > 1 and text[slice(*row[column])].strip()]
    return bool(values) and all(verdict_only(v) for v in values)


def resolve(found: dict[str, list[int]], text: str = "", rows: list[list[Span | None]] | None = None) -> dict[str, list[int]] | None:
    """found with completion given its role, or None when the row is not the header of a progress table (or the
    completion column's role is not unambiguous). Without the rows under it (rows None), completion counts as
    the progress it may be: the row is a header, which column is which is for the table's reading."""
    found = dict(found)
    completion = found.pop("completion", None)
    if completion:
        if "progress" in found and "evaluation" not in found:
            found["evaluation"] = completion
        elif "progress" in found:
            return None                                  # 进展情况 | 完成情况 | 评价: which is the verdict is not guessed
        elif rows is None:
            found["progress"] = completion
        elif column_holds_verdicts(text, rows, completion[0]):
            if "evaluation" in found:
                return None                              # two evaluation columns and no progress
            found["evaluation"] = completion
        else:
            found["progress"] = completion
    if "heading" not in found or not ({"progress", "evaluation"} & set(found)):
        return None
    if "progress" not in found and not completion:
        return None                          # a table with no progress column of any name is no progress table
    return found


def why(text: str, header: list[Span | None], found: dict[str, list[int]]) -> str:
    """The columns a header row names, those read, and why the table is not read as a progress table."""
    cells = [fold(text[c[0]:c[1]]).strip() if c else "" for c in header]
    named = " | ".join(cells)
    taken = {c: r for r, cols in found.items() for c in cols}
    read = ", ".join(f"{cells[c]} as {ROLE_ZH[r]}" for c, r in sorted(taken.items()) if r != "completion") or "none"
    completion = [cells[c] for c in found.get("completion", [])]
    if completion and "progress" in found:
        reason = (f"{completion[0]} stands beside the progress column {cells[found['progress'][0]]} and the "
                  f"evaluation column {cells[found['evaluation'][0]]}" if "evaluation" in found else "")
        reason = reason and f"{reason}, so which column holds the verdict is not guessed"
    elif completion and "evaluation" in found:
        reason = (f"{completion[0]} holds only evaluation words (已完成…) as {cells[found['evaluation'][0]]} does: two "
                  "evaluation columns and no progress column, so which verdict holds is not guessed")
    else:
        reason = "no progress column (进展情况, 完成情况, 完成进度, 工作进展)"
    return (f"a table with the columns {named} was found; read: {read}; {reason}. Accepted as progress: 进展情况 "
            "(any header with 进展), 完成情况 or 完成进度; as evaluation: 进度评价/完成评价/评价, 目标完成情况, or 完成情况 "
            "beside a 进展 column")
