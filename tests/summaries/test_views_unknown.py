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

from tests.summaries.helpers import summaries_of, update
from tests.updates.fixtures import QUARTER_END, ROLES

D = dt.date
MILESTONES = [(task, q) for task in ROLES for q in (1, 2, 3, 4) if (task, q) != (1, 3)]   # task 1 leaves Q3 empty
STATUSES = ["not_started", "in_progress", "completed", "delayed", "cancelled"]
BAD_RATING = {"amber": 1, "red": 2}
# Each example runs the summaries' SQL two or three times: 25 examples keep each test well under a minute.
SETTINGS = settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


dates = st.dates(D(2014, 1, 1), D(2015, 3, 31))
# some rows are a progress report's, stating a period end (截至…) that may be before, on or after their publication
reports = st.lists(st.builds(lambda m, division, day, status, actual, period_end: update(*m, division, day, status, actual,
                                                                                        period_end),
                             st.sampled_from(MILESTONES), st.integers(0, 1), dates, st.sampled_from(STATUSES),
                             st.one_of(st.none(), st.floats(900, 1100).map(round)), st.one_of(st.none(), dates)),
                   max_size=14, unique_by=lambda r: r["update_id"])


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
    nothing = summaries_of([], as_of)
    assert not any(badness(nothing).values()), "with no reports nothing is known to be bad"
    assert_not_worse(nothing, summaries_of(rows, as_of))


@SETTINGS
@given(reports, dates, st.sampled_from(MILESTONES), st.integers(0, 1), st.integers(0, 120))
def test_adding_a_report_of_completion_on_time_never_makes_a_summary_worse(rows, as_of, milestone, division, days_early):
    task, quarter = milestone
    on_time = update(task, quarter, division, QUARTER_END[quarter] - dt.timedelta(days=days_early), "completed")
    if any(r["update_id"] == on_time["update_id"] for r in rows):
        rows = [r for r in rows if r["update_id"] != on_time["update_id"]]   # one report per division and date
    assert_not_worse(summaries_of(rows + [on_time], as_of), summaries_of(rows, as_of), counts=True)


@SETTINGS
@given(reports, dates)
def test_unknown_never_appears_as_bad(rows, as_of):
    result = summaries_of(rows, as_of)
    ms = result["milestone_status"]
    # the day each report speaks for: a period end it states before its publication, else its date
    stated = {r["update_id"]: min(r["period_end"] or r["reported_on"], r["reported_on"]) for r in rows}
    for m in ms.itertuples():
        if m.is_overdue:
            assert stated[m.update_id] >= m.due_date and m.as_of_date > m.due_date and not m.is_unreported_past_due
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
            assert stated[g.actual_update_id] >= g.due_date
        if pd.isna(g.actual_value):
            assert _known(g.is_met) is None
