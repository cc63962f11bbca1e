"""flows/updates/xlsx.py: cells are counted in every part of the zip, wherever the workbook's relationships put a
sheet, before openpyxl builds any; parts that are not XML, or XML no sheet is made of, leave the count alone."""

import io
import random
import zipfile

import pytest

from flows.updates import limits, xlsx
from flows.updates.read import FileProblem, read_update_file
from tests.updates.fixtures import tiny_workbook as _workbook

SHEET = "xl/worksheets/sheet1.xml"



def _sheet_moved_to(data: bytes, name: str) -> bytes:
    """The workbook with its sheet stored as `name`, the relationships and content types pointing there."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                body = body.replace(f"/{SHEET}".encode(), f"/{name}".encode())
            archive.writestr(name if info.filename == SHEET else info.filename, body)
    return out.getvalue()


def _with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def _read(tmp_path, data: bytes):
    path = tmp_path / "q1.xlsx"
    path.write_bytes(data)
    return read_update_file(path)


NAMES = ["xl/data1.xml", "XL/WORKSHEETS/SHEET1.XML", "xl/worksheets/sheet1.bin", "cells"]


@pytest.mark.parametrize("name", NAMES)
def test_a_sheet_under_any_part_name_is_still_read(tmp_path, name):
    # openpyxl follows the relationships, so the moved sheet is the one it reads: the budget must count it too
    table = _read(tmp_path, _sheet_moved_to(_workbook(2), name))
    assert not isinstance(table, FileProblem), table
    assert [r.cells["department"] for r in table.rows] == ["甲处", "甲处"]


@pytest.mark.parametrize("name", NAMES)
def test_a_sheet_under_any_part_name_is_counted_before_openpyxl_loads_it(tmp_path, monkeypatch, name):
    def explode(*args, **kwargs):
        raise AssertionError("openpyxl must not load a workbook past the cell budget")
    monkeypatch.setattr(limits, "MAX_CELLS", 40)
    monkeypatch.setattr(xlsx.openpyxl, "load_workbook", explode)
    problem = _read(tmp_path, _sheet_moved_to(_workbook(10), name))     # 55 cells
    assert problem == FileProblem("too_large_range", "the workbook has more than 40 cells; at most that many are "
                                  "read: keep only the report table")


def test_cells_are_counted_in_every_part_and_any_namespace(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 40)
    stray = b"<x:worksheet xmlns:x='urn:else'><x:c/>" + b"<c/>" * 20 + b"</x:worksheet>"     # 21 more cells
    assert not isinstance(_read(tmp_path, _workbook(3)), FileProblem)                       # 20 cells
    assert _read(tmp_path, _with_parts(_workbook(3), {"customXml/item9.xml": stray})).code == "too_large_range"


@pytest.mark.parametrize("part", [
    random.Random(7).randbytes(200_000),                                            # a picture
    b"\xff\xfe\x00\x00" + b"\x00" * 64,                                             # not XML at all
    b"<x>" + b"<c/>" * 10,                                                          # cut short
    b"<!DOCTYPE x [<!ENTITY e '<c/><c/>'>]><x>&e;&e;</x>",                          # entities: defusedxml refuses
], ids=["picture", "not_xml", "cut_short", "entities"])
def test_parts_that_are_not_sheets_leave_a_good_workbook_alone(tmp_path, part):
    table = _read(tmp_path, _with_parts(_workbook(2), {"xl/media/image1.png": part}))
    assert not isinstance(table, FileProblem), table
    assert len(table.rows) == 2


def test_cells_of_a_part_are_counted_up_to_where_it_breaks(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 40)
    broken = b"<worksheet><sheetData><row>" + b"<c><v>1</v></c>" * 50 + b"<row></worksheet>"
    assert _read(tmp_path, _with_parts(_workbook(1), {"xl/data9.xml": broken})).code == "too_large_range"
