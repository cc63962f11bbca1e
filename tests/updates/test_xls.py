"""flows/updates/xls.py through read_update_file: an old-style .xls (as Excel 97–2003 and WPS save it) gives the
cells an .xlsx of the same sheet gives, under the same rules; a workbook is read by its bytes, not its name."""

import datetime as dt
import io

import openpyxl
import pytest
import xlwt

from flows.updates.read import FileProblem, RawTable, read_update_file
from tests.updates.fixtures import DOC, folder, ingest

HEADER = ["task", "quarter", "department", "reported_on", "status", "percent_complete", "actual_value", "note"]
DAY = xlwt.easyxf(num_format_str="yyyy-mm-dd")
PERCENT = xlwt.easyxf(num_format_str="0%")


def _xls(build) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    build(book.add_sheet("进展"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _reports(sheet) -> None:
    for c, name in enumerate(HEADER):
        sheet.write(0, c, name)
    sheet.write(1, 0, 3.0)
    sheet.write(1, 1, "Q2")
    sheet.write(1, 2, "创新支撑处")
    sheet.write(1, 3, dt.date(2014, 6, 30), DAY)
    sheet.write(1, 4, "完成")
    sheet.write(1, 5, 0.5, PERCENT)
    sheet.write(1, 6, 1012.0)
    sheet.write(1, 7, " 已验收 ")
    sheet.write(3, 0, 2)           # row 3 is left blank: not a row; row 4 keeps its number
    sheet.write(3, 4, "in_progress")


def _table(path) -> RawTable:
    table = read_update_file(path)
    assert isinstance(table, RawTable), table
    return table


def test_cells_read_as_the_division_typed_them(tmp_path):
    path = tmp_path / "q2.xls"
    path.write_bytes(_xls(_reports))
    table = _table(path)
    assert (table.file_format, table.header) == ("xls", HEADER)
    assert [(r.source_row, r.cells) for r in table.rows] == [
        (2, {"task": "3", "quarter": "Q2", "department": "创新支撑处", "reported_on": "2014-06-30", "status": "完成",
             "percent_complete": "50%", "actual_value": "1012", "note": " 已验收 "}),
        (4, {"task": "2", "quarter": "", "department": "", "reported_on": "", "status": "in_progress",
             "percent_complete": "", "actual_value": "", "note": ""})]


def test_the_same_sheet_as_xlsx_gives_the_same_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([3, "Q2", "创新支撑处", dt.date(2014, 6, 30), "完成", 0.5, 1012, " 已验收 "])
    sheet["D2"].number_format, sheet["F2"].number_format = "yyyy-mm-dd", "0%"
    workbook.save(tmp_path / "q2.xlsx")
    (tmp_path / "q2.xls").write_bytes(_xls(_reports))
    assert _table(tmp_path / "q2.xlsx").rows[0].cells == _table(tmp_path / "q2.xls").rows[0].cells


def test_a_workbook_is_read_by_its_bytes_whatever_its_name(tmp_path):
    (tmp_path / "renamed.xlsx").write_bytes(_xls(_reports))
    assert _table(tmp_path / "renamed.xlsx").file_format == "xls"
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER[:5])
    workbook.active.append([1, 1, "甲处", "2014-03-31", "completed"])
    workbook.save(tmp_path / "renamed.xls")
    assert _table(tmp_path / "renamed.xls").file_format == "xlsx"


def _merged(sheet):
    sheet.write_merge(0, 0, 0, 4, "2014年第二季度进展情况表")


def _hidden_header(sheet):
    _reports(sheet)
    sheet.row(0).hidden = True


def _hidden_column(sheet):
    _reports(sheet)
    sheet.col(7).hidden = True


def _empty_first_row(sheet):
    sheet.write(2, 0, "task")


@pytest.mark.parametrize("build, code, words", [
    (_merged, "merged_cells", "(A1:E1) (a title above the table: delete its rows"),
    (_hidden_header, "hidden_rows", "row 1 (the header)"),
    (_hidden_column, "hidden_columns", "(H)"),
    (_empty_first_row, "not_a_table", "row 1 of sheet '进展' is empty"),
])
def test_the_xlsx_rules_hold_for_xls(tmp_path, build, code, words):
    path = tmp_path / "q2.xls"
    path.write_bytes(_xls(build))
    problem = read_update_file(path)
    assert isinstance(problem, FileProblem) and problem.code == code and words in problem.message, problem


def test_a_hidden_row_is_read_as_a_rejected_row(tmp_path):
    def build(sheet):
        _reports(sheet)
        sheet.row(1).hidden = True
    path = tmp_path / "q2.xls"
    path.write_bytes(_xls(build))
    assert [(r.source_row, [p.code for p in r.problems]) for r in _table(path).rows] == [(2, ["hidden_rows"]), (4, [])]


@pytest.mark.parametrize("data, words", [
    (b"<html><body><table><tr><td>task</td></tr></table></body></html>", "a web page or XML saved under an .xls name"),
    (b"\xef\xbb\xbf<?xml version=\"1.0\"?><Workbook/>", "a web page or XML saved under an .xls name"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cannot be opened"),
    (b"task,quarter\n1,2\n", "not an Excel workbook"),
])
def test_what_is_not_an_xls_workbook_is_said(tmp_path, data, words):
    path = tmp_path / "q2.xls"
    path.write_bytes(data)
    problem = read_update_file(path)
    assert isinstance(problem, FileProblem) and words in problem.message, problem


def test_a_wps_et_file_is_named_with_what_to_do(tmp_path):
    path = tmp_path / "q2.et"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    problem = read_update_file(path)
    assert problem.code == "unsupported_format" and "WPS Spreadsheets .et file: open it in WPS and save it as .xlsx" \
        in problem.message


def test_an_xls_report_is_accepted_like_any_other(tmp_path):
    def build(sheet):
        for c, name in enumerate(HEADER[:5]):
            sheet.write(0, c, name)
        for c, value in enumerate([1.0, 1.0, "甲处"]):
            sheet.write(1, c, value)
        sheet.write(1, 3, dt.date(2014, 3, 31), DAY)
        sheet.write(1, 4, "completed")
    folder(tmp_path).mkdir(parents=True)
    path = folder(tmp_path) / "q1.xls"
    path.write_bytes(_xls(build))
    result = ingest(tmp_path, [path])
    assert result.rejections.empty
    assert result.updates[["update_id", "source_file", "source_row"]].values.tolist() == [
        [f"{DOC}-01-q1-tiny-division-a-20140331", f"raw/updates/{DOC}/q1.xls", 2]]
