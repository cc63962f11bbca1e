"""The changes table in words (flows/release/change_summary.py): the README/manifest summary and the `diff` lines."""

from __future__ import annotations

import pandas as pd
import pytest

from flows.release.change_summary import change_lines, summarize_changes
from flows.tables.frames import to_frame


def changes(*rows: tuple) -> pd.DataFrame:
    keys = ("table_name", "row_key", "change_type", "column_name", "old_value", "new_value")
    return to_frame([dict(zip(keys, row)) for row in rows], "changes")


MILESTONES_DONE = [
    ("milestone_status", "szsti-2014-01-q1", "changed", "status", "in_progress", "completed"),
    ("milestone_status", "szsti-2014-01-q1", "changed", "is_completed", "false", "true"),
    ("milestone_status", "szsti-2014-02-q1", "changed", "status", "not_reported", "completed"),
    ("milestone_status", "szsti-2014-03-q2", "changed", "status", "in_progress", "delayed"),
    ("milestone_status", "szsti-2014-03-q2", "changed", "as_of_date", "2014-09-30", "2014-12-31"),
    ("task_progress", "szsti-2014-03", "changed", "rating", "amber", "red"),
]


@pytest.mark.parametrize("rows, has_previous, summary", [
    ([], False, "first release"),
    ([], True, "no change"),
    (MILESTONES_DONE, True, "2 milestones newly completed; 1 milestone newly delayed; 1 task now rated red; "
                            "2 other summary values changed; no schema change"),
    # "other" refers to the status phrases before it; with none (a night that publishes nothing, or only rows of the
    # source tables before it) the values are just summary values
    (MILESTONES_DONE[1:2] + MILESTONES_DONE[4:5], True, "2 summary values changed; no schema change"),
    ([("tasks", "szsti-2014-02", "changed", "title_zh", "甲", "乙")] + MILESTONES_DONE[1:2], True,
     "tasks: 1 row changed; 1 summary value changed; no schema change"),
    ([("updates", "szsti-2014-01-q1-szsti-policy-planning-20140331", "added", "*", None, "{}"),
      ("update_rejections", "raw/updates/szsti-2014/q1.csv#3", "added", "*", None, "{}"),
      ("update_rejections", "raw/updates/szsti-2014/q1.csv#4", "added", "*", None, "{}")],
     True, "1 update accepted; 2 updates rejected; no schema change"),
    ([("tasks", "szsti-2014-11", "added", "*", None, "{}"),
      ("tasks", "szsti-2014-02", "changed", "title_zh", "甲", "乙"),
      ("tasks", "szsti-2014-02", "changed", "target_zh", None, "乙"),
      ("contacts", "szsti-2014-c3", "removed", "*", "{}", None),
      ("update_rejections", "raw/updates/szsti-2014/q1.csv#3", "removed", "*", "{}", None)],
     True, "tasks: 1 row added, 1 changed; contacts: 1 row removed; update_rejections: 1 row removed; no schema change"),
    ([("tasks", "*", "removed", "target_zh", "string", None),
      ("tasks", "*", "changed", "task_seq", "integer", "string"),
      ("changes", "*", "added", "*", None, "0 rows"),
      ("tasks", "*", "added", "note_zh", None, "string")],
     True, "schema: column tasks.target_zh removed (breaking), column tasks.task_seq retyped from integer to string "
           "(breaking), table changes added, column tasks.note_zh added"),
])
def test_summary_in_plain_words(rows, has_previous, summary):
    assert summarize_changes(changes(*rows), has_previous=has_previous) == summary


def test_one_line_per_change_for_diff():
    table = changes(
        ("changes", "*", "added", "*", None, "0 rows"),
        ("tasks", "*", "changed", "task_seq", "integer", "string"),
        ("tasks", "szsti-2014-11", "added", "*", None, "{}"),
        ("contacts", "szsti-2014-c3", "removed", "*", "{}", None),
        ("tasks", "szsti-2014-02", "changed", "target_zh", None, "出台政策\"2个\""),
    )
    assert change_lines(table) == [
        "+ table changes (0 rows)",
        "~ column tasks.task_seq (integer → string)",
        "+ tasks szsti-2014-11",
        "- contacts szsti-2014-c3",
        '~ tasks szsti-2014-02 target_zh: null → "出台政策\\"2个\\""',
    ]
