"""Reading update files: cells as text, row numbers, and one FileProblem per kind of unreadable file."""

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest

from flows.updates import limits, xlsx
from flows.updates.read import FileProblem, RawTable, read_update_file

HEADER = "task,quarter,department,reported_on,status\n"
ROW = "3,Q2,创新支撑处,2014-06-30,completed\n"


def _xlsx_bytes(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(path) -> RawTable:
    table = read_update_file(path)
    assert isinstance(table, RawTable), table
    return table


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_accepted_encoding_gives_the_same_cells(tmp_path, encoding):
    path = tmp_path / "q2.csv"
    path.write_bytes((HEADER + ROW).encode(encoding))
    table = _table(path)
    assert table.header == ["task", "quarter", "department", "reported_on", "status"]
    assert [(r.source_row, r.cells) for r in table.rows] == [
        (2, {"task": "3", "quarter": "Q2", "department": "创新支撑处", "reported_on": "2014-06-30", "status": "completed"})]


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them_and_blank_rows_are_skipped(tmp_path):
    path = tmp_path / "q2.csv"
    path.write_text(HEADER + ROW + ",,,,\n\n" + ROW.replace("3,", "4,"), encoding="utf-8")
    assert [r.source_row for r in _table(path).rows] == [2, 5]


def test_csv_short_rows_get_empty_cells_and_extra_cells_are_a_row_problem(tmp_path):
    path = tmp_path / "q2.csv"
    path.write_text(HEADER + "3,Q2,创新支撑处\n" + ROW.strip() + ",oops\n", encoding="utf-8")
    short, extra = _table(path).rows
    assert short.cells["status"] == "" and short.problems == ()
    assert [p.code for p in extra.problems] == ["extra_cells"] and extra.cells["(cell 6)"] == "oops"


@pytest.mark.parametrize("content, code", [
    (b"", "empty"),
    (b"\xef\xbb\xbf \r\n", "empty"),
    (HEADER.encode(), "empty"),
    ((HEADER + ROW).encode("utf-8")[:-20], "truncated"),            # cut inside the last row: 4 of 5 cells
    ((HEADER + "3,Q2,创新支撑处").encode("utf-8")[:-1], "truncated"),  # cut inside a UTF-8 character
    ((HEADER + '3,Q2,创新支撑处,2014-06-30,completed,"a note\n').encode(), "truncated"),  # quote never closed
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "undecodable"),
    ("a\x00b\n".encode("utf-16"), "undecodable"),
])
def test_unreadable_csv_is_one_file_problem(tmp_path, content, code):
    path = tmp_path / "q2.csv"
    path.write_bytes(content)
    problem = read_update_file(path)
    assert isinstance(problem, FileProblem) and problem.code == code, problem


def test_truncated_last_row_is_told_apart_from_a_complete_file_without_a_final_line_break(tmp_path):
    path = tmp_path / "q2.csv"
    path.write_text(HEADER + ROW.strip(), encoding="utf-8")
    assert len(_table(path).rows) == 1
    path.write_text(HEADER + "3,Q2,创新支", encoding="utf-8")
    assert read_update_file(path).code == "truncated"


def test_unknown_extension_and_oversized_file(tmp_path, monkeypatch):
    spreadsheet = tmp_path / "q2.ods"   # .xls is read since: tests/updates/test_xls.py
    spreadsheet.write_bytes(b"PK\x03\x04")
    assert read_update_file(spreadsheet).code == "unsupported_format"
    big = tmp_path / "q2.csv"
    big.write_text(HEADER + ROW * 10, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    assert read_update_file(big).code == "oversized"


def test_xlsx_cells_become_text_as_the_division_typed_them(tmp_path):
    def build(sheet):
        sheet.append(["task", "quarter", "department", "reported_on", "status", "percent_complete", "actual_value"])
        sheet.append([3, "Q2", "创新支撑处", dt.datetime(2014, 6, 30), "completed", 0.5, 1012.0])
        sheet["F2"].number_format = "0%"
        sheet.append([None] * 7)
        sheet.append([4.0, 2, "创新支撑处", dt.date(2014, 6, 30), "completed", 60, 2.5])
    path = tmp_path / "q2.xlsx"
    path.write_bytes(_xlsx_bytes(build))
    table = _table(path)
    assert [(r.source_row, r.cells["task"], r.cells["reported_on"], r.cells["percent_complete"], r.cells["actual_value"])
            for r in table.rows] == [(2, "3", "2014-06-30", "50%", "1012"), (4, "4", "2014-06-30", "60", "2.5")]


def test_xlsx_reads_the_first_sheet_even_when_another_is_active(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["task", "quarter", "department", "reported_on", "status"])
    workbook.active.append([1, 1, "甲处", "2014-03-31", "completed"])
    other = workbook.create_sheet("说明")
    other.append(["not the table"])
    workbook.active = 1
    path = tmp_path / "q1.xlsx"
    workbook.save(path)
    assert _table(path).rows[0].cells["department"] == "甲处"


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_formula(sheet):
    sheet.append(["task", "quarter", "department", "reported_on", "status", "percent_complete"])
    sheet.append([3, 2, "创新支撑处", "2014-06-30", "completed", "=50+50"])


def _with_merged_cells(sheet):
    sheet.append(["task", "quarter", "department", "reported_on", "status"])
    sheet.append([3, 2, "创新支撑处", "2014-06-30", "completed"])
    sheet.append([None, 3, None, "2014-09-30", "completed"])
    sheet.merge_cells("A2:A3")


def _header_not_in_row_1(sheet):
    sheet["A3"] = "task"


@pytest.mark.parametrize("make, code", [
    (lambda: _xlsx_bytes(_with_formula), "formulas"),
    (lambda: _xlsx_bytes(_with_merged_cells), "merged_cells"),
    (lambda: _xlsx_bytes(_header_not_in_row_1), "not_a_table"),
    (lambda: _xlsx_bytes(_with_formula)[:700], "truncated"),
    (lambda: b"task,quarter\n1,2\n", "not_a_table"),
    (lambda: _zip_bytes({"hello.txt": b"not a workbook"}), "damaged"),
    (lambda: _zip_bytes({"xl/worksheets/sheet1.xml": b" " * (3 * 2**20)}), "zip_bomb"),
    (lambda: _zip_bytes({f"part{i}.xml": b"x" for i in range(xlsx.MAX_MEMBERS + 1)}), "zip_bomb"),
])
def test_unreadable_xlsx_is_one_file_problem(tmp_path, make, code):
    path = tmp_path / "q2.xlsx"
    path.write_bytes(make())
    problem = read_update_file(path)
    assert isinstance(problem, FileProblem) and problem.code == code, problem


def test_xlsx_bomb_is_caught_by_total_size_before_openpyxl_unpacks_it(tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 10_000)
    monkeypatch.setattr(xlsx.openpyxl, "load_workbook", explode)
    path = tmp_path / "q2.xlsx"
    path.write_bytes(_zip_bytes({"xl/sharedStrings.xml": b"<a/>" * 5000}))
    assert read_update_file(path).code == "zip_bomb"


def test_json_objects_become_rows_numbered_from_1(tmp_path):
    path = tmp_path / "q2.json"
    path.write_text(json.dumps([{"task": 3, "quarter": "Q2", "percent_complete": 60.0, "note": None},
                                {}, ["not", "an", "object"], {"task": "szsti-2014-03", "extra": {"a": 1}}],
                               ensure_ascii=False), encoding="utf-8")
    table = _table(path)
    assert table.header == ["task", "quarter", "percent_complete", "note", "extra"]
    assert [(r.source_row, r.cells, [p.code for p in r.problems]) for r in table.rows] == [
        (1, {"task": "3", "quarter": "Q2", "percent_complete": "60", "note": ""}, []),
        (3, {"(value)": '["not", "an", "object"]'}, ["not_an_object"]),
        (4, {"task": "szsti-2014-03", "extra": '{"a": 1}'}, []),
    ]


@pytest.mark.parametrize("content, code", [
    ('[{"task": 3, "quarter": 2}, {"task": 4, "qua', "truncated"),
    ('[{"task": 3, "note": "cut here', "truncated"),
    ('{"task": 3}', "not_a_table"),
    ('[1, 2, 3]', "not_a_table"),
    ('[]', "empty"),
    ('[{"task": 3} {"task": 4}]', "not_a_table"),
])
def test_unreadable_json_is_one_file_problem(tmp_path, content, code):
    path = tmp_path / "q2.json"
    path.write_text(content, encoding="utf-8")
    problem = read_update_file(path)
    assert isinstance(problem, FileProblem) and problem.code == code, problem


def test_json_must_be_utf8(tmp_path):
    path = tmp_path / "q2.json"
    path.write_bytes('[{"department": "创新支撑处"}]'.encode("gb18030"))
    assert read_update_file(path).code == "undecodable"


def test_windows_936_euro_byte_in_a_gbk_file_is_read_as_windows_reads_it(tmp_path):
    path = tmp_path / "q2.csv"
    path.write_bytes(HEADER.encode() + "3,Q2,创新支撑处,2014-06-30,completed\n".encode("gbk")[:-1] + b",\x80100\n")
    table = _table(path)
    assert list(table.rows[0].cells.values())[-1] == "€100"


def test_an_undecodable_byte_is_named_by_its_row_and_offset(tmp_path):
    path = tmp_path / "q2.csv"
    body = HEADER.encode() + ROW.encode("gbk") + b"4,Q2,\xff\xff,2014-06-30,completed\n"
    path.write_bytes(body)
    problem = read_update_file(path)
    assert problem.code == "undecodable"
    offset = body.index(bytes([0xFF]))
    assert f"row 3, byte {offset}" in problem.message


def test_a_json_key_given_twice_rejects_that_row_naming_both_values(tmp_path):
    path = tmp_path / "q2.json"
    path.write_text('[{"task": 3, "status": "completed", "status": "delayed"}, {"task": 4, "status": "completed"}]',
                    encoding="utf-8")
    first, second = _table(path).rows
    assert [p.code for p in first.problems] == ["duplicate_key"]
    assert '"completed"' in first.problems[0].message and '"delayed"' in first.problems[0].message
    assert second.problems == ()


def test_json_nested_100000_deep_is_a_named_rejection_not_a_recursion_error(tmp_path):
    path = tmp_path / "q2.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert read_update_file(path).code == "too_deep"
    deep: object = 1
    for _ in range(40):                  # 40 levels inside one cell: past the 32 a report file may nest
        deep = [deep]
    path.write_text(json.dumps([{"task": 3, "note": deep}]), encoding="utf-8")
    assert read_update_file(path).code == "too_deep"


def test_a_merged_title_above_the_table_is_named_as_such(tmp_path):
    def titled(sheet):
        sheet.append(["2014年第二季度进展情况表"])
        sheet.append(["task", "quarter", "department", "reported_on", "status"])
        sheet.append([3, 2, "创新支撑处", "2014-06-30", "completed"])
        sheet.merge_cells("A1:E1")
    path = tmp_path / "q2.xlsx"
    path.write_bytes(_xlsx_bytes(titled))
    problem = read_update_file(path)
    assert problem.code == "merged_cells"
    assert "(A1:E1) (a title above the table: delete its rows, so that the update header is row 1)" in problem.message
    path.write_bytes(_xlsx_bytes(_with_merged_cells))
    assert "title" not in read_update_file(path).message   # a merged cell among the reports is no title
