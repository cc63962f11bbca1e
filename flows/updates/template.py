"""A ready-to-fill update sheet for one white paper: a row per milestone with text and responsible division, Chinese headers.

The task, quarter and division are filled in; grey columns (task title, milestone text, due date, target,
role) are there to read and are ignored when the sheet is read back. A division fills in 报告日期 and 状态
(and the optional columns), deletes the rows it does not report on, and runs `whitepaper check`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from flows.updates.format import INFO_COLUMNS

QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
ROLE_ZH = {"lead": "牵头", "support": "配合"}
HEADER = ["任务", "任务名称", "季度", "进度内容", "到期日", "量化目标", "责任部门", "角色",
          "报告日期", "状态", "完成比例", "实际值", "佐证链接", "备注"]
READ_ONLY = set(INFO_COLUMNS.values())
STATUS_CHOICES = ["未启动", "推进中", "已完成", "滞后", "已取消"]
INSTRUCTIONS = [
    ["填写说明 How to fill in this sheet"],
    ["每行是一个责任部门对一个季度进度的一次报告。One row is one report by one division on one milestone."],
    ["必填:任务、季度、责任部门、报告日期、状态。Required: task, quarter, division, report date, status."],
    ["报告日期写作 2014-06-30、2014/6/30 或 2014年6月30日,不得早于计划年度,不得晚于今天。"],
    ["状态:未启动、推进中、已完成、滞后、已取消(或 not_started, in_progress, completed, delayed, cancelled)。"],
    ["完成比例 0–100;实际值只在有量化目标时填写,单位与目标相同(两个目标时在数字后写单位,如 38个)。"],
    ["佐证链接须以 http:// 或 https:// 开头。灰色列仅供参考,读取时忽略。不报告的行请删除。"],
    ["提交前检查 Check before sending: whitepaper check <file> --document <document_id>"],
]


def template_frame(tables: dict[str, pd.DataFrame], document_id: str) -> pd.DataFrame:
    """The template's rows: every milestone of the document with text × each division responsible for its task.

    A quarter the paper leaves empty gets no row: nothing is due, and intake refuses a report on it (empty_milestone).
    """
    tasks = tables["tasks"][tables["tasks"]["document_id"] == document_id]
    if tasks.empty:
        raise ValueError(f"{document_id}: no tasks in this white paper; is the document id right (e.g. szsti-2014)?")
    milestones = tables["milestones"].merge(tasks[["task_id", "task_seq", "title_zh"]], on="task_id")
    milestones = milestones[milestones["text_zh"].fillna("").astype(str).str.strip() != ""]
    roles = tables["task_departments"].merge(tables["departments"][["department_id", "name_zh"]], on="department_id")
    targets = tables["targets"]
    rows = []
    for m in milestones.sort_values(["task_seq", "quarter"]).itertuples(index=False):
        own = targets[targets["milestone_id"] == m.milestone_id]
        stated = own if not own.empty else targets[(targets["task_id"] == m.task_id) & targets["milestone_id"].isna()]
        for d in roles[roles["task_id"] == m.task_id].sort_values("department_seq").itertuples(index=False):
            rows.append({"任务": int(m.task_seq), "任务名称": m.title_zh, "季度": QUARTER_ZH[int(m.quarter)],
                         "进度内容": m.text_zh if isinstance(m.text_zh, str) else "", "到期日": m.due_date.isoformat(),
                         "量化目标": ";".join(stated["value_text_zh"]), "责任部门": d.name_zh, "角色": ROLE_ZH[d.role],
                         **{h: "" for h in HEADER[8:]}})
    return pd.DataFrame(rows, columns=HEADER)


def write_template(tables: dict[str, pd.DataFrame], document_id: str, out: Path) -> int:
    """Write the template as .xlsx or .csv (UTF-8 with BOM, so Excel shows the Chinese); return the number of rows."""
    out = Path(out)
    frame = template_frame(tables, document_id)
    if out.suffix.lower() == ".csv":
        with open(out, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows(frame.itertuples(index=False, name=None))
    elif out.suffix.lower() == ".xlsx":
        _write_xlsx(frame, out)
    else:
        raise ValueError(f"{out}: the template is written as .xlsx or .csv, not {out.suffix or 'a file without extension'}")
    return len(frame)


def _write_xlsx(frame: pd.DataFrame, out: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "进度报告"
    sheet.append(HEADER)
    for row in frame.itertuples(index=False, name=None):
        sheet.append(list(row))
    grey = PatternFill("solid", fgColor="EEEEEE")
    for col, name in enumerate(HEADER, start=1):
        sheet.cell(1, col).font = Font(bold=True)
        letter = sheet.cell(1, col).column_letter
        sheet.column_dimensions[letter].width = 40 if name in ("任务名称", "进度内容", "备注") else 14
        for r in range(1, len(frame) + 2):
            cell = sheet.cell(r, col)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
            if name in READ_ONLY:
                cell.fill = grey
            if name == "报告日期" and r > 1:
                cell.number_format = "@"  # typed dates stay as written (2014-06-30), read back as text
    statuses = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True)
    sheet.add_data_validation(statuses)
    status_col = sheet.cell(1, HEADER.index("状态") + 1).column_letter
    statuses.add(f"{status_col}2:{status_col}{max(len(frame) + 1, 2)}")
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明")
    for line in INSTRUCTIONS:
        notes.append(line)
    notes.column_dimensions["A"].width = 120
    workbook.save(out)

