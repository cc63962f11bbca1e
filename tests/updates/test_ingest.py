"""Taking in update files: accepted rows, every rejection reason in every format, accounting (duplicates and
conflicts: test_settle.py)."""

import datetime as dt
import hashlib
import json

import pandas as pd
import pytest

from flows.updates.format import COLUMNS
from flows.updates.ingest import find_update_files, rejection_lines
from flows.updates.reports.fields import UPDATE_COLUMNS
from flows.tables.validate import validate_tables
from tests.updates.fixtures import DOC, folder, ingest, paper_tables, report, write_updates

FORMATS = ["csv", "xlsx", "json"]
FIRST_ROW = {"csv": 2, "xlsx": 2, "json": 1}


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_accepted_row_is_normalised(tmp_path, fmt):
    row = {"任务": f"{DOC}-02", "季度": "第四季度", "责任部门": "乙处", "报告日期": "2014年12月31日", "状态": "已完成",
           "完成比例": "100%", "实际值": "1,012", "佐证链接": "https://example.org/r", "备注": " 示例 "}
    path = write_updates(folder(tmp_path), fmt, [row])
    result = ingest(tmp_path, [path])
    assert result.rejections.empty
    assert result.updates[UPDATE_COLUMNS].isna().all().all()     # what only a progress report fills
    assert result.updates.drop(columns=UPDATE_COLUMNS).to_dict("records") == [{
        "update_id": f"{DOC}-02-q4-tiny-division-b-20141231", "document_id": DOC, "task_id": f"{DOC}-02",
        "milestone_id": f"{DOC}-02-q4", "quarter": 4, "department_id": "tiny-division-b", "role": "lead",
        "reported_on": dt.date(2014, 12, 31), "status": "completed", "percent_complete": 100.0, "actual_value": 1012.0,
        "target_id": f"{DOC}-02-q4-t1", "evidence_url": "https://example.org/r", "note": "示例",
        "source_file": f"raw/updates/{DOC}/updates.{fmt}", "source_row": FIRST_ROW[fmt]}]


REASONS = [
    ("missing_task", dict(task="")),
    ("missing_quarter", dict(quarter="")),
    ("missing_department", dict(department="")),
    ("missing_reported_on", dict(reported_on="")),
    ("missing_status", dict(status="")),
    ("unknown_task", dict(task=9)),
    ("bad_quarter", dict(quarter="spring")),
    ("quarter_out_of_range", dict(quarter=5)),
    ("unknown_department", dict(department="丁处")),
    ("department_not_responsible", dict(task=2, department="甲处")),
    ("bad_date", dict(reported_on="2014-13-01")),
    ("date_before_plan_year", dict(reported_on="2013-12-31")),
    ("date_in_future", dict(reported_on="2015-02-01")),
    ("unknown_status", dict(status="done")),
    ("bad_percent", dict(percent_complete="most")),
    ("percent_out_of_range", dict(status="in_progress", percent_complete=101)),
    ("percent_out_of_range", dict(status="in_progress", percent_complete="-5%")),
    ("percent_contradicts_status", dict(status="completed", percent_complete=90)),
    ("percent_contradicts_status", dict(status="not_started", percent_complete=10)),
    ("bad_actual_value", dict(task=2, department="乙处", actual_value="lots")),
    ("actual_value_without_target", dict(actual_value=3)),
    ("actual_value_unit", dict(task=2, department="乙处", actual_value="1012人")),
    ("ambiguous_actual_value", dict(task=3, department="丙处", actual_value=6)),
    ("bad_url", dict(evidence_url="www.example.org/report")),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code, cells", REASONS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REASONS)])
def test_each_rejection_reason(tmp_path, fmt, code, cells):
    good = report(task=1, quarter=2, department="甲处", reported_on="2014-06-30", status="completed")
    path = write_updates(folder(tmp_path), fmt, [report(**cells), good])
    result = ingest(tmp_path, [path])
    assert result.rejections[["source_row", "level", "reason_codes"]].to_dict("records") == [
        {"source_row": FIRST_ROW[fmt], "level": "row", "reason_codes": code}]
    rejected = result.rejections.iloc[0]
    assert rejected["document_id"] == DOC and rejected["reasons"] and rejected["rejection_id"].endswith(f"#{FIRST_ROW[fmt]}")
    assert json.loads(rejected["raw_cells"])["task"] == str(cells.get("task", 1))
    assert list(result.updates["source_row"]) == [FIRST_ROW[fmt] + 1]


def test_every_reason_of_a_row_is_given_in_order(tmp_path):
    path = write_updates(folder(tmp_path), "csv", [report(task=9, quarter="Q7", department="丁处", reported_on="2013-01-01",
                                                          status="finished", percent_complete="150", evidence_url="ftp://x")])
    row = ingest(tmp_path, [path]).rejections.iloc[0]
    assert row["reason_codes"] == ("unknown_task;quarter_out_of_range;unknown_department;date_before_plan_year;"
                                   "unknown_status;percent_out_of_range;bad_url")
    assert len(row["reasons"].split("; ")) >= 7


def test_unknown_milestone(tmp_path):
    tables = paper_tables()
    tables["milestones"] = tables["milestones"][tables["milestones"]["milestone_id"] != f"{DOC}-01-q2"]
    path = write_updates(folder(tmp_path), "csv", [report(quarter=2, reported_on="2014-06-30")])
    assert ingest(tmp_path, [path], tables=tables).rejections["reason_codes"].tolist() == ["unknown_milestone"]


def test_actual_value_picks_the_target_by_unit_and_falls_back_to_the_task_target(tmp_path):
    rows = [report(task=3, quarter=4, department="丙处", reported_on="2014-12-31", actual_value="38个"),
            report(task=3, quarter=3, department="丙处", reported_on="2014-09-30", actual_value="6家"),
            report(task=2, quarter=2, department="乙处", reported_on="2014-06-30", actual_value=980)]
    result = ingest(tmp_path, [write_updates(folder(tmp_path), "json", rows)])
    assert result.rejections.empty
    assert result.updates[["milestone_id", "actual_value", "target_id"]].values.tolist() == [
        [f"{DOC}-02-q2", 980.0, f"{DOC}-02-t1"], [f"{DOC}-03-q3", 6.0, f"{DOC}-03-t1"], [f"{DOC}-03-q4", 38.0, f"{DOC}-03-t2"]]


def test_extra_cells_in_a_csv_row_reject_the_row(tmp_path):
    path = folder(tmp_path) / "q2.csv"
    path.parent.mkdir(parents=True)
    path.write_text("task,quarter,department,reported_on,status\n1,2,甲处,2014-06-30,completed,surplus\n"
                    "1,1,甲处,2014-03-31,completed\n", encoding="utf-8")
    result = ingest(tmp_path, [path])
    assert result.rejections["reason_codes"].tolist() == ["extra_cells"] and len(result.updates) == 1


def test_a_json_item_that_is_not_an_object_rejects_that_item(tmp_path):
    path = folder(tmp_path) / "q2.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps([report(), "3,Q2,甲处"], ensure_ascii=False), encoding="utf-8")
    result = ingest(tmp_path, [path])
    assert result.rejections[["source_row", "reason_codes"]].values.tolist() == [[2, "not_an_object"]]


FILE_PROBLEMS = [
    ("empty", lambda p: p.with_suffix(".csv").write_bytes(b"")),
    ("truncated", lambda p: p.with_suffix(".json").write_text('[{"task": 1, "quarter": 1', encoding="utf-8")),
    ("undecodable", lambda p: p.with_suffix(".csv").write_bytes(b"\xff\xfe\x00\x00\x81")),
    ("not_a_table", lambda p: p.with_suffix(".json").write_text('{"task": 1}', encoding="utf-8")),
    ("missing_column", lambda p: p.with_suffix(".csv").write_text("task,quarter,department,status\n1,1,甲处,completed\n",
                                                                   encoding="utf-8")),
    ("unsupported_format", lambda p: p.with_suffix(".et").write_bytes(b"\xd0\xcf\x11\xe0")),
    ("truncated", lambda p: p.with_suffix(".xlsx").write_bytes(b"PK\x03\x04 cut short")),
]


@pytest.mark.parametrize("code, make", FILE_PROBLEMS, ids=[c for c, _ in FILE_PROBLEMS])
def test_a_file_that_cannot_be_read_is_one_file_rejection_and_the_rest_goes_on(tmp_path, code, make):
    good = write_updates(folder(tmp_path), "csv", [report()], name="good")
    make(folder(tmp_path) / "bad")
    bad = next(p for p in folder(tmp_path).iterdir() if p.stem == "bad")
    result = ingest(tmp_path, [bad, good])
    source = f"raw/updates/{DOC}/{bad.name}"
    rejected = result.rejections.iloc[0]
    assert len(result.rejections) == 1 and rejected["reasons"]
    assert (rejected["rejection_id"], rejected["document_id"], rejected["source_file"], rejected["level"],
            rejected["reason_codes"]) == (f"{source}#file", DOC, source, "file", code)
    assert pd.isna(rejected["source_row"]) and pd.isna(rejected["raw_cells"])
    assert len(result.updates) == 1
    assert result.file_counts[source] == {"document_id": DOC, "rows_read": 0, "rows_accepted": 0, "rows_rejected": 0,
                                          "file_rejected": True}


def test_a_folder_that_is_no_document_is_a_file_rejection(tmp_path):
    path = write_updates(tmp_path / "raw" / "updates" / "tiny-2015", "csv", [report()])
    result = ingest(tmp_path, [path])
    assert result.rejections[["level", "reason_codes"]].values.tolist() == [["file", "unknown_document"]]
    assert pd.isna(result.rejections.iloc[0]["document_id"])
    assert result.file_counts["raw/updates/tiny-2015/updates.csv"]["document_id"] is None


def test_document_given_explicitly_for_a_file_in_any_folder(tmp_path):
    path = write_updates(tmp_path / "anywhere", "csv", [report()])
    result = ingest(tmp_path, [path], document_id=DOC)
    assert result.updates["source_file"].tolist() == ["anywhere/updates.csv"] and result.rejections.empty


def test_accounting_per_file_and_manifest_numbers(tmp_path):
    q1 = write_updates(folder(tmp_path), "csv", [report(), report(task=9), report(quarter=2, reported_on="2014-06-30"),
                                                  report()], name="q1")
    q2 = write_updates(folder(tmp_path), "xlsx", [report(quarter=2, reported_on="2014-06-30", status="delayed"),
                                                   report(task=2, department="乙处", quarter=2, reported_on="2014-06-30")],
                       name="q2")
    result = ingest(tmp_path, [q2, q1])
    counts = {k: (c["rows_read"], c["rows_accepted"], c["rows_rejected"]) for k, c in result.file_counts.items()}
    # q1: a duplicate of its row 2 and a bad task; q1 row 4 and q2 row 2 conflict (same division, milestone, date).
    assert counts == {f"raw/updates/{DOC}/q1.csv": (4, 1, 3), f"raw/updates/{DOC}/q2.xlsx": (2, 1, 1)}
    for c in result.file_counts.values():
        assert c["rows_accepted"] + c["rows_rejected"] == c["rows_read"]
    assert len(result.updates) + len(result.rejections) == result.rows_read


def test_unknown_columns_are_ignored_with_a_note_and_template_columns_silently(tmp_path):
    path = write_updates(folder(tmp_path), "csv", [report(负责人="张三", 进度内容="…", 角色="牵头")])
    result = ingest(tmp_path, [path])
    assert len(result.updates) == 1
    assert result.quality_notes["flag"].tolist() == ["update_unknown_column"]
    assert pd.isna(result.quality_notes.iloc[0]["row_id"])
    assert "'负责人'" in result.quality_notes.iloc[0]["detail"] and "进度内容" not in result.quality_notes.iloc[0]["detail"]


def test_input_files_are_never_changed(tmp_path):
    paths = [write_updates(folder(tmp_path), fmt, [report(), report(task=9)], name=f"f{fmt}") for fmt in FORMATS]
    before = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in paths}
    ingest(tmp_path, paths)
    assert {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in paths} == before
    assert sorted(folder(tmp_path).iterdir()) == sorted(paths)


def test_the_same_files_in_any_order_give_the_same_tables(tmp_path):
    a = write_updates(folder(tmp_path), "csv", [report(), report(task=9), report(status="delayed")], name="a")
    b = write_updates(folder(tmp_path), "json", [report(), report(quarter=2, reported_on="2014-06-30")], name="b")
    one, two = ingest(tmp_path, [a, b]), ingest(tmp_path, [b, a])
    pd.testing.assert_frame_equal(one.updates, two.updates)
    pd.testing.assert_frame_equal(one.rejections, two.rejections)


def test_the_tables_are_valid_against_their_models_and_references(tmp_path):
    rows = [report(), report(), report(task=9), report(task=2, department="乙处", actual_value=990),
            report(department="乙处", status="completed"), report(department="乙处", status="delayed")]
    result = ingest(tmp_path, [write_updates(folder(tmp_path), "csv", rows)])
    tables = paper_tables()
    validate_tables({**tables, "updates": result.updates, "update_rejections": result.rejections,
                     "quality_notes": pd.concat([tables["quality_notes"], result.quality_notes], ignore_index=True)})


def test_find_update_files_skips_only_readme_hidden_files_and_links_are_listed_to_be_rejected(tmp_path):
    updates = tmp_path / "updates"
    for name in ["README.md", f"{DOC}/q2.csv", f"{DOC}/.DS_Store", f"{DOC}/notes.txt", "loose.csv"]:
        (updates / name).parent.mkdir(parents=True, exist_ok=True)
        (updates / name).write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.csv").write_text("x")
    (updates / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert [p.relative_to(updates).as_posix() for p in find_update_files(updates)] == [
        "linked", "loose.csv", f"{DOC}/.DS_Store", f"{DOC}/notes.txt", f"{DOC}/q2.csv"]


def test_check_output_names_file_row_and_reasons(tmp_path):
    path = write_updates(folder(tmp_path), "csv", [report(), report(task=9, status="done")])
    lines = rejection_lines(ingest(tmp_path, [path]))
    assert lines[0].startswith(f"raw/updates/{DOC}/updates.csv:row 3: unknown task '9'")
    assert "; unknown status 'done'" in lines[0]
    assert lines[-1] == f"raw/updates/{DOC}/updates.csv: 2 rows read, 1 accepted, 1 rejected"


def test_the_format_columns_are_the_ones_the_issue_names():
    assert {c: zh for c, (zh, _) in COLUMNS.items()} == {
        "task": "任务", "quarter": "季度", "department": "责任部门", "reported_on": "报告日期", "status": "状态",
        "percent_complete": "完成比例", "actual_value": "实际值", "evidence_url": "佐证链接", "note": "备注"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_rejections_do_not_depend_on_the_as_of_date_except_through_the_data(tmp_path, fmt):
    """update_rejections and quality_notes are content-hashed: the same rows rejected for the same reasons on two
    as-of dates must give the same tables, or every night publishes a new release (issue 18)."""
    rows = [report(**cells) for _, cells in REASONS]
    path = write_updates(folder(tmp_path), fmt, rows)
    one = ingest(tmp_path, [path], as_of=dt.date(2015, 1, 30))
    two = ingest(tmp_path, [path], as_of=dt.date(2015, 1, 31))
    assert "date_in_future" in set(one.rejections["reason_codes"].str.split(";").explode())
    pd.testing.assert_frame_equal(one.rejections, two.rejections)
    pd.testing.assert_frame_equal(one.quality_notes, two.quality_notes)
    pd.testing.assert_frame_equal(one.updates, two.updates)


def test_rows_whose_checks_raise_reject_their_file_only(tmp_path, monkeypatch):
    from flows.updates import ingest as ingest_module

    real = ingest_module.check_rows

    def fragile(rows, *args):
        if rows["note"].str.contains("💥").any():
            raise TypeError("unhashable type: 'list'")
        return real(rows, *args)
    monkeypatch.setattr(ingest_module, "check_rows", fragile)
    good = write_updates(folder(tmp_path), "csv", [report()], name="good")
    bad = write_updates(folder(tmp_path), "csv", [report(task=2, department="乙处", note="💥")], name="bad")
    result = ingest(tmp_path, [good, bad])
    assert result.updates["source_file"].tolist() == [f"raw/updates/{DOC}/good.csv"]
    (row,) = result.rejections.to_dict("records")
    assert (row["source_file"], row["level"], row["reason_codes"]) == (f"raw/updates/{DOC}/bad.csv", "file", "check_error")
    assert "TypeError" in row["reasons"]
    assert result.file_counts[f"raw/updates/{DOC}/bad.csv"]["rows_read"] == 0


def test_a_percent_between_0_and_1_is_published_as_written_with_one_note_per_file(tmp_path):
    rows = [report(status="in_progress", percent_complete=0.8), report(task=2, department="乙处", status="in_progress", percent_complete="1"),
            report(task=3, status="in_progress", percent_complete=80), report(quarter=2, status="not_started", percent_complete=0),
            report(task=3, reported_on="2014-03-30", status="in_progress", percent_complete="0.5%")]   # a percent as written
    result = ingest(tmp_path, [write_updates(folder(tmp_path), "json", rows)])
    assert sorted(result.updates["percent_complete"].tolist()) == [0.0, 0.5, 0.8, 1.0, 80.0]   # never silently scaled
    notes = result.quality_notes[result.quality_notes["flag"] == "percent_maybe_fraction"]
    assert len(notes) == 1 and notes.iloc[0]["document_id"] == DOC
    assert notes.iloc[0]["detail"].startswith(f"raw/updates/{DOC}/updates.json: 2 row(s) give percent_complete between "
                                              "0 and 1 (row(s) 1, 2)")


def test_a_completed_row_with_percent_1_is_told_it_may_be_a_fraction(tmp_path):
    result = ingest(tmp_path, [write_updates(folder(tmp_path), "csv", [report(percent_complete="1"), report(task=3, percent_complete=90)])])
    reasons = result.rejections.sort_values("source_row")["reasons"].tolist()
    assert reasons[0].endswith("; 1 may be 100 % written as a fraction: write 100") and "fraction" not in reasons[1]
