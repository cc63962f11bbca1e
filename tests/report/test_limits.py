"""How the report stays one page on a big release (flows/report/limits.py): long lists cut to the rows a reader
most needs with a note saying how many there are and where all of them are, charts summed over the papers;
a release within the limits shown in full."""

from __future__ import annotations

import re
import shutil

import duckdb
import pandas as pd
import pytest

from flows.report import limits
from flows.report import refused, sections
from flows.report.build import build_report


def _report_with(release, folder, **caps) -> str:
    """The report of a copy of the release, built with flows/report/limits.py's caps set as given."""
    copy = folder / "release"
    shutil.copytree(release, copy)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in caps.items():
            mp.setattr(limits, name, value)
        return build_report(copy).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def capped_html(release, tmp_path_factory):
    """The demo release's report with lists cut at 3 rows and charts at 2: the demo stands in for a big release."""
    return _report_with(release, tmp_path_factory.mktemp("capped"), LIST_LIMIT=3, CHART_LIMIT=2)


@pytest.fixture(scope="module")
def few_bars_html(release, tmp_path_factory):
    """The demo release's report with charts cut at 2 rows, lists left whole."""
    return _report_with(release, tmp_path_factory.mktemp("few-bars"), CHART_LIMIT=2)


def test_a_release_within_the_limits_is_shown_in_full(release):
    html = (release / "report" / "index.html").read_text(encoding="utf-8")
    assert "data-capped" not in html and "Showing " not in html and "Drawn: the" not in html
    con = duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True)
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("task_progress", "target_attainment", "quality_notes", "update_rejections")}
    finally:
        con.close()
    assert len(re.findall(r'<tr id="[^"]+" data-task=', html)) == counts["task_progress"]
    assert len(re.findall(r"data-target=", html)) == counts["target_attainment"]
    assert f"全部 {counts['update_rejections']} 行退回记录" in html


def test_a_long_list_is_cut_with_a_note_saying_how_many_which_and_where(capped_html, release):
    notes = dict(re.findall(r'<p class="capped" role="note" data-capped="([^"]+)">(.*?)</p>', capped_html, flags=re.S))
    assert {"tasks", "scorecard", "quarters", "targets", "refused-rows", "quality", "files", "data-files"} <= set(notes)
    assert "Showing 3 of the 10 tasks: those with the most overdue milestones" in notes["tasks"]
    assert '共 10 项任务，此处列出其中 3 项任务' in notes["tasks"]
    assert 'href="../data/task_progress.csv"' in notes["tasks"]
    assert "Showing 3 of the 18 refused rows" in notes["refused-rows"] and "data/update_rejections.csv" in notes["refused-rows"]
    assert "manifest.json" in notes["files"]
    # The most overdue tasks are listed, in the paper's order.
    con = duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True)
    try:
        worst = [t for (t,) in con.execute("SELECT task_id FROM task_progress ORDER BY milestones_overdue DESC, "
                                           "completion_pct, task_seq LIMIT 3").fetchall()]
        rejected = con.execute("SELECT count(*) FROM update_rejections").fetchone()[0]
    finally:
        con.close()
    assert re.findall(r'<tr id="([^"]+)" data-task=', capped_html) == sorted(worst)
    assert len(re.findall(r"data-target=", capped_html)) == 3
    # Counts and headline figures still cover every row.
    assert re.search(rf'data-field="updates_rejected">{rejected}<', capped_html)
    assert re.search(r'data-field="promises">8<', capped_html)


def test_a_chart_of_many_rows_draws_the_first_and_says_so(few_bars_html, release):
    assert "data-capped" not in few_bars_html, "the lists are within their limit"
    assert "Drawn: the 2 divisions with the most milestones due, of 7." in few_bars_html
    assert "Only 2 of the 8 targets are drawn: those missed by the most" in few_bars_html
    assert len(re.findall(r"<svg\b", few_bars_html)) == 6
    label = re.search(r'<svg[^>]*aria-label="牵头任务的按时完成率[^"]*"', few_bars_html).group()
    assert label.count(" with a known outcome on time, ") == 2


def tasks(n: int) -> pd.DataFrame:
    """n tasks, 25 to a paper."""
    docs = [f"d-{2000 + i // 25}" for i in range(n)]
    return pd.DataFrame({
        "document_id": docs, "task_id": [f"{d}-{i % 25 + 1:02d}" for i, d in enumerate(docs)],
        "task_seq": [i % 25 + 1 for i in range(n)], "title_zh": [f"任务{i}" for i in range(1, n + 1)],
        "lead_department_id": ["d-office"] * n, "lead_name_zh": ["办公室"] * n, "rating": ["green"] * n,
        "rating_zh": ["绿"] * n, "rating_en": ["green"] * n, "milestones_planned": [4] * n,
        "milestones_completed": [4] * n, "milestones_overdue": [(i * 7) % 5 for i in range(n)],
        "completion_pct": [100.0] * n})


def no_milestones() -> pd.DataFrame:
    return pd.DataFrame({"task_id": pd.Series([], dtype=str), "quarter": pd.Series([], dtype=int)})


def test_task_rows_of_a_big_release_are_the_most_overdue_in_the_papers_order():
    big = tasks(250)
    shown = sections.task_rows(big, no_milestones(), pd.DataFrame({"department_id": [], "name_en": []}))
    assert (shown.shown, shown.total, shown.capped) == (limits.LIST_LIMIT, 250, True)
    order = [(r["document_id"], r["seq"]) for r in shown]
    assert order == sorted(order)
    overdue = sorted(big["milestones_overdue"], reverse=True)
    assert sorted((r["overdue"] for r in shown), reverse=True) == overdue[:limits.LIST_LIMIT]


def test_task_rows_of_a_small_release_are_all_of_them():
    shown = sections.task_rows(tasks(5), no_milestones(), pd.DataFrame({"department_id": [], "name_en": []}))
    assert (shown.shown, shown.total, shown.capped) == (5, 5, False)
    assert [r["number"] for r in shown] == ["（一）", "（二）", "（三）", "（四）", "（五）"]


def scorecard(rows):
    cols = ["document_id", "department_id", "name_zh", "name_en", "role", "milestones_due", "milestones_completed",
            "milestones_completed_on_time", "milestones_overdue"]
    frame = pd.DataFrame([dict(zip(cols, r)) for r in rows])
    # every due milestone reported on here: the outcome is known for all of them
    return frame.assign(milestones_unreported_past_due=0, milestones_outcome_known=frame["milestones_due"])


def test_the_scorecard_chart_sums_each_division_over_the_papers():
    rows, divisions = limits.scorecard_chart_rows(scorecard([
        ("a-2014", "a-office", "办公室", "Office", "lead", 4, 4, 2, 0),
        ("a-2015", "a-office", "办公室", "Office", "lead", 6, 3, 3, 3),
        ("a-2015", "a-office", "办公室", "Office", "support", 9, 9, 9, 0),
        ("a-2015", "a-finance", "财务处", None, "lead", 0, 0, 0, 0),
    ]))
    assert divisions == 2
    office = rows.set_index("department_id").loc["a-office"]
    assert (office["milestones_due"], office["milestones_completed_on_time"], office["milestones_overdue"]) == (10, 5, 3)
    assert office["on_time_pct"] == 50.0 and office["name_zh"] == "办公室", "one agency: no agency id in the label"
    assert pd.isna(rows.set_index("department_id").loc["a-finance", "on_time_pct"]), "no known outcome: no rate"


def test_the_scorecard_chart_draws_the_divisions_with_most_due_and_tells_agencies_apart():
    rows, divisions = limits.scorecard_chart_rows(scorecard([
        ("a-2014", "a-finance", "财务处", None, "lead", 3, 3, 3, 0),
        ("b-2014", "b-finance", "财务处", None, "lead", 8, 0, 0, 8),
        ("b-2014", "b-office", "办公室", None, "lead", 5, 5, 5, 0),
    ]), limit=2)
    assert divisions == 3
    assert list(rows["department_id"]) == ["b-finance", "b-office"]
    assert list(rows["name_zh"]) == ["财务处", "办公室"], "one agency among the drawn: names as they are"
    rows, _ = limits.scorecard_chart_rows(scorecard([
        ("a-2014", "a-finance", "财务处", None, "lead", 3, 3, 3, 0),
        ("b-2014", "b-finance", "财务处", None, "lead", 8, 0, 0, 8),
    ]))
    assert list(rows["name_zh"]) == ["财务处 a", "财务处 b"]


def test_the_quarter_chart_sums_each_quarter_over_the_papers():
    counts = ["milestones_planned", "milestones_completed", "milestones_on_time", "milestones_overdue",
              "milestones_cancelled", "milestones_not_reported", "milestones_unreported_past_due"]
    one = pd.DataFrame({"document_id": ["a-2014"] * 2, "quarter": [1, 2], **{c: [1, 2] for c in counts}})
    assert limits.quarter_chart_rows(one) is one
    two = pd.concat([one, one.assign(document_id="a-2015")])
    summed = limits.quarter_chart_rows(two)
    assert list(summed["quarter"]) == [1, 2] and list(summed["milestones_planned"]) == [2, 4]
    assert summed["document_id"].nunique() == 1


def test_targets_missed_by_the_most_come_first_then_those_without_an_actual():
    targets = pd.DataFrame({
        "task_id": ["t1", "t2", "t3", "t4", "t5"], "target_id": ["t1-1", "t2-1", "t3-1", "t4-1", "t5-1"],
        "actual_value": [120.0, 10.0, None, 90.0, 50.0], "ratio_to_target": [1.2, 0.1, None, 0.9, 0.5],
        "is_met": [True, False, None, False, False]})
    assert list(limits.target_selection(targets, 3)["target_id"]) == ["t2-1", "t5-1", "t4-1"]
    assert list(limits.target_selection(targets, 4)["target_id"]) == ["t2-1", "t5-1", "t4-1", "t3-1"]
    assert limits.target_selection(targets, 5) is targets
    rows = [{"task_id": t, "target_id": i, "actual_value": None if pd.isna(a) else a, "target_value": 100.0, "is_met": m}
            for t, i, a, m in zip(targets["task_id"], targets["target_id"], targets["actual_value"], targets["is_met"])]
    assert [r["target_id"] for r in limits.target_chart_rows(rows, 2)] == ["t2-1", "t5-1"]
    assert [r["target_id"] for r in limits.target_chart_rows(rows, 4)] == ["t1-1", "t2-1", "t4-1", "t5-1"], \
        "t3 has neither actual nor baseline: nothing to draw"


def test_refusals_are_cut_but_counted_in_full():
    rejections = pd.DataFrame({
        "rejection_id": [f"r{i}" for i in range(6)], "source_file": ["u/a.csv"] * 4 + ["u/b.csv", "u/c.csv"],
        "source_row": [4, 3, 2, 1, 1, 1], "level": ["row"] * 6, "reasons": ["unknown task '9'"] * 6,
        "reason_codes": ["unknown_task"] * 6})
    updates = pd.DataFrame({"source_file": ["u/b.csv"] * 3 + ["u/d.csv"]})
    out = refused.rejection_summary(rejections, updates, limit=2)
    assert out["rejected"] == 6 and out["by_code"][0]["rows"] == 6
    assert [(f["name"], f["rejected"], f["accepted"]) for f in out["files"]] == [("a.csv", 4, 0), ("b.csv", 1, 3)]
    assert (out["files"].shown, out["files"].total) == (2, 4)
    assert [(r["file"], r["row"]) for r in out["rows"]] == [("a.csv", 1), ("a.csv", 2)]
    assert out["rows"].total == 6


def test_the_chart_counts_a_quarter_target_repeating_its_task_target_once():
    targets = pd.DataFrame({"task_id": ["t2", "t2", "t7"], "target_id": ["t2-q4-t1", "t2-t1", "t7-q3-t1"],
                            "restates_target_id": ["t2-t1", None, None]})
    assert limits.distinct_target_count(targets) == 2
