"""flows/report/sections.py on tiny inline tables: the headline counts, each quarter cell's outcome, targets
charted once, task numbers as the paper prints them."""

import datetime as dt

import pandas as pd
import pytest

from flows.report import sections


def milestone_rows(*rows):
    cols = ["task_id", "quarter", "has_text", "status", "is_completed", "is_on_time", "is_overdue", "days_late",
            "is_unreported_past_due"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_headline_counts_only_milestones_with_text():
    ms = milestone_rows(
        ("t-01", 1, True, "completed", True, True, False, 0, False),
        ("t-01", 2, True, "completed", True, False, False, 20, False),
        ("t-01", 3, False, "not_reported", False, None, False, None, False),   # 第三季度 left empty: nothing due
        ("t-01", 4, True, "not_reported", False, None, False, None, True),     # past due, nobody reported: unknown
        ("t-02", 1, True, "in_progress", False, None, False, None, False),
        ("t-02", 2, True, "delayed", False, False, True, 3, False),
    )
    assert sections.headline(ms) == {"planned": 5, "completed": 2, "on_time": 1, "overdue": 1, "unreported": 1,
                                     "not_reported": 1, "known": 3}


@pytest.mark.parametrize("status, completed, on_time, overdue, unreported, has_text, outcome", [
    ("completed", True, True, False, False, True, "on_time"),
    ("completed", True, False, False, False, True, "late"),
    ("cancelled", False, None, False, False, True, "cancelled"),
    ("delayed", False, False, True, False, True, "overdue"),
    ("in_progress", False, None, False, False, True, "open"),
    ("in_progress", False, None, False, True, True, "unreported"),    # its only report predates the due date
    ("not_reported", False, None, False, True, True, "unreported"),
    ("not_reported", False, None, False, False, False, "none"),
])
def test_quarter_cell_outcome(status, completed, on_time, overdue, unreported, has_text, outcome):
    row = pd.DataFrame([{"quarter": 2, "due_date": dt.date(2014, 6, 30), "text_zh": "制定方案" if has_text else None,
                         "has_text": has_text, "status": status, "status_zh": "", "status_en": "", "is_completed": completed,
                         "is_on_time": on_time, "is_overdue": overdue, "is_unreported_past_due": unreported,
                         "days_late": pd.NA, "days_since_due": pd.NA, "reported_on": None,
                         "reported_by_zh": None, "percent_complete": None, "first_completed_on": None}])
    assert sections.quarter_cell(next(row.itertuples()))["outcome"] == outcome


def test_a_quarter_target_repeating_its_task_target_is_charted_once():
    rows = [{"task_id": "t-02", "target_id": "t-02-q4-t1", "restates_target_id": "t-02-t1"},
            {"task_id": "t-02", "target_id": "t-02-t1", "restates_target_id": None},
            {"task_id": "t-07", "target_id": "t-07-q3-t1", "restates_target_id": None}]
    assert [r["target_id"] for r in sections.distinct_targets(rows)] == ["t-02-t1", "t-07-q3-t1"]


@pytest.mark.parametrize("seq, number", [(1, "（一）"), (10, "（十）"), (11, "（十一）"), (20, "（二十）"), (23, "（二十三）")])
def test_task_number_as_the_paper_prints_it(seq, number):
    assert sections.task_number(seq) == number
