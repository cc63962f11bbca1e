"""The release workbook writer (flows/release/xlsx_writer.py): what openpyxl reads back, and a table too long for a sheet."""

from __future__ import annotations

import datetime as dt
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.release import files as release_files
from flows.tables.codebook import table_spec
from flows.release.files import canonical_frame, write_xlsx
from flows.release import xlsx_writer
from flows.release.xlsx_writer import column_cells, write_workbook
from tests.release.fixtures import tiny_tables


def test_cells_read_back_as_written(tmp_path):
    frame = pd.DataFrame({"text": ["=1+1", " a <b> & c ", "第一行\r\n第二行", None],
                          "int": pd.array([7, None, -3, 2**40], dtype="Int64"),
                          "num": [0.1, np.nan, 1e20, 4.0],
                          "flag": [True, False, None, True],
                          "day": [dt.date(2014, 3, 31), None, dt.date(1900, 3, 1), dt.date(2026, 12, 31)]})
    kinds = ["string", "integer", "number", "boolean", "date"]
    write_workbook(tmp_path / "w.xlsx", [("t", list(frame.columns), frame, kinds, None)])
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx")["t"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [["=1+1", 7, 0.1, True, dt.datetime(2014, 3, 31)],
                    [" a <b> & c ", None, None, False, None],
                    ["第一行\r\n第二行", -3, 1e20, None, dt.datetime(1900, 3, 1)],
                    [None, 2**40, 4, True, dt.datetime(2026, 12, 31)]]
    assert sheet["A2"].data_type == "s" and sheet["E2"].number_format == "yyyy-mm-dd" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == list(frame.columns)


def test_a_table_longer_than_a_sheet_is_left_out_and_said_so(tmp_path, monkeypatch):
    monkeypatch.setattr(release_files, "SHEET_MAX_ROWS", 3)          # a header and two rows
    specs = {name: table_spec(name) for name in ("departments", "milestones")}
    frames = {name: canonical_frame(tiny_tables()[name], spec) for name, spec in specs.items()}
    assert len(frames["departments"]) <= 2 < len(frames["milestones"])
    omitted = write_xlsx(frames, specs, tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert omitted == ["milestones"] and book.sheetnames == ["_codebook", "departments"]
    notes = [row[5].value for row in book["_codebook"].iter_rows(min_row=2) if row[0].value == "milestones" and not row[1].value]
    assert "not in this workbook" in notes[0] and "data/milestones.csv" in notes[0]


def test_the_release_readme_names_a_table_left_out_of_the_workbook():
    from flows.release.manifest import ReleaseInfo
    from flows.release.datapackage import load_release_metadata
    from flows.release.readme import render_readme

    specs = {"departments": table_spec("departments")}
    info = ReleaseInfo("2014-12-31-abcdef12", dt.date(2014, 12, 31), dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc), "a" * 64)
    readme = render_readme(info, specs, version="1.0.0", row_counts={"departments": 2}, views=[], macros=[],
                           metadata=load_release_metadata(), xlsx_omitted=["departments"])
    assert "Left out, having more rows than a sheet holds" in readme and "`departments`" in readme


def test_a_sheet_name_over_31_characters_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at most 31 characters"):
        write_workbook(tmp_path / "w.xlsx", [("x" * 32, ["a"], None, [], [["1"]])])


def test_document_properties_and_the_sheet_it_opens_on(tmp_path):
    path = tmp_path / "w.xlsx"
    write_workbook(path, [("one", ["a"], None, [], [["1"]]), ("two", ["b"], None, [], [["2"]])],
                   properties={"title": "白皮书 <1> & more", "identifier": "2015-01-31-7f1dd4cb"}, active=1)
    book = openpyxl.load_workbook(path)
    assert (book.properties.title, book.properties.identifier) == ("白皮书 <1> & more", "2015-01-31-7f1dd4cb")
    assert book.active.title == "two"
    write_workbook(path, [("one", ["a"], None, [], [["1"]])])
    with zipfile.ZipFile(path) as z:
        assert "docProps/core.xml" not in z.namelist()
    assert openpyxl.load_workbook(path).active.title == "one"


def _number_text_before(values: np.ndarray) -> list:
    """The number text the writer gave before it formatted each distinct value once: the oracle it must still match."""
    mask = np.isnan(values)
    whole = (~mask) & (np.abs(values) < 2**53) & (values == np.round(values))
    text = np.where(whole, np.where(whole, values, 0).astype("int64").astype(str), values.astype(str))
    return [None if m else t for t, m in zip(text.tolist(), mask)]


AWKWARD_FLOATS = st.sampled_from([0.1, 1e-7, 1e16, 123456789.123, -0.0, 0.0, float("nan"), float("inf"), -float("inf"),
                                  2.0**53, 2.0**53 - 1, -(2.0**53), 1e20, 5e-324, 1 / 3, 0.30000000000000004, -1.5, 1e15 + 0.5])


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.lists(st.one_of(AWKWARD_FLOATS, st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-2**60, 2**60).map(float)), max_size=12))
def test_numbers_are_written_as_before(values):
    floats = np.array(values, dtype="float64")
    cells = column_cells(pd.Series(floats), "number").to_pylist()
    assert cells == ["<c/>" if t is None else f"<c><v>{t}</v></c>" for t in _number_text_before(floats)]


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.lists(st.one_of(st.none(), st.integers(-2**63, 2**63 - 1)), max_size=12))
def test_integers_past_two_to_the_53_are_written_as_before(values):
    series = pd.Series(pd.array(values, dtype="Int64"))
    cells = column_cells(series, "integer").to_pylist()
    floats = series.to_numpy(dtype="float64", na_value=np.nan)
    assert cells == ["<c/>" if t is None else f"<c><v>{t}</v></c>" for t in _number_text_before(floats)]


DAYS = st.one_of(st.none(), st.just(float("nan")), st.just(pd.NaT), st.dates(), st.datetimes().map(pd.Timestamp) | st.datetimes())


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.lists(DAYS, max_size=10))
def test_dates_and_datetimes_are_days_since_excels_epoch(values):
    expected = ["<c/>" if v is None or pd.isna(v)
                else f'<c s="1"><v>{((v.date() if isinstance(v, dt.datetime) else v) - dt.date(1899, 12, 30)).days}</v></c>'
                for v in values]
    assert column_cells(pd.Series(values, dtype=object), "date").to_pylist() == expected


@pytest.mark.parametrize("series", [pd.Series([True, None, False], dtype="boolean"), pd.Series([True, None, False], dtype=object)])
def test_flags_and_their_nulls(series):
    assert column_cells(series, "boolean").to_pylist() == ['<c t="b"><v>1</v></c>', "<c/>", '<c t="b"><v>0</v></c>']


def test_the_sheet_xml_row_by_row(tmp_path, monkeypatch):
    """Text escaped only where it holds & < > or CR, empty columns, and rows cut into chunks: the exact XML."""
    monkeypatch.setattr(xlsx_writer, "CHUNK_ROWS", 2)
    frame = pd.DataFrame({"id": ["a1", "a2", "a3"], "text": ["x<y", None, "1 & 2\r\n"], "none": [None, None, None],
                          "num": [1.0, 0.5, np.nan], "day": [dt.date(1900, 1, 1), None, dt.date(1899, 12, 31)]})
    write_workbook(tmp_path / "w.xlsx", [("t", list(frame.columns), frame, ["string", "string", "string", "number", "date"],
                                          None)])
    with zipfile.ZipFile(tmp_path / "w.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    text = '<c t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>'
    assert sheet[sheet.index('<row r="2">'):] == (
        f'<row r="2">{text.format("a1")}{text.format("x&lt;y")}<c/><c><v>1</v></c><c s="1"><v>2</v></c></row>'
        f'<row r="3">{text.format("a2")}<c/><c/><c><v>0.5</v></c><c/></row>'
        f'<row r="4">{text.format("a3")}{text.format("1 &amp; 2&#13;" + chr(10))}<c/><c/><c s="1"><v>1</v></c></row>'
        "</sheetData></worksheet>")
