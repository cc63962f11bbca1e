"""Parquet, CSV, spreadsheet and source-text writers, on tiny inline frames."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.release.fixtures import tiny_tables
from flows.tables.codebook import table_spec
from flows.release.xlsx_cells import STAND_IN_MARK
from flows.release import files
from flows.release.files import (canonical_frame, csv_cell, neutralise_formula, parquet_reads_back, read_parquet,
                                 restore_formula, write_csv, write_parquet, write_source_texts, write_xlsx)


@pytest.mark.parametrize("text, csv_text", [
    ("=1+1", "'=1+1"), ("+86 755", "'+86 755"), ("-5%", "'-5%"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"),
    ("'hello", "'hello"), ("约1.4万亿元", "约1.4万亿元"), ("a=b", "a=b"), ("", ""),
])
def test_formula_like_text_gets_one_apostrophe_that_can_be_removed(text, csv_text):
    assert neutralise_formula(text) == csv_text
    assert restore_formula(csv_text) == text


@pytest.mark.parametrize("value, kind, expected", [
    (None, "string", ""), (float("nan"), "number", ""), (pd.NA, "integer", ""),
    (4.0, "number", "4"), (1.4e12, "number", "1400000000000"), (0.1, "number", "0.1"), (-2.5, "number", "-2.5"),
    (1e20, "number", "1e+20"), (7, "integer", "7"), (True, "boolean", "true"), (False, "boolean", "false"),
    (dt.date(2014, 3, 31), "date", "2014-03-31"), ("=A1", "string", "'=A1"),
])
def test_csv_cell(value, kind, expected):
    assert csv_cell(value, kind) == expected


def test_csv_is_rfc4180_with_crlf_and_no_bom(tmp_path):
    spec = table_spec("quality_notes")
    df = canonical_frame(pd.DataFrame({
        "note_id": ["d-2014-n1"], "document_id": ["d-2014"], "table_name": ["tasks"], "row_id": [None],
        "flag": ["odd"], "detail": ['第一行\n第二行, "引号"'], "source_start": pd.array([None], dtype="Int64"),
        "source_end": pd.array([3], dtype="Int64"),
    }), spec)
    write_csv(df, spec, tmp_path / "q.csv")
    assert (tmp_path / "q.csv").read_bytes() == (
        "note_id,document_id,table_name,row_id,flag,detail,source_start,source_end\r\n"
        'd-2014-n1,d-2014,tasks,,odd,"第一行\n第二行, ""引号""",,3\r\n'
    ).encode("utf-8")


def test_csv_rows_are_quoted_as_the_csv_module_quotes_them(tmp_path):
    """The rows are built by Arrow kernels; every cell must come out as csv.writer would write it."""
    import csv
    import io

    spec = table_spec("quality_notes")
    details = ["", "plain", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "crlf\r\nend", '"', ",", " lead space",
               "=1+1", "'=x", "中文，全角逗号", "tab\tin"]
    df = canonical_frame(pd.DataFrame({
        "note_id": [f"d-2014-n{i:02d}" for i in range(len(details))], "document_id": ["d-2014"] * len(details),
        "table_name": ["tasks"] * len(details), "row_id": [None, "x,y"] + ["r"] * (len(details) - 2),
        "flag": ["odd"] * len(details), "detail": details,
        "source_start": pd.array([None, 0] + list(range(2, len(details))), dtype="Int64"),
        "source_end": pd.array([5] * len(details), dtype="Int64"),
    }), spec)
    write_csv(df, spec, tmp_path / "q.csv")
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(spec.column_names)
    for row in df.itertuples(index=False):
        writer.writerow(csv_cell(None if pd.isna(v) else v, c.type) for v, c in zip(row, spec.columns))
    assert (tmp_path / "q.csv").read_bytes() == expected.getvalue().encode("utf-8")


TEXT = st.one_of(st.sampled_from(["", "plain", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "=1+1", "'=x", "'hello",
                                    "-5%", "+86", "@x", "\tx", "中文，全角", " lead"]),
                 st.text(alphabet=',"\r\n=+-@\t\' a中', max_size=6))
FIGURE = st.one_of(st.floats(allow_nan=False), st.sampled_from([0.1, -2.5, 1e20, 2.0**53, 2.0**53 + 2, -0.0, 4.0]))
VALUES = {"string": TEXT, "integer": st.integers(-2**62, 2**62), "number": FIGURE, "boolean": st.booleans(),
          "date": st.dates()}


@st.composite
def table_rows(draw, name):
    spec, n = table_spec(name), draw(st.integers(1, 12))
    cells = {c.name: draw(st.lists(st.one_of(VALUES[c.type], st.none()) if c.nullable else VALUES[c.type],
                                   min_size=n, max_size=n)) for c in spec.columns}
    return name, pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cells.items()})


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["milestone_status", "indicators", "updates"]).flatmap(table_rows), st.integers(1, 5))
def test_csv_rows_are_csv_cell_and_the_csv_module_for_any_values(tmp_path_factory, named, chunk_rows):
    """The vectorised text (only some columns quoted, formulas looked for, figures formatted per distinct value)
    is byte for byte csv.writer over csv_cell, whatever the values and wherever a chunk of rows starts."""
    import csv
    import io
    from unittest import mock

    name, frame = named
    spec, path = table_spec(name), tmp_path_factory.mktemp("csv") / "t.csv"
    df = canonical_frame(frame, spec)
    with mock.patch.object(files, "CSV_CHUNK_ROWS", chunk_rows):
        write_csv(df, spec, path)
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(spec.column_names)
    for row in df.itertuples(index=False):
        writer.writerow(csv_cell(None if pd.isna(v) else v, c.type) for v, c in zip(row, spec.columns))
    assert path.read_bytes() == expected.getvalue().encode("utf-8")


def test_canonical_frame_orders_columns_and_sorts_rows_by_primary_key():
    spec = table_spec("task_departments")
    df = tiny_tables()["task_departments"]
    shuffled = df.iloc[[2, 1, 0], ::-1].astype(object)
    out = canonical_frame(shuffled, spec)
    assert list(out.columns) == spec.column_names and list(out.index) == [0, 1, 2]
    assert list(zip(out["task_id"], out["department_id"])) == sorted(zip(df["task_id"], df["department_id"]))
    assert out.equals(canonical_frame(df, spec)) and str(out["task_id"].dtype) == "str"



@settings(max_examples=80, deadline=None)
@given(keys=st.lists(st.text(alphabet="a1-_任务é\x00", max_size=4), min_size=1, max_size=8, unique=True), data=st.data())
def test_canonical_frame_sorts_by_a_single_key_whether_or_not_the_rows_come_in_order(keys, data):
    """In order, the rows are kept as they are (not copied); out of order, sorted: the same frame either way."""
    spec = table_spec("tasks")
    df = tiny_tables()["tasks"].iloc[[0] * len(keys)].reset_index(drop=True)
    df = df.assign(task_id=data.draw(st.one_of(st.just(sorted(keys)), st.permutations(keys))))
    df.index = data.draw(st.permutations(list(range(len(keys)))))   # labels of any order: rows count by position
    out = canonical_frame(df, spec)
    assert isinstance(out.index, pd.RangeIndex) and list(out.index) == list(range(len(keys)))
    assert list(out["task_id"]) == sorted(keys)   # code point order, as Arrow sorts UTF-8 bytes
    assert out.equals(canonical_frame(df.iloc[::-1], spec)) and list(out.columns) == spec.column_names

def test_parquet_reads_back_equal_with_descriptions_and_identical_bytes(tmp_path):
    spec = table_spec("quality_notes")
    df = canonical_frame(tiny_tables()["quality_notes"], spec)
    write_parquet(df, spec, tmp_path / "a.parquet")
    write_parquet(df, spec, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    assert read_parquet(tmp_path / "a.parquet").equals(df)
    schema = pq.read_schema(tmp_path / "a.parquet")
    assert schema.field("detail").metadata[b"description"].decode().startswith("说明 — ")
    assert str(schema.field("source_start").type) == "int64" and not schema.field("note_id").nullable
    assert json.loads(schema.metadata[b"pandas"])["index_columns"] == []
    assert pq.ParquetFile(tmp_path / "a.parquet").metadata.row_group(0).column(0).compression == "ZSTD"


def test_xlsx_keeps_formula_like_text_as_text_and_chinese_intact(tmp_path):
    specs = {"departments": table_spec("departments"), "milestones": table_spec("milestones")}
    tables = tiny_tables()
    tables["departments"].loc[0, "name_en"] = "=cmd|' /C calc'!A0"
    frames = {name: canonical_frame(tables[name], spec) for name, spec in specs.items()}
    write_xlsx(frames, specs, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert wb.sheetnames == ["_codebook", "departments", "milestones"]
    cells = {c.value: c.data_type for row in wb["departments"].iter_rows() for c in row}
    assert cells["=cmd|' /C calc'!A0"] == "s" and "政策规划处" in cells
    due = wb["milestones"]["E2"]
    assert due.value == dt.datetime(2014, 3, 31) and due.number_format == "yyyy-mm-dd"
    assert [c.value for c in wb["_codebook"][1]] == ["table", "column", "type", "name_zh", "description_en", "rules"]


@pytest.mark.parametrize("value, why", [
    ("政策\x07规划处", "control character U+0007"), ("\x00", "control character U+0000"),
    ("长" * 40_000, "40,000 characters (40,000 UTF-16 units), more than the 32,767"),
    ("\U0001F600" * 16_384, "16,384 characters (32,768 UTF-16 units)"),   # one more than a cell holds
])
def test_xlsx_shows_a_marked_stand_in_for_a_cell_it_cannot_hold(tmp_path, value, why):
    spec = table_spec("departments")
    df = canonical_frame(tiny_tables()["departments"], spec)
    df.loc[1, "name_zh"] = value
    write_xlsx({"departments": df}, {"departments": spec}, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    cell = wb["departments"]["C3"].value
    assert cell.startswith(STAND_IN_MARK) and why in cell and "data/departments.csv" in cell
    assert wb["departments"]["C2"].value == df.loc[0, "name_zh"]   # its neighbours are written as they are
    assert df.loc[1, "name_zh"] == value                             # the frame itself is untouched
    rules = next(r[5].value for r in wb["_codebook"].iter_rows(min_row=2) if r[0].value == "departments" and not r[1].value)
    assert "1 cell(s) shown as a stand-in" in rules


def test_xlsx_keeps_a_cell_of_exactly_the_limit_and_tabs_and_line_ends(tmp_path):
    spec = table_spec("departments")
    df = canonical_frame(tiny_tables()["departments"], spec)
    df.loc[0, "name_zh"] = "长" * 32_767
    df.loc[1, "name_zh"] = "a\tb\nc"
    write_xlsx({"departments": df}, {"departments": spec}, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert wb["departments"]["C2"].value == "长" * 32_767 and wb["departments"]["C3"].value == "a\tb\nc"


def test_source_texts_are_written_exactly_and_bad_ones_refused(tmp_path):
    write_source_texts({"szsti-2014": "第一行\n第二行\n"}, tmp_path / "s")
    assert (tmp_path / "s/szsti-2014.txt").read_bytes() == "第一行\n第二行\n".encode("utf-8")
    with pytest.raises(ValueError, match=r"contains \\r"):
        write_source_texts({"szsti-2014": "a\r\nb"}, tmp_path / "t")
    with pytest.raises(ValueError, match="not a lowercase slug"):
        write_source_texts({"../escape": "a"}, tmp_path / "u")


def test_parquet_reads_back_compares_every_batch_and_the_dtypes(tmp_path):
    spec = table_spec("tasks")
    frame = canonical_frame(tiny_tables()["tasks"], spec)
    assert len(frame) == 2
    write_parquet(frame, spec, tmp_path / "t.parquet")
    assert parquet_reads_back(tmp_path / "t.parquet", frame, batch_rows=1)
    changed = frame.copy()
    changed.loc[len(frame) - 1, "title_zh"] = changed.loc[len(frame) - 1, "title_zh"] + "。"
    assert not parquet_reads_back(tmp_path / "t.parquet", changed, batch_rows=1)
    assert not parquet_reads_back(tmp_path / "t.parquet", frame.iloc[:-1], batch_rows=1)
    retyped = frame.assign(task_seq=frame["task_seq"].astype("float64"))
    assert not parquet_reads_back(tmp_path / "t.parquet", retyped, batch_rows=2)
    empty = frame.iloc[:0]
    write_parquet(empty, spec, tmp_path / "e.parquet")
    assert parquet_reads_back(tmp_path / "e.parquet", empty)
    assert not parquet_reads_back(tmp_path / "e.parquet", empty.assign(task_seq=empty["task_seq"].astype("float64")))
