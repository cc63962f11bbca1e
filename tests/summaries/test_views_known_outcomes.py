"""Known outcomes only: targets of one task that measure different things stay apart, completion_pct is over the
known outcomes, a quarter the paper leaves empty is never rated, and the on-time counts mean what they say.

Updates are built directly here (not through intake) where the point is what the SQL does with a row intake would
refuse: the summaries must not rate it even then.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flows.summaries.views import compute_summaries, status_rules_table
from flows.tables.frames import to_frame
from schemas.summaries import DepartmentScorecard, QuarterSummary, TaskProgress
from tests.updates.fixtures import DEPARTMENTS, DOC, ROLES, baselines, paper_tables

D = dt.date


def _target(target_id, task, quarter, metric, value, unit, text):
    return {"target_id": target_id, "task_id": f"{DOC}-{task:02d}", "milestone_id": f"{DOC}-{task:02d}-q{quarter}",
            "metric_zh": metric, "comparator": "=", "target_value": value, "target_value_max": None, "unit_zh": unit,
            "value_text_zh": text, "source_start": 0, "source_end": 1}


def two_metrics_tables() -> dict[str, pd.DataFrame]:
    """The tiny paper plus two targets of task 3's second quarter: same unit, comparator and value, different metrics."""
    tables = paper_tables()
    extra = [_target(f"{DOC}-03-q2-t1", 3, 2, "产业集群", 1.0, "个", "新增1个产业集群"),
             _target(f"{DOC}-03-q2-t2", 3, 2, "专业园", 1.0, "个", "新增1个专业园")]
    tables["targets"] = to_frame(tables["targets"].astype(object).where(tables["targets"].notna(), None)
                                 .to_dict("records") + extra, "targets")
    return tables


def update(task, quarter, reported_on, status, division=0, actual=None, target=None) -> dict:
    name, role = ROLES[task][division]
    department, milestone = DEPARTMENTS[name], f"{DOC}-{task:02d}-q{quarter}"
    return {"update_id": f"{milestone}-{department}-{reported_on:%Y%m%d}", "document_id": DOC, "task_id": f"{DOC}-{task:02d}",
            "milestone_id": milestone, "quarter": quarter, "department_id": department, "role": role,
            "reported_on": reported_on, "status": status, "percent_complete": None, "actual_value": actual,
            "target_id": target, "evidence_url": None, "note": None, "source_file": f"raw/updates/{DOC}/t.csv",
            "source_row": 2}


def summaries(rows, as_of, tables=None) -> dict[str, pd.DataFrame]:
    tables = tables or paper_tables()
    return compute_summaries({**tables, "target_baselines": baselines(), "status_rules": status_rules_table(),
                              "updates": to_frame(rows, "updates")}, as_of)


def _na(value):
    return None if pd.isna(value) else value


# Defect 1: one metric's figure never decides another's is_met, and different metrics are different promises.

def test_targets_of_one_milestone_that_count_different_things_stay_separate_promises():
    rows = [update(3, 2, D(2014, 7, 1), "completed", actual=1.0, target=f"{DOC}-03-q2-t1")]
    result = summaries(rows, D(2014, 8, 1), two_metrics_tables())
    ta = result["target_attainment"].set_index("target_id")
    cluster, park = ta.loc[f"{DOC}-03-q2-t1"], ta.loc[f"{DOC}-03-q2-t2"]
    assert (_na(cluster["actual_value"]), _na(cluster["is_met"])) == (1.0, True)
    assert (_na(park["actual_value"]), _na(park["is_met"])) == (None, None), "the park's outcome is not reported"
    assert _na(cluster["restates_target_id"]) is None and _na(park["restates_target_id"]) is None
    # a task target restated in its fourth quarter (same metric too) is still one promise
    assert ta.loc[f"{DOC}-02-q4-t1", "restates_target_id"] == f"{DOC}-02-t1"


# Defect 2: completion_pct only over milestones with text whose outcome is known; null when none is.

def test_completion_is_unknown_when_the_only_reports_are_cancelled_early_or_on_an_empty_quarter():
    cases = {
        "cancelled": [update(1, 1, D(2014, 3, 1), "cancelled")],
        "in progress before due": [update(1, 2, D(2014, 4, 15), "in_progress")],
        "report on the empty third quarter": [update(1, 3, D(2014, 9, 30), "completed")],
    }
    for case, rows in cases.items():
        task = summaries(rows, D(2014, 5, 1)).get("task_progress").set_index("task_id").loc[f"{DOC}-01"]
        assert _na(task["completion_pct"]) is None, case
    empty = summaries(cases["report on the empty third quarter"], D(2014, 12, 1))["task_progress"]
    assert empty.set_index("task_id").loc[f"{DOC}-01", "rating"] == "not_reported", "nothing due was reported on"


def test_completion_pct_is_over_the_known_outcomes():
    rows = [update(1, 1, D(2014, 3, 1), "completed"), update(1, 2, D(2014, 7, 1), "delayed"),
            update(1, 4, D(2014, 7, 1), "in_progress")]   # Q4 not due yet: not known
    task = summaries(rows, D(2014, 7, 2))["task_progress"].set_index("task_id").loc[f"{DOC}-01"]
    assert (task["milestones_completed"], task["milestones_overdue"], task["completion_pct"]) == (1, 1, 50.0)
    assert "null when no milestone's outcome is known" in TaskProgress.to_schema().columns["completion_pct"].description


# Defect 3: an empty quarter is never rated, even if a report on it reaches the table.

def test_a_report_on_an_empty_quarter_is_not_rated():
    result = summaries([update(1, 3, D(2014, 10, 20), "completed")], D(2014, 12, 1))
    q3 = result["milestone_status"].set_index("milestone_id").loc[f"{DOC}-01-q3"]
    assert (bool(q3["has_text"]), _na(q3["is_on_time"]), _na(q3["days_late"])) == (False, None, None)
    quarter = result["quarter_summary"].set_index("quarter").loc[3]
    assert (quarter["milestones_on_time"], quarter["milestones_completed"]) == (0, 0)


# Defect 6: "completed on time" is is_on_time: a milestone a later report says is not done is not counted.

def test_on_time_counts_follow_the_latest_report_as_their_descriptions_say():
    rows = [update(1, 1, D(2014, 3, 1), "completed"), update(1, 1, D(2014, 4, 10), "in_progress")]
    result = summaries(rows, D(2014, 5, 1))
    q1 = result["milestone_status"].set_index("milestone_id").loc[f"{DOC}-01-q1"]
    assert bool(q1["is_overdue"]) and not q1["is_on_time"]
    card = result["department_scorecard"].set_index(["department_id", "role"]).loc[(DEPARTMENTS[ROLES[1][0][0]], "lead")]
    assert (card["milestones_completed_on_time"], card["milestones_overdue"]) == (0, 1)
    assert result["quarter_summary"].set_index("quarter").loc[1, "milestones_on_time"] == 0
    for model, column in ((DepartmentScorecard, "milestones_completed_on_time"), (QuarterSummary, "milestones_on_time")):
        description = model.to_schema().columns[column].description
        assert "is_on_time" in description and "not counted" in description, (model, description)
