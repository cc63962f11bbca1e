"""The summaries: status as of a date, lateness, the rating rule, scorecards, and macros equal to views (targets:
test_views_targets.py)."""

import re

import pandas as pd
import pytest

from flows import paths
from flows.summaries.views import compute_summaries, status_rules_table, summary_connection, summary_sql, target_baselines_table
from flows.tables.validate import validate_tables
from flows.updates.ingest import ingest_updates
from schemas.summaries import SUMMARY_TABLES
from schemas.updates import RATINGS, REPORTABLE_STATUSES
from tests.summaries.helpers import ACTUALS, D, milestone, na, summaries, tables_with, task_row
from tests.updates.fixtures import DOC, report


def test_without_reports_every_milestone_is_not_reported_never_delayed(tmp_path):
    result = summaries(tmp_path, [], D(2014, 7, 1))
    ms = result["milestone_status"]
    assert set(ms["status"]) == {"not_reported"} and ms["reported_on"].isna().all()
    assert set(result["task_progress"]["rating"]) == {"not_reported"}
    q1 = milestone(result, 1, 1)
    assert (q1["is_overdue"], na(q1["days_late"]), na(q1["is_on_time"]), q1["status_en"]) == (False, None, None, "not reported")
    assert (q1["is_unreported_past_due"], q1["days_since_due"]) == (True, 92)


@pytest.mark.parametrize("as_of, unreported, days_since_due", [
    (D(2014, 6, 29), False, None), (D(2014, 6, 30), False, None), (D(2014, 7, 1), True, 1), (D(2014, 9, 30), True, 92),
])
def test_past_due_without_a_report_is_a_reporting_gap_from_the_day_after_its_quarter_ends(tmp_path, as_of, unreported,
                                                                                          days_since_due):
    q2 = milestone(summaries(tmp_path, [report(quarter=1, reported_on="2014-03-31")], as_of), 1, 2)
    assert q2["due_date"] == D(2014, 6, 30) and q2["status"] == "not_reported"
    assert (q2["is_overdue"], na(q2["days_late"]), na(q2["is_on_time"])) == (False, None, None)
    assert (q2["is_unreported_past_due"], na(q2["days_since_due"])) == (unreported, days_since_due)


@pytest.mark.parametrize("reported_on, as_of, overdue, unreported, days_late, days_since_due", [
    ("2014-06-20", D(2014, 6, 30), False, False, None, None),      # not due yet
    ("2014-06-20", D(2014, 7, 1), False, True, None, 1),           # the only report predates the due date: unknown
    ("2014-06-30", D(2014, 7, 1), True, False, 0, 1),              # on the due date it was still delayed
    ("2014-07-20", D(2014, 9, 30), True, False, 20, 92),           # late by at least the 20 days the report vouches for
    ("2014-07-20", D(2014, 7, 19), False, True, None, 19),         # that report is not known yet on the 19th
])
def test_overdue_only_when_a_report_on_or_after_the_due_date_says_it_is_not_done(tmp_path, reported_on, as_of, overdue,
                                                                                 unreported, days_late, days_since_due):
    q2 = milestone(summaries(tmp_path, [report(quarter=2, reported_on=reported_on, status="delayed")], as_of), 1, 2)
    assert (q2["is_overdue"], q2["is_unreported_past_due"], na(q2["days_late"]), na(q2["days_since_due"])) == (
        overdue, unreported, days_late, days_since_due)
    assert na(q2["is_on_time"]) == (False if overdue else None)


ROWS = [report(quarter=2, reported_on="2014-06-15", status="in_progress", percent_complete=40),
        report(quarter=2, reported_on="2014-07-10", status="completed")]


@pytest.mark.parametrize("as_of, status, reported_on, overdue, unreported, on_time, days_late", [
    (D(2014, 6, 14), "not_reported", None, False, False, None, None),
    (D(2014, 6, 30), "in_progress", D(2014, 6, 15), False, False, None, None),
    (D(2014, 7, 9), "in_progress", D(2014, 6, 15), False, True, None, None),
    (D(2014, 7, 10), "completed", D(2014, 7, 10), False, False, False, 10),
    (D(2015, 1, 31), "completed", D(2014, 7, 10), False, False, False, 10),
])
def test_status_is_the_latest_report_on_or_before_the_date(tmp_path, as_of, status, reported_on, overdue, unreported,
                                                          on_time, days_late):
    q2 = milestone(summaries(tmp_path, ROWS, as_of), 1, 2)
    got = (q2["status"], na(q2["reported_on"]), q2["is_overdue"], q2["is_unreported_past_due"], na(q2["is_on_time"]),
           na(q2["days_late"]))
    assert got == (status, reported_on, overdue, unreported, on_time, days_late)


def test_completed_on_the_due_date_is_on_time(tmp_path):
    q2 = milestone(summaries(tmp_path, [report(quarter=2, reported_on="2014-06-30")], D(2014, 12, 31)), 1, 2)
    assert (q2["first_completed_on"], q2["is_on_time"], q2["days_late"]) == (D(2014, 6, 30), True, 0)


def test_on_the_same_date_the_lead_divisions_report_wins_whatever_the_file_order(tmp_path):
    rows = [report(department="乙处", status="delayed", reported_on="2014-03-31"),
            report(department="甲处", status="completed", reported_on="2014-03-31", percent_complete=100)]
    q1 = milestone(summaries(tmp_path, rows, D(2014, 4, 1)), 1, 1)
    assert (q1["status"], q1["reported_by_department_id"], q1["reported_by_role"], q1["percent_complete"]) == (
        "completed", "tiny-division-a", "lead", 100.0)


def test_a_later_report_by_a_supporting_division_still_wins(tmp_path):
    rows = [report(department="甲处", status="completed", reported_on="2014-03-30"),
            report(department="乙处", status="in_progress", reported_on="2014-03-31")]
    q1 = milestone(summaries(tmp_path, rows, D(2014, 4, 1)), 1, 1)
    assert (q1["status"], q1["reported_by_zh"], q1["first_completed_on"], q1["is_completed"], q1["is_overdue"]) == (
        "in_progress", "乙处", D(2014, 3, 30), False, True)


def test_an_empty_quarter_is_never_overdue_nor_planned(tmp_path):
    result = summaries(tmp_path, [], D(2015, 1, 31))
    q3 = milestone(result, 1, 3)
    assert (q3["has_text"], q3["is_overdue"], q3["status"]) == (False, False, "not_reported")
    assert task_row(result, 1)["milestones_planned"] == 3 and task_row(result, 2)["milestones_planned"] == 4


QUARTER_END = {1: D(2014, 3, 31), 2: D(2014, 6, 30), 3: D(2014, 9, 30), 4: D(2014, 12, 31)}
RATING_CASES = [  # reports are dated on the due date (or as_of if earlier) unless a date is given
    ("nothing reported", [], D(2014, 10, 1), "not_reported"),
    ("all due done", [(1, "completed"), (2, "completed"), (3, "completed")], D(2014, 10, 1), "green"),
    ("overdue in progress", [(1, "completed"), (2, "in_progress"), (3, "in_progress")], D(2014, 10, 1), "amber"),
    ("overdue delayed", [(1, "completed"), (2, "in_progress"), (3, "delayed")], D(2014, 10, 1), "red"),
    ("overdue not started", [(1, "not_started")], D(2014, 4, 1), "red"),
    ("past due without report is a gap, not red", [(1, "completed")], D(2014, 10, 1), "not_reported"),
    ("a report before the due date says nothing of the outcome", [(1, "delayed", D(2014, 3, 20))], D(2014, 4, 1),
     "not_reported"),
    ("a gap beside a known overdue one", [(1, "in_progress")], D(2014, 7, 1), "amber"),
    ("cancelled not rated", [(1, "completed"), (2, "cancelled"), (3, "completed")], D(2014, 10, 1), "green"),
    ("not yet due", [(1, "completed"), (2, "completed"), (3, "in_progress")], D(2014, 9, 30), "green"),
    ("only an early report", [(4, "completed", D(2014, 4, 1))], D(2014, 4, 1), "not_reported"),
    ("delayed but not due", [(1, "completed"), (2, "delayed")], D(2014, 6, 30), "green"),
]


@pytest.mark.parametrize("case, reports, as_of, rating", RATING_CASES, ids=[c[0] for c in RATING_CASES])
def test_rating_rule(tmp_path, case, reports, as_of, rating):
    rows = [report(task=2, quarter=r[0], department="乙处", status=r[1],
                   reported_on=str(r[2] if len(r) > 2 else min(as_of, QUARTER_END[r[0]]))) for r in reports]
    got = task_row(summaries(tmp_path, rows, as_of), 2)
    assert got["rating"] == rating
    assert (got["rating_zh"], got["rating_en"]) == {"not_reported": ("未报告", "not reported"), "green": ("绿", "green"),
                                                    "amber": ("黄", "amber"), "red": ("红", "red")}[rating]


def test_the_rating_rule_is_read_from_status_rules(tmp_path):
    tables = tables_with(tmp_path, [report(task=2, quarter=1, department="乙处", status="in_progress")])
    assert task_row(compute_summaries(tables, D(2014, 4, 1)), 2)["rating"] == "amber"
    rules = tables["status_rules"].copy()
    rules.loc[rules["rule_id"] == "status-in_progress", "overdue_rating"] = "red"
    assert task_row(compute_summaries({**tables, "status_rules": rules}, D(2014, 4, 1)), 2)["rating"] == "red"


def test_task_progress_counts(tmp_path):
    rows = [report(quarter=1, reported_on="2014-03-31"), report(quarter=2, reported_on="2014-07-05"),
            report(quarter=4, department="乙处", reported_on="2014-08-01", status="cancelled")]
    got = task_row(summaries(tmp_path, rows, D(2014, 10, 1)), 1)
    assert {k: got[k] for k in ["lead_department_id", "lead_name_zh", "milestones_planned", "milestones_completed",
                                "milestones_overdue", "milestones_cancelled", "milestones_not_reported", "completion_pct",
                                "last_reported_on", "rating"]} == {
        "lead_department_id": "tiny-division-a", "lead_name_zh": "甲处", "milestones_planned": 3,
        "milestones_completed": 2, "milestones_overdue": 0, "milestones_cancelled": 1, "milestones_not_reported": 0,
        "completion_pct": 100.0, "last_reported_on": D(2014, 8, 1), "rating": "green"}


def test_department_scorecard(tmp_path):
    rows = [report(quarter=1, reported_on="2014-03-31"),                                # 甲处 on task 1, on time
            report(quarter=2, reported_on="2014-07-05"),                                # 甲处 on task 1, not known on 07-01
            report(task=3, quarter=1, department="甲处", reported_on="2014-04-02"),      # 甲处 supports task 3, late
            report(task=2, quarter=1, department="乙处", reported_on="2014-03-20"),      # 乙处 leads task 2, on time
            report(task=2, quarter=2, department="乙处", reported_on="2014-06-30", status="delayed")]  # overdue
    card = summaries(tmp_path, rows, D(2014, 7, 1))["department_scorecard"]
    columns = ["tasks", "milestones_due", "milestones_completed", "milestones_completed_on_time", "milestones_overdue",
               "milestones_not_reported", "milestones_unreported_past_due", "milestones_outcome_known", "on_time_pct",
               "last_reported_on"]
    got = {k: list(v.values()) for k, v in card.set_index(["department_id", "role"])[columns].to_dict("index").items()}
    # Every unreported second quarter is left out of the on-time rate: 甲处 leads task 1 at 100 %, not 50 %.
    assert got == {
        ("tiny-division-a", "lead"): [1, 2, 1, 1, 0, 1, 1, 1, 100.0, D(2014, 3, 31)],
        ("tiny-division-a", "support"): [1, 2, 1, 0, 0, 1, 1, 1, 0.0, D(2014, 4, 2)],
        ("tiny-division-b", "lead"): [1, 2, 1, 1, 1, 0, 0, 2, 50.0, D(2014, 6, 30)],
        ("tiny-division-b", "support"): [1, 2, 1, 1, 0, 1, 1, 1, 100.0, None],
        ("tiny-division-c", "lead"): [1, 2, 1, 0, 0, 1, 1, 1, 0.0, None],
    }


def test_no_known_outcome_gives_no_on_time_rate_never_zero(tmp_path):
    card = summaries(tmp_path, [], D(2015, 1, 31))["department_scorecard"]
    assert (card["milestones_due"] > 0).all() and (card["milestones_outcome_known"] == 0).all()
    assert card["on_time_pct"].isna().all() and (card["milestones_overdue"] == 0).all()
    assert (card["milestones_unreported_past_due"] == card["milestones_due"]).all()


def test_nothing_due_gives_no_on_time_rate(tmp_path):
    card = summaries(tmp_path, [], D(2014, 3, 30))["department_scorecard"]
    assert (card["milestones_due"] == 0).all() and card["on_time_pct"].isna().all()


def test_quarter_summary(tmp_path):
    rows = [report(quarter=1, reported_on="2014-03-31"), report(task=2, quarter=1, department="乙处", reported_on="2014-04-03"),
            report(task=3, quarter=1, department="丙处", reported_on="2014-03-31", status="in_progress"),
            report(task=3, quarter=3, department="丙处", reported_on="2014-05-01", status="cancelled")]
    qs = summaries(tmp_path, rows, D(2014, 7, 1))["quarter_summary"].set_index("quarter")
    assert qs.loc[1, ["milestones_planned", "milestones_completed", "milestones_on_time", "milestones_overdue",
                      "milestones_not_reported", "milestones_cancelled"]].tolist() == [3, 2, 1, 1, 0, 0]
    assert qs.loc[3, ["milestones_planned", "milestones_cancelled", "milestones_overdue"]].tolist() == [2, 1, 0]
    assert qs["due_date"].tolist() == [D(2014, 3, 31), D(2014, 6, 30), D(2014, 9, 30), D(2014, 12, 31)]


@pytest.mark.parametrize("as_of", [D(2014, 3, 31), D(2014, 6, 30), D(2014, 7, 1), D(2014, 12, 31)])
def test_each_view_equals_its_macro_at_the_release_date(tmp_path, as_of):
    tables = tables_with(tmp_path, ROWS + ACTUALS + [report(task=3, quarter=1, department="甲处", reported_on="2014-03-31")])
    con = summary_connection(tables, as_of)
    for name in SUMMARY_TABLES:
        view = con.execute(f"select * from {name} order by all").fetchall()
        macro = con.execute(f"select * from {name}_at(?) order by all", [as_of]).fetchall()
        assert view == macro and view, name


def test_a_macro_at_another_date_is_that_dates_view(tmp_path):
    tables = tables_with(tmp_path, ROWS + ACTUALS)
    later = summary_connection(tables, D(2015, 1, 31))
    earlier = compute_summaries(tables, D(2014, 7, 1))
    for name in SUMMARY_TABLES:
        macro = later.execute(f"select * from {name}_at(DATE '2014-07-01')").fetchdf()
        assert len(macro) == len(earlier[name]) and macro["as_of_date"].dt.date.eq(D(2014, 7, 1)).all(), name
    got = later.execute(f"select status from milestone_status_at(DATE '2014-07-01') where milestone_id = '{DOC}-01-q2'")
    assert got.fetchall() == [("in_progress",)]


def test_summaries_are_valid_against_their_models(tmp_path):
    tables = tables_with(tmp_path, ROWS + ACTUALS)
    result = compute_summaries(tables, D(2014, 12, 31))
    assert list(result) == ["status_rules", "target_baselines", *SUMMARY_TABLES]
    validate_tables({**tables, **result})


def test_summary_sql_is_one_select_per_file_in_the_shape_of_the_others():
    views, macros = summary_sql()
    assert sorted(p.stem for p in paths.SQL.glob("*.sql") if p.stem in SUMMARY_TABLES) == sorted(SUMMARY_TABLES)
    assert list(views) == list(SUMMARY_TABLES) and list(macros) == [f"{n}_at" for n in SUMMARY_TABLES]
    for name in SUMMARY_TABLES:
        for text in (views[name], (paths.SQL / "macros" / f"{name}_at.sql").read_text(encoding="utf-8")):
            body = re.sub(r"--[^\n]*", "", text).strip()
            assert body.startswith("with") and "final as (" in body, name
            assert re.search(r"select \* from final(\s+order by [\w, ]+)?;?\s*$", body), name
        assert "release_info" in views[name] and f"{name}_at(" in views[name]
        assert macros[f"{name}_at"].startswith(f"create or replace macro {name}_at(as_of) as table\n")


def test_status_rules_publish_the_vocabulary_and_the_rating_rule():
    rules = status_rules_table()
    statuses, ratings = rules[rules["kind"] == "status"], rules[rules["kind"] == "rating"]
    assert sorted(statuses.loc[statuses["is_reportable"], "code"]) == sorted(REPORTABLE_STATUSES)
    assert sorted(ratings["code"]) == sorted(RATINGS)
    closed = statuses.set_index("code")["is_closed"]
    assert sorted(closed[closed].index) == ["cancelled", "completed"]
    rating_of = statuses.set_index("code")["overdue_rating"]
    assert rating_of[["not_started", "in_progress", "delayed", "not_reported"]].tolist() == ["red", "amber", "red", "not_reported"]
    assert rules[["label_zh", "label_en", "description_zh", "description_en"]].notna().all().all()
    validate_tables({"status_rules": rules})


def test_the_seed_release_shows_every_milestone_not_reported(seed, tmp_path):
    tables = {**seed.tables, "updates": ingest_updates([], seed.tables, D(2015, 1, 31), root=tmp_path).updates}
    result = compute_summaries(tables, D(2015, 1, 31))
    assert set(result["milestone_status"]["status"]) == {"not_reported"}
    assert set(result["task_progress"]["rating"]) == {"not_reported"}
    carriers = result["target_attainment"].set_index("target_id").loc["szsti-2014-02-t1"]
    assert (carriers["baseline_value"], carriers["baseline_year"], pd.isna(carriers["actual_value"])) == (955.0, 2013, True)
    teams = result["target_attainment"].set_index("target_id").loc["szsti-2014-05-t1"]
    assert (teams["baseline_value"], teams["running_total_value"]) == (10.0, 45.0)
    validate_tables({**tables, **result})


def test_the_baseline_crosswalk_still_matches_the_parsed_seed(seed):
    crosswalk = target_baselines_table(seed.tables)
    targets = seed.tables["targets"].set_index("target_id")["value_text_zh"]
    indicators = seed.tables["indicators"].set_index("indicator_id")["value_text_zh"]
    assert len(crosswalk) == 7
    for row in crosswalk.itertuples(index=False):
        assert (targets[row.target_id], indicators[row.indicator_id]) == (row.target_text_zh, row.indicator_text_zh)


def test_no_made_up_reports_in_raw_updates():
    assert sorted(p.relative_to(paths.UPDATES).as_posix() for p in paths.UPDATES.rglob("*") if p.is_file()) == ["README.md"]
