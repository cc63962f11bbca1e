"""Unknown is never bad: properties of the summaries over random sets of progress reports (hypothesis).

On the tiny paper of tests/updates/fixtures.py, for any reports and any as-of date:
- removing every report never makes any summary worse;
- adding a report that a milestone was completed on time never makes any summary worse;
- whatever is bad (overdue, late, not on time, missed, amber or red) rests on a report that says so.
"Worse" means more known bad: a count of bad outcomes up, a rate or a met target down from a known value, a
rating further into amber or red. A known value becoming unknown (null) is not worse.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.summaries.views import compute_summaries, status_rules_table
from flows.tables.frames import to_frame
from tests.updates.fixtures import DEPARTMENTS, DOC, QUARTER_END, ROLES, baselines, paper_tables

D = dt.date
TABLES = {**paper_tables(), "target_baselines": baselines(), "status_rules": status_rules_table()}
MILESTONES = [(task, q) for task in ROLES for q in (1, 2, 3, 4) if (task, q) != (1, 3)]   # task 1 leaves Q3 empty
STATUSES = ["not_started", "in_progress", "completed", "delayed", "cancelled"]
BAD_RATING = {"amber": 1, "red": 2}
# Each example runs the summaries' SQL two or three times: 25 examples keep each test well under a minute.
SETTINGS = settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def update(task: int, quarter: int, division: int, reported_on: D, status: str, actual: float | None = None) -> dict:
    name, role = ROLES[task][division % len(ROLES[task])]
    department = DEPARTMENTS[name]
    milestone = f"{DOC}-{task:02d}-q{quarter}"
    target = (f"{DOC}-02-q4-t1" if quarter == 4 else f"{DOC}-02-t1") if task == 2 and actual is not None else None
    return {"update_id": f"{milestone}-{department}-{reported_on:%Y%m%d}", "document_id": DOC, "task_id": f"{DOC}-{task:02d}",
            "milestone_id": milestone, "quarter": quarter, "department_id": department, "role": role,
            "reported_on": reported_on, "status": status, "percent_complete": None,
            "actual_value": actual if target else None, "target_id": target, "evidence_url": None, "note": None,
            "source_file": f"raw/updates/{DOC}/random.csv", "source_row": 2}


dates = st.dates(D(2014, 1, 1), D(2015, 3, 31))
reports = st.lists(st.builds(lambda m, division, day, status, actual: update(*m, division, day, status, actual),
                             st.sampled_from(MILESTONES), st.integers(0, 1), dates, st.sampled_from(STATUSES),
                             st.one_of(st.none(), st.floats(900, 1100).map(round))),
                   max_size=14, unique_by=lambda r: r["update_id"])


def summaries(rows: list[dict], as_of: D) -> dict[str, pd.DataFrame]:
    return compute_summaries({**TABLES, "updates": to_frame(rows, "updates")}, as_of)


def _known(value):
    return None if pd.isna(value) else value


def badness(result: dict[str, pd.DataFrame]) -> dict[tuple, float]:
    """Every bad fact of the summaries, keyed by where it is: larger is worse, 0 is nothing known bad."""
    bad: dict[tuple, float] = {}
    for r in result["milestone_status"].itertuples():
        late = _known(r.days_late) or 0
        bad[("overdue", r.milestone_id)] = float(r.is_overdue)
        bad[("late days", r.milestone_id)] = late if r.is_overdue or late > 0 else 0
        bad[("not on time", r.milestone_id)] = float(_known(r.is_on_time) is False)
    for r in result["task_progress"].itertuples():
        bad[("task overdue", r.task_id)] = r.milestones_overdue
        bad[("rating", r.task_id)] = BAD_RATING.get(r.rating, 0)
    for r in result["department_scorecard"].itertuples():
        bad[("division overdue", r.department_id, r.role)] = r.milestones_overdue
    for r in result["quarter_summary"].itertuples():
        bad[("quarter overdue", r.quarter)] = r.milestones_overdue
    for r in result["target_attainment"].itertuples():
        bad[("missed", r.target_id)] = float(_known(r.is_met) is False)
    return bad


def goodness(result: dict[str, pd.DataFrame], counts: bool) -> dict[tuple, float | None]:
    """Rates (and, with counts, counts of known good outcomes): a known value that drops is worse; null is
    unknown, not a drop. A count of good outcomes may fall when reports are removed (known becomes unknown)."""
    good: dict[tuple, float | None] = {}
    for r in result["task_progress"].itertuples():
        good[("completion", r.task_id)] = _known(r.completion_pct)
    for r in result["department_scorecard"].itertuples():
        good[("on time rate", r.department_id, r.role)] = _known(r.on_time_pct)
        if counts:
            good[("on time", r.department_id, r.role)] = r.milestones_completed_on_time
    for r in result["quarter_summary"].itertuples():
        if counts:
            good[("quarter on time", r.quarter)] = r.milestones_on_time
    return good


def assert_not_worse(after: dict, before: dict, counts: bool = False) -> None:
    was_bad = badness(before)
    worse = {k: (was_bad.get(k, 0), v) for k, v in badness(after).items() if v > was_bad.get(k, 0)}
    assert not worse, f"more known bad: {worse}"
    was = goodness(before, counts)
    dropped = {k: (was[k], v) for k, v in goodness(after, counts).items() if v is not None and was[k] is not None and v < was[k] - 1e-9}
    assert not dropped, f"a known good figure dropped: {dropped}"


@SETTINGS
@given(reports, dates)
def test_removing_every_report_never_makes_a_summary_worse(rows, as_of):
    nothing = summaries([], as_of)
    assert not any(badness(nothing).values()), "with no reports nothing is known to be bad"
    assert_not_worse(nothing, summaries(rows, as_of))


@SETTINGS
@given(reports, dates, st.sampled_from(MILESTONES), st.integers(0, 1), st.integers(0, 120))
def test_adding_a_report_of_completion_on_time_never_makes_a_summary_worse(rows, as_of, milestone, division, days_early):
    task, quarter = milestone
    on_time = update(task, quarter, division, QUARTER_END[quarter] - dt.timedelta(days=days_early), "completed")
    if any(r["update_id"] == on_time["update_id"] for r in rows):
        rows = [r for r in rows if r["update_id"] != on_time["update_id"]]   # one report per division and date
    assert_not_worse(summaries(rows + [on_time], as_of), summaries(rows, as_of), counts=True)


@SETTINGS
@given(reports, dates)
def test_unknown_never_appears_as_bad(rows, as_of):
    result = summaries(rows, as_of)
    ms = result["milestone_status"]
    for m in ms.itertuples():
        if m.is_overdue:
            assert m.reported_on >= m.due_date and m.as_of_date > m.due_date and not m.is_unreported_past_due
        if _known(m.is_on_time) is False:
            assert m.is_overdue or (m.is_completed and m.first_completed_on > m.due_date)
        if _known(m.days_late):
            assert m.is_overdue or m.is_completed
        if m.status == "not_reported":
            assert not m.is_overdue and _known(m.days_late) is None and _known(m.is_on_time) is None
        if m.is_unreported_past_due:
            assert _known(m.days_late) is None and _known(m.is_on_time) is None and m.days_since_due > 0
    for t in result["task_progress"].itertuples():
        assert (t.rating in BAD_RATING) == (t.milestones_overdue > 0), t
        assert t.milestones_overdue == int(ms.loc[ms["task_id"] == t.task_id, "is_overdue"].sum())
    for d in result["department_scorecard"].itertuples():
        assert pd.isna(d.on_time_pct) == (d.milestones_outcome_known == 0)
        assert d.milestones_outcome_known <= d.milestones_due - d.milestones_unreported_past_due
    for g in result["target_attainment"].itertuples():
        if _known(g.is_met) is False:
            assert g.actual_reported_on >= g.due_date
        if pd.isna(g.actual_value):
            assert _known(g.is_met) is None
