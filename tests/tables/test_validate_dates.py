"""Validating date columns: the Date type of schemas/_fields.py accepts and refuses exactly what pandera's own Date does."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandera.engines import pandas_engine

from schemas._fields import Date


class _MyDate(dt.date):
    """A date subclass: pandera's Date wants exactly datetime.date."""


VALUES = st.one_of(st.dates(), st.datetimes(), st.none(), st.just(pd.NaT), st.just(pd.NA), st.just(np.nan),
                   st.floats(allow_nan=False), st.text(max_size=3), st.dates().map(lambda d: _MyDate(d.year, d.month, d.day)),
                   st.dates().map(pd.Timestamp))


def _failures(dtype, values: list) -> list[int] | None:
    schema = pa.DataFrameSchema({"d": pa.Column(dtype, nullable=True)})
    try:
        schema.validate(pd.DataFrame({"d": pd.Series(values, dtype=object)}), lazy=True)
    except pa.errors.SchemaErrors as err:
        return sorted(int(i) for i in err.failure_cases["index"].dropna())
    return None


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, max_size=8))
def test_date_fails_exactly_the_values_panderas_own_date_fails(values):
    assert _failures(Date, values) == _failures(pandas_engine.Date, values)


@pytest.mark.parametrize("bad", [dt.datetime(2014, 1, 1, 5), "2014-01-01", pd.Timestamp("2014-01-01"), 1.5])
def test_a_value_that_is_not_a_date_among_a_million_dates_is_named(bad):
    values = [dt.date(2014, 1, 1)] * 1_000_000
    values[765_432] = bad
    assert _failures(Date, values) == [765_432]


def test_dates_and_nulls_pass():
    assert _failures(Date, [dt.date(2014, 1, 1), None, pd.NaT, pd.NA, np.nan]) is None
