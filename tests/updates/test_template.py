"""The ready-to-fill template: a row per milestone with text and responsible division, and a filled template passes the check."""

import csv
import datetime as dt

import openpyxl
import pytest

from flows.updates.format import COLUMNS, INFO_COLUMNS
from flows.updates.template import HEADER, template_frame, write_template
from flows.updates.ingest import ingest_updates
from tests.updates.fixtures import DOC, QUARTER_END, paper_tables


def test_one_row_per_milestone_and_responsible_division():
    frame = template_frame(paper_tables(), DOC)
    assert len(frame) == 3 * 2 + 4 * 1 + 4 * 2, "task 1's empty third quarter has no row: nothing to report on"
    assert not ((frame["任务"] == 1) & (frame["季度"] == "第三季度")).any()
    assert frame[["任务", "季度", "责任部门", "角色"]].head(3).values.tolist() == [
        [1, "第一季度", "甲处", "牵头"], [1, "第一季度", "乙处", "配合"], [1, "第二季度", "甲处", "牵头"]]
    task2_q4 = frame[(frame["任务"] == 2) & (frame["季度"] == "第四季度")].iloc[0]
    assert (task2_q4["量化目标"], task2_q4["到期日"]) == ("超过1000家", "2014-12-31")
    assert frame[(frame["任务"] == 3)]["量化目标"].iloc[0] == "5家以上;35个以上"
    assert (frame[["报告日期", "状态", "完成比例", "实际值", "佐证链接", "备注"]] == "").all().all()


def test_template_columns_are_the_formats_chinese_headers_plus_read_only_ones():
    assert set(HEADER) == {zh for zh, _ in COLUMNS.values()} | set(INFO_COLUMNS.values())


def test_unknown_document_and_extension_are_errors(tmp_path):
    with pytest.raises(ValueError, match="no tasks"):
        template_frame(paper_tables(), "tiny-2099")
    with pytest.raises(ValueError, match=".xlsx or .csv"):
        write_template(paper_tables(), DOC, tmp_path / "t.ods")


def _fill(values: list[list], header: list) -> None:
    """Fill every row as a division would: completed on the due date."""
    due, status = header.index("到期日"), header.index("状态")
    for row in values:
        row[header.index("报告日期")] = row[due]
        row[status] = "已完成"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_filled_template_passes_the_check(tmp_path, fmt):
    path = tmp_path / f"template.{fmt}"
    rows = write_template(paper_tables(), DOC, path)
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(path)
        sheet = workbook.worksheets[0]
        assert [c.value for c in sheet[1]] == HEADER and workbook.sheetnames == ["进度报告", "说明"]
        for row in sheet.iter_rows(min_row=2):
            row[HEADER.index("报告日期")].value = row[HEADER.index("到期日")].value
            row[HEADER.index("状态")].value = "已完成"
        workbook.save(path)
    else:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header, *values = list(csv.reader(fh))
        _fill(values, header)
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([header, *values])
    result = ingest_updates([path], paper_tables(), dt.date(2015, 1, 31), root=tmp_path, document_id=DOC)
    assert result.rejections.empty, result.rejections["reasons"].tolist()
    assert len(result.updates) == rows and result.quality_notes.empty
    assert set(result.updates["reported_on"]) == set(QUARTER_END.values())


def test_an_unfilled_template_is_rejected_row_by_row(tmp_path):
    path = tmp_path / "template.csv"
    rows = write_template(paper_tables(), DOC, path)
    result = ingest_updates([path], paper_tables(), dt.date(2015, 1, 31), root=tmp_path, document_id=DOC)
    assert len(result.rejections) == rows and set(result.rejections["reason_codes"]) == {"missing_reported_on;missing_status"}
