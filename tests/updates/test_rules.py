"""The rules one report must pass against its paper: tasks, divisions and targets resolved from the tables."""

import datetime as dt

import pytest

from flows.updates.format import header_key, load_statuses
from flows.updates.rules import Paper, Report, check_row, parse_task
from tests.updates.fixtures import DOC, paper_tables


@pytest.fixture(scope="module")
def paper() -> Paper:
    return Paper.from_tables(paper_tables(), DOC)


@pytest.mark.parametrize("text, task_id", [
    ("2", f"{DOC}-02"), ("02", f"{DOC}-02"), ("三", f"{DOC}-03"), ("(三)", f"{DOC}-03"), ("（一）", f"{DOC}-01"),
    (f"{DOC}-03", f"{DOC}-03"), (f"{DOC.upper()}-01", f"{DOC}-01"),
])
def test_task_by_number_or_id(paper, text, task_id):
    assert parse_task(text, paper) == task_id


@pytest.mark.parametrize("text", ["4", "0", "tiny-2013-01", "任务一", "1.5"])
def test_unknown_task_names_the_tasks_there_are(paper, text):
    problem = parse_task(text, paper)
    assert problem.code == "unknown_task" and "tasks 1–3" in problem.message


def test_paper_index_of_the_tiny_paper(paper):
    assert paper.plan_year == 2014 and paper.task_by_seq == {1: f"{DOC}-01", 2: f"{DOC}-02", 3: f"{DOC}-03"}
    assert paper.responsible[f"{DOC}-01"] == {"tiny-division-a": ("lead", 1), "tiny-division-b": ("support", 2)}
    assert {paper.departments[header_key(k)] for k in ("甲处", "tiny-division-a", "DIVISION 甲")} == {"tiny-division-a"}


@pytest.mark.parametrize("written", ["甲处", "甲处牵头", "甲处（牵头）", "tiny-division-a", "Division 甲"])
def test_a_division_by_name_id_english_name_or_with_its_role(paper, written):
    cells = {"task": "1", "quarter": "1", "department": written, "reported_on": "2014-03-31", "status": "completed"}
    assert check_row(cells, paper, dt.date(2015, 1, 31), load_statuses()).department_id == "tiny-division-a"
    assert [t.target_id for t in paper.milestone_targets[f"{DOC}-02-q4"]] == [f"{DOC}-02-q4-t1"]
    assert [t.target_id for t in paper.task_targets[f"{DOC}-03"]] == [f"{DOC}-03-t1", f"{DOC}-03-t2"]


def test_check_row_returns_the_normalised_report(paper):
    cells = {"task": "（三）", "quarter": "Q4", "department": "Division 甲", "reported_on": "2014/12/30",
             "status": "In Progress", "percent_complete": "８０％", "actual_value": "36个", "evidence_url": "", "note": ""}
    assert check_row(cells, paper, dt.date(2015, 1, 31), load_statuses()) == Report(
        DOC, f"{DOC}-03", f"{DOC}-03-q4", 4, "tiny-division-a", "support", 2, dt.date(2014, 12, 30), "in_progress", 80.0,
        36.0, f"{DOC}-03-t2", None, None)


def test_the_date_limits_are_inclusive(paper):
    statuses = load_statuses()
    for day in ("2014-01-01", "2015-01-31"):
        cells = {"task": "1", "quarter": "1", "department": "甲处", "reported_on": day, "status": "completed"}
        assert isinstance(check_row(cells, paper, dt.date(2015, 1, 31), statuses), Report), day


def _codes(result) -> list[str]:
    return [p.code for p in result] if isinstance(result, list) else []


def test_a_report_on_a_quarter_the_paper_leaves_empty_is_refused(paper):
    # task 1's third quarter is empty: nothing is due, so a report there could only be scored against nothing
    cells = {"task": "1", "quarter": "3", "department": "甲处", "reported_on": "2014-09-30", "status": "completed"}
    result = check_row(cells, paper, dt.date(2015, 1, 31), load_statuses())
    assert _codes(result) == ["empty_milestone"]
    assert "leaves it empty" in result[0].message


def test_a_figure_that_could_be_for_targets_of_different_metrics_is_ambiguous():
    from tests.summaries.test_views_known_outcomes import two_metrics_tables

    paper = Paper.from_tables(two_metrics_tables(), DOC)
    cells = {"task": "3", "quarter": "2", "department": "丙处", "reported_on": "2014-06-30", "status": "completed",
             "actual_value": "1"}
    assert _codes(check_row(cells, paper, dt.date(2015, 1, 31), load_statuses())) == ["ambiguous_actual_value"]
    # a task target restated in its fourth quarter is one quantity: a figure for it is not ambiguous
    cells = {"task": "2", "quarter": "4", "department": "乙处", "reported_on": "2014-12-31", "status": "completed",
             "actual_value": "1012"}
    assert check_row(cells, paper, dt.date(2015, 1, 31), load_statuses()).target_id == f"{DOC}-02-q4-t1"
