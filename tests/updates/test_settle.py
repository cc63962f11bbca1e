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
