"""flows/release/xlsx_cells.py: which cells a workbook cannot hold, their stand-in and the quality note for each."""

from __future__ import annotations

import pyarrow
import pytest
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.release.xlsx_cells import (_ASTRAL, NOTE_FLAG, STAND_IN_MARK, XLSX_MAX_CELL_CHARS, XML_ILLEGAL, stand_in,
                                      stand_in_notes, unholdable)
from flows.tables.codebook import table_spec
from flows.tables.frames import to_frame
from tests.updates.fixtures import DOC, paper_tables


def test_what_a_cell_cannot_hold():
    values = pyarrow.array(["a" * 32_767, "a" * 32_768, "\U0001F600" * 16_383 + "a", "\U0001F600" * 16_384,
                            "tab\tnew\nline\rok", "nul\x00", "bel\x07", "\x1f", "\ufffe", None, "中文"])
    too_long, illegal = unholdable(values)
    assert too_long.to_pylist() == [False, True, False, True] + [False] * 7
    assert illegal.to_pylist() == [False] * 5 + [True, True, True, True, False, False]


CHARS = st.sampled_from(["a", "中", "，", "（", "\uffef", "\ufffe", "\uffff", "\ufffd", "\U0001F600", "\x00", "\x07",
                         "\x1f", "\t", "\n", "\r", "\x7f", "\u0085"])


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.lists(st.one_of(st.none(), st.text(CHARS, max_size=8)), max_size=8), st.integers(0, 3), st.integers(0, 3))
def test_the_shortcuts_find_what_the_regular_expressions_find(values, start, cut):
    """unholdable skips its regular expressions where they cannot match: the same answer as running them, on
    whole arrays and on slices of one (whose data buffer holds the bytes of the values sliced away)."""
    array = pyarrow.array(values, pyarrow.string())
    array = array.slice(min(start, len(array)), max(len(array) - start - cut, 0))
    units = pc.add(pc.utf8_length(array), pc.count_substring_regex(array, _ASTRAL))
    too_long, illegal = unholdable(array)
    assert too_long.to_pylist() == pc.fill_null(pc.greater(units, XLSX_MAX_CELL_CHARS), False).to_pylist()
    assert illegal.to_pylist() == pc.fill_null(pc.match_substring_regex(array, XML_ILLEGAL), False).to_pylist()


def test_the_stand_in_says_why_and_where():
    assert stand_in("updates", "x\x00y\x07") == (f"{STAND_IN_MARK} control character U+0000, U+0007, which a workbook "
                                                 "cannot store; the whole value is in data/updates.csv and "
                                                 "data/updates.parquet, same row]")
    assert "40,000 characters" in stand_in("notes", "长" * 40_000)


def test_a_note_names_table_row_column_and_source_file_and_row():
    tables = paper_tables()
    tables["update_rejections"] = to_frame([{
        "rejection_id": f"raw/updates/{DOC}/a.csv#7", "document_id": None, "source_file": f"raw/updates/{DOC}/a.csv",
        "source_row": 7, "level": "row", "raw_cells": '{"备注": "' + "长" * 40_000 + '"}', "reasons": "r",
        "reason_codes": "unknown_task", "duplicate_of": None, "conflicts_with": None}], "update_rejections")
    tables["tasks"].loc[0, "title_zh"] = "任务\x07一"
    specs = {name: table_spec(name) for name in tables}
    notes = stand_in_notes(tables, specs)
    assert list(notes["note_id"]) == ["workbook-n001", "workbook-n002"] and set(notes["flag"]) == {NOTE_FLAG}
    task, rejection = notes.iloc[0], notes.iloc[1]
    assert task["table_name"] == "tasks" and task["row_id"] == f"{DOC}-01" and "column title_zh" in task["detail"]
    assert rejection["table_name"] == "update_rejections" and rejection["document_id"] == DOC   # no document: the first
    assert f"(from raw/updates/{DOC}/a.csv, row 7), column raw_cells: more than the 32,767" in rejection["detail"]


def test_nothing_to_note_gives_an_empty_frame_of_the_note_columns():
    tables = paper_tables()
    notes = stand_in_notes(tables, {name: table_spec(name) for name in tables})
    assert notes.empty and list(notes.columns)[:3] == ["note_id", "document_id", "table_name"]


@pytest.mark.parametrize("char", ["a", "é", "中", "\U0001F600"])
@pytest.mark.parametrize("extra", [-2, -1, 0, 1, 2])
def test_too_long_near_the_limit_whatever_the_bytes_per_character(char, extra):
    """The shortcut by bytes must not hide a value whose UTF-16 units pass the limit: 1, 2, 3 and 4 bytes a character."""
    units_per_char = 2 if char == "\U0001F600" else 1
    value = char * (XLSX_MAX_CELL_CHARS // units_per_char + extra)
    array = pyarrow.array([value, "short", None])
    too_long, _ = unholdable(array)
    units = len(value.encode("utf-16-le")) // 2
    assert too_long.to_pylist() == [units > XLSX_MAX_CELL_CHARS, False, False]
