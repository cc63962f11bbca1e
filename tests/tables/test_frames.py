"""frame_of keeps a column already of its model's dtype and converts the rest: the frame is the one the plain
definition gives (every column through Python objects into a new Series of the model's dtype).

Hypothesis draws, for each column of the updates table, one of the forms ingest hands over: a Series of the
model's dtype, an object Series, a list, a scalar, or nothing; with nulls, Chinese text and shuffled indexes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.tables.frames import _pandas_dtype, frame_of, table_schema

TEXT = st.one_of(st.none(), st.sampled_from(["", "任务", "sz001-2014-01", " a ", "é"]))
VALUES = {"str": TEXT, "int64": st.integers(-5, 5), "float64": st.one_of(st.none(), st.floats(allow_nan=True, width=64)),
          "Int64": st.one_of(st.none(), st.integers(-5, 5)), None: st.one_of(st.none(), st.dates(dt.date(2014, 1, 1)))}


def _by_objects(columns, table: str, rows: int) -> pd.DataFrame:
    """The definition: every column through Python objects."""
    data = {}
    for name, column in table_schema(table).columns.items():
        values = columns.get(name)
        if values is None or isinstance(values, (str, int, float)):
            values = [values] * rows
        elif isinstance(values, pd.Series):
            values = values.to_numpy(dtype=object)
        dtype = _pandas_dtype(column.dtype)
        data[name] = pd.Series(list(values), dtype=dtype if dtype else object)
    return pd.DataFrame(data, columns=list(data))


@st.composite
def _columns(draw):
    rows = draw(st.integers(0, 6))
    index = draw(st.permutations(range(100, 100 + rows)))
    columns = {}
    for name, column in table_schema("updates").columns.items():
        dtype = _pandas_dtype(column.dtype)
        values = draw(st.lists(VALUES[dtype], min_size=rows, max_size=rows))
        forms = ["typed", "object", "list", "scalar"] + ([] if dtype == "int64" else ["absent"])   # never null
        form = draw(st.sampled_from(forms))
        if form == "typed" and dtype in ("str", "float64", "Int64"):
            columns[name] = pd.Series(values, dtype=dtype, index=index)
        elif form == "typed" and dtype == "int64" or form == "object":
            columns[name] = pd.Series(values, dtype=object, index=index)
        elif form == "list":
            columns[name] = values
        elif form == "scalar" and values and dtype in ("str", "int64", "float64") or dtype == "int64":
            columns[name] = values[0] if values else 0
    return columns, rows


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(_columns())
def test_the_frame_is_the_one_every_column_through_python_objects_gives(drawn):
    columns, rows = drawn
    pd.testing.assert_frame_equal(frame_of(columns, "updates", rows), _by_objects(columns, "updates", rows),
                                  check_dtype=True, check_exact=True)


def test_a_kept_column_is_not_changed_by_a_change_to_its_source():
    source = pd.DataFrame({"note": pd.Series(["甲", None], dtype="str", index=[7, 3]),
                           **{name: [1, 2] for name in ("quarter", "department_seq", "source_row")}}, index=[7, 3])
    frame = frame_of(source, "updates", 2)
    source.loc[7, "note"] = "乙"
    assert frame["note"].tolist()[0] == "甲" and list(frame.index) == [0, 1]
    assert np.isnan(frame["note"].tolist()[1])
