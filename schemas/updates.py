"""Tables taken in from the divisions' progress updates (raw/updates/<document_id>/), and the status vocabulary.

The update file format itself (columns, accepted spellings) is described in raw/updates/README.md.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._fields import ID_SLUG, Date, field, table_meta
from schemas.whitepaper import _ref

REPORTABLE_STATUSES = ["not_started", "in_progress", "completed", "delayed", "cancelled"]
MILESTONE_STATUSES = [*REPORTABLE_STATUSES, "not_reported"]
RATINGS = ["not_reported", "green", "amber", "red"]
REASON_CODES = r"^[a-z][a-z0-9_]*(?:;[a-z][a-z0-9_]*)*$"


def source_file():
    return field("来源文件", "Update file the row was read from, relative to the repository (raw/updates/<document_id>/<file>; "
                 "raw/ whatever the raw folder is called).")


class Updates(pa.DataFrameModel):
    update_id: Series[str] = field("进度报告编号", "Update id: <milestone_id>-<department_id>-<YYYYMMDD of reported_on>; "
                                   "one division reports once per milestone and date, so the id does not depend on the file.",
                                   unique=True)
    document_id: Series[str] = field("文件编号", "White paper the milestone belongs to: the name of the folder the file is in.")
    task_id: Series[str] = field("任务编号", "Task reported on.")
    milestone_id: Series[str] = field("进度节点编号", "Milestone reported on: the task's milestone of the quarter given.")
    quarter: Series[int] = field("季度", "Quarter of the milestone, 1-4.", isin=[1, 2, 3, 4])
    department_id: Series[str] = field("部门编号", "Division that made the report.", str_matches=ID_SLUG)
    role: Series[str] = field("角色", "The division's role on the task: lead (牵头) or support (配合).", isin=["lead", "support"])
    reported_on: Series[Date] = field("报告日期", "Date of the report: the date a file's row gives, or a progress report's "
                                      "publication date (发布时间; the day its text speaks for is period_end).")
    status: Series[str] = field("状态", "Status reported, normalised to the codes of status_rules: not_started, in_progress, "
                                "completed, delayed, cancelled.", isin=REPORTABLE_STATUSES)
    percent_complete: Series[float] = field("完成比例", "Share of the milestone done, 0-100, as reported; null when not given.",
                                            nullable=True, ge=0, le=100)
    actual_value: Series[float] = field("实际值", "Figure reached so far, in the base unit of target_id (as targets.target_value); "
                                        "null when not given.", nullable=True)
    target_id: Series[str] = field("量化目标编号", "Quantified target the actual value is measured against: the milestone's own "
                                   "target, else the task's; null when no actual value is given.", nullable=True)
    evidence_url: Series[str] = field("佐证链接", "http(s) address of evidence for the report; null when not given.",
                                      nullable=True, str_matches=r"^https?://\S+$")
    note: Series[str] = field("备注", "Free-text remark as written; null when not given. For a progress report (进展情况), "
                              "the item's progress paragraphs exactly as written.", nullable=True)
    source_file: Series[str] = source_file()
    source_row: Series[int] = field("来源行", "Row of the file: the spreadsheet row number for .csv and .xlsx (the header is "
                                    "row 1, so the first report is row 2); the position in the array for .json (first object = 1); "
                                    "for a progress report, the row's position among the rows its items give (one per named "
                                    "division), from 1.", ge=1)
    report_id: Series[str] = field("进展报告编号", "For a row read from a progress report (.txt, .html, .docx): the report, "
                                   "whose canonical text is sources/<report_id>.txt; null for the update format's files.",
                                   nullable=True)
    source_start: Series[pd.Int64Dtype] = field("原文起始位置(字符)", "For a progress report: offset in sources/<report_id>.txt "
                                                "where the item starts (its heading, or its table row); null otherwise.",
                                                nullable=True, ge=0)
    source_end: Series[pd.Int64Dtype] = field("原文结束位置(字符)", "For a progress report: offset where the item ends (its "
                                              "evaluation line, or its row's last cell), exclusive; null otherwise.",
                                              nullable=True, ge=0)
    period_end: Series[Date] = field("截至日期", "For a progress report: the day its text speaks for: the 截至 date it states "
                                     "before its items (截至2014年6月30日; 截至9月底 in its title's year), else the end of the "
                                     "period its title names (第二季度, 4-6月: 30 June; 前三季度: 30 September); null when "
                                     "neither is known, and for the update format's files.", nullable=True)
    status_text_zh: Series[str] = field("进度评价原文", "For a progress report: the evaluation phrase as written (按进度完成), "
                                        "which raw/lookups/statuses.csv turned into status; null otherwise.", nullable=True)
    task_match_method: Series[str] = field("任务匹配方式", "For a progress report: number+wording (the item's number named the "
                                           "task and its heading's wording confirmed it) or wording (a table's running "
                                           "number: the wording alone); null otherwise.", nullable=True,
                                           isin=["number+wording", "wording"])
    task_match_score: Series[float] = field("任务措辞相似度", "For a progress report: similarity 0-100 of the item heading "
                                            "to the task title (rapidfuzz.fuzz.partial_ratio, NFKC-normalised, without "
                                            "numbering, brackets and punctuation); accepted from 60; null otherwise.",
                                            nullable=True, ge=0, le=100)
    department_source: Series[str] = field("部门来源", "For a progress report: named (the item or its 责任单位 cell named "
                                           "the division), named_with_agency (it named the division after the "
                                           "agency's own name, 市教育局体卫艺处, read as 体卫艺处; raw_cells keeps it as "
                                           "written) or task_lead (it named none, so the row is the task's lead "
                                           "division's); null otherwise.", nullable=True,
                                           isin=["named", "named_with_agency", "task_lead"])

    class Config:
        name = "updates"
        strict = True
        metadata = table_meta(
            "进度报告", "One row per accepted progress report by one division on one milestone (raw/updates/).",
            ["update_id"],
            [_ref("documents", "document_id"), _ref("tasks", "task_id"), _ref("milestones", "milestone_id"),
             _ref("departments", "department_id"), _ref("task_departments", "task_id", "department_id"),
             _ref("targets", "target_id")])
        unique = ["milestone_id", "department_id", "reported_on"]


class UpdateRejections(pa.DataFrameModel):
    rejection_id: Series[str] = field("退回编号", "Rejection id: <source_file>#<source_row>, or <source_file>#file when the "
                                      "whole file was rejected.", unique=True)
    document_id: Series[str] = field("文件编号", "White paper the file was filed under; null when the folder names no known document.",
                                     nullable=True)
    source_file: Series[str] = source_file()
    source_row: Series[pd.Int64Dtype] = field("来源行", "Row of the file, numbered as in updates.source_row; null when the whole "
                                              "file was rejected.", nullable=True, ge=1)
    level: Series[str] = field("退回范围", "row: one report was rejected; file: the file could not be read as a table of reports.",
                               isin=["row", "file"])
    raw_cells: Series[str] = field("原始内容", "The row's cells as read, as a JSON object {column as written: text}; null for a file.",
                                   nullable=True)
    reasons: Series[str] = field("退回原因", "Every reason the row or file was rejected, each naming the rule and what would "
                                 "have been accepted, joined by '; '.")
    reason_codes: Series[str] = field("原因代码", "Short codes of the reasons, in the same order, joined by ';' "
                                      "(e.g. unknown_task;bad_url). The codes are listed in raw/updates/README.md.",
                                      str_matches=REASON_CODES)
    duplicate_of: Series[str] = field("重复于", "For an exact duplicate, the update_id of the copy that was kept.", nullable=True)
    conflicts_with: Series[str] = field("冲突于", "For a conflicting report, the rejection_id of every other report by the same "
                                        "division on the same milestone and date, joined by '; '.", nullable=True)
    report_id: Series[str] = field("进展报告编号", "For a row of a progress report: the report (sources/<report_id>.txt); "
                                   "null otherwise.", nullable=True)
    source_start: Series[pd.Int64Dtype] = field("原文起始位置(字符)", "For a row of a progress report: where its item starts "
                                                "in sources/<report_id>.txt; null otherwise.", nullable=True, ge=0)
    source_end: Series[pd.Int64Dtype] = field("原文结束位置(字符)", "For a row of a progress report: where its item ends, "
                                              "exclusive; null otherwise.", nullable=True, ge=0)

    class Config:
        name = "update_rejections"
        strict = True
        metadata = table_meta("退回的进度报告", "One row per rejected update row, or per update file that could not be read; "
                              "nothing a division sends is dropped without a row here.",
                              ["rejection_id"], [_ref("documents", "document_id"), _ref("updates", "duplicate_of", to=("update_id",))])


class StatusRules(pa.DataFrameModel):
    rule_id: Series[str] = field("规则编号", "Rule id: <kind>-<code>, e.g. status-delayed, rating-amber.", unique=True)
    kind: Series[str] = field("类别", "status: a milestone status (what a division reports, or not_reported); "
                              "rating: a task rating in task_progress.", isin=["status", "rating"])
    code: Series[str] = field("代码", "The code as it appears in updates.status, milestone_status.status or task_progress.rating.",
                              str_matches=r"^[a-z_]+$")
    label_zh: Series[str] = field("中文名称", "Name in Chinese.")
    label_en: Series[str] = field("英文名称", "Name in English.")
    accepted_values: Series[str] = field("可接受写法", "Spellings an update file may use for this status, joined by '|' "
                                         "(matched ignoring case, spaces and hyphens); null for what a division cannot report.",
                                         nullable=True)
    is_reportable: Series[bool] = field("可报告", "True for a status a division may report; false for not_reported and ratings.")
    is_completed: Series[bool] = field("算作完成", "True when a milestone in this status counts as completed.")
    is_closed: Series[bool] = field("已关闭", "True when a milestone in this status can no longer be overdue (completed, cancelled).")
    overdue_rating: Series[str] = field("逾期时任务评级", "The task rating a milestone past due in this status leads to: for a "
                                        "reported status, when it is overdue; for not_reported, when no report on or after its due "
                                        "date says how it stands (a reporting gap, rated not_reported, never red). Null when a "
                                        "milestone in this status is never overdue, and for ratings.", nullable=True, isin=RATINGS,
                                        meaning=2)
    severity: Series[pd.Int64Dtype] = field("严重程度", "For ratings: the order in which they override each other (a task takes "
                                            "the most severe rating of its past-due milestones); null for statuses.", nullable=True, ge=0)
    description_zh: Series[str] = field("说明", "What the status or rating means, in Chinese.")
    description_en: Series[str] = field("说明(英文)", "What the status or rating means, in English.")

    class Config:
        name = "status_rules"
        strict = True
        metadata = table_meta("状态与评级规则", "The status vocabulary of progress updates and the task rating rule, as data "
                              "(raw/lookups/statuses.csv and ratings.csv).", ["rule_id"])
        unique = ["kind", "code"]


class TargetBaselines(pa.DataFrameModel):
    document_id: Series[str] = field("文件编号", "White paper the target is set in.")
    target_id: Series[str] = field("量化目标编号", "Target of this year's paper.")
    indicator_id: Series[str] = field("指标编号", "Figure of the previous-year review the target is read against.")
    baseline_kind: Series[str] = field("基线类型", "same_measure: the review's figure of the same quantity (955 innovation carriers "
                                       "in total against more than 1000 in total); running_total: for a target counting what is new "
                                       "in the year, the cumulative total it adds to (45 teams so far, 10 more planned).",
                                       isin=["same_measure", "running_total"])
    target_text_zh: Series[str] = field("目标原文", "The target's quantity as printed, for the reviewer (targets.value_text_zh).")
    indicator_text_zh: Series[str] = field("指标原文", "The review figure as printed, for the reviewer (indicators.value_text_zh).")
    reason_en: Series[str] = field("理由", "Why the reviewer matched the two.")

    class Config:
        name = "target_baselines"
        strict = True
        metadata = table_meta("目标基线对照", "Reviewed crosswalk from a quantified target to the previous-year figure it continues "
                              "(raw/lookups/target_baselines.csv).", ["target_id", "baseline_kind"],
                              [_ref("documents", "document_id"), _ref("targets", "target_id"), _ref("indicators", "indicator_id")])


UPDATE_TABLES = {m.Config.name: m for m in (Updates, UpdateRejections, StatusRules, TargetBaselines)}
