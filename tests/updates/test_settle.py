"""flows/updates/settle.py through ingest_updates: exact duplicates keep their first copy across files and
formats; two different reports by one division on one milestone and date are a conflict, both rejected."""

from tests.updates.fixtures import DOC, folder, ingest, report, write_updates


def test_exact_duplicates_keep_the_first_copy_across_files(tmp_path):
    a = write_updates(folder(tmp_path), "csv", [report(note="同一份")], name="a")
    b = write_updates(folder(tmp_path), "json", [report(task=f"{DOC}-01", quarter="Q1", reported_on="2014/3/31",
                                                        status="已完成", note="同一份")], name="b")
    result = ingest(tmp_path, [b, a])
    assert result.updates[["update_id", "source_file"]].values.tolist() == [
        [f"{DOC}-01-q1-tiny-division-a-20140331", f"raw/updates/{DOC}/a.csv"]]
    assert result.rejections[["source_file", "reason_codes", "duplicate_of"]].values.tolist() == [
        [f"raw/updates/{DOC}/b.json", "duplicate", f"{DOC}-01-q1-tiny-division-a-20140331"]]
    assert result.quality_notes.empty


def test_a_conflict_rejects_both_reports_names_each_other_and_adds_a_quality_note(tmp_path):
    a = write_updates(folder(tmp_path), "csv", [report(status="completed"), report(task=2, department="乙处")], name="a")
    b = write_updates(folder(tmp_path), "xlsx", [report(status="in_progress", percent_complete=80)], name="b")
    result = ingest(tmp_path, [a, b])
    assert result.updates["task_id"].tolist() == [f"{DOC}-02"]
    assert result.rejections[["rejection_id", "reason_codes", "conflicts_with"]].values.tolist() == [
        [f"raw/updates/{DOC}/a.csv#2", "conflict", f"raw/updates/{DOC}/b.xlsx#2"],
        [f"raw/updates/{DOC}/b.xlsx#2", "conflict", f"raw/updates/{DOC}/a.csv#2"]]
    note = result.quality_notes.iloc[0]
    assert (note["note_id"], note["flag"], note["table_name"], note["row_id"]) == (
        "updates-n001", "update_conflict", "update_rejections", f"raw/updates/{DOC}/a.csv#2")
    assert "a.csv row 2" in note["detail"] and "b.xlsx row 2" in note["detail"]


def test_reports_by_different_divisions_on_one_date_do_not_conflict(tmp_path):
    rows = [report(status="completed"), report(department="乙处", status="in_progress")]
    result = ingest(tmp_path, [write_updates(folder(tmp_path), "csv", rows)])
    assert len(result.updates) == 2 and result.rejections.empty


def test_a_conflict_says_which_fields_differ_even_when_both_say_completed(tmp_path):
    a = write_updates(folder(tmp_path), "csv", [report(status="completed", percent_complete=100)], name="a")
    b = write_updates(folder(tmp_path), "json", [report(status="completed", note="已验收")], name="b")
    result = ingest(tmp_path, [a, b])
    reasons = dict(zip(result.rejections["source_file"], result.rejections["reasons"]))
    assert (f"against raw/updates/{DOC}/b.json row 1 (completed): percent_complete 100 here, empty there; "
            "note empty here, 已验收 there") in reasons[f"raw/updates/{DOC}/a.csv"]
    assert "percent_complete empty here, 100 there; note 已验收 here, empty there" in reasons[f"raw/updates/{DOC}/b.json"]


def test_settle_frame_keeps_the_unshared_rows_then_the_first_copies_with_their_labels():
    """The frame path: rows sharing no key come first, then the kept copies, each keeping its label; an empty
    figure (NaN) is the same content in both copies, not a conflict; conflicts and duplicates are rejected."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from flows.updates.batch import REPORT_FIELDS
    from flows.updates.settle import settle_frame

    def row(source_row, milestone, day, status="in_progress", percent=np.nan, note=None):
        return {"source_file": "raw/updates/d/a.csv", "source_row": source_row, "document_id": "d", "task_id": "d-01",
                "milestone_id": milestone, "quarter": 1, "department_id": "dep", "role": "lead", "department_seq": 1,
                "reported_on": dt.date(2014, 3, day), "status": status, "percent_complete": percent,
                "actual_value": np.nan, "target_id": None, "evidence_url": None, "note": note}

    rows = [row(2, "m1", 1), row(3, "m2", 1), row(4, "m1", 1), row(5, "m3", 1, note="x"), row(6, "m2", 2),
            row(7, "m3", 1, note="y"), row(8, "m1", 1)]
    candidates = pd.DataFrame(rows, index=[10, 11, 12, 13, 14, 15, 16]).astype(
        {c: "str" for c in ("source_file", "document_id", "task_id", "milestone_id", "department_id", "role", "status",
                            "target_id", "evidence_url", "note")})[["source_file", "source_row", *REPORT_FIELDS]]
    raw = pd.Series([f"cells {i}" for i in range(7)], index=candidates.index, dtype="str")
    kept, rejections, notes = settle_frame(candidates, {"dep": "财务处"}, raw)
    assert kept.index.tolist() == [11, 14, 10]
    pd.testing.assert_frame_equal(kept, candidates.loc[[11, 14, 10]], check_exact=True)
    assert [(r["source_row"], r["reason_codes"], r["raw_cells"], r["duplicate_of"]) for r in rejections] == [
        (4, "duplicate", "cells 2", "m1-dep-20140301"), (8, "duplicate", "cells 6", "m1-dep-20140301"),
        (5, "conflict", "cells 3", None), (7, "conflict", "cells 5", None)]
    assert [n["flag"] for n in notes] == ["update_conflict"]
