"""Unknown is shown as unknown in the report: a task or headline with no known outcome is "not reported", never
"0 done"; a target with a figure whose outcome is not known yet is "not yet known", not "not reported"; the rating
glossary is the lookup's own wording."""

from __future__ import annotations

import csv
import re
import shutil
from html import unescape

import duckdb
import pandas as pd

from flows import paths
from flows.report.build import build_report
from tests.report.test_build import Page


def query(release, sql):
    con = duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def rebuilt(release, tmp_path, table: str, change) -> str:
    """The report of a copy of the release whose table `table` is changed by change(frame)."""
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    path = copy / "data" / f"{table}.parquet"
    change(pd.read_parquet(path)).to_parquet(path, index=False)
    return build_report(copy).read_text(encoding="utf-8")


def done_cell(html, task_id):
    row = re.search(rf'<tr id="{task_id}".*?</tr>', html, flags=re.S).group()
    return re.search(r'<td class="done num".*?</td>', row, flags=re.S).group()


def test_a_task_with_no_known_outcome_is_not_reported_never_zero_done(release, tmp_path):
    first = query(release, "SELECT task_id FROM task_progress ORDER BY task_id LIMIT 1")[0][0]

    def unknown(tp):   # as if the first task's only reports were a cancellation or an early "in progress"
        return tp.assign(milestones_completed=tp["milestones_completed"].mask(tp["task_id"] == first, 0),
                         completion_pct=tp["completion_pct"].mask(tp["task_id"] == first))
    html = rebuilt(release, tmp_path, "task_progress", unknown)
    cell = done_cell(html, first)
    assert "未报告" in cell and "not reported" in cell and " / " not in cell, cell


def test_the_done_column_agrees_with_completion_pct(release, html):
    rows = query(release, "SELECT task_id, milestones_completed, milestones_planned, completion_pct FROM task_progress")
    for task, completed, planned, pct in rows:
        cell = done_cell(html, task)
        if pct is None:
            assert "未报告" in cell and "not reported" in cell and " / " not in cell, (task, cell)
        else:
            assert f"{completed} / {planned}" in cell, (task, cell)


def test_the_headline_says_not_reported_when_no_outcome_is_known(release, tmp_path):
    def nothing_reported(ms):
        return ms.assign(status="not_reported", is_completed=False, is_overdue=False,
                         is_on_time=pd.array([None] * len(ms), dtype="boolean"))
    page = Page(rebuilt(release, tmp_path, "milestone_status", nothing_reported))
    assert page.marked["data-figure=completed"].strip() == "—" and page.marked["data-figure=on_time"].strip() == "—"


def test_a_figure_short_of_its_target_before_the_due_date_is_not_yet_known(release, tmp_path):
    met = query(release, "SELECT target_id FROM target_attainment WHERE is_met AND restates_target_id IS NULL "
                         "ORDER BY target_id LIMIT 1")[0][0]
    unreported = query(release, "SELECT count(*) FROM target_attainment WHERE is_met IS NULL AND actual_value IS NULL "
                                "AND restates_target_id IS NULL")[0][0]

    def pending(ta):   # as if the figure were reported short of the target before its due date
        return ta.assign(is_met=ta["is_met"].mask(ta["target_id"] == met, pd.NA))
    html = rebuilt(release, tmp_path, "target_attainment", pending)
    row = re.search(rf'<tr data-target="{met}">.*?</tr>', html, flags=re.S).group()
    assert "尚未可知" in row and "outcome not yet known" in row and "未报告" not in row
    page = Page(html)
    assert (page.number("data-field=targets_pending"), page.number("data-field=targets_not_reported")) == (1, unreported)


def test_rows_without_a_figure_are_not_reported(release, html):
    for target, actual in query(release, "SELECT target_id, actual_value FROM target_attainment WHERE is_met IS NULL"):
        row = re.search(rf'<tr data-target="{target}">.*?</tr>', html, flags=re.S).group()
        assert ("未报告" in row) == (actual is None) and ("尚未可知" in row) == (actual is not None), target


def test_the_rating_glossary_is_the_lookups_wording(html):
    with open(paths.LOOKUPS / "ratings.csv", encoding="utf-8") as fh:
        ratings = list(csv.DictReader(fh))
    page = unescape(html)
    for r in ratings:
        rule = re.search(rf'<dd data-rating-rule="{r["code"]}">(.*?)</dd>', page, flags=re.S)
        assert rule and r["description_zh"] in rule.group(1) and r["description_en"] in rule.group(1), r["code"]
    assert "every milestone due is reported" not in page, "green is about milestones past their due date"
