"""csv_columns builds a CSV file's columns directly: exactly what the row path (csv_rows, then from_raw_table) gives.

The row path is the reference: it is the reader every other format goes through, one row at a time. Hypothesis
draws headers (names repeated, blank, Chinese, with quotes and backslashes) and records (short, long with blank
or filled extra cells, blank rows), and whole CSV texts with quotes, line breaks and full-width spaces.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.updates.columns import csv_columns, from_raw_table, read_update_columns, to_arrow
from flows.updates.read import csv_rows, read_update_file

CELL = st.text(alphabet=st.sampled_from(["a", "1", " ", "\u3000", "任", '"', "\\", ",", "\n", "é", "\t", "\u2028"]),
               max_size=6)
NAMES = st.sampled_from(["task", "quarter", "任务", "备注", "", "note", 'a"b', "task"])
SETTINGS = settings(max_examples=300, deadline=None, database=None, derandomize=True)


def _same(header: list[str], body: list[list[str]]) -> None:
    fast, rows = csv_columns(header, body), from_raw_table(csv_rows(header, body))
    assert to_arrow(fast).equals(to_arrow(rows), check_metadata=True)
    assert fast.problems == rows.problems and fast.source_row == rows.source_row


@SETTINGS
@given(st.lists(NAMES, min_size=0, max_size=5), st.lists(st.lists(CELL, max_size=7), max_size=8))
def test_records_give_the_row_paths_columns(header, body):
    _same(header, body)


@SETTINGS
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=6))
def test_rows_as_wide_as_the_header_give_the_row_paths_columns(body):
    _same(["task", "任务", "note"], body)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(["a", "任", ",", '"', "\n", "\r", " ", "\u3000", "1"]), max_size=60))
def test_a_file_reads_to_the_row_paths_columns(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "u.csv"
        path.write_text("task,quarter,note\n" + text, encoding="utf-8")
        fast, rows = read_update_columns(path), read_update_file(path)
        if not hasattr(rows, "rows"):
            assert fast == rows                       # the same FileProblem: code and message
        else:
            assert to_arrow(fast).equals(to_arrow(from_raw_table(rows)), check_metadata=True)


def test_a_filled_extra_cell_keeps_its_problem():
    columns = csv_columns(["task", "note"], [["1", "x", "stray"], ["2", "y", " "]])
    assert [[p.code for p in ps] for ps in columns.problems] == [["extra_cells"], []]
    assert columns.raw_cells.to_pylist() == ['{"task": "1", "note": "x", "(cell 3)": "stray"}',
                                             '{"task": "2", "note": "y"}']


def test_a_repeated_name_keeps_the_place_of_its_first_cell_and_the_value_of_its_last():
    columns = csv_columns(["note", "task", "note"], [["a", "1", "b"], ["c", "2"]])
    assert columns.raw_cells.to_pylist() == ['{"note": "b", "task": "1"}', '{"note": "", "task": "2"}']
    assert columns.cells["note"].to_pylist() == ["b", ""]


def test_the_bench_corpus_csv_files_read_to_the_row_paths_columns(tmp_path):
    """Every CSV file of a small mixed bench corpus (UTF-8, BOM, GB18030; Chinese and English headers; its bad rows)."""
    from flows.bench.corpus import CorpusSpec, write_corpus

    write_corpus(CorpusSpec(papers=3, update_rows=3000, formats=(("csv", 1.0),), rows_per_file=200,
                            encodings=("utf-8", "utf-8-sig", "gb18030")), tmp_path / "raw")
    files = sorted((tmp_path / "raw" / "updates").rglob("*.csv"))
    assert len(files) >= 10
    for path in files:
        fast, rows = read_update_columns(path), read_update_file(path)
        assert to_arrow(fast).equals(to_arrow(from_raw_table(rows)), check_metadata=True), path.name


@SETTINGS
@given(header=st.lists(NAMES, min_size=1, max_size=4),
       body=st.lists(st.lists(CELL, max_size=6), max_size=5))
def test_a_cached_read_comes_back_as_the_read_it_was(header, body):
    """from_arrow(to_arrow(read)): the parse cache's round trip gives the same Python values (rows as ints,
    problems as tuples), for files with problems and without."""
    from flows.updates.columns import from_arrow

    read = csv_columns(header, body)
    back = from_arrow(to_arrow(read))
    assert back.problems == read.problems and back.source_row == read.source_row and back.header == read.header
    assert all(type(r) is int for r in back.source_row) and all(type(p) is tuple for p in back.problems)
    assert back == read
