"""The summaries of targets against completion: DuckDB views (sql/<name>.sql), published as tables too.

Every summary is computed as of a date: the release's as_of_date in the views, any date in the
<name>_at(DATE) macros. as_of_date is repeated on each row so a saved extract says when it was true.

Known good, known bad and unknown are kept apart: a milestone is overdue, late or not on time only when an accepted
report says so; past its due date with no report on its outcome it is unreported past due (a reporting gap), and
every rate is over the outcomes that are known, null when none is. A report counts from the day it was made
(updates.reported_on) and speaks for the day it states: a progress report's period end (updates.period_end: its 截至
date, else the end of the period its title names) when that is not after its publication, else reported_on. Columns whose meaning changed with this rule
carry meaning=2 (schemas/_fields.field), which makes the release a new major version.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._fields import Date, field, table_meta
from schemas.updates import MILESTONE_STATUSES, RATINGS
from schemas.whitepaper import _ref



def as_of_date():
    return field("截至日期", "Date the summary is computed as of: reports dated after it are not counted.")


def count(zh: str, en: str):
    return field(zh, en, ge=0)


class MilestoneStatus(pa.DataFrameModel):
    document_id: Series[str] = field("文件编号", "White paper.")
    task_id: Series[str] = field("任务编号", "Task.")
    task_seq: Series[int] = field("任务序号", "Number of the task in section 三.", ge=1)
    milestone_id: Series[str] = field("进度节点编号", "Milestone.", unique=True)
    quarter: Series[int] = field("季度", "Quarter of the plan year, 1-4.", isin=[1, 2, 3, 4])
    due_date: Series[Date] = field("到期日", "Last day of the quarter.")
    text_zh: Series[str] = field("进度内容", "What is due, as written; null where the paper leaves the quarter empty.", nullable=True)
    has_text: Series[bool] = field("有进度内容", "False where the paper leaves the quarter empty: nothing is due, so it is never overdue.")
    as_of_date: Series[Date] = as_of_date()
    status: Series[str] = field("状态", "Status of the accepted report, made on or before as_of_date, that speaks for the latest "
                                "day (a progress report for its 截至 date; on the same day the lead division's report wins, then "
                                "the later one); not_reported when there is none, which is never the same as delayed.",
                                isin=MILESTONE_STATUSES)
    status_zh: Series[str] = field("状态(中文)", "The status in Chinese, from status_rules.")
    status_en: Series[str] = field("状态(英文)", "The status in English, from status_rules.")
    reported_on: Series[Date] = field("报告日期", "Date the report the status comes from was made (a progress report's publication "
                                      "date); null when not reported.", nullable=True)
    reported_by_department_id: Series[str] = field("报告部门编号", "Division whose report the status comes from.", nullable=True)
    reported_by_zh: Series[str] = field("报告部门", "That division's name as printed.", nullable=True)
    reported_by_role: Series[str] = field("报告部门角色", "Its role on the task: lead or support.", nullable=True, isin=["lead", "support"])
    update_id: Series[str] = field("进度报告编号", "The report the status comes from (updates.update_id).", nullable=True)
    percent_complete: Series[float] = field("完成比例", "Percent complete given in that report; null when not given.",
                                            nullable=True, ge=0, le=100)
    first_completed_on: Series[Date] = field("首次报告完成日期", "Earliest day a report made on or before as_of_date says the "
                                             "milestone was completed by (a progress report's 截至 date, else the report's "
                                             "date); null if none did.", nullable=True)
    is_completed: Series[bool] = field("是否完成", "True when the status is completed.")
    is_overdue: Series[bool] = field("是否逾期（已报告）", "True only when an accepted report says the milestone was not done by "
                                     "its due date: as_of_date is after the due date, the quarter has text, and the latest "
                                     "report, speaking for the due date or a later day, is neither completed nor cancelled. A milestone "
                                     "nobody reported on is never overdue (see is_unreported_past_due).", meaning=2)
    is_on_time: Series[pd.BooleanDtype] = field(
        "是否按时完成", "True when the milestone is completed and was first reported completed on or before its due date; false "
        "when it is known late (first reported completed after the due date, or overdue); null while the outcome is unknown "
        "(not yet due and not completed, unreported past due, cancelled, or an empty quarter).", nullable=True, meaning=2)
    days_late: Series[pd.Int64Dtype] = field(
        "逾期天数", "Known lateness only. Completed: days from the due date to first_completed_on (0 when on time). Overdue: days "
        "from the due date to the day the latest report says it was still not done (at least that late, 0 when it speaks for "
        "the due date itself). Null otherwise, and always null where nobody reported.", nullable=True, ge=0,
        meaning=2)
    is_unreported_past_due: Series[bool] = field(
        "逾期未报告", "True when the milestone is past due (as_of_date after the due date, the quarter has text, not completed or "
        "cancelled) and no accepted report speaking for its due date or a later day says how it stands: a reporting gap, its outcome "
        "unknown — never counted as overdue or late.")
    days_since_due: Series[pd.Int64Dtype] = field(
        "距到期日天数", "Days from the due date to as_of_date for a milestone past due and not completed or cancelled (overdue or "
        "unreported past due): time elapsed, not lateness. Null otherwise.", nullable=True, ge=1)

    class Config:
        name = "milestone_status"
        strict = True
        metadata = table_meta("季度进度状态", "One row per milestone: its reported status as of a date, overdue only "
                              "when a report says so, past due and unreported otherwise (view; macro "
                              "milestone_status_at(DATE)).", ["milestone_id"],
                              [_ref("milestones", "milestone_id"), _ref("updates", "update_id")])


class TaskProgress(pa.DataFrameModel):
    document_id: Series[str] = field("文件编号", "White paper.")
    task_id: Series[str] = field("任务编号", "Task.", unique=True)
    task_seq: Series[int] = field("任务序号", "Number of the task in section 三.", ge=1)
    title_zh: Series[str] = field("工作任务", "Task as written.")
    as_of_date: Series[Date] = as_of_date()
    lead_department_id: Series[str] = field("牵头部门编号", "Lead division (牵头).")
    lead_name_zh: Series[str] = field("牵头部门", "Lead division's name as printed.")
    milestones_planned: Series[int] = count("计划进度数", "Milestones of the task with text (quarters the paper leaves empty are left out).")
    milestones_completed: Series[int] = count("已完成进度数", "Of those, milestones whose status is completed.")
    milestones_overdue: Series[int] = field("逾期进度数", "Of those, milestones a report says are overdue (is_overdue) as of "
                                            "as_of_date; unreported ones are not counted.", ge=0, meaning=2)
    milestones_cancelled: Series[int] = count("已取消进度数", "Of those, milestones whose status is cancelled (shown, not rated).")
    milestones_not_reported: Series[int] = count("未报告进度数", "Of those, milestones without any accepted report.")
    milestones_unreported_past_due: Series[int] = count("逾期未报告进度数", "Of those, milestones past due whose outcome nobody "
                                                        "reported (is_unreported_past_due): the coverage to read next to the "
                                                        "other counts.")
    completion_pct: Series[float] = field("完成百分比", "milestones_completed as a percentage of the task's milestones with "
                                          "text whose outcome is known: completed (on time or late) or reported overdue. "
                                          "Cancelled, not yet due, unreported and early in-progress milestones are left out; "
                                          "null when no milestone's outcome is known (never 0 % for want of reports).",
                                          nullable=True, ge=0, le=100, meaning=2)
    last_reported_on: Series[Date] = field("最近报告日期", "Latest date of an accepted report on any milestone of the task.", nullable=True)
    rating: Series[str] = field("评级", "red and amber only for known bad outcomes: red when a report says an overdue milestone "
                                "is delayed or not_started; amber when every overdue milestone is reported in_progress; "
                                "not_reported when the task's only problem is missing reports (a milestone past due whose "
                                "outcome nobody reported) or nothing has been reported; green when every past-due milestone is "
                                "reported completed or cancelled (rules in status_rules).", isin=RATINGS, meaning=2)
    rating_zh: Series[str] = field("评级(中文)", "The rating in Chinese, from status_rules.")
    rating_en: Series[str] = field("评级(英文)", "The rating in English, from status_rules.")

    class Config:
        name = "task_progress"
        strict = True
        metadata = table_meta("任务进展", "One row per task: its milestones completed, overdue and unreported past due, "
                              "and a rating, as of a date (view; macro task_progress_at(DATE)).", ["task_id"],
                              [_ref("tasks", "task_id"), _ref("departments", "lead_department_id", to=("department_id",))])


class DepartmentScorecard(pa.DataFrameModel):
    document_id: Series[str] = field("文件编号", "White paper.")
    department_id: Series[str] = field("部门编号", "Division.")
    name_zh: Series[str] = field("部门名称", "Division name as printed.")
    name_en: Series[str] = field("部门名称(英文)", "English name from raw/lookups/departments.csv (departments.name_en): an UNOFFICIAL translation by this project; null when not in it.", nullable=True)
    role: Series[str] = field("角色", "Milestones of the tasks the division leads (lead) or supports (support), with their "
                              "outcomes whoever reported them: a support row is the record of the tasks the division "
                              "supports, not of its own reports (last_reported_on is its own).", isin=["lead", "support"])
    as_of_date: Series[Date] = as_of_date()
    tasks: Series[int] = count("任务数", "Tasks the division holds this role for.")
    milestones_due: Series[int] = count("到期进度数", "Milestones of those tasks with text, due on or before as_of_date, not cancelled.")
    milestones_completed: Series[int] = count("已完成进度数", "Of the due milestones, those completed.")
    milestones_completed_on_time: Series[int] = count("按时完成进度数", "Of the due milestones, those on time "
                                                      "(is_on_time): completed as of as_of_date and first reported "
                                                      "completed on or before their due date. One a later report says "
                                                      "is not done after all is not counted: the latest report stands.")
    milestones_overdue: Series[int] = field("逾期进度数", "Of the due milestones, those a report says are overdue (is_overdue); "
                                            "unreported ones are not counted.", ge=0, meaning=2)
    milestones_not_reported: Series[int] = count("未报告进度数", "Of the due milestones, those without any accepted report.")
    milestones_unreported_past_due: Series[int] = count("逾期未报告进度数", "Of the due milestones, those past due whose outcome "
                                                        "nobody reported (is_unreported_past_due).")
    milestones_outcome_known: Series[int] = count("结果已知进度数", "Of the due milestones, those whose outcome is known: completed "
                                                  "(on time or late) or reported overdue. The denominator of on_time_pct.")
    on_time_pct: Series[float] = field("按时完成率", "milestones_completed_on_time as a percentage of milestones_outcome_known; null "
                                       "when no due milestone's outcome is known (unreported milestones are left out, never "
                                       "counted late).", nullable=True, ge=0, le=100, meaning=2)
    last_reported_on: Series[Date] = field("最近报告日期", "Latest date of an accepted report made by this division for tasks it "
                                           "holds this role for.", nullable=True)

    class Config:
        name = "department_scorecard"
        strict = True
        metadata = table_meta("部门记分卡", "One row per division and role: milestones due, completed on time, overdue and "
                              "unreported past due, the on-time rate over known outcomes, as of a date (view; macro "
                              "department_scorecard_at(DATE)).", ["document_id", "department_id", "role"],
                              [_ref("departments", "department_id"), _ref("documents", "document_id")])


class QuarterSummary(pa.DataFrameModel):
    document_id: Series[str] = field("文件编号", "White paper.")
    quarter: Series[int] = field("季度", "Quarter of the plan year, 1-4.", isin=[1, 2, 3, 4])
    due_date: Series[Date] = field("到期日", "Last day of the quarter.")
    as_of_date: Series[Date] = as_of_date()
    milestones_planned: Series[int] = count("计划进度数", "Milestones of the quarter with text.")
    milestones_completed: Series[int] = count("已完成进度数", "Of those, completed.")
    milestones_on_time: Series[int] = count("按时完成进度数", "Of those, on time (is_on_time): completed as of as_of_date "
                                                 "and first reported completed on or before the due date; one a later "
                                                 "report says is not done after all is not counted.")
    milestones_overdue: Series[int] = field("逾期进度数", "Of those, reported overdue as of as_of_date (is_overdue); unreported "
                                            "ones are not counted.", ge=0, meaning=2)
    milestones_not_reported: Series[int] = count("未报告进度数", "Of those, without any accepted report.")
    milestones_unreported_past_due: Series[int] = count("逾期未报告进度数", "Of those, past due with no report on their outcome "
                                                        "(is_unreported_past_due).")
    milestones_cancelled: Series[int] = count("已取消进度数", "Of those, cancelled.")

    class Config:
        name = "quarter_summary"
        strict = True
        metadata = table_meta("季度汇总", "One row per document and quarter: milestones planned, completed, on time, overdue, "
                              "unreported past due and not reported, as of a date (view; macro quarter_summary_at(DATE)).", ["document_id", "quarter"],
                              [_ref("documents", "document_id")])


class TargetAttainment(pa.DataFrameModel):
    document_id: Series[str] = field("文件编号", "White paper.")
    target_id: Series[str] = field("量化目标编号", "Quantified target.", unique=True)
    task_id: Series[str] = field("任务编号", "Task the target belongs to.")
    milestone_id: Series[str] = field("进度节点编号", "Milestone stating the target; null for the task's own target.", nullable=True)
    metric_zh: Series[str] = field("指标名称", "What is counted.")
    comparator: Series[str] = field("比较方式", "As in targets: >, >=, =, <, <=, between.", isin=[">", ">=", "=", "<", "<=", "between"])
    target_value: Series[float] = field("目标值", "Target in base units (lower bound of a range).")
    target_value_max: Series[float] = field("目标上限", "Upper bound of a range; null otherwise.", nullable=True)
    unit_zh: Series[str] = field("单位", "Unit.")
    value_text_zh: Series[str] = field("原文数值", "The target as printed.")
    due_date: Series[Date] = field("到期日", "Due date of the milestone, or the last day of the plan year for a task's target.")
    as_of_date: Series[Date] = as_of_date()
    actual_value: Series[float] = field("最新实际值", "Actual value of the report, made on or before as_of_date, speaking for the latest day (a progress report for its 截至 date), against this target or "
                                        "another target of the task stating the same quantity (same metric, unit, comparator and value); "
                                        "null when none.", nullable=True)
    actual_reported_on: Series[Date] = field("实际值报告日期", "Date that report was made (a progress report's publication date).",
                                             nullable=True)
    actual_update_id: Series[str] = field("实际值报告编号", "That report (updates.update_id).", nullable=True)
    ratio_to_target: Series[float] = field("完成倍数", "actual_value / target_value; null without an actual value.", nullable=True)
    is_met: Series[pd.BooleanDtype] = field(
        "是否达标", "True when the latest actual value meets the target: > and >= and < and <= as written; a bare number (=) and "
        "a range (between) are met once the number or the lower bound is reached. False only when that value does not meet "
        "it and speaks for the due date or a later day (a progress report for its 截至 date). Null when unknown: no actual "
        "value, or a shortfall as of a day before the due date.", nullable=True, meaning=2)
    baseline_value: Series[float] = field("基线值", "The previous-year review's figure of the same quantity (target_baselines, "
                                          "same_measure), e.g. 955 carriers in 2013; null when there is none.", nullable=True)
    baseline_year: Series[pd.Int64Dtype] = field("基线年度", "Year of the baseline figure (the document's review year).", nullable=True)
    baseline_indicator_id: Series[str] = field("基线指标编号", "The indicator holding the baseline.", nullable=True)
    running_total_value: Series[float] = field("累计基数", "For a target counting what is new in the year: the review's cumulative "
                                               "total it adds to (target_baselines, running_total), e.g. 45 teams; null otherwise.",
                                               nullable=True)
    running_total_indicator_id: Series[str] = field("累计基数指标编号", "The indicator holding that total.", nullable=True)
    restates_target_id: Series[str] = field(
        "重复的目标编号", "The target this one restates: an earlier target of the same task with the same metric, unit, "
        "comparator and value(s) (the task's own target first, then by milestone), e.g. task 2's 超过1000家 repeated in its fourth quarter. "
        "Null for a distinct promise: count the rows where it is null.", nullable=True)

    class Config:
        name = "target_attainment"
        strict = True
        metadata = table_meta("量化目标完成情况", "One row per quantified target: latest actual value against the target and the "
                              "previous year's figure, met, missed or unknown, and the target it restates, as of a date "
                              "(view; macro target_attainment_at(DATE)).", ["target_id"],
                              [_ref("targets", "target_id"), _ref("updates", "actual_update_id", to=("update_id",)),
                               _ref("indicators", "baseline_indicator_id", to=("indicator_id",)),
                               _ref("indicators", "running_total_indicator_id", to=("indicator_id",)),
                               _ref("targets", "restates_target_id", to=("target_id",))])


SUMMARY_TABLES = {m.Config.name: m for m in (MilestoneStatus, TaskProgress, DepartmentScorecard, QuarterSummary, TargetAttainment)}
"""The summaries, in the order their views are created (later ones use earlier macros)."""
