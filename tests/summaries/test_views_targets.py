"""target_attainment: the latest actual of the same quantity, is_met for each comparator, and never missed before
the due date nor without a figure."""

import datetime as dt

import pandas as pd
import pytest

from tests.summaries.helpers import ACTUALS, na, summaries
from tests.updates.fixtures import DOC, paper_tables, report

D = dt.date


# 962 on 2014-03-31 falls short of "more than 1000" by 2014-12-31, but the year is not over: not known to be missed
@pytest.mark.parametrize("as_of, actual, is_met", [(D(2014, 9, 30), 962.0, None), (D(2014, 12, 31), 1012.0, True)])
def test_target_attainment_takes_the_latest_actual_of_the_same_quantity(tmp_path, as_of, actual, is_met):
    ta = summaries(tmp_path, ACTUALS, as_of)["target_attainment"].set_index("target_id")
    for target in (f"{DOC}-02-t1", f"{DOC}-02-q4-t1"):
        row = ta.loc[target]
        assert (row["actual_value"], na(row["is_met"]), round(row["ratio_to_target"], 3)) == (actual, is_met, round(actual / 1000, 3))
    assert ta.loc[f"{DOC}-02-t1", ["baseline_value", "baseline_year", "baseline_indicator_id"]].tolist() == [955.0, 2013, f"{DOC}-i01"]
    assert pd.isna(ta.loc[f"{DOC}-02-q4-t1", "baseline_value"])
    assert (ta.loc[f"{DOC}-03-t1", "actual_value"], ta.loc[f"{DOC}-03-t1", "is_met"]) == (6.0, True)
    assert pd.isna(ta.loc[f"{DOC}-03-t2", "actual_value"]) and pd.isna(ta.loc[f"{DOC}-03-t2", "is_met"])
    assert ta.loc[f"{DOC}-02-t1", "due_date"] == D(2014, 12, 31) and ta.loc[f"{DOC}-02-q4-t1", "due_date"] == D(2014, 12, 31)


def test_one_division_reporting_two_milestones_of_a_measure_on_one_date_gives_the_later_milestones_figure(tmp_path):
    # Task 2's own target and its fourth quarter's state one quantity; 乙处 reports the first and the fourth
    # quarter on the same day: whichever order the rows are read in, the fourth quarter's figure is taken.
    rows = [report(task=2, quarter=4, department="乙处", reported_on="2014-06-30", actual_value=990),
            report(task=2, quarter=1, department="乙处", reported_on="2014-06-30", actual_value=970)]
    for ordered in (rows, rows[::-1]):
        ta = summaries(tmp_path, ordered, D(2014, 12, 31))["target_attainment"].set_index("target_id")
        assert ta.loc[f"{DOC}-02-t1", "actual_value"] == ta.loc[f"{DOC}-02-q4-t1", "actual_value"] == 990.0


@pytest.mark.parametrize("comparator, value, upper, actual, is_met", [
    (">", 1000, None, 1000, False), (">", 1000, None, 1001, True), (">=", 1000, None, 1000, True),
    (">=", 1000, None, 999, False), ("=", 1000, None, 1000, True), ("=", 1000, None, 1200, True), ("=", 1000, None, 999, False),
    ("between", 2, 3, 2, True), ("between", 2, 3, 4, True), ("between", 2, 3, 1, False),
    ("<", 5, None, 4, True), ("<", 5, None, 5, False), ("<=", 5, None, 5, True), ("<=", 5, None, 6, False),
])
def test_is_met_for_each_comparator(tmp_path, comparator, value, upper, actual, is_met):
    tables = paper_tables()
    targets = tables["targets"]
    task2 = targets["task_id"] == f"{DOC}-02"
    targets.loc[task2, ["comparator", "target_value", "target_value_max"]] = [comparator, float(value), upper]
    rows = [report(task=2, quarter=4, department="乙处", reported_on="2014-12-31", actual_value=actual)]
    ta = summaries(tmp_path, rows, D(2015, 1, 1), tables)["target_attainment"].set_index("target_id")
    assert ta.loc[f"{DOC}-02-t1", "is_met"] == is_met and ta.loc[f"{DOC}-02-q4-t1", "is_met"] == is_met


@pytest.mark.parametrize("actual, reported_on, as_of, is_met", [
    (990, "2014-06-30", D(2014, 7, 1), None),        # short of it mid-year: not (yet) missed
    (990, "2014-06-30", D(2015, 1, 31), None),       # and nobody reported a figure at or after the due date
    (990, "2014-12-31", D(2015, 1, 31), False),      # short of it on the due date: missed
    (1010, "2014-06-30", D(2014, 7, 1), True),       # reached early: met
])
def test_is_met_false_only_for_a_shortfall_reported_at_or_after_the_due_date(tmp_path, actual, reported_on, as_of, is_met):
    rows = [report(task=2, quarter=2, department="乙处", reported_on=reported_on, actual_value=actual)]
    ta = summaries(tmp_path, rows, as_of)["target_attainment"].set_index("target_id")
    assert na(ta.loc[f"{DOC}-02-t1", "is_met"]) == is_met


def test_is_met_is_null_without_a_figure_and_a_restated_target_names_the_one_it_repeats(tmp_path):
    ta = summaries(tmp_path, [], D(2015, 1, 31))["target_attainment"].set_index("target_id")
    assert ta["is_met"].isna().all() and ta["actual_value"].isna().all()
    assert {k: na(v) for k, v in ta["restates_target_id"].items()} == {f"{DOC}-02-q4-t1": f"{DOC}-02-t1", f"{DOC}-02-t1": None,
                                                  f"{DOC}-03-t1": None, f"{DOC}-03-t2": None}
