"""The default release of the seed (no progress reports): nothing is late, missed or red; every gap is counted.

Checked on what a user gets: the published whitepaper.duckdb (its views, and its macros at many as-of dates)
and the published CSV files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import duckdb
import pytest

from flows import paths
from flows.pipeline import refresh_without_prefect

AS_OF = dt.date(2026, 11, 30)
DATES = [dt.date(2014, 1, 1), dt.date(2014, 3, 31), dt.date(2014, 4, 1), dt.date(2014, 7, 1), dt.date(2014, 10, 15),
         dt.date(2015, 1, 1), dt.date(2015, 1, 31), dt.date(2020, 6, 30), AS_OF]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed-release")
    raw = root / "raw"
    for name in ("whitepapers", "lookups", "updates"):
        shutil.copytree(paths.RAW / name, raw / name)
    result = refresh_without_prefect(raw, root / "curated", AS_OF)
    assert result.published, result.message
    return result.release_dir


@pytest.fixture(scope="module")
def con(release):
    con = duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True)
    yield con
    con.close()


def rows(release, table: str) -> list[dict[str, str]]:
    with open(release / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("as_of", DATES)
def test_no_milestone_is_overdue_or_late_and_every_past_due_one_is_unreported(con, as_of):
    got = con.execute("""
        select count(*) filter (where is_overdue), count(days_late), count(is_on_time),
               count(*) filter (where has_text and due_date < as_of_date),
               count(*) filter (where is_unreported_past_due),
               count(*) filter (where has_text and due_date < as_of_date and days_since_due = as_of_date - due_date)
        from milestone_status_at(?)""", [as_of]).fetchone()
    overdue, days_late, on_time_known, past_due, unreported, since_due = got
    assert (overdue, days_late, on_time_known) == (0, 0, 0)
    assert unreported == past_due == since_due
    if as_of >= dt.date(2015, 1, 1):
        assert past_due == 39, "every milestone with text is past due, and counted as unreported"


@pytest.mark.parametrize("as_of", DATES)
def test_no_rate_is_zero_no_target_missed_and_nothing_red(con, as_of):
    assert con.execute("select count(on_time_pct), sum(milestones_overdue), sum(milestones_outcome_known) "
                       "from department_scorecard_at(?)", [as_of]).fetchone() == (0, 0, 0)
    tasks = con.execute("select count(completion_pct), sum(milestones_overdue), list(distinct rating), "
                        "sum(milestones_unreported_past_due) from task_progress_at(?)", [as_of]).fetchone()
    assert tasks[:3] == (0, 0, ["not_reported"])
    quarters = con.execute("select sum(milestones_overdue), sum(milestones_unreported_past_due) from quarter_summary_at(?)",
                           [as_of]).fetchone()
    assert quarters == (0, tasks[3])
    assert con.execute("select count(is_met), count(*) from target_attainment_at(?)", [as_of]).fetchone() == (0, 12)


def test_the_views_and_csv_files_say_the_same(release, con):
    milestones = rows(release, "milestone_status")
    assert len(milestones) == 40 and {r["is_overdue"] for r in milestones} == {"false"}
    assert {r["days_late"] for r in milestones} == {""} and {r["is_on_time"] for r in milestones} == {""}
    assert sum(r["is_unreported_past_due"] == "true" for r in milestones) == 39
    scorecard = rows(release, "department_scorecard")
    assert {r["on_time_pct"] for r in scorecard} == {""} and {r["milestones_overdue"] for r in scorecard} == {"0"}
    assert {r["milestones_outcome_known"] for r in scorecard} == {"0"}
    tasks = rows(release, "task_progress")
    assert {r["rating"] for r in tasks} == {"not_reported"} and {r["completion_pct"] for r in tasks} == {""}
    targets = rows(release, "target_attainment")
    assert len(targets) == 12 and {r["is_met"] for r in targets} == {""}
    assert sum(r["restates_target_id"] == "" for r in targets) == 8, "12 targets state 8 distinct promises"
    assert con.execute("select count(*) from milestone_status where is_unreported_past_due").fetchone() == (39,)


def test_the_new_meanings_are_a_new_major_version_described_everywhere(release, con):
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "2.0.0", "a column whose meaning changed starts the release at 2.0.0"
    fields = {(r["name"], f["name"]): f for r in package["resources"] for f in r["schema"]["fields"]}
    assert fields[("milestone_status", "is_overdue")]["meaningVersion"] == 2
    comment = con.execute("select comment from duckdb_columns() where table_name = 'milestone_status' "
                          "and column_name = 'is_unreported_past_due'").fetchone()[0]
    assert comment == fields[("milestone_status", "is_unreported_past_due")]["description"]
    assert "never counted as overdue" in comment
    readme = (release / "README.md").read_text(encoding="utf-8")
    assert "is_unreported_past_due" in readme and "never counted as overdue" in readme
