"""The .xlsx files real divisions send, built in each test: read as Excel shows them, or rejected with the cause."""

import datetime as dt
import io
import re
import zipfile

import openpyxl

from flows.updates.ingest import ingest_updates
from flows.updates.read import FileProblem, read_update_file
from tests.updates.fixtures import DOC, paper_tables, report, write_updates

AS_OF = dt.date(2015, 1, 31)
HEADER = ["task", "quarter", "department", "reported_on", "status"]


def _workbook(rows, edit=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, part: str, change) -> bytes:
    """The workbook with one part's XML changed, as another program would have written it."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info.filename)
            archive.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def _night(tmp_path, bad: bytes, name="bad.xlsx"):
    """The bad workbook beside a good CSV: the ingest must go on, the good file untouched."""
    folder = tmp_path / "raw" / "updates" / DOC
    good = write_updates(folder, "csv", [report(task=2, quarter=1, department="乙处")], name="good")
    (folder / name).write_bytes(bad)
    result = ingest_updates([good, folder / name], paper_tables(), AS_OF, root=tmp_path)
    assert result.updates["source_file"].tolist().count(f"raw/updates/{DOC}/good.csv") == 1
    assert result.file_counts[f"raw/updates/{DOC}/good.csv"]["rows_accepted"] == 1
    return result


def test_a_number_format_the_styles_never_define_is_read_as_general(tmp_path):
    # the styles point at custom format 164 but define no <numFmts>: openpyxl raises IndexError on number_format
    base = _workbook([[1, 1, "甲处", "2014-03-31", "completed"]], lambda s: setattr(s["A2"], "number_format", "0.000"))
    data = _rewrite(base, "xl/styles.xml", lambda b: re.sub(rb"<numFmts.*?</numFmts>", b"", b))
    result = _night(tmp_path, data)
    assert result.rejections.empty
    assert result.file_counts[f"raw/updates/{DOC}/bad.xlsx"] == {
        "document_id": DOC, "rows_read": 1, "file_rejected": False, "rows_accepted": 1, "rows_rejected": 0}


def test_one_styled_empty_cell_at_the_far_corner_is_not_walked(tmp_path):
    base = _workbook([[1, 1, "甲处", "2014-03-31", "completed"]])
    data = _rewrite(base, "xl/worksheets/sheet1.xml", lambda b: re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', b).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'))
    result = _night(tmp_path, data)
    assert result.rejections.empty and len(result.updates) == 2


def test_a_value_at_the_far_corner_is_a_named_too_large_range(tmp_path):
    data = _workbook([[1, 1, "甲处", "2014-03-31", "completed"]], lambda s: s.cell(1_048_576, 16_384, "x"))
    result = _night(tmp_path, data)
    (row,) = result.rejections.to_dict("records")
    assert (row["source_file"], row["level"], row["reason_codes"]) == (f"raw/updates/{DOC}/bad.xlsx", "file", "too_large_range")
    assert "XFD1048576" in row["reasons"] and "\n" not in row["reasons"]


def test_strict_open_xml_is_named_as_such(tmp_path):
    base = _workbook([[1, 1, "甲处", "2014-03-31", "completed"]])
    strict = _rewrite(base, "xl/workbook.xml", lambda b: b.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"))
    assert _night(tmp_path, strict).rejections["reason_codes"].tolist() == ["strict_ooxml"]


def test_a_hidden_draft_row_is_rejected_and_never_outranks_the_visible_one(tmp_path):
    def hide(sheet):
        sheet.row_dimensions[3].hidden = True
    data = _workbook([[1, 1, "甲处", "2014-03-31", "in_progress"], [1, 1, "甲处", "2014-03-31", "已完成"]], hide)
    folder = tmp_path / "raw" / "updates" / DOC
    folder.mkdir(parents=True)
    (folder / "q1.xlsx").write_bytes(data)
    result = ingest_updates([folder / "q1.xlsx"], paper_tables(), AS_OF, root=tmp_path)
    assert result.updates[["source_row", "status"]].values.tolist() == [[2, "in_progress"]]
    assert result.rejections[["source_row", "level", "reason_codes"]].values.tolist() == [[3, "row", "hidden_rows"]]


def test_a_hidden_column_with_cells_rejects_the_file(tmp_path):
    def hide(sheet):
        sheet["F1"], sheet["F2"] = "note", "draft"
        sheet.column_dimensions["F"].hidden = True
    data = _workbook([[1, 1, "甲处", "2014-03-31", "completed"]], hide)
    assert _night(tmp_path, data).rejections["reason_codes"].tolist() == ["hidden_columns"]


def test_a_number_excel_shows_as_a_date_is_read_as_that_date(tmp_path):
    # 41820 with built-in format 31 (yyyy"年"m"月"d"日" in a Chinese Excel), which openpyxl reads as a plain number
    data = _workbook([[1, 2, "甲处", 41820, "completed"]])
    data = _rewrite(data, "xl/styles.xml", lambda b: b.replace(b"<cellXfs count=\"1\">", b"<cellXfs count=\"2\">").replace(
        b"</cellXfs>", b'<xf numFmtId="31" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs>'))
    data = _rewrite(data, "xl/worksheets/sheet1.xml", lambda b: b.replace(b'<c r="D2" t="n">', b'<c r="D2" s="1" t="n">')
                    .replace(b'<c r="D2">', b'<c r="D2" s="1">'))
    path = tmp_path / "q2.xlsx"
    path.write_bytes(data)
    table = read_update_file(path)
    assert not isinstance(table, FileProblem), table
    assert table.rows[0].cells["reported_on"] == "2014-06-30"


def test_any_library_exception_is_that_files_rejection(tmp_path, monkeypatch):
    from flows.updates import xlsx

    def boom(*args, **kwargs):
        raise KeyError("xl/theme/theme1.xml")
    monkeypatch.setattr(xlsx, "_within_budget", boom)
    data = _workbook([[1, 1, "甲处", "2014-03-31", "completed"]])
    (row,) = _night(tmp_path, data).rejections.to_dict("records")
    assert row["reason_codes"] == "reader_error" and "KeyError" in row["reasons"]


def test_cells_past_the_budget_are_counted_before_openpyxl_builds_any(tmp_path, monkeypatch):
    from flows.updates import limits, xlsx

    def explode(*args, **kwargs):
        raise AssertionError("openpyxl must not load a workbook past the cell budget")
    monkeypatch.setattr(limits, "MAX_CELLS", 40)
    monkeypatch.setattr(xlsx.openpyxl, "load_workbook", explode)
    data = _workbook([[1, 1, "甲处", "2014-03-31", "completed"]] * 10)      # 55 cells
    (row,) = _night(tmp_path, data).rejections.to_dict("records")
    assert row["reason_codes"] == "too_large_range" and "40" in row["reasons"]
